"""Checkpoints as C2SP tlog-checkpoint signed notes: origin, size, base64 root, extensions, signatures.

    inspector.local/audit-log
    1000000
    <base64 of the 32-byte RFC 9162 root>
    time 2026-11-27T17:30:00Z
    <blank line>
    — inspector-<key id> <base64 of 4-byte key hash + 64-byte Ed25519 signature>

The signature covers the text above the blank line (C2SP signed-note); the 4-byte key hash is
SHA-256(name, 0x0A, 0x01, raw public key)[:4] as signed notes define it for Ed25519.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from inspector.errors import BadInput
from inspector.security import keys

SIGNATURE_DASH = "\u2014"


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    time: str

    def body(self) -> str:
        root = base64.b64encode(self.root).decode("ascii")
        return f"{self.origin}\n{self.size}\n{root}\ntime {self.time}\n"


@dataclass(frozen=True)
class SignedCheckpoint:
    checkpoint: Checkpoint
    key_id: str | None  # the trusted key that signed it, None when no trusted key did
    signer_names: tuple[str, ...]

    @property
    def trusted(self) -> bool:
        return self.key_id is not None


def key_name(key_id: str) -> str:
    return f"inspector-{key_id}"


def note_key_hash(name: str, public_key: Ed25519PublicKey) -> bytes:
    return hashlib.sha256(name.encode("utf-8") + b"\n\x01" + keys.raw_public_bytes(public_key)).digest()[:4]


def sign(checkpoint: Checkpoint, signer: keys.SigningKey) -> str:
    body = checkpoint.body()
    name = key_name(signer.key_id)
    blob = note_key_hash(name, signer.public_key) + signer.sign(body.encode("utf-8"))
    return f"{body}\n{SIGNATURE_DASH} {name} {base64.b64encode(blob).decode('ascii')}\n"


def parse(text: str, trusted: Mapping[str, Ed25519PublicKey],
          source: str = "the checkpoint") -> SignedCheckpoint:
    """Read a signed checkpoint; key_id is set only when a key this computer trusts signed it."""
    body, sep, signatures = text.partition("\n\n")
    if not sep:
        raise BadInput(f"{source} is not a signed checkpoint (no blank line before its signatures).")
    lines = body.split("\n")
    if len(lines) < 3:
        raise BadInput(f"{source} is not a checkpoint (it needs origin, size and root hash lines).")
    try:
        size = int(lines[1])
        root = base64.b64decode(lines[2], validate=True)
    except (ValueError, binascii.Error) as exc:
        raise BadInput(f"{source} has an unreadable size or root hash.") from exc
    if size < 0 or len(root) != 32:
        raise BadInput(f"{source} has an impossible size or a root hash that is not 32 bytes.")
    time = next((line[5:] for line in lines[3:] if line.startswith("time ")), "")
    checkpoint = Checkpoint(origin=lines[0], size=size, root=root, time=time)
    signed = (body + "\n").encode("utf-8")
    names, signed_by = [], None
    for line in signatures.splitlines():
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != SIGNATURE_DASH:
            continue
        name = parts[1]
        names.append(name)
        key_id = name.removeprefix("inspector-")
        public_key = trusted.get(key_id)
        try:
            blob = base64.b64decode(parts[2], validate=True)
        except binascii.Error:
            continue
        if (public_key is not None and blob[:4] == note_key_hash(name, public_key)
                and keys.signature_valid(public_key, blob[4:], signed)):
            signed_by = key_id
    return SignedCheckpoint(checkpoint, signed_by, tuple(names))
