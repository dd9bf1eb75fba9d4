"""The station window's one door to background work (shared QThreadPool, results as signals).

Never touch a widget inside a job; results and errors come back on the GUI thread.
When inspector.ui.background (the project-wide worker API) lands, this module becomes a thin
call into it, so the window's pages keep calling run_in_background unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


class _Relay(QObject):
    succeeded = Signal(object)
    failed = Signal(object)
    progressed = Signal(str)


class _Job(QRunnable):
    def __init__(self, work: Callable[..., Any], relay: _Relay, with_progress: bool) -> None:
        super().__init__()
        self._work, self._relay, self._with_progress = work, relay, with_progress

    def run(self) -> None:
        try:
            result = self._work(self._relay.progressed.emit) if self._with_progress else self._work()
        except BaseException as exc:  # handed to the GUI thread, which decides what to say
            self._relay.failed.emit(exc)
        else:
            self._relay.succeeded.emit(result)


_live: set[_Relay] = set()


def run_in_background(
    work: Callable[..., Any],
    on_done: Done,
    on_error: Failed,
    *,
    on_progress: Callable[[str], None] | None = None,
    parent: QObject | None = None,
) -> QObject:
    """Run work() on the shared pool; on_done/on_error/on_progress run on the GUI thread.

    With on_progress, work receives one argument: a callable taking a progress line.
    """
    relay = _Relay(parent)
    _live.add(relay)

    def finish(handler: Callable[[Any], None], value: Any) -> None:
        _live.discard(relay)
        handler(value)

    relay.succeeded.connect(lambda value: finish(on_done, value))
    relay.failed.connect(lambda exc: finish(on_error, exc))
    if on_progress is not None:
        relay.progressed.connect(on_progress)
    QThreadPool.globalInstance().start(_Job(work, relay, on_progress is not None))
    return relay


def wait_for_background(msecs: int = 10_000) -> bool:
    """Let queued and running jobs end (closing the window, tests)."""
    return QThreadPool.globalInstance().waitForDone(msecs)
