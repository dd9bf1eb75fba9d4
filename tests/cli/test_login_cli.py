"""Commands that change or reveal records need --as/--pin with the right role; prints name who printed."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from inspector.cli.main import main
from inspector.config import load_settings
from tests.cli.test_records_cli import demo_home, demo_template  # noqa: F401

ADMIN = ["--as", "B-9001", "--pin", "9999"]
SUPERVISOR = ["--as", "B-2001", "--pin", "3456"]
ALEX = ["--as", "B-1001", "--pin", "1234"]


def _passed(capsys: pytest.CaptureFixture[str]) -> int:
    capsys.readouterr()
    assert main(["inspections", "list", "--verdict", "pass", "--json", *SUPERVISOR]) == 0
    return int(json.loads(capsys.readouterr().out)[0]["id"])


def _events(action: str) -> list[tuple[int | None, dict[str, object]]]:
    path = load_settings().database_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as raw:
        rows = raw.execute("SELECT actor_id, data FROM audit_events WHERE action = ? ORDER BY seq", (action,))
        return [(actor, json.loads(data)) for actor, data in rows]


def test_users_list_needs_an_admin(demo_home: Path, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    with pytest.raises(SystemExit):  # no --as: argparse refuses before anything is read
        main(["users", "list"])
    capsys.readouterr()
    assert main(["users", "list", *SUPERVISOR]) == 2
    assert "Morgan Supervisor (supervisor) may not manage users" in capsys.readouterr().err
    assert main(["users", "list", *ADMIN]) == 0
    assert "B-1001" in capsys.readouterr().out


def test_a_locked_badge_is_unlocked_by_an_admin(demo_home: Path,  # noqa: F811
                                               capsys: pytest.CaptureFixture[str]) -> None:
    for _ in range(5):
        assert main(["users", "list", "--as", "B-1001", "--pin", "0000"]) == 2
    assert "Too many wrong PINs: B-1001 is locked" in capsys.readouterr().err
    assert main(["users", "list", *ADMIN]) == 0
    assert "(locked until" in capsys.readouterr().out
    assert main(["users", "unlock", "B-1001", *ALEX]) == 2  # still locked, and not an admin anyway
    assert main(["users", "unlock", "B-1001", *ADMIN]) == 0
    assert "unlocked Alex Authenticator" in capsys.readouterr().out
    passed = _passed(capsys)
    out = demo_home / "cert.pdf"
    assert main(["print", "certificate", str(passed), "-o", str(out), *ALEX]) == 0


def test_printing_needs_a_login_and_records_who_printed(
    demo_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    passed = _passed(capsys)
    out, tag = tmp_path / "cert.pdf", tmp_path / "tag.pdf"
    with pytest.raises(SystemExit):
        main(["print", "certificate", str(passed), "-o", str(out)])
    assert main(["print", "certificate", str(passed), "-o", str(out), "--as", "B-1001", "--pin", "1111"]) == 2
    assert not out.exists()
    assert _events("certificate.exported") == []
    monkeypatch.setenv("INSPECTOR_PIN", "3456")  # the PIN kept out of the command line
    assert main(["print", "certificate", str(passed), "-o", str(out), "--as", "B-2001"]) == 0
    assert main(["print", "tag", str(passed), "-o", str(tag), "--as", "B-2001"]) == 0
    [(certificate_by, certificate)] = _events("certificate.exported")
    [(tag_by, tag_event)] = _events("certificate.tag_exported")
    assert certificate["by"] == tag_event["by"] == "Morgan Supervisor"
    assert certificate_by == tag_by is not None
    users = sqlite3.connect(load_settings().database_url.removeprefix("sqlite:///"))
    with users:
        [(name,)] = users.execute("SELECT name FROM users WHERE id = ?", (certificate_by,))
    users.close()
    assert name == "Morgan Supervisor"


def test_trust_and_status_at_a_station_need_the_right_role(
    demo_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],  # noqa: F811
) -> None:
    trust_file = tmp_path / "trust.json"
    assert main(["keys", "export", "-o", str(trust_file)]) == 0  # public: no login
    capsys.readouterr()
    assert main(["keys", "import", str(trust_file)]) == 2
    assert "Log in with --as BADGE --pin PIN" in capsys.readouterr().err
    assert main(["keys", "import", str(trust_file), *SUPERVISOR]) == 2
    assert "may not manage keys" in capsys.readouterr().err
    # The admin gets past the login: what is refused now is the file (this deployment's own).
    main(["keys", "import", str(trust_file), *ADMIN])
    refused = capsys.readouterr().err
    assert "may not" not in refused and "Log in" not in refused
    status = tmp_path / "status.json"
    with pytest.raises(SystemExit):
        main(["status", "export", "-o", str(status)])
    assert main(["status", "export", "-o", str(status), *ALEX]) == 2
    assert not status.exists()
    assert main(["status", "export", "-o", str(status), *SUPERVISOR]) == 0
    assert status.stat().st_size > 0


def test_a_supervisor_takes_over_an_open_inspection(
    demo_home: Path, capsys: pytest.CaptureFixture[str],  # noqa: F811
) -> None:
    from inspector.services.station import open_station

    station = open_station(load_settings())
    try:
        alex = station.users.login("B-1001", "1234")
        style = next(s.code for c in station.ctx.library.all() for s in c.checklist.registry.style_codes)
        held = station.inspections.start_or_resume(alex, "HELD-1", style_code=style).inspection.id
    finally:
        station.close()
    reason = ["--reason", "Alex went home"]
    assert main(["inspections", "take-over", str(held), *reason, "--as", "B-1002", "--pin", "2345"]) == 2
    assert "may not take over inspections" in capsys.readouterr().err
    assert main(["inspections", "take-over", str(held), *reason, *SUPERVISOR]) == 0
    assert "now held by Morgan Supervisor" in capsys.readouterr().out
    [(actor, data)] = _events("inspection.taken_over")
    assert data["reason"] == "Alex went home" and data["to"] == actor and data["from"] != actor
    assert main(["audit", "verify"]) == 0  # the replayed tables agree with the log
