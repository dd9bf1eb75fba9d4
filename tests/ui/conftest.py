"""Generic UI fixtures: a reference picture, a video-file camera, a frame folder, no leftover jobs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest


def sample_image(name: str = "astronaut", long_side: int = 512) -> np.ndarray:
    """A scikit-image sample photo as BGR uint8 (real texture, so features and quality work)."""
    from skimage import data as skdata

    image = getattr(skdata, name)()
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2RGB)
    image = cv2.cvtColor(image[..., :3], cv2.COLOR_RGB2BGR)
    scale = long_side / max(image.shape[:2])
    size = (round(image.shape[1] * scale), round(image.shape[0] * scale))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)


def write_video(path: Path, frames: list[np.ndarray], fps: float = 25.0) -> Path:
    """An MJPG .avi (OpenCV always has this codec)."""
    height, width = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (width, height))
    assert writer.isOpened(), "OpenCV could not write an MJPG video"
    for frame in frames:
        writer.write(frame)
    writer.release()
    return path


@pytest.fixture(scope="session")
def reference_image() -> np.ndarray:
    return sample_image("astronaut", 512)


@pytest.fixture
def camera_video(tmp_path: Path, reference_image: np.ndarray) -> Path:
    """A short video of the reference, slightly shifted per frame: the demo/test camera."""
    canvas = np.full((480, 640, 3), 90, np.uint8)
    frames = []
    for shift in range(8):
        frame = canvas.copy()
        small = cv2.resize(reference_image, (400, 400))
        frame[40:440, 120 + shift:520 + shift] = small
        frames.append(frame)
    return write_video(tmp_path / "camera.avi", frames)


@pytest.fixture
def frame_folder(tmp_path: Path, reference_image: np.ndarray) -> Path:
    folder = tmp_path / "frames"
    folder.mkdir()
    for index in range(3):
        cv2.imwrite(str(folder / f"frame{index:03d}.png"), np.roll(reference_image, index * 4, 1))
    return folder


@pytest.fixture(autouse=True)
def _no_leftover_background_jobs() -> Iterator[None]:
    """Every test ends with the thread pool idle, so no job outlives its widgets."""
    yield
    from PySide6.QtCore import QThreadPool

    assert QThreadPool.globalInstance().waitForDone(30_000), "a background job did not end"


@pytest.fixture
def bench_station(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """The small bench checklist station with its admin and authenticator (tests/ui/bench.py)."""
    from inspector.services.station import open_station
    from tests.ui.bench import add_people, build_bench, settings_for

    env = build_bench(tmp_path)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    station = open_station(settings_for(env))
    add_people(station)
    yield station
    station.close()
