"""Certificates: issue on a pass, print (reprints marked), void on overturn, verify against the records."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inspector.errors import BadInput, InvalidState, NotFound
from inspector.printing import evidence as crops
from inspector.printing.certificate_pdf import certificate_pdf
from inspector.printing.documents import (
    CertificateDocument,
    Checkpoint,
    FailedStep,
    FailReportDocument,
    TagDocument,
)
from inspector.printing.fail_report import fail_report_pdf
from inspector.printing.network import parse_address, send_zpl
from inspector.printing.scan import codes_in_file
from inspector.printing.tags import size_dots, tag_pdf, tag_zpl
from inspector.security import keys, payload
from inspector.security.verification import INVALID, VOID, Verification, verify_code
from inspector.services import records, thumbnails
from inspector.services.context import ServiceContext
from inspector.storage.audit import append_event
from inspector.storage.models import AuditEvent, Certificate, Inspection, Item, Station

TAG_PRINTED = "certificate.tag_printed"


def serial_for(certificate_id: int, station_id: int) -> str:
    """10 digits: station (2) + certificate row id (8). The row id comes from the database's own
    sequence, so two stations can never draw the same one; digits keep Code128 in dense subset C."""
    return f"{station_id % 100:02d}{certificate_id:08d}"


def _as_date(moment: datetime | None) -> datetime:
    moment = moment or datetime.now(UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class CertificateService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self._key: keys.SigningKey | None = None

    @property
    def key(self) -> keys.SigningKey:
        if self._key is None:
            self._key = keys.load_or_create(self.ctx.settings.keys_dir)
        return self._key

    # --- lifecycle (called inside the integrator's transactions) ----------------------------

    def on_finished(self, session: Session, inspection_id: int, actor_id: int) -> None:
        """Finish hook: a passed inspection gets its certificate in the same transaction."""
        inspection = session.get(Inspection, inspection_id)
        if inspection is not None and inspection.verdict == "pass":
            self.issue(session, inspection, actor_id)

    def issue(self, session: Session, inspection: Inspection, actor_id: int | None) -> Certificate:
        existing = self._valid_certificate(session, inspection.id)
        if existing is not None:
            return existing
        if inspection.verdict != "pass" or inspection.status != "finished":
            raise InvalidState(
                f"Inspection {inspection.id} has not passed; it gets a report, not a certificate."
            )
        station = session.get(Station, inspection.station_id)
        item = session.get(Item, inspection.item_id)
        checklist = self.ctx.checklist_by_hash(session, inspection.checklist_hash)
        # Placeholder serial (unique) until the row id is known; the real one is derived from it.
        row = Certificate(
            serial=f"pending-{uuid.uuid4().hex[:24]}",
            inspection_id=inspection.id,
            key_id=self.key.key_id,
            payload="",
        )
        session.add(row)
        session.flush()
        row.serial = serial_for(row.id, inspection.station_id)
        limits = payload.FIELD_LIMITS
        content = payload.CertificatePayload(
            serial=row.serial,
            item_code=payload.clip(item.code if item else "", limits["item_code"]),
            brand=payload.clip(inspection.brand, limits["brand"]),
            model=payload.clip(checklist.model, limits["model"]),
            verdict="pass",
            issued_on=_as_date(inspection.finished_at).date(),
            station=payload.clip(station.name if station else "", limits["station"]),
            key_id=self.key.key_id,
        )
        row.payload = payload.encode(content, self.key)
        session.flush()
        append_event(
            session,
            action="certificate.issued",
            entity="certificate",
            entity_id=row.serial,
            actor_id=actor_id,
            station=self.ctx.station_name,
            data={"inspection": inspection.id, "key_id": row.key_id},
        )
        return row

    def void_certificate(self, session: Session, inspection_id: int, reason: str, actor_id: int) -> list[str]:
        """Overturn hook: every live certificate of the inspection becomes void; returns their serials."""
        voided = []
        for row in session.scalars(
            select(Certificate).where(
                Certificate.inspection_id == inspection_id, Certificate.voided_at.is_(None)
            )
        ):
            row.voided_at = datetime.now(UTC)
            row.void_reason = reason or "verdict overturned"
            append_event(
                session,
                action="certificate.voided",
                entity="certificate",
                entity_id=row.serial,
                actor_id=actor_id,
                station=self.ctx.station_name,
                data={"inspection": inspection_id, "reason": row.void_reason},
            )
            voided.append(row.serial)
        return voided

    def _valid_certificate(self, session: Session, inspection_id: int) -> Certificate | None:
        return session.scalar(
            select(Certificate)
            .where(Certificate.inspection_id == inspection_id, Certificate.voided_at.is_(None))
            .order_by(Certificate.id.desc())
            .limit(1)
        )

    def _finished(self, session: Session, inspection_id: int) -> Inspection:
        inspection = session.get(Inspection, inspection_id)
        if inspection is None:
            raise NotFound(f"There is no inspection {inspection_id}.")
        if inspection.status != "finished" or inspection.verdict is None:
            raise InvalidState(f"Inspection {inspection_id} is not finished yet.")
        return inspection

    # --- documents -------------------------------------------------------------------------

    def _certificate_document(
        self, session: Session, inspection: Inspection, row: Certificate, reprint: int
    ) -> CertificateDocument:
        decoded = payload.decode(row.payload).payload
        detail = records.inspection_detail(session, self.ctx, inspection)
        checkpoints = []
        for step in detail.checklist.steps:
            result = detail.results.get(step.id)
            photos = detail.photos.get(step.id, ())
            thumb = self._thumbnail(photos[-1].sha256) if photos else None
            checkpoints.append(
                Checkpoint(
                    title=step.title,
                    outcome=result.outcome if result else "-",
                    note=result.note if result else "",
                    thumbnail=thumb,
                )
            )
        return CertificateDocument(
            serial=row.serial,
            item_code=detail.inspection.item.code,
            brand=inspection.brand,
            model=detail.checklist.model,
            verdict=decoded.verdict,
            issued_on=decoded.issued_on,
            station=decoded.station,
            authenticator_id=inspection.authenticator_id,
            key_id=row.key_id,
            code=row.payload,
            checkpoints=tuple(checkpoints),
            reprint=reprint,
            description=detail.inspection.item.description,
        )

    def _thumbnail(self, sha256: str) -> bytes | None:
        """The cached thumbnail only when the station's signature vouches for it; made again from the
        stored photo (checked against its hash) otherwise (services/thumbnails.py)."""
        return thumbnails.for_document(self.ctx, sha256)

    def _fail_document(self, session: Session, inspection: Inspection) -> FailReportDocument:
        detail = records.inspection_detail(session, self.ctx, inspection)
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
                reference = self._reference_bytes(comparison.reference)
                photo_bytes = self.ctx.photos.read_verified(photo.sha256)
                for region in comparison.regions[:3]:
                    made = crops.evidence_crops(
                        photo_bytes,
                        reference,
                        (region.x, region.y, region.w, region.h),
                        comparison.homography,
                        region.score,
                    )
                    if made is not None:
                        evidence.append(made)
            reason = result.fail_reason or ("inconclusive" if result.outcome == "unsure" else "failed")
            steps.append(
                FailedStep(
                    title=step.title,
                    outcome=result.outcome,
                    reason=reason,
                    note=result.note,
                    evidence=tuple(evidence),
                )
            )
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
        )

    def _reference_bytes(self, name: str) -> bytes | None:
        path = Path(self.ctx.settings.assets_dir) / name
        try:
            return path.read_bytes()
        except OSError:
            return None

    # --- printing --------------------------------------------------------------------------

    def certificate_pdf(self, inspection_id: int, paper: str = "a4", actor_id: int | None = None) -> bytes:
        """The certificate for a pass (prints after the first marked as reprints), else the fail report."""
        with self.ctx.db.transaction() as session:
            inspection = self._finished(session, inspection_id)
            if inspection.verdict != "pass":
                return fail_report_pdf(self._fail_document(session, inspection), paper)
            row = self.issue(session, inspection, actor_id)
            reprint = row.print_count
            row.print_count += 1
            pdf = certificate_pdf(self._certificate_document(session, inspection, row, reprint), paper)
            append_event(
                session,
                action="certificate.printed",
                entity="certificate",
                entity_id=row.serial,
                actor_id=actor_id,
                station=self.ctx.station_name,
                data={"reprint": reprint},
            )
            return pdf

    def tag(
        self, inspection_id: int, size: str, fmt: str = "pdf", actor_id: int | None = None, copies: int = 1,
        deliver: Callable[[bytes], object] | None = None,
    ) -> bytes:
        """The tag's PDF or ZPL; `deliver` (e.g. a printer) runs before the print is recorded, so a
        tag that never reached the printer is neither in the audit trail nor counted as printed."""
        size_dots(size)  # an unknown size is one sentence before anything is written
        if fmt not in ("pdf", "zpl"):
            raise BadInput(f"Unknown tag format {fmt!r}; use pdf or zpl.")
        with self.ctx.db.transaction() as session:
            inspection = self._finished(session, inspection_id)
            if inspection.verdict != "pass":
                raise InvalidState(
                    f"Inspection {inspection_id} did not pass ({inspection.verdict}); it gets no tag."
                )
            row = self.issue(session, inspection, actor_id)
            reprint = (
                session.scalar(
                    select(func.count())
                    .select_from(AuditEvent)
                    .where(
                        AuditEvent.entity == "certificate",
                        AuditEvent.entity_id == row.serial,
                        AuditEvent.action == TAG_PRINTED,
                    )
                )
                or 0
            )
            decoded = payload.decode(row.payload).payload
            document = TagDocument(
                serial=row.serial, code=row.payload, brand=decoded.brand, model=decoded.model, reprint=reprint
            )
            data = (
                tag_pdf(document, size) if fmt == "pdf" else tag_zpl(document, size, copies).encode("utf-8")
            )
            if deliver is not None:
                deliver(data)
            append_event(
                session,
                action=TAG_PRINTED,
                entity="certificate",
                entity_id=row.serial,
                actor_id=actor_id,
                station=self.ctx.station_name,
                data={"size": size, "format": fmt, "reprint": reprint},
            )
            return data

    def pdf(self, inspection_id: int, kind: str) -> bytes:
        """For the station's print panel: "certificate" or "tag" (the station's label size)."""
        if kind == "tag":
            return self.tag(inspection_id, self.ctx.settings.label_size or "2x1in", "pdf")
        return self.certificate_pdf(inspection_id)

    def send_tag(self, inspection_id: int, address: str, size: str | None = None,
                 actor_id: int | None = None) -> str:
        """Print the tag as ZPL on a network label printer (HOST[:PORT]); returns where it went."""
        host, port = parse_address(address)
        self.tag(inspection_id, size or self.ctx.settings.label_size or "2x1in", "zpl", actor_id=actor_id,
                 deliver=lambda zpl: send_zpl(zpl.decode("utf-8"), host, port))
        return f"{host}:{port}"

    def tag_pdf(self, inspection_id: int) -> bytes:
        return self.pdf(inspection_id, "tag")

    # --- verification ----------------------------------------------------------------------

    def verify(self, code_or_file: str) -> Verification:
        """QR text, a certificate PDF or a photo of a tag -> valid / invalid / void, with the details."""
        code = code_or_file.strip()
        if not code.startswith(payload.PREFIX):
            path = Path(code_or_file)
            if not path.exists():
                return verify_code(code, {})  # says why it is not a certificate code
            found = [c for c in codes_in_file(path) if c.startswith(payload.PREFIX)]
            if not found:
                return Verification(INVALID, f"No certificate QR code could be read in {path.name}.")
            code = found[0]
        result = verify_code(code, keys.trusted_keys(self.ctx.settings.keys_dir, self.key))
        if not result.valid or result.payload is None:
            return result
        return self._with_record(result, code)

    def _with_record(self, result: Verification, code: str) -> Verification:
        assert result.payload is not None
        with self.ctx.db.read() as session:
            row = session.scalar(select(Certificate).where(Certificate.serial == result.payload.serial))
            if row is None:
                if result.payload.key_id == self.key.key_id:
                    return Verification(
                        INVALID,
                        "The signature is ours but this serial is not in the records.",
                        result.payload,
                    )
                return replace(
                    result,
                    reason="The signature is genuine (issued by another trusted deployment; "
                    "its void list is not here).",
                )
            if row.payload != code:
                return Verification(
                    INVALID,
                    "A genuine signature, but not the certificate recorded for this serial.",
                    result.payload,
                )
            if row.voided_at is not None:
                return Verification(
                    VOID,
                    f"The certificate was voided on {_as_date(row.voided_at).date()}.",
                    result.payload,
                    row.void_reason,
                )
            return replace(
                result,
                reason=f"The signature is genuine and the certificate is on record "
                f"(printed {row.print_count} time(s)).",
            )


def attach(station: Any) -> CertificateService:
    """The station's certificate service; open_station already wires issue-on-finish and void-on-overturn."""
    existing = getattr(station, "certificates", None)
    if isinstance(existing, CertificateService):
        return existing
    service = CertificateService(station.ctx)
    station.ctx.finish_hooks.append(service.on_finished)
    station.reviews.overturn_hooks.append(service.void_certificate)
    station.certificates = service
    return service
