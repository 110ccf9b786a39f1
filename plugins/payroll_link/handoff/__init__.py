"""Handoff to a.s.r.: stands per employment per period, derived mutations, delivery, ledger.

Entry point (wired into the DAG after the quality gate)::

    from payroll_link.handoff.adapters import adapter_from
    from payroll_link.handoff.service import deliver_period

    adapter = adapter_from(conn.conn_type, conn.host, conn.login, conn.password, conn.extra)
    result = deliver_period(engine, employer, extraction_id, period, adapter)
    # {'action': 'sent'|'unchanged'|'correction'|'baseline', 'version': 1, 'receipt_id': '…',
    #  'stands': 23, 'mutations': {'hire': 1, 'exit': 1, …}, 'later_periods': [], …}

Modules: ``stand`` / ``stand_pay`` (stands from published rows), ``pension_base`` (the base
and its parameters), ``schemes`` (components, base rules, yearly figures), ``golive`` (periods
before the first exchange date: baseline or history), ``fields`` (catalogue and
product projection), ``mutations``, ``message`` (hash, ids, bytes), ``schema`` (JSON Schema
``schema/stands-message.v2.json``), ``build`` (compose), ``reader`` (warehouse reads),
``ledger`` (``ops.delivery``), ``adapters`` (HTTPS, file drop), ``service``, ``config``.
Pure domain modules (stand, pension_base, fields, mutations, message, build) do no I/O.
"""
