"""Evidence bundles (signed, tamper-evident, checked offline) and the desk's command line."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from inspector.cli.main import main
from inspector.errors import BadInput, PermissionDenied
from inspector.security.keys import trusted_keys
from inspector.security.roles import Actor
from inspector.services.evidence import build_bundle, verify_bundle
from inspector.services.station import StationServices
from tests.desk.conftest import UNSURE, Finisher


def _rewrite(data: bytes, name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info.filename, content if info.filename == name else source.read(info.filename))
    return out.getvalue()


def test_evidence_bundle_holds_everything_and_detects_tampering(
        services: StationServices, people: dict[str, Actor], finished: Finisher) -> None:
    inspection_id = finished("EV-1", UNSURE)
    services.reviews.overturn(people["morgan"], inspection_id, "fail", "heel tab is glued")
    data = build_bundle(services.ctx, people["morgan"], inspection_id)
    with zipfile.ZipFile(io.BytesIO(data)) as bundle:
        names = set(bundle.namelist())
        events = json.loads(bundle.read("audit_events.json"))
        steps = json.loads(bundle.read("steps.json"))
        notes = bundle.read("notes.txt").decode()
    assert {"manifest.json", "manifest.sig", "inspection.json", "reviews.json"} <= names
    assert len([n for n in names if n.startswith("photos/")]) == 2
    assert "review.overturn" in {e["action"] for e in events}
    assert steps["results"]["stitching"]["outcome"] == "unsure" and "looks wrong" in notes
    trusted = trusted_keys(services.ctx.settings.keys_dir)
    check = verify_bundle(data, trusted)
    assert check.ok and check.inspection_id == inspection_id and check.files_checked >= 9
    photo = sorted(n for n in names if n.startswith("photos/"))[0]
    altered = verify_bundle(_rewrite(data, photo, b"not the photo"), trusted)
    assert not altered.ok and any(photo in p for p in altered.problems)
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(data)).read("manifest.json"))
    manifest["files"][photo] = "0" * 64
    forged = verify_bundle(_rewrite(data, "manifest.json", json.dumps(manifest).encode()), trusted)
    assert not forged.ok and any("signature" in p for p in forged.problems)
    with pytest.raises(BadInput):
        verify_bundle(b"plain text", trusted)
    with pytest.raises(PermissionDenied):
        build_bundle(services.ctx, people["alex"], inspection_id)


def test_cli_queue_analytics_evidence_and_verify(
        services: StationServices, people: dict[str, Actor], finished: Finisher,
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    inspection_id = finished("CLI-1", UNSURE)
    # The CLI loads settings from the environment: point it at the test station's folders.
    settings = services.ctx.settings
    monkeypatch.setenv("INSPECTOR_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("INSPECTOR_PHOTO_DIR", str(settings.photo_dir))
    monkeypatch.setenv("INSPECTOR_CHECKLISTS_DIR", str(settings.checklists_dir))
    monkeypatch.setenv("INSPECTOR_ASSETS_DIR", str(settings.assets_dir))
    login = ["--as", "B-2", "--pin", "3456"]
    assert main(["queue", *login, "--json"]) == 0
    queue = json.loads(capsys.readouterr().out)
    assert [q["id"] for q in queue] == [inspection_id] and "inconclusive" in queue[0]["reasons"]
    assert main(["queue", "--as", "B-1", "--pin", "1234"]) == 2
    assert "may not review" in capsys.readouterr().err
    assert main(["analytics", *login, "--csv", "--by", "brand"]) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith("brand,Testbrand,1,")
    assert main(["analytics", *login, "--since", "not-a-date"]) == 2
    assert "--since must be a date" in capsys.readouterr().err
    bundle = tmp_path / "evidence.zip"
    assert main(["evidence", "export", str(inspection_id), "-o", str(bundle), *login]) == 0
    capsys.readouterr()
    assert main(["verify", str(bundle)]) == 0
    out = capsys.readouterr().out
    assert "VALID" in out and "trusted" in out
    bundle.write_bytes(_rewrite(bundle.read_bytes(), "notes.txt", b"nothing to see"))
    assert main(["evidence", "verify", str(bundle)]) == 1
    assert "notes.txt was altered" in capsys.readouterr().out
    assert main(["review", str(inspection_id), "overturn", "--verdict", "fail", *login]) == 2
    assert "needs a reason" in capsys.readouterr().err
    overturn = ["review", str(inspection_id), "overturn", "--verdict", "fail"]
    assert main([*overturn, "--reason", "glue", *login]) == 0
    assert "now fail (was inconclusive)" in capsys.readouterr().out
