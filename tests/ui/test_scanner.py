"""The scan detector alone, fed key events with their own timestamps (AltGr, a prefix, a slow scanner)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget

from inspector.ui.scanner import ScanDetector

SHIFT = Qt.KeyboardModifier.ShiftModifier
ALTGR = Qt.KeyboardModifier.GroupSwitchModifier
NONE = Qt.KeyboardModifier.NoModifier


def _press(widget: QWidget, text: str, at_ms: int, modifiers: Qt.KeyboardModifier = NONE,
           key: int | None = None) -> None:
    code = key if key is not None else (ord(text.upper()) if text else 0)
    event = QKeyEvent(QEvent.Type.KeyPress, code, modifiers, 0, 0, 0, text)
    event.setTimestamp(at_ms)
    QApplication.sendEvent(widget, event)


def _setup(qtbot, prefix: str = "") -> tuple[ScanDetector, QLineEdit, list[str]]:
    window = QWidget()
    qtbot.addWidget(window)
    field = QLineEdit()
    QVBoxLayout(window).addWidget(field)
    window.show()
    detector = ScanDetector(window, prefix=prefix)
    detector.install()
    scans: list[str] = []
    detector.code_scanned.connect(scans.append)
    field.setFocus()
    return detector, field, scans


def _type(field: QLineEdit, keys: list[tuple[str, Qt.KeyboardModifier]], start: int, gap: int) -> int:
    at = start
    for text, modifiers in keys:
        if modifiers & SHIFT:  # the Shift key itself comes first, as from a scanner
            _press(field, "", at, SHIFT, Qt.Key.Key_Shift)
        _press(field, text, at, modifiers)
        at += gap
    return at


def test_altgr_and_shift_belong_to_the_code(qtbot) -> None:
    detector, field, scans = _setup(qtbot)
    keys = [("A", SHIFT), ("@", ALTGR), ("1", NONE), ("€", Qt.KeyboardModifier.ControlModifier
                                                     | Qt.KeyboardModifier.AltModifier), ("x", NONE)]
    at = _type(field, keys, 1000, 4)
    _press(field, "\r", at, NONE, Qt.Key.Key_Return)
    assert scans == ["A@1€x"] and field.text() == ""
    detector.uninstall()


def test_a_prefixed_burst_is_a_scan_even_when_slow(qtbot) -> None:
    detector, field, scans = _setup(qtbot, prefix="~")
    at = _type(field, [(c, NONE) for c in "~7x3k"], 1000, 45)  # a person's pace, but prefixed
    _press(field, "\r", at, NONE, Qt.Key.Key_Return)
    assert scans == ["7x3k"] and field.text() == ""
    detector.uninstall()


def test_timestamps_not_arrival_decide(qtbot) -> None:
    """Keys handled in one go (a busy GUI thread) but stamped 60 ms apart are a person's."""
    detector, field, scans = _setup(qtbot)
    at = _type(field, [(c, NONE) for c in "note"], 1000, 60)
    _press(field, "\r", at, NONE, Qt.Key.Key_Return)
    assert scans == [] and field.text() == "note"
    detector.uninstall()


def test_a_scan_that_stalls_mid_code_stays_one_scan(qtbot) -> None:
    """A busy hub or X server: 200 ms between two halves of a code, each at scanner speed."""
    detector, field, scans = _setup(qtbot)
    at = _type(field, [(c, NONE) for c in "7X3K"], 1000, 4)
    at = _type(field, [(c, NONE) for c in "9142"], at + 200, 4)
    _press(field, "\r", at, NONE, Qt.Key.Key_Return)
    assert scans == ["7X3K9142"] and field.text() == ""
    detector.uninstall()


def test_a_hold_that_runs_out_while_the_burst_waits_in_the_queue_stays_one_scan(qtbot) -> None:
    """A starved station: the hold timer fires when the rest of the code is already queued (typed
    in time by its timestamps, not yet handled). The queue is handled before anything is released."""
    detector, field, scans = _setup(qtbot)
    at = _type(field, [(c, NONE) for c in "7X3"], 1000, 4)
    for index, text in enumerate("K9142\r"):
        key = Qt.Key.Key_Return if text == "\r" else ord(text)
        event = QKeyEvent(QEvent.Type.KeyPress, key, NONE, 0, 0, 0, text)
        event.setTimestamp(at + 4 * index)
        QApplication.postEvent(field, event)  # queued, as behind a late timer
    detector._release_timer.timeout.emit()  # the hold runs out first
    qtbot.waitUntil(lambda: bool(scans) or bool(field.text()), timeout=5000)
    assert scans == ["7X3K9142"] and field.text() == ""
    detector.uninstall()
