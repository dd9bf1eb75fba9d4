"""`inspector db upgrade` refreshes the planner's statistics (the desk's plans at scale depend on them;
benchmarks/desk.py shows them with EXPLAIN)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from inspector.cli.main import main
from inspector.config import Settings
from inspector.security.roles import Actor
from inspector.services.station import StationServices
from tests.certificates.test_service import ALL_PASS, _finish


def _stat_indexes(settings: Settings) -> set[str]:
    path = Path(make_url(settings.database_url).database or "")
    with sqlite3.connect(path) as connection:
        try:
            return {row[0] for row in connection.execute("SELECT idx FROM sqlite_stat1")}
        except sqlite3.OperationalError:
            return set()


def test_db_upgrade_refreshes_the_planner_statistics(
        services: StationServices, people: dict[str, Actor], photo_bytes: bytes,
        test_settings: Settings, capsys) -> None:
    for number in range(3):
        _finish(services, people["alex"], photo_bytes, f"ITEM-S{number}", ALL_PASS)
    with services.ctx.db.transaction() as session:
        session.execute(text("DELETE FROM sqlite_stat1"))  # as if never analysed
    assert "ix_inspections_min_score" not in _stat_indexes(test_settings)

    assert main(["db", "upgrade"]) == 0
    assert "planner statistics refreshed" in capsys.readouterr().out
    assert "ix_inspections_min_score" in _stat_indexes(test_settings)

