"""Desk analytics per authenticator, brand or station over a period; CSV export."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, distinct, func, literal_column, select, true
from sqlalchemy.sql import Select

from inspector.errors import BadInput
from inspector.security.roles import Actor, Permission
from inspector.services import analytics_summary as summary
from inspector.services import calibration
from inspector.services.context import ServiceContext
from inspector.services.rates import Rate
from inspector.storage.database import Database
from inspector.storage.models import DeskDailyTotal, Inspection, Item, Review, Station, User

GROUPS = ("authenticator", "brand", "station")


@dataclass(frozen=True)
class AnalyticsRow:
    group: str
    name: str
    inspections: int
    items_per_hour: float
    minutes_per_inspection: float
    pass_rate: float
    fail_rate: float
    inconclusive_rate: float
    reviews: int
    overturn_rate: float
    blind_reviews: int
    agreement_rate: float | None
    calibration_items: int
    calibration_accuracy: float | None
    # The counts behind the rates, for their sample sizes and 95% intervals (`rates()`).
    # (Left out of ==: the rates above already say the same for rows compared in tests.)
    passes: int = field(default=0, compare=False)
    fails: int = field(default=0, compare=False)
    inconclusive: int = field(default=0, compare=False)
    overturns: int = field(default=0, compare=False)
    blind_agreed: int = field(default=0, compare=False)
    calibration_right: int = field(default=0, compare=False)

    def rates(self) -> dict[str, Rate]:
        """Every rate of the row with its n: pass/fail/inconclusive of inspections, overturns of
        reviews, agreement of blind reviews, accuracy of calibration items."""
        return {"pass_rate": Rate(self.passes, self.inspections),
                "fail_rate": Rate(self.fails, self.inspections),
                "inconclusive_rate": Rate(self.inconclusive, self.inspections),
                "overturn_rate": Rate(self.overturns, self.reviews),
                "agreement_rate": Rate(self.blind_agreed, self.blind_reviews),
                "calibration_accuracy": Rate(self.calibration_right, self.calibration_items)}

# A SELECT of any columns (SQLAlchemy 2.1 types a Select by its column types).
Rows = Select[*tuple[Any, ...]]


def _key(group: str) -> Any:
    if group not in GROUPS:
        raise BadInput(f"Cannot group by {group!r}; use authenticator, brand or station.")
    return {"authenticator": Inspection.authenticator_id, "brand": Inspection.brand,
            "station": Inspection.station_id}[group]


def _period(since: datetime | None, until: datetime | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [Inspection.status == "finished"]
    if since:
        conditions.append(Inspection.finished_at >= since)
    if until:
        conditions.append(Inspection.finished_at < until)
    return conditions


def _seconds_and_hour(dialect: str) -> tuple[Any, Any]:
    seconds: Any
    hour: Any
    if dialect == "postgresql":
        seconds = func.extract("epoch", Inspection.finished_at - Inspection.started_at)
        # UTC hours, so that an hour never straddles the UTC days the summary is kept by.
        hour = func.date_trunc("hour", func.timezone("UTC", Inspection.finished_at))
    else:
        seconds = (func.julianday(Inspection.finished_at) - func.julianday(Inspection.started_at)) * 86400.0
        # SQLite stores 'YYYY-MM-DD HH:MM:SS.ffffff': the first 13 characters are the hour, and
        # substr costs far less than strftime on a month of rows.
        hour = func.substr(Inspection.finished_at, 1, 13)
    return seconds, hour


def _day(dialect: str, moment: Any = Inspection.finished_at) -> Any:
    """The UTC day of a timestamp column, as the summary keys it."""
    if dialect == "postgresql":
        return func.date(func.timezone("UTC", moment))
    return func.substr(moment, 1, 10)


def _group_column(dialect: str, group: str) -> Any:
    key = _key(group)
    if dialect == "sqlite":
        # SQLite's planner would walk the (key, finished_at) index to skip the GROUP BY sort and then
        # read every row from the table; grouping by `+key` (same value, not the indexed expression)
        # lets it answer from the covering index of migration 0002, several times faster.
        return literal_column(f"+inspections.{key.key}")
    return key


def _totals_columns(dialect: str) -> list[Any]:
    seconds, hour = _seconds_and_hour(dialect)
    return [func.count(), func.sum(case((Inspection.verdict == "pass", 1), else_=0)),
            func.sum(case((Inspection.verdict == "fail", 1), else_=0)),
            func.sum(case((Inspection.verdict == "inconclusive", 1), else_=0)),
            func.sum(seconds), func.count(distinct(hour))]


def totals_query(dialect: str, group: str, since: datetime | None, until: datetime | None) -> Rows:
    """Counts, verdicts, summed durations and distinct working hours per group, read live."""
    key = _group_column(dialect, group)
    return select(key, *_totals_columns(dialect)).where(and_(*_period(since, until))).group_by(key)


def daily_totals_query(dialect: str, group: str, since: datetime, until: datetime) -> Rows:
    """The same totals per UTC day: what the summary stores for closed days."""
    key = _group_column(dialect, group)
    day = _day(dialect)
    return (select(day, key, *_totals_columns(dialect)).where(and_(*_period(since, until)))
            .group_by(day, key))


def summary_query(group: str, first_day: date, end_day: date) -> Rows:
    """Summed daily totals of whole summarised days [first_day, end_day) per group: the six
    inspection totals, then the four review totals."""
    return (
        select(DeskDailyTotal.group_key, func.sum(DeskDailyTotal.inspections),
               func.sum(DeskDailyTotal.passes), func.sum(DeskDailyTotal.fails),
               func.sum(DeskDailyTotal.inconclusive), func.sum(DeskDailyTotal.seconds),
               func.sum(DeskDailyTotal.working_hours), func.sum(DeskDailyTotal.reviews),
               func.sum(DeskDailyTotal.overturns), func.sum(DeskDailyTotal.blind_reviews),
               func.sum(DeskDailyTotal.blind_agreed))
        .where(DeskDailyTotal.group_kind == group, DeskDailyTotal.day >= first_day,
               DeskDailyTotal.day < end_day)
        .group_by(DeskDailyTotal.group_key)
    )


def _review_columns() -> list[Any]:
    return [func.count(Review.id), func.sum(case((Review.decision == "overturn", 1), else_=0)),
            # Agreement is the blind second review's with the first verdict (not the senior panel's).
            func.sum(case((and_(Review.blind.is_(True), Review.stage == "review"), 1), else_=0)),
            func.sum(case((and_(Review.blind.is_(True), Review.stage == "review",
                                Review.verdict == Review.previous_verdict), 1), else_=0))]


def _review_period(since: datetime | None, until: datetime | None) -> ColumnElement[bool]:
    conditions: list[ColumnElement[bool]] = []
    if since:
        conditions.append(Review.created_at >= since)
    if until:
        conditions.append(Review.created_at < until)
    return and_(true(), *conditions)


def reviews_query(group: str, since: datetime | None, until: datetime | None) -> Rows:
    """Reviews recorded in the period (by when the supervisor reviewed), per group of the inspection."""
    key = _key(group)
    return (select(key, *_review_columns()).join(Inspection, Inspection.id == Review.inspection_id)
            .where(_review_period(since, until)).group_by(key))


def daily_reviews_query(dialect: str, group: str, since: datetime, until: datetime) -> Rows:
    """The same review counts per UTC day of the review: what the summary stores for closed days.

    Reviews are only ever added, at the time they are recorded, so a closed day's counts never change.
    """
    key, day = _key(group), _day(dialect, Review.created_at)
    return (select(day, key, *_review_columns()).join(Inspection, Inspection.id == Review.inspection_id)
            .where(_review_period(since, until)).group_by(day, key))


def calibration_query(group: str, since: datetime | None, until: datetime | None,
                      item_ids: list[int]) -> Rows:
    key = _key(group)
    return (
        select(key, func.count(), calibration.right_answers())
        .join(Item, Item.id == Inspection.item_id)
        .where(and_(*_period(since, until)), Inspection.item_id.in_(item_ids), calibration.counted())
        .group_by(key)
    )


def analytics(ctx: ServiceContext, actor: Actor, group: str = "authenticator",
              since: datetime | None = None, until: datetime | None = None, *,
              use_summary: bool = True, now: datetime | None = None) -> list[AnalyticsRow]:
    """Per-group figures over [since, until): closed days from the daily summary, the rest live.

    use_summary=False reads every inspection live (the reference the summary must equal); `now`
    decides which days are closed (tests move it).
    """
    ctx.authorize_now(actor, Permission.VIEW_ANALYTICS)
    _key(group)
    since, until = _as_utc(since), _as_utc(until)
    dialect = ctx.db.dialect
    plan = (summary.plan(ctx, since, until, now or datetime.now(UTC), daily_totals_query,
                         daily_reviews_query) if use_summary else None)
    with ctx.db.read() as session:
        totals: dict[Any, list[Any]] = {}
        reviews: dict[Any, list[int]] = {}
        for live_since, live_until in (plan.live if plan else ((since, until),)):
            _add(totals, session.execute(totals_query(dialect, group, live_since, live_until)))
            _add_reviews(reviews, session.execute(reviews_query(group, live_since, live_until)))
        if plan is not None and plan.first_day < plan.end_day:
            for text_key, *values in session.execute(summary_query(group, plan.first_day, plan.end_day)):
                key = _key_from_text(group, text_key)
                _add(totals, [(key, *values[:6])])
                _add_reviews(reviews, [(key, *values[6:])])
        # Calibration items are few: select them first so the join touches only their inspections.
        item_ids = list(session.scalars(select(Item.id).where(Item.calibration_verdict.is_not(None))))
        calibration = ({r[0]: r[1:] for r in session.execute(
            calibration_query(group, since, until, item_ids))} if item_ids else {})
        names: dict[Any, str] = {}
        if group == "authenticator":
            names = {uid: name for uid, name in session.execute(select(User.id, User.name))}
        elif group == "station":
            names = {sid: name for sid, name in session.execute(select(Station.id, Station.name))}
    rows: list[AnalyticsRow] = []
    for key, (count, passes, fails, inconclusive, seconds, hours) in totals.items():
        if not count:
            continue
        total_reviews, overturns, blind, agreed = reviews.get(key, [0, 0, 0, 0])
        cal_count, cal_right = (int(v or 0) for v in calibration.get(key, (0, 0)))
        rows.append(AnalyticsRow(
            group=group, name=str(names.get(key, key)), inspections=count,
            items_per_hour=round(count / hours, 2) if hours else 0.0,
            minutes_per_inspection=round(seconds / count / 60.0, 2),
            pass_rate=_rate(passes, count), fail_rate=_rate(fails, count),
            inconclusive_rate=_rate(inconclusive, count), reviews=total_reviews,
            overturn_rate=_rate(overturns, total_reviews), blind_reviews=blind,
            agreement_rate=_rate(agreed, blind) if blind else None,
            calibration_items=cal_count,
            calibration_accuracy=_rate(cal_right, cal_count) if cal_count else None,
            passes=int(passes), fails=int(fails), inconclusive=int(inconclusive), overturns=int(overturns),
            blind_agreed=int(agreed), calibration_right=cal_right))
    rows.sort(key=lambda r: (-r.inspections, r.name))
    return rows


def fill_summary(db: Database, now: datetime | None = None) -> int:
    """Fill the daily summary for every closed day not yet in it (`inspector db upgrade`); days filled."""
    return summary.fill_closed_days(db, now or datetime.now(UTC), daily_totals_query, daily_reviews_query)


def _add(totals: dict[Any, list[Any]], rows: Iterable[Any]) -> None:
    """Sum (key, count, passes, fails, inconclusive, seconds, hours) rows into totals by key."""
    for key, count, passes, fails, inconclusive, seconds, hours in rows:
        into = totals.setdefault(key, [0, 0, 0, 0, 0.0, 0])
        for index, value in enumerate((count, passes, fails, inconclusive)):
            into[index] += int(value or 0)
        into[4] += float(seconds or 0.0)
        into[5] += int(hours or 0)


def _add_reviews(reviews: dict[Any, list[int]], rows: Iterable[Any]) -> None:
    """Sum (key, reviews, overturns, blind reviews, blind agreed) rows into reviews by key."""
    for key, *counts in rows:
        into = reviews.setdefault(key, [0, 0, 0, 0])
        for index, value in enumerate(counts):
            into[index] += int(value or 0)


def _key_from_text(group: str, text: str) -> Any:
    return text if group == "brand" else int(text)


def _as_utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _rate(part: Any, whole: int) -> float:
    return round(int(part or 0) / whole, 4) if whole else 0.0


def to_csv(rows: list[AnalyticsRow]) -> str:
    """Every field, then each rate's k, n and 95% Wilson interval."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    interval_names = [f"{name}_{part}" for name in AnalyticsRow(
        "", "", 0, 0, 0, 0, 0, 0, 0, 0, 0, None, 0, None).rates() for part in ("k", "n", "low", "high")]
    writer.writerow([f.name for f in fields(AnalyticsRow)] + interval_names)
    for row in rows:
        extra: dict[str, object] = {}
        for name, rate in row.rates().items():
            extra.update(rate.csv_fields(name))
        writer.writerow(["" if v is None else v for v in asdict(row).values()]
                        + [extra[name] for name in interval_names])
    return out.getvalue()
