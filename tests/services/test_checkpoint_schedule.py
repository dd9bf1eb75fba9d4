"""The station's own checkpoints: after every certificate, and on its timer when the log grew."""

from __future__ import annotations

import threading

import pytest

from inspector.config import Settings
from inspector.errors import InvalidState
from inspector.security.roles import Role
from inspector.services import checkpoint_schedule
from inspector.services.checkpoint_schedule import CERTIFICATE_ISSUED, CheckpointTimer
from inspector.services.checkpoints import write_checkpoint
from inspector.services.integrity import verify_integrity
from inspector.services.station import StationServices, open_station
from inspector.storage import migrate
from inspector.storage.audit import append_event
from inspector.storage.database import Database


def _files(services: StationServices) -> list[str]:
    return sorted(p.name for p in services.ctx.settings.checkpoints_path.glob("cp-*.txt"))


def test_the_timer_writes_only_when_the_log_grew(services: StationServices) -> None:
    timer = CheckpointTimer(services.ctx)
    services.users.create_first_admin("Ada", "9999", "B-9")
    assert timer.tick()
    first = _files(services)
    assert len(first) == 1
    assert not timer.tick()  # nothing new: no second checkpoint
    admin = services.users.login("B-9", "9999")
    services.users.create_user(admin, "Alex", "1234", Role.AUTHENTICATOR, "B-1")
    assert timer.tick()
    assert len(_files(services)) == 2 and first[0] in _files(services)
    latest = (services.ctx.settings.checkpoints_path / "latest.txt").read_text()
    assert latest == (services.ctx.settings.checkpoints_path / _files(services)[-1]).read_text()


def test_events_from_before_signing_do_not_stop_checkpoints_but_a_later_unsigned_one_does(
        test_settings: Settings) -> None:
    old = Database(test_settings.database_url)  # an upgraded database: its old events carry no signature
    migrate.upgrade(old.engine)
    for number in range(3):
        with old.transaction() as session:
            append_event(session, action="old.event", entity="thing", entity_id=number, actor_id=None)
    old.dispose()
    station = open_station(test_settings)
    try:
        assert write_checkpoint(station.ctx).checkpoint.size >= 3
        assert verify_integrity(station.ctx).ok
        station.ctx.db.set_audit_signer(None)  # now an unsigned event after signed ones: forged
        with station.ctx.db.transaction() as session:
            append_event(session, action="review.overturn", entity="inspection", entity_id=1, actor_id=None)
        with pytest.raises(InvalidState, match=r"\(review.overturn\) is not signed by any station"):
            write_checkpoint(station.ctx)
    finally:
        station.close()


def _issue_certificate(services: StationServices) -> int:
    """A committed transaction that issued a certificate, as far as the checkpoint hook sees it."""
    with services.ctx.db.transaction() as session:
        return append_event(session, action=CERTIFICATE_ISSUED, entity="certificate", entity_id="T-1",
                            actor_id=None).seq


def _latest_size(services: StationServices) -> int:
    latest = services.ctx.settings.checkpoints_path / "latest.txt"
    return int(latest.read_text().splitlines()[1]) if latest.exists() else 0


def test_a_certificates_checkpoint_is_signed_off_the_callers_thread_and_covers_it(
        services: StationServices, monkeypatch: pytest.MonkeyPatch) -> None:
    writer = services.checkpoints
    assert writer is not None
    release, writing, sizes = threading.Event(), threading.Event(), []

    def slow_write(ctx: object) -> None:  # the real write, held back until the test lets it go
        writing.set()
        assert release.wait(30)
        sizes.append(write_checkpoint(services.ctx).checkpoint.size)

    monkeypatch.setattr(checkpoint_schedule, "write_checkpoint", slow_write)
    first = _issue_certificate(services)  # returns although its checkpoint is not written yet
    assert writing.wait(30) and _latest_size(services) == 0
    second = _issue_certificate(services)  # committed while the first checkpoint is being written
    third = _issue_certificate(services)
    release.set()
    writer.wait(30)
    # The first write may have read the log before the later commits: one more write covers both.
    assert len(sizes) == 2 and sizes[0] >= first and sizes[1] >= third > second
    assert _latest_size(services) >= third


def test_closing_the_station_waits_for_a_pending_checkpoint(test_settings: Settings) -> None:
    station = open_station(test_settings)
    seq = _issue_certificate(station)
    station.close()  # a command that issued a certificate exits with its checkpoint written
    assert _latest_size(station) >= seq
