"""The desk's figures over time and behind each number: weekly trends, drill-down, search.

Weekly trends sum the daily summary (closed days, `analytics_summary`) and read the open days
live, so a year of trends reads a few thousand summary rows, never a million inspections.
Drill-down and search list inspections newest first through the (group, finished_at) indexes;
a verdict a reviewer must not know yet (a blind item) is neither listed by verdict nor shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from inspector.errors import BadInput
from inspector.security.roles import Actor, Permission
from inspector.services import analytics, analytics_summary, desk_lookup, review_stage
from inspector.services.context import ServiceContext
from inspector.services.rates import Rate
from inspector.services.records import as_utc, now
from inspector.storage.models import Certificate, DeskDailyTotal, Inspection, Item, Review, Station, User

FIGURES = ("inspections", "pass", "fail", "inconclusive", "reviewed", "overturned", "calibration")
DRILL_LIMIT = 200


@dataclass(frozen=True)
class TrendPoint:
    week: date  # the Monday (UTC) the week starts
    group: str
    name: str
    inspections: int
    passes: int
    fails: int
    inconclusive: int
    reviews: int
    overturns: int

    def rates(self) -> dict[str, Rate]:
        return {"pass_rate": Rate(self.passes, self.inspections),
                "fail_rate": Rate(self.fails, self.inspections),
                "inconclusive_rate": Rate(self.inconclusive, self.inspections),
                "overturn_rate": Rate(self.overturns, self.reviews)}


@dataclass(frozen=True)
class InspectionRow:
    """One inspection behind a figure (or found by a search)."""

    inspection_id: int
    item_code: str
    style_code: str | None
    brand: str
    authenticator: str
    station: str
    finished_at: datetime | None
    verdict: str  # empty while the viewer must not know it (a blind review of theirs is pending)
    serial: str | None = None


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _week_of(dialect: str, day: Any) -> Any:
    """The Monday of a date column's week, as a date (PostgreSQL) or 'YYYY-MM-DD' text (SQLite)."""
    if dialect == "postgresql":
        return func.date(func.date_trunc("week", day))
    return func.date(day, "-6 days", "weekday 1")


def _group_key(ctx: ServiceContext, group: str, name: str) -> list[str]:
    """The summary's keys (as text) for what the supervisor typed: a badge or name start, a brand."""
    if group == "authenticator":
        return [str(desk_lookup.user_id(ctx, name))]
    if group == "brand":
        return desk_lookup.brand_spellings(ctx, name)
    with ctx.db.read() as session:
        station = session.scalar(select(Station.id).where(func.lower(Station.name) == name.strip().lower()))
    if station is None:
        raise BadInput(f"There is no station named {name!r}.")
    return [str(station)]


def weekly_trend(ctx: ServiceContext, actor: Actor, group: str = "authenticator", name: str | None = None,
                 since: datetime | None = None, until: datetime | None = None,
                 *, moment: datetime | None = None) -> list[TrendPoint]:
    """Per week and group (or one authenticator / brand / station): inspections, verdicts, reviews."""
    ctx.authorize_now(actor, Permission.VIEW_ANALYTICS)
    analytics._key(group)  # refuses an unknown group in one sentence
    moment = moment or datetime.now(UTC)
    until = until or moment
    since = since or until - timedelta(weeks=12)
    keys = _group_key(ctx, group, name) if name else None
    plan = analytics_summary.plan(ctx, since, until, moment, analytics.daily_totals_query,
                                  analytics.daily_reviews_query)
    weeks: dict[tuple[date, str], list[int]] = {}

    def add(day: Any, group_key: Any, values: list[Any], offset: int) -> None:
        text_key = str(group_key)
        if keys is not None and text_key not in keys:
            return
        into = weeks.setdefault((_monday(analytics_summary._as_date(day)), text_key), [0] * 6)
        for index, value in enumerate(values):
            into[offset + index] += int(value or 0)

    with ctx.db.read() as session:
        if plan.first_day < plan.end_day:
            # Summed per week in the database: a year by 40 authenticators is ~2,000 rows, not 14,600.
            week = _week_of(ctx.db.dialect, DeskDailyTotal.day)
            query = (select(week, DeskDailyTotal.group_key, func.sum(DeskDailyTotal.inspections),
                            func.sum(DeskDailyTotal.passes), func.sum(DeskDailyTotal.fails),
                            func.sum(DeskDailyTotal.inconclusive), func.sum(DeskDailyTotal.reviews),
                            func.sum(DeskDailyTotal.overturns))
                     .where(DeskDailyTotal.group_kind == group, DeskDailyTotal.day >= plan.first_day,
                            DeskDailyTotal.day < plan.end_day)
                     .group_by(week, DeskDailyTotal.group_key))
            if keys is not None:
                query = query.where(DeskDailyTotal.group_key.in_(keys))
            for day, group_key, *values in session.execute(query):
                add(day, group_key, values, 0)
        for live_since, live_until in plan.live:
            if live_since is not None and live_until is not None and live_since >= live_until:
                continue
            start = live_since or since
            end = live_until or until
            for day, group_key, count, passes, fails, inconclusive, *_ in session.execute(
                    analytics.daily_totals_query(ctx.db.dialect, group, start, end)):
                add(day, group_key, [count, passes, fails, inconclusive], 0)
            for day, group_key, reviews, overturns, *_ in session.execute(
                    analytics.daily_reviews_query(ctx.db.dialect, group, start, end)):
                add(day, group_key, [reviews, overturns], 4)
        names = _names(session, group)
    return [TrendPoint(week, group, names.get(k, k), *values)
            for (week, k), values in sorted(weeks.items())]


def _names(session: Session, group: str) -> dict[str, str]:
    if group == "authenticator":
        return {str(uid): name for uid, name in session.execute(select(User.id, User.name))}
    if group == "station":
        return {str(sid): name for sid, name in session.execute(select(Station.id, Station.name))}
    return {}


def _rows_query() -> Any:
    return (select(Inspection.id, Item.code, Item.style_code, Inspection.brand, User.name, Station.name,
                   Inspection.finished_at, Inspection.verdict, Inspection.status, Inspection.second_opinion,
                   Inspection.review_sampled, Inspection.authenticator_id)
            .join(Item, Item.id == Inspection.item_id)
            .join(User, User.id == Inspection.authenticator_id)
            .join(Station, Station.id == Inspection.station_id))


def _rows(session: Session, query: Any, viewer: int) -> list[InspectionRow]:
    found = session.execute(query).all()
    hidden = review_stage.hidden_among(session, [(r[0], r[8], r[7], r[9], r[10], r[11]) for r in found],
                                       viewer)
    return [_row(r, hidden=r[0] in hidden) for r in found]


def _row(found: Any, hidden: bool = False) -> InspectionRow:
    iid, code, style, brand, who, bench, finished, verdict, *_ = found
    return InspectionRow(iid, code, style, brand, who, bench, as_utc(finished), "" if hidden else verdict)


def week_period(week: date) -> tuple[datetime, datetime]:
    """The [since, until) of a trend point's week (UTC): what its drill-down lists."""
    start = datetime(week.year, week.month, week.day, tzinfo=UTC)
    return start, start + timedelta(days=7)


def drill_down(ctx: ServiceContext, actor: Actor, group: str, name: str, figure: str = "inspections",
               since: datetime | None = None, until: datetime | None = None,
               limit: int = DRILL_LIMIT, *, cell: tuple[str, str] | None = None) -> list[InspectionRow]:
    """The inspections behind one figure of one row (newest first): e.g. ('brand', 'nike', 'fail').

    The period is the figure's: the finish time for inspections and verdicts, the time of the review
    for reviews and overturns (as the figures count them). A trend point is a row and a week
    (`week_period`); a disagreement-matrix cell is an authenticator and `cell` = (their verdict, the
    reviewer's verdict) over reviews recorded in the period. An inspection whose verdict the viewer
    may not know yet is never listed under a verdict (nor under a matrix cell, which names two).
    """
    if figure not in FIGURES:
        raise BadInput(f"No figure {figure!r}; use one of {', '.join(FIGURES)}.")
    column = {"authenticator": Inspection.authenticator_id, "brand": Inspection.brand,
              "station": Inspection.station_id}.get(group)
    if column is None:
        raise BadInput(f"Cannot group by {group!r}; use authenticator, brand or station.")
    if cell is not None and (group != "authenticator" or len(cell) != 2):
        raise BadInput("A disagreement cell is an authenticator's verdict and the reviewer's verdict.")
    keys: list[Any] = _group_key(ctx, group, name)
    if group != "brand":
        keys = [int(k) for k in keys]
    with ctx.db.read() as session:
        actor = ctx.authorize(session, actor, Permission.VIEW_ANALYTICS)
        conditions: list[ColumnElement[bool]] = [column.in_(keys), Inspection.status == "finished"]
        # Listed under a verdict (or a cell naming two), an item whose verdict the viewer may not
        # know yet would tell it: such items are left out, page by page (`_told_rows`).
        tells_verdict = figure in ("pass", "fail") or cell is not None
        if figure in ("reviewed", "overturned") or cell is not None:
            # From the reviews recorded in the period (a few percent of inspections), not an EXISTS
            # per inspection.
            wanted = select(Review.inspection_id).where(*_period_of(Review.created_at, since, until))
            if group == "authenticator":
                # The review's copy of the authenticator (migration 0016): the few reviews of one
                # person through their index, not every review of the year joined to its inspection.
                wanted = wanted.where(Review.authenticator_id.in_(keys))
            if figure == "overturned":
                wanted = wanted.where(Review.decision == "overturn")
            if cell is not None:
                wanted = wanted.where(Review.stage == "review", Review.previous_verdict == cell[0],
                                      Review.verdict == cell[1])
            conditions.append(Inspection.id.in_(wanted))
        else:
            conditions += _period_of(Inspection.finished_at, since, until)
        if figure in ("pass", "fail", "inconclusive"):
            conditions.append(Inspection.verdict == figure)
        elif figure == "calibration":
            # Few items: their inspections are found through the item index.
            conditions.append(Inspection.item_id.in_(select(Item.id).where(Item.calibration_verdict.is_not(None))))
        limit = max(1, min(limit, 5000))
        if not tells_verdict:
            query = (_rows_query().where(and_(*conditions))
                     .order_by(Inspection.finished_at.desc(), Inspection.id.desc()).limit(limit))
            return _rows(session, query, actor.user_id)
        return _told_rows(session, _rows_query().where(and_(*conditions)), actor.user_id, limit)


def _told_rows(session: Session, query: Any, viewer: int, limit: int) -> list[InspectionRow]:
    """The newest `limit` rows of the query whose verdict the viewer may know, a page at a time
    (newest first by finish time, then id). The visibility test is made on each page in Python: as
    an EXISTS in the WHERE clause PostgreSQL hashed every review of the deployment for each call."""
    told: list[InspectionRow] = []
    page_size = limit + 50
    after: tuple[Any, int] | None = None
    while len(told) < limit:
        page = query
        if after is not None:
            page = page.where(or_(Inspection.finished_at < after[0],
                                  and_(Inspection.finished_at == after[0], Inspection.id < after[1])))
        found = session.execute(page.order_by(Inspection.finished_at.desc(), Inspection.id.desc())
                                .limit(page_size)).all()
        hidden = review_stage.hidden_among(session, [(r[0], r[8], r[7], r[9], r[10], r[11]) for r in found],
                                           viewer)
        told += [_row(r) for r in found if r[0] not in hidden]
        if len(found) < page_size:
            break
        after = (found[-1][6], found[-1][0])
    return told[:limit]


def _period_of(moment: Any, since: datetime | None, until: datetime | None) -> list[ColumnElement[bool]]:
    return ([moment >= since] if since else []) + ([moment < until] if until else [])


def search(ctx: ServiceContext, actor: Actor, text: str, limit: int = DRILL_LIMIT) -> list[InspectionRow]:
    """Inspections of the item with this code, of the certificate with this serial, or of this style code."""
    wanted = text.strip()
    if not wanted:
        raise BadInput("Type an item code, a certificate serial or a style code.")
    with ctx.db.read() as session:
        actor = ctx.authorize(session, actor, Permission.VIEW_ANALYTICS)
        # Three index seeks (item code, style code, serial), then the inspections of what they found:
        # one OR across three tables would read every inspection.
        # Two seeks, not one OR: SQLite scans the items for "code = ? OR style_code = ?".
        item_ids = list(session.scalars(select(Item.id).where(Item.code == wanted)))
        item_ids += session.scalars(select(Item.id).where(Item.style_code == wanted).limit(5000))
        by_serial = list(session.scalars(
            select(Certificate.inspection_id).where(Certificate.serial == wanted)))
        if not item_ids and not by_serial:
            return []
        found = ([Inspection.item_id.in_(item_ids)] if item_ids else []) + (
            [Inspection.id.in_(by_serial)] if by_serial else [])
        # No ORDER BY ... LIMIT here: SQLite would walk the finish-time index of every inspection to
        # avoid a sort; the inspections of at most 5,000 items are sorted here instead.
        query = _rows_query().where(or_(*found))
        rows = sorted(_rows(session, query, actor.user_id),
                      key=lambda r: (r.finished_at is not None, r.finished_at, r.inspection_id), reverse=True)
        rows = rows[:max(1, min(limit, 5000))]
        valid = dict(session.execute(select(Certificate.inspection_id, Certificate.serial).where(
            Certificate.inspection_id.in_([r.inspection_id for r in rows]),
            Certificate.voided_at.is_(None))).all()) if rows else {}
    # A hidden verdict hides its serial too: a certificate would tell a pass.
    return [InspectionRow(**{**r.__dict__, "serial": valid.get(r.inspection_id) if r.verdict else None})
            for r in rows]


@dataclass(frozen=True)
class MatrixRow:
    """One authenticator's reviewed inspections by their own verdict and the reviewer's."""

    authenticator: str
    cells: dict[tuple[str, str], int]  # (first verdict, reviewer's verdict) -> reviews

    @property
    def reviews(self) -> int:
        return sum(self.cells.values())

    def agreement(self) -> Rate:
        return Rate(sum(n for (a, b), n in self.cells.items() if a == b), self.reviews)


def disagreement_matrix(ctx: ServiceContext, actor: Actor, since: datetime | None = None,
                        until: datetime | None = None) -> list[MatrixRow]:
    """Authenticator x (their verdict -> the reviewer's verdict), reviews recorded in the period.

    Read from the reviews alone (each keeps the verdict it answered and the inspection's
    authenticator, migration 0016) through their (stage, created_at, ...) index.
    """
    rows: dict[str, dict[tuple[str, str], int]] = {}
    with ctx.db.read() as session:
        actor = ctx.authorize(session, actor, Permission.VIEW_ANALYTICS)
        other = aliased(Review)
        # A disagreement still waiting for the panel names the first verdict: counted only for its
        # authenticator and those who reviewed the item, until a review decides it (the rule of its
        # drill-down). Checked for disputes alone, a few percent of the reviews.
        told = or_(Review.decision != "dispute", Review.authenticator_id == actor.user_id,
                   exists().where(other.inspection_id == Review.inspection_id,
                                  or_(other.decision != "dispute", other.reviewer_id == actor.user_id)))
        query = (select(Review.authenticator_id, Review.previous_verdict, Review.verdict, func.count())
                 .where(Review.stage == "review", *_period_of(Review.created_at, since, until), told)
                 .group_by(Review.authenticator_id, Review.previous_verdict, Review.verdict))
        counted = session.execute(query).all()
        names = {uid: name for uid, name in session.execute(select(User.id, User.name))}
    for uid, mine, theirs, count in counted:
        cells = rows.setdefault(names.get(int(uid or 0), "?"), {})
        cells[(str(mine), str(theirs))] = cells.get((str(mine), str(theirs)), 0) + int(count)
    return [MatrixRow(name, cells) for name, cells in sorted(rows.items())]


@dataclass(frozen=True)
class Timeliness:
    waiting: int
    oldest_hours: float | None
    median_age_hours: float | None
    reviewed: int
    median_turnaround_hours: float | None  # finish to the first deciding review


def timeliness(ctx: ServiceContext, actor: Actor, since: datetime | None = None,
               until: datetime | None = None) -> Timeliness:
    """Queue age (now) and review turnaround (reviews recorded in the period)."""
    from inspector.services.review_queue import QueueFilter, review_queue

    moment = now()
    waiting = review_queue(ctx, actor, QueueFilter(sort="finished_at", descending=False, limit=5000))
    ages = sorted((moment - e.finished_at).total_seconds() / 3600 for e in waiting if e.finished_at)
    conditions: list[ColumnElement[bool]] = [Review.decision != "dispute"]
    if since:
        conditions.append(Review.created_at >= since)
    if until:
        conditions.append(Review.created_at < until)
    first_review = (select(Review.inspection_id, func.min(Review.created_at).label("at"))
                    .where(and_(*conditions)).group_by(Review.inspection_id).subquery())
    with ctx.db.read() as session:
        ctx.authorize(session, actor, Permission.VIEW_ANALYTICS)
        pairs = session.execute(select(Inspection.finished_at, first_review.c.at)
                                .join(first_review, first_review.c.inspection_id == Inspection.id)).all()
    turnarounds = sorted(((as_utc(at) or moment) - (as_utc(done) or moment)).total_seconds() / 3600
                         for done, at in pairs)
    return Timeliness(len(waiting), round(ages[-1], 2) if ages else None,
                      round(_median(ages), 2) if ages else None, len(turnarounds),
                      round(_median(turnarounds), 2) if turnarounds else None)


def _median(values: list[float]) -> float:
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2
