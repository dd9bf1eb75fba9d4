"""The photo store: once by hash, atomic, never modified, clear errors when the disk fails."""

from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path

import pytest

from inspector.errors import NotFound, StorageUnavailable
from inspector.storage.photostore import PhotoStore


def test_put_stores_once_by_hash(tmp_path: Path) -> None:
    store = PhotoStore(tmp_path / "photos")
    first = store.put(b"jpeg bytes")
    second = store.put(b"jpeg bytes")
    assert first.sha256 == hashlib.sha256(b"jpeg bytes").hexdigest()
    assert not first.already_stored and second.already_stored
    assert store.read(first.sha256) == b"jpeg bytes"
    assert store.check(first.sha256) is None
    assert not os.access(first.path, os.W_OK) or os.geteuid() == 0
    assert oct(first.path.stat().st_mode & 0o777) == "0o444"


def test_check_finds_a_changed_byte(tmp_path: Path) -> None:
    store = PhotoStore(tmp_path / "photos")
    stored = store.put(b"original photo")
    stored.path.chmod(0o644)
    stored.path.write_bytes(b"Original photo")
    assert store.check(stored.sha256) == "content does not match its hash"
    assert store.check("0" * 64) == "missing"


def test_missing_photo_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="missing from the photo store"):
        PhotoStore(tmp_path).read("ab" * 32)


def test_full_disk_keeps_nothing_half_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = PhotoStore(tmp_path / "photos")

    def full(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(StorageUnavailable, match="disk is full"):
        store.put(b"a photo that does not fit")
    leftovers = [p for p in (tmp_path / "photos").rglob("*") if p.is_file()]
    assert leftovers == []


def test_unreachable_store_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the store should be")
    with pytest.raises(StorageUnavailable, match="cannot be reached|not writable"):
        PhotoStore(blocker).put(b"photo")
