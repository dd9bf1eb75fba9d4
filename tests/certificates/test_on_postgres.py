"""Certificates on PostgreSQL: stations finishing at once draw unique serials; void works there too."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from inspector.config import Settings, load_settings
from inspector.security.roles import Actor
from inspector.services.certificates import attach
from inspector.services.station import StationServices, open_station
from inspector.storage.models import Certificate
from tests.certificates.test_service import ALL_PASS, _finish

pytestmark = pytest.mark.postgres


@pytest.fixture
def settings(home: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("INSPECTOR_DATABASE_URL", pg_url)
    return load_settings()


def test_concurrent_stations_get_unique_serials_and_void_reads_void(
    test_settings: Settings, services: StationServices, people: dict[str, Actor], photo_bytes: bytes
) -> None:
    certs = attach(services)
    stations = [open_station(test_settings.with_changes(station_name=f"bench-{n}")) for n in (2, 3)]
    errors: list[BaseException] = []

    def work(station: StationServices, prefix: str) -> None:
        try:
            alex = station.users.login("B-1", "1234")  # a login holds at its own station only
            for number in range(4):
                _finish(station, alex, photo_bytes, f"{prefix}-{number}", ALL_PASS)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    try:
        for station in stations:
            attach(station)
        threads = [threading.Thread(target=work, args=(s, s.ctx.station_name)) for s in stations]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
    finally:
        for station in stations:
            station.close()
    assert not errors, errors
    with services.ctx.db.read() as session:
        rows = list(
            session.execute(select(Certificate.serial, Certificate.inspection_id, Certificate.payload))
        )
    assert len(rows) == len({serial for serial, _, _ in rows}) == 8
    _, inspection_id, code = rows[0]
    assert certs.verify(code).status == "valid"
    services.reviews.overturn(people["morgan"], inspection_id, "fail", "second look")
    assert certs.verify(code).status == "void"
