-- V0201: `koppeling switch-source` records its registry changes like the lifecycle commands.
alter table ops.registry_change drop constraint if exists registry_change_action_check;
alter table ops.registry_change add constraint registry_change_action_check
    check (action in ('register', 'realise', 'pause', 'resume', 'offboard', 'switch_source'));
