"""Check a certificate code offline: parse it, find the key by id, check the signature."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from inspector.errors import BadInput
from inspector.security import payload as payload_codec
from inspector.security.keys import signature_valid

VALID, INVALID, VOID = "valid", "invalid", "void"


@dataclass(frozen=True)
class Verification:
    status: str  # valid | invalid | void
    reason: str
    payload: payload_codec.CertificatePayload | None = None
    void_reason: str | None = None

    @property
    def valid(self) -> bool:
        return self.status == VALID

    def describe(self) -> str:
        lines = [f"{self.status.upper()}: {self.reason}"]
        if self.payload is not None:
            p = self.payload
            lines += [
                f"  serial:     {p.serial}",
                f"  item:       {p.item_code}",
                f"  brand/model: {p.brand} {p.model}".rstrip(),
                f"  verdict:    {p.verdict}",
                f"  issued on:  {p.issued_on.isoformat()}",
                f"  station:    {p.station}",
                f"  key id:     {p.key_id}",
            ]
        if self.void_reason:
            lines.append(f"  voided because: {self.void_reason}")
        return "\n".join(lines)


def verify_code(code: str, trusted: Mapping[str, Ed25519PublicKey]) -> Verification:
    """Valid only if the code parses, its key is trusted and the signature covers every byte."""
    try:
        decoded = payload_codec.decode(code)
    except BadInput as exc:
        return Verification(INVALID, str(exc))
    key = trusted.get(decoded.payload.key_id)
    if key is None:
        return Verification(
            INVALID,
            f"The certificate was signed by key {decoded.payload.key_id}, "
            "which this installation does not trust.",
            decoded.payload,
        )
    if not signature_valid(key, decoded.signature, decoded.message):
        return Verification(
            INVALID, "The signature does not match: the certificate was altered or forged.", decoded.payload
        )
    return Verification(VALID, "The signature is genuine.", decoded.payload)
