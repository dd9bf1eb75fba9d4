"""Photos waiting to be saved, kept on disk until the database has them (a closed window or a crash
loses none).

One pair of files per photo in the journal folder: `<client_ref>.jpg` (the bytes as captured) and
`<client_ref>.json` (inspection, step, source, quality notes, who took it), written atomically
(temporary file, fsync, rename) before the photo is offered to the database and removed once the
database has it or refused it for good. The client_ref makes a replay after a crash record nothing
twice. Plain files, no Qt: called from background jobs only.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class JournalEntry:
    client_ref: str
    user_id: int
    inspection_id: int
    step_id: str
    source: str
    notes: tuple[str, ...]
    taken_ns: int = 0  # when it was journaled: replayed in the order taken


def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def keep(folder: Path, entry: JournalEntry, data: bytes) -> None:
    """Journal a photo (the image first, then its description: a description always has its image)."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    _write_atomically(folder / f"{entry.client_ref}.jpg", data)
    _write_atomically(folder / f"{entry.client_ref}.json", json.dumps(asdict(entry)).encode("utf-8"))


def forget(folder: Path, client_ref: str) -> None:
    """The database has the photo (or refused it for good): its journal files go."""
    for suffix in (".json", ".jpg"):
        (folder / f"{client_ref}{suffix}").unlink(missing_ok=True)


def waiting(folder: Path, user_id: int) -> list[tuple[JournalEntry, bytes]]:
    """The journaled photos one user took, oldest first (others wait for their own login)."""
    found: list[tuple[int, JournalEntry, bytes]] = []
    if not folder.is_dir():
        return []
    for description in folder.glob("*.json"):
        try:
            raw = json.loads(description.read_text(encoding="utf-8"))
            entry = JournalEntry(**{**raw, "notes": tuple(raw.get("notes", ()))})
            data = (folder / f"{entry.client_ref}.jpg").read_bytes()
        except (OSError, ValueError, TypeError):
            continue  # a damaged description: left for a person to look at, never guessed
        if entry.user_id == user_id:
            found.append((entry.taken_ns, entry, data))
    return [(entry, data) for _at, entry, data in sorted(found, key=lambda item: item[0])]
