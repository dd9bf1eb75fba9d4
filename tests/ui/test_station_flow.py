"""A whole inspection through the real station window: scan, capture, compare, results, verdict."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from inspector.app import attach_certificates
from inspector.services.station import StationServices, open_station
from inspector.storage.models import AuditEvent, Inspection
from inspector.ui.finish import FinishPage
from inspector.ui.inspection.page import InspectionPage
from inspector.ui.main_window import MainWindow
from tests.helpers.window import open_and_wait, press_enter_and_wait, record_and_wait
from tests.ui.bench import STYLE_CODE, add_people, build_bench, photo_of, settings_for
from tests.ui.conftest import write_video

WAIT_MS = 20_000


@pytest.fixture
def bench_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    env = build_bench(tmp_path)
    # The camera is a video file: a few frames of the label, as a camera films it.
    reference = Path(env["INSPECTOR_ASSETS_DIR"]) / "references" / "bench" / "label.png"
    frames = [cv2.imdecode(np.frombuffer(photo_of(reference, seed=20 + n), np.uint8), cv2.IMREAD_COLOR)
              for n in range(6)]
    env["INSPECTOR_CAMERA"] = str(write_video(tmp_path / "camera.avi", frames, fps=10))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


@pytest.fixture
def services(bench_env: dict[str, str]) -> Iterator[StationServices]:
    station = open_station(settings_for(bench_env))
    attach_certificates(station)  # as `inspector` does
    add_people(station)
    yield station
    station.close()


@pytest.fixture
def window(qtbot, services: StationServices) -> Iterator[MainWindow]:
    main = MainWindow(services)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    yield main
    main.close()


def _has_colour(image: QImage, rgb: tuple[int, int, int]) -> bool:
    """Whether any pixel of a widget grab has exactly this colour (sampled every 2 px)."""
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            colour = image.pixelColor(x, y)
            if (colour.red(), colour.green(), colour.blue()) == rgb:
                return True
    return False


def scan(qtbot, widget, code: str) -> None:
    """What a barcode scanner does: the code's keys in a burst, then Enter."""
    qtbot.keyClicks(widget, code)
    qtbot.keyClick(widget, Qt.Key.Key_Return)
    QApplication.processEvents()  # the window takes the scan queued, after the key filter returns


def press(qtbot, window: MainWindow, key: Qt.Key) -> None:
    """A person's single key: held a moment by the scan detector, then delivered."""
    qtbot.keyClick(window.inspection, key)
    window.scanner.release_held_keys()


def log_in_by_badge(qtbot, window: MainWindow) -> None:
    window.login.who_edit.setFocus()
    scan(qtbot, window.login.who_edit, "B-1001")
    assert window.login.who_edit.text() == "B-1001"
    qtbot.keyClicks(window.login.pin_edit, "1234")
    assert press_enter_and_wait(qtbot, window)
    assert window.actor is not None and window.actor.name == "Alex Authenticator"


def test_whole_inspection_through_the_window(qtbot, window: MainWindow, services: StationServices,
                                             bench_env: dict[str, str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    log_in_by_badge(qtbot, window)
    assert window.stack.currentWidget() is window.home

    # The item's code matches no checklist: the window asks, the user types the style code.
    class Chooser:
        def __init__(self, *_args: object) -> None: ...
        def exec(self) -> bool: return True
        def style_code(self) -> str: return STYLE_CODE
        def checklist_id(self) -> None: return None

    monkeypatch.setattr("inspector.ui.main_window.ChecklistChooser", Chooser)
    with qtbot.waitSignal(window.inspection_opened, timeout=WAIT_MS) as opened:
        scan(qtbot, window.home, "ITEM-000123")
    inspection_id, resumed = opened.args
    assert resumed is False
    page: InspectionPage = window.inspection
    assert window.stack.currentWidget() is page and page.step_id == "box-label"

    # Value step: the scanned style code goes into the value and the brand data answers at once.
    page.setFocus()
    scan(qtbot, page, STYLE_CODE)
    assert page.panel.value_edit.text() == STYLE_CODE
    qtbot.waitUntil(lambda: "✓" in page.panel.value_check.text(), timeout=WAIT_MS)
    assert "✗" not in page.panel.value_check.text()
    assert not page.panel.note_edit.text()  # the scan did not fire the one-letter shortcuts

    reference = Path(bench_env["INSPECTOR_ASSETS_DIR"]) / "references" / "bench" / "label.png"
    # The camera is a video file: wait for its first frame, then Space is the shutter.
    live = page.view.capture.live
    assert live is not None
    qtbot.waitUntil(lambda: live.camera is not None and live.camera.latest_frame() is not None,
                    timeout=WAIT_MS)
    # The framing ghost: the step's reference drawn faintly over the live picture, in a dashed frame
    # (the reference is decoded and prepared off the GUI thread the first time: wait for it).
    qtbot.waitUntil(lambda: live._reference_image is not None, timeout=WAIT_MS)
    preview = live.preview
    with_ghost = preview.grab().toImage()
    preview.ghost_visible = False
    without_ghost = preview.grab().toImage()
    preview.ghost_visible = True
    centre = (with_ghost.width() // 2, with_ghost.height() // 2)
    assert with_ghost.size() == without_ghost.size() and with_ghost != without_ghost
    assert _has_colour(with_ghost, (80, 200, 255)) and not _has_colour(without_ghost, (80, 200, 255))
    # Inside the frame the reference shows through: many pixels of the central box change (three
    # sampled points were flaky: a plain stretch of the reference may match the picture there).
    half_w, half_h = with_ghost.width() // 10, with_ghost.height() // 10
    box = [(x, y) for x in range(centre[0] - half_w, centre[0] + half_w, 2)
           for y in range(centre[1] - half_h, centre[1] + half_h, 2)]
    changed = sum(with_ghost.pixelColor(*at) != without_ghost.pixelColor(*at) for at in box)
    assert changed >= len(box) // 4, f"{changed} of {len(box)} pixels show the ghost"
    assert QApplication.focusWidget() is page.panel.value_edit  # a value step types into its value
    qtbot.keyClick(page.panel.value_edit, Qt.Key.Key_Escape)  # leave it: Space is the shutter again
    with qtbot.waitSignal(page.comparison_shown, timeout=WAIT_MS) as compared:
        press(qtbot, window, Qt.Key.Key_Space)
    assert compared.args[0].view.score > 0
    assert page.view.compare.view.prepared is not None  # the comparison view shows it
    with qtbot.waitSignal(page.step_recorded, timeout=WAIT_MS):
        press(qtbot, window, Qt.Key.Key_P)
    assert page.step_id == "size-tag"

    # A photo with a painted patch, imported from a file (Ctrl+O): the comparison flags regions,
    # drawn as boxes.
    tampered = Path(bench_env["INSPECTOR_HOME"]) / "tampered.jpg"
    tampered.write_bytes(photo_of(reference, tamper=True, seed=2))
    monkeypatch.setattr("inspector.ui.capture.widget.QFileDialog.getOpenFileName",
                        lambda *_a, **_k: (str(tampered), "Images"))
    with qtbot.waitSignal(page.photo_recorded, timeout=WAIT_MS) as imported, \
            qtbot.waitSignal(page.comparison_shown, timeout=WAIT_MS) as compared:
        qtbot.keyClick(page, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert imported.args[0].source == "file"
    outcome = compared.args[0]
    assert outcome.view.regions, "the tampered patch should be flagged"
    assert page.view.tabs.currentWidget() is page.view.compare
    assert "region" in page.view.compare.score_label.text()
    assert page.view.compare.view.prepared.boxes  # drawn as boxes on the images
    zoom = page.view.compare.view.canvas.zoom
    press(qtbot, window, Qt.Key.Key_Plus)
    assert page.view.compare.view.canvas.zoom > zoom

    # Fail needs a reason and a note: F first asks for them.
    press(qtbot, window, Qt.Key.Key_F)
    assert page.panel.banner.isVisible() and page.panel.note_edit.hasFocus()
    page.panel.note_edit.setText("Font weight differs from the reference")  # typed at a person's pace
    page.panel.reason_combo.setCurrentIndex(page.panel.reason_combo.findData("counterfeit"))
    with qtbot.waitSignal(page.step_recorded, timeout=WAIT_MS) as recorded:
        qtbot.keyClick(page.panel.note_edit, Qt.Key.Key_Return)
    assert recorded.args[0].outcome == "fail" and recorded.args[0].fail_reason == "counterfeit"
    assert page.step_id == "smell"

    page.panel.note_edit.setText("Faint chemical smell")
    with qtbot.waitSignal(window.finish.shown, timeout=WAIT_MS):
        press(qtbot, window, Qt.Key.Key_U)
    finish: FinishPage = window.finish
    assert window.stack.currentWidget() is finish
    assert "FAIL" in finish.verdict_label.text()
    assert finish.table.rowCount() == 3

    with qtbot.waitSignal(finish.finished, timeout=WAIT_MS) as done:
        qtbot.keyClick(finish, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert done.args[0].verdict == "fail"

    # A fail prints its fail report (a pass would print its certificate and tag).
    assert finish.print_panel.isVisibleTo(window) and not finish.print_panel.print_tag.isVisibleTo(window)
    report = bench_env["INSPECTOR_HOME"] + "/fail-report.pdf"
    monkeypatch.setattr("inspector.ui.print_bridge.QFileDialog.getSaveFileName",
                        lambda *_a, **_k: (report, "PDF (*.pdf)"))
    finish.print_panel.save_pdf.click()
    qtbot.waitUntil(lambda: Path(report).is_file() and Path(report).read_bytes().startswith(b"%PDF"),
                    timeout=WAIT_MS)

    # Back at the bench: the pace counts this item (read from the records, not counted here).
    with qtbot.waitSignal(window.home.refreshed, timeout=WAIT_MS):
        finish.next_item_requested.emit()
    assert "<b>1</b> item in the last hour" in window.home.pace_label.text()

    with services.ctx.db.read() as session:
        row = session.get(Inspection, inspection_id)
        assert row is not None and row.status == "finished" and row.verdict == "fail"
        assert row.fail_reason == "counterfeit"
        actions = [e.action for e in session.scalars(select(AuditEvent).order_by(AuditEvent.seq))]
    for action in ("item.created", "inspection.started", "photo.added", "comparison.recorded",
                   "step.recorded", "inspection.finished"):
        assert action in actions
    assert actions.count("step.recorded") == 3 and actions.count("photo.added") == 2


def test_comparison_and_saving_run_off_the_gui_thread(qtbot, window: MainWindow, services: StationServices,
                                                      bench_env: dict[str, str]) -> None:
    threads: dict[str, threading.Thread] = {}
    add_photo, compare_photo = services.inspections.add_photo, services.comparisons.compare_photo

    def spy(name: str, real):
        def call(*args: object, **kwargs: object) -> object:
            threads[name] = threading.current_thread()
            return real(*args, **kwargs)
        return call

    services.inspections.add_photo = spy("add_photo", add_photo)  # type: ignore[method-assign]
    services.comparisons.compare_photo = spy("compare", compare_photo)  # type: ignore[method-assign]
    log_in_by_badge(qtbot, window)
    open_and_wait(qtbot, window, "ITEM-9", STYLE_CODE)
    reference = Path(bench_env["INSPECTOR_ASSETS_DIR"]) / "references" / "bench" / "label.png"
    with qtbot.waitSignal(window.inspection.comparison_shown, timeout=WAIT_MS):
        window.inspection.view.capture.photo_taken.emit(photo_of(reference), "camera", ())
    assert threads["add_photo"] is not threading.main_thread()
    assert threads["compare"] is not threading.main_thread()


def test_scanning_a_resubmitted_photo_warns(qtbot, window: MainWindow, bench_env: dict[str, str]) -> None:
    log_in_by_badge(qtbot, window)
    reference = Path(bench_env["INSPECTOR_ASSETS_DIR"]) / "references" / "bench" / "label.png"
    same_photo = photo_of(reference, seed=5)
    for code in ("ITEM-A", "ITEM-B"):
        open_and_wait(qtbot, window, code, STYLE_CODE)
        with qtbot.waitSignal(window.inspection.photo_recorded, timeout=WAIT_MS) as recorded:
            window.inspection.view.capture.photo_taken.emit(same_photo, "camera", ())
    assert recorded.args[0].resubmitted_from
    assert "ITEM-A" in window.inspection.view.banner.text()
    qtbot.waitUntil(lambda: "Match" in window.inspection.view.compare.score_label.text(),
                    timeout=WAIT_MS)


def test_second_opinion_escalates_a_passing_item(qtbot, window: MainWindow, services: StationServices,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    log_in_by_badge(qtbot, window)
    open_and_wait(qtbot, window, "ITEM-SO-1", STYLE_CODE)
    page = window.inspection
    page.panel.value_edit.setText(STYLE_CODE)
    for _step in range(2):  # the photo steps, passed without photos (P twice)
        assert not record_and_wait(qtbot, page, "pass")  # the first P only warns
        assert record_and_wait(qtbot, page, "pass")
    with qtbot.waitSignal(window.finish.shown, timeout=WAIT_MS):
        assert record_and_wait(qtbot, page, "pass")
    finish = window.finish
    assert window.stack.currentWidget() is finish
    monkeypatch.setattr("inspector.ui.finish.QInputDialog.getText",
                        lambda *_a, **_k: ("Stitching looks slightly off", True))
    with qtbot.waitSignal(finish.shown, timeout=WAIT_MS):  # asked off the GUI thread, then shown again
        finish.second_opinion_button.click()
    assert finish.detail is not None and finish.detail.inspection.second_opinion
    with qtbot.waitSignal(finish.finished) as done:
        finish.confirm_button.click()
    assert done.args[0].escalated
