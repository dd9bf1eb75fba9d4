"""Certificates: issue on a pass, print (reprints marked), void on overturn, verify against the records."""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector.domain.gtin import item_gtin
from inspector.errors import InvalidState, NotFound
from inspector.security import payload, truststore
from inspector.security.roles import Actor
from inspector.security.statuslist import REASON_CATEGORIES, Void
from inspector.security.verification import INVALID, Verification, void_result
from inspector.services import records
from inspector.services.context import ServiceContext
from inspector.services.deployment import DeploymentKeys
from inspector.services.verifying import code_from_input, verify_with
from inspector.storage.audit import append_event
from inspector.storage.models import Certificate, Inspection, Item

if TYPE_CHECKING:
    from inspector.services.printouts import Printouts

TAG_PRINTED = "certificate.tag_printed"  # also in services/printouts.py, which records tag prints


def _as_date(moment: datetime | None) -> datetime:
    moment = moment or datetime.now(UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class CertificateService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.trust = DeploymentKeys(ctx)

    def join_deployment(self) -> None:
        """Create the deployment on an empty database or register this station's key; a station whose
        root pin disagrees with the database still opens (it only refuses to sign, with the reason)."""
        with contextlib.suppress(InvalidState):
            self.trust.join()

    # --- lifecycle (called inside the integrator's transactions) ----------------------------

    def on_finished(self, session: Session, inspection_id: int, actor_id: int) -> None:
        """Finish hook: a passed inspection gets its certificate in the same transaction."""
        inspection = session.get(Inspection, inspection_id)
        if inspection is not None and inspection.verdict == "pass":
            self.issue_on_pass(session, inspection, actor_id)

    def issue_on_pass(self, session: Session, inspection: Inspection, actor_id: int | None) -> None:
        """Issue inside a finish or review; a station whose key is not approved yet issues nothing,
        the verdict is recorded all the same, and printing then says why there is no certificate."""
        with contextlib.suppress(InvalidState):
            self.issue(session, inspection, actor_id)

    def issue(self, session: Session, inspection: Inspection, actor_id: int | None) -> Certificate:
        existing = self._valid_certificate(session, inspection.id)
        if existing is not None:
            return existing
        if inspection.verdict != "pass" or inspection.status != "finished":
            raise InvalidState(
                f"Inspection {inspection.id} has not passed; it gets a report, not a certificate."
            )
        key, deployment = self.trust.signing_key(session)
        item = session.get(Item, inspection.item_id)
        checklist = self.ctx.checklist_by_hash(session, inspection.checklist_hash)
        # Placeholder serial (unique) until the row id is known; the real one is derived from it.
        row = Certificate(
            serial=f"pending-{uuid.uuid4().hex[:24]}",
            inspection_id=inspection.id,
            key_id=key.key_id,
            payload="",
        )
        session.add(row)
        session.flush()
        # The row id comes from the database's own sequence: no two stations draw the same serial,
        # and the deployment prefix keeps it apart from every other deployment's serials.
        row.serial = payload.serial_text(deployment.prefix, row.id)
        item_code, brand, model = payload.fit_texts(
            item.code if item else "", inspection.brand, checklist.model,
            payload.text_budget(self.ctx.settings.verify_url),
        )
        content = payload.CertificatePayload(
            deployment=deployment.prefix,
            serial_number=row.id,
            status_index=row.id,
            item_code=item_code,
            brand=brand,
            model=model,
            verdict="pass",
            issued_at=datetime.now(UTC).replace(microsecond=0),
            key_id=key.key_id,
        )
        row.payload = payload.encode(content, key)
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
        inspection = session.get(Inspection, inspection_id)
        # The buyer sees a category named by the new verdict; the supervisor's note stays in the records.
        verdict = inspection.verdict if inspection else ""
        category = REASON_CATEGORIES.get(verdict or "", REASON_CATEGORIES["withdrawn"])
        for row in session.scalars(
            select(Certificate).where(
                Certificate.inspection_id == inspection_id, Certificate.voided_at.is_(None)
            )
        ):
            row.voided_at = datetime.now(UTC)
            row.void_reason = reason or "verdict overturned"
            row.void_category = category
            append_event(
                session,
                action="certificate.voided",
                entity="certificate",
                entity_id=row.serial,
                actor_id=actor_id,
                station=self.ctx.station_name,
                data={"inspection": inspection_id, "reason": row.void_reason, "category": category},
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

    def qr_text(self, row: Certificate, gtin: str | None = None) -> str:
        """What the certificate's QR code carries; printing takes it from here and never builds it:
        the verify address with the signed payload in its fragment, and with a GTIN the GS1 Digital
        Link path before it (docs/certificate-format.md)."""
        return payload.qr_text(self.ctx.settings.verify_url, row.payload, gtin)

    def gtin(self, session: Session, inspection: Inspection) -> str | None:
        """The item's GTIN-14 when its checklist's registry lists the recorded style and size."""
        item = session.get(Item, inspection.item_id)
        checklist = self.ctx.checklist_by_hash(session, inspection.checklist_hash)
        values = records.latest_values(session, inspection.id)
        return item_gtin(checklist, item.style_code if item else None, values)

    # --- printing: services/printouts.py makes the documents and records each print --------

    @property
    def printouts(self) -> Printouts:
        from inspector.services.printouts import Printouts

        return Printouts(self)

    def certificate_pdf(self, actor: Actor, inspection_id: int, paper: str = "a4") -> bytes:
        """The certificate (or fail report) as it would print now; making it records nothing."""
        return self.printouts.certificate(actor, inspection_id, paper).data

    def tag(self, actor: Actor, inspection_id: int, size: str, fmt: str = "pdf", copies: int = 1) -> bytes:
        """The tag as it would print now (pdf, zpl or ql); making it records nothing."""
        return self.printouts.tag(actor, inspection_id, size, fmt, copies).data

    def send_tag(self, actor: Actor, inspection_id: int, address: str, size: str | None = None) -> str:
        """Print the tag on the label printer (ZPL, or Brother QL raster per `label_language`)."""
        fmt = "ql" if self.ctx.settings.label_language == "brother-ql" else "zpl"
        printouts = self.printouts
        return printouts.send_to_label_printer(printouts.tag(actor, inspection_id, size, fmt), address, actor)

    # --- verification ----------------------------------------------------------------------

    def verify(self, code_or_file: str) -> Verification:
        """A verify URL, the bare payload, a certificate PDF or a photo of a tag -> valid / invalid / void.

        This deployment's keys come from the database (checked against the pinned root), its voids
        straight from the records; other deployments' from their imported trust and status files.
        """
        code = code_from_input(code_or_file)
        if isinstance(code, Verification):
            return code
        keys_dir = self.ctx.settings.keys_dir
        deployments = truststore.trusted_deployments(keys_dir)
        statuses = truststore.status_lists(keys_dir, deployments)
        with self.ctx.db.read() as session:
            own = self.trust.deployment(session)
        deployments[own.prefix] = own
        statuses.pop(own.prefix, None)
        result = verify_with(code, deployments, statuses)
        if not result.valid or result.payload is None or result.payload.deployment != own.prefix:
            return result
        return self._with_record(result, payload.payload_from_text(code))

    def _with_record(self, result: Verification, code: str) -> Verification:
        assert result.payload is not None
        now = datetime.now(UTC)
        with self.ctx.db.read() as session:
            row = session.scalar(select(Certificate).where(Certificate.serial == result.serial))
            if row is None:
                return Verification(
                    INVALID, "The signature is ours but this serial is not in the records.", result.payload
                )
            if row.payload != code:
                return Verification(
                    INVALID,
                    "A genuine signature, but not the certificate recorded for this serial.",
                    result.payload,
                )
            if row.voided_at is not None:
                void = Void(row.id, f"{_as_date(row.voided_at).date()}",
                            row.void_category or REASON_CATEGORIES["withdrawn"])
                voided = void_result(result.payload, now, void, result.station, result.deployment_name)
                return replace(voided, legacy_serial=result.legacy_serial)
            legacy = " (legacy format INS1)" if result.legacy_serial else ""
            return replace(
                result,
                reason=f"The signature is genuine and the certificate is on record "
                f"(printed {row.print_count} time(s)){legacy}.",
                status_as_of=now,
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
