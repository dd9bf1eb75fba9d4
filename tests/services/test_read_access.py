"""Reads check the login session too: detail, photos, proposals, value checks, lists and printouts are
refused without a live session (none, made up, logged out, expired, switched-off user), and an
authenticator sees only the inspections they took part in."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from inspector.errors import InvalidState, NotFound, PermissionDenied
from inspector.security.roles import Actor, Role
from inspector.services.calibration import CalibrationService
from inspector.services.identity import token_digest
from inspector.services.queries import list_inspections
from inspector.services.station import StationServices
from inspector.storage.models import LoginSession

Read = Callable[[Actor], object]


def _reads(services: StationServices, inspection_id: int, sha256: str) -> dict[str, Read]:
    inspections = services.inspections
    return {
        "detail": lambda a: inspections.detail(a, inspection_id),
        "get": lambda a: inspections.get(a, inspection_id),
        "propose": lambda a: inspections.propose(a, inspection_id),
        "check_value": lambda a: inspections.check_value(a, inspection_id, "box-label", "TR1000-001"),
        "photo_bytes": lambda a: inspections.photo_bytes(a, sha256),
        "unfinished": lambda a: inspections.unfinished(a),
        "item": lambda a: inspections.item(a, "TR1000-001-R1"),
        "list": lambda a: list_inspections(services.ctx, a),
        "pending calibration": lambda a: CalibrationService(services.ctx).pending_for(a),
    }


@pytest.fixture
def opened(services: StationServices, people: dict[str, Actor], photo_bytes: bytes) -> tuple[int, str]:
    alex = people["alex"]
    inspection_id = services.inspections.start_or_resume(
        alex, "TR1000-001-R1", style_code="TR1000-001").inspection.id
    photo = services.inspections.add_photo(alex, inspection_id, "box-label", photo_bytes)
    return inspection_id, photo.sha256


def test_every_read_refuses_a_forged_ended_or_switched_off_session(
    services: StationServices, people: dict[str, Actor], opened: tuple[int, str]
) -> None:
    reads = _reads(services, *opened)
    alex = people["alex"]
    for read in reads.values():
        read(alex)  # the holder's live session reads everything
        with pytest.raises(PermissionDenied, match="Log in first"):  # an Actor built by hand
            read(Actor(alex.user_id, alex.name, Role.ADMIN))
        with pytest.raises(PermissionDenied, match="ended"):  # a made-up token
            read(dataclasses.replace(alex, token="a-token-nobody-was-given"))
    services.users.logout(alex)
    for read in reads.values():
        with pytest.raises(PermissionDenied, match="ended"):
            read(alex)
    expired = services.users.login("B-1", "1234")
    with services.ctx.db.transaction() as session:  # the shift ended 12 hours ago
        session.execute(update(LoginSession).where(LoginSession.token_hash == token_digest(expired.token))
                        .values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    for read in reads.values():
        with pytest.raises(PermissionDenied, match="ended"):
            read(expired)
    again = services.users.login("B-1", "1234")
    services.users.set_active(people["admin"], again.user_id, False)
    for read in reads.values():
        with pytest.raises(PermissionDenied, match="switched off"):
            read(again)


def test_an_authenticator_sees_only_their_own_a_supervisor_every_one(
    services: StationServices, people: dict[str, Actor], opened: tuple[int, str]
) -> None:
    inspection_id, sha256 = opened
    services.users.create_user(people["admin"], "Jordan", "2345", Role.AUTHENTICATOR, "B-3")
    jordan = services.users.login("B-3", "2345")
    reads = _reads(services, inspection_id, sha256)
    for name in ("detail", "get", "propose", "check_value", "photo_bytes"):
        with pytest.raises(PermissionDenied, match="another authenticator's"):
            reads[name](jordan)
        reads[name](people["morgan"])  # a supervisor may read any inspection
    assert services.inspections.unfinished(jordan) == []
    assert list_inspections(services.ctx, jordan) == []
    assert [v.id for v in services.inspections.unfinished(people["morgan"])] == [inspection_id]
    assert [row.id for row in list_inspections(services.ctx, people["morgan"])] == [inspection_id]
    with pytest.raises(PermissionDenied, match="another authenticator's"):  # nor flag it for a second look
        services.inspections.request_second_opinion(jordan, inspection_id, "looks odd")
    with pytest.raises(NotFound):  # a stored file no photo row names is nobody's to read
        services.inspections.photo_bytes(people["morgan"], "0" * 64)
    # After a take-over the first holder still sees what they recorded; the new holder sees it too.
    services.inspections.take_over(people["morgan"], inspection_id, "Alex went home")
    assert services.inspections.detail(people["alex"], inspection_id).inspection.id == inspection_id


def test_printing_needs_a_session_and_an_inspection_one_may_see(
    services: StationServices, people: dict[str, Actor], opened: tuple[int, str]
) -> None:
    inspection_id, _sha = opened
    certificates = services.certificates
    services.users.create_user(people["admin"], "Jordan", "2345", Role.AUTHENTICATOR, "B-3")
    jordan = services.users.login("B-3", "2345")
    alex = people["alex"]
    for make in (lambda a: certificates.certificate_pdf(a, inspection_id),
                 lambda a: certificates.tag(a, inspection_id, "2x1in")):
        with pytest.raises(PermissionDenied, match="Log in first"):
            make(Actor(alex.user_id, alex.name, Role.ADMIN))
        with pytest.raises(PermissionDenied, match="another authenticator's"):
            make(jordan)
        with pytest.raises(InvalidState, match="not finished"):  # the holder gets as far as the state
            make(alex)
