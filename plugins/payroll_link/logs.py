"""Quiet task logs: chatty libraries log at WARNING, so a task's own lines are what one reads.

Great Expectations alone writes hundreds of INFO lines per validation (``_get_default_value
called with key …``); Airflow runs tasks with the root logger at INFO, so they would all land in
the task log. Only the loggers named here are raised; the pipeline's own stay at INFO.
"""

from __future__ import annotations

import logging

CHATTY_LOGGERS = (
    "great_expectations",
    "urllib3",
    "sqlalchemy",
    "zeep.transports",
    "charset_normalizer",
    "filelock",
    "tzlocal",
    "altair",
    "matplotlib",
    "numexpr",
    "posthog",
)


def quiet_libraries(level: int = logging.WARNING) -> None:
    """Raise the chatty libraries' loggers to `level` (WARNING unless told otherwise).

    Call it again after importing such a library: some set their own module loggers' level at
    import (GX sets one to INFO), which a parent's level does not override.
    """
    existing = [name for name in logging.root.manager.loggerDict
                if name.startswith(tuple(f"{chatty}." for chatty in CHATTY_LOGGERS))]
    for name in (*CHATTY_LOGGERS, *existing):
        logger = logging.getLogger(name)
        if logger.level < level:
            logger.setLevel(level)
