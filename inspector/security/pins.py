"""PINs are stored only as argon2id hashes."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from inspector.errors import BadInput

# A PIN is short, so the hash must be slow; these cost ~30 ms per check at a bench.
_HASHER = PasswordHasher(time_cost=2, memory_cost=32 * 1024, parallelism=1)


def check_pin_format(pin: str) -> None:
    if not (4 <= len(pin) <= 12) or not pin.isdigit():
        raise BadInput("A PIN is 4 to 12 digits.")


def hash_pin(pin: str) -> str:
    check_pin_format(pin)
    return _HASHER.hash(pin)


def pin_matches(pin_hash: str, pin: str) -> bool:
    try:
        return _HASHER.verify(pin_hash, pin)
    except (VerificationError, InvalidHashError):
        return False
