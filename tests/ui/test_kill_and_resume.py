"""Kill the station mid-inspection (SIGKILL, like a power cut); the next start resumes with nothing lost."""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from inspector.services.station import open_station
from inspector.ui.main_window import MainWindow
from tests.helpers.window import log_in
from tests.ui.bench import add_people, build_bench, settings_for

DRIVER = Path(__file__).with_name("kill_driver.py")


def _read_ready(process: subprocess.Popen[str], deadline_s: float = 90.0) -> int:
    """The driver's READY line, or fail with what it printed (no sleeping: wait on the pipe)."""
    assert process.stdout is not None
    end = time.monotonic() + deadline_s
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while time.monotonic() < end:
            if not selector.select(timeout=end - time.monotonic()):
                break
            line = process.stdout.readline()
            if not line:
                break
            if line.startswith("READY"):
                return int(line.split()[1])
    process.kill()
    raise AssertionError(f"the driver did not get ready: {process.stderr.read() if process.stderr else ''}")


@pytest.mark.slow
def test_killed_mid_inspection_resumes_where_it_stopped(qtbot, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    env = build_bench(tmp_path)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    services = open_station(settings_for(env))
    add_people(services)
    services.close()

    process = subprocess.Popen(
        [sys.executable, str(DRIVER), "ITEM-KILL-1"],
        env={**os.environ, **env, "QT_QPA_PLATFORM": "offscreen"},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        inspection_id = _read_ready(process)
        process.send_signal(signal.SIGKILL)
    finally:
        process.communicate(timeout=30)  # waits, and closes both pipes
    assert process.returncode == -signal.SIGKILL

    services = open_station(settings_for(env))
    try:
        window = MainWindow(services)
        qtbot.addWidget(window)
        window.show()
        log_in(qtbot, window, "B-1001", "1234")
        # The next start offers the unfinished inspection.
        assert window.stack.currentWidget() is window.home
        qtbot.waitUntil(lambda: window.home.unfinished_list.count() > 0, timeout=20_000)
        assert window.home.unfinished_box.isVisibleTo(window)
        assert window.home.unfinished_list.count() == 1
        with qtbot.waitSignal(window.inspection_opened) as opened:
            window.home.resume_button.click()
        assert opened.args == [inspection_id, True]
        page = window.inspection
        assert page.step_id == "size-tag"  # exactly where it stopped
        detail = page.detail
        assert detail is not None
        assert detail.results["box-label"].outcome == "pass"
        assert detail.results["box-label"].value is not None
        assert len(detail.photos["box-label"]) == 1 and len(detail.photos["size-tag"]) == 1
        assert page.view.photos.count() == 1
        assert page.steps.status("box-label").state == "pass"
        page.go_to("box-label")  # its comparison, recorded before the kill, comes back from the records
        qtbot.waitUntil(lambda: "Match" in page.view.compare.score_label.text(), timeout=20_000)
        window.close()
    finally:
        services.close()
