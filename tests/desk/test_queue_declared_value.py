"""The queue weighs and sorts by the declared value an inspection started with, not the item's value now."""

from __future__ import annotations

from sqlalchemy import update

from inspector.security.roles import Actor
from inspector.services.review_queue import QueueFilter, review_queue
from inspector.services.station import StationServices
from inspector.storage.models import Item
from tests.desk.conftest import Finisher


def _started_at_value(services: StationServices, who: Actor, code: str, value: float) -> None:
    services.inspections.start_or_resume(who, code, style_code="TR1000-001", declared_value=value)


def _sample_everything(services: StationServices) -> None:
    # Every pass finished from now on is sampled, so the queue holds them all.
    services.ctx.settings = services.ctx.settings.with_changes(review_sample_rate=1.0)


def test_the_value_at_inspection_time_is_the_risk_taken(
        services: StationServices, people: dict[str, Actor], finished: Finisher) -> None:
    alex = people["alex"]
    _sample_everything(services)
    _started_at_value(services, alex, "V-DEAR", 900.0)
    dear_then = finished("V-DEAR")  # resumes the inspection started above
    _started_at_value(services, alex, "V-MID", 300.0)
    middle = finished("V-MID")
    # The item's value is corrected later: the inspection already done keeps what was at stake then;
    # the next inspection of the item starts with the new value.
    with services.ctx.db.transaction() as session:
        session.execute(update(Item).where(Item.code == "V-DEAR").values(declared_value=50.0))
    cheap_now = finished("V-DEAR")
    ctx = services.ctx
    morgan = people["morgan"]
    riskiest_first = review_queue(ctx, morgan, QueueFilter(sort="declared_value"))
    assert [(e.inspection_id, e.declared_value) for e in riskiest_first] == [
        (dear_then, 900.0), (middle, 300.0), (cheap_now, 50.0)]
    lowest_first = review_queue(ctx, morgan, QueueFilter(sort="declared_value", descending=False))
    assert [e.inspection_id for e in lowest_first] == [cheap_now, middle, dear_then]
    risk = {e.inspection_id: e.risk for e in riskiest_first}
    assert risk[dear_then] == risk[cheap_now] + 1  # only the 900 counts as high value (>= 500)


def test_inspections_without_a_value_or_score_come_last_in_either_order(
        services: StationServices, people: dict[str, Actor], finished: Finisher) -> None:
    """The same on SQLite (NULL lowest) and PostgreSQL (NULL highest): known values first."""
    alex = people["alex"]
    _sample_everything(services)
    _started_at_value(services, alex, "N-DEAR", 900.0)
    dear = finished("N-DEAR")
    unknown = finished("N-NONE")  # started with no declared value
    _started_at_value(services, alex, "N-CHEAP", 40.0)
    cheap = finished("N-CHEAP")
    ctx = services.ctx
    morgan = people["morgan"]
    highest = review_queue(ctx, morgan, QueueFilter(sort="declared_value"))
    assert [e.inspection_id for e in highest] == [dear, cheap, unknown]
    lowest = review_queue(ctx, morgan, QueueFilter(sort="declared_value", descending=False))
    assert [e.inspection_id for e in lowest] == [cheap, dear, unknown]
    first_two = review_queue(ctx, morgan, QueueFilter(sort="declared_value", limit=2))
    assert [e.inspection_id for e in first_two] == [dear, cheap]
    by_score = review_queue(ctx, morgan, QueueFilter(sort="min_score", descending=False))
    scores = [e.min_score for e in by_score]
    known = [score for score in scores if score is not None]
    assert scores == known + [None] * (len(scores) - len(known))
