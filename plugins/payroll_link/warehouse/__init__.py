"""The PostgreSQL warehouse: engine (embedded default), migrations, COPY loaders, publish.

Typical run of one partition (employer, period)::

    engine = make_engine()              # $WAREHOUSE_URL, else 127.0.0.1:5432, else .local/pg
    migrate(engine)
    wh = Warehouse(engine)
    xid = wh.begin_extraction(employer_id, period, start, end, airflow_run_id)
    wh.discard_unpublished(employer_id, period, keep=xid)   # rows of killed/failed attempts
    wh.land_raw(xid, employer_id, period, calls)
    wh.load_staging("employment", xid, employer_id, period, fetched.rows)  # canonical rows
    wh.record(xid, status="landed", timings={"extract": 12.3})
    wh.publish(xid)                     # or wh.fail(xid, "NmbrsAuthError", "...") on error
"""

from payroll_link.warehouse.engine import (
    DEFAULT_DATABASE,
    create_database,
    drop_database,
    make_engine,
    new_database_url,
    normalise_url,
    scratch_database,
    warehouse_url,
)
from payroll_link.warehouse.errors import (
    ExtractionStateError,
    LoadError,
    MigrationError,
    WarehouseConfigError,
    WarehouseError,
)
from payroll_link.warehouse.migrate import (
    MIGRATIONS_DIR,
    discover,
    migrate,
    pending,
    require_current,
)
from payroll_link.warehouse.store import LINEAGE, Warehouse

__all__ = [
    "DEFAULT_DATABASE",
    "LINEAGE",
    "MIGRATIONS_DIR",
    "ExtractionStateError",
    "LoadError",
    "MigrationError",
    "Warehouse",
    "WarehouseConfigError",
    "WarehouseError",
    "create_database",
    "discover",
    "drop_database",
    "make_engine",
    "migrate",
    "new_database_url",
    "normalise_url",
    "pending",
    "require_current",
    "scratch_database",
    "warehouse_url",
]
