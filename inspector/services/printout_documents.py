"""What a certificate and a fail report show, gathered from the records and the settings."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image
from sqlalchemy.orm import Session

from inspector.config import Settings
from inspector.printing import evidence as crops
from inspector.printing.documents import (
    CertificateDocument,
    Checkpoint,
    FailedStep,
    FailReportDocument,
    Issuer,
)
from inspector.security import payload
from inspector.services import document_pictures, records
from inspector.services.fail_reasons import deciding_reasons
from inspector.storage.models import Certificate, Inspection, Station, User
from inspector.vision.compare import Comparison

if TYPE_CHECKING:
    from inspector.services.certificates import CertificateService
    from inspector.services.views import InspectionDetail


def issuer_of(settings: Settings) -> Issuer:
    """The issuing centre from the settings; a logo that cannot be read is left out, not fatal."""
    logo = None
    if settings.issuer_logo:
        try:
            logo = Path(settings.issuer_logo).expanduser().read_bytes()
        except OSError:
            logo = None
    return Issuer(name=settings.issuer_name or "Authentication centre", site=settings.issuer_site,
                  web=settings.issuer_web, logo=logo)


def initials(name: str) -> str:
    """'Alex Authenticator' -> 'A.A.': enough to tell colleagues apart, not enough to find them."""
    return "".join(f"{part[0].upper()}." for part in name.split() if part[:1].isalpha())


def authenticator_label(session: Session, settings: Settings, user_id: int) -> str:
    user = session.get(User, user_id)
    if user is None:
        return ""
    if settings.authenticator_shown_as == "badge" and user.badge_code:
        return f"badge {user.badge_code}"
    return initials(user.name)


def _as_date(moment: datetime | None) -> datetime:
    moment = moment or datetime.now(UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _size_of(detail: InspectionDetail) -> str:
    """The size when a value step records it (a step whose value is a size)."""
    for step in detail.checklist.steps:
        if step.value is None:
            continue
        kind, label = str(step.value.kind), (step.value.label or "").lower()
        if kind == "size" or (kind == "text" and label.startswith("size")):
            result = detail.results.get(step.id)
            if result is not None and result.value:
                return result.value
    return ""


def _reference_size(settings: Settings, name: str) -> tuple[int, int] | None:
    try:
        with Image.open(Path(settings.assets_dir) / name) as image:
            return image.size
    except OSError:
        return None


@dataclass(frozen=True)
class PictureWanted:
    """A checkpoint's picture to make: its latest photo, and where the comparison found the subject."""

    photo_sha256: str
    homography: list[list[float]] | None
    reference_size: tuple[int, int] | None


def certificate_document(
    service: CertificateService, session: Session, inspection: Inspection, row: Certificate, reprint: int
) -> tuple[CertificateDocument, tuple[PictureWanted | None, ...]]:
    """The certificate without its pictures, and the picture each checkpoint wants: `with_pictures`
    makes them after the transaction (decoding photos must not hold the write lock)."""
    ctx = service.ctx
    decoded = payload.decode(row.payload).payload
    detail = records.inspection_detail(session, ctx, inspection)
    checkpoints, wanted = [], []
    for step in detail.checklist.steps:
        result = detail.results.get(step.id)
        photos = detail.photos.get(step.id, ())
        picture = None
        if photos:
            photo = photos[-1]
            comparison = detail.comparisons.get(photo.id)
            picture = PictureWanted(
                photo.sha256,
                comparison.homography if comparison and comparison.aligned else None,
                _reference_size(ctx.settings, comparison.reference) if comparison else None,
            )
        wanted.append(picture)
        checkpoints.append(
            Checkpoint(title=step.title, outcome=result.outcome if result else "-",
                       note=result.note if result else "")
        )
    document = CertificateDocument(
        serial=row.serial,
        item_code=detail.inspection.item.code,
        brand=inspection.brand,
        model=detail.checklist.model,
        verdict=decoded.verdict,
        issued_on=decoded.issued_on,
        code=service.qr_text(row, service.gtin(session, inspection)),  # 42 mm: room for GS1 Digital Link
        issuer=issuer_of(ctx.settings),
        verify_address=str(getattr(ctx.settings, "verify_url", "") or ""),
        style_code=detail.inspection.item.style_code or "",
        size=_size_of(detail),
        authenticator=authenticator_label(session, ctx.settings, inspection.authenticator_id),
        checkpoints=tuple(checkpoints),
        reprint=reprint,
        description=detail.inspection.item.description,
    )
    return document, tuple(wanted)


def with_pictures(service: CertificateService, document: CertificateDocument,
                  wanted: tuple[PictureWanted | None, ...]) -> CertificateDocument:
    """Each checkpoint with its photo cropped to the subject (signed cache, else made from the photo)."""
    checkpoints = tuple(
        point if picture is None else replace(point, thumbnail=document_pictures.subject_picture(
            service.ctx, picture.photo_sha256, picture.homography, picture.reference_size))
        for point, picture in zip(document.checkpoints, wanted, strict=True))
    return replace(document, checkpoints=checkpoints)


def fail_document(
    service: CertificateService, session: Session, inspection: Inspection
) -> FailReportDocument:
    ctx = service.ctx
    detail = records.inspection_detail(session, ctx, inspection)
    latest = records.latest_results(session, inspection.id)
    steps = []
    for step in detail.checklist.steps:
        result = latest.get(step.id)
        if result is None or result.outcome not in ("fail", "unsure"):
            continue
        evidence = []
        for photo in detail.photos.get(step.id, ()):
            comparison = detail.comparisons.get(photo.id)
            if comparison is None or not comparison.regions:
                continue
            reference = _reference_bytes(ctx.settings, comparison.reference)
            photo_bytes = ctx.photos.read_verified(photo.sha256)
            size = _reference_size(ctx.settings, comparison.reference)
            aligned = None
            if size is not None and comparison.homography is not None:
                aligned = Comparison.from_stored(comparison, size, photo=photo_bytes).warped
            for region in comparison.regions[:3]:
                made = crops.evidence_crops(
                    photo_bytes, reference, (region.x, region.y, region.w, region.h), aligned, region.score
                )
                if made is not None:
                    evidence.append(made)
        reason = result.fail_reason or ("inconclusive" if result.outcome == "unsure" else "failed")
        steps.append(FailedStep(title=step.title, outcome=result.outcome, reason=reason, note=result.note,
                                evidence=tuple(evidence)))
    station = session.get(Station, inspection.station_id)
    return FailReportDocument(
        inspection_id=inspection.id,
        item_code=detail.inspection.item.code,
        brand=inspection.brand,
        model=detail.checklist.model,
        verdict=inspection.verdict or "",
        station=station.name if station else "",
        finished_on=_as_date(inspection.finished_at).date(),
        authenticator_id=inspection.authenticator_id,
        summary=inspection.summary,
        steps=tuple(steps),
        issuer=issuer_of(ctx.settings),
        decisions=deciding_reasons(session, inspection.id),
    )


def _reference_bytes(settings: Settings, name: str) -> bytes | None:
    try:
        return (Path(settings.assets_dir) / name).read_bytes()
    except OSError:
        return None
