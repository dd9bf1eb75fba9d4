"""Photos stored once by SHA-256 on disk (a shared mount for many stations); never modified."""

from __future__ import annotations

import errno
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from inspector import atomicfile
from inspector.errors import BadInput, NotFound, StorageUnavailable


@dataclass(frozen=True)
class StoredPhoto:
    sha256: str
    size: int
    path: Path
    already_stored: bool


class PhotoStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> StoredPhoto:
        """Store bytes under their hash; writing is atomic, so a crash leaves no half photo."""
        sha256 = hashlib.sha256(data).hexdigest()
        target = self.path_for(sha256)
        if target.exists() and target.stat().st_size == len(data):
            return StoredPhoto(sha256, len(data), target, already_stored=True)
        try:
            _write_atomically(target, data, durable=True)
        except OSError as exc:
            raise StorageUnavailable(_explain(exc, self.root)) from exc
        return StoredPhoto(sha256, len(data), target, already_stored=False)

    def read(self, sha256: str) -> bytes:
        path = self.path_for(sha256)
        try:
            return path.read_bytes()
        except FileNotFoundError as exc:
            raise NotFound(f"Photo {sha256[:12]} is missing from the photo store.") from exc
        except OSError as exc:
            raise StorageUnavailable(_explain(exc, self.root)) from exc

    def read_verified(self, sha256: str) -> bytes:
        """The photo's bytes, refused unless they still hash to its name: what documents are made from."""
        data = self.read(sha256)
        if hashlib.sha256(data).hexdigest() != sha256:
            raise BadInput(f"Photo {sha256[:12]} in the photo store was altered (its hash no longer "
                           "matches); run `inspector audit verify`.")
        return data

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    # --- thumbnails: a cache beside the photos for the screens; documents never use it -----

    def thumbnail_path(self, sha256: str) -> Path:
        return self.root / "thumbnails" / sha256[:2] / f"{sha256}.jpg"

    def read_thumbnail(self, sha256: str) -> bytes | None:
        """The cached thumbnail of a stored photo, or None when there is none (or it is unreadable)."""
        try:
            return self.thumbnail_path(sha256).read_bytes() or None
        except OSError:
            return None

    def put_thumbnail(self, sha256: str, data: bytes) -> bool:
        """Cache a thumbnail; best effort: a full or read-only store only costs the next reader time."""
        try:
            _write_atomically(self.thumbnail_path(sha256), data, durable=False)
        except OSError:
            return False
        return True

    def read_thumbnail_tag(self, sha256: str) -> str | None:
        """The signature kept beside a cached thumbnail (services/thumbnails.py), or None."""
        try:
            return self.thumbnail_path(sha256).with_suffix(".sig").read_text(encoding="ascii").strip() or None
        except (OSError, UnicodeDecodeError):
            return None

    def put_thumbnail_tag(self, sha256: str, tag: str) -> bool:
        try:
            _write_atomically(self.thumbnail_path(sha256).with_suffix(".sig"), tag.encode("ascii"),
                              durable=False)
        except OSError:
            return False
        return True

    # --- document pictures: what a certificate prints of a photo, signed (services/document_pictures.py)

    def picture_path(self, sha256: str, name: str) -> Path:
        """`name` says how the picture was made from photo `sha256` (a digest of its recipe, a suffix)."""
        return self.root / "pictures" / sha256[:2] / f"{sha256}.{name}"

    def read_picture(self, sha256: str, name: str) -> bytes | None:
        try:
            return self.picture_path(sha256, name).read_bytes() or None
        except OSError:
            return None

    def put_picture(self, sha256: str, name: str, data: bytes) -> bool:
        """Best effort, like thumbnails: a full or read-only store only costs the next document time."""
        try:
            _write_atomically(self.picture_path(sha256, name), data, durable=False)
        except OSError:
            return False
        return True

    def pictures(self) -> Iterator[tuple[str, str]]:
        """(photo hash, name) of every cached document picture."""
        folder = self.root / "pictures"
        if not folder.is_dir():
            return
        for entry in sorted(folder.glob("*/*")):
            sha256, _, name = entry.name.partition(".")
            if len(sha256) == 64 and name:
                yield sha256, name

    def check(self, sha256: str) -> str | None:
        """None when the stored file still hashes to its name, else what is wrong with it."""
        path = self.path_for(sha256)
        if not path.is_file():
            return "missing"
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        return None if digest.hexdigest() == sha256 else "content does not match its hash"


def _write_atomically(target: Path, data: bytes, *, durable: bool) -> None:
    """Readers never see half a file. `durable` also syncs to disk and makes the file read-only
    (photos are evidence; a cache is not)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    atomicfile.replace(target, data, 0o444 if durable else 0o600, durable=durable)


def _explain(exc: OSError, root: Path) -> str:
    if exc.errno == errno.ENOSPC:
        return "The disk is full: the photo was not saved. Free some space and capture again."
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"The photo store at {root} is not writable; the photo was not saved."
    return f"The photo store at {root} cannot be reached ({exc.strerror}); the photo was not saved."
