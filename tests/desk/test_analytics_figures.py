"""Desk analytics give the exact figures of a small hand-made set, per authenticator, brand and station.

Seven inspections by two authenticators at two stations on two brands, with known durations and
finish hours, four reviews (an overturn, a confirmation, a blind agreement, a blind disagreement) and
three calibration items. Every figure below was worked out by hand from the table in `work`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select

from inspector.security.roles import Actor, Role
from inspector.services import analytics as analytics_service
from inspector.services.analytics import AnalyticsRow
from inspector.services.station import StationServices
from inspector.storage.models import ChecklistSnapshot, Inspection, Item, Review, Station, User

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)  # every day below is closed: read from the summary


def at(day: int, hour: int, minute: int) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


# code: (authenticator, station, brand, verdict now, finished at, minutes taken, calibration answer)
INSPECTIONS = {
    "A1": ("Alex", "Bench A", "Nike", "fail", at(2, 9, 10), 10, None),  # overturned from pass
    "A2": ("Alex", "Bench A", "Nike", "fail", at(2, 9, 40), 20, None),
    "A3": ("Alex", "Bench B", "Gucci", "inconclusive", at(2, 10, 15), 15, None),
    "A4": ("Alex", "Bench A", "Gucci", "pass", at(3, 14, 5), 5, "pass"),  # right
    "B1": ("Blake", "Bench B", "Nike", "pass", at(2, 9, 20), 8, "fail"),  # wrong
    "B2": ("Blake", "Bench B", "Nike", "fail", at(2, 9, 50), 12, None),  # overturned blind from pass
    "B3": ("Blake", "Bench B", "Gucci", "fail", at(3, 11, 30), 25, "fail"),  # right
}
# code: (decision, verdict, previous verdict, blind, recorded at): all recorded on later days
REVIEWS = {
    "A1": ("overturn", "fail", "pass", False, at(4, 10, 0)),
    "A2": ("confirm", "fail", "fail", True, at(4, 11, 0)),  # blind, agrees
    "B2": ("overturn", "fail", "pass", True, at(5, 9, 0)),  # blind, disagrees
    "B3": ("confirm", "fail", "fail", False, at(5, 9, 30)),
}


def row(group: str, name: str, inspections: int, per_hour: float, minutes: float,
        rates: tuple[float, float, float], reviews: int, overturn: float, blind: int,
        agreement: float | None, calibration: int, accuracy: float | None) -> AnalyticsRow:
    return AnalyticsRow(group, name, inspections, per_hour, minutes, *rates, reviews, overturn, blind,
                        agreement, calibration, accuracy)


# Alex: 4 inspections finished in 3 distinct hours (2nd 09h, 2nd 10h, 3rd 14h); 50 minutes in all.
# Blake: 3 in 2 hours (2nd 09h, 3rd 11h); 45 minutes. Nike: 4, all in the 2nd's 09h. And so on.
EXPECTED = {
    "authenticator": [
        row("authenticator", "Alex", 4, 1.33, 12.5, (0.25, 0.5, 0.25), 2, 0.5, 1, 1.0, 1, 1.0),
        row("authenticator", "Blake", 3, 1.5, 15.0, (0.3333, 0.6667, 0.0), 2, 0.5, 1, 0.0, 2, 0.5),
    ],
    "brand": [
        row("brand", "Nike", 4, 4.0, 12.5, (0.25, 0.75, 0.0), 3, 0.6667, 2, 0.5, 1, 0.0),
        row("brand", "Gucci", 3, 1.0, 15.0, (0.3333, 0.3333, 0.3333), 1, 0.0, 0, None, 2, 1.0),
    ],
    "station": [
        row("station", "Bench B", 4, 1.33, 15.0, (0.25, 0.5, 0.25), 2, 0.5, 1, 0.0, 2, 0.5),
        row("station", "Bench A", 3, 1.5, 11.67, (0.3333, 0.6667, 0.0), 2, 0.5, 1, 1.0, 1, 1.0),
    ],
}
# From the 2nd at 09:30 to the 3rd at noon: partial days (read live) around none whole; no review
# was recorded in it. Alex: A2, A3 (2 hours, 35 minutes); Blake: B2, B3 (2 hours, 37 minutes).
PART = (at(2, 9, 30), at(3, 12, 0))
EXPECTED_PART = [
    row("authenticator", "Alex", 2, 1.0, 17.5, (0.0, 0.5, 0.5), 0, 0.0, 0, None, 0, None),
    row("authenticator", "Blake", 2, 1.0, 18.5, (0.0, 1.0, 0.0), 0, 0.0, 0, None, 1, 1.0),
]


@pytest.fixture
def work(services: StationServices, people: dict[str, Actor]) -> Actor:
    """The hand-made set, written straight into the tables; returns the supervisor."""
    services.users.create_user(people["admin"], "Blake", "2468", Role.AUTHENTICATOR, "B-4")
    with services.ctx.db.transaction() as session:
        users = {name: session.scalars(select(User.id).where(User.name == name)).one()
                 for name in ("Alex", "Blake")}
        stations = {name: session.scalar(insert(Station).values(name=name).returning(Station.id))
                    for name in ("Bench A", "Bench B")}
        session.add(ChecklistSnapshot(content_hash="f" * 64, checklist_id="hand", version=1, source_text=""))
        reviewer = people["morgan"].user_id
        for code, (who, bench, brand, verdict, finished_at, minutes, answer) in INSPECTIONS.items():
            item_id = session.scalar(insert(Item).values(code=code, declared_value=100.0,
                                                         calibration_verdict=answer).returning(Item.id))
            inspection_id = session.scalar(insert(Inspection).values(
                item_id=item_id, checklist_id="hand", checklist_version=1, checklist_hash="f" * 64,
                brand=brand, authenticator_id=users[who], station_id=stations[bench], status="finished",
                verdict=verdict, first_verdict=REVIEWS[code][2] if code in REVIEWS else verdict,
                declared_value=100.0, started_at=finished_at - timedelta(minutes=minutes),
                finished_at=finished_at).returning(Inspection.id))
            if code in REVIEWS:
                decision, new, previous, blind, recorded = REVIEWS[code]
                session.execute(insert(Review).values(
                    inspection_id=inspection_id, reviewer_id=reviewer, decision=decision, verdict=new,
                    previous_verdict=previous, reason="hand-made", blind=blind, created_at=recorded))
    return people["morgan"]


@pytest.mark.parametrize("group", analytics_service.GROUPS)
def test_analytics_figures_are_exact(services: StationServices, work: Actor, group: str) -> None:
    live = analytics_service.analytics(services.ctx, work, group, use_summary=False)
    assert live == EXPECTED[group]
    # The same from the daily summary (closed days), filled on this first look and read again.
    for _ in range(2):
        assert analytics_service.analytics(services.ctx, work, group, now=NOW) == EXPECTED[group]
    week = (at(1, 0, 0), at(8, 0, 0))
    assert analytics_service.analytics(services.ctx, work, group, *week, now=NOW) == EXPECTED[group]


def test_a_part_of_the_period_counts_only_its_inspections_and_reviews(
        services: StationServices, work: Actor) -> None:
    for use_summary in (True, False):
        assert analytics_service.analytics(services.ctx, work, "authenticator", *PART, now=NOW,
                                           use_summary=use_summary) == EXPECTED_PART
    # Reviews count by the day they were recorded: the 4th holds A1's overturn and A2's blind review.
    [alex] = analytics_service.analytics(services.ctx, work, "authenticator", at(3, 12, 0), at(5, 0, 0),
                                         now=NOW)
    assert (alex.inspections, alex.reviews, alex.overturn_rate, alex.agreement_rate) == (1, 2, 0.5, 1.0)
