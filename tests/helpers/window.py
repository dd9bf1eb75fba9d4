"""Drive the real window through actions that finish in the background: logging in, recording a step."""

from __future__ import annotations

from typing import Any


def log_in(qtbot: Any, window: Any, who: str, pin: str) -> bool:
    """Fill in who and PIN as the demo buttons do; True when the station let them in."""
    with qtbot.waitSignal(window.login.attempt_finished, timeout=15_000) as blocker:
        window.login._fill(who, pin)
    return bool(blocker.args[0])


def press_enter_and_wait(qtbot: Any, window: Any) -> bool:
    """Enter in the PIN field, as a person types it; True when the station let them in."""
    from PySide6.QtCore import Qt

    with qtbot.waitSignal(window.login.attempt_finished, timeout=15_000) as blocker:
        qtbot.keyClick(window.login.pin_edit, Qt.Key.Key_Return)
    return bool(blocker.args[0])


def record_and_wait(qtbot: Any, page: Any, outcome: str) -> bool:
    """Press a result on the inspection page; wait when it is written (False: only a warning shown)."""
    recorded: list[bool] = []
    page.step_recorded.connect(lambda _result: recorded.append(True))
    page.failed.connect(lambda _text: recorded.append(False))
    page.record(outcome)
    if page.recording:
        qtbot.waitUntil(lambda: bool(recorded), timeout=15_000)
        return recorded[0]
    return False


def open_and_wait(qtbot: Any, window: Any, code: str, style_code: str = "") -> Any:
    """Open an item as a scan does (read in the background); the inspection page once it shows."""
    with qtbot.waitSignal(window.inspection_opened, timeout=15_000):
        window.open_item(code, style_code)
    return window.inspection


def resume_summary_and_wait(qtbot: Any, window: Any, inspection_id: int) -> Any:
    """Resume an inspection whose steps are all recorded: its summary, once filled."""
    with qtbot.waitSignal(window.finish.shown, timeout=15_000):
        window.resume(inspection_id)
    return window.finish
