"""Screenshots of the station's main screens for docs/screenshots/, taken under Xvfb (or offscreen).

    uv run python scripts/screenshots.py            # Xvfb when installed, else Qt's offscreen platform
    uv run python scripts/screenshots.py --offscreen

Builds a throwaway station in a temporary folder (demo users, the shipped checklists when there
are any, else a small bench checklist), walks first run, login, a step with its photo, the
comparison and the finish summary, and saves one PNG per screen.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "docs" / "screenshots"
SIZE = (1440, 900)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offscreen", action="store_true", help="use Qt's offscreen platform, not Xvfb")
    parser.add_argument("--walk", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--light", action="store_true", help="light palette instead of dark")
    args = parser.parse_args()
    if args.walk:
        return walk(light=args.light)
    env = dict(os.environ)
    xvfb = None
    if not args.offscreen and shutil.which("Xvfb"):
        # -displayfd: Xvfb picks a free display and writes its number once it accepts clients.
        read_end, write_end = os.pipe()
        xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-screen", "0",
                                 f"{SIZE[0] + 80}x{SIZE[1] + 80}x24", "-nolisten", "tcp"],
                                pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(write_end)
        with os.fdopen(read_end) as ready:
            display = ready.readline().strip()
        env.update(DISPLAY=f":{display}", QT_QPA_PLATFORM="xcb")
    else:
        env["QT_QPA_PLATFORM"] = "offscreen"
    try:
        command = [sys.executable, __file__, "--walk"] + (["--light"] if args.light else [])
        return subprocess.run(command, env=env, check=False).returncode
    finally:
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait(timeout=10)


def walk(*, light: bool) -> int:
    sys.path.insert(0, str(REPO))
    root = Path(tempfile.mkdtemp(prefix="inspector-shots-"))
    os.environ["INSPECTOR_HOME"] = str(root / "home")
    os.environ["INSPECTOR_CAMERA"] = "demo"  # films each step's reference, as the demo station does
    from tests.ui.bench import build_bench, photo_of  # the same small bench the UI tests use

    if not any((REPO / "checklists").rglob("*.yaml")):
        os.environ.update(build_bench(root))
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from inspector.config import load_settings
    from inspector.services.station import open_station
    from inspector.ui.main_window import MainWindow
    from inspector.ui.theme import apply_theme

    app = QApplication([])
    apply_theme(app, dark=not light)
    settings = load_settings()
    services = open_station(settings)
    window = MainWindow(services)
    window.resize(*SIZE)
    window.show()
    OUT.mkdir(parents=True, exist_ok=True)

    def settle(ms: int = 150) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def wait_for(signal, start, timeout_ms: int = 60_000) -> None:
        loop = QEventLoop()
        signal.connect(lambda *_a: loop.quit())
        QTimer.singleShot(timeout_ms, loop.quit)
        start()
        loop.exec()

    def shot(name: str) -> None:
        settle()
        window.grab().save(str(OUT / f"{name}.png"))
        print(f"saved {OUT / name}.png")

    shot("01-first-run")
    wait_for(window.first_run.demo_seeded, window.first_run.demo_button.click, 300_000)
    window.login.who_edit.setText("B-1001")
    shot("02-login")
    wait_for(window.login.attempt_finished, lambda: window.login._fill("B-1001", "1234"))
    library = services.ctx.library.all()
    loaded = next((each for each in library if each.checklist.id == "nike-air-jordan-1-high"), library[0])
    registry = loaded.checklist.registry
    style = registry.style_codes[0].code if registry.style_codes else None

    def value_for(kind: str) -> str | None:
        country = registry.countries[0] if registry.countries else None
        return {"style_code": style, "country": country}.get(kind)

    wait_for(window.inspection_opened, lambda: window.open_item("ITEM-UNFINISHED-7", style or ""))
    wait_for(window.home.refreshed, window.show_home)
    shot("03-scan-next-item")
    wait_for(window.inspection_opened, lambda: window.open_item("ITEM-004711", style or ""))
    page = window.inspection

    def record(outcome: str) -> None:
        """P / F as at the bench; the result is written in the background (a warning is not)."""
        loop = QEventLoop()
        page.step_recorded.connect(loop.quit)
        page.failed.connect(loop.quit)
        page.record(outcome)
        if page.recording:
            loop.exec()
        page.step_recorded.disconnect(loop.quit)
        page.failed.disconnect(loop.quit)
    step = next(s for s in loaded.checklist.steps if s.references)
    page.go_to(step.id)
    if step.value is not None and value_for(step.value.kind):
        page.panel.set_value(value_for(step.value.kind))
    reference = settings.assets_dir / step.references[0]
    wait_for(page.comparison_shown, lambda: page.submit_photo(photo_of(reference, seed=3), "camera", ()))
    page.view.tabs.setCurrentIndex(0)
    settle(1500)  # a few frames from the demo camera
    shot("04-step-capture")
    wait_for(page.comparison_shown, lambda: page.submit_photo(photo_of(reference, tamper=True, seed=4),
                                                              "camera", ()))
    shot("05-comparison")
    for number, each in enumerate(loaded.checklist.steps):
        page.go_to(each.id)
        if each.value is not None and value_for(each.value.kind):
            page.panel.value_edit.setText(value_for(each.value.kind))
        if each.id != step.id and each.needs_photo:
            photo = photo_of(settings.assets_dir / each.references[0], seed=10 + number)
            wait_for(page.comparison_shown, lambda photo=photo: page.submit_photo(photo, "camera", ()))
        if each.id == step.id:
            page.panel.note_edit.setText("Print weight on the label differs from the reference.")
            page.panel.reason_combo.setCurrentIndex(page.panel.reason_combo.findData("counterfeit"))
            record("fail")
        else:
            record("pass")
            if page.step_id == each.id and page.detail and each.id not in page.detail.results:
                record("pass")  # the second P: pass without the photo
    window._on_summary_requested(page.inspection_id)
    shot("06-finish-summary")
    wait_for(window.finish.finished, window.finish.confirm)
    shot("07-verdict-recorded")

    from sqlalchemy import select

    from inspector.storage.models import Certificate

    with services.ctx.db.read() as session:
        code = session.scalars(select(Certificate.payload).where(Certificate.voided_at.is_(None))
                               .order_by(Certificate.id)).first()
    if code:
        dialog = window.open_verify()
        wait_for(dialog.verified, lambda: dialog.check(code))
        settle()
        dialog.grab().save(str(OUT / "08-verify-certificate.png"))
        print(f"saved {OUT / '08-verify-certificate'}.png")
        dialog.close()
    window.close()
    services.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
