"""The certificate payload, version 2: `INS2:` + base64url(signed body + Ed25519 signature).

Body (big-endian): key id (8 bytes) | issued at (uint32, seconds since 2000-01-01T00:00:00Z) |
serial number (uint32) | status index (uint32) | verdict letter (1 byte) | deployment prefix,
item code, brand, model as UTF-8 joined by 0x1F. The signature (64 bytes) covers `INS2:` and the
body, so a payload cannot be re-labelled as another version. The station is not in the payload:
the signing key names it, in the deployment's root-signed key list. No personal data.

The QR code holds `<verify_url>#INS2:...` in byte mode (the `#` of a URL fragment is outside the QR
alphanumeric set, and the tag printers are driven in byte mode): base64url is the densest text there
(6 bits of payload in each 8-bit character). docs/certificate-format.md is the spec.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from inspector.domain.gtin import gtin14
from inspector.errors import BadInput
from inspector.security.keys import SigningKey

PREFIX = "INS"
VERSION = 2
HEADER = f"{PREFIX}{VERSION}:"
SIGNATURE_BYTES = 64
KEY_ID_BYTES = 8
FIXED_BYTES = KEY_ID_BYTES + 4 + 4 + 4 + 1
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
SEPARATOR = b"\x1f"
# The QR code on a 2x1 in tag at 203 dpi: 3 dots a module and a 4-module quiet zone leave 203 // 3 - 8
# = 59 modules, so at most version 10 (57 modules); at error correction M it holds 213 bytes.
QR_CAPACITY_BYTES = 213
MAX_TEXT_BYTES = 80
MIN_TEXT_BYTES = 24
FIELD_LIMITS = {"deployment": 5, "item_code": 40, "brand": 24, "model": 24}
# A deployment prefix: 3-5 capital letters or digits, starting with a letter (it starts the serial).
DEPLOYMENT_PREFIX = re.compile(r"^[A-Z][A-Z0-9]{2,4}$")

VERDICT_LETTERS = {"pass": b"P", "fail": b"F", "inconclusive": b"I"}
LETTER_VERDICTS = {letter: verdict for verdict, letter in VERDICT_LETTERS.items()}


def clip(text: str, limit: int) -> str:
    """Shorten to at most `limit` UTF-8 bytes without splitting a character."""
    encoded = text.strip().replace("\x1f", " ").encode("utf-8")[:limit]
    return encoded.decode("utf-8", errors="ignore")


def text_budget(verify_url: str) -> int:
    """How many bytes the payload's texts may take so that `<verify_url>#<payload>` fits the tag's QR code.

    QR text = url + "#" + "INS2:" + base64url(FIXED_BYTES + texts + 64); base64url takes 4 characters
    for every 3 bytes. A very long address still leaves MIN_TEXT_BYTES (its QR code is then larger).
    """
    room = QR_CAPACITY_BYTES - len(_url_part(verify_url).encode("utf-8")) - 1 - len(HEADER)
    payload_bytes = math.floor(room * 3 / 4)
    return max(MIN_TEXT_BYTES, min(MAX_TEXT_BYTES, payload_bytes - FIXED_BYTES - SIGNATURE_BYTES))


def fit_texts(item_code: str, brand: str, model: str, budget: int = MAX_TEXT_BYTES) -> tuple[str, str, str]:
    """Clip to the field limits, then shorten the longest field until all fit the QR code.

    A finish must never fail because a brand's name is long: the signed copy is shortened, the
    records keep the full text.
    """
    texts = [
        clip(item_code, FIELD_LIMITS["item_code"]),
        clip(brand, FIELD_LIMITS["brand"]),
        clip(model, FIELD_LIMITS["model"]),
    ]
    # The prefix (<= 5 bytes) and four separators share the budget.
    room = budget - FIELD_LIMITS["deployment"] - 4
    while sum(len(t.encode("utf-8")) for t in texts) > room:
        longest = max(range(3), key=lambda i: len(texts[i].encode("utf-8")))
        texts[longest] = clip(texts[longest], len(texts[longest].encode("utf-8")) - 1)
    return texts[0], texts[1], texts[2]


def serial_text(deployment: str, number: int) -> str:
    """The printed serial: the issuer's prefix and the number, e.g. ACME-00000042."""
    return f"{deployment}-{number:08d}"


@dataclass(frozen=True)
class CertificatePayload:
    deployment: str  # the issuer's prefix
    serial_number: int
    status_index: int
    item_code: str
    brand: str
    model: str
    verdict: str
    issued_at: datetime
    key_id: str

    @property
    def serial(self) -> str:
        return serial_text(self.deployment, self.serial_number)

    @property
    def issued_on(self) -> date:
        return self.issued_at.astimezone(UTC).date()

    def body(self) -> bytes:
        if self.verdict not in VERDICT_LETTERS:
            raise BadInput(f"A certificate cannot carry the verdict {self.verdict!r}.")
        if not DEPLOYMENT_PREFIX.match(self.deployment):
            raise BadInput(f"The deployment prefix {self.deployment!r} is not 3-5 capital letters or digits.")
        texts = [self.deployment, self.item_code, self.brand, self.model]
        encoded = [text.encode("utf-8") for text in texts]
        if any(SEPARATOR in part for part in encoded):
            raise BadInput("A certificate field contains a control character.")
        joined = SEPARATOR.join(encoded)
        if len(joined) > MAX_TEXT_BYTES:
            raise BadInput("The certificate fields are too long to fit the tag's QR code.")
        seconds = int((self.issued_at - EPOCH).total_seconds())
        if not 0 <= seconds <= 0xFFFFFFFF:
            raise BadInput(f"The issue time {self.issued_at} is out of range.")
        for name, number in (("serial number", self.serial_number), ("status index", self.status_index)):
            if not 0 <= number <= 0xFFFFFFFF:
                raise BadInput(f"The {name} {number} is out of range.")
        return (
            bytes.fromhex(self.key_id)
            + seconds.to_bytes(4, "big")
            + self.serial_number.to_bytes(4, "big")
            + self.status_index.to_bytes(4, "big")
            + VERDICT_LETTERS[self.verdict]
            + joined
        )


def signed_message(body: bytes) -> bytes:
    return HEADER.encode("ascii") + body


def b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def b64decode(text: str) -> bytes:
    if not set(text) <= _B64URL:
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


_B64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def encode(payload: CertificatePayload, key: SigningKey) -> str:
    if payload.key_id != key.key_id:
        raise BadInput("The payload names a different key from the one signing it.")
    body = payload.body()
    return HEADER + b64encode(body + key.sign(signed_message(body)))


@dataclass(frozen=True)
class DecodedPayload:
    payload: CertificatePayload
    body: bytes
    signature: bytes

    @property
    def message(self) -> bytes:
        return signed_message(self.body)


def payload_from_text(text: str) -> str:
    """The payload in a scanned text: a verify URL (`...#INS2:...`) or the bare payload."""
    text = text.strip()
    if "#" in text:
        text = text.rsplit("#", 1)[1]
    return text


def decode(text: str) -> DecodedPayload:
    """Parse without checking the signature; one clear sentence for anything that is not ours."""
    text = payload_from_text(text)
    if not text.startswith(PREFIX) or ":" not in text[:8]:
        raise BadInput(f"This is not an inspector certificate code (it should start with {HEADER}).")
    version_text, _, encoded = text[len(PREFIX) :].partition(":")
    if version_text != str(VERSION):
        raise BadInput(
            f"This certificate code has version {version_text!r}; this program reads version {VERSION}."
        )
    try:
        raw = b64decode(encoded)
    except (binascii.Error, ValueError) as exc:
        raise BadInput("This certificate code is damaged (it is not base64url).") from exc
    if len(raw) < FIXED_BYTES + SIGNATURE_BYTES:
        raise BadInput("This certificate code is too short to hold a signed certificate.")
    body, signature = raw[:-SIGNATURE_BYTES], raw[-SIGNATURE_BYTES:]
    key_id = body[:KEY_ID_BYTES].hex()
    seconds, serial_number, status_index = (
        int.from_bytes(body[start : start + 4], "big") for start in (8, 12, 16)
    )
    letter = body[20:21]
    if letter not in LETTER_VERDICTS:
        raise BadInput("This certificate code carries an unknown verdict.")
    try:
        fields = body[FIXED_BYTES:].decode("utf-8").split("\x1f")
    except UnicodeDecodeError as exc:
        raise BadInput("This certificate code's text is not valid UTF-8.") from exc
    if len(fields) != 4:
        raise BadInput("This certificate code does not have the four expected text fields.")
    deployment, item_code, brand, model = fields
    payload = CertificatePayload(
        deployment=deployment,
        serial_number=serial_number,
        status_index=status_index,
        item_code=item_code,
        brand=brand,
        model=model,
        verdict=LETTER_VERDICTS[letter],
        issued_at=EPOCH + timedelta(seconds=seconds),
        key_id=key_id,
    )
    return DecodedPayload(payload, body, signature)


def _url_part(verify_url: str) -> str:
    url = verify_url.strip() or "https://verify.example.com/"
    return url if url.endswith("/") else url + "/"


def digital_link_path(gtin: str, serial: str) -> str:
    """The GS1 Digital Link path of one item: `01/{GTIN-14}/21/{serial}` (AI 01 the GTIN, AI 21 the
    serial number). Our serials are capitals, digits and `-`, none of which need percent-encoding."""
    return f"01/{gtin14(gtin)}/21/{serial}"


# The longest path: "01/" + 14 digits + "/21/" + a serial of a 5-character prefix, "-" and 8 digits.
DIGITAL_LINK_PATH_BYTES = len("01/") + 14 + len("/21/") + 5 + 1 + 8


def qr_text(verify_url: str, code: str, gtin: str | None = None) -> str:
    """What the QR code holds: the verify address with the payload in its fragment.

    The fragment never reaches a server, so the host does not learn which item was scanned. With a
    GTIN the path follows GS1 Digital Link (`/01/{gtin-14}/21/{serial}`) before the fragment; the
    path is not signed and a verifier ignores it (docs/certificate-format.md).
    """
    url = _url_part(verify_url)
    if gtin:
        url = url + digital_link_path(gtin, decode(code).payload.serial)
    return f"{url}#{code}"
