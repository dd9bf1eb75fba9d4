"""Tell a barcode scanner (a burst of keystrokes ending with Enter) from a person typing.

One application-wide event filter: a scan anywhere in the window becomes `code_scanned`;
single keys outside text fields are held for a moment, then delivered as usual, so a scan
never fires the one-letter step shortcuts (P, F, U, ...) on its way in.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QLineEdit, QPlainTextEdit, QTextEdit, QWidget

# Scanners type 100-1000 characters a second; people rarely manage two keys within 35 ms.
MAX_GAP_S = 0.035
MIN_CODE_LENGTH = 4
# Widgets with this property set to True take scans themselves (a value field).
TAKES_SCANS = "takesScans"

_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


@dataclass
class _HeldKey:
    receiver: QWidget
    key: int
    modifiers: Qt.KeyboardModifier
    text: str


def _is_text_entry(widget: QObject | None) -> bool:
    return isinstance(widget, QLineEdit | QTextEdit | QPlainTextEdit | QAbstractSpinBox)


class ScanDetector(QObject):
    """Installed on the QApplication for one window; `code_scanned(code)` on each scan."""

    code_scanned = Signal(str)

    def __init__(self, window: QWidget, *, clock: Callable[[], float] = time.monotonic,
                 hold_ms: int = 60) -> None:
        super().__init__(window)
        self._window = window
        self._clock = clock
        self._chars: list[str] = []
        self._last_at = 0.0
        self._fast = True
        self._held: list[_HeldKey] = []
        self._replaying = False
        self._release_timer = QTimer(self)
        self._release_timer.setSingleShot(True)
        self._release_timer.setInterval(hold_ms)
        self._release_timer.timeout.connect(self.release_held_keys)
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

    # --- the filter -------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._replaying or not self.enabled or not isinstance(watched, QWidget):
            return False
        kind = event.type()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride):
            return False
        if watched.window() is not self._window:
            return False
        assert isinstance(event, QKeyEvent)
        if kind == QEvent.Type.ShortcutOverride:
            # A printable key outside a text field is ours until we know it is not a scan.
            if self._printable(event) and not _is_text_entry(watched):
                event.accept()
                return True
            return False
        return self._on_key_press(watched, event)

    @staticmethod
    def _printable(event: QKeyEvent) -> bool:
        text = event.text()
        extra = event.modifiers() & ~(Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier)
        return bool(text) and text.isprintable() and not extra

    def _on_key_press(self, receiver: QWidget, event: QKeyEvent) -> bool:
        now = self._clock()
        if event.key() in _ENTER_KEYS:
            return self._on_enter(receiver, now)
        if not self._printable(event):
            self._reset()
            self.release_held_keys()
            return False
        if self._chars and now - self._last_at > MAX_GAP_S:
            # A slow key: whatever came before was typed by a person.
            self.release_held_keys()
            self._reset()
        self._chars.append(event.text())
        self._last_at = now
        if _is_text_entry(receiver):
            return False
        self._held.append(_HeldKey(receiver, event.key(), event.modifiers(), event.text()))
        self._release_timer.start()
        return True

    def _on_enter(self, receiver: QWidget, now: float) -> bool:
        code = "".join(self._chars).strip()
        is_scan = len(code) >= MIN_CODE_LENGTH and now - self._last_at <= MAX_GAP_S * 3
        self._reset()
        if not is_scan:
            self.release_held_keys()
            return False
        self._held.clear()
        self._release_timer.stop()
        if _is_text_entry(receiver):
            if receiver.property(TAKES_SCANS):
                return False  # the field wants the code and its Enter
            if isinstance(receiver, QLineEdit) and receiver.text().endswith(code):
                receiver.setText(receiver.text()[: -len(code)])
        self.code_scanned.emit(code)
        return True

    def _reset(self) -> None:
        self._chars.clear()
        self._last_at = 0.0

    def release_held_keys(self) -> None:
        """Deliver held keys as ordinary key presses (they were a person, not a scanner)."""
        self._release_timer.stop()
        held, self._held = self._held, []
        self._replaying = True
        try:
            for key in held:
                try:
                    target = key.receiver if key.receiver.isVisible() else self._window
                except RuntimeError:  # the widget went away meanwhile
                    target = self._window
                QApplication.sendEvent(target, QKeyEvent(QEvent.Type.KeyPress, key.key, key.modifiers,
                                                         key.text))
        finally:
            self._replaying = False
        if not self._release_timer.isActive():
            self._reset()
