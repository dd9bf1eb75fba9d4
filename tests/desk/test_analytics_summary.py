"""The daily analytics summary answers exactly what reading every inspection live answers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select, update

from inspector.security.roles import Actor
from inspector.services import analytics as analytics_service
from inspector.services.station import StationServices
from inspector.storage.models import DeskDailyTotal, DeskSummaryDay, Inspection, Review
from tests.desk.conftest import ONE_FAIL, UNSURE, Finisher

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


def _backdate(services: StationServices, inspection_id: int, finished_at: datetime, minutes: float) -> None:
    with services.ctx.db.transaction() as session:
        session.execute(update(Inspection).where(Inspection.id == inspection_id).values(
            started_at=finished_at - timedelta(minutes=minutes), finished_at=finished_at))


def _both(services: StationServices, actor: Actor, group: str, since: datetime | None,
          until: datetime | None, now: datetime = NOW) -> list[analytics_service.AnalyticsRow]:
    summarised = analytics_service.analytics(services.ctx, actor, group, since, until, now=now)
    live = analytics_service.analytics(services.ctx, actor, group, since, until, use_summary=False)
    assert summarised == live
    return summarised


def _clean_days(services: StationServices) -> dict[date, bool]:
    with services.ctx.db.read() as session:
        return {d.day: d.clean for d in session.scalars(select(DeskSummaryDay))}


def test_summary_equals_live_reading_after_finishes_and_overturns(
        services: StationServices, people: dict[str, Actor], finished: Finisher) -> None:
    morgan = people["morgan"]
    plan = [("S-1", {}, datetime(2026, 3, 6, 9, 10, tzinfo=UTC), 7.0),
            ("S-2", ONE_FAIL, datetime(2026, 3, 7, 9, 40, tzinfo=UTC), 4.5),
            ("S-3", {}, datetime(2026, 3, 7, 10, 5, tzinfo=UTC), 12.25),
            ("S-4", UNSURE, datetime(2026, 3, 7, 23, 59, 59, tzinfo=UTC), 3.0),
            ("S-5", {}, datetime(2026, 3, 8, 0, 0, 1, tzinfo=UTC), 9.0),
            ("S-6", {}, datetime(2026, 3, 9, 14, 30, tzinfo=UTC), 6.0),
            ("S-7", {}, datetime(2026, 3, 10, 8, 0, tzinfo=UTC), 5.0)]  # "today": read live
    ids: dict[str, int] = {}
    for code, outcomes, finished_at, minutes in plan:
        ids[code] = finished(code, outcomes) if outcomes else finished(code)
        _backdate(services, ids[code], finished_at, minutes)
    periods = [(None, None), (datetime(2026, 3, 6, 12, 0, tzinfo=UTC), None),
               (datetime(2026, 3, 7, tzinfo=UTC), datetime(2026, 3, 9, tzinfo=UTC)),
               (datetime(2026, 3, 7, 9, 30, tzinfo=UTC), datetime(2026, 3, 10, 9, 0, tzinfo=UTC))]
    for group in analytics_service.GROUPS:
        for since, until in periods:
            _both(services, morgan, group, since, until)
    [alex] = _both(services, morgan, "authenticator", None, None)
    assert alex.inspections == 7
    assert (alex.fail_rate, alex.inconclusive_rate) == (round(1 / 7, 4), round(1 / 7, 4))
    # Days up to the 8th are closed at NOW - 1 h (the 9th too); the 10th is today and stays live.
    assert _clean_days(services) == {date(2026, 3, d): True for d in range(6, 10)}

    # An overturn marks its day dirty in the same transaction; the next reading refills it.
    services.reviews.overturn(morgan, ids["S-3"], "fail", "wrong stitching")
    assert _clean_days(services)[date(2026, 3, 7)] is False
    [alex] = _both(services, morgan, "authenticator", None, None)
    assert alex.fail_rate == round(2 / 7, 4)
    assert _clean_days(services)[date(2026, 3, 7)] is True
    services.reviews.overturn(morgan, ids["S-7"], "inconclusive", "today's item, still live")
    services.reviews.blind_review(morgan, ids["S-1"], "fail", "second look disagrees")
    finished("S-8")  # finished now, i.e. after NOW: inside an open-ended period, read live
    for group in analytics_service.GROUPS:
        for since, until in periods:
            _both(services, morgan, group, since, until)
    # A later "now" closes more days; filling them keeps the answer.
    _both(services, morgan, "station", None, None, now=NOW + timedelta(days=3))


def test_closed_days_are_read_from_the_summary(
        services: StationServices, people: dict[str, Actor], finished: Finisher) -> None:
    morgan = people["morgan"]
    inspection_id = finished("T-1")
    _backdate(services, inspection_id, datetime(2026, 3, 2, 11, 0, tzinfo=UTC), 10.0)
    [before] = analytics_service.analytics(services.ctx, morgan, "brand", now=NOW)
    assert before.inspections == 1 and before.pass_rate == 1.0
    # Changing the summary row changes the answer: the closed day really comes from the summary.
    with services.ctx.db.transaction() as session:
        session.execute(update(DeskDailyTotal).values(inspections=2, passes=2, fails=0))
    [after] = analytics_service.analytics(services.ctx, morgan, "brand", now=NOW)
    assert after.inspections == 2
    [live] = analytics_service.analytics(services.ctx, morgan, "brand", use_summary=False)
    assert live == before
    # A period from long before the first inspection summarises no empty years.
    analytics_service.analytics(services.ctx, morgan, "brand", datetime(2000, 1, 1, tzinfo=UTC), now=NOW)
    assert min(_clean_days(services)) == date(2026, 3, 2)


def test_reviews_of_closed_days_come_from_the_summary_and_agree(
        services: StationServices, people: dict[str, Actor], finished: Finisher) -> None:
    morgan = people["morgan"]
    overturned, confirmed = finished("R-1"), finished("R-2", ONE_FAIL, second_opinion=True)
    services.reviews.overturn(morgan, overturned, "fail", "wrong font")
    services.reviews.blind_review(morgan, confirmed, "fail", "the logo is wrong")
    _backdate(services, overturned, datetime(2026, 3, 2, 9, 0, tzinfo=UTC), 5.0)
    _backdate(services, confirmed, datetime(2026, 3, 2, 10, 0, tzinfo=UTC), 6.0)
    with services.ctx.db.transaction() as session:  # reviews recorded on two later, closed days
        for inspection_id, at in ((overturned, datetime(2026, 3, 3, 10, 0, tzinfo=UTC)),
                                  (confirmed, datetime(2026, 3, 4, 23, 30, tzinfo=UTC))):
            session.execute(update(Review).where(Review.inspection_id == inspection_id).values(created_at=at))
    periods = [(None, None), (datetime(2026, 3, 3, 12, 0, tzinfo=UTC), None),
               (datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 4, tzinfo=UTC))]
    for group in analytics_service.GROUPS:
        for since, until in periods:
            _both(services, morgan, group, since, until)
    [alex] = _both(services, morgan, "authenticator", None, None)
    assert (alex.reviews, alex.overturn_rate, alex.blind_reviews, alex.agreement_rate) == (2, 0.5, 1, 1.0)
    [first_days] = _both(services, morgan, "brand", *periods[2])
    assert (first_days.reviews, first_days.overturn_rate, first_days.blind_reviews) == (1, 1.0, 0)
    with services.ctx.db.read() as session:
        summarised = session.scalar(select(func.sum(DeskDailyTotal.reviews))
                                    .where(DeskDailyTotal.group_kind == "brand"))
    assert summarised == 2  # both reviews' days are closed: counted in the summary, not live


def test_db_upgrade_fills_the_closed_days_so_no_supervisor_waits(
        services: StationServices, people: dict[str, Actor], finished: Finisher, capsys) -> None:
    from inspector.cli.main import main

    morgan = people["morgan"]
    for code, day in (("U-1", 2), ("U-2", 3)):
        _backdate(services, finished(code), datetime(2026, 3, day, 10, 0, tzinfo=UTC), 6.0)
    finished("U-3")  # today: never summarised
    assert _clean_days(services) == {}
    assert main(["db", "upgrade"]) == 0
    out = capsys.readouterr().out
    days = _clean_days(services)
    # Every day from the first finish up to the last closed one, each summarised and clean.
    assert min(days) == date(2026, 3, 2) and all(days.values()) and f"{len(days)} days filled" in out
    assert max(days) < datetime.now(UTC).date()
    assert main(["db", "upgrade"]) == 0
    assert "desk summary" not in capsys.readouterr().out  # nothing left to fill
    _both(services, morgan, "brand", None, None, now=datetime.now(UTC))
