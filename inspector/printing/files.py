"""Writing a printout (PDF, ZPL, raster) to a file so that a file that exists is whole."""

from __future__ import annotations

from pathlib import Path

from inspector import atomicfile
from inspector.errors import BadInput


def write_safely(path: Path, data: bytes) -> Path:
    """The bytes are on disk under `path` when this returns; on any failure no partial file is left."""
    path = Path(path)
    try:
        atomicfile.replace(path, data, 0o644)
    except OSError as exc:
        raise BadInput(f"Cannot write {path} ({exc.strerror}).") from exc
    return path
