"""Claims: a supervisor takes an inspection to review it; others see who has it until the claim expires."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inspector.errors import InvalidState, NotFound
from inspector.security.roles import Actor, Permission
from inspector.services.context import ServiceContext
from inspector.services.records import as_utc, now
from inspector.storage.audit import append_event
from inspector.storage.models import AuditEvent, Inspection, ReviewClaim, User

CLAIM_MINUTES = 30  # long enough to look at every photo; an abandoned claim frees itself


@dataclass(frozen=True)
class ClaimView:
    inspection_id: int
    reviewer_id: int
    reviewer_name: str
    expires_at: datetime


def live_claim(session: Session, inspection_id: int, moment: datetime) -> ReviewClaim | None:
    claim = session.get(ReviewClaim, inspection_id)
    if claim is None or (as_utc(claim.expires_at) or moment) <= moment:
        return None
    return claim


def refuse_if_claimed_by_other(session: Session, inspection_id: int, user_id: int) -> None:
    claim = live_claim(session, inspection_id, now())
    if claim is not None and claim.reviewer_id != user_id:
        holder = session.get(User, claim.reviewer_id)
        until = (as_utc(claim.expires_at) or now()).strftime("%H:%M UTC")
        raise InvalidState(f"{holder.name if holder else 'Another supervisor'} is reviewing inspection "
                           f"{inspection_id} (claimed until {until}).")


def claims_for(session: Session, inspection_ids: list[int]) -> dict[int, ClaimView]:
    """Live claims of these inspections (the queue's page), with the holder's name."""
    if not inspection_ids:
        return {}
    moment = now()
    rows = session.execute(select(ReviewClaim, User.name).join(User, User.id == ReviewClaim.reviewer_id)
                           .where(ReviewClaim.inspection_id.in_(inspection_ids))).all()
    return {c.inspection_id: ClaimView(c.inspection_id, c.reviewer_id, name, as_utc(c.expires_at) or moment)
            for c, name in rows if (as_utc(c.expires_at) or moment) > moment}


def drop_claim(session: Session, inspection_id: int) -> None:
    """A recorded review ends the claim (claims are working state, not records: the audit log has them)."""
    claim = session.get(ReviewClaim, inspection_id)
    if claim is not None:
        session.delete(claim)


def claim(ctx: ServiceContext, actor: Actor, inspection_id: int) -> ClaimView:
    """Take the inspection for CLAIM_MINUTES (renewing one's own claim); refused while another has it."""
    with ctx.db.transaction() as session:
        actor = ctx.authorize(session, actor, Permission.REVIEW)
        if session.get(Inspection, inspection_id) is None:
            raise NotFound(f"There is no inspection {inspection_id}.")
        refuse_if_claimed_by_other(session, inspection_id, actor.user_id)
        moment = now()
        expires = moment + timedelta(minutes=CLAIM_MINUTES)
        row = session.get(ReviewClaim, inspection_id)
        if row is None:
            session.add(ReviewClaim(inspection_id=inspection_id, reviewer_id=actor.user_id,
                                    claimed_at=moment, expires_at=expires))
        else:
            row.reviewer_id, row.claimed_at, row.expires_at = actor.user_id, moment, expires
        append_event(session, action="review.claimed", entity="inspection", entity_id=inspection_id,
                     actor_id=actor.user_id, station=ctx.station_name,
                     data={"reviewer": actor.user_id, "expires_at": expires.isoformat()})
        return ClaimView(inspection_id, actor.user_id, actor.name, expires)


def release(ctx: ServiceContext, actor: Actor, inspection_id: int) -> None:
    """Give one's own claim back (closing the inspection without reviewing it)."""
    with ctx.db.transaction() as session:
        actor = ctx.authorize(session, actor, Permission.REVIEW)
        row = session.get(ReviewClaim, inspection_id)
        if row is None or row.reviewer_id != actor.user_id:
            return
        session.delete(row)
        append_event(session, action="review.released", entity="inspection", entity_id=inspection_id,
                     actor_id=actor.user_id, station=ctx.station_name, data={"reviewer": actor.user_id})


def change_counter(ctx: ServiceContext) -> int:
    """The newest audit event's id: every change of a record appends one, so a desk polls this
    (one index lookup) and refreshes its queue only when it moved."""
    with ctx.db.read() as session:
        return int(session.scalar(select(func.max(AuditEvent.id))) or 0)
