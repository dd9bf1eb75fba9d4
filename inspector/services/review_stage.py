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
from inspector.services.views import InspectionDetail, InspectionView, StepResultView
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


def verdict_hidden(session: Session, inspection: Inspection, viewer: int | None) -> bool:
    """Whether the viewer must not learn this inspection's verdict, outcomes or notes yet: it waits for
    a blind review (or the panel after one), and the viewer is neither its authenticator nor someone
    who recorded a review of it. `viewer=None` (nobody in particular) is never told."""
    if inspection.status != "finished" or inspection.verdict not in (Verdict.PASS.value, Verdict.FAIL.value):
        return False
    if not (inspection.second_opinion or inspection.review_sampled):
        return False
    if viewer is not None and inspection.authenticator_id == viewer:
        return False
    reviews = reviews_of(session, inspection.id)
    if viewer is None:
        return stage_of(inspection, reviews) in HIDDEN_STAGES
    return hidden_from(stage_of(inspection, reviews), reviews, viewer)


# (id, status, verdict, second_opinion, review_sampled, authenticator_id) of an inspection in a list.
ListedInspection = tuple[int, str, "str | None", bool, "bool | None", int]


def hidden_among(session: Session, rows: list[ListedInspection], viewer: int | None) -> set[int]:
    """The ids whose verdict the viewer must not know yet (`verdict_hidden` for a page of rows, with
    one read of their reviews: an EXISTS per row in the list's SELECT made PostgreSQL hash every
    review of the deployment for each page)."""
    candidates = {iid for iid, status, verdict, second, sampled, who in rows
                  if status == "finished" and verdict in (Verdict.PASS.value, Verdict.FAIL.value)
                  and (second or sampled) and (viewer is None or who != viewer)}
    if not candidates:
        return set()
    told = {iid for iid, reviewer, decision in session.execute(
        select(Review.inspection_id, Review.reviewer_id, Review.decision)
        .where(Review.inspection_id.in_(sorted(candidates))))
        if decision != DISPUTE or (viewer is not None and reviewer == viewer)}
    return candidates - told


def blind_view(view: InspectionView) -> InspectionView:
    """The inspection's header without its verdict or the reasons for it."""
    return replace(view, verdict=None, fail_reason=None, summary="")


def _blank(result: StepResultView) -> StepResultView:
    # The value read off a label is evidence; the outcome, the reason, the note and the value's
    # problems ("does not match the box") are the authenticator's judgement.
    return replace(result, outcome="", fail_reason=None, note="", value_problems=())


def blind_detail(detail: InspectionDetail) -> InspectionDetail:
    """The inspection without any trace of the first verdict: verdict, summary, outcomes, notes, reviews."""
    inspection = blind_view(detail.inspection)
    results = {step: _blank(result) for step, result in detail.results.items()}
    return replace(detail, inspection=inspection, results=results, reviews=(), certificates=(),
                   proposal=None, history=())
