"""Base45 (RFC 9285): bytes as QR alphanumeric characters, so a QR code stays in its densest text mode."""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_VALUES = {char: value for value, char in enumerate(ALPHABET)}


def encode(data: bytes) -> str:
    out: list[str] = []
    for start in range(0, len(data) - 1, 2):
        number = data[start] * 256 + data[start + 1]
        number, c = divmod(number, 45)
        e, d = divmod(number, 45)
        out += (ALPHABET[c], ALPHABET[d], ALPHABET[e])
    if len(data) % 2:
        e, c = divmod(data[-1], 45)
        out += (ALPHABET[c], ALPHABET[e])
    return "".join(out)


def decode(text: str) -> bytes:
    """Raises ValueError on characters outside the alphabet, a bad length or values above a byte pair."""
    try:
        values = [_VALUES[char] for char in text]
    except KeyError as exc:
        raise ValueError(f"character {exc.args[0]!r} is not base45") from None
    if len(values) % 3 == 1:
        raise ValueError("base45 length is invalid")
    out = bytearray()
    for start in range(0, len(values), 3):
        chunk = values[start : start + 3]
        number = sum(value * 45**power for power, value in enumerate(chunk))
        if len(chunk) == 3:
            if number > 0xFFFF:
                raise ValueError("base45 triple out of range")
            out += number.to_bytes(2, "big")
        else:
            if number > 0xFF:
                raise ValueError("base45 pair out of range")
            out.append(number)
    return bytes(out)
