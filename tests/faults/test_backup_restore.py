"""docs/operations.md's SQLite backup works: an online backup taken while a station writes restores whole."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from tests.helpers.warehouse import Warehouse, tally

pytestmark = pytest.mark.slow


def test_online_backup_while_a_station_writes_restores_and_verifies(tmp_path: Path) -> None:
    live = Warehouse(tmp_path / "live", f"sqlite:///{tmp_path / 'live' / 'inspector.db'}")
    live.create_users()
    journal = tmp_path / "journal.txt"
    worker = live.start_worker("bench-1", "BK", 30, journal)
    try:
        while not journal.exists() or "finish" not in journal.read_text():
            assert worker.poll() is None, worker.communicate()[1]
            time.sleep(0.1)
        # The documented backup: SQLite's online backup API, then the photos (after the database).
        backup = tmp_path / "backup"
        backup.mkdir()
        source = sqlite3.connect(tmp_path / "live" / "inspector.db")
        target = sqlite3.connect(backup / "inspector.db")
        source.backup(target)
        target.close()
        source.close()
        shutil.copytree(live.photo_dir, backup / "photos")
    finally:
        _, err = worker.communicate(timeout=300)
    assert worker.returncode == 0, err

    restored = Warehouse(tmp_path / "restored", f"sqlite:///{tmp_path / 'restored' / 'inspector.db'}")
    shutil.copy(backup / "inspector.db", tmp_path / "restored" / "inspector.db")
    shutil.copytree(backup / "photos", restored.photo_dir)
    verify = restored.cli("audit", "verify")
    assert verify.returncode == 0, verify.stdout + verify.stderr
    station = restored.open()
    try:
        counted = tally(station)
    finally:
        station.close()
    assert 1 <= counted.finished <= 30 and counted.duplicate_results == []
    # sqlite3's own ".backup" command, as written in the docs, gives the same.
    if shutil.which("sqlite3"):
        dot = subprocess.run(["sqlite3", str(tmp_path / "live" / "inspector.db"),
                              f".backup '{tmp_path / 'dot-backup.db'}'"], capture_output=True, text=True)
        assert dot.returncode == 0, dot.stderr
        assert (tmp_path / "dot-backup.db").stat().st_size > 0
