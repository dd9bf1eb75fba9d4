"""Only the holder of an inspection records it; a supervisor may take it over (audited); nobody reviews
an inspection in which they recorded anything."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from inspector.errors import PermissionDenied
from inspector.security.roles import Actor, Role
from inspector.services.integrity import verify_integrity
from inspector.services.station import StationServices
from inspector.storage.models import AuditEvent, Inspection

ALL_PASS = {"box-label": "pass", "size-tag": "pass", "stitching": "pass", "smell": "pass"}
VALUES = {"box-label": "TR1000-001", "size-tag": "TR1000-001"}


@pytest.fixture
def jordan(services: StationServices, people: dict[str, Actor]) -> Actor:
    services.users.create_user(people["admin"], "Jordan", "2345", Role.AUTHENTICATOR, "B-3")
    return services.users.login("B-3", "2345")


def _record(services: StationServices, actor: Actor, inspection_id: int, photo: bytes,
            steps: dict[str, str]) -> None:
    for step, outcome in steps.items():
        if step in VALUES:
            services.inspections.add_photo(actor, inspection_id, step, photo)
        services.inspections.record_step(actor, inspection_id, step, outcome, value=VALUES.get(step))


def _start(services: StationServices, actor: Actor, code: str = "TR1000-001-OWN") -> int:
    return services.inspections.start_or_resume(actor, code, style_code="TR1000-001").inspection.id


def test_another_authenticator_cannot_touch_someones_inspection(
    services: StationServices, people: dict[str, Actor], jordan: Actor, photo_bytes: bytes
) -> None:
    alex = people["alex"]
    inspection_id = _start(services, alex)
    _record(services, alex, inspection_id, photo_bytes, ALL_PASS)
    held = "is held by Alex; only they record it, or a supervisor takes it over"
    with pytest.raises(PermissionDenied, match=held):
        services.inspections.finish(jordan, inspection_id)
    with pytest.raises(PermissionDenied, match=held):
        services.inspections.record_step(jordan, inspection_id, "smell", "fail", note="x",
                                         fail_reason="defect")
    with pytest.raises(PermissionDenied, match=held):
        services.inspections.add_photo(jordan, inspection_id, "box-label", photo_bytes)
    with pytest.raises(PermissionDenied, match=held):  # scanning the item does not hand it over either
        _start(services, jordan)
    assert services.inspections.get(alex, inspection_id).status == "open"
    assert services.inspections.finish(alex, inspection_id).verdict == "pass"


def test_a_supervisor_takes_over_audited_and_may_not_review_it_then(
    services: StationServices, people: dict[str, Actor], photo_bytes: bytes
) -> None:
    alex, morgan = people["alex"], people["morgan"]
    inspection_id = _start(services, alex)
    _record(services, alex, inspection_id, photo_bytes, {"box-label": "pass", "size-tag": "pass"})
    with pytest.raises(PermissionDenied, match="may not take over"):
        services.inspections.take_over(alex, inspection_id, "mine now")
    services.inspections.take_over(morgan, inspection_id, "Alex went home ill")
    with pytest.raises(PermissionDenied, match="held by Morgan"):
        services.inspections.record_step(alex, inspection_id, "smell", "pass")
    _record(services, morgan, inspection_id, photo_bytes, {"stitching": "pass", "smell": "pass"})
    assert services.inspections.finish(morgan, inspection_id).verdict == "pass"
    with services.ctx.db.read() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "inspection.taken_over")).one()
        assert event.actor_id == morgan.user_id and event.entity_id == str(inspection_id)
        assert json.loads(event.data) == {"from": alex.user_id, "to": morgan.user_id,
                                          "reason": "Alex went home ill"}
        assert session.get(Inspection, inspection_id).authenticator_id == morgan.user_id  # type: ignore[union-attr]
    with pytest.raises(PermissionDenied, match="Morgan recorded part of inspection"):
        services.reviews.confirm(morgan, inspection_id, "fine")
    # The admin recorded nothing in it: a second pair of eyes may review.
    services.reviews.confirm(people["admin"], inspection_id, "checked")
    assert verify_integrity(services.ctx).ok


def test_a_supervisor_who_recorded_a_step_cannot_review(
    services: StationServices, people: dict[str, Actor], photo_bytes: bytes
) -> None:
    """Morgan recorded a step, the admin took over and finished: neither may review it."""
    morgan, admin = people["morgan"], people["admin"]
    inspection_id = _start(services, morgan, "TR1000-001-SUP")
    _record(services, morgan, inspection_id, photo_bytes, {"box-label": "pass"})
    services.inspections.take_over(admin, inspection_id, "shift change")
    _record(services, admin, inspection_id, photo_bytes,
            {"size-tag": "pass", "stitching": "pass", "smell": "pass"})
    services.inspections.finish(admin, inspection_id)
    with pytest.raises(PermissionDenied, match="Morgan recorded part of inspection"):
        services.reviews.overturn(morgan, inspection_id, "fail", "looks off")
    with pytest.raises(PermissionDenied, match="Ada recorded part of inspection"):
        services.reviews.confirm(admin, inspection_id)
