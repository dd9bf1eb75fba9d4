"""PIN lockout (NIST SP 800-63B §5.2.2): 5 wrong PINs lock a badge for a growing delay; an admin unlocks;
every failure, lock and unlock is an audit event carrying the user's resulting state."""

from __future__ import annotations

import json
import statistics
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from inspector.errors import PermissionDenied
from inspector.security.pins import lock_for
from inspector.security.roles import Actor
from inspector.services.station import StationServices
from inspector.services.users import LOGIN_FAILED
from inspector.storage.models import AuditEvent, User

LOCKED = "Too many wrong PINs: B-1 is locked"


def _wrong(services: StationServices, times: int, badge: str = "B-1") -> list[str]:
    said = []
    for _ in range(times):
        with pytest.raises(PermissionDenied) as refused:
            services.users.login(badge, "0000")
        said.append(str(refused.value))
    return said


def _user_events(services: StationServices, user_id: int) -> list[tuple[str, dict[str, object]]]:
    with services.ctx.db.read() as session:
        rows = session.execute(select(AuditEvent.action, AuditEvent.data).where(
            AuditEvent.entity == "user", AuditEvent.entity_id == str(user_id)).order_by(AuditEvent.seq))
        return [(action, json.loads(data)) for action, data in rows]


def _let_the_lock_expire(services: StationServices, user_id: int) -> None:
    # The clock moves on: the lock ended a moment ago (the only change made outside the service).
    with services.ctx.db.transaction() as session:
        session.execute(update(User).where(User.id == user_id)
                        .values(locked_until=datetime.now(UTC) - timedelta(seconds=1)))


def test_the_delay_grows() -> None:
    assert [lock_for(n) for n in (1, 4, 6, 9)] == [None] * 4
    assert [lock_for(n) for n in (5, 10, 15, 20)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert lock_for(500) == timedelta(days=1)


def test_five_wrong_pins_lock_the_badge_even_against_the_right_pin(
    services: StationServices, people: dict[str, Actor]
) -> None:
    alex = people["alex"]
    said = _wrong(services, 5)
    assert said[:4] == [LOGIN_FAILED] * 4
    assert said[4].startswith(LOCKED) and "for 1 more minute" in said[4] and "an admin can unlock" in said[4]
    with pytest.raises(PermissionDenied, match=LOCKED):
        services.users.login("B-1", "1234")  # the right PIN, but the badge is locked
    events = _user_events(services, alex.user_id)
    failures = [d for a, d in events if a == "user.login_failed"]
    assert [d["failed_pins"] for d in failures] == [1, 2, 3, 4, 5]
    [(_, locked)] = [(a, d) for a, d in events if a == "user.locked"]
    assert locked["lock_seconds"] == 60 and locked["locked_until"] == failures[-1]["locked_until"]
    assert events[-1][0] == "user.login_refused" and events[-1][1]["reason"] == "locked"


def test_the_next_run_of_wrong_pins_locks_twice_as_long(
    services: StationServices, people: dict[str, Actor]
) -> None:
    alex = people["alex"]
    _wrong(services, 5)
    _let_the_lock_expire(services, alex.user_id)
    said = _wrong(services, 5)
    assert said[:4] == [LOGIN_FAILED] * 4 and "for 2 more minutes" in said[4]
    locks = [d["lock_seconds"] for a, d in _user_events(services, alex.user_id) if a == "user.locked"]
    assert locks == [60, 120]


def test_a_good_login_forgets_earlier_wrong_pins(services: StationServices, people: dict[str, Actor]) -> None:
    _wrong(services, 4)
    services.users.login("B-1", "1234")
    assert _wrong(services, 4) == [LOGIN_FAILED] * 4  # 4 + 4 wrong, but not in a row


def test_an_admin_unlocks_and_nobody_else_can(services: StationServices, people: dict[str, Actor]) -> None:
    alex = people["alex"]
    _wrong(services, 5)
    with pytest.raises(PermissionDenied):
        services.users.unlock(people["morgan"], "B-1")
    listed = {u.badge_code: u for u in services.users.list_users(people["admin"])}
    assert listed["B-1"].locked_until is not None and listed["B-2"].locked_until is None
    view = services.users.unlock(people["admin"], "B-1")
    assert view.locked_until is None
    services.users.login("B-1", "1234")
    data = next(d for a, d in _user_events(services, alex.user_id) if a == "user.unlocked")
    assert data["failed_pins"] == 0 and data["locked_until"] is None


def test_the_lockout_state_replays_from_the_events(services: StationServices,
                                                   people: dict[str, Actor]) -> None:
    """Each user event states the whole resulting row: the last one equals the table, at every point."""
    alex = people["alex"]
    for step in (lambda: _wrong(services, 3), lambda: _wrong(services, 2),
                 lambda: services.users.unlock(people["admin"], alex.user_id), lambda: _wrong(services, 1),
                 lambda: services.users.login("B-1", "1234")):
        step()
        with services.ctx.db.read() as session:
            row = session.get(User, alex.user_id)
            assert row is not None
            said = _user_events(services, alex.user_id)[-1][1]
            until = row.locked_until.replace(tzinfo=UTC) if row.locked_until else None
            assert (said["failed_pins"], said["locked_until"]) == (
                row.failed_pins, until.isoformat() if until else None)
            assert (said["role"], said["active"], said["badge"]) == (row.role, row.active, row.badge_code)


@pytest.mark.real_pin_cost
def test_an_unknown_badge_is_refused_as_slowly_as_a_known_one(
    services: StationServices, people: dict[str, Actor]
) -> None:
    """Timing must not tell which badges exist: median refusal times within 10%.

    Measured as the refusing thread's CPU time: on a shared test machine the wall time is mostly other
    processes' turns (4-5x the CPU time at load 15 on 2 cores) and varies +-10% by itself; both refusals
    do the same I/O (one read, one PIN check, one write with one audit event). `benchmarks/login_timing.py`
    reports the wall times."""
    known: list[float] = []
    unknown: list[float] = []
    for attempt in range(24):
        for badge, times in (("B-1", known), ("B-404", unknown))[:: 1 if attempt % 2 else -1]:
            started = time.thread_time()
            with pytest.raises(PermissionDenied, match="Unknown user or wrong PIN"):
                services.users.login(badge, "0000")
            times.append(time.thread_time() - started)
        if attempt % 4 == 3:
            services.users.login("B-1", "1234")  # not timed: keeps B-1 below the lockout
    medians = statistics.median(known), statistics.median(unknown)
    assert max(medians) <= min(medians) * 1.10, f"known {medians[0]:.4f} s, unknown {medians[1]:.4f} s"
    with services.ctx.db.read() as session:  # the unknown badge's tries are on record too
        assert len(session.scalars(select(AuditEvent).where(AuditEvent.action == "login.failed")).all()) == 24
