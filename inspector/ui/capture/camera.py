"""The camera in its own QThread: copied frames and throttled quality reports as signals."""

from __future__ import annotations

import contextlib
import threading
import time

import numpy as np
from PySide6.QtCore import QThread, Signal, Slot

from inspector.ui.capture.sources import FrameSource, SourceFailed, pace
from inspector.vision.quality import ReferenceFeatures, assess_quality

# Quality runs in this thread, at most this often, so neither preview nor GUI stalls.
QUALITY_INTERVAL_S = 0.4


class CameraThread(QThread):
    """Reads a FrameSource until stop(); never touches widgets.

    frame_captured carries a private copy of each frame (the GUI may keep it);
    camera_failed carries one sentence, after which the thread ends.
    """

    frame_captured = Signal(object)  # np.ndarray BGR, a copy owned by the receiver
    quality_assessed = Signal(object)  # list[str] of instructions; empty means fine
    camera_failed = Signal(str)

    def __init__(self, source: FrameSource, reference: ReferenceFeatures | None = None,
                 parent: object | None = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self.source = source
        self._reference = reference
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._latest: np.ndarray | None = None
        # Backpressure: a new frame is sent only once the GUI thread took the previous one, so a
        # busy GUI skips frames instead of queueing 36 MB copies without end.
        self._delivered = threading.Event()
        self._delivered.set()
        self.frame_captured.connect(self._on_frame_delivered)
        self.setObjectName(f"camera:{source.name}")

    def set_reference(self, reference: ReferenceFeatures | None) -> None:
        self._reference = reference

    def latest_frame(self) -> np.ndarray | None:
        """A copy of the newest full frame (for the shutter)."""
        with self._lock:
            return None if self._latest is None else self._latest.copy()

    @Slot(object)
    def _on_frame_delivered(self, _frame: object) -> None:
        # Runs on the GUI thread (this QThread object lives there): the frame was handed out.
        self._delivered.set()

    def stop(self, msecs: int = 5000) -> None:
        self._stopping.set()
        self.wait(msecs)

    def run(self) -> None:
        try:
            self.source.open()
        except SourceFailed as exc:
            self.camera_failed.emit(str(exc))
            return
        last_quality = 0.0
        try:
            while not self._stopping.is_set():
                started = time.monotonic()
                try:
                    frame = self.source.read()
                except SourceFailed as exc:
                    self.camera_failed.emit(str(exc))
                    return
                except Exception as exc:
                    self.camera_failed.emit(f"The camera failed: {exc}.")
                    return
                with self._lock:
                    self._latest = frame
                if self._delivered.is_set():
                    self._delivered.clear()
                    self.frame_captured.emit(frame.copy())
                if started - last_quality >= QUALITY_INTERVAL_S:
                    last_quality = started
                    with contextlib.suppress(Exception):
                        self.quality_assessed.emit(list(assess_quality(frame, self._reference).problems))
                self._stopping.wait(pace(started, self.source.frame_interval))
        finally:
            self.source.close()
