"""Supervisor reviews: confirm, overturn, blind second reviews; corrections are new records."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector.domain.verdict import Verdict
from inspector.errors import BadInput, InvalidState, NotFound
from inspector.security.roles import Actor, Permission
from inspector.services import analytics_summary, ownership, records
from inspector.services.context import ServiceContext
from inspector.services.views import InspectionDetail, ReviewView
from inspector.storage.audit import append_event
from inspector.storage.models import Inspection, Review

# Called inside the review's transaction when a verdict is overturned: (session, inspection id,
# reason, actor user id). The certificates service voids the certificate here.
OverturnHook = Callable[[Session, int, str, int], object]  # return value ignored


@dataclass(frozen=True)
class BlindOutcome:
    """A blind second review, revealed only once recorded: did the reviewer agree with the first verdict?"""

    review: ReviewView
    first_verdict: str
    agreed: bool


class ReviewService:
    def __init__(self, ctx: ServiceContext, overturn_hooks: list[OverturnHook] | None = None) -> None:
        self.ctx = ctx
        self.overturn_hooks = overturn_hooks if overturn_hooks is not None else []

    def confirm(
        self, actor: Actor, inspection_id: int, reason: str = "", *, blind: bool = False
    ) -> ReviewView:
        return self._review(actor, inspection_id, "confirm", None, reason, blind)

    def overturn(self, actor: Actor, inspection_id: int, verdict: Verdict | str, reason: str,
                 *, blind: bool = False) -> ReviewView:
        return self._review(actor, inspection_id, "overturn", verdict, reason, blind)

    def for_review(self, actor: Actor, inspection_id: int, *, blind: bool = False) -> InspectionDetail:
        """Everything about the inspection; blind hides the first verdict, its summary and other reviews."""
        with self.ctx.db.read() as session:
            self.ctx.authorize(session, actor, Permission.REVIEW)
            row = session.get(Inspection, inspection_id)
            if row is None:
                raise NotFound(f"There is no inspection {inspection_id}.")
            detail = records.inspection_detail(session, self.ctx, row)
        if not blind:
            return detail
        hidden = replace(detail.inspection, verdict=None, fail_reason=None, summary="")
        return replace(detail, inspection=hidden, reviews=(), certificates=(), proposal=None)

    def blind_review(self, actor: Actor, inspection_id: int, verdict: Verdict | str,
                     reason: str = "") -> BlindOutcome:
        """Record the reviewer's own verdict first; agreeing confirms, disagreeing overturns."""
        try:
            mine = Verdict(str(verdict))
        except ValueError as exc:
            raise BadInput(f"Unknown verdict {verdict!r}.") from exc
        with self.ctx.db.read() as session:
            self.ctx.authorize(session, actor, Permission.REVIEW)
            row = session.get(Inspection, inspection_id)
            first = row.verdict if row is not None else None
        if first is None:
            raise InvalidState(f"Inspection {inspection_id} is not finished yet.")
        if mine.value == first:
            review = self._review(actor, inspection_id, "confirm", None, reason, True)
        else:
            if not reason.strip():
                raise BadInput("Your verdict differs from the first one: give a reason to overturn it.")
            review = self._review(actor, inspection_id, "overturn", mine, reason, True)
        return BlindOutcome(review=review, first_verdict=first, agreed=mine.value == first)

    def history(self, actor: Actor, inspection_id: int) -> list[ReviewView]:
        with self.ctx.db.read() as session:
            self.ctx.authorize(session, actor, Permission.REVIEW)
            rows = session.scalars(select(Review).where(Review.inspection_id == inspection_id)
                                   .order_by(Review.id)).all()
            return [records.review_view(session, r) for r in rows]

    def _review(self, actor: Actor, inspection_id: int, decision: str,
                verdict: Verdict | str | None, reason: str, blind: bool) -> ReviewView:
        reason = reason.strip()
        with self.ctx.db.transaction() as session:
            actor = self.ctx.authorize(session, actor, Permission.REVIEW)
            inspection = session.get(Inspection, inspection_id)
            if inspection is None:
                raise NotFound(f"There is no inspection {inspection_id}.")
            if inspection.status != "finished" or inspection.verdict is None:
                raise InvalidState(f"Inspection {inspection_id} is not finished yet.")
            # A second opinion must come from someone else: nobody reviews what they recorded.
            ownership.check_may_review(session, inspection, actor)
            previous = inspection.verdict
            if decision == "overturn":
                try:
                    new_verdict = Verdict(str(verdict))
                except ValueError as exc:
                    raise BadInput(f"Unknown verdict {verdict!r}.") from exc
                if not reason:
                    raise BadInput("An overturn needs a reason.")
                if new_verdict.value == previous:
                    raise BadInput(f"The verdict is {previous} already; confirm it instead.")
                inspection.verdict = new_verdict.value
                # The day's analytics summary no longer holds: refill it (same transaction).
                analytics_summary.mark_changed(session, self.ctx.db.dialect, inspection.finished_at)
            else:
                new_verdict = Verdict(previous)
            # A review answers the escalation and any second-opinion request.
            answered_second_opinion = inspection.second_opinion
            inspection.escalated = False
            review = Review(inspection_id=inspection.id, reviewer_id=actor.user_id, decision=decision,
                            verdict=new_verdict.value, previous_verdict=previous, reason=reason,
                            blind=blind)
            session.add(review)
            session.flush()
            append_event(session, action=f"review.{decision}", entity="inspection",
                         entity_id=inspection.id, actor_id=actor.user_id,
                         station=self.ctx.station_name,
                         data={"review": review.id, "from": previous, "to": new_verdict.value,
                               "reason": reason, "blind": blind,
                               "second_opinion": answered_second_opinion})
            if decision == "overturn":
                for hook in self.overturn_hooks:
                    hook(session, inspection.id, reason, actor.user_id)
            return records.review_view(session, review)
