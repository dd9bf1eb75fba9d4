"""Plain inputs for the printers: what a certificate, a fail report and a tag show, nothing about storage."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Issuer:
    """The centre that issues the documents, as a buyer reads it (from the settings)."""

    name: str = "Authentication centre"
    site: str = ""  # a town or an address line
    web: str = ""  # the centre's web address
    logo: bytes | None = None  # an encoded PNG/JPEG


@dataclass(frozen=True)
class Checkpoint:
    title: str
    outcome: str  # pass | fail | unsure | - (not recorded)
    note: str = ""
    thumbnail: bytes | None = None  # encoded image of the photo, cropped to the subject


@dataclass(frozen=True)
class CertificateDocument:
    serial: str
    item_code: str
    brand: str
    model: str
    verdict: str
    issued_on: date
    code: str  # the QR code's text, exactly as the certificate service gives it
    issuer: Issuer = Issuer()
    verify_address: str = ""  # the page a buyer opens to verify, written out under the QR
    style_code: str = ""
    size: str = ""
    authenticator: str = ""  # initials or a badge: the certificate names no one
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
    issuer: Issuer = Issuer()
    # Reviews and appeals that decided the verdict, one sentence each (services/fail_reasons.py).
    decisions: tuple[str, ...] = ()


@dataclass(frozen=True)
class TagDocument:
    serial: str
    code: str  # the QR code's text, exactly as the certificate service gives it
    brand: str = ""
    model: str = ""
    reprint: int = 0
    issuer_name: str = ""
    item_code: str = ""
    verdict: str = "pass"
    issued_on: date | None = None
    verify_address: str = ""


VERDICT_WORDS = {"pass": "AUTHENTIC", "fail": "NOT PASSED", "inconclusive": "INCONCLUSIVE"}


def verdict_word(verdict: str) -> str:
    """The one word a buyer reads on a tag or at the top of a certificate."""
    return VERDICT_WORDS.get(verdict, verdict.upper())


def plain_date(day: date) -> str:
    """27 November 2026: no format a buyer has to decode."""
    return f"{day.day} {day:%B %Y}"


def short_address(url: str) -> str:
    """A web address as people write it: no scheme, no trailing slash."""
    text = url.strip()
    for scheme in ("https://", "http://"):
        if text.lower().startswith(scheme):
            text = text[len(scheme):]
    return text.rstrip("/")
