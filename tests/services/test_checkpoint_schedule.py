"""The station's own checkpoints: after every certificate, and on its timer when the log grew."""

from __future__ import annotations

from inspector.security.roles import Role
from inspector.services.checkpoint_schedule import CheckpointTimer
from inspector.services.station import StationServices


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
