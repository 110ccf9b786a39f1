"""`koppeling migrate`: the warehouse schema, applied as a deploy step."""

from __future__ import annotations


def register(subparsers) -> None:
    """Add the migrate command (status: `payroll_link.cli.status`)."""
    migrate = subparsers.add_parser("migrate", help="apply the warehouse migrations (sql/): a "
                                    "deploy step (airflow-init, the demo), never in a task")
    migrate.set_defaults(handler=run_migrate)


def _engine():
    from payroll_link.runtime import warehouse_engine  # the one resolver (Airflow connection)

    return warehouse_engine()


def run_migrate(args) -> int:
    """Apply pending migrations and say which."""
    from payroll_link.warehouse import migrate

    applied = migrate(_engine())
    print("applied: " + (", ".join(applied) if applied else "nothing (up to date)"))
    return 0
