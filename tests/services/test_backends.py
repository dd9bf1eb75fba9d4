"""Every test in tests/services runs twice: on SQLite and on PostgreSQL (the `backend` fixture)."""

from __future__ import annotations

from inspector.security.roles import Actor
from inspector.services.station import StationServices


def test_the_station_really_runs_on_the_backend_named(services: StationServices, people: dict[str, Actor],
                                                      backend: str) -> None:
    assert services.ctx.db.dialect == backend
    expected = "postgresql+psycopg://" if backend == "postgresql" else "sqlite:///"
    assert services.ctx.settings.database_url.startswith(expected)
