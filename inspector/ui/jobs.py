"""The station window's calls into inspector.ui.background (the one worker API), with progress lines.

Never touch a widget inside a job; results and errors come back on the GUI thread. Errors reach
the window as the exception itself, so pages can say str(exc) for ours and a sentence otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from inspector.ui import background


class _Progress(QObject):
    """Carries progress lines from the worker to the GUI thread (queued, as it lives here)."""

    reported = Signal(str)


_live_relays: set[_Progress] = set()


def run_in_background(
    work: Callable[..., Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None],
    *,
    on_progress: Callable[[str], None] | None = None,
) -> QObject:
    """Run work() off the GUI thread; with on_progress, work receives a callable taking a line."""
    args: tuple[Any, ...] = ()
    progress: _Progress | None = None
    if on_progress is not None:
        progress = _Progress()
        progress.reported.connect(on_progress)
        args = (progress.reported.emit,)
    if progress is not None:  # kept alive (a Python reference) until the job has finished
        _live_relays.add(progress)
    return background.run_in_background(work, *args, on_result=on_done, on_exception=on_error,
                                        on_finished=lambda: _live_relays.discard(progress))


def wait_for_background(msecs: int = 10_000) -> bool:
    """Let queued and running jobs end (closing the window, tests)."""
    return background.wait_for_all(msecs)
