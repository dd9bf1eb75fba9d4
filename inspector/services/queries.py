"""Read-only lists of inspections for the command line and the screens (as the logged-in user sees them)."""

from __future__ import annotations

from sqlalchemy import select

from inspector.domain.verdict import Verdict
from inspector.errors import BadInput
from inspector.security.roles import Actor, Permission
from inspector.services import read_access, review_stage
from inspector.services.context import ServiceContext
from inspector.services.records import as_utc, now
from inspector.services.review_queue import visible_verdict
from inspector.services.views import InspectionSummary
from inspector.storage.models import Certificate, Inspection, Item, Station, User


def list_inspections(
    ctx: ServiceContext,
    actor: Actor,
    *,
    verdict: str | None = None,
    status: str | None = None,
    limit: int | None = None,
) -> list[InspectionSummary]:
    """Inspections by id, as the logged-in user sees them. A verdict waiting for its blind review is
    neither shown nor filtered by, except for its authenticator and those who recorded their review."""
    with ctx.db.read() as session:
        viewer = ctx.authorize(session, actor, Permission.INSPECT).user_id
    query = (
        select(Inspection, Item.code, User.name, Station.name)
        .join(Item, Item.id == Inspection.item_id)
        .join(User, User.id == Inspection.authenticator_id)
        .join(Station, Station.id == Inspection.station_id)
        .order_by(Inspection.id)
    )
    if verdict:
        try:
            query = query.where(Inspection.verdict == Verdict(verdict).value, visible_verdict(viewer))
        except ValueError as exc:
            raise BadInput(f"Unknown verdict {verdict!r}; use pass, fail or inconclusive.") from exc
    if status:
        query = query.where(Inspection.status == status)
    if limit:
        query = query.limit(limit)
    with ctx.db.read() as session:
        actor = ctx.authorize(session, actor, Permission.INSPECT)
        if not read_access.sees_every_inspection(actor):
            # An authenticator lists the inspections they hold or held (read_access.py).
            query = query.where(Inspection.authenticator_id == actor.user_id)
        rows = session.execute(query).all()
        hidden = review_stage.hidden_among(session, [
            (i.id, i.status, i.verdict, i.second_opinion, i.review_sampled, i.authenticator_id)
            for i, *_ in rows], actor.user_id)
        ids = [row[0].id for row in rows if row[0].id not in hidden]  # a serial would tell a pass
        serials: dict[int, str] = {}
        if ids:
            for inspection_id, serial in session.execute(
                select(Certificate.inspection_id, Certificate.serial)
                .where(Certificate.inspection_id.in_(ids), Certificate.voided_at.is_(None))
                .order_by(Certificate.id)
            ):
                serials[inspection_id] = serial
        return [
            InspectionSummary(
                id=inspection.id, item=item_code, checklist=inspection.checklist_id,
                brand=inspection.brand, verdict=None if inspection.id in hidden else inspection.verdict,
                status=inspection.status,
                serial=serials.get(inspection.id), authenticator=user_name, station=station_name,
                started_at=as_utc(inspection.started_at) or now(),
                finished_at=as_utc(inspection.finished_at),
            )
            for inspection, item_code, user_name, station_name in rows
        ]
