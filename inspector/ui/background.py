"""The one way to run background work in the UI: a function on a QThreadPool, outcomes as signals.

Rule: never touch a widget inside the job. The job gets plain data and returns plain data;
result / error / finished are emitted from the job's thread and delivered (queued) to slots on
the GUI thread, where widgets may be updated.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from inspector.errors import InspectorError


class Job(QObject):
    """Handle of one background call; connect before the event loop runs again."""

    result_ready = Signal(object)  # the function's return value
    error_raised = Signal(str)  # one sentence: an InspectorError's message, or a generic one
    exception_raised = Signal(object)  # the exception itself, for callers that need its type
    finished = Signal()  # always last, after result_ready or error_raised


class _Runnable(QRunnable):
    def __init__(self, job: Job, work: Callable[..., Any], args: tuple[Any, ...],
                 kwargs: dict[str, Any]) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._job, self._work, self._args, self._kwargs = job, work, args, kwargs

    def run(self) -> None:
        try:
            value = self._work(*self._args, **self._kwargs)
        except InspectorError as exc:
            self._job.exception_raised.emit(exc)
            self._job.error_raised.emit(str(exc))
        except Exception as exc:
            self._job.exception_raised.emit(exc)
            self._job.error_raised.emit(f"Something went wrong: {exc}.")
        else:
            self._job.result_ready.emit(value)
        self._job.finished.emit()


# Jobs are kept here until finished so Python does not collect them while signals are pending.
_live_jobs: set[Job] = set()


def pool() -> QThreadPool:
    return QThreadPool.globalInstance()


def run_in_background(work: Callable[..., Any], *args: Any,
                      on_result: Callable[[Any], None] | None = None,
                      on_error: Callable[[str], None] | None = None,
                      on_exception: Callable[[BaseException], None] | None = None,
                      on_finished: Callable[[], None] | None = None,
                      **kwargs: Any) -> Job:
    """Run work(*args, **kwargs) on the pool; handlers run on the GUI thread.

    The Job lives on the calling (GUI) thread, so its signals reach slots there queued. Every
    handler is connected here, before the job starts: a fast job (a refused connection) can end
    before the caller's next line, and a signal emitted with no receiver yet is lost.
    """
    job = Job()
    _live_jobs.add(job)
    if on_result is not None:
        job.result_ready.connect(on_result)
    if on_error is not None:
        job.error_raised.connect(on_error)
    if on_exception is not None:
        job.exception_raised.connect(on_exception)
    if on_finished is not None:
        job.finished.connect(on_finished)
    job.finished.connect(lambda: _live_jobs.discard(job))
    pool().start(_Runnable(job, work, args, kwargs))
    return job


def running_jobs() -> int:
    return len(_live_jobs)


def wait_for_all(msecs: int = 30_000) -> bool:
    """Block until every queued and running job ended (tests, closing the window).

    Signals already emitted are delivered the next time the event loop runs.
    """
    return pool().waitForDone(msecs)
