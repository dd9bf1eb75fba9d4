"""Many stations hitting the same rows at the same moment on PostgreSQL: no error reaches the user."""

from __future__ import annotations

import threading

import pytest

from inspector.config import Settings
from inspector.security.roles import Actor, Role
from inspector.services.integrity import verify_integrity
from inspector.services.station import StationServices, open_station

pytestmark = pytest.mark.postgres


def _stations(settings: Settings, count: int) -> list[StationServices]:
    return [open_station(settings.with_changes(station_name=f"bench-{n}")) for n in range(count)]


def _together(work: list[threading.Thread]) -> None:
    for thread in work:
        thread.start()
    for thread in work:
        thread.join()


def test_first_inspections_of_many_stations_at_once(test_settings: Settings, photo_bytes: bytes) -> None:
    """Eight stations start their first inspection together: one checklist snapshot, eight inspections."""
    stations = _stations(test_settings, 8)
    try:
        stations[0].users.create_first_admin("Ada", "9999", "B-9")
        admin = stations[0].users.login("B-9", "9999")
        stations[0].users.create_user(admin, "Alex", "1234", Role.AUTHENTICATOR, "B-1")
        alex: Actor = stations[0].users.login("B-1", "1234")
        barrier = threading.Barrier(len(stations))
        errors: list[BaseException] = []

        def first_inspection(number: int) -> None:
            try:
                barrier.wait()
                station = stations[number]
                code = f"FIRST-{number}"
                started = station.inspections.start_or_resume(alex, code, style_code="TR1000-001")
                station.inspections.add_photo(alex, started.inspection.id, "box-label", photo_bytes,
                                              client_ref=f"first-{number}")
            except BaseException as exc:
                errors.append(exc)

        _together([threading.Thread(target=first_inspection, args=(n,)) for n in range(len(stations))])
        assert errors == []
        assert len(stations[0].inspections.unfinished()) == len(stations)
        assert verify_integrity(stations[0].ctx).ok
    finally:
        for station in stations:
            station.close()


def test_same_item_scanned_at_two_stations_at_once(test_settings: Settings) -> None:
    """Two benches scan the same new item together: one item, one open inspection, both see it."""
    stations = _stations(test_settings, 4)
    try:
        stations[0].users.create_first_admin("Ada", "9999", "B-9")
        admin = stations[0].users.login("B-9", "9999")
        barrier = threading.Barrier(len(stations))
        seen: list[int] = []
        errors: list[BaseException] = []

        def scan(number: int) -> None:
            try:
                barrier.wait()
                inspections = stations[number].inspections
                started = inspections.start_or_resume(admin, "TWIN-1", style_code="TR1000-001")
                seen.append(started.inspection.id)
            except BaseException as exc:
                errors.append(exc)

        _together([threading.Thread(target=scan, args=(n,)) for n in range(len(stations))])
        assert errors == []
        assert len(set(seen)) == 1
        assert len(stations[0].inspections.unfinished()) == 1
    finally:
        for station in stations:
            station.close()
