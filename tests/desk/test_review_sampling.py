"""The queue's random sample, through the service: follows the rate, favours risk, never reshuffles."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select, update

from inspector.security.roles import Actor, Role
from inspector.services.context import ServiceContext
from inspector.services.review_queue import HIGH_VALUE, LOW_SCORE, QueueFilter, review_queue
from inspector.services.review_sample import fill_unchosen
from inspector.services.station import StationServices
from inspector.storage.models import Inspection, Item, User
from tests.desk.conftest import Finisher

PER_GROUP = 1000
RISKY_BRAND = "Riskbrand"
FIRST_DAY = datetime(2026, 1, 5, tzinfo=UTC)
# Each group of plain passes finishes on its own day, so a date filter reads one group back.
GROUPS = ("plain", "risky brand", "high value", "new authenticator", "low score", "every risk")


@dataclasses.dataclass(frozen=True)
class Population:
    services: StationServices
    supervisor: Actor
    days: dict[str, datetime]


@pytest.fixture
def population(services: StationServices, people: dict[str, Actor], finished: Finisher) -> Population:
    """PER_GROUP finished passes per group in GROUPS, written straight into the tables (quick)."""
    template_id = finished("SAMPLE-TEMPLATE")
    admin = people["admin"]
    services.users.create_user(admin, "Newbie", "5678", Role.AUTHENTICATOR, "B-7")
    long_ago = datetime.now(UTC) - timedelta(days=400)
    with services.ctx.db.transaction() as session:
        template = session.get(Inspection, template_id)
        assert template is not None
        # Everyone but Newbie has worked here for more than a year.
        session.execute(update(User).where(User.name != "Newbie").values(created_at=long_ago))
        newbie = session.scalar(select(User.id).where(User.name == "Newbie"))
        cheap, dear = (session.scalar(insert(Item).values(code=code, declared_value=value)
                                      .returning(Item.id))
                       for code, value in (("CHEAP", HIGH_VALUE / 5), ("DEAR", HIGH_VALUE * 4)))
        days = {group: FIRST_DAY + timedelta(days=2 * n) for n, group in enumerate(GROUPS)}
        rows = []
        for group, day in days.items():
            risky = set(GROUPS) if group == "every risk" else {group}
            for n in range(PER_GROUP):
                finished_at = day + timedelta(seconds=30 * n)
                high = "high value" in risky
                rows.append({
                    # The inspection keeps the item's value as it was when it started (migration 0006).
                    "item_id": dear if high else cheap, "declared_value": HIGH_VALUE * (4 if high else 0.2),
                    "checklist_id": template.checklist_id, "checklist_version": template.checklist_version,
                    "checklist_hash": template.checklist_hash, "station_id": template.station_id,
                    "brand": RISKY_BRAND if "risky brand" in risky else template.brand,
                    "authenticator_id": newbie if "new authenticator" in risky else template.authenticator_id,
                    "min_score": LOW_SCORE / 2 if "low score" in risky else 0.95,
                    "status": "finished", "verdict": "pass", "started_at": finished_at - timedelta(minutes=5),
                    "finished_at": finished_at})
        session.execute(insert(Inspection), rows)
    return Population(services, people["morgan"], days)


def _context(population: Population, rate: float) -> ServiceContext:
    ctx = population.services.ctx
    settings = ctx.settings.with_changes(review_sample_rate=rate,
                                         extra={**ctx.settings.extra, "review_risk_brands": RISKY_BRAND})
    return dataclasses.replace(ctx, settings=settings)


def _sampled(population: Population, rate: float, group: str) -> dict[int, int]:
    """Inspection id -> risk of the group's sampled inspections, the sample chosen again at this rate
    (the rule an upgraded database's earlier inspections are filled with; finishing uses the same)."""
    day = population.days[group]
    ctx = _context(population, rate)
    with ctx.db.transaction() as session:
        session.execute(update(Inspection).values(review_sampled=None))
    fill_unchosen(ctx, batch=700)  # several ranges of ids, as a large history is filled
    entries = review_queue(ctx, population.supervisor,
                           QueueFilter(since=day, until=day + timedelta(days=1), limit=5000))
    assert all(e.reasons == ("sample",) for e in entries)
    return {e.inspection_id: e.risk for e in entries}


def test_the_sampled_share_follows_the_rate_setting(population: Population) -> None:
    assert _sampled(population, 0.0, "plain") == {}
    assert len(_sampled(population, 1.0, "plain")) == PER_GROUP
    for rate in (0.05, 0.1, 0.2):
        share = len(_sampled(population, rate, "plain")) / PER_GROUP
        assert rate * 0.75 <= share <= rate * 1.25, (rate, share)


def test_riskier_inspections_are_sampled_clearly_more_often(population: Population) -> None:
    rate = 0.1
    plain = _sampled(population, rate, "plain")
    assert set(plain.values()) == {0}
    for group in ("risky brand", "high value", "new authenticator", "low score"):
        sampled = _sampled(population, rate, group)
        assert set(sampled.values()) == {1}, group  # the queue names one risk for each
        assert len(sampled) >= 1.6 * len(plain), (group, len(sampled), len(plain))
    every = _sampled(population, rate, "every risk")
    assert set(every.values()) == {4}
    assert len(every) >= 3.5 * len(plain), (len(every), len(plain))


def test_the_sample_is_stable(population: Population, finished: Finisher) -> None:
    first = _sampled(population, 0.1, "plain")
    assert _sampled(population, 0.1, "plain") == first  # a refresh does not reshuffle
    # More work arriving changes nobody's answer, and a higher rate only adds inspections.
    for n in range(3):
        finished(f"SAMPLE-LATER-{n}")
    assert _sampled(population, 0.1, "plain") == first
    assert set(first) < set(_sampled(population, 0.2, "plain"))
