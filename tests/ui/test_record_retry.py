"""Pressing a result again after the database failed mid-answer records it once, not twice."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from inspector.errors import StorageUnavailable
from inspector.services.station import StationServices
from inspector.storage.models import StepResult
from inspector.ui.main_window import MainWindow
from tests.helpers.window import log_in, open_and_wait, record_and_wait
from tests.ui.bench import PEOPLE, STYLE_CODE


def test_a_result_committed_before_the_connection_broke_is_not_recorded_twice(
        qtbot, bench_station: StationServices, monkeypatch: pytest.MonkeyPatch) -> None:
    window = MainWindow(bench_station)
    qtbot.addWidget(window)
    window.show()
    assert log_in(qtbot, window, PEOPLE[1][2], PEOPLE[1][3])
    page = open_and_wait(qtbot, window, "RETRY-1", STYLE_CODE)
    page.go_to("smell")
    real = bench_station.inspections.record_step
    breaks = [True]

    def committed_then_lost(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        if breaks:  # the row is committed, then the answer is lost with the connection
            breaks.clear()
            raise StorageUnavailable("The database cannot be reached; nothing was recorded.")
        return result

    monkeypatch.setattr(bench_station.inspections, "record_step", committed_then_lost)
    assert not record_and_wait(qtbot, page, "pass")
    assert "cannot be reached" in page.panel.banner.text()
    assert record_and_wait(qtbot, page, "pass")  # the authenticator presses P again
    with bench_station.ctx.db.read() as session:
        rows = session.scalar(select(func.count()).select_from(StepResult)
                              .where(StepResult.inspection_id == page.inspection_id,
                                     StepResult.step_id == "smell"))
    assert rows == 1
    window.close()
