"""Certificates: issue on a pass, print (reprints marked), void on overturn, verify against the records."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector.errors import InvalidState, NotFound
from inspector.printing.scan import codes_in_file
from inspector.security import keys, payload
from inspector.security.verification import INVALID, VOID, Verification, verify_code
from inspector.services.context import ServiceContext
from inspector.storage.audit import append_event
from inspector.storage.models import Certificate, Inspection, Item, Station

if TYPE_CHECKING:
    from inspector.services.printouts import Printouts

TAG_PRINTED = "certificate.tag_printed"  # also in services/printouts.py, which records tag prints


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

    def qr_text(self, row: Certificate) -> str:
        """What the certificate's QR code carries; printing takes it from here and never builds it."""
        return row.payload

    # --- printing: services/printouts.py makes the documents and records each print --------

    @property
    def printouts(self) -> Printouts:
        from inspector.services.printouts import Printouts

        return Printouts(self)

    def certificate_pdf(self, inspection_id: int, paper: str = "a4") -> bytes:
        """The certificate (or fail report) as it would print now; making it records nothing."""
        return self.printouts.certificate(inspection_id, paper).data

    def tag(self, inspection_id: int, size: str, fmt: str = "pdf", copies: int = 1) -> bytes:
        """The tag as it would print now (pdf, zpl or ql); making it records nothing."""
        return self.printouts.tag(inspection_id, size, fmt, copies).data

    def send_tag(self, inspection_id: int, address: str, size: str | None = None,
                 actor_id: int | None = None) -> str:
        """Print the tag on the label printer (ZPL, or Brother QL raster per `label_language`)."""
        fmt = "ql" if self.ctx.settings.label_language == "brother-ql" else "zpl"
        printouts = self.printouts
        return printouts.send_to_label_printer(printouts.tag(inspection_id, size, fmt), address, actor_id)

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
