"""The demo camera films the current step's reference, so the demo station needs no hardware."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from inspector.ui.capture.sources import DemoCameraSource, open_source
from inspector.vision.compare import compare

REFERENCE = Path(__file__).resolve().parents[2] / "assets/references/nike/nike-air-jordan-1-high/size-tag.jpg"


def test_the_setting_demo_opens_the_demo_camera() -> None:
    assert isinstance(open_source(" Demo "), DemoCameraSource)


def test_without_a_reference_it_shows_a_plain_frame(tmp_path: Path) -> None:
    source = DemoCameraSource()
    source.open()
    frame = source.read()
    assert frame.shape == (1080, 1920, 3)
    assert int(np.median(frame)) == 58


def test_its_frames_are_photos_of_the_reference_that_register(tmp_path: Path) -> None:
    reference = cv2.imread(str(REFERENCE))
    source = DemoCameraSource()
    source.open()
    source.set_scene(reference)
    frames = [source.read() for _ in range(3)]
    assert not np.array_equal(frames[0], frames[2]), "the pose should drift between frames"
    result = compare(reference, frames[2])
    assert result.aligned, result.message
    assert result.score > 0.7 and not result.regions
    source.set_scene(None)
    assert int(np.median(source.read())) == 58
    assert cv2.imencode(".jpg", frames[0])[0]


def test_its_frames_look_like_a_photo_on_a_plain_bench() -> None:
    """Around the item: a plain, neutral mat (grey, no colour noise), lit softly (a gentle fall-off)."""
    reference = cv2.imread(str(REFERENCE))
    source = DemoCameraSource()
    source.open()
    source.set_scene(reference)
    frame = source.read()
    border = np.concatenate([frame[:40].reshape(-1, 3), frame[-40:].reshape(-1, 3)]).astype(np.int16)
    blue, green, red = border.mean(axis=0)
    assert 140 < green < 220 and max(blue, green, red) - min(blue, green, red) < 20  # neutral
    assert np.percentile(np.abs(np.diff(border, axis=0)), 99) < 14  # smooth: no rainbow noise
