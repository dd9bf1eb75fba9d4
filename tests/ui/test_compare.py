"""ComparisonView shows regions and switches modes; comparison and jobs run off the GUI thread."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QPointF, Qt, QThread
from PySide6.QtWidgets import QApplication

from inspector.errors import BadInput
from inspector.ui import background
from inspector.ui.compare import ComparisonRunner, ComparisonView, Mode
from inspector.vision.compare import compare
from inspector.vision.synthetic import Nuisance, make_probe


def altered_probe(reference: np.ndarray) -> np.ndarray:
    rng = np.random.default_rng(7)
    probe = make_probe(reference, Nuisance(tilt_deg=4, rotation_deg=3, scale=1.2), rng,
                       alteration="mark", change_share=0.03)
    return probe.photo


def test_background_job_runs_off_the_gui_thread_and_reports_result(qtbot):
    seen: list[QThread] = []

    def job(x: int) -> int:
        seen.append(QThread.currentThread())
        return x * 2

    done: list[QThread] = []
    ended: list[bool] = []
    # Handlers are given before the job starts: one connected after could miss a fast job.
    background.run_in_background(job, 21, on_result=lambda _v: done.append(QThread.currentThread()),
                                 on_finished=lambda: ended.append(True))
    qtbot.waitUntil(lambda: bool(ended), timeout=5000)
    gui = QApplication.instance().thread()
    assert seen and seen[0] is not gui
    assert done == [gui]  # handlers run on the GUI thread


def test_background_error_comes_back_as_its_sentence(qtbot):
    def job() -> None:
        raise BadInput("That photo is not an image.")

    errors: list[BaseException] = []
    ended: list[bool] = []
    background.run_in_background(job, on_error=errors.append, on_finished=lambda: ended.append(True))
    qtbot.waitUntil(lambda: bool(ended), timeout=5000)
    assert [str(e) for e in errors] == ["That photo is not an image."]
    assert background.wait_for_all()
    assert background.running_jobs() == 0  # the handle was released once finished


def test_comparison_runs_off_the_gui_thread_and_shows_regions(qtbot, reference_image):
    photo = altered_probe(reference_image)
    threads: list[QThread] = []

    def recording_compare(ref: np.ndarray, pic: np.ndarray):
        threads.append(QThread.currentThread())
        return compare(ref, pic)

    view = ComparisonView()
    qtbot.addWidget(view)
    view.resize(1000, 700)
    runner = ComparisonRunner(view)
    with qtbot.waitSignal(runner.comparison_finished, timeout=30_000) as blocker:
        runner.compare_arrays(reference_image, photo, compare=recording_compare)
    assert threads and threads[0] is not QApplication.instance().thread()
    prepared = blocker.args[0]
    assert prepared.aligned
    assert prepared.boxes, "the altered probe should flag at least one region"
    scores = [box.score for box in prepared.boxes]
    assert scores == sorted(scores) and next(b.number for b in prepared.boxes) == 1
    assert view.canvas.boxes == prepared.boxes
    assert view.score_label.text().startswith("Match ")
    assert "region" in view.message_label.text()


def test_modes_switch_and_slider_drives_opacity_and_swipe(qtbot, reference_image, tmp_path: Path):
    view = ComparisonView()
    qtbot.addWidget(view)
    view.resize(1100, 700)
    view.show_comparison(reference_image, compare(reference_image, altered_probe(reference_image)))
    assert view.mode is Mode.SIDE_BY_SIDE and len(view.canvas.panes()) == 2
    assert not view.slider.isVisibleTo(view)
    for mode in Mode:
        qtbot.mouseClick(view.mode_buttons[mode], Qt.MouseButton.LeftButton)
        assert view.mode is mode and view.mode_buttons[mode].isChecked()
        view.grab().save(str(tmp_path / f"{mode.value}.png"))  # paints every mode once
    view.set_mode(Mode.OVERLAY)
    view.slider.setValue(80)
    assert view.canvas.opacity == 0.8
    view.set_mode(Mode.SWIPE)
    view.slider.setValue(25)
    assert view.canvas.swipe == 0.25 and view.canvas.opacity == 0.8
    assert all(button.minimumHeight() >= 44 for button in view.mode_buttons.values())


def test_zoom_keys_and_drag_pan_are_shared_by_both_panes(qtbot, reference_image):
    view = ComparisonView()
    qtbot.addWidget(view)
    view.resize(1000, 600)
    view.show_comparison(reference_image, compare(reference_image, altered_probe(reference_image)))
    canvas = view.canvas
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_Plus)
    qtbot.keyClick(canvas, Qt.Key.Key_Plus)
    assert canvas.zoom > 1.5
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPointF(200, 200).toPoint())
    qtbot.mouseMove(canvas, QPointF(150, 180).toPoint())
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPointF(150, 180).toPoint())
    left, right = (canvas.image_rect(pane) for pane in canvas.panes())
    # Same size and the same offset inside each pane: the panes show the same part.
    assert left.size() == right.size()
    offset = canvas.panes()[1].left() - canvas.panes()[0].left()
    assert abs((right.left() - left.left()) - offset) < 1e-6
    assert canvas.pan.x() > 0
    qtbot.keyClick(canvas, Qt.Key.Key_0)
    assert canvas.zoom == 1.0 and canvas.pan.x() == 0
    view.zoom_in()
    assert canvas.zoom > 1.0
    view.zoom_out()
    view.reset_zoom()
    assert canvas.zoom == 1.0


def test_could_not_align_is_said_plainly(qtbot, reference_image):
    view = ComparisonView()
    qtbot.addWidget(view)
    noise = np.random.default_rng(3).integers(0, 255, reference_image.shape, np.uint8)
    result = compare(reference_image, noise)
    assert not result.aligned
    view.show_comparison(reference_image, result)
    assert view.score_label.text() == "Could not align"
    assert view.message_label.text()
