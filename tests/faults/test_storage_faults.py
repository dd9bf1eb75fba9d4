"""Disk full, photo store gone, malformed checklists, an old database: clear errors, nothing half-done."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from inspector.config import Settings
from inspector.errors import ChecklistInvalid, StorageUnavailable
from inspector.security.roles import Actor
from inspector.services.station import StationServices, open_station
from inspector.storage import migrate
from inspector.storage.database import Database
from inspector.storage.models import AuditEvent, Photo
from tests.services.conftest import CHECKLIST

REPO = Path(__file__).resolve().parents[2]


def _recorded(services: StationServices) -> tuple[int, int]:
    with services.ctx.db.read() as session:
        return (session.scalar(select(func.count()).select_from(Photo)) or 0,
                session.scalar(select(func.count()).select_from(AuditEvent)) or 0)


@contextlib.contextmanager
def tiny_disk(folder: Path, size: str = "512k") -> Iterator[bool]:
    """A real small filesystem (tmpfs) at `folder` when mounting is allowed; yields whether it is real."""
    folder.mkdir(parents=True, exist_ok=True)
    mount = ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)]
    mounted = os.geteuid() == 0 and subprocess.run(mount, capture_output=True).returncode == 0
    try:
        yield mounted
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def _fill(folder: Path, leave: int) -> Path:
    """Fill the filesystem at `folder` until fewer than `leave` bytes remain."""
    filler = folder / "filler.bin"
    with filler.open("wb") as handle:
        try:
            while os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize > leave:
                handle.write(b"\0" * 4096)
                handle.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    return filler


def test_disk_full_while_saving_a_photo(services: StationServices, people: dict[str, Actor],
                                        photo_bytes: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    alex = people["alex"]
    started = services.inspections.start_or_resume(alex, "FULL-1", style_code="TR1000-001")
    inspection_id = started.inspection.id
    store = services.ctx.photos.root
    with tiny_disk(store) as real:
        if real:
            filler = _fill(store, leave=len(photo_bytes) // 4)
        else:  # no mount allowed here: the same ENOSPC from the write itself
            def full(*_args: object, **_kwargs: object) -> None:
                raise OSError(errno.ENOSPC, "No space left on device")
            monkeypatch.setattr(os, "fsync", full)
        before = _recorded(services)
        with pytest.raises(StorageUnavailable, match="disk is full") as refused:
            services.inspections.add_photo(alex, inspection_id, "box-label", photo_bytes, client_ref="full-1")
        assert "\n" not in str(refused.value)
        assert _recorded(services) == before  # no row for a photo that is not on disk
        assert not list(store.rglob(".incoming-*"))  # no half-written file left behind
        assert not services.ctx.photos.exists(hashlib.sha256(photo_bytes).hexdigest())
        if real:
            filler.unlink()
        else:
            monkeypatch.undo()
        # Space freed: the same capture, retried, is stored and recorded once.
        first = services.inspections.add_photo(alex, inspection_id, "box-label", photo_bytes,
                                               client_ref="full-1")
        again = services.inspections.add_photo(alex, inspection_id, "box-label", photo_bytes,
                                               client_ref="full-1")
        assert first.id == again.id and _recorded(services)[0] == before[0] + 1
        assert services.ctx.photos.check(first.sha256) is None


def test_photo_store_unreachable_at_start(test_settings: Settings, tmp_path: Path) -> None:
    """The shared photo folder is an unmounted share (a dangling link) when the station opens."""
    link = tmp_path / "photos-link"
    link.symlink_to(tmp_path / "mnt" / "photos")
    with pytest.raises(StorageUnavailable, match="photos-link cannot be created or reached") as refused:
        open_station(test_settings.with_changes(photo_dir=link))
    assert "\n" not in str(refused.value)


def test_photo_store_lost_mid_inspection(services: StationServices, people: dict[str, Actor],
                                         photo_bytes: bytes, tmp_path: Path) -> None:
    """The share goes away after the station opened: say so, record nothing; it comes back, retry once."""
    alex = people["alex"]
    started = services.inspections.start_or_resume(alex, "GONE-1", style_code="TR1000-001")
    inspection_id = started.inspection.id
    store = services.ctx.photos.root
    away = tmp_path / "unmounted"
    store.rename(away)
    store.symlink_to(tmp_path / "mnt" / "photos")  # the mount point of a share that is not there
    before = _recorded(services)
    with pytest.raises(StorageUnavailable, match="photo store .* cannot be reached") as refused:
        services.inspections.add_photo(alex, inspection_id, "box-label", photo_bytes, client_ref="gone-1")
    assert "\n" not in str(refused.value)
    assert _recorded(services) == before
    store.unlink()
    away.rename(store)
    services.inspections.add_photo(alex, inspection_id, "box-label", photo_bytes, client_ref="gone-1")
    services.inspections.add_photo(alex, inspection_id, "box-label", photo_bytes, client_ref="gone-1")
    assert _recorded(services)[0] == before[0] + 1


MALFORMED = {
    "not-yaml.yaml": "id: [unclosed\nsteps: {\n",
    "a-list.yaml": "- just\n- a list\n",
    "empty.yaml": "",
    "no-steps.yaml": "id: nosteps\nbrand: X\nmodel: Y\ncategory: bags\nversion: 1\npatterns: ['X\\\\d+']\n",
    "bad-severity.yaml": CHECKLIST.replace("severity: critical", "severity: apocalyptic"),
    "bad-pattern.yaml": CHECKLIST.replace('patterns: ["TR', 'patterns: ["((TR'),
    "missing-reference.yaml": CHECKLIST.replace("references/test/label.png", "references/nowhere.png"),
    "binary.yaml": "\x00\x01\x02\xff",
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_checklist_is_named_in_one_message(test_settings: Settings, name: str) -> None:
    folder = test_settings.checklists_dir / "broken"
    folder.mkdir()
    (folder / name).write_text(MALFORMED[name], encoding="utf-8", errors="surrogateescape")
    with pytest.raises(ChecklistInvalid) as refused:
        open_station(test_settings).close()
    assert name in str(refused.value)
    assert "\n" not in str(refused.value)


def test_malformed_checklist_through_the_cli_is_one_line(test_settings: Settings) -> None:
    (test_settings.checklists_dir / "broken.yaml").write_text("id: [unclosed\n")
    env = {**os.environ, "INSPECTOR_HOME": str(test_settings.home),
           "INSPECTOR_CHECKLISTS_DIR": str(test_settings.checklists_dir),
           "INSPECTOR_ASSETS_DIR": str(test_settings.assets_dir)}
    result = subprocess.run([sys.executable, "-m", "inspector.cli.main", "inspections", "list",
                             "--as", "B-1", "--pin", "1234"],
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "broken.yaml" in result.stderr


def _oldest_revision() -> str:
    from alembic.script import ScriptDirectory

    revisions = list(ScriptDirectory.from_config(migrate.alembic_config()).walk_revisions())
    return revisions[-1].revision


def _old_database(url: str) -> None:
    """A database at the oldest migration (or empty when there is only one), as an old station left it."""
    db = Database(url)
    oldest = _oldest_revision()
    if oldest != migrate.head_revision():
        migrate.upgrade(db.engine, oldest)
    else:
        db.engine.connect().close()  # creates the empty SQLite file: a database never migrated
    db.dispose()


# An old database full of work upgraded when a station opens: test_old_database_upgrade.py.


def test_inspector_db_upgrade_says_what_it_did(test_settings: Settings) -> None:
    _old_database(test_settings.database_url)
    env = {**os.environ, "INSPECTOR_HOME": str(test_settings.home)}
    command = [sys.executable, "-m", "inspector.cli.main", "db", "upgrade"]
    first = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip().startswith(f"database at revision {migrate.head_revision()} (was ")
    again = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert again.stdout.strip() == (f"database at revision {migrate.head_revision()}; "
                                    "planner statistics refreshed")
