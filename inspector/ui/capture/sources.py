"""Frame sources behind one small interface: an OpenCV device, a video file, an image folder, a demo."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from inspector.services.demo_photos import MAT_BGR, bench_photo
from inspector.vision.synthetic import Nuisance

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff"}


class SourceFailed(Exception):
    """The camera could not be opened or stopped delivering; str() is one sentence for the user."""


class FrameSource(Protocol):
    name: str

    def open(self) -> None: ...
    def read(self) -> np.ndarray: ...  # BGR uint8; raises SourceFailed
    def close(self) -> None: ...
    @property
    def frame_interval(self) -> float: ...  # seconds between frames the thread should wait


class OpenCvSource:
    """A camera device (index) or a video file, read through cv2.VideoCapture; files loop."""

    def __init__(self, target: int | str, *, loop: bool = True, fps: float | None = None) -> None:
        self.target = target
        self.name = f"camera {target}" if isinstance(target, int) else Path(str(target)).name
        self._loop = loop and not isinstance(target, int)
        self._capture: cv2.VideoCapture | None = None
        self._fps = fps

    def open(self) -> None:
        capture = cv2.VideoCapture(self.target)
        if not capture.isOpened():
            capture.release()
            raise SourceFailed(f"The {self.name} could not be opened; check that it is plugged in.")
        self._capture = capture
        if self._fps is None:
            reported = capture.get(cv2.CAP_PROP_FPS)
            # Devices block in read() themselves; files must be paced or they race ahead.
            self._fps = 0.0 if isinstance(self.target, int) else (reported if reported > 0 else 25.0)

    @property
    def frame_interval(self) -> float:
        return 1.0 / self._fps if self._fps else 0.0

    def read(self) -> np.ndarray:
        if self._capture is None:
            raise SourceFailed(f"The {self.name} is not open.")
        ok, frame = self._capture.read()
        if not ok and self._loop:
            self._capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, frame = self._capture.read()
        if not ok or frame is None:
            raise SourceFailed(f"The {self.name} stopped sending pictures; it may be unplugged.")
        return frame

    def close(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None


class ImageFolderSource:
    """Images of a folder (sorted), played in a loop: a camera for tests and the demo."""

    def __init__(self, folder: str | Path, *, fps: float = 10.0, loop: bool = True) -> None:
        self.folder = Path(folder)
        self.name = f"image folder {self.folder.name}"
        self._fps, self._loop = fps, loop
        self._paths: list[Path] = []
        self._index = 0

    def open(self) -> None:
        self._paths = sorted(p for p in self.folder.glob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
        if not self._paths:
            raise SourceFailed(f"The {self.name} has no images.")
        self._index = 0

    @property
    def frame_interval(self) -> float:
        return 1.0 / self._fps

    def read(self) -> np.ndarray:
        if self._index >= len(self._paths):
            if not self._loop:
                raise SourceFailed(f"The {self.name} has no more images.")
            self._index = 0
        frame = cv2.imread(str(self._paths[self._index]), cv2.IMREAD_COLOR)
        self._index += 1
        if frame is None:
            raise SourceFailed(f"The {self.name} has an unreadable image.")
        return frame

    def close(self) -> None:
        self._paths = []


class DemoCameraSource:
    """The camera setting "demo": films the current step's reference under a gently drifting pose,
    so a newcomer can inspect an item end to end with no camera attached."""

    name = "demo camera"
    frame_size = (1920, 1080)  # a 1080p webcam: the item fills the frame at about reference size

    def __init__(self, fps: float = 8.0) -> None:
        self._reference: np.ndarray | None = None
        self._fps = fps
        self._index = 0
        self._rng = np.random.default_rng(0)

    def set_scene(self, reference: np.ndarray | None) -> None:
        # Swapped whole from the GUI thread; the camera thread reads one reference per frame.
        self._reference = reference

    def open(self) -> None:
        self._index = 0

    def read(self) -> np.ndarray:
        width, height = self.frame_size
        frame = np.full((height, width, 3), 58, np.uint8)
        reference = self._reference
        if reference is None:
            cv2.putText(frame, "demo camera: open a step with a reference", (60, height // 2),
                        cv2.FONT_HERSHEY_SIMPLEX, 1.2, (200, 200, 200), 2, cv2.LINE_AA)
            return frame
        phase = 2 * np.pi * (self._index % 48) / 48
        self._index += 1
        nuisance = Nuisance(tilt_deg=3 + 2 * np.sin(phase), rotation_deg=2 * np.cos(phase),
                            brightness=5 * np.sin(phase), noise_sigma=1.5, margin=0.12)
        # The item on a plain bench mat under a soft light (services/demo_photos.py), like a photo.
        photo, _homography = bench_photo(reference, nuisance, self._rng, jpeg_quality=None)
        frame[:] = [round(0.9 * level) for level in MAT_BGR]  # the mat beyond the photo's edges
        scale = min(width / photo.shape[1], height / photo.shape[0])
        resized = cv2.resize(photo, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        top, left = (height - resized.shape[0]) // 2, (width - resized.shape[1]) // 2
        frame[top:top + resized.shape[0], left:left + resized.shape[1]] = resized
        return frame

    def close(self) -> None:
        self._reference = None

    @property
    def frame_interval(self) -> float:
        return 1.0 / self._fps


def open_source(setting: str) -> FrameSource:
    """Turn the camera setting into a source: "0" a device, "demo", a folder, else a video file."""
    text = setting.strip()
    if text.lower() == "demo":
        return DemoCameraSource()
    if text.isdigit():
        return OpenCvSource(int(text))
    path = Path(text).expanduser()
    if path.is_dir():
        return ImageFolderSource(path)
    return OpenCvSource(str(path))


def pace(started: float, interval: float) -> float:
    """Seconds still to wait so frames come at most every interval."""
    return max(0.0, interval - (time.monotonic() - started))
