"""Perceptual hashes of photos and a fast near-duplicate index over all stored ones."""

from __future__ import annotations

import threading
from collections.abc import Hashable, Iterable

import cv2
import numpy as np

from inspector.errors import BadInput

HASH_HEX_DIGITS = 16
# Re-encoded, resized or lightly edited copies of one file stay within ~6 of 64 bits;
# unrelated photos sit near 32.
DEFAULT_MAX_DISTANCE = 8
# The hash looks at 32x32 pixels: a JPEG decoded down to this long side (DCT scaling) hashes as
# the full photo does, and decodes several times faster.
HASH_DECODE_SIDE = 256


def perceptual_hash(image: np.ndarray) -> str:
    """64-bit DCT perceptual hash (pHash) of a BGR or gray image, as 16 hex digits.

    Survives re-encoding, resizing and mild colour or brightness changes; it identifies copies
    of one photo, not re-shots of one object (see fingerprint.same_unit for that).
    """
    if image.size == 0:
        raise BadInput("the image is empty, so it has no perceptual hash.")
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    small = cv2.resize(gray, (32, 32), interpolation=cv2.INTER_AREA).astype(np.float32)
    low = cv2.dct(small)[:8, :8].ravel()
    # Median of the low frequencies without the DC term: brightness-independent threshold.
    bits = low > np.median(low[1:])
    value = 0
    for bit in bits:
        value = (value << 1) | int(bit)
    return f"{value:016x}"


def hash_to_int(hash_hex: str) -> int:
    """Parse a 16-hex-digit hash; BadInput if malformed."""
    if len(hash_hex) != HASH_HEX_DIGITS:
        raise BadInput(f"perceptual hash {hash_hex!r} must be {HASH_HEX_DIGITS} hex digits.")
    try:
        return int(hash_hex, 16)
    except ValueError as exc:
        raise BadInput(f"perceptual hash {hash_hex!r} is not hexadecimal.") from exc


def hamming_distance(first: str, second: str) -> int:
    """Number of differing bits between two hashes (0..64)."""
    return (hash_to_int(first) ^ hash_to_int(second)).bit_count()


class DuplicateIndex:
    """All stored hashes in one uint64 array: a near query is one vectorised XOR + popcount.

    A million hashes take a few milliseconds per query. Thread-safe: storage may add from a
    worker while the UI queries.
    """

    def __init__(self, items: Iterable[tuple[Hashable, str]] = ()) -> None:
        self._keys: list[Hashable] = []
        self._hashes = np.zeros(1024, dtype=np.uint64)
        self._lock = threading.Lock()
        for key, hash_hex in items:
            self.add(key, hash_hex)

    def __len__(self) -> int:
        return len(self._keys)

    def add(self, key: Hashable, hash_hex: str) -> None:
        """Remember `key` (a photo id, a SHA-256 ...) under its perceptual hash."""
        value = np.uint64(hash_to_int(hash_hex))
        with self._lock:
            count = len(self._keys)
            if count == len(self._hashes):
                self._hashes = np.concatenate([self._hashes, np.zeros_like(self._hashes)])
            self._hashes[count] = value
            self._keys.append(key)

    def near(self, hash_hex: str, max_distance: int = DEFAULT_MAX_DISTANCE
             ) -> list[tuple[Hashable, int]]:
        """Keys whose hash is within `max_distance` bits, nearest first."""
        query = np.uint64(hash_to_int(hash_hex))
        with self._lock:
            count = len(self._keys)
            distances = np.bitwise_count(self._hashes[:count] ^ query)
            hits = np.flatnonzero(distances <= max_distance)
            order = hits[np.argsort(distances[hits], kind="stable")]
            return [(self._keys[i], int(distances[i])) for i in order]
