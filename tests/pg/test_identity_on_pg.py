"""Sessions and lockout on PostgreSQL with attempts at once (tests/services runs the rest on both)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from inspector.config import Settings
from inspector.errors import PermissionDenied
from inspector.security.roles import Actor
from inspector.services.station import open_station
from inspector.storage.models import AuditEvent, User

pytestmark = pytest.mark.postgres


def test_wrong_pins_at_many_stations_at_once_all_count(test_settings: Settings,
                                                      people: dict[str, Actor]) -> None:
    """Eight wrong PINs at four stations together: exactly five count, then the badge is locked."""
    stations = [open_station(test_settings.with_changes(station_name=f"bench-{n}")) for n in range(4)]
    barrier = threading.Barrier(8)
    said: list[str] = []

    def attempt(number: int) -> None:
        barrier.wait()
        try:
            stations[number % 4].users.login("B-1", "0000")
        except PermissionDenied as refused:
            said.append(str(refused))

    try:
        threads = [threading.Thread(target=attempt, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        with stations[0].ctx.db.read() as session:
            user = session.scalars(select(User).where(User.badge_code == "B-1")).one()
            counted = {action: n for action, n in session.execute(
                select(AuditEvent.action, func.count()).where(AuditEvent.entity_id == str(user.id))
                .group_by(AuditEvent.action))}
    finally:
        for station in stations:
            station.close()
    assert len(said) == 8
    assert user.failed_pins == 5 and user.locked_until is not None
    assert counted.get("user.login_failed") == 5 and counted.get("user.locked") == 1
    assert counted.get("user.login_refused", 0) == 3
