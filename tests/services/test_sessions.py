"""Identity comes from a login session the services check, never from an Actor the caller built."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from inspector.config import Settings
from inspector.errors import PermissionDenied
from inspector.security.roles import Actor, Role
from inspector.services.identity import token_digest
from inspector.services.station import StationServices, open_station
from inspector.storage.models import AuditEvent, LoginSession, User


def _start(services: StationServices, actor: Actor, code: str = "TR1000-001-S1") -> int:
    return services.inspections.start_or_resume(actor, code, style_code="TR1000-001").inspection.id


def test_a_hand_built_actor_is_refused(services: StationServices, people: dict[str, Actor]) -> None:
    admin = people["admin"]
    forged = Actor(user_id=admin.user_id, name=admin.name, role=Role.ADMIN)  # no session token
    with pytest.raises(PermissionDenied, match="Log in first"):
        services.users.create_user(forged, "Mallory", "1111", Role.ADMIN)
    with pytest.raises(PermissionDenied, match="Log in first"):
        _start(services, forged)
    made_up = dataclasses.replace(admin, token="not-a-token-anyone-was-given")
    with pytest.raises(PermissionDenied, match="ended"):
        services.users.create_user(made_up, "Mallory", "1111", Role.ADMIN)


def test_an_authenticator_claiming_admin_cannot_create_an_admin(
    services: StationServices, people: dict[str, Actor]
) -> None:
    alex = people["alex"]
    claimed = dataclasses.replace(alex, role=Role.ADMIN)  # Alex's real session, a role he does not hold
    with pytest.raises(PermissionDenied, match=r"Alex \(authenticator\) may not manage users"):
        services.users.create_user(claimed, "Mallory", "1111", Role.ADMIN)
    # Someone else's id on Alex's session is refused as well.
    posing = dataclasses.replace(alex, user_id=people["admin"].user_id, role=Role.ADMIN)
    with pytest.raises(PermissionDenied, match="not the user"):
        services.users.create_user(posing, "Mallory", "1111", Role.ADMIN)
    with services.ctx.db.read() as session:
        assert session.scalar(select(User).where(User.name == "Mallory")) is None
        assert not session.scalars(select(AuditEvent).where(AuditEvent.action == "user.created",
                                                            AuditEvent.actor_id == alex.user_id)).all()


def test_a_logged_out_or_expired_session_is_refused(services: StationServices,
                                                     people: dict[str, Actor]) -> None:
    alex = people["alex"]
    inspection_id = _start(services, alex)
    services.users.logout(alex)
    with pytest.raises(PermissionDenied, match="ended"):
        services.inspections.record_step(alex, inspection_id, "smell", "pass")
    again = services.users.login("B-1", "1234")
    services.inspections.record_step(again, inspection_id, "smell", "pass")
    with services.ctx.db.transaction() as session:  # the shift ended 12 hours ago
        session.execute(update(LoginSession).where(LoginSession.token_hash == token_digest(again.token))
                        .values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    with pytest.raises(PermissionDenied, match="ended"):
        services.inspections.record_step(again, inspection_id, "smell", "pass")
    with services.ctx.db.read() as session:
        actions = list(session.scalars(select(AuditEvent.action).where(
            AuditEvent.entity == "user", AuditEvent.entity_id == str(alex.user_id))))
    assert actions.count("user.logout") == 1 and actions.count("user.login") == 2


def test_a_switched_off_users_session_is_refused(services: StationServices, people: dict[str, Actor]) -> None:
    alex = people["alex"]
    services.users.set_active(people["admin"], alex.user_id, False)
    with pytest.raises(PermissionDenied, match="switched off"):
        _start(services, alex)
    with pytest.raises(PermissionDenied, match="switched off"):
        services.users.login("B-1", "1234")
    services.users.set_active(people["admin"], alex.user_id, True)  # back on: the old login stays ended
    with pytest.raises(PermissionDenied, match="ended"):
        _start(services, alex)
    _start(services, services.users.login("B-1", "1234"))


def test_a_role_change_takes_effect_on_the_next_call(services: StationServices,
                                                      people: dict[str, Actor]) -> None:
    morgan = people["morgan"]
    services.users.set_role(people["admin"], morgan.user_id, Role.AUTHENTICATOR)
    with pytest.raises(PermissionDenied, match=r"Morgan \(authenticator\) may not take over"):
        services.inspections.take_over(morgan, 1, "covering a shift")
    with services.ctx.db.read() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "user.role_changed")).one()
    assert '"role":"authenticator"' in event.data and '"previous_role":"supervisor"' in event.data


def test_the_database_holds_only_the_tokens_hash(services: StationServices, people: dict[str, Actor]) -> None:
    alex = people["alex"]
    with services.ctx.db.read() as session:
        stored = list(session.scalars(select(LoginSession.token_hash)))
    assert token_digest(alex.token) in stored and alex.token not in stored
    assert alex.token not in repr(alex)


def test_a_login_holds_at_its_own_station_only(test_settings: Settings, services: StationServices,
                                               people: dict[str, Actor]) -> None:
    other = open_station(test_settings.with_changes(station_name="bench-2"))
    try:
        with pytest.raises(PermissionDenied, match="station bench-1"):
            other.inspections.start_or_resume(people["alex"], "TR1000-001-S2", style_code="TR1000-001")
        there = other.users.login("B-1", "1234")
        other.inspections.start_or_resume(there, "TR1000-001-S2", style_code="TR1000-001")
    finally:
        other.close()


def test_users_list_needs_an_admin(services: StationServices, people: dict[str, Actor]) -> None:
    with pytest.raises(PermissionDenied):
        services.users.list_users(people["morgan"])
    with pytest.raises(PermissionDenied):
        services.users.list_users(Actor(1, "Ada", Role.ADMIN))
    assert {u.name for u in services.users.list_users(people["admin"])} == {"Ada", "Alex", "Morgan"}
