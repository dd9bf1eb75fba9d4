"""`audit verify` while a station writes: the log and the tables are read from one snapshot, so a
user added between reading the events and reading the tables is not named as unexplained."""

from __future__ import annotations

import threading

import pytest

from inspector.security.roles import Actor, Role
from inspector.services import replay
from inspector.services.integrity import verify_integrity
from inspector.services.station import StationServices


def test_a_row_committed_while_verify_runs_is_not_unexplained(
        services: StationServices, people: dict[str, Actor], monkeypatch: pytest.MonkeyPatch) -> None:
    compare = replay.Replay.compare

    def compare_after_a_station_wrote(self: replay.Replay, session: object, *args: object) -> object:
        # Another station adds a user (its row and its event commit together) after verify read
        # the events and before it reads the tables. A thread: its own connection and transaction.
        writer = threading.Thread(target=services.users.create_user,
                                  args=(people["admin"], "Late", "5678", Role.AUTHENTICATOR, "B-7"))
        writer.start()
        writer.join()
        return compare(self, session, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(replay.Replay, "compare", compare_after_a_station_wrote)
    report = verify_integrity(services.ctx)
    assert report.ok, report.lines()
    monkeypatch.undo()
    assert "Late" in {user.name for user in services.users.list_users(people["admin"])}
    assert verify_integrity(services.ctx).ok  # and the next run sees it, explained
