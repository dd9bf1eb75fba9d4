"""Has this photo been submitted before, for another item? A perceptual-hash search over all photos."""

from __future__ import annotations

import threading

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector.storage.models import Inspection, Item, Photo
from inspector.vision.hashing import DuplicateIndex

# Hamming distance on 64-bit hashes under which two photos are the same picture re-encoded/resized.
MAX_DISTANCE = 6


class ResubmissionFinder:
    """Keeps an in-memory index of every stored photo's hash, topped up from the records."""

    def __init__(self) -> None:
        self._index = DuplicateIndex()
        self._items: dict[int, int] = {}  # photo id -> item id
        self._last_id = 0
        self._lock = threading.Lock()

    def _top_up(self, session: Session) -> None:
        rows = session.execute(
            select(Photo.id, Photo.phash, Inspection.item_id)
            .join(Inspection, Inspection.id == Photo.inspection_id)
            .where(Photo.id > self._last_id).order_by(Photo.id)
        ).all()
        for photo_id, phash, item_id in rows:
            self._index.add(photo_id, phash)
            self._items[photo_id] = item_id
            self._last_id = max(self._last_id, photo_id)

    def find(self, session: Session, phash: str, item_id: int) -> list[tuple[int, str, int]]:
        """Earlier photos of *other* items within MAX_DISTANCE: (photo id, item code, distance)."""
        with self._lock:
            self._top_up(session)
            near = [(photo_id, dist) for key, dist in self._index.near(phash, MAX_DISTANCE)
                    if (photo_id := int(str(key))) and self._items.get(photo_id) != item_id]
        if not near:
            return []
        codes = dict(session.execute(
            select(Photo.id, Item.code)
            .join(Inspection, Inspection.id == Photo.inspection_id)
            .join(Item, Item.id == Inspection.item_id)
            .where(Photo.id.in_([pid for pid, _ in near]))
        ).all())
        return sorted(((pid, codes.get(pid, "?"), dist) for pid, dist in near), key=lambda r: r[2])
