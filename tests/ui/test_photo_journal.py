"""Photos waiting for the database are journaled on disk: a closed window or a crash loses none."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from inspector.security.roles import Actor, Role
from inspector.ui.inspection import photo_journal
from inspector.ui.inspection.photo_saver import PhotoSaver
from tests.ui.test_photo_saver import ALEX, _Inspections, _jpeg

JORDAN = Actor(user_id=3, name="Jordan", role=Role.AUTHENTICATOR)


def test_a_kept_photo_survives_the_window_and_is_recorded_once(qtbot, tmp_path: Path) -> None:
    journal = tmp_path / "pending-photos"
    away = _Inspections(down=10**6)  # the database stays away while this window is open
    first = PhotoSaver(SimpleNamespace(inspections=away), journal=journal)  # type: ignore[arg-type]
    first.retry_seconds = (60,)
    waiting: list[str] = []
    first.waiting.connect(waiting.append)
    photo = _jpeg()
    first.submit(ALEX, 7, "box-label", photo)
    first.submit(ALEX, 7, "size-tag", photo + b"\0")  # queued behind the first: journaled too
    qtbot.waitUntil(lambda: bool(waiting) and len(list(journal.glob("*.json"))) == 2, timeout=10_000)
    refs = [p.client_ref for p in first.pending]
    del first  # the window closed (or the station crashed): only the journal remains

    back = _Inspections(down=0)
    second = PhotoSaver(SimpleNamespace(inspections=back), journal=journal)  # type: ignore[arg-type]
    saved: list[object] = []
    second.saved.connect(lambda view, _thumb, _data: saved.append(view))
    second.resume_journal(ALEX)
    qtbot.waitUntil(lambda: len(saved) == 2, timeout=10_000)
    assert sorted(back.recorded) == sorted(refs)  # the same client refs: nothing recorded twice
    assert [view.step_id for view in saved] == ["box-label", "size-tag"]  # in the order taken
    assert list(journal.iterdir()) == []  # saved: the journal is empty


def test_only_the_photographer_resumes_their_photos(tmp_path: Path) -> None:
    journal = tmp_path / "pending-photos"
    entry = photo_journal.JournalEntry("ref-1", ALEX.user_id, 7, "box-label", "camera", ("dark",))
    photo_journal.keep(journal, entry, b"jpeg bytes")
    assert photo_journal.waiting(journal, JORDAN.user_id) == []
    assert photo_journal.waiting(journal, ALEX.user_id) == [(entry, b"jpeg bytes")]
    (journal / "ref-2.json").write_text("{not json")  # a damaged description is skipped, not guessed
    assert len(photo_journal.waiting(journal, ALEX.user_id)) == 1
