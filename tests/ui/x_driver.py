"""The real station window on an X display, for tests that type at it with xdotool.

Run by tests/ui/test_x_keys.py with DISPLAY, QT_QPA_PLATFORM=xcb and the bench's INSPECTOR_*
variables. Logs in as the authenticator, prints READY, then answers one JSON command per stdin
line with one JSON line on stdout (`state` describes what a person would see: the page, the
focused field and its text, scans taken, results recorded, an open dialog).
"""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

from inspector.config import load_settings
from inspector.services.station import open_station
from inspector.ui.main_window import MainWindow
from inspector.ui.theme import apply_theme


class Commands(QObject):
    received = Signal(str)


class KeyLog(QObject):
    """The last key presses as the window got them (text, X timestamp), shown when a test fails."""

    def __init__(self) -> None:
        super().__init__()
        self.keys: list[tuple[str, int]] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)):
            return False
        pressed = (event.text(), event.timestamp())
        if event.spontaneous() and (not self.keys or self.keys[-1] != pressed):  # once, not per parent
            self.keys = [*self.keys[-40:], pressed]
        return False


def _describe(widget: QWidget | None) -> str:
    if widget is None:
        return ""
    return widget.objectName() or type(widget).__name__


def state(window: MainWindow, scans: list[str], keys: KeyLog) -> dict[str, Any]:
    page = window.inspection
    results: dict[str, str] = {}
    if page.detail is not None:
        detail = window.services.inspections.detail(window.actor, page.inspection_id)
        results = {step: result.outcome for step, result in detail.results.items()}
    focus = QApplication.focusWidget()
    modal = QApplication.activeModalWidget()
    refused = next((w for w in QApplication.topLevelWidgets()
                    if w.objectName() == "scanRefused" and w.isVisible()), None)
    settings_dialog = next((w for w in QApplication.topLevelWidgets()
                            if type(w).__name__ == "SettingsDialog" and w.isVisible()), None)
    settings_edit = getattr(settings_dialog, "station_edit", None)
    return {
        "page": type(window.stack.currentWidget()).__name__,
        "focus": _describe(focus),
        "focus_text": focus.text() if isinstance(focus, QLineEdit) else None,
        "home_code": window.home.code_edit.text(),
        "value": page.panel.value_edit.text(),
        "note": page.panel.note_edit.toPlainText() if hasattr(page.panel.note_edit, "toPlainText")
        else page.panel.note_edit.text(),
        "scans": list(scans),
        "step": page.step_id,
        "inspection": page.detail.inspection.id if page.detail else None,
        "item": page.detail.inspection.item.code if page.detail else None,
        "results": results,
        "modal": type(modal).__name__ if modal is not None else None,
        "modal_title": modal.windowTitle() if modal is not None else None,
        "chooser_style": modal.style_edit.text() if hasattr(modal, "style_edit") else None,
        "settings_station": settings_edit.text() if isinstance(settings_edit, QLineEdit) else None,
        "station_name": window.services.ctx.settings.station_name,
        "refused": refused.text() if refused is not None else None,  # type: ignore[attr-defined]
        "holding": window.scanner.holding,
        "recording": page.recording,
        "verify_open": bool(window.verify_dialog and window.verify_dialog.isVisible()),
        "verify_code": window.verify_dialog.code_edit.text() if window.verify_dialog else None,
        "banner": page.panel.banner.text(),
        "keys": [f"{text!r}@{stamp}" for text, stamp in keys.keys[-24:]],
    }


def main() -> int:
    app = QApplication([])
    apply_theme(app, dark=False)
    window = MainWindow(open_station(load_settings()))
    window.resize(1366, 768)
    window.show()
    scans: list[str] = []
    window.scanner.code_scanned.connect(scans.append)
    keys = KeyLog()
    app.installEventFilter(keys)  # installed last: sees every key before the scan detector
    loop = QEventLoop()
    window.login.attempt_finished.connect(lambda _ok: loop.quit())
    window.login._fill("B-1001", "1234")
    loop.exec()
    assert window.actor is not None, "the driver could not log in"

    def focus_window() -> None:
        target = QApplication.activeModalWidget() or window
        target.raise_()
        target.activateWindow()

    def run(op: str, args: dict[str, Any]) -> Any:
        page = window.inspection
        if op == "state":
            return state(window, scans, keys)
        if op == "focus_window":
            focus_window()
        elif op == "home":
            if window.verify_dialog is not None:  # left open by a test that scanned a certificate
                window.verify_dialog.close()
            window.show_home()
            window.home.code_edit.clear()
        elif op == "open":
            # Later: a dialog the opening shows (the chooser) runs its own loop; answer first.
            QTimer.singleShot(0, lambda: window.open_item(args["code"], args.get("style", "")))
        elif op == "go_to":
            page.go_to(args["step"])
        elif op == "focus":
            widget = {"note": page.panel.note_edit, "value": page.panel.value_edit, "page": page,
                      "home": window.home.code_edit}[args["widget"]]
            widget.setFocus()
        elif op == "clear_scans":
            scans.clear()
        elif op == "settings":
            QTimer.singleShot(0, window.open_settings)
        elif op == "close_modal":
            modal = QApplication.activeModalWidget()
            if modal is not None:
                modal.close()
        elif op == "quit":
            QTimer.singleShot(0, app.quit)
        else:
            raise ValueError(f"unknown op {op}")
        return "ok"

    def answer(line: str) -> None:
        command = json.loads(line)
        try:
            reply = {"ok": run(command.pop("op"), command)}
        except Exception as exc:  # the test shows it
            reply = {"error": f"{type(exc).__name__}: {exc}"}
        print(json.dumps(reply), flush=True)

    commands = Commands()
    commands.received.connect(answer)

    def read() -> None:
        for line in sys.stdin:
            if line.strip():
                commands.received.emit(line)
        QTimer.singleShot(0, app.quit)

    threading.Thread(target=read, daemon=True).start()
    focus_window()
    print("READY", flush=True)
    code = app.exec()
    window.close()
    return code


if __name__ == "__main__":
    sys.exit(main())
