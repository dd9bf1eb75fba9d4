"""Files and folders only their owner may read: the data folder, the keys, the SQLite database.

Explicit modes rather than a process-wide umask: the photo store may be a share that stations of other
users read (services/photostore keeps its files read-only for everyone), and a umask would cut them off.
An existing file or folder that is too open is tightened when this process owns it.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

FOLDER_MODE = 0o700
FILE_MODE = 0o600


def _tighten(path: Path, mode: int) -> None:
    # A read-only or foreign file system refuses chmod: what opens the file afterwards reports it.
    with contextlib.suppress(OSError):
        info = path.stat()
        if info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) & 0o077:
            os.chmod(path, stat.S_IMODE(info.st_mode) & mode)


def owner_only_folder(path: Path) -> Path:
    """Create the folder (and its parents) with mode 0700, or take group and others off an existing one."""
    path.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    _tighten(path, FOLDER_MODE)
    return path


def owner_only_file(path: Path) -> Path:
    """Create an empty file with mode 0600 if it is missing, or take group and others off an existing one."""
    # A folder that cannot be written is left to what opens the file next, which names the problem.
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    _tighten(path, FILE_MODE)
    return path


def owner_only_sqlite(database: Path) -> None:
    """The database file mode 0600 before SQLite opens it: SQLite gives its -wal and -shm files the
    database file's mode. Files left by an older, too open install are tightened as well."""
    owner_only_file(database)
    for suffix in ("-wal", "-shm", "-journal"):
        _tighten(database.with_name(database.name + suffix), FILE_MODE)
