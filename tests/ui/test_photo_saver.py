"""The photo saver keeps photos that storage refused and records each once; bad photos are refused."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from inspector.errors import BadInput, StorageUnavailable
from inspector.security.roles import Actor, Role
from inspector.ui.inspection.photo_saver import PhotoSaver
from tests.ui.conftest import sample_image

ALEX = Actor(user_id=2, name="Alex", role=Role.AUTHENTICATOR)


class _Inspections:
    """add_photo that fails `down` times with a full disk, then records by client_ref (idempotent)."""

    def __init__(self, down: int) -> None:
        self.down = down
        self.calls: list[str] = []
        self.recorded: dict[str, SimpleNamespace] = {}

    def add_photo(self, actor: Actor, inspection_id: int, step_id: str, data: bytes, *,
                  client_ref: str, **_: Any) -> SimpleNamespace:
        self.calls.append(client_ref)
        if data == b"not an image":
            raise BadInput("The photo is not an image the station can read.")
        if self.down > 0:
            self.down -= 1
            raise StorageUnavailable("The disk is full: the photo was not saved. Free some space.")
        view = SimpleNamespace(id=len(self.recorded) + 1, step_id=step_id)
        return self.recorded.setdefault(client_ref, view)


def _jpeg() -> bytes:
    import cv2

    return cv2.imencode(".jpg", sample_image(long_side=64))[1].tobytes()


def test_a_refused_photo_is_kept_retried_with_the_same_ref_and_recorded_once(qtbot) -> None:
    inspections = _Inspections(down=2)
    saver = PhotoSaver(SimpleNamespace(inspections=inspections))  # type: ignore[arg-type]
    saver.retry_seconds = (0.05,)
    waiting: list[str] = []
    saved: list[object] = []
    saver.waiting.connect(waiting.append)
    saver.saved.connect(lambda view, _thumb, _data: saved.append(view))
    saver.submit(ALEX, 1, "box-label", _jpeg())
    qtbot.waitUntil(lambda: len(saved) == 1, timeout=10_000)
    assert len(inspections.calls) == 3 and len(set(inspections.calls)) == 1  # one client_ref
    assert len(waiting) == 2 and waiting[0].startswith("The disk is full: the photo is kept")
    assert saver.pending == [] and len(inspections.recorded) == 1


def test_a_bad_photo_is_refused_at_once_and_the_next_one_goes_on(qtbot) -> None:
    inspections = _Inspections(down=0)
    saver = PhotoSaver(SimpleNamespace(inspections=inspections))  # type: ignore[arg-type]
    refused: list[BaseException] = []
    saved: list[object] = []
    saver.refused.connect(refused.append)
    saver.saved.connect(lambda view, _thumb, _data: saved.append(view))
    saver.submit(ALEX, 1, "box-label", b"not an image")
    saver.submit(ALEX, 1, "box-label", _jpeg())
    qtbot.waitUntil(lambda: len(saved) == 1, timeout=10_000)
    assert len(refused) == 1 and isinstance(refused[0], BadInput)
    assert len(inspections.calls) == 2 and saver.pending == []
