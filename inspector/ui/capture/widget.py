"""CaptureWidget: live preview, shutter, import from file and hot folder; emits photo_taken."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedLayout,
    QVBoxLayout,
    QWidget,
)

from inspector.ui.background import Job, run_in_background
from inspector.ui.capture.camera import CameraThread
from inspector.ui.capture.hotfolder import HotFolder
from inspector.ui.capture.preview import PreviewWidget
from inspector.ui.capture.sources import FrameSource
from inspector.ui.widgets import message_for
from inspector.vision.imageio import encode_jpeg
from inspector.vision.quality import ReferenceFeatures, prepare_reference

TARGET_PX = 44
AUTO_CAPTURE_STEADY_S = 0.5
FRESH_FRAMES = 2


class CaptureWidget(QWidget):
    """Embed, then start_camera(source) / set_reference(image) / watch_folder(path).

    photo_taken(bytes, source, quality_notes): source is "camera", "file" or "hotfolder".
    """

    photo_taken = Signal(bytes, str, object)
    # The shutter's raw frame (BGR copy), emitted at once: a comparison can start on it while
    # the JPEG for storage is still being encoded.
    frame_taken = Signal(object)
    camera_failed = Signal(str)

    def __init__(self, source_factory: Callable[[], FrameSource] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._source_factory = source_factory
        self._camera: CameraThread | None = None
        self._hot: HotFolder | None = None
        self._notes: list[str] = []
        self._reference_features: ReferenceFeatures | None = None
        self._reference_image: np.ndarray | None = None
        # After a step change the frames on hand show the step before: capture waits for a new one.
        self._frames_needed = 0
        self._capture_on_next_frame = False
        # Auto-capture: a photo by itself once framing and quality have held steady this long.
        self.auto_capture = False
        self._steady_since: float | None = None
        self._auto_taken = False

        self.preview = PreviewWidget()
        self.quality_label = QLabel("")
        self.quality_label.setWordWrap(True)
        self.quality_label.setStyleSheet("font-size: 15px;")
        self.capture_button = self._button("Capture", self.capture)
        self.import_button = self._button("Import a file…", self.import_file)
        buttons = QHBoxLayout()
        buttons.addWidget(self.capture_button, 2)
        buttons.addWidget(self.import_button, 1)
        live = QWidget()
        live_layout = QVBoxLayout(live)
        live_layout.setContentsMargins(0, 0, 0, 0)
        live_layout.addWidget(self.preview, 1)
        live_layout.addWidget(self.quality_label)
        live_layout.addLayout(buttons)

        self.error_label = QLabel("")
        self.error_label.setWordWrap(True)
        self.error_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.error_label.setStyleSheet("font-size: 17px;")
        self.retry_button = self._button("Try again", self.retry)
        self.retry_button.setDefault(True)
        self.error_import_button = self._button("Import a file instead", self.import_file)
        failed = QWidget()
        failed_layout = QVBoxLayout(failed)
        failed_layout.addStretch(1)
        failed_layout.addWidget(self.error_label)
        for button in (self.retry_button, self.error_import_button):
            button.setMaximumWidth(360)
            failed_layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        failed_layout.addStretch(1)

        self._pages = QStackedLayout(self)
        self._pages.addWidget(live)
        self._pages.addWidget(failed)

    def _button(self, text: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.setMinimumHeight(TARGET_PX)
        button.clicked.connect(slot)
        return button

    # -- public API --------------------------------------------------------------------------
    def set_source_factory(self, factory: Callable[[], FrameSource] | None) -> None:
        self._source_factory = factory

    def set_reference(self, reference: np.ndarray | None,
                      features: ReferenceFeatures | None = None) -> None:
        """The reference image (BGR) for the ghost and the framing check; None for none.

        `features` are prepare_reference(reference) when the caller keeps them (per step)."""
        self.preview.set_reference(reference)
        self._reference_image = reference
        self._show_scene()
        # Prepared once per step: a few ms at REFERENCE_SIDE, and every frame's check stays fast.
        if features is None and reference is not None:
            features = prepare_reference(reference)
        self._reference_features = features
        if self._camera is not None:
            self._camera.set_reference(self._reference_features)

    def start_camera(self, source: FrameSource | None = None) -> None:
        self.stop_camera()
        if source is None:
            if self._source_factory is None:
                self._show_failure("No camera is set up; choose one in Settings or import a file.")
                return
            source = self._source_factory()
        self._pages.setCurrentIndex(0)
        camera = CameraThread(source, self._reference_features)
        self._camera = camera
        self._show_scene()
        camera.frame_captured.connect(self.preview.show_frame)
        camera.frame_captured.connect(self._on_frame)
        camera.quality_assessed.connect(self._on_quality_assessed)
        camera.camera_failed.connect(self._on_camera_failed)
        camera.start()

    def _show_scene(self) -> None:
        """The demo camera films whatever reference the step shows."""
        set_scene = getattr(self._camera.source, "set_scene", None) if self._camera is not None else None
        if set_scene is not None:
            set_scene(self._reference_image)

    def stop_camera(self) -> None:
        camera, self._camera = self._camera, None
        if camera is not None:
            camera.frame_captured.disconnect(self.preview.show_frame)
            camera.stop()
            camera.deleteLater()

    @property
    def camera(self) -> CameraThread | None:
        return self._camera

    def watch_folder(self, folder: str | Path | None, *, poll_ms: int = 500) -> None:
        if self._hot is not None:
            self._hot.stop()
            self._hot.deleteLater()
            self._hot = None
        if folder:
            self._hot = HotFolder(folder, poll_ms=poll_ms, parent=self)
            self._hot.photo_arrived.connect(self._on_hot_photo)

    def require_fresh_frame(self) -> None:
        """The scene changed (another step): the next capture uses a frame delivered after now."""
        # Two frames: one may have been filmed before the change and still be on its way here.
        self._frames_needed = FRESH_FRAMES
        self._capture_on_next_frame = False
        self._steady_since = None
        self._auto_taken = False

    @property
    def waiting_for_frame(self) -> bool:
        """A capture was asked for and waits for the first frame of the new scene."""
        return self._capture_on_next_frame

    @Slot(object)
    def _on_frame(self, _frame: object) -> None:
        self._frames_needed = max(0, self._frames_needed - 1)
        if self._capture_on_next_frame and not self._frames_needed:
            self._capture_on_next_frame = False
            self.capture()

    def capture(self) -> Job | None:
        """The shutter: the current full frame, JPEG-encoded in the background, then photo_taken.

        Encoding a 12 MP frame takes ~100 ms, too long for the GUI thread. Returns the encoding
        job, or None when there is no frame yet (no camera, or it has not delivered) or the frame
        on hand predates a scene change (then the capture happens on the next frame).
        """
        if self._frames_needed and self._camera is not None:
            self._capture_on_next_frame = True
            return None
        frame = None if self._camera is None else self._camera.latest_frame()
        if frame is None:
            return None
        notes = tuple(self._notes)
        self.frame_taken.emit(frame)
        return run_in_background(encode_jpeg, frame, 92,
                                 on_result=lambda data: self.photo_taken.emit(data, "camera", notes),
                                 on_error=lambda exc: self._show_failure(message_for(exc)))

    def capture_jpeg(self) -> bytes | None:
        """The current full frame as JPEG bytes, encoded on the calling thread (no signal)."""
        frame = None if self._camera is None else self._camera.latest_frame()
        return None if frame is None else encode_jpeg(frame, quality=92)

    def import_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Import a photo", "", "Images (*.jpg *.jpeg *.png *.tif *.tiff *.bmp)")
        if name:
            self.import_path(name)

    def import_path(self, path: str | Path) -> None:
        self.photo_taken.emit(Path(path).read_bytes(), "file", ())

    def retry(self) -> None:
        self.start_camera()

    # -- slots -------------------------------------------------------------------------------
    @Slot(object)
    def _on_quality_assessed(self, problems: list[str]) -> None:
        self._notes = problems
        self._maybe_auto_capture(problems)
        if problems:
            self.quality_label.setText("To improve the photo: " + "; ".join(problems) + ".")
            self.quality_label.setStyleSheet("font-size: 15px; color: #e0a030;")
        else:
            self.quality_label.setText("Looks good — capture when ready.")
            self.quality_label.setStyleSheet("font-size: 15px; color: #50c070;")

    def _maybe_auto_capture(self, problems: list[str]) -> None:
        """With auto-capture on: one photo per scene once framing and quality held ~0.5 s."""
        if not self.auto_capture or self._auto_taken or self._reference_features is None:
            return
        if problems or self._frames_needed:
            self._steady_since = None
            return
        now = time.monotonic()
        if self._steady_since is None:
            self._steady_since = now
        elif now - self._steady_since >= AUTO_CAPTURE_STEADY_S:
            self._auto_taken = True
            self.capture()

    @Slot(str)
    def _on_camera_failed(self, message: str) -> None:
        self.stop_camera()
        self._show_failure(message)
        self.camera_failed.emit(message)

    def _show_failure(self, message: str) -> None:
        self.error_label.setText(message)
        self.preview.clear()
        self._pages.setCurrentIndex(1)

    @Slot(str, bytes)
    def _on_hot_photo(self, _path: str, data: bytes) -> None:
        self.photo_taken.emit(data, "hotfolder", ())

    def closeEvent(self, event: object) -> None:
        self.shutdown()
        super().closeEvent(event)  # type: ignore[arg-type]

    def shutdown(self) -> None:
        """Stop the camera thread and the hot folder (call from the window's close)."""
        self.stop_camera()
        self.watch_folder(None)
