"""Background jobs report every outcome, even when the job ends before the caller's next line."""

from __future__ import annotations

from typing import Any

import pytest

from inspector.errors import BadInput
from inspector.ui import background


class _RunsAtOnce:
    """A pool whose start() runs the job to its end before returning (a refused connection is
    about that fast), so every handler must already be connected when the job starts."""

    def start(self, runnable: Any) -> None:
        runnable.run()


@pytest.fixture
def instant_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(background, "pool", lambda: _RunsAtOnce())


def _refuse() -> None:
    raise BadInput("The label printer at 127.0.0.1:9 cannot be reached.")


def test_an_instant_failure_reaches_the_error_handler(qtbot, instant_pool: None) -> None:
    results: list[object] = []
    errors: list[BaseException] = []
    background.run_in_background(_refuse, on_result=results.append, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=2_000)
    assert results == [] and "cannot be reached" in str(errors[0])
    assert background.running_jobs() == 0


def test_an_instant_result_and_progress_arrive(qtbot, instant_pool: None) -> None:
    results: list[object] = []
    lines: list[str] = []

    def work(progress: Any) -> int:
        progress("half way")
        return 42

    background.run_in_background(work, on_result=results.append, on_progress=lines.append)
    qtbot.waitUntil(lambda: bool(results), timeout=2_000)
    assert results == [42] and lines == ["half way"]


def test_a_real_pool_job_reports_its_error_once(qtbot) -> None:
    errors: list[BaseException] = []
    background.run_in_background(_refuse, on_error=errors.append)
    assert background.wait_for_all(10_000)
    qtbot.waitUntil(lambda: bool(errors), timeout=5_000)
    qtbot.wait(50)
    assert len(errors) == 1


def test_a_failure_without_a_handler_is_said_in_one_sentence(qtbot, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing is dropped silently: the default handler shows the sentence (and logs the traceback)."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    background.run_in_background(_refuse)

    def shown() -> list[str]:
        return [w.text() for w in QApplication.allWidgets()
                if isinstance(w, QMessageBox) and w.objectName() == "backgroundFailure"]

    qtbot.waitUntil(lambda: "The label printer at 127.0.0.1:9 cannot be reached." in shown(), timeout=5_000)
    assert "The label printer at 127.0.0.1:9 cannot be reached." in shown()
    for widget in QApplication.allWidgets():
        if widget.objectName() == "backgroundFailure":
            widget.close()


def test_a_query_op_is_typed_work_with_a_success_handler(qtbot) -> None:
    results: list[int] = []
    background.QueryOp(parent=None, op=lambda: 6 * 7, success=results.append).run_in_background()
    qtbot.waitUntil(lambda: bool(results), timeout=5_000)
    assert results == [42]
