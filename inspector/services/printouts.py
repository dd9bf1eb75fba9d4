"""Certificates, fail reports and tags made from the records; a print counted when it was printed.

Making a document records nothing. A print is recorded once the print system accepted the job
(CUPS gave it a job id, a label printer took the bytes); an export once the file is safely on disk.
A cancelled preview records nothing. The reprint number printed on a document is the number of
earlier prints, so exports and cancelled previews never turn the first real print into a reprint.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inspector.errors import BadInput, InvalidState
from inspector.printing import cups
from inspector.printing.brother import QL_DPI, label_dots, send_raster, tag_raster
from inspector.printing.certificate_pdf import certificate_pdf
from inspector.printing.documents import TagDocument
from inspector.printing.fail_report import fail_report_pdf
from inspector.printing.files import write_safely
from inspector.printing.network import parse_address, send_zpl
from inspector.printing.tags import holds_qr_text, size_dots, tag_pdf
from inspector.printing.zpl import tag_zpl
from inspector.security import payload
from inspector.security.roles import Actor, Permission
from inspector.services import read_access
from inspector.services.printout_documents import (
    certificate_document,
    fail_document,
    issuer_of,
    with_pictures,
)
from inspector.storage.audit import append_event
from inspector.storage.models import AuditEvent, Certificate, Inspection

if TYPE_CHECKING:
    from inspector.services.certificates import CertificateService

CERTIFICATE_PRINTED = "certificate.printed"
TAG_PRINTED = "certificate.tag_printed"
REPORT_PRINTED = "inspection.report_printed"
PRINTED = {"certificate": CERTIFICATE_PRINTED, "tag": TAG_PRINTED, "fail-report": REPORT_PRINTED}
EXPORTED = {"certificate": "certificate.exported", "tag": "certificate.tag_exported",
            "fail-report": "inspection.report_exported"}
FORMATS = ("pdf", "zpl", "ql")


@dataclass(frozen=True)
class Printout:
    """A made document, not yet printed: what it is, its bytes, and which print it would be."""

    inspection_id: int
    kind: str  # certificate | fail-report | tag
    data: bytes
    fmt: str = "pdf"  # pdf | zpl (Zebra) | ql (Brother QL raster)
    serial: str | None = None
    reprint: int = 0
    copies: int = 1
    size: str | None = None

    @property
    def title(self) -> str:
        return f"{self.kind} {self.serial or self.inspection_id}"


class Printouts:
    def __init__(self, certificates: CertificateService) -> None:
        self.certificates = certificates
        self.ctx = certificates.ctx

    # --- making (records nothing) -----------------------------------------------------------

    def certificate(self, actor: Actor, inspection_id: int, paper: str = "a4", copies: int = 1) -> Printout:
        """A pass's certificate (marked as a reprint after its first print), else the fail report; for
        a logged-in user who may print and may see the inspection (services/read_access.py)."""
        with self.ctx.db.transaction() as session:
            inspection = self._printable(session, actor, inspection_id)
            if inspection.verdict != "pass":
                report = fail_document(self.certificates, session, inspection)
            else:
                report = None
                row = self.certificates.issue(session, inspection, None)
                serial, reprint = row.serial, row.print_count
                document, wanted = certificate_document(self.certificates, session, inspection, row, reprint)
        # Pictures and pages are made after the write transaction: they take time, and it holds the lock.
        if report is not None:
            return Printout(inspection_id, "fail-report", fail_report_pdf(report, paper))
        document = with_pictures(self.certificates, document, wanted)
        return Printout(inspection_id, "certificate", certificate_pdf(document, paper, copies),
                        serial=serial, reprint=reprint, copies=copies)

    def tag(self, actor: Actor, inspection_id: int, size: str | None = None, fmt: str = "pdf",
            copies: int = 1) -> Printout:
        """The tag as PDF, ZPL (at the label printer's dpi, darkness and speed) or Brother QL raster."""
        settings = self.ctx.settings
        size = size or settings.label_size or "2x1in"
        size_dots(size, settings.label_dpi)  # an unknown size or dpi is one sentence before anything
        if fmt not in FORMATS:
            raise BadInput(f"Unknown tag format {fmt!r}; use pdf, zpl or ql.")
        if copies < 1:
            raise BadInput("The number of copies must be at least 1.")
        with self.ctx.db.transaction() as session:
            inspection = self._printable(session, actor, inspection_id)
            if inspection.verdict != "pass":
                raise InvalidState(
                    f"Inspection {inspection_id} did not pass ({inspection.verdict}); it gets no tag."
                )
            row = self.certificates.issue(session, inspection, None)
            reprint = self._tag_prints(session, row.serial)
            decoded = payload.decode(row.payload).payload
            plain = self.certificates.qr_text(row)
            # GS1 Digital Link where the longest such QR code still prints with 0.375 mm modules (3 dots
            # at 203 dpi): the 4x6 in label and a Zebra's 62x29 mm tag, not the 2x1 in tag (docs/trust.md).
            dpi = QL_DPI if fmt == "ql" else settings.label_dpi
            room = label_dots() if fmt == "ql" else size_dots(size, dpi)
            longest = max(len(plain.encode("utf-8")), payload.QR_CAPACITY_BYTES)
            link_bytes = longest + payload.DIGITAL_LINK_PATH_BYTES
            fits = holds_qr_text(*room, dpi, link_bytes)
            gtin = self.certificates.gtin(session, inspection) if fits else None
            document = TagDocument(
                serial=row.serial, code=self.certificates.qr_text(row, gtin), brand=decoded.brand,
                model=decoded.model, reprint=reprint, issuer_name=issuer_of(settings).name,
                item_code=decoded.item_code, verdict=decoded.verdict, issued_on=decoded.issued_on,
                verify_address=str(getattr(settings, "verify_url", "") or ""),
            )
        if fmt == "zpl":
            data = tag_zpl(document, size, copies, settings.label_dpi, settings.label_darkness,
                           settings.label_speed).encode("utf-8")
        elif fmt == "ql":
            data = tag_raster(document, settings.brother_ql_model, copies)
        else:
            data = tag_pdf(document, size, settings.label_dpi, copies)
        return Printout(inspection_id, "tag", data, fmt, row.serial, reprint, copies, size)

    def _printable(self, session: Session, actor: Actor, inspection_id: int) -> Inspection:
        actor = self.ctx.authorize(session, actor, Permission.PRINT)
        seen = session.get(Inspection, inspection_id)
        if seen is not None:  # someone else's inspection is refused before anything says its state
            read_access.check_may_see(session, seen, actor)
        return self.certificates._finished(session, inspection_id)

    @staticmethod
    def _tag_prints(session: Session, serial: str) -> int:
        return session.scalar(
            select(func.count()).select_from(AuditEvent).where(
                AuditEvent.entity == "certificate", AuditEvent.entity_id == serial,
                AuditEvent.action == TAG_PRINTED)
        ) or 0

    # --- printing and exporting (each recorded once it happened) ------------------------------

    def print_on_system(self, printout: Printout, printer: str, actor: Actor) -> str:
        """Through the system print queue (CUPS); returns the job id, which the print record keeps."""
        self.ctx.authorize_now(actor, Permission.PRINT)  # before anything leaves the station
        if printout.fmt == "ql":
            raise BadInput("Brother QL raster goes to the label printer, not to the print queue.")
        # The copies are in the document already (one set of pages per copy, or ZPL's ^PQ).
        job = cups.submit(printout.data, printer, 1, printout.title)
        self.record_printed(printout, job=job, printer=printer or "default", actor=actor)
        return job

    def send_to_label_printer(self, printout: Printout, address: str, actor: Actor) -> str:
        """A ZPL tag to a Zebra on port 9100, or a Brother QL raster; recorded once the printer took it."""
        self.ctx.authorize_now(actor, Permission.PRINT)
        if printout.fmt == "zpl":
            host, port = parse_address(address)
            send_zpl(printout.data.decode("utf-8"), host, port)
            where = f"{host}:{port}"
        elif printout.fmt == "ql":
            where = send_raster(printout.data, address)
        else:
            raise BadInput("A label printer takes ZPL or Brother QL raster, not a PDF.")
        self.record_printed(printout, job=where, printer=where, actor=actor)
        return where

    def export(self, printout: Printout, path: Path, actor: Actor) -> Path:
        """Write the file (temp file, fsync, rename), then record the export; an export is no print."""
        self.ctx.authorize_now(actor, Permission.PRINT)
        written = write_safely(Path(path), printout.data)
        self.record_exported(printout, path=written, actor=actor)
        return written

    def record_printed(self, printout: Printout, *, job: str, printer: str, actor: Actor) -> None:
        """The print and who printed it (their session checked again, in the recording transaction)."""
        with self.ctx.db.transaction() as session:
            actor = self.ctx.authorize(session, actor, Permission.PRINT)
            if printout.kind == "certificate":
                row = session.scalar(select(Certificate).where(Certificate.serial == printout.serial))
                if row is not None:
                    row.print_count += 1
            self._event(session, PRINTED[printout.kind], printout, actor,
                        {"job": job, "printer": printer})

    def record_exported(self, printout: Printout, *, path: Path, actor: Actor) -> None:
        with self.ctx.db.transaction() as session:
            actor = self.ctx.authorize(session, actor, Permission.PRINT)
            self._event(session, EXPORTED[printout.kind], printout, actor, {"file": Path(path).name})

    def _event(self, session: Session, action: str, printout: Printout, actor: Actor,
               extra: dict[str, object]) -> None:
        on_certificate = printout.serial is not None
        append_event(
            session,
            action=action,
            entity="certificate" if on_certificate else "inspection",
            entity_id=printout.serial if on_certificate else printout.inspection_id,
            actor_id=actor.user_id,
            station=self.ctx.station_name,
            data={"inspection": printout.inspection_id, "format": printout.fmt, "size": printout.size,
                  "copies": printout.copies, "reprint": printout.reprint, "by": actor.name, **extra},
        )
