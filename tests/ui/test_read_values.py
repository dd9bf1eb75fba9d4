"""At the bench: a saved label photo fills the value steps, shows evidence boxes, and Enter confirms."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt

from inspector.config import Settings
from inspector.security.roles import Role
from inspector.services.station import StationServices, open_station
from inspector.ui.inspection.page import InspectionPage
from tests.helpers.window import record_and_wait
from tests.reading.test_bench_reading import GENUINE_BOX, photo, size_tag

WAIT_MS = 60_000


@pytest.fixture
def shipped_station(settings: Settings) -> Iterator[StationServices]:
    station = open_station(settings)
    users = station.users
    users.create_first_admin("Ada", "9999", "B-9")
    users.create_user(users.login("B-9", "9999"), "Alex", "1234", Role.AUTHENTICATOR, "B-1")
    yield station
    station.close()


def test_label_photos_fill_and_check_values_without_typing(qtbot, shipped_station: StationServices) -> None:
    services = shipped_station
    alex = services.users.login("B-1", "1234")
    started = services.inspections.start_or_resume(alex, "ITEM-7", style_code="555088-101")
    page = InspectionPage(services)
    qtbot.addWidget(page)
    page.open(alex, services.inspections.detail(alex, started.inspection.id))
    page.go_to("box-label")

    with qtbot.waitSignal(page.read_values.values_read, timeout=WAIT_MS) as read:
        page.submit_photo(photo(GENUINE_BOX, 21), "file")
    assert read.args[0].problems == []
    assert page.panel.value() == "555088-101"  # the step's own value, filled from the photo
    assert not page.read_values.preview.pixmap().isNull()  # the photo with its evidence boxes
    assert "Barcode on the box label" in page.read_values.text.text()

    page.setFocus()
    with qtbot.waitSignal(page.read_values.confirmed, timeout=WAIT_MS) as confirmed:
        qtbot.keyClick(page, Qt.Key.Key_Return)
    assert sorted(r.step_id for r in confirmed.args[0]) == ["size", "upc"]
    qtbot.waitUntil(lambda: "upc" in page.detail.results, timeout=WAIT_MS)  # read again in the background
    assert page.detail is not None and page.detail.results["upc"].value == "195866000025"
    if not record_and_wait(qtbot, page, "pass"):  # a photo that aligns badly asks once more
        assert "Press P again" in page.panel.banner.text()
        assert record_and_wait(qtbot, page, "pass")

    page.go_to("size-tag")
    with qtbot.waitSignal(page.read_values.values_read, timeout=WAIT_MS) as read:
        page.submit_photo(photo(size_tag("555088-100"), 22), "file")
    assert any("differs from box label (555088-101)" in p for p in read.args[0].problems)
    assert page.panel.value() == "555088-100"
    assert "differs from box label" in page.read_values.text.text()
    qtbot.waitUntil(lambda: "differs from box label" in page.panel.value_check.text(), timeout=WAIT_MS)
