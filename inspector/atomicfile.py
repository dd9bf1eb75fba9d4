"""Whole files or none: write a temporary file beside the target, sync it, then put it in place.

A reader (or the next start after a crash or a power cut) sees the old file or the new one, never
half of one. `write_new` creates exclusively (a hard link fails if the name exists, so two
processes creating at once never overwrite each other); `replace` renames over any old file.
Used for keys, settings, printouts (PDF, ZPL) and photos.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def write_new(path: Path, data: bytes, mode: int = 0o600) -> bool:
    """Write `path` only if it does not exist yet; False if another writer got there first."""
    tmp = _write_temporary(path, data, mode, durable=True)
    try:
        os.link(tmp, path)
    except FileExistsError:
        return False
    finally:
        tmp.unlink(missing_ok=True)
    sync_folder(path.parent)
    return True


def replace(path: Path, data: bytes, mode: int = 0o600, *, durable: bool = True) -> None:
    """Put `data` at `path`, replacing any old file in one rename.

    `durable` syncs the file and its folder to disk first (keys, settings, printouts, photos); a
    cache that can be made again skips that cost."""
    tmp = _write_temporary(path, data, mode, durable=durable)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if durable:
        sync_folder(path.parent)


def sync_folder(folder: Path) -> None:
    """Make a rename or link in `folder` survive a power cut (where the file system can sync folders)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_temporary(path: Path, data: bytes, mode: int, *, durable: bool) -> Path:
    folder = path.parent if str(path.parent) else Path(".")
    tmp = folder / f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.chmod(tmp, mode)  # exactly `mode`, whatever the umask
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp
