"""Start, record, finish: verdicts from the rules, audit events in the same transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from inspector.errors import BadInput, InvalidState, PermissionDenied
from inspector.security.roles import Actor
from inspector.services.integrity import verify_integrity
from inspector.services.station import StationServices
from inspector.storage.models import AuditEvent


def _audit_actions(services: StationServices) -> list[str]:
    with services.ctx.db.read() as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))


def _run(services: StationServices, alex: Actor, photo: bytes, code: str,
         outcomes: dict[str, str], values: dict[str, str] | None = None) -> int:
    values = values or {"box-label": "TR1000-001", "size-tag": "TR1000-001"}
    started = services.inspections.start_or_resume(alex, code, style_code="TR1000-001")
    inspection_id = started.inspection.id
    for step in ("box-label", "size-tag"):
        services.inspections.add_photo(alex, inspection_id, step, photo)
    for step, outcome in outcomes.items():
        services.inspections.record_step(
            alex, inspection_id, step, outcome, value=values.get(step),
            note="" if outcome == "pass" else "looks wrong",
            fail_reason="counterfeit" if outcome == "fail" else None)
    return inspection_id


def _start(services: StationServices, actor: Actor, code: str) -> int:
    return services.inspections.start_or_resume(actor, code, style_code="TR1000-001").inspection.id


ALL_PASS = {"box-label": "pass", "size-tag": "pass", "stitching": "pass", "smell": "pass"}


def test_login_by_badge_or_name_and_wrong_pin(services: StationServices,
                                              people: dict[str, Actor]) -> None:
    assert people["alex"].role == "authenticator"
    with pytest.raises(PermissionDenied, match="Unknown user or wrong PIN"):
        services.users.login("B-1", "0000")
    with pytest.raises(PermissionDenied, match="Unknown user or wrong PIN"):
        services.users.login("nobody", "1234")


def test_pins_are_stored_hashed(services: StationServices, people: dict[str, Actor]) -> None:
    with services.ctx.db.engine.connect() as raw:  # what anyone reading the database sees
        hashes = [row[0] for row in raw.execute(text("SELECT pin_hash FROM users"))]
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert not any("1234" in h for h in hashes)


def test_a_clean_pass(services: StationServices, people: dict[str, Actor], photo_bytes: bytes) -> None:
    inspection_id = _run(services, people["alex"], photo_bytes, "ITEM-1", ALL_PASS)
    finished = services.inspections.finish(people["alex"], inspection_id, expected="pass")
    assert finished.verdict == "pass" and not finished.escalated
    actions = _audit_actions(services)
    assert actions.count("step.recorded") == 4
    assert actions[-2:] == ["inspection.finished", "certificate.issued"]
    assert verify_integrity(services.ctx).ok


def test_failed_critical_step_fails_the_item(services: StationServices, people: dict[str, Actor],
                                             photo_bytes: bytes) -> None:
    outcomes = dict(ALL_PASS, **{"box-label": "fail"})
    inspection_id = _run(services, people["alex"], photo_bytes, "ITEM-2", outcomes)
    finished = services.inspections.finish(people["alex"], inspection_id)
    assert finished.verdict == "fail"
    assert finished.fail_reason == "counterfeit"
    assert "Box label" in finished.summary


def test_unsure_makes_it_inconclusive_and_escalates(services: StationServices,
                                                    people: dict[str, Actor], photo_bytes: bytes) -> None:
    outcomes = dict(ALL_PASS, **{"stitching": "unsure"})
    inspection_id = _run(services, people["alex"], photo_bytes, "ITEM-3", outcomes)
    finished = services.inspections.finish(people["alex"], inspection_id)
    assert finished.verdict == "inconclusive" and finished.escalated


def test_missing_required_photo_is_inconclusive(services: StationServices, people: dict[str, Actor]) -> None:
    alex = people["alex"]
    inspection_id = _start(services, alex, "ITEM-4")
    for step, outcome in ALL_PASS.items():
        value = "TR1000-001" if step in ("box-label", "size-tag") else None
        services.inspections.record_step(alex, inspection_id, step, outcome, value=value)
    proposal = services.inspections.propose(alex, inspection_id)
    assert proposal.verdict == "inconclusive"
    assert any("0 of 1 photos" in r.text for r in proposal.reasons)


def test_mismatched_style_codes_fail_the_size_tag(services: StationServices, people: dict[str, Actor],
                                                  photo_bytes: bytes) -> None:
    values = {"box-label": "TR1000-001", "size-tag": "TR1000-002"}
    inspection_id = _run(services, people["alex"], photo_bytes, "ITEM-5", ALL_PASS, values)
    detail = services.inspections.detail(people["alex"], inspection_id)
    assert detail.results["size-tag"].value_problems
    assert services.inspections.finish(people["alex"], inspection_id).verdict == "fail"


def test_fail_needs_a_note_and_a_reason(services: StationServices, people: dict[str, Actor]) -> None:
    alex = people["alex"]
    inspection_id = _start(services, alex, "ITEM-6")
    with pytest.raises(BadInput, match="note"):
        services.inspections.record_step(alex, inspection_id, "smell", "fail", fail_reason="defect")
    with pytest.raises(BadInput, match="why the step failed"):
        services.inspections.record_step(alex, inspection_id, "smell", "fail", note="chemical")
    with pytest.raises(BadInput, match="Unknown outcome"):
        services.inspections.record_step(alex, inspection_id, "smell", "maybe")


def test_resume_returns_the_open_inspection(services: StationServices, people: dict[str, Actor],
                                            photo_bytes: bytes) -> None:
    alex = people["alex"]
    first = services.inspections.start_or_resume(alex, "ITEM-7", style_code="TR1000-001")
    services.inspections.add_photo(alex, first.inspection.id, "box-label", photo_bytes)
    services.inspections.record_step(alex, first.inspection.id, "box-label", "pass", value="TR1000-001")
    again = services.inspections.start_or_resume(alex, "ITEM-7")
    assert again.resumed and again.inspection.id == first.inspection.id
    assert again.inspection.current_step == "size-tag"
    assert [i.id for i in services.inspections.unfinished(alex)] == [first.inspection.id]


def test_finished_inspection_cannot_change(services: StationServices, people: dict[str, Actor],
                                           photo_bytes: bytes) -> None:
    inspection_id = _run(services, people["alex"], photo_bytes, "ITEM-8", ALL_PASS)
    services.inspections.finish(people["alex"], inspection_id)
    with pytest.raises(InvalidState):
        services.inspections.record_step(people["alex"], inspection_id, "smell", "pass")


def test_retry_with_the_same_client_ref_records_once(services: StationServices, people: dict[str, Actor],
                                                     photo_bytes: bytes) -> None:
    alex = people["alex"]
    inspection_id = _start(services, alex, "ITEM-9")
    first = services.inspections.add_photo(alex, inspection_id, "box-label", photo_bytes, client_ref="cap-1")
    second = services.inspections.add_photo(alex, inspection_id, "box-label", photo_bytes, client_ref="cap-1")
    assert first.id == second.id
    services.inspections.record_step(alex, inspection_id, "smell", "pass", client_ref="res-1")
    services.inspections.record_step(alex, inspection_id, "smell", "pass", client_ref="res-1")
    assert len(services.inspections.detail(alex, inspection_id).history) == 1


def test_resubmitted_photo_is_flagged(services: StationServices, people: dict[str, Actor],
                                      photo_bytes: bytes) -> None:
    alex = people["alex"]
    one = _start(services, alex, "ITEM-A")
    two = _start(services, alex, "ITEM-B")
    services.inspections.add_photo(alex, one, "box-label", photo_bytes)
    again = services.inspections.add_photo(alex, two, "box-label", photo_bytes)
    assert again.resubmitted_from and again.resubmitted_from[0][1] == "ITEM-A"


def test_authenticator_cannot_review_or_add_users(services: StationServices,
                                                  people: dict[str, Actor], photo_bytes: bytes) -> None:
    inspection_id = _run(services, people["alex"], photo_bytes, "ITEM-C", ALL_PASS)
    services.inspections.finish(people["alex"], inspection_id)
    with pytest.raises(PermissionDenied):
        services.reviews.overturn(people["alex"], inspection_id, "fail", "I changed my mind")
    with pytest.raises(PermissionDenied):
        services.users.create_user(people["alex"], "Eve", "1111", "admin")
    review = services.reviews.overturn(people["morgan"], inspection_id, "fail", "Logo font is off")
    assert review.previous_verdict == "pass" and review.verdict == "fail"
    assert services.inspections.get(people["morgan"], inspection_id).verdict == "fail"
    with services.ctx.db.read() as session:
        assert session.scalar(select(func.count()).where(AuditEvent.action == "review.overturn")) == 1
