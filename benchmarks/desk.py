"""Supervisor desk benchmark: a year of inspections (1,000,000 by default), queue and analytics timings.

    uv run python benchmarks/desk.py [--rows 1000000] [--db /tmp/desk-bench.db] [--reuse]
    INSPECTOR_BENCH_PG_URL=postgresql+psycopg://... uv run python benchmarks/desk.py  # also PostgreSQL

Prints the median of several runs per query and EXPLAIN (QUERY PLAN) showing the indexes used.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import delete, text

from inspector.config import load_settings
from inspector.security.roles import Actor
from inspector.services import analytics as analytics_service
from inspector.services import review_queue, review_sample
from inspector.services.context import open_context
from inspector.services.identity import open_session
from inspector.storage.models import DeskDailyTotal, DeskSummaryDay, User

YEAR_START = datetime(2025, 1, 1, tzinfo=UTC)
BRANDS = ["Nike", "Adidas", "Jordan", "Yeezy", "New Balance", "Asics", "Gucci", "Prada", "Rolex", "Hermes"]
VERDICTS = ["pass"] * 80 + ["fail"] * 15 + ["inconclusive"] * 5
BATCH = 20_000
AUTHENTICATORS = 40
STATIONS = 8


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def inspection_rows(count: int, first_user: int, seed: int = 7) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(seed)
    # Inspection n inspects item n and keeps a copy of its declared value (migration 0006).
    values = (row[4] for row in item_rows(count))
    seconds_per_row = 365 * 86400 / count
    for n in range(1, count + 1):
        started = YEAR_START + timedelta(seconds=n * seconds_per_row)
        finished = started + timedelta(seconds=rng.randint(120, 900))
        verdict = rng.choice(VERDICTS)
        yield (n, n, "bench", 1, "h" * 64, rng.choice(BRANDS),
               first_user + rng.randrange(AUTHENTICATORS), 1 + rng.randrange(STATIONS), "finished",
               verdict, None, "", rng.random() < 0.01, verdict == "inconclusive",
               round(rng.uniform(0.3, 1.0), 3), None, _stamp(started), _stamp(finished), next(values),
               verdict)


def item_rows(count: int, seed: int = 11) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(seed)
    for n in range(1, count + 1):
        calibration = rng.choice(["pass", "fail"]) if n % 2000 == 0 else None
        yield (n, f"IT{n:08d}", None, "", round(rng.uniform(50, 3000), 2), calibration, _stamp(YEAR_START))


def review_rows(count: int, first_user: int, seed: int = 13) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(seed)
    seconds_per_row = 365 * 86400 / count
    # One review for every 20th inspection.
    for review_id, n in enumerate(range(1, count + 1, 20), start=1):
        decision = "overturn" if rng.random() < 0.1 else "confirm"
        yield (review_id, n, first_user - 1, decision, "fail" if decision == "overturn" else "pass",
               "pass", "bench", rng.random() < 0.5,
               _stamp(YEAR_START + timedelta(seconds=n * seconds_per_row, hours=rng.randint(1, 48))))


INSPECTION_COLUMNS = ("id, item_id, checklist_id, checklist_version, checklist_hash, brand, "
                      "authenticator_id, station_id, status, verdict, fail_reason, summary, "
                      "second_opinion, escalated, min_score, current_step, started_at, finished_at, "
                      "declared_value, first_verdict")
ITEM_COLUMNS = "id, code, style_code, description, declared_value, calibration_verdict, created_at"
REVIEW_COLUMNS = ("id, inspection_id, reviewer_id, decision, verdict, previous_verdict, reason, blind, "
                  "created_at")


def _batches(rows: Iterator[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def session_for(ctx: Any, user_id: int) -> Actor:
    """A login session for a generated user (their PIN hash is a placeholder): what the services accept."""
    with ctx.db.transaction() as session:
        user = session.get(User, user_id)
        return open_session(session, user, ctx.station_name)[0]


def generate(ctx: Any, count: int) -> None:
    engine = ctx.db.engine
    dialect = engine.dialect.name
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO checklist_snapshots VALUES (:h, 'bench', 1, '')"), {"h": "h" * 64})
        for s in range(1, STATIONS + 1):
            conn.execute(text("INSERT INTO stations (id, name, created_at) VALUES (:i, :n, :t)"),
                         {"i": s, "n": f"bench-{s}", "t": _stamp(YEAR_START)})
        conn.execute(text("INSERT INTO users (id, name, badge_code, role, pin_hash, active, created_at) "
                          "VALUES (1, 'Sup', NULL, 'supervisor', 'x', true, :t)"), {"t": _stamp(YEAR_START)})
        for u in range(AUTHENTICATORS):
            conn.execute(text("INSERT INTO users (id, name, badge_code, role, pin_hash, active, created_at) "
                              "VALUES (:i, :n, NULL, 'authenticator', 'x', true, :t)"),
                         {"i": u + 2, "n": f"auth-{u:02d}", "t": _stamp(YEAR_START)})
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for table, columns, rows in (
            ("items", ITEM_COLUMNS, item_rows(count)),
            ("inspections", INSPECTION_COLUMNS, inspection_rows(count, 2)),
            ("reviews", REVIEW_COLUMNS, review_rows(count, 2)),
        ):
            started = time.perf_counter()
            if dialect == "postgresql":
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                    for row in rows:
                        copy.write_row(row)
            else:
                # The station's connections run in autocommit with synchronous=FULL (see
                # inspector/storage/database.py): one explicit transaction per table instead.
                cursor.execute("PRAGMA synchronous=OFF")
                cursor.execute("BEGIN")
                marks = ", ".join("?" for _ in columns.split(","))
                for batch in _batches(rows):
                    cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", batch)
            if dialect == "postgresql":
                raw.commit()
            else:
                cursor.execute("COMMIT")
            print(f"  {table}: {time.perf_counter() - started:.1f} s", flush=True)
        # Each review keeps its inspection's authenticator (migration 0016 fills older rows the same way).
        cursor.execute("UPDATE reviews SET authenticator_id = (SELECT inspections.authenticator_id "
                       "FROM inspections WHERE inspections.id = reviews.inspection_id)")
        raw.commit()
        if dialect == "postgresql":
            for table in ("items", "inspections", "reviews", "users", "stations"):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"(SELECT max(id) FROM {table}))")
            raw.commit()
            # As autovacuum would after a bulk load: the visibility map lets PostgreSQL answer from
            # the covering indexes (Index Only Scan) instead of visiting the table.
            driver = raw.driver_connection
            driver.autocommit = True  # type: ignore[union-attr]
            driver.execute("VACUUM ANALYZE")  # type: ignore[union-attr]
        else:
            cursor.execute("ANALYZE")
            raw.commit()
    finally:
        raw.close()


def vacuum_analyze(ctx: Any) -> None:
    raw = ctx.db.engine.raw_connection()
    try:
        driver = raw.driver_connection
        driver.autocommit = True  # type: ignore[union-attr]
        driver.execute("VACUUM ANALYZE")  # type: ignore[union-attr]
    finally:
        raw.close()


def timed(label: str, run: Callable[[], object], repeat: int = 5) -> float:
    run()  # warm the cache: the desk keeps the database open
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    median = statistics.median(samples)
    print(f"  {label:<58} {median:8.1f} ms", flush=True)
    return median


def once(label: str, run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    elapsed = (time.perf_counter() - started) * 1000
    print(f"  {label:<58} {elapsed:8.1f} ms (once)", flush=True)
    return elapsed


def explain(ctx: Any, label: str, statement: Any) -> None:
    with ctx.db.engine.connect() as conn:
        if ctx.db.dialect == "sqlite":
            compiled = statement.compile(ctx.db.engine, compile_kwargs={"literal_binds": True})
            plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + str(compiled)).all()
        else:  # psycopg: keep the bound parameters (its %-escaping needs them)
            compiled = statement.compile(ctx.db.engine)
            plan = conn.exec_driver_sql("EXPLAIN " + str(compiled), compiled.params).all()
    print(f"  -- {label}")
    for row in plan:
        print("     " + " | ".join(str(c) for c in row[-1:]))


def run_suite(ctx: Any) -> None:
    sup = session_for(ctx, 1)
    month = (datetime(2025, 6, 1, tzinfo=UTC), datetime(2025, 7, 1, tzinfo=UTC))
    week = (datetime(2025, 6, 1, tzinfo=UTC), datetime(2025, 6, 8, tzinfo=UTC))
    flt = review_queue.QueueFilter
    cases: list[tuple[str, review_queue.QueueFilter]] = [
        ("queue: newest 200, whole year", flt()),
        ("queue: one month", flt(since=month[0], until=month[1])),
        ("queue: one station, one month", flt(since=month[0], until=month[1], station="bench-3")),
        ("queue: one authenticator", flt(authenticator="auth-07")),
        ("queue: one brand, verdict fail", flt(brand="Rolex", verdict="fail")),
        ("queue: one month sorted by min score", flt(since=month[0], until=month[1], sort="min_score",
                                                     descending=False)),
        ("queue: one month by declared value, highest first",
         flt(since=month[0], until=month[1], sort="declared_value")),
        ("queue: one month by declared value, lowest first",
         flt(since=month[0], until=month[1], sort="declared_value", descending=False)),
        ("queue: whole year by declared value, highest first", flt(sort="declared_value")),
    ]
    for label, queue_filter in cases:
        timed(label, lambda f=queue_filter: review_queue.review_queue(ctx, sup, f))
    # The daily summary starts empty: time the first look at a month (fills 30 days) and at the year.
    with ctx.db.transaction() as session:
        session.execute(delete(DeskDailyTotal))
        session.execute(delete(DeskSummaryDay))
    once("analytics by authenticator: one month, first look (fills 30 days)",
         lambda: analytics_service.analytics(ctx, sup, "authenticator", *month))
    once("analytics by authenticator: whole year, first look (fills 335 more days)",
         lambda: analytics_service.analytics(ctx, sup, "authenticator"))
    # What `inspector db upgrade` does instead, so that no supervisor waits for those first looks.
    with ctx.db.transaction() as session:
        session.execute(delete(DeskDailyTotal))
        session.execute(delete(DeskSummaryDay))
    once("inspector db upgrade: fill every closed day (a month per transaction)",
         lambda: analytics_service.fill_summary(ctx.db))
    once("analytics by authenticator: whole year, first look after db upgrade",
         lambda: analytics_service.analytics(ctx, sup, "authenticator"))
    # The desk's default: the last 30 days up to now, today (15 hours so far) read live.
    today = (datetime(2025, 6, 1, tzinfo=UTC), datetime(2025, 7, 1, 15, 0, tzinfo=UTC))
    for group in analytics_service.GROUPS:
        timed(f"analytics by {group}: one week",
              lambda g=group: analytics_service.analytics(ctx, sup, g, *week))
        timed(f"analytics by {group}: one month",
              lambda g=group: analytics_service.analytics(ctx, sup, g, *month))
        timed(f"analytics by {group}: 30 days + today so far",
              lambda g=group: analytics_service.analytics(ctx, sup, g, *today, now=today[1]))
        timed(f"analytics by {group}: one month, all live (no summary)",
              lambda g=group: analytics_service.analytics(ctx, sup, g, *month, use_summary=False))
    timed("analytics by authenticator: whole year",
          lambda: analytics_service.analytics(ctx, sup, "authenticator"), repeat=3)
    timed("analytics by authenticator: whole year, all live (no summary)",
          lambda: analytics_service.analytics(ctx, sup, "authenticator", use_summary=False), repeat=3)
    print("  EXPLAIN")
    explain(ctx, "queue: one month", review_queue.queue_query(ctx, flt(since=month[0], until=month[1])))
    explain(ctx, "queue: one station, one month",
            review_queue.queue_query(ctx, flt(since=month[0], until=month[1], station="bench-3")))
    explain(ctx, "queue: one month sorted by min score",
            review_queue.queue_query(ctx, flt(since=month[0], until=month[1], sort="min_score",
                                              descending=False)))
    explain(ctx, "queue: one month by declared value, highest first",
            review_queue.queue_query(ctx, flt(since=month[0], until=month[1], sort="declared_value")))
    explain(ctx, "queue: one brand, verdict fail",
            review_queue.queue_query(ctx, flt(brand="Rolex", verdict="fail")))
    explain(ctx, "analytics totals by authenticator: one month",
            analytics_service.totals_query(ctx.db.dialect, "authenticator", *month))
    explain(ctx, "analytics totals by brand: one month",
            analytics_service.totals_query(ctx.db.dialect, "brand", *month))
    explain(ctx, "analytics reviews by authenticator: one month",
            analytics_service.reviews_query("authenticator", *month))
    explain(ctx, "analytics summary by authenticator: one month",
            analytics_service.summary_query("authenticator", month[0].date(), month[1].date()))
    explain(ctx, "analytics totals by authenticator: today so far (live)",
            analytics_service.totals_query(ctx.db.dialect, "authenticator", datetime(2025, 7, 1, tzinfo=UTC),
                                           today[1]))


def run_issue16(ctx: Any) -> dict[str, float]:
    """Issue 16's budget (<= 100 ms at 1,000,000): the queue with any filter, drill-down, weekly trends."""
    from inspector.services import desk_figures

    sup = session_for(ctx, 1)
    month = (datetime(2025, 6, 1, tzinfo=UTC), datetime(2025, 7, 1, tzinfo=UTC))
    year = (YEAR_START, datetime(2026, 1, 1, tzinfo=UTC))
    flt = review_queue.QueueFilter
    results: dict[str, float] = {}
    # The baseline of this run: 200 inspections read by primary key through the same session code.
    # On a loaded machine every figure inflates alike; the ratio to it says what the query costs.
    from sqlalchemy import select as _select

    from inspector.storage.models import Inspection

    def baseline() -> object:
        with ctx.db.read() as session:
            return session.execute(_select(Inspection.id, Inspection.verdict)
                                   .where(Inspection.id.in_(range(500_000, 500_200)))).all()

    base = timed("baseline: 200 inspections by primary key", baseline)
    queue_cases: list[tuple[str, review_queue.QueueFilter]] = [
        ("queue: newest 200, whole year", flt()),
        ("queue: one month", flt(since=month[0], until=month[1])),
        ("queue: one station, one month", flt(since=month[0], until=month[1], station="bench-3")),
        ("queue: one authenticator by name start", flt(authenticator="auth-07")),
        ("queue: one brand in lower case", flt(brand="rolex")),
        ("queue: verdict fail (blind items left out)", flt(verdict="fail")),
        ("queue: one brand, verdict fail", flt(brand="Rolex", verdict="fail")),
        ("queue: verdict inconclusive, one month",
         flt(since=month[0], until=month[1], verdict="inconclusive")),
        ("queue: one month sorted by min score", flt(since=month[0], until=month[1], sort="min_score",
                                                     descending=False)),
        ("queue: one month by declared value, highest first",
         flt(since=month[0], until=month[1], sort="declared_value")),
        ("queue: whole year, reviewed included", flt(include_reviewed=True)),
    ]
    for label, queue_filter in queue_cases:
        results[label] = timed(label, lambda f=queue_filter: review_queue.review_queue(ctx, sup, f))
    drill_cases = [
        ("drill-down: an authenticator's fails, whole year",
         ("authenticator", "auth-07", "fail", None, None)),
        ("drill-down: a brand's inconclusive, one month", ("brand", "gucci", "inconclusive", *month)),
        ("drill-down: a station's inspections, one month", ("station", "bench-3", "inspections", *month)),
        ("drill-down: an authenticator's overturned, whole year",
         ("authenticator", "auth-07", "overturned", None, None)),
        ("drill-down: a brand's calibration items, whole year",
         ("brand", "Rolex", "calibration", None, None)),
    ]
    for label, (group, name, figure, since, until) in drill_cases:
        results[label] = timed(label, lambda g=group, n=name, f=figure, s=since, u=until:
                               desk_figures.drill_down(ctx, sup, g, n, f, s, u))
    week = desk_figures.week_period(datetime(2025, 6, 2, tzinfo=UTC).date())
    label = "drill-down: a trend point (an authenticator's fails, one week)"
    results[label] = timed(label, lambda: desk_figures.drill_down(
        ctx, sup, "authenticator", "auth-07", "fail", *week))
    label = "drill-down: a trend point (a brand's overturned, one week)"
    results[label] = timed(label, lambda: desk_figures.drill_down(
        ctx, sup, "brand", "Rolex", "overturned", *week))
    label = "drill-down: a matrix cell (an authenticator's pass -> fail, whole year)"
    results[label] = timed(label, lambda: desk_figures.drill_down(
        ctx, sup, "authenticator", "auth-07", "reviewed", *year, cell=("pass", "fail")))
    label = "disagreement matrix: one month"
    results[label] = timed(label, lambda: desk_figures.disagreement_matrix(ctx, sup, *month))
    label = "disagreement matrix: whole year"
    results[label] = timed(label, lambda: desk_figures.disagreement_matrix(ctx, sup, *year))
    results["search: item code"] = timed("search: item code",
                                         lambda: desk_figures.search(ctx, sup, "IT00500000"))
    once("weekly trends: summary fill of every closed day (inspector db upgrade), once",
         lambda: analytics_service.fill_summary(ctx.db))
    for group in analytics_service.GROUPS:
        label = f"weekly trend by {group}: whole year"
        results[label] = timed(label, lambda g=group: desk_figures.weekly_trend(
            ctx, sup, g, None, *year, moment=datetime(2026, 1, 1, 12, tzinfo=UTC)))
    label = "weekly trend of one authenticator: whole year"
    results[label] = timed(label, lambda: desk_figures.weekly_trend(
        ctx, sup, "authenticator", "auth-07", *year, moment=datetime(2026, 1, 1, 12, tzinfo=UTC)))
    label = "weekly trend by brand: 12 weeks + today live"
    results[label] = timed(label, lambda: desk_figures.weekly_trend(
        ctx, sup, "brand", None, datetime(2025, 9, 1, tzinfo=UTC), datetime(2025, 11, 24, 15, tzinfo=UTC),
        moment=datetime(2025, 11, 24, 15, tzinfo=UTC)))
    print("  ratio to the baseline (x):")
    for label, value in results.items():
        print(f"    {label:<58} {value / base:7.1f}")
    worst = max(results, key=lambda k: results[k])
    verdict = "met" if results[worst] <= 100 else "MISSED"
    print(f"  worst: {worst} {results[worst]:.1f} ms; budget 100 ms: {verdict}")
    return results


def bench(url: str, rows: int, reuse: bool, issue16_only: bool = False) -> None:
    settings = load_settings().with_changes(database_url=url)
    ctx = open_context(settings)
    with ctx.db.engine.connect() as conn:
        have = conn.execute(text("SELECT count(*) FROM inspections")).scalar_one()
    if have and not reuse:
        sys.exit(f"{url} already has {have} inspections: pass --reuse or use an empty database")
    if not have:
        print(f"generating {rows:,} inspections into {ctx.db.dialect} ...", flush=True)
        started = time.perf_counter()
        generate(ctx, rows)
        print(f"  generated in {time.perf_counter() - started:.0f} s", flush=True)
    else:
        print(f"reusing {have:,} inspections in {ctx.db.dialect}")
    # The blind-review sample choice of each inspection, as an upgraded database gets it (migration 0015).
    picked: list[int] = []
    once("blind-review sample chosen for every inspection (upgrade fill, picked rows only), once",
         lambda: picked.append(review_sample.fill_unchosen(ctx)))
    if picked and picked[0] and ctx.db.dialect == "postgresql":
        vacuum_analyze(ctx)  # as autovacuum would after the fill's updates
    if not issue16_only:
        run_suite(ctx)
    run_issue16(ctx)
    ctx.db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/inspector-desk-bench.db"))
    parser.add_argument("--reuse", action="store_true", help="time an already generated database")
    parser.add_argument("--pg-local", action="store_true",
                        help="start a loopback PostgreSQL (tests/postgres_server.py) when no URL is given")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--issue16-only", action="store_true",
                        help="only the queue, drill-down, search and weekly-trend timings of issue 16")
    args = parser.parse_args()
    os.environ.setdefault("INSPECTOR_HOME", "/tmp/inspector-desk-bench-home")
    if not args.skip_sqlite:
        if not args.reuse and args.db.exists():
            args.db.unlink()
        bench(f"sqlite:///{args.db}", args.rows, args.reuse, args.issue16_only)
    pg_url = os.environ.get("INSPECTOR_BENCH_PG_URL")
    if pg_url:
        bench(pg_url, args.rows, args.reuse, args.issue16_only)
    elif args.pg_local:
        from tests.postgres_server import remove_server, start_server

        server = start_server()
        try:
            bench(server.create_database("desk"), args.rows, False, args.issue16_only)
        finally:
            remove_server(server)
    else:
        print("PostgreSQL: set INSPECTOR_BENCH_PG_URL to an empty database (or pass --pg-local)")


if __name__ == "__main__":
    main()
