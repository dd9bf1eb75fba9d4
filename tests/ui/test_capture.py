"""Capture: video-file camera, unplugged camera, thread stops on close, hot folder, shutter."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

from inspector.ui.capture import CaptureWidget, ImageFolderSource, OpenCvSource, SourceFailed
from inspector.ui.capture.camera import CameraThread
from inspector.ui.capture.sources import open_source


class UnpluggedAfter:
    """A camera that delivers a few frames and then fails like an unplugged USB camera."""

    name = "test camera"
    frame_interval = 0.01

    def __init__(self, frames: int) -> None:
        self.left = frames
        self.closed = False

    def open(self) -> None:
        pass

    def read(self) -> np.ndarray:
        if self.left <= 0:
            raise SourceFailed("The test camera stopped sending pictures; it may be unplugged.")
        self.left -= 1
        return np.full((480, 640, 3), 128, np.uint8)

    def close(self) -> None:
        self.closed = True


def test_video_file_camera_delivers_copied_frames_off_the_gui_thread(qtbot, camera_video: Path):
    camera = CameraThread(OpenCvSource(str(camera_video)))
    threads: list[QThread] = []
    # DirectConnection: the slot runs in the emitting thread, so we see where frames come from.
    from PySide6.QtCore import Qt
    camera.frame_captured.connect(lambda _f: threads.append(QThread.currentThread()),
                                  Qt.ConnectionType.DirectConnection)
    with qtbot.waitSignal(camera.frame_captured, timeout=5000) as blocker:
        camera.start()
    frame = blocker.args[0]
    assert frame.shape == (480, 640, 3)
    assert threads and threads[0] is not QApplication.instance().thread()
    frame[:] = 0  # the receiver owns its copy: scribbling on it must not reach the camera
    latest = camera.latest_frame()
    assert latest is not None and latest.any()
    camera.stop()
    assert camera.isFinished()


def test_image_folder_source_plays_in_order(frame_folder: Path):
    source = open_source(str(frame_folder))
    assert isinstance(source, ImageFolderSource)
    source.open()
    first, second = source.read(), source.read()
    assert first.shape == second.shape and not np.array_equal(first, second)
    source.close()


def test_missing_camera_says_so_and_offers_a_way_back(qtbot, tmp_path: Path):
    widget = CaptureWidget(lambda: OpenCvSource(str(tmp_path / "no-such-camera.avi")))
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.camera_failed, timeout=5000) as blocker:
        widget.start_camera()
    assert "could not be opened" in blocker.args[0]
    assert widget.error_label.text() == blocker.args[0]
    assert widget.retry_button.isVisibleTo(widget) or widget._pages.currentIndex() == 1


def test_camera_unplugged_mid_preview_shows_message_and_stops_thread(qtbot):
    source = UnpluggedAfter(frames=5)
    widget = CaptureWidget()
    qtbot.addWidget(widget)
    widget.show()
    widget.start_camera(source)
    camera = widget.camera
    assert camera is not None
    with qtbot.waitSignal(widget.camera_failed, timeout=5000) as blocker:
        pass
    assert blocker.args[0] == "The test camera stopped sending pictures; it may be unplugged."
    assert widget._pages.currentIndex() == 1
    assert widget.error_label.text() == blocker.args[0]
    assert widget.retry_button.text() == "Try again"
    assert widget.error_import_button.text() == "Import a file instead"
    assert camera.isFinished() and source.closed
    assert widget.camera is None
    # "Try again" restarts the preview with a fresh source.
    widget.set_source_factory(lambda: UnpluggedAfter(frames=1000))
    widget.retry_button.click()
    assert widget._pages.currentIndex() == 0 and widget.camera is not None
    widget.close()


def test_close_stops_the_camera_thread(qtbot, camera_video: Path):
    widget = CaptureWidget(lambda: OpenCvSource(str(camera_video)))
    qtbot.addWidget(widget)
    widget.show()
    widget.start_camera()
    camera = widget.camera
    assert camera is not None
    qtbot.waitSignal(camera.frame_captured, timeout=5000).wait()
    widget.close()
    assert camera.isFinished()
    assert widget.camera is None


def test_shutter_returns_the_full_frame_as_jpeg(qtbot, camera_video: Path, reference_image):
    widget = CaptureWidget(lambda: OpenCvSource(str(camera_video)))
    qtbot.addWidget(widget)
    widget.set_reference(reference_image)
    widget.start_camera()
    assert widget.camera is not None
    with qtbot.waitSignal(widget.camera.quality_assessed, timeout=10_000) as quality:
        pass
    assert isinstance(quality.args[0], list)
    assert widget.quality_label.text()
    frames: list[np.ndarray] = []
    widget.frame_taken.connect(frames.append)
    with qtbot.waitSignal(widget.photo_taken, timeout=5000) as blocker:
        assert widget.capture() is not None
    assert len(frames) == 1 and frames[0].shape == (480, 640, 3)
    photo, source, _notes = blocker.args
    assert source == "camera" and photo[:2] == b"\xff\xd8"
    decoded = cv2.imdecode(np.frombuffer(photo, np.uint8), cv2.IMREAD_COLOR)
    assert decoded.shape == (480, 640, 3)
    widget.shutdown()


def test_shutter_without_a_frame_says_none(qtbot):
    widget = CaptureWidget()
    qtbot.addWidget(widget)
    assert widget.capture() is None


def test_hot_folder_waits_until_the_file_is_complete(qtbot, tmp_path: Path, reference_image):
    folder = tmp_path / "hot"
    folder.mkdir()
    (folder / "old.jpg").write_bytes(b"there before")
    widget = CaptureWidget()
    qtbot.addWidget(widget)
    widget.watch_folder(folder, poll_ms=50)
    arrived: list[tuple[bytes, str]] = []
    widget.photo_taken.connect(lambda data, source, _n: arrived.append((data, source)))
    complete = cv2.imencode(".jpg", reference_image)[1].tobytes()
    half = len(complete) // 2
    target = folder / "IMG_0001.JPG"
    with target.open("wb") as handle:
        handle.write(complete[:half])
        handle.flush()
        # While the writer keeps growing the file, nothing may be delivered.
        for chunk in range(half, len(complete), 2048):
            qtbot.wait(60)
            assert arrived == []
            handle.write(complete[chunk:chunk + 2048])
            handle.flush()
    qtbot.waitUntil(lambda: len(arrived) == 1, timeout=5000)
    assert arrived == [(complete, "hotfolder")]
    widget.shutdown()


@pytest.mark.parametrize("setting", ["0", "7"])
def test_device_setting_means_a_device(setting: str):
    source = open_source(setting)
    assert isinstance(source, OpenCvSource) and source.target == int(setting)


def test_demo_video_is_a_camera(qtbot, tmp_path: Path, reference_image):
    from inspector.ui.capture.demo import write_demo_video

    video = write_demo_video(reference_image, tmp_path / "demo.avi", frames=4)
    camera = CameraThread(open_source(str(video)))
    with qtbot.waitSignal(camera.frame_captured, timeout=5000) as blocker:
        camera.start()
    assert blocker.args[0].shape == (720, 1280, 3)
    camera.stop()
    assert camera.isFinished()


def test_preview_and_comparison_images_keep_colours() -> None:
    """OpenCV's BGR handed to Qt as it is must still paint red as red."""
    import numpy as np

    from inspector.ui.capture.preview import bgr_to_qimage
    from inspector.ui.compare.runner import _to_qimage

    red = np.zeros((6, 8, 3), np.uint8)
    red[..., 2] = 255  # BGR
    for image in (bgr_to_qimage(red), _to_qimage(red, 1.0), _to_qimage(red[:, :, 2], 0.5)):
        assert image is not None and not image.isNull()
        colour = image.pixelColor(1, 1)
        assert (colour.red(), colour.blue()) == (255, 0) or image.isGrayscale()


def test_auto_capture_takes_one_photo_per_scene_once_it_holds_steady(qtbot, camera_video: Path,
                                                                     reference_image):
    import time

    from inspector.ui.capture.widget import AUTO_CAPTURE_STEADY_S

    widget = CaptureWidget(lambda: OpenCvSource(str(camera_video)))
    qtbot.addWidget(widget)
    widget.set_reference(reference_image)
    photos: list[bytes] = []
    widget.photo_taken.connect(lambda data, _source, _notes: photos.append(data))
    good: list[float] = []  # when a frame was judged fine (framing and quality)
    widget.start_camera()
    assert widget.camera is not None
    widget.camera.quality_assessed.connect(lambda problems: good.append(time.monotonic())
                                           if not problems else good.clear())
    # Off (the default): a steady, good scene for twice the hold takes no photo.
    qtbot.waitUntil(lambda: len(good) >= 2 and good[-1] - good[0] >= 2 * AUTO_CAPTURE_STEADY_S,
                    timeout=20_000)
    assert photos == []
    widget.auto_capture = True
    qtbot.waitUntil(lambda: len(photos) == 1, timeout=20_000)
    assert photos[0][:2] == b"\xff\xd8"
    # One photo per scene: the scene holding on takes no second one...
    seen = len(good)
    qtbot.waitUntil(lambda: len(good) >= seen + 5 and good[-1] - good[0] >= 2 * AUTO_CAPTURE_STEADY_S,
                    timeout=20_000)
    assert len(photos) == 1
    # ...until the scene changes (the next step): then one more.
    widget.require_fresh_frame()
    qtbot.waitUntil(lambda: len(photos) == 2, timeout=20_000)
    widget.shutdown()
