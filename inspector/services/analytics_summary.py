"""The desk analytics summary: closed UTC days' totals, filled lazily and marked dirty by verdict writers."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from inspector.services.context import ServiceContext
from inspector.storage.database import Database
from inspector.storage.models import DeskDailyTotal, DeskSummaryDay, Inspection

GROUPS = ("authenticator", "brand", "station")

# A day is summarised only once it ended this long ago: a finish whose transaction straddles midnight
# (its finished_at was taken just before) has committed by then.
CLOSED_AFTER = timedelta(hours=1)
# Days per marker statement (SQLite bound-parameter limits).
MARKER_BATCH = 500
# Days per filling transaction: the first look at a year must not hold the SQLite write lock for long
# (a week is ~0.15 s at 1,000,000 inspections a year).
FILL_BATCH_DAYS = 7
# `inspector db upgrade` fills a month per transaction: fewer, larger GROUP BY passes are ~30 % faster
# in all (a year at 1,000,000 inspections), and nobody waits on its answer.
UPGRADE_BATCH_DAYS = 31

# A SELECT of any columns (SQLAlchemy 2.1 types a Select by its column types).
Rows = Select[*tuple[Any, ...]]
# (dialect, group, since, until) -> per day and group key: inspections' (count, passes, fails,
# inconclusive, seconds, hours), or reviews' (count, overturns, blind, blind agreed)
DailyQuery = Callable[[str, str, datetime, datetime], Rows]
INSPECTION_FIELDS = ("inspections", "passes", "fails", "inconclusive", "seconds", "working_hours")
REVIEW_FIELDS = ("reviews", "overturns", "blind_reviews", "blind_agreed")


@dataclass(frozen=True)
class Plan:
    """How to answer a period: whole days [first_day, end_day) from the summary, `live` ranges live."""

    first_day: date
    end_day: date
    live: tuple[tuple[datetime | None, datetime | None], ...]



def day_start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def plan(ctx: ServiceContext, since: datetime | None, until: datetime | None, now: datetime,
         daily_query: DailyQuery, daily_reviews_query: DailyQuery) -> Plan:
    """Split [since, until) (UTC) at day boundaries; make sure every closed whole day is summarised."""
    with ctx.db.read() as session:
        # Only finished inspections have a finish time; min() of the indexed column is one index seek.
        oldest = session.scalar(select(func.min(Inspection.finished_at)))
    if oldest is None:
        return Plan(date.min, date.min, ((since, until),))
    # Days before the first finish are empty: never summarise them (a "from 2000-01-01" stays cheap).
    first_day = _as_utc(oldest).date()
    if since is not None:
        whole_from = since.date() if since == day_start(since.date()) else since.date() + timedelta(days=1)
        first_day = max(first_day, whole_from)
    closed_before = (now.astimezone(UTC) - CLOSED_AFTER).date()
    end_day = closed_before if until is None else min(until.date(), closed_before)
    if first_day >= end_day:
        return Plan(date.min, date.min, ((since, until),))
    ensure_filled(ctx.db, first_day, end_day, daily_query, daily_reviews_query)
    live = ((since, day_start(first_day)), (day_start(end_day), until))
    return Plan(first_day, end_day, live)


def fill_closed_days(db: Database, now: datetime, daily_query: DailyQuery,
                     daily_reviews_query: DailyQuery) -> int:
    """Summarise every closed day since the first finish that is missing or dirty; return how many.

    `inspector db upgrade` calls this, so the first look at a long period after the summary arrives
    (migration 0004) does not fill a year of days while a supervisor waits (~8 s at 1,000,000).
    """
    with db.read() as session:
        oldest = session.scalar(select(func.min(Inspection.finished_at)))
    if oldest is None:
        return 0
    closed_before = (now.astimezone(UTC) - CLOSED_AFTER).date()
    return ensure_filled(db, _as_utc(oldest).date(), closed_before, daily_query, daily_reviews_query,
                         batch_days=UPGRADE_BATCH_DAYS)


def ensure_filled(db: Database, first_day: date, end_day: date, daily_query: DailyQuery,
                  daily_reviews_query: DailyQuery, *, batch_days: int = FILL_BATCH_DAYS) -> int:
    """Summarise every day of [first_day, end_day) that is missing or dirty (batch_days per
    transaction); return how many days were filled."""
    with db.read() as session:
        clean = set(session.scalars(select(DeskSummaryDay.day).where(
            DeskSummaryDay.day >= first_day, DeskSummaryDay.day < end_day, DeskSummaryDay.clean.is_(True))))
    missing = [first_day + timedelta(days=n) for n in range((end_day - first_day).days)]
    missing = [day for day in missing if day not in clean]
    for run_first, run_end in _runs(missing):
        while run_first < run_end:
            batch_end = min(run_end, run_first + timedelta(days=batch_days))
            with db.transaction() as session:
                _fill(session, db.dialect, run_first, batch_end, daily_query, daily_reviews_query)
            run_first = batch_end
    return len(missing)


def _fill(session: Session, dialect: str, first_day: date, end_day: date, daily_query: DailyQuery,
          daily_reviews_query: DailyQuery) -> None:
    days = [first_day + timedelta(days=n) for n in range((end_day - first_day).days)]
    # Marking the days first takes their row locks: an overturn of one of them either waits for this
    # fill (and then marks its day dirty again) or committed before, so the totals read below see it.
    _mark(session, dialect, days, clean=False)
    session.execute(delete(DeskDailyTotal).where(DeskDailyTotal.day >= first_day,
                                                 DeskDailyTotal.day < end_day))
    since, until = day_start(first_day), day_start(end_day)
    for group in GROUPS:
        rows: dict[tuple[date, str], dict[str, Any]] = {}
        for query, names in ((daily_query, INSPECTION_FIELDS), (daily_reviews_query, REVIEW_FIELDS)):
            for day, key, *values in session.execute(query(dialect, group, since, until)):
                row = rows.setdefault((_as_date(day), str(key)), _empty_row(group, _as_date(day), str(key)))
                row.update({name: (float(v or 0.0) if name == "seconds" else int(v or 0))
                            for name, v in zip(names, values, strict=True)})
        if rows:
            session.execute(insert(DeskDailyTotal), list(rows.values()))
    _mark(session, dialect, days, clean=True)


def _empty_row(group: str, day: date, key: str) -> dict[str, Any]:
    row: dict[str, Any] = {"group_kind": group, "day": day, "group_key": key, "seconds": 0.0}
    row.update({name: 0 for name in INSPECTION_FIELDS + REVIEW_FIELDS if name != "seconds"})
    return row


def mark_changed(session: Session, dialect: str, finished_at: datetime | None) -> None:
    """Call in the transaction that changes a finished inspection's verdict: its day is refilled."""
    if finished_at is not None:
        _mark(session, dialect, [_as_utc(finished_at).date()], clean=False)


def _mark(session: Session, dialect: str, days: list[date], *, clean: bool) -> None:
    upsert: Any = pg_insert if dialect == "postgresql" else sqlite_insert
    stamp = datetime.now(UTC)
    for start in range(0, len(days), MARKER_BATCH):
        batch = days[start:start + MARKER_BATCH]
        statement = upsert(DeskSummaryDay).values(
            [{"day": day, "clean": clean, "filled_at": stamp} for day in batch])
        session.execute(statement.on_conflict_do_update(
            index_elements=[DeskSummaryDay.day],
            set_={"clean": statement.excluded.clean, "filled_at": statement.excluded.filled_at}))


def _runs(days: Iterable[date]) -> list[tuple[date, date]]:
    """Consecutive days as [first, end) runs."""
    runs: list[tuple[date, date]] = []
    for day in days:
        if runs and runs[-1][1] == day:
            runs[-1] = (runs[-1][0], day + timedelta(days=1))
        else:
            runs.append((day, day + timedelta(days=1)))
    return runs


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
