"""PostgreSQL tests: the service fixtures of tests/services, with settings pointing at a fresh PG database."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspector.config import Settings, load_settings

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
