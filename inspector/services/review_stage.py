"""Where an inspection stands in review, and what a reviewer may see before recording their verdict.

The rules (the LegitApp panel rule, issue 16):

- a pass or fail nobody has reviewed yet is reviewed *blind*: the reviewer sees the photos, the
  comparisons and the recorded values, never the first verdict, the step outcomes or the notes;
- a blind verdict that differs from the first one is a *dispute*: a third, senior reviewer (the
  *panel*) records a verdict, blind too; two agreeing verdicts decide, else the item is inconclusive;
- an inconclusive item is reviewed openly and the review must decide pass or fail;
- once decided (*done*), later reviews by other supervisors are open confirmations or overturns.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector.domain.verdict import Verdict
from inspector.services.views import InspectionDetail, StepResultView
from inspector.storage.models import Inspection, Review

BLIND = "blind"  # waiting for its blind second review
PANEL = "panel"  # the blind review disagreed: waiting for a senior reviewer
DECIDE = "decide"  # inconclusive: the review must decide pass or fail
DONE = "done"  # decided by a review
HIDDEN_STAGES = (BLIND, PANEL)
DISPUTE = "dispute"  # the decision of a blind review that differed from the first verdict


def stage_of(inspection: Inspection, reviews: list[Review]) -> str:
    """The inspection's review stage from its (finished) verdict and its reviews, oldest first."""
    if any(r.decision != DISPUTE for r in reviews):
        return DONE
    if any(r.decision == DISPUTE for r in reviews):
        return PANEL
    if inspection.verdict == Verdict.INCONCLUSIVE.value:
        return DECIDE
    return BLIND


def reviews_of(session: Session, inspection_id: int) -> list[Review]:
    return list(session.scalars(select(Review).where(Review.inspection_id == inspection_id)
                                .order_by(Review.id)))


def hidden_from(stage: str, reviews: list[Review], user_id: int) -> bool:
    """Whether this user must not see the first verdict yet: blind stages, until they recorded theirs."""
    return stage in HIDDEN_STAGES and not any(r.reviewer_id == user_id for r in reviews)


def _blank(result: StepResultView) -> StepResultView:
    # The value read off a label is evidence; the outcome, the reason, the note and the value's
    # problems ("does not match the box") are the authenticator's judgement.
    return replace(result, outcome="", fail_reason=None, note="", value_problems=())


def blind_detail(detail: InspectionDetail) -> InspectionDetail:
    """The inspection without any trace of the first verdict: verdict, summary, outcomes, notes, reviews."""
    inspection = replace(detail.inspection, verdict=None, fail_reason=None, summary="")
    results = {step: _blank(result) for step, result in detail.results.items()}
    return replace(detail, inspection=inspection, results=results, reviews=(), certificates=(),
                   proposal=None, history=())
