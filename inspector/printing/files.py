"""Writing a printout to a file so that a file that exists is whole: temp file, fsync, rename."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from inspector.errors import BadInput


def write_safely(path: Path, data: bytes) -> Path:
    """The bytes are on disk under `path` when this returns; on any failure no partial file is left."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise BadInput(f"Cannot write {path} ({exc.strerror}).") from exc
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
        directory = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(directory)  # the rename itself survives a power cut
        finally:
            os.close(directory)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise BadInput(f"Cannot write {path} ({exc.strerror}).") from exc
    return path
