"""Saves captured photos in the background and keeps the ones the database or disk refused.

A photo is worth keeping: when the database went away or the photo store is full, the photo stays
here and is saved again on a timer with the same client_ref, so the record is made exactly once
when storage is back. Bad photos (unreadable, too large) are refused at once: retrying cannot help.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QImage

from inspector.errors import StorageUnavailable
from inspector.security.roles import Actor
from inspector.services.station import StationServices
from inspector.services.views import PhotoView
from inspector.ui.background import run_in_background
from inspector.ui.inspection import photo_journal
from inspector.ui.inspection.photo_journal import JournalEntry
from inspector.ui.widgets import message_for, thumbnail_image

# Seconds before each further try: soon at first (a server restarting), then every half minute.
RETRY_SECONDS = (3, 5, 10, 20, 30)


@dataclass
class PendingPhoto:
    """A captured photo not yet recorded, with everything needed to record it later."""

    actor: Actor
    inspection_id: int
    step_id: str
    data: bytes
    source: str
    notes: tuple[str, ...]
    client_ref: str = field(default_factory=lambda: uuid.uuid4().hex)


class PhotoSaver(QObject):
    """Records photos off the GUI thread, in order, retrying while storage is unavailable."""

    saved = Signal(object, object, bytes)  # PhotoView, thumbnail QImage, the photo's bytes
    waiting = Signal(str)  # one sentence: storage is away, the photo is kept, when the next try is
    refused = Signal(object)  # the exception for a photo that will never be recorded
    resumed = Signal(int)  # photos found in the journal (a closed window or a crash) and queued again

    def __init__(self, services: StationServices, parent: QObject | None = None,
                 journal: Path | None = None) -> None:
        super().__init__(parent)
        self._services = services
        # Photos waiting here are also on disk (photo_journal): a closed window or a crash loses none.
        self.journal = journal
        self.pending: list[PendingPhoto] = []
        self.retry_seconds: Sequence[float] = RETRY_SECONDS
        self._tries = 0
        self._in_flight = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.retry_now)

    def submit(self, actor: Actor, inspection_id: int, step_id: str, data: bytes,
               source: str = "camera", notes: Sequence[str] = ()) -> None:
        photo = PendingPhoto(actor, inspection_id, step_id, data, source, tuple(notes))
        self.pending.append(photo)
        if self.journal is not None:
            entry = JournalEntry(photo.client_ref, actor.user_id, inspection_id, step_id, source, photo.notes,
                                 time.time_ns())
            run_in_background(photo_journal.keep, self.journal, entry, data, on_error=self.refused.emit)
        if not self._timer.isActive():  # while waiting for storage, new photos queue behind
            self._save_next()

    def resume_journal(self, actor: Actor) -> None:
        """Offer the database again the photos this user took that a closed window or a crash left
        on disk (each recorded once, by its client_ref)."""
        if self.journal is None:
            return
        journal = self.journal

        def queue(found: list[tuple[JournalEntry, bytes]]) -> None:
            known = {p.client_ref for p in self.pending}
            for entry, data in found:
                if entry.client_ref not in known:
                    self.pending.append(PendingPhoto(actor, entry.inspection_id, entry.step_id, data,
                                                     entry.source, entry.notes, entry.client_ref))
            if found:
                self.resumed.emit(len(found))
                self._save_next()

        run_in_background(photo_journal.waiting, journal, actor.user_id, on_result=queue,
                          on_error=self.refused.emit)

    def retry_now(self) -> None:
        self._timer.stop()
        self._save_next()

    def _save_next(self) -> None:
        if self._in_flight or not self.pending:
            return
        self._in_flight = True
        photo = self.pending[0]
        inspections, journal = self._services.inspections, self.journal

        def save() -> tuple[PhotoView, QImage]:
            try:
                view = inspections.add_photo(photo.actor, photo.inspection_id, photo.step_id, photo.data,
                                             source=photo.source, quality_notes=photo.notes,
                                             client_ref=photo.client_ref)
            except StorageUnavailable:
                raise  # kept in the journal: tried again later
            except Exception:
                if journal is not None:
                    photo_journal.forget(journal, photo.client_ref)  # refused for good
                raise
            if journal is not None:
                photo_journal.forget(journal, photo.client_ref)
            return view, thumbnail_image(photo.data)

        run_in_background(save, on_result=self._finished(photo, self._on_saved),
                          on_error=self._finished(photo, self._on_failed))

    def _finished(self, photo: PendingPhoto,
                  handler: Callable[[PendingPhoto, Any], None]) -> Callable[[Any], None]:
        def handle(outcome: Any) -> None:
            self._in_flight = False
            handler(photo, outcome)
        return handle

    def _on_saved(self, photo: PendingPhoto, outcome: tuple[PhotoView, QImage]) -> None:
        self._tries = 0
        self.pending.remove(photo)
        self.saved.emit(outcome[0], outcome[1], photo.data)
        self._save_next()

    def _on_failed(self, photo: PendingPhoto, exc: BaseException) -> None:
        if not isinstance(exc, StorageUnavailable):
            self.pending.remove(photo)
            self.refused.emit(exc)
            self._save_next()
            return
        delay = self.retry_seconds[min(self._tries, len(self.retry_seconds) - 1)]
        self._tries += 1
        self._timer.start(int(delay * 1000))
        self.waiting.emit(waiting_message(exc, len(self.pending), delay))


def waiting_message(exc: BaseException, kept: int, delay: float) -> str:
    """E.g. 'The database cannot be reached: the photo is kept and saved as soon as it can be (...)'."""
    reason = message_for(exc).split(";")[0].split(":")[0].rstrip(".")
    photos = "the photo is kept" if kept == 1 else f"{kept} photos are kept"
    return (f"{reason}: {photos} and saved as soon as it can be (next try in {delay:g} s; "
            "Ctrl+R tries now).")
