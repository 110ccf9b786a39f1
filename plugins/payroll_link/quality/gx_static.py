"""A Data Docs store backend that keeps GX's static assets once, in a folder all runs share.

GX copies its static files (4 MB of fonts, images and CSS) into every site it builds; with one
site per quality run that is 100 MB after 25 runs. This backend writes those files into
``shared_static_directory`` (once per GX version; later runs find them there) and makes the
run's ``static`` folder a relative symlink to it, so the pages' ``../static/…`` links still
resolve. Loaded by GX from the site config (``module_name``/``class_name``), so GX is imported
only where GX already is.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from great_expectations.data_context.store.tuple_store_backend import (
    TupleFilesystemStoreBackend,
)

STATIC = "static"


class SharedStaticStoreBackend(TupleFilesystemStoreBackend):
    """TupleFilesystemStoreBackend whose ``static/…`` keys go to one shared folder."""

    def __init__(self, base_directory, shared_static_directory, **kwargs) -> None:
        super().__init__(base_directory=base_directory, **kwargs)
        self.shared = Path(shared_static_directory)

    def _set(self, key, value, **kwargs):
        if not isinstance(key, tuple):
            key = key.to_tuple()
        if key and key[0] == STATIC:
            return str(self._set_shared(key[1:], value))
        return super()._set(key, value, **kwargs)

    def _set_shared(self, parts: tuple[str, ...], value) -> Path:
        target = self.shared.joinpath(*parts)
        if not target.exists():
            _write_atomically(target, value.encode("utf-8") if isinstance(value, str) else value)
        self._link_site()
        return target

    def _link_site(self) -> None:
        """Make ``<site>/static`` a relative symlink to the shared folder (once per site)."""
        link = Path(self.full_base_directory) / STATIC
        if link.is_symlink() or link.exists():
            return
        link.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(os.path.relpath(self.shared, link.parent), link, target_is_directory=True)


def _write_atomically(target: Path, data: bytes) -> None:
    """Write via a temp file and os.replace: runs building concurrently never see half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
