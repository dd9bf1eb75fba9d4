"""GUI benchmark: the GUI thread's longest stall during a 12 MP comparison, and capture to screen.

A QTimer on the GUI thread fires every TICK_MS and records how late it is; its worst lateness
with nothing running (baseline) is printed beside the worst while a 12 MP comparison runs in
the background through inspector.ui.background. "Capture to result" is the time from pressing
the shutter on a CaptureWidget (camera frame -> JPEG in the background -> decode + compare in
the background, as services.comparisons.compare_photo does) to the ComparisonView painted.

    QT_QPA_PLATFORM=offscreen uv run python benchmarks/gui.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import cv2
import numpy as np
from PySide6.QtCore import QElapsedTimer, QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QApplication
from skimage import data as skdata

from inspector.ui import background
from inspector.ui.capture import CaptureWidget
from inspector.ui.compare import ComparisonRunner, ComparisonView
from inspector.ui.compare.runner import prepare_images
from inspector.vision.compare import DECODE_MIN_SIDE, compare
from inspector.vision.imageio import decode_image
from inspector.vision.synthetic import Nuisance, make_probe

TICK_MS = 5
GOAL_STALL_MS = 50.0
GOAL_CAPTURE_MS = 300.0


class LatenessProbe:
    """A GUI-thread timer that measures how late each tick is (a stall shows as lateness)."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._on_tick)
        self.worst = 0.0
        self._last = 0.0

    def start(self) -> None:
        self.worst = 0.0
        self.clock.start()
        self._last = 0.0
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        return self.worst

    def _on_tick(self) -> None:
        now = self.clock.nsecsElapsed() / 1e6
        self.worst = max(self.worst, now - self._last - TICK_MS)
        self._last = now


def spin(msecs: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(msecs, loop.quit)
    loop.exec()


def wait_for(signal: object, timeout_ms: int = 60_000, trigger: Callable[[], object] | None = None
             ) -> list[object]:
    """Run trigger (if any) with the signal connected, then wait for the signal."""
    got: list[object] = []
    loop = QEventLoop()

    def on_signal(*args: object) -> None:
        got.append(args)
        loop.quit()
    signal.connect(on_signal)  # type: ignore[attr-defined]
    QTimer.singleShot(timeout_ms, loop.quit)
    if trigger is not None:
        trigger()
    if not got:
        loop.exec()
    signal.disconnect(on_signal)  # type: ignore[attr-defined]
    if not got:
        raise TimeoutError("signal never came")
    return got


def images() -> tuple[np.ndarray, np.ndarray]:
    """A 1000 px reference and a 4000x3000 (12 MP) altered photo of it."""
    astronaut = cv2.cvtColor(skdata.astronaut(), cv2.COLOR_RGB2BGR)
    reference = cv2.resize(astronaut, (1000, 1000), interpolation=cv2.INTER_CUBIC)
    probe = make_probe(reference, Nuisance(tilt_deg=5, rotation_deg=4, scale=1.0, margin=0.2),
                       np.random.default_rng(5), alteration="mark", change_share=0.03)
    photo = cv2.resize(probe.photo, (4000, 3000), interpolation=cv2.INTER_CUBIC)
    return reference, photo


class StillCamera:
    """A camera that keeps showing one 12 MP frame (what a tethered or 4K camera would give)."""

    name = "bench camera"
    frame_interval = 0.1

    def __init__(self, frame: np.ndarray) -> None:
        self.frame = frame

    def open(self) -> None:
        pass

    def read(self) -> np.ndarray:
        return self.frame

    def close(self) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    reference, photo = images()
    view = ComparisonView()
    view.resize(1280, 800)
    view.show()
    runner = ComparisonRunner(view)
    probe = LatenessProbe()
    spin(300)

    baseline, loaded = [], []
    for _ in range(args.runs):
        probe.start()
        spin(1000)
        baseline.append(probe.stop())
        probe.start()
        runner.compare_arrays(reference, photo)
        wait_for(runner.comparison_finished)
        view.canvas.repaint()
        spin(50)
        loaded.append(probe.stop())

    capture = CaptureWidget()
    capture.resize(900, 650)
    capture.show()
    capture.set_reference(reference)
    capture.start_camera(StillCamera(photo))
    assert capture.camera is not None
    wait_for(capture.camera.frame_captured)
    spin(300)

    def work_from_jpeg(data: bytes):  # what compare_photo does, minus the database
        return prepare_images(reference, compare(reference, decode_image(data)))

    capture_ms, compute_ms, reduced_ms, direct_ms = [], [], [], []
    for _ in range(args.runs):
        # Variant: JPEG decoded reduced (DCT scaling, as vision.compare_files does).
        started = time.perf_counter()
        capture.capture()
        (data, _source, _notes), = wait_for(capture.photo_taken)
        runner.run(lambda data=data: prepare_images(reference, compare(
            reference, decode_image(data, min_side=DECODE_MIN_SIDE), photo_size=(4000, 3000))))
        wait_for(runner.comparison_finished)
        view.canvas.repaint()
        reduced_ms.append((time.perf_counter() - started) * 1000)
        # Variant: compare the shutter's raw frame at once (frame_taken), JPEG encoded meanwhile.
        started = time.perf_counter()
        (frame,), = wait_for(capture.frame_taken, trigger=capture.capture)
        runner.run(lambda frame=frame: prepare_images(reference, compare(reference, frame)))
        wait_for(runner.comparison_finished)
        view.canvas.repaint()
        direct_ms.append((time.perf_counter() - started) * 1000)
        background.wait_for_all()
        spin(100)

        started = time.perf_counter()
        capture.capture()
        (data, _source, _notes), = wait_for(capture.photo_taken)
        runner.run(lambda data=data: work_from_jpeg(data))
        wait_for(runner.comparison_finished)
        view.canvas.repaint()
        capture_ms.append((time.perf_counter() - started) * 1000)
        begun = time.perf_counter()
        compare(reference, decode_image(data))
        compute_ms.append((time.perf_counter() - begun) * 1000)
    capture.stop_camera()
    background.wait_for_all()

    # The bench's usual camera is a 1080p USB camera: the same path from its frames.
    hd_frame = cv2.resize(photo, (1920, 1080), interpolation=cv2.INTER_AREA)
    capture.start_camera(StillCamera(hd_frame))
    wait_for(capture.camera.frame_captured)
    spin(300)
    hd_ms = []
    for _ in range(args.runs):
        started = time.perf_counter()
        capture.capture()
        (data, _source, _notes), = wait_for(capture.photo_taken)
        runner.run(lambda data=data: prepare_images(reference, compare(
            reference, decode_image(data, min_side=DECODE_MIN_SIDE), photo_size=(1920, 1080))))
        wait_for(runner.comparison_finished)
        view.canvas.repaint()
        hd_ms.append((time.perf_counter() - started) * 1000)
        background.wait_for_all()
        spin(100)
    capture.shutdown()
    background.wait_for_all()

    def line(label: str, values: list[float], goal: float) -> str:
        return (f"{label:<44} median {statistics.median(values):7.1f} ms   worst "
                f"{max(values):7.1f} ms   goal <= {goal:.0f} ms")
    print(f"GUI benchmark ({args.runs} runs, offscreen, {os.cpu_count()} cores, "
          f"timer every {TICK_MS} ms)")
    print(line("GUI stall, nothing running (baseline)", baseline, GOAL_STALL_MS))
    print(line("GUI stall, 12 MP comparison in background", loaded, GOAL_STALL_MS))
    print(f"{'  ratio loaded / baseline (medians)':<44} "
          f"{statistics.median(loaded) / max(statistics.median(baseline), 0.01):7.1f}x")
    print(line("capture -> result on screen, 12 MP", capture_ms, GOAL_CAPTURE_MS))
    print(line("  of which: decode + compare alone (baseline)", compute_ms, GOAL_CAPTURE_MS))
    print(line("capture -> screen, JPEG decoded reduced", reduced_ms, GOAL_CAPTURE_MS))
    print(line("capture -> screen, raw frame (frame_taken)", direct_ms, GOAL_CAPTURE_MS))
    print(line("capture -> screen, 1080p camera (reduced)", hd_ms, GOAL_CAPTURE_MS))
    app.processEvents()


if __name__ == "__main__":
    main()
