"""Certificates of format 1 (`INS1:`), printed before deployment trust: still checked, plainly labelled.

Format 1 (docs/certificate-format.md §7): `INS1:` + base45 (RFC 9285) of body || Ed25519 signature,
the signature over `INS1:` + body. Body: key id (8 bytes) | issue day (uint16, days since
2000-01-01) | verdict letter | serial, item code, brand, model, station as UTF-8 joined by 0x1F.
The serial is 10 digits: the station's number (2) and the certificate's row id (8), which is also its
status index. Each station signed with its own key; a key counts only where the deployment's root
vouched for it afterwards with a legacy key statement (`inspector keys legacy`).
"""

from __future__ import annotations

import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import base45

from inspector.errors import BadInput
from inspector.security.keys import signature_valid
from inspector.security.payload import KEY_ID_BYTES, LETTER_VERDICTS, SIGNATURE_BYTES, CertificatePayload
from inspector.security.statuslist import StatusList
from inspector.security.trustlist import Deployment, LegacyKey
from inspector.security.verification import INVALID, VALID, Verification, void_result

HEADER = "INS1:"
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
FIXED_BYTES = KEY_ID_BYTES + 2 + 1
WORDS = "legacy format INS1"


@dataclass(frozen=True)
class LegacyPayload:
    key_id: str
    issued_at: datetime  # midnight UTC of the issue day: format 1 kept only the day
    verdict: str
    serial: str
    item_code: str
    brand: str
    model: str
    station: str
    body: bytes
    signature: bytes

    @property
    def status_index(self) -> int | None:
        """The certificate's row id, from the 10-digit serial; None for a serial of another shape."""
        return int(self.serial[2:]) if len(self.serial) == 10 and self.serial.isdigit() else None

    def as_payload(self, deployment: str) -> CertificatePayload:
        """In the shape every verification result carries (the printed serial is kept beside it)."""
        index = self.status_index or 0
        return CertificatePayload(deployment, index, index, self.item_code, self.brand, self.model,
                                  self.verdict, self.issued_at, self.key_id)


def decode(text: str) -> LegacyPayload:
    """Parse an `INS1:` code without checking its signature; one sentence for anything malformed."""
    if not text.startswith(HEADER):
        raise BadInput(f"This is not a certificate code of format 1 (it should start with {HEADER}).")
    try:
        raw = base45.b45decode(text[len(HEADER):])
    except (ValueError, binascii.Error) as exc:
        raise BadInput("This certificate code is damaged (it is not base45).") from exc
    if len(raw) < FIXED_BYTES + SIGNATURE_BYTES:
        raise BadInput("This certificate code is too short to hold a signed certificate.")
    body, signature = raw[:-SIGNATURE_BYTES], raw[-SIGNATURE_BYTES:]
    letter = body[KEY_ID_BYTES + 2:FIXED_BYTES]
    if letter not in LETTER_VERDICTS:
        raise BadInput("This certificate code carries an unknown verdict.")
    try:
        fields = body[FIXED_BYTES:].decode("utf-8").split("\x1f")
    except UnicodeDecodeError as exc:
        raise BadInput("This certificate code's text is not valid UTF-8.") from exc
    if len(fields) != 5:
        raise BadInput("This certificate code does not have the five fields of format 1.")
    days = int.from_bytes(body[KEY_ID_BYTES:KEY_ID_BYTES + 2], "big")
    serial, item_code, brand, model, station = fields
    return LegacyPayload(body[:KEY_ID_BYTES].hex(), EPOCH + timedelta(days=days), LETTER_VERDICTS[letter],
                         serial, item_code, brand, model, station, body, signature)


def verify_legacy(code: str, deployments: Mapping[str, Deployment],
                  statuses: Mapping[str, StatusList] | None = None) -> Verification:
    """VALID (legacy format) only if a trusted deployment's root vouched for the key, the signature
    covers every byte, the issue day is inside the key's legacy window and no status list says void."""
    try:
        p = decode(code)
    except BadInput as exc:
        return Verification(INVALID, str(exc))
    found = _legacy_key(p.key_id, deployments)
    if found is None:
        return Verification(
            INVALID,
            f"A certificate of the old format (INS1) signed by key {p.key_id}, which no deployment "
            "trusted here vouches for (its issuer runs `inspector keys legacy`, then `keys export`).",
            legacy_serial=p.serial,
        )
    deployment, legacy = found
    certificate = p.as_payload(deployment.prefix)
    station, name = p.station or legacy.station, deployment.name
    if not signature_valid(legacy.key, p.signature, HEADER.encode("ascii") + p.body):
        return Verification(INVALID, "The signature does not match: the certificate was altered or forged.",
                            certificate, station=station, deployment_name=name, legacy_serial=p.serial)
    why_not = _outside_window(p, legacy, deployment)
    if why_not:
        return Verification(INVALID, f"The signature is genuine but {why_not}.", certificate,
                            station=station, deployment_name=name, legacy_serial=p.serial)
    status = (statuses or {}).get(deployment.prefix)
    index = p.status_index
    if status is not None and index is not None and (status.is_void(index) or index in status.voids):
        voided = void_result(certificate, status.issued_at, status.voids.get(index), station, name)
        return Verification(voided.status, f"{voided.reason} ({WORDS})", certificate, voided.void_reason,
                            station, name, voided.status_as_of, voided.voided_on, legacy_serial=p.serial)
    return Verification(VALID, f"The signature is genuine ({WORDS}, vouched for by the deployment's root).",
                        certificate, station=station, deployment_name=name,
                        status_as_of=status.issued_at if status is not None and index is not None else None,
                        legacy_serial=p.serial)


def _legacy_key(kid: str, deployments: Mapping[str, Deployment]) -> tuple[Deployment, LegacyKey] | None:
    # Format 1 has no deployment prefix: the key id (8 bytes of SHA-256) finds the deployment.
    for deployment in deployments.values():
        known = deployment.legacy_keys.get(kid)
        if known is not None:
            return deployment, known[0]
    return None


def _outside_window(p: LegacyPayload, legacy: LegacyKey, deployment: Deployment) -> str | None:
    """Format 1 dates are whole days: a day after the window's last day, or on or after the day of a
    revocation of the same key, is out."""
    day = p.issued_at.date()
    if day > legacy.signed_until.astimezone(UTC).date():
        return f"it is dated after its key {p.key_id} stopped signing format-1 certificates"
    current = deployment.keys.get(p.key_id)
    revoked = current[0].revoked_at if current else None
    if revoked is not None and day >= revoked.astimezone(UTC).date():
        return f"it is dated on or after the revocation of its key {p.key_id}"
    return None
