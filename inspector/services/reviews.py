"""Supervisor reviews: confirm or overturn a finished verdict. Corrections are new records."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from inspector.domain.verdict import Verdict
from inspector.errors import BadInput, InvalidState, NotFound
from inspector.security.roles import Actor, Permission, require
from inspector.services import records
from inspector.services.context import ServiceContext
from inspector.services.views import ReviewView
from inspector.storage.audit import append_event
from inspector.storage.models import Inspection, Review

# Called inside the review's transaction when a verdict is overturned: (session, inspection id,
# reason, actor user id). The certificates service voids the certificate here.
OverturnHook = Callable[[Session, int, str, int], None]


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

    def _review(self, actor: Actor, inspection_id: int, decision: str,
                verdict: Verdict | str | None, reason: str, blind: bool) -> ReviewView:
        require(actor, Permission.REVIEW)
        reason = reason.strip()
        with self.ctx.db.transaction() as session:
            inspection = session.get(Inspection, inspection_id)
            if inspection is None:
                raise NotFound(f"There is no inspection {inspection_id}.")
            if inspection.status != "finished" or inspection.verdict is None:
                raise InvalidState(f"Inspection {inspection_id} is not finished yet.")
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
            else:
                new_verdict = Verdict(previous)
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
                               "reason": reason, "blind": blind})
            if decision == "overturn":
                for hook in self.overturn_hooks:
                    hook(session, inspection.id, reason, actor.user_id)
            return records.review_view(session, review)
