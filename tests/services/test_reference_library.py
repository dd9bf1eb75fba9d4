"""References captured at the bench: who may, what a capture makes (a new checklist version), and
what an old inspection keeps."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from sqlalchemy import select

from inspector.domain.loading import load_checklist_file
from inspector.errors import BadInput, InvalidState, PermissionDenied
from inspector.security.roles import Actor, Role
from inspector.services.station import StationServices
from inspector.storage.models import AuditEvent, ChecklistSnapshot, Inspection


def genuine_unit_photo(reference: Path, seed: int) -> bytes:
    """Another genuine unit as the camera sees it: a little turned and tilted, noise, JPEG."""
    image = cv2.imread(str(reference))
    height, width = image.shape[:2]
    rng = np.random.default_rng(seed)
    corners = np.float32([[0, 0], [width, 0], [width, height], [0, height]])
    moved = corners + rng.uniform(-12, 12, corners.shape).astype(np.float32)
    frame = cv2.warpPerspective(image, cv2.getPerspectiveTransform(corners, moved), (width, height),
                                borderValue=(90, 90, 90))
    noisy = np.clip(frame + rng.normal(0, 3, frame.shape), 0, 255).astype(np.uint8)
    ok, data = cv2.imencode(".jpg", noisy, [cv2.IMWRITE_JPEG_QUALITY, 90])
    assert ok
    return data.tobytes()


def _reference(services: StationServices) -> Path:
    return services.ctx.settings.assets_dir / "references" / "test" / "label.png"


def _reference_files(services: StationServices) -> set[Path]:
    return set((services.ctx.settings.assets_dir / "references").rglob("*"))


def _events(services: StationServices) -> list[AuditEvent]:
    with services.ctx.db.read() as session:
        return list(session.scalars(select(AuditEvent).where(
            AuditEvent.action == "checklist.references_added")))


def test_a_capture_grows_the_set_as_a_new_version_and_old_inspections_keep_theirs(
        services: StationServices, people: dict[str, Actor]) -> None:
    morgan, alex = people["morgan"], people["alex"]
    before = services.inspections.start_or_resume(alex, "ITEM-1", style_code="TR1000-001").inspection
    file = services.ctx.library.get("test-runner").path

    added = services.references.add_references(
        morgan, "test-runner", "box-label", [genuine_unit_photo(_reference(services), seed=1)],
        genuine_item="GEN-0001")

    assert added.version == 2 and len(added.references) == 2 and len(added.added) == 1
    assert added.references[0] == "references/test/label.png"  # the frame the regions are drawn in
    stored = services.ctx.settings.assets_dir / added.added[0]
    assert stored.is_file() and hashlib.sha256(stored.read_bytes()).hexdigest()[:16] in stored.name
    # The file on disk is the new version, valid on its own, and its hash is the one recorded.
    reloaded = load_checklist_file(file, services.ctx.settings.assets_dir)
    assert reloaded.checklist.version == 2 and reloaded.content_hash == added.content_hash
    assert reloaded.checklist.step("box-label").references == list(added.references)
    assert reloaded.checklist.step("size-tag").references == ["references/test/label.png"]
    with services.ctx.db.read() as session:
        assert session.get(ChecklistSnapshot, added.content_hash) is not None
    (event,) = _events(services)
    data = json.loads(event.data)
    assert event.entity_id == "test-runner" and event.actor_id == morgan.user_id
    assert data["version"] == 2 and data["previous_version"] == 1 and data["hash"] == added.content_hash
    assert data["item"] == "GEN-0001"
    assert [entry["path"] for entry in data["added"]] == list(added.added)

    # The next inspection uses version 2 and compares with the set of two; the one already open
    # keeps version 1 and its single reference.
    after = services.inspections.start_or_resume(alex, "ITEM-2", style_code="TR1000-001").inspection
    with services.ctx.db.read() as session:
        old, new = session.get(Inspection, before.id), session.get(Inspection, after.id)
        assert old is not None and new is not None
        assert (old.checklist_version, new.checklist_version) == (1, 2)
        assert new.checklist_hash == added.content_hash
    assert len(services.comparisons.reference_set_paths(before.id, "box-label")) == 1
    assert services.comparisons.reference_set_paths(after.id, "box-label") == [
        services.ctx.settings.assets_dir / name for name in added.references]

    # A second genuine unit grows the set again: version 3, three references.
    third = services.references.add_references(
        people["admin"], "test-runner", "box-label", [genuine_unit_photo(_reference(services), seed=2)])
    assert third.version == 3 and len(third.references) == 3


@pytest.mark.parametrize("backend", ["sqlite"])
def test_refused_captures_write_nothing(services: StationServices, people: dict[str, Actor]) -> None:
    photo = genuine_unit_photo(_reference(services), seed=1)
    files_before = _reference_files(services)
    text_before = services.ctx.library.get("test-runner").path.read_text()
    refusals: list[tuple[Actor, str, list[bytes], type[Exception]]] = [
        (people["alex"], "box-label", [photo], PermissionDenied),  # an authenticator
        # Hand-built with a supervisor's id and an admin's role: no session, so no permission.
        (Actor(people["morgan"].user_id, "Morgan", Role.ADMIN), "box-label", [photo], PermissionDenied),
        (people["morgan"], "box-label", [b"<html>not a photo</html>"], BadInput),
        (people["morgan"], "box-label", [photo[: len(photo) // 2]], BadInput),  # truncated JPEG
        (people["morgan"], "smell", [photo], BadInput),  # a step that takes no photo
        (people["morgan"], "box-label", [], BadInput),
    ]
    with pytest.raises(BadInput):  # a "code" that is a line break and text, not a scan
        services.references.add_references(people["morgan"], "test-runner", "box-label", [photo],
                                           genuine_item="GEN-1\nforged line")
    # A photo of something else cannot join the set: it would not align with the first reference.
    noise = np.random.default_rng(5).integers(0, 256, (600, 800, 3), dtype=np.uint8)
    refusals.append((people["morgan"], "box-label", [cv2.imencode(".jpg", noise)[1].tobytes()], BadInput))
    for actor, step, photos, error in refusals:
        with pytest.raises(error) as raised:
            services.references.add_references(actor, "test-runner", step, photos)
        assert "\n" not in str(raised.value) and str(raised.value)
    assert _reference_files(services) == files_before
    assert services.ctx.library.get("test-runner").path.read_text() == text_before
    assert services.ctx.library.get("test-runner").checklist.version == 1
    assert _events(services) == []


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_checklist_changed_on_disk_meanwhile_is_not_overwritten(
        services: StationServices, people: dict[str, Actor]) -> None:
    file = services.ctx.library.get("test-runner").path
    edited = file.read_text().replace("version: 1", "version: 7")
    file.write_text(edited)  # another station, or a person, changed it after this station loaded it
    with pytest.raises(InvalidState, match="changed since this station loaded it"):
        services.references.add_references(people["morgan"], "test-runner", "box-label",
                                           [genuine_unit_photo(_reference(services), seed=1)])
    assert file.read_text() == edited
    assert services.ctx.library.get("test-runner").checklist.version == 1
    assert _events(services) == []
