"""A photo set aside to be retaken: no longer counted, its row and file kept, the log says so."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from inspector.errors import PermissionDenied
from inspector.security.roles import Actor
from inspector.services.integrity import verify_integrity
from inspector.services.station import StationServices
from inspector.storage.models import AuditEvent, Photo


def test_a_set_aside_photo_stops_counting_but_stays(services: StationServices, people: dict[str, Actor],
                                                    photo_bytes: bytes) -> None:
    alex = people["alex"]
    started = services.inspections.start_or_resume(alex, "ITEM-A1", style_code="TR1000-001")
    inspection_id = started.inspection.id
    first = services.inspections.add_photo(alex, inspection_id, "box-label", photo_bytes)
    services.inspections.set_photo_aside(alex, first.id, "blurred")
    services.inspections.set_photo_aside(alex, first.id, "again")  # a second press: one event
    detail = services.inspections.detail(alex, inspection_id)
    assert "box-label" not in detail.photos  # not shown, not counted
    services.inspections.record_step(alex, inspection_id, "box-label", "pass", value="TR1000-001")
    proposal = services.inspections.propose(alex, inspection_id)
    assert any("Box label" in reason.text for reason in proposal.reasons)  # the missing photo is named

    retaken = services.inspections.add_photo(alex, inspection_id, "box-label", photo_bytes)
    detail = services.inspections.detail(alex, inspection_id)
    assert [p.id for p in detail.photos["box-label"]] == [retaken.id]
    with services.ctx.db.read() as session:
        assert session.get(Photo, first.id) is not None  # the row stays
        events = list(session.scalars(select(AuditEvent).where(AuditEvent.action == "photo.set_aside")))
    assert len(events) == 1 and events[0].entity_id == str(first.id) and '"blurred"' in events[0].data
    assert services.inspections.photo_bytes(alex, first.sha256) == photo_bytes  # the file stays
    assert verify_integrity(services.ctx).ok


def test_only_the_holder_sets_a_photo_aside(services: StationServices, people: dict[str, Actor],
                                            photo_bytes: bytes) -> None:
    inspection_id = services.inspections.start_or_resume(
        people["alex"], "ITEM-A2", style_code="TR1000-001").inspection.id
    photo = services.inspections.add_photo(people["alex"], inspection_id, "box-label", photo_bytes)
    with pytest.raises(PermissionDenied):  # a supervisor who has not taken the inspection over
        services.inspections.set_photo_aside(people["morgan"], photo.id)
    assert "box-label" in services.inspections.detail(people["morgan"], inspection_id).photos
