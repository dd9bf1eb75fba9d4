"""PINs are stored only as argon2id hashes."""

from __future__ import annotations

from datetime import timedelta

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


# Checked when the badge is unknown (or locked), so that refusing it costs what a wrong PIN costs:
# the time of an answer must not tell which badges exist.
_DUMMY_HASH = _HASHER.hash("000000")


def spend_a_check(pin: str) -> None:
    """Verify `pin` against a hash nobody holds: the cost of a real check, for an unknown badge."""
    pin_matches(_DUMMY_HASH, pin)


# NIST SP 800-63B §5.2.2 rate limiting: after LOCK_AFTER consecutive wrong PINs the badge refuses
# every PIN for FIRST_LOCK, doubling with each further run of LOCK_AFTER, up to MAX_LOCK.
LOCK_AFTER = 5
FIRST_LOCK = timedelta(minutes=1)
MAX_LOCK = timedelta(days=1)


def lock_for(failed_pins: int) -> timedelta | None:
    """How long a badge locks after its `failed_pins`-th consecutive wrong PIN (None: no lock now)."""
    if failed_pins <= 0 or failed_pins % LOCK_AFTER:
        return None
    runs = failed_pins // LOCK_AFTER
    lock: timedelta = min(FIRST_LOCK * 2 ** min(runs - 1, 30), MAX_LOCK)
    return lock
