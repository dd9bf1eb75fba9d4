"""docs/operations.md's PostgreSQL backup works: pg_dump while a station writes, pg_restore, verify."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.helpers.warehouse import Warehouse, tally
from tests.postgres_server import PostgresServer

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def test_pg_dump_while_a_station_writes_restores_and_verifies(postgres_server: PostgresServer,
                                                              tmp_path: Path) -> None:
    server = postgres_server
    live = Warehouse(tmp_path / "live", server.create_database("live"))
    live.create_users()
    journal = tmp_path / "journal.txt"
    worker = live.start_worker("bench-1", "PGBK", 30, journal)
    dump = tmp_path / "inspector.dump"
    connect = ["-h", "127.0.0.1", "-p", str(server.port), "-U", server.user]
    try:
        while not journal.exists() or "finish" not in journal.read_text():
            assert worker.poll() is None, worker.communicate()[1]
            time.sleep(0.1)
        dumped = subprocess.run([str(server.bin_dir / "pg_dump"), *connect, "--format=custom",
                                 f"--file={dump}", live.database_url.rsplit("/", 1)[1]],
                                capture_output=True, text=True)
        assert dumped.returncode == 0, dumped.stderr
        shutil.copytree(live.photo_dir, tmp_path / "photos-backup")
    finally:
        _, err = worker.communicate(timeout=300)
    assert worker.returncode == 0, err

    restored_url = server.create_database("restored")
    restored_db = restored_url.rsplit("/", 1)[1]
    loaded = subprocess.run([str(server.bin_dir / "pg_restore"), *connect, "--no-owner",
                             f"--dbname={restored_db}", str(dump)], capture_output=True, text=True)
    assert loaded.returncode == 0, loaded.stderr
    restored = Warehouse(tmp_path / "restored", restored_url)
    shutil.copytree(tmp_path / "photos-backup", restored.photo_dir)
    upgrade = restored.cli("db", "upgrade")
    assert upgrade.returncode == 0, upgrade.stderr
    verify = restored.cli("audit", "verify")
    assert verify.returncode == 0, verify.stdout + verify.stderr
    station = restored.open()
    try:
        counted = tally(station)
    finally:
        station.close()
    assert 1 <= counted.finished <= 30 and counted.duplicate_results == []
