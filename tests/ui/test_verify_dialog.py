"""The station's verify window: a scanned certificate QR says valid, then void after an overturn;
an altered code says invalid; a certificate PDF opened from disk is read and checked."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from inspector.services.station import StationServices
from inspector.storage.models import Certificate
from inspector.ui.main_window import MainWindow
from inspector.ui.verify_dialog import VerifyDialog
from tests.helpers.window import press_enter_and_wait
from tests.ui.bench import PEOPLE, STYLE_CODE, photo_of

WAIT_MS = 20_000


@pytest.fixture
def services(bench_station: StationServices) -> StationServices:
    return bench_station


def _passed_inspection(services: StationServices) -> tuple[int, str]:
    """A passed item through the services; returns its inspection id and certificate QR text."""
    alex = services.users.login("B-1001", "1234")
    reference = services.ctx.settings.assets_dir / "references" / "bench" / "label.png"
    started = services.inspections.start_or_resume(alex, "ITEM-77", style_code=STYLE_CODE)
    inspection_id = started.inspection.id
    for step in ("box-label", "size-tag"):
        services.inspections.add_photo(alex, inspection_id, step, photo_of(reference))
    for step in ("box-label", "size-tag", "smell"):
        services.inspections.record_step(alex, inspection_id, step, "pass",
                                         value=STYLE_CODE if step == "box-label" else None)
    services.inspections.finish(alex, inspection_id)
    with services.ctx.db.read() as session:
        code = session.scalars(select(Certificate.payload)
                               .where(Certificate.inspection_id == inspection_id)).one()
    return inspection_id, code


@pytest.fixture
def window(qtbot, services: StationServices) -> Iterator[MainWindow]:
    main = MainWindow(services)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    _name, _role, badge, pin = PEOPLE[1]
    main.login.who_edit.setText(badge)
    main.login.pin_edit.setText(pin)
    assert press_enter_and_wait(qtbot, main)
    assert main.actor is not None
    yield main
    if main.verify_dialog is not None:
        main.verify_dialog.close()
    main.close()


def _scan(qtbot, window: MainWindow, code: str) -> VerifyDialog:
    """A QR scanner typing the code and Enter on the home page; the verify window answers."""
    window.home.setFocus()
    qtbot.keyClicks(window.home, code)
    qtbot.keyClick(window.home, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.verify_dialog is not None, timeout=WAIT_MS)
    dialog = window.verify_dialog
    assert dialog is not None, "a scanned certificate code should open the verify window"
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=WAIT_MS)
    return dialog


def test_a_scanned_certificate_is_valid_then_void_after_an_overturn(
        qtbot, window: MainWindow, services: StationServices) -> None:
    inspection_id, code = _passed_inspection(services)
    dialog = _scan(qtbot, window, code)
    assert dialog.outcome is not None and dialog.outcome.status == "valid"
    assert dialog.status_label.text() == "VALID"
    assert "ITEM-77" in dialog.details_label.text()
    assert window.stack.currentWidget() is window.home  # the scan opened no item

    admin = services.users.login(PEOPLE[0][2], PEOPLE[0][3])
    services.reviews.overturn(admin, inspection_id, "fail", "Sole stitching density is wrong.")
    dialog.outcome = None
    dialog.close()
    dialog = _scan(qtbot, window, code)
    assert dialog.outcome is not None and dialog.outcome.status == "void"
    assert dialog.status_label.text() == "VOID"
    # The reason category a buyer may see; the supervisor's note stays in the records.
    assert "not authentic" in dialog.details_label.text() and "stitching" not in dialog.details_label.text()


def test_an_altered_code_is_invalid(qtbot, window: MainWindow, services: StationServices) -> None:
    _inspection_id, code = _passed_inspection(services)
    last = code[-1]
    altered = code[:-1] + ("A" if last != "A" else "B")
    dialog = _scan(qtbot, window, altered)
    assert dialog.outcome is not None and dialog.outcome.status == "invalid"
    assert dialog.status_label.text() == "INVALID"


def test_a_certificate_pdf_opened_from_disk_is_checked(
        qtbot, window: MainWindow, services: StationServices, tmp_path: Path) -> None:
    inspection_id, _code = _passed_inspection(services)
    pdf = tmp_path / "certificate.pdf"
    alex = services.users.login("B-1001", "1234")
    pdf.write_bytes(services.certificates.certificate_pdf(alex, inspection_id))
    dialog = window.open_verify()
    assert dialog.code_edit.hasFocus() or not dialog.isActiveWindow()
    dialog.code_edit.setText(str(pdf))
    qtbot.keyClick(dialog.code_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=WAIT_MS)
    assert dialog.outcome is not None and dialog.outcome.status == "valid"
    assert dialog.outcome.payload is not None and dialog.outcome.payload.item_code == "ITEM-77"


def test_the_code_field_shows_the_codes_we_print_today(qtbot) -> None:
    from inspector.security import payload

    dialog = VerifyDialog(lambda _code: None)  # type: ignore[arg-type, return-value]
    qtbot.addWidget(dialog)
    hint = dialog.code_edit.placeholderText()
    assert f"#{payload.HEADER}" in hint and hint.startswith("https://")
    assert "INS1:" not in hint
