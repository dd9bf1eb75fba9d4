"""PostgreSQL tests: the service fixtures of tests/services, with settings pointing at a fresh PG database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from inspector.config import Settings, load_settings
from tests.postgres_server import PostgresServer, remove_server, start_server

# The service fixtures are reused as they are; only `settings` changes backend.
from tests.services.conftest import (  # noqa: F401
    people,
    photo_bytes,
    services,
    test_settings,
)


@pytest.fixture
def settings(home: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> Settings:
    # The way a warehouse station is configured: the environment names the shared server.
    monkeypatch.setenv("INSPECTOR_DATABASE_URL", pg_url)
    return load_settings()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(scope="module")
def own_server(postgres_server: object) -> Iterator[PostgresServer]:
    """A server of its own: the module's tests stop and restart it under the stations' feet."""
    server = start_server()
    yield server
    remove_server(server)
