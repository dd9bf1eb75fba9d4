"""The one place the audit log gets its key: the station's signing key signs events and checkpoints.

The trust work (issue 13) moves keys to a deployment root plus station keys; only this module
changes then.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from inspector.config import Settings
from inspector.security import keys


def station_key(settings: Settings) -> keys.SigningKey:
    return keys.load_or_create(settings.keys_dir)


def log_keys(settings: Settings) -> dict[str, Ed25519PublicKey]:
    """Keys whose event and checkpoint signatures this computer accepts: its own and those imported."""
    return keys.trusted_keys(settings.keys_dir)
