"""Confirming a pass prints its tag on the station's network label printer with no dialog."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspector.services.station import StationServices
from inspector.ui.main_window import MainWindow
from inspector.ui.settings_dialog import SettingsDialog
from tests.certificates.test_tags import _Printer
from tests.helpers.window import press_enter_and_wait, resume_summary_and_wait
from tests.ui.bench import PEOPLE, STYLE_CODE, photo_of


@pytest.fixture
def services(bench_station: StationServices) -> StationServices:
    return bench_station


def _all_steps_passed(services: StationServices) -> int:
    alex = services.users.login(PEOPLE[1][2], PEOPLE[1][3])
    reference = services.ctx.settings.assets_dir / "references" / "bench" / "label.png"
    inspection_id = services.inspections.start_or_resume(alex, "ITEM-88", style_code=STYLE_CODE).inspection.id
    for step in ("box-label", "size-tag"):
        services.inspections.add_photo(alex, inspection_id, step, photo_of(reference))
    for step in ("box-label", "size-tag", "smell"):
        services.inspections.record_step(alex, inspection_id, step, "pass",
                                         value=STYLE_CODE if step == "box-label" else None)
    return inspection_id


def test_a_confirmed_pass_prints_its_tag_on_the_label_printer(
        qtbot, services: StationServices) -> None:
    printer = _Printer()
    printer.start()
    dialog = SettingsDialog(services.ctx.settings)
    dialog.label_printer_edit.setText(f"127.0.0.1:{printer.port}")
    dialog.print_on_pass_check.setChecked(True)
    dialog.label_combo.setCurrentText("62x29mm")
    services.ctx.settings = dialog.save()
    assert services.ctx.settings.label_printer == f"127.0.0.1:{printer.port}"

    inspection_id = _all_steps_passed(services)
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.show()
    window.login.who_edit.setText(PEOPLE[1][2])
    window.login.pin_edit.setText(PEOPLE[1][3])
    assert press_enter_and_wait(qtbot, window)
    resume_summary_and_wait(qtbot, window, inspection_id)
    assert window.stack.currentWidget() is window.finish  # every step recorded: the summary
    photo_cell = window.finish.table.item(0, 4)  # box label: its thumbnail arrives from the background
    qtbot.waitUntil(lambda: not photo_cell.icon().isNull(), timeout=20_000)
    with qtbot.waitSignal(window.finish.print_panel.tag_sent, timeout=20_000):
        window.finish.confirm()
    printer.join(timeout=5)
    zpl = printer.received.decode("utf-8")
    assert zpl.startswith("^XA") and "^BQ" in zpl
    assert "Tag sent" in window.finish.print_panel.status_label.text()
    window.close()


def test_an_unreachable_label_printer_says_so_and_keeps_the_verdict(
        qtbot, services: StationServices, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]  # nothing listens there once closed
    services.ctx.settings = services.ctx.settings.with_changes(label_printer=f"127.0.0.1:{port}",
                                                               print_tag_on_pass=True)
    errors: list[str] = []
    monkeypatch.setattr("inspector.ui.print_bridge.show_error",
                        lambda _parent, exc: errors.append(str(exc)))
    inspection_id = _all_steps_passed(services)
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.actor = services.users.login(PEOPLE[1][2], PEOPLE[1][3])
    resume_summary_and_wait(qtbot, window, inspection_id)
    window.finish.confirm()
    qtbot.waitUntil(lambda: bool(errors), timeout=20_000)
    assert "cannot be reached" in errors[0] and "\n" not in errors[0]
    assert window.finish.print_panel.status_label.text() == "The tag was not printed."
    assert services.inspections.detail(window.actor, inspection_id).inspection.verdict == "pass"
    window.close()


def test_label_printer_settings_survive_a_restart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from inspector.config import load_settings, save_settings

    monkeypatch.setenv("INSPECTOR_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("INSPECTOR_PRINT_TAG_ON_PASS", raising=False)
    settings = load_settings()
    assert (settings.label_printer, settings.print_tag_on_pass) == ("", False)
    save_settings(settings.with_changes(label_printer="zebra-3:9100", print_tag_on_pass=True))
    again = load_settings()
    assert (again.label_printer, again.print_tag_on_pass) == ("zebra-3:9100", True)
    monkeypatch.setenv("INSPECTOR_PRINT_TAG_ON_PASS", "no")  # the environment wins over the file
    assert load_settings().print_tag_on_pass is False
