"""Shared fixtures: every test gets its own INSPECTOR_HOME so nothing touches a real station."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from inspector.config import Settings, load_settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent
# How long a test's threads may take to finish after it; a clean shutdown takes milliseconds.
LEFTOVER_GRACE_MS = 2000


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "home"
    monkeypatch.setenv("INSPECTOR_HOME", str(folder))
    for name in list(os.environ):
        if name.startswith("INSPECTOR_") and name != "INSPECTOR_HOME":
            monkeypatch.delenv(name)
    return folder


@pytest.fixture
def settings(home: Path) -> Settings:
    return load_settings()


@pytest.fixture
def backend() -> str:
    """The database the service fixtures use; tests/services parametrises it over SQLite and PostgreSQL."""
    return "sqlite"


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def station(settings: Settings) -> Iterator[object]:
    from inspector.services.station import open_station

    services = open_station(settings)
    yield services
    services.close()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[object]:
    """One PostgreSQL server on loopback for the whole run (tests/postgres_server.py)."""
    from tests.postgres_server import find_bin_dir, remove_server, start_server

    if find_bin_dir() is None:
        reason = "no PostgreSQL server binary (install Debian's postgresql: /usr/lib/postgresql/*/bin)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"CI must run the PostgreSQL tests, but there is {reason}")
        pytest.skip(reason)
    server = start_server()
    yield server
    remove_server(server)


@pytest.fixture
def pg_url(postgres_server: object) -> str:
    """A fresh empty PostgreSQL database on the test run's server."""
    return postgres_server.create_database()  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _cheap_pin_hashing(request: pytest.FixtureRequest) -> Iterator[None]:
    """PINs hash at a test cost in this process (Django's test settings do the same): argon2 at the
    station's cost is ~60-200 ms a hash, and the fixtures hash and check a dozen PINs per test. A
    hash carries its own parameters, so one made at full cost still verifies. Child processes (the
    command line, station workers) and tests marked `real_pin_cost` (timing) keep the station's
    cost; tests/services/test_pin_cost.py checks that cost itself."""
    if request.node.get_closest_marker("real_pin_cost"):
        yield
        return
    from argon2 import PasswordHasher

    from inspector.security import pins

    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pins, "_HASHER", cheap)
        patch.setattr(pins, "_DUMMY_HASH", cheap.hash("000000"))
        yield


@pytest.fixture(autouse=True)
def _no_leftover_threads() -> Iterator[None]:
    """Fail a test that leaves a thread or a Qt thread-pool task running (napari's conftest does this):
    a job outliving its test writes into the next test's database or widgets, and hides hangs."""
    before = set(threading.enumerate())
    yield
    problems: list[str] = []
    if "PySide6.QtCore" in sys.modules:
        from PySide6.QtCore import QThreadPool

        if not QThreadPool.globalInstance().waitForDone(LEFTOVER_GRACE_MS):
            problems.append(f"{QThreadPool.globalInstance().activeThreadCount()} thread-pool task(s)")
    deadline = time.monotonic() + LEFTOVER_GRACE_MS / 1000
    for thread in set(threading.enumerate()) - before:
        if isinstance(thread, threading._DummyThread):  # a Qt thread that once called Python: not ours
            continue
        thread.join(max(0.0, deadline - time.monotonic()))
        if thread.is_alive():
            problems.append(f"thread {thread.name!r}")
    if problems:
        pytest.fail(f"the test left running: {', '.join(problems)}", pytrace=False)
