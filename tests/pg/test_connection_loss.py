"""The database goes away mid-inspection: the photo stays on disk, one sentence, retry, nothing twice."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from inspector.config import Settings, load_settings
from inspector.errors import StorageUnavailable
from inspector.security.roles import Actor, Role
from inspector.services.integrity import verify_integrity
from inspector.services.station import StationServices, open_station
from inspector.storage.models import AuditEvent, Photo, StepResult
from tests.postgres_server import PostgresServer

pytestmark = pytest.mark.postgres
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def station(own_server: PostgresServer, test_settings: Settings) -> Iterator[StationServices]:
    if not own_server.running:
        own_server.start()
    settings = test_settings.with_changes(database_url=own_server.create_database())
    services = open_station(settings)
    yield services
    services.close()


@pytest.fixture
def alex(station: StationServices) -> Actor:
    station.users.create_first_admin("Ada", "9999", "B-9")
    admin = station.users.login("B-9", "9999")
    station.users.create_user(admin, "Alex", "1234", Role.AUTHENTICATOR, "B-1")
    return station.users.login("B-1", "1234")


def _one_sentence(exc: BaseException) -> str:
    text = str(exc)
    assert "\n" not in text and text.endswith(".")
    assert "database" in text.lower()
    return text


def _counts(station: StationServices) -> tuple[int, int, int]:
    with station.ctx.db.read() as session:
        return (session.scalar(select(func.count()).select_from(Photo)) or 0,
                session.scalar(select(func.count()).select_from(StepResult)) or 0,
                session.scalar(select(func.count()).select_from(AuditEvent)) or 0)


def test_server_down_keeps_the_photo_and_a_retry_records_it_once(
        own_server: PostgresServer, station: StationServices, alex: Actor, photo_bytes: bytes) -> None:
    inspections = station.inspections
    inspection_id = inspections.start_or_resume(alex, "LOSS-1", style_code="TR1000-001").inspection.id
    before = _counts(station)
    own_server.stop()
    try:
        with pytest.raises(StorageUnavailable) as lost:
            inspections.add_photo(alex, inspection_id, "box-label", photo_bytes, client_ref="cap-1")
        _one_sentence(lost.value)
        # The photo the user just took is safe on disk, waiting for the retry.
        import hashlib
        assert station.ctx.photos.exists(hashlib.sha256(photo_bytes).hexdigest())
        with pytest.raises(StorageUnavailable):
            inspections.record_step(alex, inspection_id, "box-label", "pass", value="TR1000-001",
                                    client_ref="res-1")
        # Retrying while still down fails the same clear way, and does not wedge the station.
        with pytest.raises(StorageUnavailable):
            inspections.add_photo(alex, inspection_id, "box-label", photo_bytes, client_ref="cap-1")
    finally:
        own_server.start()
    first = inspections.add_photo(alex, inspection_id, "box-label", photo_bytes, client_ref="cap-1")
    again = inspections.add_photo(alex, inspection_id, "box-label", photo_bytes, client_ref="cap-1")
    inspections.record_step(alex, inspection_id, "box-label", "pass", value="TR1000-001", client_ref="res-1")
    inspections.record_step(alex, inspection_id, "box-label", "pass", value="TR1000-001", client_ref="res-1")
    assert first.id == again.id
    assert _counts(station) == (before[0] + 1, before[1] + 1, before[2] + 2)
    assert verify_integrity(station.ctx).ok


def test_backends_killed_between_calls_reconnect_quietly(
        own_server: PostgresServer, station: StationServices, alex: Actor, photo_bytes: bytes) -> None:
    inspections = station.inspections
    inspection_id = inspections.start_or_resume(alex, "LOSS-2", style_code="TR1000-001").inspection.id
    assert own_server.terminate_backends(station.ctx.settings.database_url) >= 1
    # The pool checks a connection before use, so a cut between calls costs the user nothing.
    inspections.add_photo(alex, inspection_id, "box-label", photo_bytes, client_ref="cap-2")
    assert _counts(station)[0] == 1


def _cut_once_at(station: StationServices, server: PostgresServer, statement_start: str) -> list[bool]:
    """Kill this station's backends the first time it sends a statement starting with `statement_start`."""
    fired: list[bool] = []

    def cut(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if not fired and statement.lstrip().upper().startswith(statement_start):
            fired.append(True)
            server.terminate_backends(station.ctx.settings.database_url)

    event.listen(station.ctx.db.engine, "before_cursor_execute", cut)
    return fired


@pytest.mark.parametrize("call", ["add_photo", "record_step", "finish"])
def test_backend_killed_inside_the_transaction(
        own_server: PostgresServer, station: StationServices, alex: Actor, photo_bytes: bytes,
        call: str) -> None:
    """The connection dies after the row is written but before the audit event: all or nothing."""
    inspections = station.inspections
    inspection_id = inspections.start_or_resume(alex, f"LOSS-{call}", style_code="TR1000-001").inspection.id
    if call == "finish":
        for step in ("box-label", "size-tag"):
            inspections.add_photo(alex, inspection_id, step, photo_bytes, client_ref=f"{call}-{step}")
        for step in ("box-label", "size-tag", "stitching", "smell"):
            inspections.record_step(alex, inspection_id, step, "pass",
                                    value="TR1000-001" if step in ("box-label", "size-tag") else None)
    actions = {
        "add_photo": lambda: inspections.add_photo(alex, inspection_id, "box-label", photo_bytes,
                                                   client_ref="cut-photo"),
        "record_step": lambda: inspections.record_step(alex, inspection_id, "smell", "pass",
                                                       client_ref="cut-step"),
        "finish": lambda: inspections.finish(alex, inspection_id),
    }
    before = _counts(station)
    fired = _cut_once_at(station, own_server, "INSERT INTO AUDIT_EVENTS")
    with pytest.raises(StorageUnavailable) as lost:
        actions[call]()
    assert fired
    _one_sentence(lost.value)
    assert _counts(station) == before  # rolled back whole: no row without its audit event
    assert inspections.get(alex, inspection_id).status == "open"
    actions[call]()
    actions[call]() if call != "finish" else None
    after = _counts(station)
    assert after[:2] == (before[0] + (call == "add_photo"), before[1] + (call == "record_step"))
    if call == "finish":
        assert inspections.get(alex, inspection_id).status == "finished"
    assert verify_integrity(station.ctx).ok


def test_cli_with_the_database_down_says_one_line(tmp_path: Path) -> None:
    with socket_closed_port() as port:
        env = {"INSPECTOR_HOME": str(tmp_path),
               "INSPECTOR_DATABASE_URL": f"postgresql+psycopg://nobody@127.0.0.1:{port}/gone",
               "PATH": "/usr/bin:/bin"}
        result = subprocess.run([sys.executable, "-m", "inspector.cli.main", "inspections", "list",
                                     "--as", "B-1", "--pin", "1234"],
                                cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("inspector: The database cannot be reached"), result.stderr


def socket_closed_port() -> _ClosedPort:
    return _ClosedPort()


class _ClosedPort:
    """A loopback port nothing listens on (bound then released)."""

    def __enter__(self) -> int:
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            return int(sock.getsockname()[1])

    def __exit__(self, *_exc: object) -> None:
        return None


_ = load_settings  # settings come from the services conftest (test_settings)
