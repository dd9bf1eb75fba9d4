"""Many stations hitting the same rows at the same moment on PostgreSQL: no error reaches the user."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from inspector.config import Settings, load_settings
from inspector.security.roles import Actor, Role
from inspector.services.integrity import verify_integrity
from inspector.services.station import StationServices, open_station
from inspector.storage.models import Inspection, User

REPO = Path(__file__).resolve().parents[2]

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
        # A login holds at its own station only: Alex logs in at each.
        alexes: list[Actor] = [station.users.login("B-1", "1234") for station in stations]
        barrier = threading.Barrier(len(stations))
        errors: list[BaseException] = []

        def first_inspection(number: int) -> None:
            try:
                barrier.wait()
                station = stations[number]
                code = f"FIRST-{number}"
                alex = alexes[number]
                started = station.inspections.start_or_resume(alex, code, style_code="TR1000-001")
                station.inspections.add_photo(alex, started.inspection.id, "box-label", photo_bytes,
                                              client_ref=f"first-{number}")
            except BaseException as exc:
                errors.append(exc)

        _together([threading.Thread(target=first_inspection, args=(n,)) for n in range(len(stations))])
        assert errors == []
        assert len(stations[0].inspections.unfinished(alexes[0])) == len(stations)
        assert verify_integrity(stations[0].ctx).ok
    finally:
        for station in stations:
            station.close()


def test_same_item_scanned_at_two_stations_at_once(test_settings: Settings) -> None:
    """Two benches scan the same new item together: one item, one open inspection, both see it."""
    stations = _stations(test_settings, 4)
    try:
        stations[0].users.create_first_admin("Ada", "9999", "B-9")
        admins = [station.users.login("B-9", "9999") for station in stations]
        barrier = threading.Barrier(len(stations))
        seen: list[int] = []
        errors: list[BaseException] = []

        def scan(number: int) -> None:
            try:
                barrier.wait()
                inspections = stations[number].inspections
                started = inspections.start_or_resume(admins[number], "TWIN-1", style_code="TR1000-001")
                seen.append(started.inspection.id)
            except BaseException as exc:
                errors.append(exc)

        _together([threading.Thread(target=scan, args=(n,)) for n in range(len(stations))])
        assert errors == []
        assert len(set(seen)) == 1
        assert len(stations[0].inspections.unfinished(admins[0])) == 1
    finally:
        for station in stations:
            station.close()


@pytest.mark.slow
def test_four_stations_seed_the_demo_at_once(pg_url: str, tmp_path: Path) -> None:
    """`inspector demo` started on 4 stations against one server: all succeed, one set of demo users."""
    procs = []
    for number in range(4):
        env = {k: v for k, v in os.environ.items() if not k.startswith("INSPECTOR_")}
        env.update(INSPECTOR_HOME=str(tmp_path / f"station-{number}"), INSPECTOR_DATABASE_URL=pg_url,
                   INSPECTOR_PHOTO_DIR=str(tmp_path / "shared-photos"))
        command = [sys.executable, "-m", "inspector.cli.main", "demo", "--inspections", "1"]
        procs.append(subprocess.Popen(command, env=env, cwd=REPO, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True))
    # communicate, not wait: it drains both pipes (a full one would block the station) and closes them.
    results = [(proc.communicate(timeout=600)[1], proc.returncode) for proc in procs]
    assert [code for _, code in results] == [0, 0, 0, 0], results
    _approve_all_stations(pg_url, tmp_path)
    station = open_station(load_settings({"INSPECTOR_HOME": str(tmp_path / "check"),
                                          "INSPECTOR_DATABASE_URL": pg_url,
                                          "INSPECTOR_PHOTO_DIR": str(tmp_path / "shared-photos")}))
    try:
        with station.ctx.db.read() as session:
            assert session.scalar(select(func.count()).select_from(User)) == 4
            assert session.scalar(select(func.count(func.distinct(Inspection.item_id)))) == 4
        assert verify_integrity(station.ctx).ok
    finally:
        station.close()


def _approve_all_stations(pg_url: str, tmp_path: Path) -> None:
    """Each station has its own key; an admin approves the others at the one that created the deployment
    (it holds the root key, docs/trust.md): then every station's audit events verify."""
    [root_home] = [p for p in tmp_path.glob("station-*") if (p / "keys" / "root-key.pem").exists()]
    station = open_station(load_settings({"INSPECTOR_HOME": str(root_home), "INSPECTOR_DATABASE_URL": pg_url,
                                          "INSPECTOR_PHOTO_DIR": str(tmp_path / "shared-photos")}))
    try:
        admin = station.users.login("B-9001", "9999")
        for view in station.certificates.trust.key_list():
            if view.state == "pending":
                station.certificates.trust.approve(admin, view.kid)
    finally:
        station.close()
