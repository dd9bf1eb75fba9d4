"""Run by test_kill_and_resume: work through part of an inspection, say READY, wait to be killed.

Environment: the bench's INSPECTOR_* variables; argv[1] is the item code.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QEventLoop, QTimer, SignalInstance
from PySide6.QtWidgets import QApplication

from inspector.config import load_settings
from inspector.services.station import open_station
from inspector.ui.main_window import MainWindow
from tests.ui.bench import STYLE_CODE, photo_of


def wait_for(signal: SignalInstance, start: object, timeout_ms: int = 30_000) -> None:
    loop = QEventLoop()
    signal.connect(lambda *_args: loop.quit())
    QTimer.singleShot(timeout_ms, lambda: (print("TIMEOUT", flush=True), sys.exit(3)))
    start()  # type: ignore[operator]
    loop.exec()


def main() -> int:
    app = QApplication([])
    settings = load_settings()
    window = MainWindow(open_station(settings))
    window.show()
    wait_for(window.login.attempt_finished, lambda: window.login._fill("B-1001", "1234"))
    wait_for(window.inspection_opened, lambda: window.open_item(sys.argv[1], STYLE_CODE))
    page = window.inspection
    reference = settings.assets_dir / "references" / "bench" / "label.png"
    wait_for(page.comparison_shown, lambda: page.submit_photo(photo_of(reference, seed=1), "camera", ()))
    page.panel.value_edit.setText(STYLE_CODE)
    wait_for(page.step_recorded, lambda: page.record("pass"))
    assert page.step_id == "size-tag"
    wait_for(page.photo_recorded, lambda: page.submit_photo(photo_of(reference, seed=2), "camera", ()))
    print(f"READY {page.inspection_id}", flush=True)
    return app.exec()  # killed here, mid-inspection, possibly mid-comparison


if __name__ == "__main__":
    sys.exit(main())
