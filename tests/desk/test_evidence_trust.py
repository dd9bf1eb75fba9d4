"""Evidence bundles are valid only when signed by a key the checking computer trusts."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest

from inspector.cli.main import main
from inspector.security import keys
from inspector.security.roles import Actor
from inspector.services.evidence import MANIFEST, PUBLIC_KEY, SIGNATURE, build_bundle, verify_bundle
from inspector.services.station import StationServices
from tests.desk.conftest import UNSURE, Finisher


def _resign(data: bytes, forger: keys.SigningKey, *, packed_key: bytes | None = None,
            claimed_key_id: str | None = None) -> bytes:
    """The bundle with invented notes, its manifest rebuilt and signed by `forger`."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        files = {n: source.read(n) for n in source.namelist() if n not in (MANIFEST, SIGNATURE, PUBLIC_KEY)}
        manifest = json.loads(source.read(MANIFEST))
    files["notes.txt"] = b"[stitching] pass: perfect, genuine beyond doubt\n"
    manifest["files"] = {n: hashlib.sha256(d).hexdigest() for n, d in sorted(files.items())}
    manifest["key_id"] = claimed_key_id or forger.key_id
    manifest_bytes = json.dumps(manifest, indent=2, sort_keys=True).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        target.writestr(MANIFEST, manifest_bytes)
        target.writestr(SIGNATURE, base64.b64encode(forger.sign(manifest_bytes)) + b"\n")
        target.writestr(PUBLIC_KEY, packed_key or keys.public_pem(forger.public_key))
        for name, content in files.items():
            target.writestr(name, content)
    return out.getvalue()


@pytest.fixture
def bundle(services: StationServices, people: dict[str, Actor], finished: Finisher) -> bytes:
    return build_bundle(services.ctx, people["morgan"], finished("TRUST-1", UNSURE))


def test_a_bundle_re_signed_with_a_fresh_key_is_invalid(services: StationServices, bundle: bytes) -> None:
    trusted = keys.trusted_keys(services.ctx.settings.keys_dir)
    own = verify_bundle(bundle, trusted)
    assert own.ok and own.trusted and not own.problems
    forger = keys.SigningKey.generate()
    forged = verify_bundle(_resign(bundle, forger), trusted)
    # Internally consistent (the files match a manifest the packed key really signed) yet invalid.
    assert not forged.problems
    assert not forged.ok and not forged.trusted and forged.key_id == forger.key_id
    assert any("does not trust" in line and "inspector keys import" in line for line in forged.lines())
    assert forged.lines()[-1] == "INVALID"
    # Packing the deployment's real public key does not help: its signature must really match.
    deployment_pem = keys.public_pem(keys.load_or_create(services.ctx.settings.keys_dir).public_key)
    posing = verify_bundle(_resign(bundle, forger, packed_key=deployment_pem,
                                   claimed_key_id=own.key_id), trusted)
    assert not posing.ok and any("signature does not match" in p for p in posing.problems)
    # Nor does claiming the deployment's key id while packing one's own key.
    claiming = verify_bundle(_resign(bundle, forger, claimed_key_id=own.key_id), trusted)
    assert not claiming.ok and not claiming.trusted


def _point_cli_at(services: StationServices, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = services.ctx.settings
    monkeypatch.setenv("INSPECTOR_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("INSPECTOR_PHOTO_DIR", str(settings.photo_dir))
    monkeypatch.setenv("INSPECTOR_CHECKLISTS_DIR", str(settings.checklists_dir))
    monkeypatch.setenv("INSPECTOR_ASSETS_DIR", str(settings.assets_dir))


def test_verify_command_exits_1_for_a_forged_bundle_and_0_for_the_deployments_own(
        services: StationServices, bundle: bytes, tmp_path: Path,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    _point_cli_at(services, monkeypatch)
    own, forged = tmp_path / "own.zip", tmp_path / "forged.zip"
    own.write_bytes(bundle)
    forged.write_bytes(_resign(bundle, keys.SigningKey.generate()))
    assert main(["verify", str(own)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "VALID"
    for command in (["verify", str(forged)], ["evidence", "verify", str(forged)]):
        assert main(command) == 1
        out = capsys.readouterr().out
        assert out.splitlines()[-1] == "INVALID"
        assert [line for line in out.splitlines() if "which this computer does not trust" in line]


def test_a_computer_without_its_own_key_trusts_an_imported_public_key(
        services: StationServices, bundle: bytes, tmp_path: Path,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    _point_cli_at(services, monkeypatch)
    public = tmp_path / "deployment-trust.json"
    assert main(["keys", "export", "-o", str(public)]) == 0
    bundle_file = tmp_path / "evidence.zip"
    bundle_file.write_bytes(bundle)
    # A brand's or a court's computer: a fresh data folder, no database, no key of its own.
    court = tmp_path / "court-home"
    for name in ("INSPECTOR_DATABASE_URL", "INSPECTOR_PHOTO_DIR", "INSPECTOR_CHECKLISTS_DIR",
                 "INSPECTOR_ASSETS_DIR"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("INSPECTOR_HOME", str(court))
    capsys.readouterr()
    assert main(["verify", str(bundle_file)]) == 1
    assert "which this computer does not trust" in capsys.readouterr().out
    assert not (court / "keys" / keys.PRIVATE_KEY_FILE).exists()  # verifying made no key of its own
    assert main(["keys", "import", str(public)]) == 0
    assert "now trusted" in capsys.readouterr().out
    assert main(["verify", str(bundle_file)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == "VALID" and "(trusted)" in out
    assert main(["evidence", "verify", str(bundle_file)]) == 0
    # Importing something that is not a trust file is one sentence, exit 2.
    junk = tmp_path / "junk.pem"
    junk.write_text("not a key")
    assert main(["keys", "import", str(junk)]) == 2
    assert "is not JSON (write it with `inspector keys export`)" in capsys.readouterr().err
