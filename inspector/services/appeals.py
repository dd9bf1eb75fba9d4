"""Sellers' appeals: a failed or inconclusive inspection reopened for someone new, upheld or reversed.

A desk records the seller's appeal (reason, optional new photos). Whoever decides it must have had
no part in the inspection: not its authenticator, nobody who recorded in it, none of its reviewers.
Upheld keeps the verdict; reversed makes it a pass and issues the certificate. Every step is an
audit event carrying the resulting state.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector.domain.verdict import Verdict
from inspector.errors import BadInput, InvalidState, NotFound, PermissionDenied
from inspector.security.roles import Actor, Permission
from inspector.services import analytics_summary, ownership, records, review_stage
from inspector.services.context import ServiceContext
from inspector.services.reviews import OverturnHook, PassHook
from inspector.services.views import InspectionDetail
from inspector.storage.audit import append_event
from inspector.storage.models import Appeal, Inspection, Review, User
from inspector.untrusted import (
    MAX_APPEAL_PHOTO_PIXELS,
    MAX_APPEAL_PHOTOS,
    MAX_PHOTO_BYTES,
    check_jpeg_segments,
    size_text,
)

APPEALABLE = (Verdict.FAIL.value, Verdict.INCONCLUSIVE.value)
UPHELD, REVERSED = "upheld", "reversed"


@dataclass(frozen=True)
class AppealView:
    id: int
    inspection_id: int
    seller_reason: str
    photos: tuple[str, ...]  # photo-store SHA-256s of the seller's new photos
    verdict_appealed: str
    opened_by: str
    opened_at: datetime
    status: str  # open | upheld | reversed
    decided_by: str | None
    decided_at: datetime | None
    decision_reason: str | None


@dataclass(frozen=True)
class AppealCase:
    """What the person deciding sees: the appeal and the whole inspection."""

    appeal: AppealView
    detail: InspectionDetail


def _check_image(data: bytes, number: int) -> None:
    """A seller's file is untrusted: it must be a JPEG or PNG that decodes, of a sane size."""
    if len(data) > MAX_PHOTO_BYTES:
        raise BadInput(f"Appeal photo {number} is larger than {size_text(MAX_PHOTO_BYTES)}.")
    check_jpeg_segments(data, f"Appeal photo {number}")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ("JPEG", "PNG"):
                raise BadInput(f"Appeal photo {number} is not a JPEG or PNG image.")
            if image.width * image.height > MAX_APPEAL_PHOTO_PIXELS:
                raise BadInput(f"Appeal photo {number} is too large ({image.width}x{image.height}).")
            image.verify()
    except BadInput:
        raise
    except Exception as exc:  # PIL raises many kinds for a damaged file
        raise BadInput(f"Appeal photo {number} is not a readable image.") from exc


def _view(session: Session, row: Appeal) -> AppealView:
    def name(user_id: int | None) -> str | None:
        user = session.get(User, user_id) if user_id is not None else None
        return user.name if user is not None else None

    return AppealView(
        id=row.id, inspection_id=row.inspection_id, seller_reason=row.seller_reason,
        photos=tuple(json.loads(row.photos or "[]")), verdict_appealed=row.verdict_appealed,
        opened_by=name(row.opened_by) or "?", opened_at=records.as_utc(row.opened_at) or records.now(),
        status=row.status, decided_by=name(row.decided_by), decided_at=records.as_utc(row.decided_at),
        decision_reason=row.decision_reason)


def check_may_decide(session: Session, inspection: Inspection, actor: Actor) -> None:
    """Neither its authenticator (nor anyone who recorded in it) nor one of its reviewers."""
    if ownership.took_part(session, inspection, actor.user_id):
        raise PermissionDenied(f"{actor.name} recorded part of inspection {inspection.id} and may not "
                               "decide its appeal.")
    reviewed = session.scalar(select(Review.id).where(Review.inspection_id == inspection.id,
                                                      Review.reviewer_id == actor.user_id).limit(1))
    if reviewed is not None:
        raise PermissionDenied(f"{actor.name} reviewed inspection {inspection.id} and may not decide "
                               "its appeal.")


class AppealService:
    def __init__(self, ctx: ServiceContext, overturn_hooks: list[OverturnHook] | None = None,
                 pass_hooks: list[PassHook] | None = None) -> None:
        self.ctx = ctx
        self.overturn_hooks = overturn_hooks if overturn_hooks is not None else []
        self.pass_hooks = pass_hooks if pass_hooks is not None else []

    def open(self, actor: Actor, inspection_id: int, reason: str,
             photos: Sequence[bytes] = ()) -> AppealView:
        """Record a seller's appeal of a failed or inconclusive inspection."""
        reason = reason.strip()
        if not reason:
            raise BadInput("An appeal needs the seller's reason.")
        if len(photos) > MAX_APPEAL_PHOTOS:
            raise BadInput(f"An appeal takes at most {MAX_APPEAL_PHOTOS} photos.")
        for number, data in enumerate(photos, start=1):
            _check_image(data, number)
        # The photos are stored (by content hash, never modified) before the records that name them.
        hashes = [self.ctx.photos.put(data).sha256 for data in photos]
        with self.ctx.db.transaction() as session:
            actor = self.ctx.authorize(session, actor, Permission.REVIEW)
            inspection = session.scalar(select(Inspection).where(Inspection.id == inspection_id)
                                        .with_for_update())
            if inspection is None:
                raise NotFound(f"There is no inspection {inspection_id}.")
            if review_stage.verdict_hidden(session, inspection, actor.user_id):
                # The same sentence for a pass and a fail: the refusal must not tell the verdict.
                raise InvalidState(f"Inspection {inspection_id} waits for its blind review; "
                                   "it can be appealed once that is recorded.")
            if inspection.status != "finished" or inspection.verdict not in APPEALABLE:
                raise InvalidState(f"Only a failed or inconclusive inspection can be appealed; "
                                   f"inspection {inspection_id} is {inspection.verdict or 'not finished'}.")
            if session.scalar(select(Appeal.id).where(Appeal.inspection_id == inspection_id,
                                                      Appeal.status == "open").limit(1)) is not None:
                raise InvalidState(f"Inspection {inspection_id} has an open appeal already.")
            row = Appeal(inspection_id=inspection_id, seller_reason=reason, photos=json.dumps(hashes),
                         verdict_appealed=inspection.verdict, opened_by=actor.user_id,
                         opened_at=records.now(), status="open")
            session.add(row)
            session.flush()
            append_event(session, action="appeal.opened", entity="inspection", entity_id=inspection_id,
                         actor_id=actor.user_id, station=self.ctx.station_name,
                         data={"appeal": row.id, "reason": reason, "photos": hashes,
                               "verdict": inspection.verdict, "status": "open"})
            return _view(session, row)

    def waiting(self, actor: Actor) -> list[AppealView]:
        """Open appeals, oldest first."""
        with self.ctx.db.read() as session:
            self.ctx.authorize(session, actor, Permission.REVIEW)
            rows = session.scalars(select(Appeal).where(Appeal.status == "open").order_by(Appeal.id))
            return [_view(session, row) for row in rows]

    def of_inspection(self, actor: Actor, inspection_id: int) -> list[AppealView]:
        with self.ctx.db.read() as session:
            self.ctx.authorize(session, actor, Permission.REVIEW)
            rows = session.scalars(select(Appeal).where(Appeal.inspection_id == inspection_id)
                                   .order_by(Appeal.id))
            return [_view(session, row) for row in rows]

    def case(self, actor: Actor, appeal_id: int) -> AppealCase:
        """The appeal and its inspection, for someone allowed to decide it."""
        with self.ctx.db.read() as session:
            actor = self.ctx.authorize(session, actor, Permission.REVIEW)
            row = session.get(Appeal, appeal_id)
            if row is None:
                raise NotFound(f"There is no appeal {appeal_id}.")
            inspection = session.get(Inspection, row.inspection_id)
            assert inspection is not None
            check_may_decide(session, inspection, actor)
            return AppealCase(_view(session, row), records.inspection_detail(session, self.ctx, inspection))

    def decide(self, actor: Actor, appeal_id: int, outcome: str, reason: str) -> AppealView:
        """Uphold the verdict or reverse it to a pass (which issues the certificate), with a reason."""
        reason = reason.strip()
        if outcome not in (UPHELD, REVERSED):
            raise BadInput(f"An appeal is {UPHELD} or {REVERSED}, not {outcome!r}.")
        if not reason:
            raise BadInput("Deciding an appeal needs a reason.")
        with self.ctx.db.transaction() as session:
            actor = self.ctx.authorize(session, actor, Permission.REVIEW)
            row = session.scalar(select(Appeal).where(Appeal.id == appeal_id).with_for_update())
            if row is None:
                raise NotFound(f"There is no appeal {appeal_id}.")
            if row.status != "open":
                raise InvalidState(f"Appeal {appeal_id} was {row.status} already.")
            inspection = session.scalar(select(Inspection).where(Inspection.id == row.inspection_id)
                                        .with_for_update())
            assert inspection is not None
            check_may_decide(session, inspection, actor)
            before = inspection.verdict or ""
            after = Verdict.PASS.value if outcome == REVERSED else before
            row.status, row.decided_by, row.decided_at = outcome, actor.user_id, records.now()
            row.decision_reason = reason
            if after != before:
                inspection.verdict = after
                inspection.escalated = False
                analytics_summary.mark_changed(session, self.ctx.db.dialect, inspection.finished_at)
            append_event(session, action=f"appeal.{outcome}", entity="inspection",
                         entity_id=inspection.id, actor_id=actor.user_id, station=self.ctx.station_name,
                         data={"appeal": row.id, "status": outcome, "from": before, "to": after,
                               "reason": reason, "decided_by": actor.user_id})
            if after == Verdict.PASS.value and before != after:
                for hook in self.pass_hooks:
                    hook(session, inspection, actor.user_id)
            return _view(session, row)
