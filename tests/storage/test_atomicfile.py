"""The one atomic-write helper: whole files or none, exclusive create, exact modes, no leftovers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from inspector import atomicfile


def test_write_new_creates_once_and_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "key.pem"
    assert atomicfile.write_new(path, b"first", 0o600)
    assert not atomicfile.write_new(path, b"second", 0o600)
    assert path.read_bytes() == b"first"
    assert path.stat().st_mode & 0o777 == 0o600
    assert os.listdir(tmp_path) == ["key.pem"]  # no temporary file left


def test_replace_puts_the_whole_new_file_with_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "out.pdf"
    path.write_bytes(b"old")
    old_umask = os.umask(0o077)  # the mode asked for wins over the umask
    try:
        atomicfile.replace(path, b"new contents", 0o644)
    finally:
        os.umask(old_umask)
    assert path.read_bytes() == b"new contents"
    assert path.stat().st_mode & 0o777 == 0o644
    atomicfile.replace(path, b"cache", 0o600, durable=False)
    assert path.read_bytes() == b"cache"
    assert os.listdir(tmp_path) == ["out.pdf"]


def test_a_failed_replace_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "folder-in-the-way"
    (path / "inside").mkdir(parents=True)  # renaming a file over a non-empty folder fails
    with pytest.raises(OSError):
        atomicfile.replace(path, b"data")
    assert sorted(os.listdir(tmp_path)) == ["folder-in-the-way"]
    assert (path / "inside").is_dir()
