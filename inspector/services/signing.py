"""The audit log's keys, in one place: the station's key signs events and checkpoints; a verifier
accepts its own key, the station keys the deployment's root certified (docs/trust.md), imported
keys, and station keys registered in the log but still awaiting approval (listed by name)."""

from __future__ import annotations

import base64
import contextlib
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector.config import Settings
from inspector.errors import BadInput, InspectorError
from inspector.security import keys
from inspector.security.trustlist import public_key_from_raw, unb64url
from inspector.services.context import ServiceContext
from inspector.storage.models import SigningKeyRecord


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


def accepted_keys(ctx: ServiceContext, session: Session,
                  refresh: bool = True) -> tuple[dict[str, Ed25519PublicKey], dict[str, str]]:
    """(every key whose event signatures count, {key id: station} of those not approved by the root).

    Reading the deployment first refreshes this computer's copy of the root-certified station keys."""
    from inspector.services.deployment import DeploymentKeys  # built on the services this module serves

    # No deployment yet (an empty database), or its root is not the one this station pinned: the keys
    # as they are (the certificate service says what is wrong with the deployment).
    if refresh:
        with contextlib.suppress(InspectorError):
            DeploymentKeys(ctx).deployment(session)
    trusted = log_keys(ctx.settings)
    registered = station_keys_in_log(session)
    unapproved = {kid: station for kid, (_key, station) in registered.items() if kid not in trusted}
    return {**{kid: key for kid, (key, _station) in registered.items()}, **trusted}, unapproved


def station_keys_in_log(session: Session) -> dict[str, tuple[Ed25519PublicKey, str]]:
    """Key id -> (public key, station) of every station key registered in the database (each with a
    `key.registered` event), approved by the deployment's root or still pending.

    Events of a pending station (its key not yet approved by an admin) still verify against it, and
    `audit verify` lists them by station: a key nobody meant to add is an insider's and shows there.
    """
    found = {}
    for kid, public_key, station in session.execute(
            select(SigningKeyRecord.kid, SigningKeyRecord.public_key, SigningKeyRecord.station)):
        try:
            found[kid] = (public_key_from_raw(unb64url(public_key)), station)
        except (BadInput, ValueError):
            continue  # a damaged row: its events are then reported as signed by an unknown key
    return found


def sign_tag(key: keys.SigningKey, message: bytes) -> str:
    """`<key id>:<base64 Ed25519 signature>`: how events, thumbnails and certificate pictures are signed."""
    return f"{key.key_id}:{base64.b64encode(key.sign(message)).decode('ascii')}"


def tag_problem(tag: str, message: bytes, trusted: dict[str, Ed25519PublicKey], mismatch: str) -> str | None:
    """None when a trusted key's `sign_tag` signed `message`; else what is wrong, `mismatch` when the
    signature does not match."""
    key_id, _, encoded = tag.partition(":")
    public_key = trusted.get(key_id)
    if public_key is None:
        return f"is signed by key {key_id}, which this computer does not trust"
    try:
        signature = base64.b64decode(encoded, validate=True)
    except ValueError:
        return "has an unreadable signature"
    if not keys.signature_valid(public_key, signature, message):
        return mismatch
    return None
