"""Each way a database fails a station is named for what it is, in one sentence, never a traceback."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from inspector.config import Settings
from inspector.errors import StorageUnavailable
from inspector.security.roles import Actor
from inspector.services.station import StationServices, open_station
from tests.faults.test_storage_faults import _fill, tiny_disk
from tests.helpers.cli_run import CliRun, run_cli


def _one_sentence(result: CliRun, *words: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    for word in words:
        assert word in result.stderr


def _station_database(settings: Settings) -> Path:
    open_station(settings).close()
    database = make_url(settings.database_url).database
    assert database
    return Path(database)


def test_a_file_that_is_not_a_database(settings: Settings) -> None:
    database = _station_database(settings)
    database.write_bytes(os.urandom(16384))
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    with pytest.raises(StorageUnavailable, match="is damaged .*file is not a database.*backup"):
        open_station(settings)
    _one_sentence(run_cli(settings.home, "audit", "verify"), "damaged", "backup")


def test_a_truncated_database(settings: Settings) -> None:
    database = _station_database(settings)
    with sqlite3.connect(database) as connection:  # fold the WAL in, so the file holds everything
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = database.stat().st_size
    with database.open("r+b") as handle:
        handle.truncate(size // 2)
    result = run_cli(settings.home, "audit", "verify")
    _one_sentence(result, "damaged", "malformed")


@pytest.fixture
def read_only_home(settings: Settings) -> Iterator[Settings]:
    """A station whose data folder is a real filesystem remounted read-only after it was set up."""
    with tiny_disk(settings.home / "db", size="8m") as real:
        if not real:
            pytest.skip("mounting a filesystem needs root here")
        moved = settings.with_changes(database_url=f"sqlite:///{settings.home / 'db' / 'inspector.db'}")
        _station_database(moved)
        assert subprocess.run(["mount", "-o", "remount,ro", str(settings.home / "db")]).returncode == 0
        yield moved


def test_a_read_only_data_folder(read_only_home: Settings) -> None:
    with pytest.raises(StorageUnavailable, match="read-only") as refused:
        open_station(read_only_home)
    assert "connection" not in str(refused.value)


def test_a_full_disk_while_recording_a_step(settings: Settings, test_settings: Settings) -> None:
    folder = settings.home / "small"
    with tiny_disk(folder, size="2m") as real:
        if not real:
            pytest.skip("mounting a filesystem needs root here")
        full = test_settings.with_changes(database_url=f"sqlite:///{folder / 'inspector.db'}")
        services: StationServices = open_station(full)
        try:
            users = services.users
            users.create_first_admin("Ada", "9999", "B-9")
            ada: Actor = users.login("B-9", "9999")
            started = services.inspections.start_or_resume(ada, "DISK-1", style_code="TR1000-001")
            filler = _fill(folder, leave=0)
            with pytest.raises(StorageUnavailable, match="disk holding the database is full") as refused:
                for attempt in range(50):  # the WAL may still have room for a few small commits
                    services.inspections.record_step(ada, started.inspection.id, "smell", "pass",
                                                     note="x" * 4000, client_ref=f"full-{attempt}")
            assert "\n" not in str(refused.value)
            filler.unlink()
            services.inspections.record_step(ada, started.inspection.id, "smell", "pass", client_ref="after")
        finally:
            services.close()


@pytest.mark.postgres
def test_a_role_that_does_not_exist(pg_url: str, tmp_path: Path) -> None:
    url = make_url(pg_url).set(username="nobody_here", password="x").render_as_string(hide_password=False)
    result = run_cli(tmp_path / "home", "audit", "verify", database_url=url)
    _one_sentence(result, "refused the login of 'nobody_here'", "INSPECTOR_DATABASE_URL")


@pytest.mark.postgres
def test_a_database_that_does_not_exist(pg_url: str, tmp_path: Path) -> None:
    url = make_url(pg_url).set(database="no_such_db").render_as_string(hide_password=False)
    result = run_cli(tmp_path / "home", "audit", "verify", database_url=url)
    _one_sentence(result, "'no_such_db' does not exist")
