"""A database a station left at migration 0003, full of work, is upgraded to head when a station opens.

The rows are what the station really writes (users, an inspection with its steps, photos and audit
events), made by today's services in a scratch database and copied column by column into a
database built by the migrations up to 0003 only: the tables and columns an old station had.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from sqlalchemy import MetaData, Table, func, insert, inspect, select

from inspector.config import Settings
from inspector.security.roles import Actor, Role
from inspector.services.integrity import verify_integrity
from inspector.services.review_queue import QueueFilter, review_queue
from inspector.services.station import StationServices, open_station
from inspector.storage import migrate
from inspector.storage.database import Database
from inspector.storage.models import AuditEvent, Base, Inspection, Photo, StepResult, User

OLD_REVISION = "0003"
UNSURE = {"box-label": "pass", "size-tag": "pass", "stitching": "unsure", "smell": "pass"}
ALL_PASS = {"box-label": "pass", "size-tag": "pass", "stitching": "pass", "smell": "pass"}


def _inspect(services: StationServices, who: Actor, code: str, value: float, outcomes: dict[str, str],
             photo_bytes: bytes) -> int:
    inspection_id = services.inspections.start_or_resume(
        who, code, style_code="TR1000-001", declared_value=value).inspection.id
    for step in ("box-label", "size-tag"):
        services.inspections.add_photo(who, inspection_id, step, photo_bytes)
    for step, outcome in outcomes.items():
        services.inspections.record_step(
            who, inspection_id, step, outcome,
            value="TR1000-001" if step in ("box-label", "size-tag") else None,
            note="" if outcome == "pass" else "stitch count unclear")
    services.inspections.finish(who, inspection_id)
    return inspection_id


def _work_at_0003(settings: Settings, scratch: Path, photo_bytes: bytes) -> dict[str, int]:
    """Fill settings' database, at revision 0003, with a station's work; return rows per table."""
    station = open_station(settings.with_changes(database_url=f"sqlite:///{scratch}"))
    try:
        users = station.users
        users.create_first_admin("Ada", "9999", "B-9")
        admin = users.login("B-9", "9999")
        users.create_user(admin, "Alex", "1234", Role.AUTHENTICATOR, "B-1")
        users.create_user(admin, "Morgan", "3456", Role.SUPERVISOR, "B-2")
        alex = users.login("B-1", "1234")
        _inspect(station, alex, "OLD-UNSURE", 900.0, UNSURE, photo_bytes)
        _inspect(station, alex, "OLD-PASS", 80.0, ALL_PASS, photo_bytes)
        source = station.ctx.db.engine
        target = Database(settings.database_url)
        migrate.upgrade(target.engine, OLD_REVISION)
        old_tables = set(inspect(target.engine).get_table_names())
        counts: dict[str, int] = {}
        with source.connect() as reading, target.engine.begin() as writing:
            for model_table in Base.metadata.sorted_tables:  # parents before children
                if model_table.name not in old_tables:
                    continue  # a table of a later migration
                old = Table(model_table.name, MetaData(), autoload_with=writing)
                columns = [c.name for c in old.columns]
                rows = [dict(r._mapping) for r in reading.execute(
                    select(*[model_table.c[name] for name in columns]))]
                if rows:
                    writing.execute(insert(old), rows)
                counts[model_table.name] = len(rows)
        target.dispose()
        assert migrate.current_revision(Database(settings.database_url).engine) == OLD_REVISION
        return counts
    finally:
        station.close()


def test_an_old_database_with_work_is_upgraded_when_the_station_opens(
        test_settings: Settings, photo_bytes: bytes, tmp_path: Path) -> None:
    counts = _work_at_0003(test_settings, tmp_path / "scratch.db", photo_bytes)
    assert counts["inspections"] == 2 and counts["photos"] == 4 and counts["step_results"] == 8
    assert counts["audit_events"] > 10 and counts["users"] == 3
    with Database(test_settings.database_url).engine.connect() as conn:
        assert "declared_value" not in {c["name"] for c in inspect(conn).get_columns("inspections")}

    station = open_station(test_settings)
    try:
        ctx = station.ctx
        assert migrate.current_revision(ctx.db.engine) == migrate.head_revision()
        with ctx.db.read() as session:
            for model in (User, Inspection, StepResult, Photo):
                assert session.scalar(select(func.count()).select_from(model)) == counts[model.__tablename__]
            # Every old event is kept; the only new one is this deployment's creation when it first opens
            # (its root key and serial prefix, docs/trust.md).
            actions = list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))
            assert len(actions) == counts["audit_events"] + 1 and actions[-1] == "deployment.created"
            # Migration 0006 copied each item's declared value onto its inspections.
            values = dict(session.execute(select(Inspection.verdict, Inspection.declared_value)).all())
        assert values == {"inconclusive": 900.0, "pass": 80.0}
        report = verify_integrity(ctx)
        assert report.ok, report.lines()
        assert report.events_checked == counts["audit_events"] + 1 and report.photos_checked == 1

        # The people can still log in, and the desk works on the upgraded rows (no random sample, so
        # only what must be reviewed is waiting).
        morgan = station.users.login("B-2", "3456")
        desk = dataclasses.replace(ctx, settings=ctx.settings.with_changes(review_sample_rate=0.0))
        [waiting] = review_queue(desk, morgan, QueueFilter(sort="declared_value"))
        assert (waiting.item_code, waiting.verdict, waiting.declared_value) == ("OLD-UNSURE", "inconclusive",
                                                                                900.0)
        assert "inconclusive" in waiting.reasons and waiting.risk >= 1  # at least: high value
        # A review of an inconclusive item decides it (issue 16).
        station.reviews.review(morgan, waiting.inspection_id, "fail", "stitching is uneven on a second look")
        assert review_queue(desk, morgan, QueueFilter(sort="declared_value")) == []
        # New events continue the old chain.
        after = verify_integrity(ctx)
        assert after.ok and after.events_checked > counts["audit_events"]
    finally:
        station.close()
