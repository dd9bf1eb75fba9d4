"""The certificate payload: `INS1:` + base45(compact fields + Ed25519 signature), fits a 2x1 in tag.

Layout of the signed body (version 1): key id (8 bytes) | issue day (uint16, days since 2000-01-01) |
verdict letter (1 byte) | serial, item code, brand, model, station as UTF-8 joined by 0x1F.
The signature (64 bytes) covers the prefix and the body, so a payload cannot be re-labelled as
another version. No personal data: the authenticator is not in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from inspector.errors import BadInput
from inspector.security import base45
from inspector.security.keys import SigningKey

PREFIX = "INS"
VERSION = 1
HEADER = f"{PREFIX}{VERSION}:"
SIGNATURE_BYTES = 64
KEY_ID_BYTES = 8
EPOCH = date(2000, 1, 1)
SEPARATOR = b"\x1f"
# Keeps the QR code at version 9 or below (53 modules): 3 printer dots a module on a 1 in high tag.
MAX_TEXT_BYTES = 96
FIELD_LIMITS = {"serial": 24, "item_code": 40, "brand": 24, "model": 24, "station": 16}

VERDICT_LETTERS = {"pass": b"P", "fail": b"F", "inconclusive": b"I"}
LETTER_VERDICTS = {letter: verdict for verdict, letter in VERDICT_LETTERS.items()}


def clip(text: str, limit: int) -> str:
    """Shorten to at most `limit` UTF-8 bytes without splitting a character."""
    encoded = text.strip().encode("utf-8")[:limit]
    return encoded.decode("utf-8", errors="ignore")


@dataclass(frozen=True)
class CertificatePayload:
    serial: str
    item_code: str
    brand: str
    model: str
    verdict: str
    issued_on: date
    station: str
    key_id: str

    def body(self) -> bytes:
        if self.verdict not in VERDICT_LETTERS:
            raise BadInput(f"A certificate cannot carry the verdict {self.verdict!r}.")
        texts = [self.serial, self.item_code, self.brand, self.model, self.station]
        encoded = [text.encode("utf-8") for text in texts]
        if any(SEPARATOR in part for part in encoded):
            raise BadInput("A certificate field contains a control character.")
        joined = SEPARATOR.join(encoded)
        if len(joined) > MAX_TEXT_BYTES:
            raise BadInput("The certificate fields are too long to fit the tag's QR code.")
        days = (self.issued_on - EPOCH).days
        if not 0 <= days <= 0xFFFF:
            raise BadInput(f"The issue date {self.issued_on} is out of range.")
        return bytes.fromhex(self.key_id) + days.to_bytes(2, "big") + VERDICT_LETTERS[self.verdict] + joined


def signed_message(body: bytes) -> bytes:
    return HEADER.encode("ascii") + body


def encode(payload: CertificatePayload, key: SigningKey) -> str:
    if payload.key_id != key.key_id:
        raise BadInput("The payload names a different key from the one signing it.")
    body = payload.body()
    return HEADER + base45.encode(body + key.sign(signed_message(body)))


@dataclass(frozen=True)
class DecodedPayload:
    payload: CertificatePayload
    body: bytes
    signature: bytes

    @property
    def message(self) -> bytes:
        return signed_message(self.body)


def decode(text: str) -> DecodedPayload:
    """Parse without checking the signature; one clear sentence for anything that is not ours."""
    text = text.strip()
    if not text.startswith(PREFIX) or ":" not in text[:8]:
        raise BadInput("This is not an inspector certificate code (it should start with INS1:).")
    version_text, _, encoded = text[len(PREFIX) :].partition(":")
    if version_text != str(VERSION):
        raise BadInput(
            f"This certificate code has version {version_text!r}; this program reads version {VERSION}."
        )
    try:
        raw = base45.decode(encoded)
    except ValueError as exc:
        raise BadInput(f"This certificate code is damaged ({exc}).") from exc
    minimum = KEY_ID_BYTES + 3 + SIGNATURE_BYTES
    if len(raw) < minimum:
        raise BadInput("This certificate code is too short to hold a signed certificate.")
    body, signature = raw[:-SIGNATURE_BYTES], raw[-SIGNATURE_BYTES:]
    key_id = body[:KEY_ID_BYTES].hex()
    days = int.from_bytes(body[KEY_ID_BYTES : KEY_ID_BYTES + 2], "big")
    letter = body[KEY_ID_BYTES + 2 : KEY_ID_BYTES + 3]
    if letter not in LETTER_VERDICTS:
        raise BadInput("This certificate code carries an unknown verdict.")
    try:
        fields = body[KEY_ID_BYTES + 3 :].decode("utf-8").split("\x1f")
    except UnicodeDecodeError as exc:
        raise BadInput("This certificate code's text is not valid UTF-8.") from exc
    if len(fields) != 5:
        raise BadInput("This certificate code does not have the five expected fields.")
    serial, item_code, brand, model, station = fields
    payload = CertificatePayload(
        serial=serial,
        item_code=item_code,
        brand=brand,
        model=model,
        verdict=LETTER_VERDICTS[letter],
        issued_on=EPOCH + timedelta(days=days),
        station=station,
        key_id=key_id,
    )
    return DecodedPayload(payload, body, signature)
