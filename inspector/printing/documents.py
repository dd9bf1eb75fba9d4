"""Plain inputs for the printers: what a certificate, a fail report and a tag show, nothing about storage."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Checkpoint:
    title: str
    outcome: str  # pass | fail | unsure
    note: str = ""
    thumbnail: bytes | None = None  # encoded image (JPEG/PNG) of the captured photo


@dataclass(frozen=True)
class CertificateDocument:
    serial: str
    item_code: str
    brand: str
    model: str
    verdict: str
    issued_on: date
    station: str
    authenticator_id: int  # an id, never a name: the certificate leaves the building
    key_id: str
    code: str  # the signed payload the QR code carries
    checkpoints: tuple[Checkpoint, ...] = ()
    reprint: int = 0  # 0 for the original, n for the n-th reprint
    description: str = ""


@dataclass(frozen=True)
class Evidence:
    """The flagged region of the photo beside the same region of the reference (encoded images)."""

    photo_crop: bytes
    reference_crop: bytes | None
    score: float | None = None


@dataclass(frozen=True)
class FailedStep:
    title: str
    outcome: str  # fail | unsure
    reason: str
    note: str = ""
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class FailReportDocument:
    inspection_id: int
    item_code: str
    brand: str
    model: str
    verdict: str
    finished_on: date
    station: str
    authenticator_id: int
    summary: str = ""
    steps: tuple[FailedStep, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class TagDocument:
    serial: str
    code: str
    brand: str = ""
    model: str = ""
    reprint: int = 0
