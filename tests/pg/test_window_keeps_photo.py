"""The station window on PostgreSQL: the server goes away after a capture; the photo is kept, the
user reads one sentence, the window retries on its own, and the photo is recorded exactly once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from inspector.services.integrity import verify_integrity
from inspector.services.station import StationServices, open_station
from inspector.storage.models import Photo
from inspector.ui.main_window import MainWindow
from tests.helpers.window import log_in, open_and_wait
from tests.postgres_server import PostgresServer
from tests.ui.bench import PEOPLE, STYLE_CODE, add_people, build_bench, photo_of, settings_for

pytestmark = pytest.mark.postgres


@pytest.fixture
def station(own_server: PostgresServer, tmp_path: Path) -> Iterator[StationServices]:
    env = build_bench(tmp_path)
    settings = settings_for(env).with_changes(database_url=own_server.create_database())
    services = open_station(settings)
    add_people(services)
    yield services
    services.close()


def _photos(station: StationServices, inspection_id: int) -> int:
    with station.ctx.db.read() as session:
        return session.scalar(select(func.count()).select_from(Photo)
                              .where(Photo.inspection_id == inspection_id)) or 0


def test_window_keeps_a_photo_while_the_server_is_down_and_records_it_once(
        qtbot, own_server: PostgresServer, station: StationServices) -> None:
    window = MainWindow(station)
    qtbot.addWidget(window)
    window.show()
    assert log_in(qtbot, window, PEOPLE[1][2], PEOPLE[1][3])
    page = open_and_wait(qtbot, window, "PG-LOSS-1", STYLE_CODE)
    inspection_id = page.inspection_id
    page.photo_saver.retry_seconds = (0.5,)
    reference = station.ctx.settings.assets_dir / "references" / "bench" / "label.png"

    own_server.stop()
    try:
        with qtbot.waitSignal(page.failed, timeout=30_000) as said:
            page.submit_photo(photo_of(reference, seed=7), "camera", ())
        sentence = said.args[0]
        assert "database cannot be reached" in sentence and "photo is kept" in sentence
        assert "\n" not in sentence and sentence.endswith(".")
        assert page.view.banner.text() == sentence
        assert len(page.photo_saver.pending) == 1
        # The window tries again by itself; still down, the photo is still kept.
        with qtbot.waitSignal(page.failed, timeout=30_000):
            pass
        assert len(page.photo_saver.pending) == 1
        # A second photo taken meanwhile queues behind the first.
        page.submit_photo(photo_of(reference, seed=8), "camera", ())
        assert len(page.photo_saver.pending) == 2
    finally:
        own_server.start()

    recorded: list[object] = []
    page.photo_recorded.connect(recorded.append)
    qtbot.waitUntil(lambda: len(recorded) == 2, timeout=60_000)
    assert page.photo_saver.pending == []
    assert "saved" in page.view.banner.text() or page.view.banner.text() == ""
    page.photo_saver.retry_now()  # Ctrl+R with nothing kept does nothing
    qtbot.wait(200)
    assert _photos(station, inspection_id) == 2
    report = verify_integrity(station.ctx)
    assert report.ok, report.lines()
    window.close()
