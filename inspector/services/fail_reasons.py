"""The reasons that decided a verdict beyond the failed steps: supervisors' reviews and appeals.

The seller's fail report names every one of them; people are not named (the report leaves the
centre), only what was decided, when and why.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector.services.records import as_utc
from inspector.storage.models import Appeal, Review


def deciding_reasons(session: Session, inspection_id: int) -> tuple[str, ...]:
    """One sentence per review that decided (not a dispute waiting for the panel) and per decided appeal."""
    lines: list[str] = []
    for review in session.scalars(select(Review).where(Review.inspection_id == inspection_id,
                                                       Review.decision != "dispute").order_by(Review.id)):
        when = as_utc(review.created_at)
        who = "Senior panel" if review.stage == "panel" else "Supervisor review"
        if review.decision == "overturn":
            what = f"changed the verdict from {review.previous_verdict} to {review.verdict}"
        else:
            what = f"confirmed the verdict {review.verdict}"
        day = f", {when:%Y-%m-%d}" if when else ""
        lines.append(f"{who}{day}: {what}. Reason: {review.reason or 'not given'}")
    for appeal in session.scalars(select(Appeal).where(Appeal.inspection_id == inspection_id,
                                                       Appeal.status != "open").order_by(Appeal.id)):
        when = as_utc(appeal.decided_at)
        day = f", {when:%Y-%m-%d}" if when else ""
        lines.append(f"Appeal {appeal.status}{day}. Reason: {appeal.decision_reason or 'not given'}")
    return tuple(lines)
