"""Check a certificate code offline: its deployment and key, the signature, the key's window, the status."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from inspector.errors import BadInput
from inspector.security import payload as payload_codec
from inspector.security.keys import raw_signature_valid
from inspector.security.statuslist import StatusList, Void
from inspector.security.trustlist import Deployment

VALID, INVALID, VOID = "valid", "invalid", "void"
NO_STATUS = "valid signature; no status list here, so a void cannot be ruled out"


@dataclass(frozen=True)
class Verification:
    status: str  # valid | invalid | void
    reason: str
    payload: payload_codec.CertificatePayload | None = None
    void_reason: str | None = None  # the buyer-facing category, never the supervisor's note
    station: str = ""
    deployment_name: str = ""
    status_as_of: datetime | None = None
    voided_on: str = ""
    legacy_serial: str = ""  # a format-1 certificate's printed serial (security/legacy.py)

    @property
    def valid(self) -> bool:
        return self.status == VALID

    @property
    def serial(self) -> str:
        """The serial as printed on the certificate."""
        return self.legacy_serial or (self.payload.serial if self.payload else "")

    def freshness(self) -> str:
        if self.status_as_of is None:
            return NO_STATUS
        return f"status as of {self.status_as_of:%Y-%m-%d %H:%M} UTC"

    def describe(self) -> str:
        lines = [f"{self.status.upper()}: {self.reason}"]
        if self.status != INVALID:
            lines.append(f"  {self.freshness()}")
        if self.payload is not None:
            p = self.payload
            lines += [
                f"  serial:      {self.serial}" + (" (legacy format INS1)" if self.legacy_serial else ""),
                f"  item:        {p.item_code}",
                f"  brand/model: {p.brand} {p.model}".rstrip(),
                f"  verdict:     {p.verdict}",
                f"  issued:      {p.issued_at:%Y-%m-%d}" if self.legacy_serial
                else f"  issued:      {p.issued_at:%Y-%m-%d %H:%M} UTC",
                f"  station:     {self.station or '-'}",
                f"  issuer:      {self.deployment_name or p.deployment} ({p.deployment})",
                f"  key id:      {p.key_id}",
            ]
        if self.void_reason:
            lines.append(f"  voided on {self.voided_on}: {self.void_reason}")
        return "\n".join(lines)


def verify_code(
    code: str,
    deployments: Mapping[str, Deployment],
    statuses: Mapping[str, StatusList] | None = None,
) -> Verification:
    """Valid only if the code parses, its issuer and key are trusted, the key could sign at the
    certificate's time, the signature covers every byte, and no status list here says void."""
    if payload_codec.payload_from_text(code).startswith("INS1:"):
        from inspector.security.legacy import verify_legacy  # it builds on this module

        return verify_legacy(payload_codec.payload_from_text(code), deployments, statuses)
    try:
        decoded = payload_codec.decode(code)
    except BadInput as exc:
        return Verification(INVALID, str(exc))
    p = decoded.payload
    deployment = deployments.get(p.deployment)
    if deployment is None:
        return Verification(
            INVALID,
            f"The certificate was issued by deployment {p.deployment}, which this computer does not trust "
            "(import its trust file with `inspector keys import`).",
            p,
        )
    known = deployment.keys.get(p.key_id)
    if known is None:
        return Verification(
            INVALID,
            f"The certificate was signed by key {p.key_id}, "
            f"which deployment {p.deployment} has not certified.",
            p,
            deployment_name=deployment.name,
        )
    entry = known[0]
    station, name = entry.station, deployment.name
    if not raw_signature_valid(entry.public_key, decoded.signature, decoded.message):
        return Verification(
            INVALID,
            "The signature does not match: the certificate was altered or forged.",
            p,
            station=station,
            deployment_name=name,
        )
    why_not = entry.may_sign_at(p.issued_at)
    if why_not is not None:
        return Verification(
            INVALID, f"The signature is genuine but {why_not}.", p, station=station, deployment_name=name
        )
    status = (statuses or {}).get(p.deployment)
    if status is None:
        return Verification(VALID, "The signature is genuine.", p, station=station, deployment_name=name)
    void = status.voids.get(p.status_index)
    if status.is_void(p.status_index) or void is not None:
        return void_result(p, status.issued_at, void, station, name)
    return Verification(
        VALID,
        "The signature is genuine and the certificate is not void.",
        p,
        status_as_of=status.issued_at,
        station=station,
        deployment_name=name,
    )


def void_result(
    p: payload_codec.CertificatePayload,
    as_of: datetime,
    void: Void | None,
    station: str,
    deployment_name: str,
) -> Verification:
    when = f" on {void.voided_on}" if void else ""
    return Verification(
        VOID,
        f"The certificate was voided{when}; the item is not certified.",
        p,
        void.reason if void else "voided by the issuer",
        station=station,
        deployment_name=deployment_name,
        status_as_of=as_of,
        voided_on=void.voided_on if void else "",
    )
