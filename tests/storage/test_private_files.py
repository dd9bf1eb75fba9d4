"""The data folder, keys, settings and the SQLite database (with its -wal and -shm) are the owner's only."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from inspector.config import Settings, save_settings
from inspector.private_files import owner_only_sqlite
from inspector.security import keys
from inspector.services.station import open_station


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> object:
    """The most open umask a user might have: what the files get must not depend on it."""
    previous = os.umask(0)
    yield
    os.umask(previous)


def test_a_new_station_keeps_its_files_to_its_owner(settings: Settings, open_umask: object) -> None:
    station = open_station(settings)
    try:
        station.users.create_first_admin("Ada", "9999", "B-9")  # a write: the WAL and its index exist
        keys.load_or_create(settings.keys_dir)
        save_settings(settings.with_changes(station_name="bench-7"))
        database = Path(settings.database_url.removeprefix("sqlite:///"))
        wal, shm = database.with_name(database.name + "-wal"), database.with_name(database.name + "-shm")
        assert wal.exists() and shm.exists()
        for path in (database, wal, shm, settings.settings_file, settings.keys_dir / keys.PRIVATE_KEY_FILE):
            assert _mode(path) & 0o077 == 0, f"{path.name} is {oct(_mode(path))}"
        for folder in (settings.home, settings.keys_dir, settings.photo_dir):
            assert _mode(folder) == 0o700, f"{folder} is {oct(_mode(folder))}"
    finally:
        station.close()


def test_an_old_world_readable_database_is_tightened(tmp_path: Path) -> None:
    database = tmp_path / "inspector.db"
    for path in (database, database.with_name("inspector.db-wal")):
        path.write_bytes(b"")
        os.chmod(path, 0o644)
    owner_only_sqlite(database)
    assert _mode(database) == 0o600 and _mode(database.with_name("inspector.db-wal")) == 0o600


def test_a_shared_photo_folder_keeps_its_mode(settings: Settings, tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir(mode=0o755)
    os.chmod(share, 0o755)
    station = open_station(settings.with_changes(photo_dir=share))
    station.close()
    assert _mode(share) == 0o755  # stations of other users read it
