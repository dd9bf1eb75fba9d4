"""The one way the window works in the background: a function on the thread pool, outcomes on the GUI thread.

Every database read and write and every disk or image job the window starts goes through here, so
the GUI thread never waits on the database or the disk. The shape is Anki's QueryOp:

    QueryOp(parent=self, op=lambda: services.inspections.detail(actor, inspection_id),
            success=self._show).failure(self._say).run_in_background()

or the plain function underneath it:

    run_in_background(work, *args, on_result=..., on_error=..., on_progress=..., parent=self)

Rules: never touch a widget inside `work` (it gets plain data and returns plain data). `on_error`
always receives the exception itself; without one, the default handler shows one sentence
(an InspectorError's message, or a generic sentence) to the user and logs the traceback: a failure
is never dropped silently. With `on_progress`, work receives a callable taking a line as its
first argument; lines arrive on the GUI thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

log = logging.getLogger(__name__)
T = TypeVar("T")


class Job(QObject):
    """Handle of one background call. Its signals reach the GUI thread queued."""

    result_ready = Signal(object)  # the function's return value
    failed = Signal(object)  # the exception
    progress = Signal(str)  # a line from the work
    finished = Signal()  # always last, after result_ready or failed


class _Runnable(QRunnable):
    def __init__(self, job: Job, work: Callable[..., Any], args: tuple[Any, ...],
                 kwargs: dict[str, Any]) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._job, self._work, self._args, self._kwargs = job, work, args, kwargs

    def run(self) -> None:
        try:
            value = self._work(*self._args, **self._kwargs)
        except Exception as exc:
            self._job.failed.emit(exc)
        else:
            self._job.result_ready.emit(value)
        self._job.finished.emit()


# Jobs are kept here until finished so Python does not collect them while signals are pending.
_live_jobs: set[Job] = set()


def pool() -> QThreadPool:
    return QThreadPool.globalInstance()


_shown_failures: set[QMessageBox] = set()


def show_failure(parent: QWidget | None, exc: BaseException) -> None:
    """The default failure handler: one sentence to the user, the traceback to the log."""
    from inspector.ui.widgets import message_for

    log.error("background work failed", exc_info=exc)
    window = parent if parent is not None else QApplication.activeWindow()
    # Not modal: a failure arriving while a page waits (or in a test) must never block the window.
    box = QMessageBox(QMessageBox.Icon.Warning, "Inspector", message_for(exc), QMessageBox.StandardButton.Ok,
                      window)
    box.setObjectName("backgroundFailure")
    box.setWindowModality(Qt.WindowModality.NonModal)  # a QMessageBox is modal unless told otherwise
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    _shown_failures.add(box)  # a box with no parent window lives as long as Python holds it
    box.finished.connect(lambda _result: _shown_failures.discard(box))
    box.show()


def run_in_background(work: Callable[..., Any], *args: Any,
                      on_result: Callable[[Any], None] | None = None,
                      on_error: Callable[[BaseException], None] | None = None,
                      on_finished: Callable[[], None] | None = None,
                      on_progress: Callable[[str], None] | None = None,
                      parent: QWidget | None = None,
                      **kwargs: Any) -> Job:
    """Run work(*args, **kwargs) on the pool; handlers run on the GUI thread (see module doc).

    Every handler is connected here, before the job starts: a fast job (a refused connection) can
    end before the caller's next line, and a signal emitted with no receiver yet is lost.
    """
    job = Job()
    _live_jobs.add(job)
    if on_result is not None:
        job.result_ready.connect(on_result)
    job.failed.connect(on_error if on_error is not None else lambda exc: show_failure(parent, exc))
    if on_progress is not None:
        job.progress.connect(on_progress)
        args = (job.progress.emit, *args)
    if on_finished is not None:
        job.finished.connect(on_finished)
    job.finished.connect(lambda: _live_jobs.discard(job))
    pool().start(_Runnable(job, work, args, kwargs))
    return job


class QueryOp(Generic[T]):
    """A typed background operation: op() off the GUI thread, success(result) on it (Anki's shape)."""

    def __init__(self, *, parent: QWidget | None, op: Callable[[], T], success: Callable[[T], None]) -> None:
        self._parent, self._op, self._success = parent, op, success
        self._failure: Callable[[BaseException], None] | None = None
        self._progress: Callable[[str], None] | None = None

    def failure(self, handler: Callable[[BaseException], None]) -> QueryOp[T]:
        """Handle the exception instead of the default one-sentence message."""
        self._failure = handler
        return self

    def run_in_background(self) -> Job:
        return run_in_background(self._op, on_result=self._success, on_error=self._failure,
                                 parent=self._parent)


def running_jobs() -> int:
    return len(_live_jobs)


def wait_for_all(msecs: int = 30_000) -> bool:
    """Block until every queued and running job ended (tests, closing the window).

    Signals already emitted are delivered the next time the event loop runs.
    """
    return pool().waitForDone(msecs)


wait_for_background = wait_for_all
