"""The records CLI contract: demo, inspections list --json, audit verify naming the broken record."""

from __future__ import annotations

import base64
import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from inspector.cli.main import main
from inspector.config import load_settings
from tests.helpers.insider import drop_sqlite_triggers
from tests.services.conftest import CHECKLIST, make_reference

SUPERVISOR = ["--as", "B-2001", "--pin", "3456"]


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo station per module; each test works on its own copy."""
    root = tmp_path_factory.mktemp("demo")
    checklists = root / "checklists" / "testbrand"
    checklists.mkdir(parents=True)
    (checklists / "runner.yaml").write_text(CHECKLIST)
    make_reference(root / "assets" / "references" / "test" / "label.png")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("INSPECTOR_HOME", str(root / "home"))
        patch.setenv("INSPECTOR_CHECKLISTS_DIR", str(root / "checklists"))
        patch.setenv("INSPECTOR_ASSETS_DIR", str(root / "assets"))
        assert main(["demo", "--inspections", "8"]) == 0
    return root


@pytest.fixture
def demo_home(demo_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "station"
    shutil.copytree(demo_template, copy)
    monkeypatch.setenv("INSPECTOR_HOME", str(copy / "home"))
    monkeypatch.setenv("INSPECTOR_CHECKLISTS_DIR", str(copy / "checklists"))
    monkeypatch.setenv("INSPECTOR_ASSETS_DIR", str(copy / "assets"))
    return copy / "home"


def _db_path() -> str:
    return load_settings().database_url.removeprefix("sqlite:///")


def test_inspections_list_json_contract(demo_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["inspections", "list", "--json", *SUPERVISOR]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 8
    for row in rows:
        assert {"id", "item", "checklist", "verdict", "serial", "finished_at"} <= set(row)
        assert row["checklist"] == "test-runner"
        # None: waiting for a blind review this supervisor has not recorded (docs/desk.md).
        assert row["verdict"] in ("pass", "fail", "inconclusive", None)
    assert any(row["verdict"] for row in rows)
    assert main(["inspections", "list", "--verdict", "fail", "--json", *SUPERVISOR]) == 0
    fails = json.loads(capsys.readouterr().out)
    assert fails and all(row["verdict"] == "fail" for row in fails)
    assert len(fails) < len(rows)
    # An authenticator lists only the inspections they hold; nobody lists without a login.
    assert main(["inspections", "list", "--json", "--as", "B-1001", "--pin", "1234"]) == 0
    own = json.loads(capsys.readouterr().out)
    assert {row["authenticator"] for row in own} == {"Alex Authenticator"}
    assert 0 < len(own) < len(rows)
    with pytest.raises(SystemExit):
        main(["inspections", "list", "--json"])


def test_audit_verify_passes_after_demo(demo_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", "verify"]) == 0
    assert "intact" in capsys.readouterr().out


def test_audit_verify_names_the_altered_event(demo_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with sqlite3.connect(_db_path()) as raw:
        drop_sqlite_triggers(raw)
        seq = raw.execute("SELECT seq FROM audit_events WHERE action = 'step.recorded' "
                          "ORDER BY seq LIMIT 1 OFFSET 3").fetchone()[0]
        raw.execute("UPDATE audit_events SET data = replace(data, 'pass', 'fail') WHERE seq = ?", (seq,))
    capsys.readouterr()
    assert main(["audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert f"audit event #{seq} (step.recorded" in out


def test_audit_verify_names_the_altered_photo(demo_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with sqlite3.connect(_db_path()) as raw:
        query = "SELECT id, sha256 FROM photos ORDER BY id LIMIT 1 OFFSET 5"
        photo_id, sha256 = raw.execute(query).fetchone()
    path = load_settings().photo_dir / sha256[:2] / sha256[2:4] / sha256
    os.chmod(path, 0o644)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    capsys.readouterr()
    assert main(["audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert f"photo {photo_id} ({sha256[:16]}" in out
    assert "content does not match its hash" in out


def test_unknown_verdict_is_one_line(demo_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["inspections", "list", "--verdict", "maybe"])
    assert exit_info.value.code == 2


def test_audit_checkpoint_and_verify_against_it(demo_home: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    held = tmp_path / "held.txt"
    assert main(["audit", "checkpoint", "-o", str(held), "--as", "B-1001", "--pin", "1234"]) == 2
    assert "audit" in capsys.readouterr().err  # an authenticator may not sign checkpoints
    assert main(["audit", "checkpoint", "-o", str(held), "--as", "B-2001", "--pin", "3456"]) == 0
    text = held.read_text()
    origin, size, root, time_line, blank, signature = text.splitlines()
    assert (origin, blank) == ("inspector.local/audit-log", "") and int(size) > 50
    assert len(base64.b64decode(root)) == 32 and time_line.startswith("time ")
    assert signature.startswith("— inspector-")
    capsys.readouterr()
    assert main(["audit", "verify", "--checkpoint", str(held)]) == 0
    assert f"extends the checkpoint of {time_line[5:]} signed {size} events" in capsys.readouterr().out
    # A checkpoint edited by hand no longer carries a valid signature.
    held.write_text(text.replace(f"\n{size}\n", f"\n{int(size) - 1}\n"))
    assert main(["audit", "verify", "--checkpoint", str(held)]) == 1
    assert "is not signed by a key this computer trusts" in capsys.readouterr().out
    held.write_text("not a checkpoint")
    assert main(["audit", "verify", "--checkpoint", str(held)]) == 2
    assert "inspector: The checkpoint held.txt is not a signed checkpoint" in capsys.readouterr().err


def test_the_station_checkpoints_every_certificate(demo_home: Path) -> None:
    """The demo passed items and issued certificates: the command exited only once a checkpoint signed
    after the last certificate was in the folder (certificates committed together may share one)."""
    folder = load_settings().checkpoints_path
    files = sorted(folder.glob("cp-*.txt"))
    assert files and (folder / "latest.txt").read_text() == files[-1].read_text()
    with sqlite3.connect(_db_path()) as raw:
        last_certificate = raw.execute(
            "SELECT max(seq) FROM audit_events WHERE action = 'certificate.issued'").fetchone()[0]
    assert last_certificate and int(files[-1].read_text().splitlines()[1]) >= last_certificate
