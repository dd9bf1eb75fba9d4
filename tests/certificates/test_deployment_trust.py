"""One deployment trust: two stations, one database, a verifier elsewhere; voids, rotation, revocation.

Stations are real (own data folders, one SQLite or PostgreSQL database); tags are rendered at 203 dpi
and their QR codes decoded by zxing-cpp; the verifier is the `inspector` command on a third data folder
that only imported files.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from inspector.cli.main import main
from inspector.config import Settings, load_settings
from inspector.errors import InvalidState
from inspector.security import keys, payload
from inspector.security.roles import Actor
from inspector.services.station import StationServices, open_station
from tests.certificates.conftest import decode, render_png
from tests.certificates.test_payload import make_deployment
from tests.certificates.test_service import ALL_PASS, _finish


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def settings(request: pytest.FixtureRequest, home: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    if request.param == "postgres":
        monkeypatch.setenv("INSPECTOR_DATABASE_URL", request.getfixturevalue("pg_url"))
    monkeypatch.setenv("INSPECTOR_DEPLOYMENT_PREFIX", "ACME")
    return load_settings()


@pytest.fixture
def bench2(test_settings: Settings, services: StationServices, tmp_path: Path) -> Iterator[StationServices]:
    """A second station: its own data folder (keys, photos), the same database."""
    folder = tmp_path / "bench-2"
    station = open_station(
        test_settings.with_changes(
            station_name="bench-2", home=folder, keys_dir=folder / "keys", photo_dir=folder / "photos"
        )
    )
    yield station
    station.close()


MORGAN = ("--as", "B-2", "--pin", "3456")  # publishing the status list needs a supervisor's login


class Cli:
    """`inspector` as run on one computer: its data folder, and a station's database if it has one."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
        self.monkeypatch, self.capsys = monkeypatch, capsys

    def at(self, settings: Settings | None, home: Path | None = None) -> Cli:
        for name in list(os.environ):
            if name.startswith("INSPECTOR_"):
                self.monkeypatch.delenv(name)
        if settings is not None:
            self.monkeypatch.setenv("INSPECTOR_HOME", str(settings.home))
            self.monkeypatch.setenv("INSPECTOR_DATABASE_URL", settings.database_url)
            self.monkeypatch.setenv("INSPECTOR_STATION_NAME", settings.station_name)
            self.monkeypatch.setenv("INSPECTOR_CHECKLISTS_DIR", str(settings.checklists_dir))
            self.monkeypatch.setenv("INSPECTOR_ASSETS_DIR", str(settings.assets_dir))
        else:
            assert home is not None
            self.monkeypatch.setenv("INSPECTOR_HOME", str(home))
        return self

    def run(self, *args: str) -> tuple[int, str]:
        self.capsys.readouterr()
        code = main(list(args))
        captured = self.capsys.readouterr()
        return code, captured.out + captured.err


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(monkeypatch, capsys)


def _tag_url(station: StationServices, actor: Actor, inspection_id: int, tmp_path: Path, name: str) -> str:
    """The tag as a thermal printer makes it (203 dpi), its QR read back by zxing-cpp."""
    [png] = render_png(station.certificates.tag(actor, inspection_id, "2x1in"), tmp_path, 203, name)
    url = decode(png)["QRCode"]
    assert url.startswith("https://verify.example.com/#INS2:")
    return url


def _pending(station: StationServices) -> str:
    [view] = [v for v in station.certificates.trust.key_list() if v.state == "pending"]
    return view.kid


def test_two_stations_one_deployment_a_verifier_voids_rotation_and_revocation(
    services: StationServices,
    bench2: StationServices,
    people: dict[str, Actor],
    photo_bytes: bytes,
    tmp_path: Path,
    cli: Cli,
) -> None:
    bench1 = services
    alex = people["alex"]
    alex_2 = bench2.users.login("B-1", "1234")  # a login holds at its own station only
    # bench-2's key is pending: its verdict is recorded, it prints no certificate and says why.
    at_2 = _finish(bench2, alex_2, photo_bytes, "ITEM-B", ALL_PASS)
    with pytest.raises(InvalidState, match="waiting for an admin's approval"):
        bench2.certificates.tag(alex_2, at_2, "2x1in")
    assert bench2.inspections.get(alex_2, at_2).verdict == "pass"
    kid2 = _pending(bench2)
    code, out = cli.at(bench1.ctx.settings).run("keys", "approve", kid2, "--as", "Alex", "--pin", "1234")
    assert code != 0 and "manage keys" in out and "\n" not in out.strip()
    assert cli.run("keys", "approve", kid2, "--as", "B-9", "--pin", "9999")[0] == 0

    at_1 = _finish(bench1, alex, photo_bytes, "ITEM-A", ALL_PASS)
    url_1 = _tag_url(bench1, alex, at_1, tmp_path, "tag-1")
    url_2 = _tag_url(bench2, alex_2, at_2, tmp_path, "tag-2")
    assert payload.decode(url_1).payload.serial.startswith("ACME-")
    # Each bench verifies the other's certificate.
    assert bench2.certificates.verify(url_1).status == "valid"
    result = bench1.certificates.verify(url_2)
    assert result.status == "valid" and result.station == "bench-2"

    # A third computer: only the trust file.
    trust_file = tmp_path / "acme-trust.json"
    assert cli.at(bench1.ctx.settings).run("keys", "export", "-o", str(trust_file))[0] == 0
    verifier = tmp_path / "verifier-home"
    cli.at(None, verifier)
    code, out = cli.run("verify", url_1)
    assert code == 1 and "does not trust" in out
    assert cli.run("keys", "import", str(trust_file))[0] == 0
    for url, station in ((url_1, "bench-1"), (url_2, "bench-2")):
        code, out = cli.run("verify", url)
        assert code == 0 and out.startswith("VALID") and station in out
        assert "valid signature; no status list here, so a void cannot be ruled out" in out

    # An overturn at bench-1; bench-2 exports the status list; the verifier imports it: VOID there.
    bench1.reviews.overturn(people["morgan"], at_1, "fail", "Re-inspect: the heel tab font is wrong.")
    status_file = tmp_path / "status.json"
    assert cli.at(bench2.ctx.settings).run("status", "export", "-o", str(status_file), *MORGAN)[0] == 0
    cli.at(None, verifier)
    assert cli.run("status", "import", str(status_file))[0] == 0
    code, out = cli.run("verify", url_1)
    assert code == 1 and out.startswith("VOID") and "not authentic" in out
    assert "Re-inspect" not in out and "heel" not in out  # never the supervisor's note
    assert f"voided on {datetime.now(UTC).date()}" in out
    code, out = cli.run("verify", url_2)
    assert code == 0 and "status as of " in out and "UTC" in out

    # bench-2 rotates (pending until approved at bench-1, which holds the root key).
    old_key_2 = keys.load_or_create(bench2.ctx.settings.keys_dir)
    assert cli.at(bench2.ctx.settings).run("keys", "rotate", "--as", "B-9", "--pin", "9999")[0] == 0
    code, out = cli.run("keys", "approve", _pending(bench2), "--as", "B-9", "--pin", "9999")
    assert code != 0 and "root key" in out  # bench-2 does not hold it
    new_kid = _pending(bench2)
    assert cli.at(bench1.ctx.settings).run("keys", "approve", new_kid, "--as", "B-9", "--pin", "9999")[0] == 0
    at_2b = _finish(bench2, alex_2, photo_bytes, "ITEM-B2", ALL_PASS)
    url_2b = _tag_url(bench2, alex_2, at_2b, tmp_path, "tag-2b")
    assert payload.decode(url_2b).payload.key_id == new_kid != old_key_2.key_id
    assert not (bench2.ctx.settings.keys_dir / "signing-key.next.pem").exists()
    # bench-1 rotates itself: it holds the root, so the new key signs at once.
    assert cli.run("keys", "rotate", "--as", "B-9", "--pin", "9999")[0] == 0
    at_1b = _finish(bench1, alex, photo_bytes, "ITEM-A2", ALL_PASS)
    url_1b = _tag_url(bench1, alex, at_1b, tmp_path, "tag-1b")
    for url in (url_2, url_2b, url_1b):
        assert bench1.certificates.verify(url).status == "valid"
        assert bench2.certificates.verify(url).status == "valid"
    # The verifier learns the new keys from the next status list, without a new trust file.
    assert cli.at(bench1.ctx.settings).run("status", "export", "-o", str(status_file), *MORGAN)[0] == 0
    cli.at(None, verifier)
    assert cli.run("verify", url_2b)[0] == 1  # not yet known here
    assert cli.run("status", "import", str(status_file))[0] == 0
    for url in (url_2, url_2b, url_1b):
        code, out = cli.run("verify", url)
        assert code == 0 and out.startswith("VALID"), out

    # bench-2's old key is revoked from now on; someone holding it signs a certificate afterwards.
    revoked_at = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=1)
    code, _ = cli.at(bench1.ctx.settings).run(
        "keys", "revoke", old_key_2.key_id, "--at", revoked_at.isoformat(), "--as", "B-9", "--pin", "9999"
    )
    assert code == 0
    genuine = payload.decode(url_2).payload
    forged = payload.encode(
        payload.CertificatePayload(
            **{
                **genuine.__dict__,
                "serial_number": 999,
                "status_index": 999,
                "item_code": "FAKE-1",
                "issued_at": revoked_at + timedelta(minutes=5),
            }
        ),
        old_key_2,
    )
    result = bench1.certificates.verify(forged)
    assert result.status == "invalid" and "revoked" in result.reason
    assert cli.run("status", "export", "-o", str(status_file), *MORGAN)[0] == 0
    cli.at(None, verifier)
    assert cli.run("status", "import", str(status_file))[0] == 0
    code, out = cli.run("verify", forged)
    assert code == 1 and out.startswith("INVALID") and "revoked" in out
    assert cli.run("verify", url_2)[0] == 0  # signed before the revocation: still valid

    # The verifier's data folder has trust and status files, and no key and no database.
    made = sorted(str(p.relative_to(verifier)) for p in verifier.rglob("*") if p.is_file())
    assert made == ["keys/status/ACME.json", "keys/trusted/ACME.json"]


def test_a_verifier_never_creates_a_key_or_a_database(tmp_path: Path, cli: Cli) -> None:
    verifier = tmp_path / "fresh"
    cli.at(None, verifier)
    code, out = cli.run("verify", "https://verify.example.com/#INS2:AAAAAAAA")
    assert code == 1 and out.startswith("INVALID")
    _, _, key = make_deployment("ZED")
    stranger = payload.encode(
        payload.CertificatePayload(
            "ZED", 1, 1, "ITEM", "Brand", "Model", "pass", datetime.now(UTC), key.key_id
        ),
        key,
    )
    code, out = cli.run("verify", stranger)
    assert code == 1 and "does not trust" in out
    assert not verifier.exists()
