"""How long the GUI thread is busy for each bench action, with the shipped AJ1 checklist on SQLite.

Each row is the wall time of one action's synchronous part on the GUI thread (what the user
waits for before the window answers again): log in, open an item, record a step (P),
step back to a step with a 12 MP photo, open the summary (thumbnails of every photo), confirm the
verdict (certificate issued). Work the window already sends to the background (saving photos,
comparisons, PDFs, the verdict and its certificate) is not in these rows; what the GUI thread
does when such work comes back is a row of its own. The baseline, measured in the same run, is one
committed write transaction through the same database (a step can hardly cost less).

    QT_QPA_PLATFORM=offscreen uv run python benchmarks/station_actions.py [--items 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import cv2
import numpy as np
from PySide6.QtWidgets import QApplication
from sqlalchemy import text

GOAL_MS = 50.0


def photo_12mp(reference: Path, seed: int) -> bytes:
    image = cv2.imread(str(reference))
    image = cv2.resize(image, (4000, 3000), interpolation=cv2.INTER_CUBIC)
    rng = np.random.default_rng(seed)
    noisy = np.clip(image.astype(np.int16) + rng.integers(-4, 5, image.shape), 0, 255).astype(np.uint8)
    return cv2.imencode(".jpg", noisy, [cv2.IMWRITE_JPEG_QUALITY, 90])[1].tobytes()


def timed(samples: dict[str, list[float]], name: str, work: Callable[[], object]) -> object:
    began = time.perf_counter()
    value = work()
    samples.setdefault(name, []).append((time.perf_counter() - began) * 1000)
    return value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=5)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="inspector-actions-"))
    os.environ["INSPECTOR_HOME"] = str(root / "home")
    os.environ["INSPECTOR_CAMERA"] = "demo"

    from inspector.config import load_settings
    from inspector.services.station import open_station
    from inspector.ui.background import wait_for_all
    from inspector.ui.main_window import MainWindow

    app = QApplication([])
    services = open_station(load_settings())
    services.users.create_first_admin("Ada Admin", "9999", "B-9001")
    admin = services.users.login("B-9001", "9999")
    services.users.create_user(admin, "Alex", "1234", "authenticator", "B-1001")
    checklist = services.ctx.library.get("nike-air-jordan-1-high").checklist
    style = checklist.registry.style_codes[0].code
    photos = {step.id: photo_12mp(services.ctx.settings.assets_dir / step.references[0], n)
              for n, step in enumerate(checklist.steps) if step.references}
    window = MainWindow(services)
    window.resize(1440, 900)
    window.show()
    samples: dict[str, list[float]] = {}
    # The verdict is recorded in the background; what the GUI thread then does is timed apart.
    recorded = window.inspection._on_recorded
    window.inspection._on_recorded = lambda outcome: timed(  # type: ignore[method-assign]
        samples, "  then: the next step shown", lambda: recorded(outcome))
    accepted = window.login._on_accepted
    window.login._on_accepted = lambda actor: timed(  # type: ignore[method-assign]
        samples, "  then: the home page shown", lambda: accepted(actor))
    shown = window.finish._on_confirmed
    window.finish._on_confirmed = lambda actor, view: timed(  # type: ignore[method-assign]
        samples, "  then: the recorded verdict shown", lambda: shown(actor, view))

    def settle() -> None:
        wait_for_all()
        for _ in range(5):
            app.processEvents()

    def baseline() -> None:
        with services.ctx.db.transaction() as session:
            session.execute(text("UPDATE stations SET name = name WHERE id = -1"))

    for number in range(args.items):
        for _ in range(5):
            timed(samples, "baseline: one committed write transaction", baseline)
        timed(samples, "log in (badge + PIN; argon2 runs in the background)",
              lambda: window.login._fill("B-1001", "1234"))
        settle()
        timed(samples, "open an item (start + first step shown)",
              lambda n=number: window.open_item(f"BENCH-{n:04d}", style))
        settle()
        page = window.inspection
        for step in checklist.steps:
            if step.id in photos:
                alex = window.actor
                assert alex is not None
                services.inspections.add_photo(alex, page.inspection_id, step.id, photos[step.id])
                page._refresh()  # the window reads the inspection again (in the background)
                settle()
            if step.value is not None:
                page.panel.value_edit.setText(style if step.value.kind == "style_code" else "")
            timed(samples, "record a step (P; written in the background)",
                  lambda page=page: page.record("pass"))
            settle()
            if page.step_id == step.id:  # value check disagreed or photo missing: record again
                page.record("pass")
                settle()
        photographed = next(s.id for s in checklist.steps if s.id in photos)
        timed(samples, "go back to a step with a 12 MP photo",
              lambda s=photographed, page=page: page.go_to(s))
        settle()
        timed(samples, "open the summary (a thumbnail per photo)",
              lambda page=page: window._on_summary_requested(page.inspection_id))
        settle()
        timed(samples, "confirm the verdict (recorded in the background)", window.finish.confirm)
        settle()
        window.log_out()
        settle()

    base = statistics.median(samples.pop("baseline: one committed write transaction"))
    print(f"Station actions: GUI thread busy per action ({args.items} items, AJ1 checklist of "
          f"{len(checklist.steps)} steps, 12 MP photos, SQLite, {os.cpu_count()} cores)")
    print(f"{'action':<46} {'median ms':>10} {'worst ms':>9} {'x base':>7}  goal {GOAL_MS:.0f} ms")
    print(f"{'baseline: one committed write transaction':<46} {base:10.1f} {'':>9} {1.0:7.1f}")
    for name, values in samples.items():
        median = statistics.median(values)
        verdict = "ok" if median <= GOAL_MS else "OVER"
        print(f"{name:<46} {median:10.1f} {max(values):9.1f} {median / base:7.1f}  {verdict}")
    window.close()
    services.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
