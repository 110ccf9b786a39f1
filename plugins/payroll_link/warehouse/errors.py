"""Warehouse errors: they carry ids and names as attributes, never row values."""

from __future__ import annotations


class WarehouseError(Exception):
    """Root of warehouse errors; attributes name the extraction, partition and entity."""

    def __init__(self, message: str, *, extraction_id: str | None = None,
                 employer_id: str | None = None, period: str | None = None,
                 entity: str | None = None):
        super().__init__(message)
        self.extraction_id = extraction_id
        self.employer_id = employer_id
        self.period = period
        self.entity = entity


class WarehouseConfigError(WarehouseError):
    """No usable PostgreSQL: the URL is malformed, or no server answers and none can start."""


class MigrationError(WarehouseError):
    """A migration file is malformed, missing or changed after it was applied."""


class LoadError(WarehouseError):
    """PostgreSQL rejected rows of a COPY; the message names table, line and column only."""


class ExtractionStateError(WarehouseError):
    """An extraction is unknown or in a state that forbids the operation (publish a failed run)."""


class PartitionConflictError(ExtractionStateError):
    """Another extraction published the partition after this one began: this one never will."""
