"""Supervisor reviews: blind second opinions, the senior panel, decisions; corrections are new records.

The stages and what a reviewer may see are in `review_stage`. Every review names a verdict and a
reason; one review per reviewer per inspection; a claim by another supervisor blocks the review.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector.domain.verdict import Verdict
from inspector.errors import BadInput, InvalidState, NotFound, PermissionDenied
from inspector.security.roles import Actor, Permission, Role
from inspector.services import analytics_summary, ownership, records, review_claims, review_stage
from inspector.services.context import ServiceContext
from inspector.services.review_queue import blind_candidate
from inspector.services.review_stage import BLIND, DECIDE, DISPUTE, DONE, PANEL
from inspector.services.views import InspectionDetail, ReviewView
from inspector.storage.audit import append_event
from inspector.storage.models import Inspection, Review, User

# Called inside the review's transaction when a pass is overturned: (session, inspection id,
# reason, actor user id). The certificates service voids the certificate here.
OverturnHook = Callable[[Session, int, str, int], object]  # return value ignored
# Called inside the review's transaction when a review makes the verdict pass: (session, inspection,
# actor user id). The certificates service issues the certificate here.
PassHook = Callable[[Session, Inspection, int], object]
SENIOR_ROLES = (Role.ADMIN,)  # who sits on the panel that settles a blind disagreement


@dataclass(frozen=True)
class ReviewOutcome:
    """A recorded review and what it did; the first verdict may be told now that the review is recorded."""

    review: ReviewView
    stage: str  # the stage the review was made in: blind, panel, decide or done
    first_verdict: str
    verdict: str  # the inspection's verdict after the review
    message: str

    @property
    def agreed(self) -> bool:
        return self.review.verdict == self.first_verdict


# Kept for callers of the former API: a blind review's outcome.
BlindOutcome = ReviewOutcome


@dataclass(frozen=True)
class ReviewTask:
    """What a reviewer opens: the inspection (blanked when blind), its stage, and who has it."""

    detail: InspectionDetail
    stage: str
    blind: bool  # the first verdict, outcomes and notes are hidden from this reviewer
    claimed_by: str | None
    reviewed_by_me: bool


class ReviewService:
    def __init__(self, ctx: ServiceContext, overturn_hooks: list[OverturnHook] | None = None,
                 pass_hooks: list[PassHook] | None = None) -> None:
        self.ctx = ctx
        self.overturn_hooks = overturn_hooks if overturn_hooks is not None else []
        self.pass_hooks = pass_hooks if pass_hooks is not None else []

    # --- reading -----------------------------------------------------------------------------

    def open(self, actor: Actor, inspection_id: int) -> ReviewTask:
        """The inspection as this reviewer may see it now."""
        with self.ctx.db.read() as session:
            actor = self.ctx.authorize(session, actor, Permission.REVIEW)
            row = session.get(Inspection, inspection_id)
            if row is None:
                raise NotFound(f"There is no inspection {inspection_id}.")
            detail = records.inspection_detail(session, self.ctx, row)
            reviews = review_stage.reviews_of(session, inspection_id)
            stage = self._stage(session, row, reviews) if row.status == "finished" else "open"
            blind = review_stage.hidden_from(stage, reviews, actor.user_id)
            claim = review_claims.live_claim(session, inspection_id, records.now())
            holder = None
            if claim is not None:
                user = session.get(User, claim.reviewer_id)
                holder = user.name if user is not None else "?"
        return ReviewTask(detail=review_stage.blind_detail(detail) if blind else detail, stage=stage,
                          blind=blind, claimed_by=holder,
                          reviewed_by_me=any(r.reviewer_id == actor.user_id for r in reviews))

    def for_review(self, actor: Actor, inspection_id: int, *, blind: bool = False) -> InspectionDetail:
        """The inspection; hidden as the rules require (`blind=True` hides it even when they do not)."""
        task = self.open(actor, inspection_id)
        if blind and not task.blind:
            return review_stage.blind_detail(task.detail)
        return task.detail

    def history(self, actor: Actor, inspection_id: int) -> list[ReviewView]:
        """Every review of the inspection; empty for a reviewer who must still record a blind verdict."""
        with self.ctx.db.read() as session:
            actor = self.ctx.authorize(session, actor, Permission.REVIEW)
            row = session.get(Inspection, inspection_id)
            if row is None:
                raise NotFound(f"There is no inspection {inspection_id}.")
            reviews = review_stage.reviews_of(session, inspection_id)
            if row.status == "finished" and review_stage.hidden_from(
                    self._stage(session, row, reviews), reviews, actor.user_id):
                return []
            return [records.review_view(session, r) for r in reviews]

    # --- recording ---------------------------------------------------------------------------

    def review(self, actor: Actor, inspection_id: int, verdict: Verdict | str, reason: str) -> ReviewOutcome:
        """Record this reviewer's verdict and reason; what it does depends on the stage (module doc)."""
        return self._record(actor, inspection_id, verdict, reason, confirm_only=False)

    def blind_review(self, actor: Actor, inspection_id: int, verdict: Verdict | str,
                     reason: str = "") -> ReviewOutcome:
        return self._record(actor, inspection_id, verdict, reason, confirm_only=False)

    def confirm(self, actor: Actor, inspection_id: int, reason: str = "",
                *, blind: bool = False) -> ReviewView:
        """Agree with a verdict the reviewer has seen (not for blind items, nor inconclusive ones)."""
        return self._record(actor, inspection_id, None, reason, confirm_only=True).review

    def overturn(self, actor: Actor, inspection_id: int, verdict: Verdict | str, reason: str,
                 *, blind: bool = False) -> ReviewView:
        """Record a different verdict. On a blind item this is the reviewer's blind verdict (a dispute
        when it differs, so the panel decides); elsewhere it changes the verdict at once."""
        return self._record(actor, inspection_id, verdict, reason, confirm_only=False,
                            must_differ=True).review

    def _stage(self, session: Session, row: Inspection, reviews: list[Review]) -> str:
        stage = review_stage.stage_of(row, reviews)
        if stage == BLIND and not blind_candidate(session, row.id):
            return DONE if reviews else "open"
        return stage

    def _record(self, actor: Actor, inspection_id: int, verdict: Verdict | str | None, reason: str,
                *, confirm_only: bool, must_differ: bool = False) -> ReviewOutcome:
        reason = reason.strip()
        with self.ctx.db.transaction() as session:
            actor = self.ctx.authorize(session, actor, Permission.REVIEW)
            # Row lock on PostgreSQL (SQLite's writers are serialised by BEGIN IMMEDIATE): two
            # supervisors' reviews of one inspection are decided one after the other.
            inspection = session.scalar(select(Inspection).where(Inspection.id == inspection_id)
                                        .with_for_update())
            if inspection is None:
                raise NotFound(f"There is no inspection {inspection_id}.")
            if inspection.status != "finished" or inspection.verdict is None:
                raise InvalidState(f"Inspection {inspection_id} is not finished yet.")
            # A second opinion must come from someone else: nobody reviews what they recorded.
            ownership.check_may_review(session, inspection, actor)
            reviews = review_stage.reviews_of(session, inspection_id)
            if any(r.reviewer_id == actor.user_id for r in reviews):
                raise InvalidState(f"You have reviewed inspection {inspection_id} already; "
                                   "another supervisor may review it.")
            review_claims.refuse_if_claimed_by_other(session, inspection_id, actor.user_id)
            stage = self._stage(session, inspection, reviews)
            first = inspection.verdict
            if stage in (BLIND, PANEL):
                if confirm_only:
                    # Neutral: says nothing about the first verdict.
                    raise BadInput("This inspection is reviewed blind: record your own verdict and a reason.")
                mine = _verdict(verdict)
            elif confirm_only:
                if stage == DECIDE:
                    raise BadInput("An inconclusive item must be decided: choose pass or fail.")
                mine = Verdict(first)
            else:
                mine = _verdict(verdict)
                if must_differ and mine.value == first:
                    raise BadInput(f"The verdict is {first} already; confirm it instead.")
            # Blind and deciding reviews always give one (the same message whatever the first verdict
            # was, so it cannot be probed); an open confirmation may go without.
            if not reason and (stage in (BLIND, PANEL, DECIDE) or mine.value != first):
                raise BadInput("A review needs a reason.")
            if stage == DECIDE and mine is Verdict.INCONCLUSIVE:
                raise BadInput("An inconclusive item must be decided: choose pass or fail.")
            if stage == PANEL and actor.role not in SENIOR_ROLES:
                raise PermissionDenied("This inspection waits for the senior panel: a senior reviewer "
                                       "(admin) records the deciding verdict.")
            decision, final, stated = self._decide(stage, first, mine, reviews)
            review = Review(inspection_id=inspection.id, authenticator_id=inspection.authenticator_id,
                            reviewer_id=actor.user_id, decision=decision,
                            verdict=mine.value, previous_verdict=first,
                            reason=f"{reason} {stated}".strip() if stated else reason,
                            blind=stage in (BLIND, PANEL), stage=PANEL if stage == PANEL else "review")
            session.add(review)
            session.flush()
            answered_second_opinion = inspection.second_opinion
            self._apply(session, inspection, first, final, review.reason, actor.user_id)
            inspection.escalated = decision == DISPUTE
            review_claims.drop_claim(session, inspection_id)
            append_event(session, action=f"review.{decision}", entity="inspection",
                         entity_id=inspection.id, actor_id=actor.user_id,
                         station=self.ctx.station_name,
                         data={"review": review.id, "stage": stage, "reviewer": actor.user_id,
                               "reviewer_verdict": mine.value, "from": first, "to": final,
                               "reason": review.reason, "blind": review.blind,
                               "second_opinion": answered_second_opinion})
            view = records.review_view(session, review)
        return ReviewOutcome(review=view, stage=stage, first_verdict=first, verdict=final,
                             message=_message(stage, decision, first, mine.value, final))

    @staticmethod
    def _decide(stage: str, first: str, mine: Verdict, reviews: list[Review]) -> tuple[str, str, str]:
        """(decision, verdict after, stated reason) for a review made at this stage."""
        if stage == BLIND:
            return ("confirm", first, "") if mine.value == first else (DISPUTE, first, "")
        if stage == PANEL:
            second = next(r.verdict for r in reviews if r.decision == DISPUTE)
            if mine.value == first:
                return "confirm", first, ""
            if mine.value == second:
                return "overturn", second, ""
            return ("overturn", Verdict.INCONCLUSIVE.value,
                    f"(No agreement: the authenticator said {first}, the reviewer {second}, "
                    f"the panel {mine.value}.)")
        return ("confirm", first, "") if mine.value == first else ("overturn", mine.value, "")

    def _apply(self, session: Session, inspection: Inspection, before: str, after: str, reason: str,
               actor_id: int) -> None:
        if after == before:
            return
        inspection.verdict = after
        # The day's analytics summary no longer holds: refill it (same transaction).
        analytics_summary.mark_changed(session, self.ctx.db.dialect, inspection.finished_at)
        if before == Verdict.PASS.value:
            for hook in self.overturn_hooks:
                hook(session, inspection.id, reason, actor_id)
        if after == Verdict.PASS.value:
            for pass_hook in self.pass_hooks:
                pass_hook(session, inspection, actor_id)


def refuse_while_blind(ctx: ServiceContext, session: Session, inspection: Inspection, actor: Actor) -> None:
    """For services that would hand out the first verdict (an evidence bundle): refused, in one neutral
    sentence, to anyone but its authenticator (or who took part) and those who reviewed it, while it
    waits for a blind review."""
    if review_stage.verdict_hidden(session, inspection, actor.user_id) and not ownership.took_part(
            session, inspection, actor.user_id):
        raise PermissionDenied(f"Inspection {inspection.id} waits for a blind review: record your verdict "
                               "first.")


def keep_first_verdict(session: Session, inspection_id: int, actor_id: int) -> None:
    """Finish hook: the authenticator's own verdict, kept apart from later corrections."""
    inspection = session.get(Inspection, inspection_id)
    if inspection is not None and inspection.first_verdict is None:
        inspection.first_verdict = inspection.verdict


def _verdict(verdict: Verdict | str | None) -> Verdict:
    if verdict is None or not str(verdict).strip():
        raise BadInput("Choose a verdict: pass, fail or inconclusive.")
    try:
        return Verdict(str(verdict).strip().lower())
    except ValueError as exc:
        raise BadInput(f"Unknown verdict {verdict!r}; use pass, fail or inconclusive.") from exc


def _message(stage: str, decision: str, first: str, mine: str, final: str) -> str:
    if stage == BLIND:
        if decision == DISPUTE:
            return (f"Recorded. The first verdict was {first}, yours is {mine}: a senior reviewer "
                    "will decide.")
        return f"Recorded. The first verdict was {first}: you agreed."
    if stage == PANEL:
        if final == Verdict.INCONCLUSIVE.value and mine != final:
            return "Recorded. No two verdicts agree: the item is inconclusive."
        return f"Recorded. The verdict is {final}."
    if final != first:
        return f"Recorded. The verdict is now {final} (was {first})."
    return f"Recorded. The verdict {final} is confirmed."
