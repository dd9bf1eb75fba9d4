"""Frame sources behind one small interface: an OpenCV device, a video file, an image folder."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

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


def open_source(setting: str) -> FrameSource:
    """Turn the camera setting into a source: "0" a device, a folder, else a video file."""
    text = setting.strip()
    if text.isdigit():
        return OpenCvSource(int(text))
    path = Path(text).expanduser()
    if path.is_dir():
        return ImageFolderSource(path)
    return OpenCvSource(str(path))


def pace(started: float, interval: float) -> float:
    """Seconds still to wait so frames come at most every interval."""
    return max(0.0, interval - (time.monotonic() - started))
