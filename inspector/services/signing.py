"""The one place the audit log gets its key: the station's signing key signs events and checkpoints.

The trust work (issue 13) moves keys to a deployment root plus station keys; only this module
changes then.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from inspector.config import Settings
from inspector.security import keys


def station_key(settings: Settings) -> keys.SigningKey:
    return _station_key(settings.keys_dir, _stamp(settings.keys_dir / keys.PRIVATE_KEY_FILE))


def log_keys(settings: Settings) -> dict[str, Ed25519PublicKey]:
    """Keys whose event and checkpoint signatures this computer accepts: its own and those imported."""
    trusted = settings.keys_dir / keys.TRUSTED_DIR
    return dict(_log_keys(settings.keys_dir, _stamp(settings.keys_dir / keys.PRIVATE_KEY_FILE),
                          _stamp(trusted), tuple(sorted(_stamp(p) for p in trusted.glob("*.pem")))
                          if trusted.is_dir() else ()))


# Read once per change of the files (a checkpoint after every certificate must not parse PEM files
# each time); the file's modification time and size are part of the cache key.
def _stamp(path: Path) -> tuple[str, int, int]:
    try:
        status = path.stat()
    except OSError:
        return (str(path), 0, 0)
    return (str(path), status.st_mtime_ns, status.st_size)


@lru_cache(maxsize=8)
def _station_key(keys_dir: Path, _stamp: tuple[str, int, int]) -> keys.SigningKey:
    return keys.load_or_create(keys_dir)


@lru_cache(maxsize=8)
def _log_keys(keys_dir: Path, *_stamps: object) -> dict[str, Ed25519PublicKey]:
    return keys.trusted_keys(keys_dir)
