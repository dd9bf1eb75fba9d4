"""Log in through the real login page and wait for the PIN check, which runs in the background."""

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
