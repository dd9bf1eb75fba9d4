"""Tell a barcode scanner (a burst of keystrokes ending with Enter) from a person typing.

One application-wide event filter. Every printable key is held back for a moment, whatever has
the focus (a text field too), until the run of keys can no longer be a scan; then it is delivered
as usual. A scan is therefore never typed into a field and never fires a one-letter shortcut on
its way in: it arrives whole as `code_scanned(code)`.

Timing comes from the key events' own timestamps (the X server's clock), not from when the GUI
thread gets round to them: a busy window handles a person's keys in a bunch, a scanner's keys
arrive 3-8 ms apart however late they are handled. Shift and AltGr (capitals, '-', ':', '#')
belong to the code, never end it. A scanner set up to send a prefix makes every burst that
starts with it a scan, however slowly it arrives.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

# Scanners type a key every 3-8 ms (slow ones 15 ms); people rarely keep several keys under 20 ms.
SCAN_GAP_MS = 30.0  # the median gap of a scan is at most this (people: 40 ms and slower)
BREAK_GAP_MS = 80.0  # a longer gap always ends a run: what came before was typed
HOLD_MS = 100  # keys held without a follow-up for this long are a person's
# A run already at scanner speed (3+ keys) may stall this long mid-code (a busy USB hub or X server)
# and go on: people never type three keys 30 ms apart, so the wait costs them nothing.
HICCUP_MS = 300
PREFIXED_HOLD_MS = 1000  # a prefixed burst waits this long for its end
MIN_CODE_LENGTH = 4
# Widgets with this property set to True take a scan as typed keys with its Enter (the PIN field).
TAKES_SCANS = "takesScans"

_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_MODIFIER_KEYS = (Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_AltGr, Qt.Key.Key_Meta,
                  Qt.Key.Key_CapsLock, Qt.Key.Key_NumLock, Qt.Key.Key_Super_L, Qt.Key.Key_Super_R,
                  Qt.Key.Key_Hyper_L, Qt.Key.Key_Hyper_R, Qt.Key.Key_Mode_switch)
_TEXT_MODIFIERS = (Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier
                   | Qt.KeyboardModifier.GroupSwitchModifier)
_CTRL_ALT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier


@dataclass
class _HeldKey:
    receiver: QWidget
    key: int
    modifiers: Qt.KeyboardModifier
    text: str
    at_ms: float


def is_printable(event: QKeyEvent) -> bool:
    """A key that types a character: Shift and AltGr allowed (AltGr is Ctrl+Alt on some systems)."""
    text = event.text()
    if not text or not text.isprintable():
        return False
    modifiers = event.modifiers()
    if (modifiers & _CTRL_ALT) == _CTRL_ALT:  # AltGr reported as Ctrl+Alt: still a character
        modifiers &= ~_CTRL_ALT
    return not (modifiers & ~_TEXT_MODIFIERS)


def is_text_entry(widget: QObject | None) -> bool:
    """A field that takes typed characters (one-letter keys must not act while it has the focus)."""
    if isinstance(widget, QComboBox):
        return widget.isEditable()
    return isinstance(widget, QLineEdit | QTextEdit | QPlainTextEdit | QAbstractSpinBox)


class ScanDetector(QObject):
    """Installed on the QApplication; `code_scanned(code)` on each scan, in any window of the app."""

    code_scanned = Signal(str)

    def __init__(self, window: QWidget, *, clock: Callable[[], float] = time.monotonic,
                 prefix: str = "", suffix: str = "") -> None:
        super().__init__(window)
        self._window = window
        self._clock = clock
        self.prefix, self.suffix = prefix, suffix
        self._held: list[_HeldKey] = []
        self._typing_at_ms: float | None = None  # the last key of a run found to be typed
        self._replaying = False
        self._release_timer = QTimer(self)
        self._release_timer.setSingleShot(True)
        self._release_timer.timeout.connect(self._hold_ran_out)
        self.enabled = True

    def install(self) -> None:
        app = QApplication.instance()
        if app is None:
            raise RuntimeError("The scan detector needs a running QApplication.")
        app.installEventFilter(self)

    def uninstall(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self._release_timer.stop()

    def configure(self, prefix: str, suffix: str) -> None:
        self.prefix, self.suffix = prefix, suffix

    # --- the filter -------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._replaying or not self.enabled or not isinstance(watched, QWidget):
            return False
        kind = event.type()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride):
            return False
        assert isinstance(event, QKeyEvent)
        if kind == QEvent.Type.ShortcutOverride:
            # A printable key is ours until we know it is not a scan: no shortcut may take it.
            if is_printable(event) or (self._held and event.key() in _ENTER_KEYS):
                event.accept()
                return True
            return False
        return self._on_key_press(watched, event)

    def _time_ms(self, event: QKeyEvent) -> float:
        # The event's own timestamp; synthetic events (tests' QTest) carry none: the clock then.
        stamp = event.timestamp()
        return float(stamp) if stamp else self._clock() * 1000.0

    def _on_key_press(self, receiver: QWidget, event: QKeyEvent) -> bool:
        if event.key() in _MODIFIER_KEYS:
            return False  # Shift / AltGr pressed inside a code: part of it, not an end
        at = self._time_ms(event)
        if self._held and self._ends_scan(event):
            return self._on_end(receiver, at, event.text() if is_printable(event) else "")
        if not is_printable(event):
            self.release_held_keys()
            return False
        if not self._held and self._typing_at_ms is not None and at - self._typing_at_ms <= BREAK_GAP_MS:
            self._typing_at_ms = at  # a person still typing: no need to hold this key
            return False
        self._typing_at_ms = None
        if self._held and at - self._held[-1].at_ms > self._break_gap() and not self._prefixed():
            self.release_held_keys()  # a pause: whatever came before was typed by a person
        self._held.append(_HeldKey(receiver, event.key(), event.modifiers(), event.text(), at))
        if self._typed():
            self._typing_at_ms = at
            self.release_held_keys()
            return True  # released in order, this key with them
        self._release_timer.start(PREFIXED_HOLD_MS if self._prefixed() else
                                  HICCUP_MS if self._scanner_speed() else HOLD_MS)
        return True

    def _ends_scan(self, event: QKeyEvent) -> bool:
        """Enter or Tab ends a burst; so does the last key of a configured suffix after a prefix."""
        if event.key() in _ENTER_KEYS or event.text() in ("\r", "\n") or (
                event.key() == Qt.Key.Key_Tab and not event.modifiers()):
            return True
        return bool(self.suffix) and self._prefixed() and (self._text() + event.text()).endswith(self.suffix)

    def _text(self) -> str:
        return "".join(key.text for key in self._held)

    def _prefixed(self) -> bool:
        return bool(self.prefix) and self._text().startswith(self.prefix)

    def _gaps(self) -> list[float]:
        return [b.at_ms - a.at_ms for a, b in zip(self._held, self._held[1:], strict=False)]

    def _scanner_speed(self) -> bool:
        """Three or more keys so far, at a scanner's pace."""
        gaps = self._gaps()
        return len(gaps) >= 2 and statistics.median(gaps) <= SCAN_GAP_MS

    def _break_gap(self) -> float:
        return HICCUP_MS if self._scanner_speed() else BREAK_GAP_MS

    def _typed(self) -> bool:
        """The run so far cannot be a scan: its keys come too slowly (a prefixed run never is)."""
        if self._prefixed() or (self.prefix and self.prefix.startswith(self._text())):
            return False
        gaps = self._gaps()
        return len(gaps) >= 2 and statistics.median(gaps) > SCAN_GAP_MS

    def _on_end(self, receiver: QWidget, at: float, last: str) -> bool:
        text = self._text()
        if self._prefixed():
            code = (text + last)[len(self.prefix):]
            if self.suffix:
                code = code.removesuffix(self.suffix)
            is_scan = True
        else:
            code = text
            gaps = self._gaps()
            is_scan = (len(code.strip()) >= MIN_CODE_LENGTH and at - self._held[-1].at_ms <= self._break_gap()
                       and bool(gaps) and statistics.median(gaps) <= SCAN_GAP_MS)
        if not is_scan:
            self.release_held_keys()
            return False  # the Enter goes on to its widget as usual
        held, self._held = self._held, []
        self._release_timer.stop()
        if receiver.property(TAKES_SCANS) and not self._prefixed_text(text):
            self._deliver(held)  # the field keeps what it gets, and its Enter
            return False
        self.code_scanned.emit(code.strip())
        return True

    def _prefixed_text(self, text: str) -> bool:
        return bool(self.prefix) and text.startswith(self.prefix)

    def _hold_ran_out(self) -> None:
        """The hold ran out by the wall clock. A starved process may have the rest of the burst
        already queued behind this timer (the keys were typed in time, by their own timestamps):
        handle what input is queued first, then release only if nothing came to extend the run."""
        held = list(self._held)
        app = QApplication.instance()
        if app is not None:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents)
        if self._held == held and self._held and not self._release_timer.isActive():
            self.release_held_keys()

    def release_held_keys(self) -> None:
        """Deliver held keys as ordinary key presses (they were a person, not a scanner)."""
        self._release_timer.stop()
        held, self._held = self._held, []
        self._deliver(held)

    def _deliver(self, held: list[_HeldKey]) -> None:
        self._replaying = True
        try:
            for key in held:
                # Where the focus is now, as a keyboard would: a key before this one may have moved
                # it (U puts the cursor in the note: the next letter belongs to the note).
                target: QWidget | None = QApplication.focusWidget()
                try:
                    same_window = target is not None and target.window() is key.receiver.window()
                    if not same_window:  # keys belong to the window they were typed in
                        target = key.receiver if key.receiver.isVisible() else self._window
                except RuntimeError:  # the widget went away meanwhile
                    target = self._window
                QApplication.sendEvent(target or self._window,
                                       QKeyEvent(QEvent.Type.KeyPress, key.key, key.modifiers, key.text))
        finally:
            self._replaying = False

    @property
    def holding(self) -> bool:
        """Keys are held back right now (tests wait for this to settle)."""
        return bool(self._held)


def shorten(code: str, limit: int = 40) -> str:
    """A scanned code as quoted in a sentence: long ones (URLs) cut so no dialog outgrows the screen."""
    return code if len(code) <= limit else code[: limit - 1] + "…"


def refuse_scan(parent: QWidget, text: str) -> QMessageBox:
    """Say in one sentence that a scan was not used; one box, reused for scans that follow."""
    box = parent.findChild(QMessageBox, "scanRefused")
    if box is None:
        box = QMessageBox(QMessageBox.Icon.Information, "Scan not used", text, QMessageBox.StandardButton.Ok,
                          parent)
        box.setObjectName("scanRefused")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setText(text)
    box.open()
    return box
