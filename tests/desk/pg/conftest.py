"""The desk's service tests again, with settings pointing at a fresh PostgreSQL database."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspector.config import Settings, load_settings


@pytest.fixture
def settings(home: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("INSPECTOR_DATABASE_URL", pg_url)
    return load_settings()
