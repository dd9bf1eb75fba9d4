"""Screenshots of the desk as a supervisor sees it with 50 items waiting (run under Xvfb, not by pytest).

    xvfb-run -a -s "-screen 0 1366x768x24" uv run python tests/desk/desk_screenshots.py [OUT_DIR]
"""

from __future__ import annotations

import os
import shutil
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import cv2
import numpy as np
from PySide6.QtWidgets import QApplication
from sqlalchemy import update

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from inspector.config import load_settings
from inspector.security.roles import Role
from inspector.services.certificates import attach
from inspector.services.station import StationServices, open_station
from inspector.storage.models import Inspection
from tests.services.conftest import CHECKLIST, make_reference

ITEMS = 50
AUTHENTICATORS = ["Alex", "Billie", "Casey", "Devon"]


def seed(home: Path) -> StationServices:
    (home / "checklists" / "testbrand").mkdir(parents=True)
    (home / "checklists" / "testbrand" / "runner.yaml").write_text(CHECKLIST)
    reference = make_reference(home / "assets" / "references" / "test" / "label.png")
    settings = load_settings().with_changes(checklists_dir=home / "checklists", assets_dir=home / "assets",
                                            review_sample_rate=1.0)
    station = open_station(settings)
    attach(station)
    users = station.users
    users.create_first_admin("Ada", "9999", "B-9")
    admin = users.login("B-9", "9999")
    users.create_user(admin, "Morgan", "3456", Role.SUPERVISOR, "B-2")
    actors = []
    for number, name in enumerate(AUTHENTICATORS, start=1):
        users.create_user(admin, name, f"12{number}4", Role.AUTHENTICATOR, f"A-{number}")
        actors.append(users.login(f"A-{number}", f"12{number}4"))
    good = cv2.imencode(".jpg", reference)[1].tobytes()
    tampered_image = reference.copy()
    cv2.rectangle(tampered_image, (300, 200), (420, 300), (0, 0, 255), -1)
    tampered = cv2.imencode(".jpg", tampered_image)[1].tobytes()
    rng = np.random.default_rng(5)
    now = datetime.now(UTC)
    for n in range(ITEMS):
        actor = actors[n % len(actors)]
        inspection_id = station.inspections.start_or_resume(
            actor, f"TR-{n:03d}", style_code="TR1000-001").inspection.id
        label = tampered if n % 7 == 0 else good
        photo = station.inspections.add_photo(actor, inspection_id, "box-label", label)
        station.comparisons.compare_photo(actor, photo.id)
        station.inspections.add_photo(actor, inspection_id, "size-tag", good)
        stitching = ["pass", "pass", "pass", "unsure", "fail"][n % 5]
        outcomes = {"box-label": "pass", "size-tag": "pass", "stitching": stitching, "smell": "pass"}
        for step, outcome in outcomes.items():
            station.inspections.record_step(
                actor, inspection_id, step, outcome,
                value="TR1000-001" if step in ("box-label", "size-tag") else None,
                note="" if outcome == "pass" else "stitch spacing uneven on the heel",
                fail_reason="counterfeit" if outcome == "fail" else None)
        station.inspections.finish(actor, inspection_id, second_opinion=(n % 11 == 4))
        finished_at = now - timedelta(hours=float(rng.uniform(0, 24 * 20)))
        with station.ctx.db.transaction() as session:
            session.execute(update(Inspection).where(Inspection.id == inspection_id).values(
                started_at=finished_at - timedelta(minutes=float(rng.uniform(3, 15))),
                finished_at=finished_at))
    return station


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/desk-screens")
    home = out / "home"
    shutil.rmtree(home, ignore_errors=True)
    os.environ["INSPECTOR_HOME"] = str(home)
    app = QApplication([])
    station = seed(home)
    from inspector.ui.desk import register
    from inspector.ui.main_window import MainWindow

    window = MainWindow(station)
    register(window)
    window.resize(1366, 768)
    window.show()
    from PySide6.QtCore import QEventLoop

    checked = QEventLoop()
    window.login.attempt_finished.connect(lambda _ok: checked.quit())
    window.login._fill("B-2", "3456")
    checked.exec()  # the PIN is checked in the background
    next(p for p in window._role_pages if p.title == "Desk").button.click()

    def settle() -> None:
        for _ in range(40):
            app.processEvents()
            QApplication.instance().thread().msleep(50)  # type: ignore[union-attr]

    settle()
    window.grab().save(str(out / "1-queue.png"))
    desk = window.desk  # type: ignore[attr-defined]
    # The review of an item whose label differs from the reference (flagged regions to look at).
    desk.open_inspection(min(desk.queue.entries, key=lambda e: e.min_score or 1.0).inspection_id)
    settle()
    window.grab().save(str(out / "2-review.png"))
    desk.tabs.setCurrentWidget(desk.analytics)
    settle()
    window.grab().save(str(out / "3-analytics.png"))
    desk.tabs.setCurrentWidget(desk.calibration)
    settle()
    window.grab().save(str(out / "4-calibration.png"))
    print(f"screenshots in {out}")
    station.close()


if __name__ == "__main__":
    main()
