"""Safe result entry at the bench (issue 15): nothing recorded by accident, doubts asked once more."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PySide6.QtCore import Qt

from inspector.ui.inspection.states import StepState, state_icon
from inspector.ui.main_window import MainWindow
from tests.helpers.window import open_and_wait, record_and_wait
from tests.ui.bench import STYLE_CODE, photo_of
from tests.ui.test_station_flow import WAIT_MS, bench_env, log_in_by_badge, services, window

__all__ = ["bench_env", "services", "window"]  # fixtures shared with the whole-inspection test


def _open(qtbot, window: MainWindow, code: str):
    log_in_by_badge(qtbot, window)
    return open_and_wait(qtbot, window, code, STYLE_CODE)


def _photo(qtbot, page, data: bytes):
    with qtbot.waitSignal(page.comparison_shown, timeout=WAIT_MS) as compared:
        page.submit_photo(data, "camera", ())
    qtbot.waitUntil(lambda: compared.args[0].view.photo_id in page.detail.comparisons, timeout=WAIT_MS)
    return compared.args[0]


def test_choosing_a_reason_never_records(qtbot, window: MainWindow) -> None:
    page = _open(qtbot, window, "ITEM-R1")
    page.go_to("smell")
    page.panel.note_edit.setText("Strong solvent")
    page.run_action("fail")  # F: the note is there, the reason is not: it asks for the reason
    combo = page.panel.reason_combo
    index = combo.findData("counterfeit")
    combo.setCurrentIndex(index)
    combo.activated.emit(index)  # chosen with the mouse, the note half written
    assert not page.recording and "smell" not in page.detail.results
    assert page.panel.note_edit.hasFocus()
    page.panel.note_edit.setText("Strong solvent smell, not factory glue")
    with qtbot.waitSignal(page.step_recorded, timeout=WAIT_MS) as recorded:
        qtbot.keyClick(page.panel.note_edit, Qt.Key.Key_Return)
    assert recorded.args[0].outcome == "fail"
    assert recorded.args[0].note == "Strong solvent smell, not factory glue"


def test_the_style_code_from_the_chooser_is_not_asked_again(qtbot, window: MainWindow) -> None:
    page = _open(qtbot, window, "ITEM-R2")
    assert page.step_id == "box-label" and page.panel.value_edit.text() == STYLE_CODE
    assert page.panel.value_edit.hasFocus()  # a value step opens with its field focused


def test_an_unaligned_photo_on_a_major_step_asks_once_more(qtbot, window: MainWindow) -> None:
    page = _open(qtbot, window, "ITEM-R3")
    page.go_to("size-tag")
    noise = np.random.default_rng(3).integers(0, 255, (600, 800, 3), dtype=np.uint8)
    ok, data = cv2.imencode(".jpg", noise)
    assert ok
    outcome = _photo(qtbot, page, data.tobytes())
    assert not outcome.view.aligned  # noise: no homography to find
    assert not record_and_wait(qtbot, page, "pass")  # one P: only a warning
    assert "Press P again" in page.panel.banner.text()
    assert "size-tag" not in page.detail.results
    assert record_and_wait(qtbot, page, "pass")  # the second P passes it, knowingly
    # Not a green tick: the checklist says the comparison could not be made.
    status = page.steps.status("size-tag")
    assert status.state is StepState.NOT_COMPARED and "could not be compared" in status.detail
    assert state_icon(StepState.NOT_COMPARED).cacheKey() != state_icon(StepState.PASS).cacheKey()


def test_a_value_the_brand_data_contradicts_asks_once_more(qtbot, window: MainWindow,
                                                            bench_env: dict[str, str]) -> None:
    page = _open(qtbot, window, "ITEM-R4")
    reference = Path(bench_env["INSPECTOR_ASSETS_DIR"]) / "references" / "bench" / "label.png"
    _photo(qtbot, page, photo_of(reference, seed=4))
    page.panel.set_value("BR9999-999")  # as a scan puts it there
    qtbot.waitUntil(lambda: "✗" in page.panel.value_check.text(), timeout=WAIT_MS)
    qtbot.keyClick(page.panel.value_edit, Qt.Key.Key_Return)
    assert "brand data" in page.panel.banner.text() and not page.recording
    with qtbot.waitSignal(page.step_recorded, timeout=WAIT_MS) as recorded:
        qtbot.keyClick(page.panel.value_edit, Qt.Key.Key_Return)  # Enter again: pass anyway
    assert recorded.args[0].outcome == "pass" and recorded.args[0].value == "BR9999-999"


def test_confirming_with_unchecked_steps_names_them(qtbot, window: MainWindow) -> None:
    page = _open(qtbot, window, "ITEM-R5")
    page.go_to("smell")
    assert record_and_wait(qtbot, page, "pass")
    finish = window.finish
    with qtbot.waitSignal(finish.shown, timeout=WAIT_MS):
        page.request_summary()
    assert window.stack.currentWidget() is finish
    finish.confirm()
    assert "Box label" in finish.banner.text() and "Size tag" in finish.banner.text()
    assert not finish._confirming and not finish.detail.inspection.finished
    with qtbot.waitSignal(finish.finished, timeout=WAIT_MS) as done:
        finish.confirm()  # the second press, knowing what is unchecked
    assert done.args[0].verdict == "inconclusive"


def test_a_photo_can_be_set_aside_and_retaken(qtbot, window: MainWindow, bench_env: dict[str, str]) -> None:
    page = _open(qtbot, window, "ITEM-R6")
    page.go_to("size-tag")
    reference = Path(bench_env["INSPECTOR_ASSETS_DIR"]) / "references" / "bench" / "label.png"
    first = _photo(qtbot, page, photo_of(reference, seed=6))
    _photo(qtbot, page, photo_of(reference, seed=7))
    assert len(page.detail.photos["size-tag"]) == 2  # "2/1"
    assert page.view.selected_photo_id() != first.view.photo_id  # the latest is the one selected
    page.setFocus()
    qtbot.keyClick(page, Qt.Key.Key_Delete)
    window.scanner.release_held_keys()
    qtbot.waitUntil(lambda: len(page.detail.photos.get("size-tag", ())) == 1, timeout=WAIT_MS)
    assert [p.id for p in page.detail.photos["size-tag"]] == [first.view.photo_id]
    assert page.view.photos.count() == 1


def test_a_revisited_step_shows_its_recorded_comparison(qtbot, window: MainWindow,
                                                         bench_env: dict[str, str]) -> None:
    page = _open(qtbot, window, "ITEM-R8")
    reference = Path(bench_env["INSPECTOR_ASSETS_DIR"]) / "references" / "bench" / "label.png"
    compared = _photo(qtbot, page, photo_of(reference, tamper=True, seed=2))
    assert compared.view.regions
    page.go_to("smell")
    view = page.view.compare.view
    page.go_to("box-label")  # rebuilt from the records (Comparison.from_stored) in the background
    qtbot.waitUntil(lambda: view.prepared is not None
                    and view.prepared.message == "Comparison recorded earlier.", timeout=WAIT_MS)
    prepared = view.prepared
    assert prepared.score == compared.view.score and prepared.aligned == compared.view.aligned
    assert sorted(box.score for box in prepared.boxes) == sorted(r.score for r in compared.view.regions)
    assert prepared.photo is not None and not prepared.photo.isNull()  # the photo warped onto the reference
    assert prepared.heatmap is not None and not prepared.heatmap.isNull()


def test_a_capture_after_a_step_change_waits_for_a_fresh_frame(qtbot, window: MainWindow) -> None:
    page = _open(qtbot, window, "ITEM-R7")
    live = page.view.capture.live
    qtbot.waitUntil(lambda: live.camera is not None and live.camera.latest_frame() is not None,
                    timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not live._frames_needed, timeout=WAIT_MS)
    page.go_to("size-tag")  # the frame on hand was filmed for the box label
    assert live.camera.latest_frame() is not None
    taken: list[object] = []
    live.frame_taken.connect(taken.append)
    assert page.view.capture.capture()  # Space at once: accepted...
    assert live.waiting_for_frame and taken == []  # ...but not from the old frame
    with qtbot.waitSignal(page.photo_recorded, timeout=WAIT_MS) as recorded:
        pass
    assert taken and recorded.args[0].step_id == "size-tag"
