"""Who took part in an inspection: separation of duties between recording and reviewing."""

from __future__ import annotations

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from inspector.errors import PermissionDenied
from inspector.security.roles import Actor
from inspector.storage.models import Inspection, Photo, StepResult


def took_part(session: Session, inspection: Inspection, user_id: int) -> bool:
    """Whether the user recorded anything in the inspection: a step, a photo, or its verdict (as holder)."""
    if inspection.authenticator_id == user_id:
        return True
    recorded = select(StepResult.id).where(StepResult.inspection_id == inspection.id,
                                           StepResult.recorded_by == user_id)
    captured = select(Photo.id).where(Photo.inspection_id == inspection.id, Photo.captured_by == user_id)
    return bool(session.scalar(select(or_(exists(recorded), exists(captured)))))


def check_may_review(session: Session, inspection: Inspection, actor: Actor) -> None:
    """Nobody reviews an inspection in which they recorded anything: a review is a second pair of eyes."""
    if took_part(session, inspection, actor.user_id):
        raise PermissionDenied(
            f"{actor.name} recorded part of inspection {inspection.id} and may not review it."
        )
