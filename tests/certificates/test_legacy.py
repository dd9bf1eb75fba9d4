"""Certificates of format 1 (INS1:, before deployment trust) verify where the root vouches for their key.

The two payloads below were made by the format-1 code itself (git show edbee96^:inspector/security/
payload.py) with the Ed25519 key whose seed is bytes 0..31, as a station printed them before the change.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import update

from inspector.config import Settings
from inspector.errors import BadInput, InvalidState, PermissionDenied
from inspector.security import keys, truststore
from inspector.security.legacy import decode as decode_legacy
from inspector.security.roles import Actor
from inspector.security.statuslist import Void, make_status_file, parse_status_file
from inspector.security.trustlist import Deployment, LegacyKey, Signed, b64url, parse_trust_file
from inspector.security.verification import INVALID, VALID, VOID, verify_code
from inspector.services.legacy_keys import vouch_legacy_key
from inspector.services.station import StationServices
from inspector.services.status import export_status
from inspector.services.verifying import verify_offline
from inspector.storage.models import Certificate, LegacyKeyRecord
from tests.certificates.test_deployment_trust import Cli
from tests.certificates.test_payload import make_deployment
from tests.certificates.test_service import ALL_PASS, _finish

OLD_KEY = keys.SigningKey(Ed25519PrivateKey.from_private_bytes(bytes(range(32))))
# serial 0100000001, ITEM-OLD-1, Testbrand Runner, pass, bench-1, issued 2026-11-26
OLD_1 = ("INS1:$+AWKB3UAR09G%486A$96646646646K967C9BY8YW5*S94W5A/36$C4WEVKE0/D8/32%E1/DAJEYJC:.DT7DTD65$"
         "88J15IUBXBGX0S*0F3K$RKF1E6G56U9PHM2BVEIO*AJBZ7/KVDCCB8NFXB%RN2ZGIMKAEB-S3A:LLDR/61J70VXET9F50")
# serial 0100000002, ITEM-OLD-2, issued 2026-11-27
OLD_2 = ("INS1:$+AWKB3UAR09H%486A$966466466466F67C9BY8YW5*S95W5A/36$C4WEVKE0/D8/32%E1/DAJEYJC:.DT7D2C6C%"
         "CAFC.6FL/A*GPKLA97P389BZ5BBFP*UH.8CGJ.-FJYRYOE45QH885XI++22 2XPMTDDC-RB%A1Y6H8EFFE BL5RKHR7B0")


def _vouched(until: datetime) -> tuple[Deployment, keys.SigningKey]:
    deployment, root, _station_key = make_deployment()
    entry = LegacyKey("ACME", OLD_KEY.key_id, keys.raw_public_bytes(OLD_KEY.public_key), "bench-1", until)
    deployment.add_legacy_key(Signed.make(entry.statement(), root))
    return deployment, root


def test_the_old_format_decodes_as_it_was_printed() -> None:
    old = decode_legacy(OLD_1)
    assert (old.serial, old.item_code, old.brand, old.model, old.station, old.verdict) == (
        "0100000001", "ITEM-OLD-1", "Testbrand", "Runner", "bench-1", "pass")
    assert old.issued_at == datetime(2026, 11, 26, tzinfo=UTC) and old.key_id == OLD_KEY.key_id
    assert old.status_index == 1


def test_an_old_certificate_is_valid_legacy_only_where_the_root_vouched_for_its_key() -> None:
    deployment, _root = _vouched(datetime(2026, 11, 26, 23, 0, tzinfo=UTC))
    result = verify_code(f"  {OLD_1} ", {"ACME": deployment})
    assert result.status == VALID and "legacy format INS1" in result.reason
    assert result.serial == "0100000001" and "0100000001 (legacy format INS1)" in result.describe()
    assert result.station == "bench-1" and result.payload is not None
    assert result.payload.item_code == "ITEM-OLD-1"
    # Not vouched for here (another deployment, or none): INVALID, saying what the issuer does.
    other, _, _ = make_deployment("ZED")
    stranger = verify_code(OLD_1, {"ZED": other})
    assert stranger.status == INVALID and "inspector keys legacy" in stranger.reason
    # Dated after the window the root gave: INVALID.
    late = verify_code(OLD_2, {"ACME": deployment})
    assert late.status == INVALID and "stopped signing" in late.reason
    # One character changed (the verdict letter's neighbourhood, the texts, the signature): INVALID.
    for position in (12, 60, len(OLD_1) - 5):
        altered = OLD_1[:position] + ("A" if OLD_1[position] != "A" else "B") + OLD_1[position + 1:]
        assert verify_code(altered, {"ACME": deployment}).status == INVALID, position
    # A legacy statement not signed by the root does not count.
    forged = LegacyKey("ACME", OLD_KEY.key_id, keys.raw_public_bytes(OLD_KEY.public_key), "bench-1",
                       datetime(2030, 1, 1, tzinfo=UTC))
    clean, _, _ = make_deployment()
    with pytest.raises(BadInput, match="not signed by the deployment's root"):
        clean.add_legacy_key(Signed.make(forged.statement(), OLD_KEY))


def test_a_scanned_old_tag_opens_the_verify_window_not_an_item() -> None:
    from inspector.ui.verify_dialog import is_certificate_code

    assert is_certificate_code(OLD_2) and is_certificate_code(OLD_1)
    assert not is_certificate_code("0100000001") and not is_certificate_code("INS1")


def test_legacy_keys_travel_in_the_trust_file_and_voids_in_the_status_list() -> None:
    deployment, root = _vouched(datetime(2026, 11, 28, tzinfo=UTC))
    imported = parse_trust_file(json.dumps(deployment.to_trust_file()))
    assert verify_code(OLD_2, {"ACME": imported}).status == VALID
    status = parse_status_file(
        make_status_file(deployment, [Void(2, "2026-11-27", "not authentic (overturned on review)")], 2,
                         datetime(2026, 11, 27, 15, 0, tzinfo=UTC), root),
        {"ACME": imported},
    )
    voided = verify_code(OLD_2, {"ACME": imported}, {"ACME": status})
    assert voided.status == VOID and voided.voided_on == "2026-11-27" and "not authentic" in voided.describe()
    fresh = verify_code(OLD_1, {"ACME": imported}, {"ACME": status})
    assert fresh.status == VALID and fresh.status_as_of == datetime(2026, 11, 27, 15, 0, tzinfo=UTC)


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(monkeypatch, capsys)


@pytest.fixture
def test_settings(test_settings: Settings) -> Settings:
    """A station upgraded from format 1: its keys folder holds the key it signed INS1 certificates with."""
    assert keys.write_new_file(test_settings.keys_dir / keys.PRIVATE_KEY_FILE, keys.private_pem(OLD_KEY))
    return test_settings


def test_an_upgraded_station_vouches_for_its_old_key_and_a_verifier_elsewhere_checks_old_certificates(
    services: StationServices, people: dict[str, Actor], photo_bytes: bytes, tmp_path: Path, cli: Cli
) -> None:
    certs = services.certificates
    inspection_id = _finish(services, people["alex"], photo_bytes, "ITEM-OLD-1", ALL_PASS)
    with services.ctx.db.transaction() as session:  # the record as format 1 left it
        session.execute(update(Certificate).where(Certificate.inspection_id == inspection_id)
                        .values(id=1, serial="0100000001", payload=OLD_1))
    before = certs.verify(OLD_1)
    assert before.status == INVALID and "inspector keys legacy" in before.reason
    # An insider with database access adds a legacy key row signed by the old key itself: not the root's.
    with services.ctx.db.read() as session:
        prefix = certs.trust.deployment(session).prefix
    forged = LegacyKey(prefix, OLD_KEY.key_id, keys.raw_public_bytes(OLD_KEY.public_key), "bench-1",
                       datetime(2030, 1, 1, tzinfo=UTC))
    statement = Signed.make(forged.statement(), OLD_KEY)
    with services.ctx.db.transaction() as session:
        session.add(LegacyKeyRecord(kid=OLD_KEY.key_id, station="bench-1", signed_until=forged.signed_until,
                                    statement=statement.text, root_signature=b64url(statement.signature)))
    assert certs.verify(OLD_1).status == INVALID

    with pytest.raises(PermissionDenied, match="manage keys"):
        vouch_legacy_key(certs.trust, people["alex"], OLD_KEY.key_id)
    # The default window ends when the key became this station's certified key (the upgrade).
    admin = ("--as", "B-9", "--pin", "9999")
    code, out = cli.at(services.ctx.settings).run("keys", "legacy", OLD_KEY.key_id, *admin)
    assert code == 0 and f"key {OLD_KEY.key_id} ({services.ctx.station_name})" in out, out
    with pytest.raises(InvalidState, match="already"):
        vouch_legacy_key(certs.trust, people["admin"], OLD_KEY.key_id)
    result = certs.verify(OLD_1)
    assert result.status == VALID and "on record" in result.reason and "legacy format INS1" in result.reason
    assert certs.verify(OLD_2).status == INVALID  # genuine signature, but 0100000002 is not in the records

    # A third computer with only the trust file, then the status list after an overturn.
    verifier = services.ctx.settings.with_changes(
        home=tmp_path / "verifier", keys_dir=tmp_path / "verifier/keys",
        database_url=f"sqlite:///{tmp_path / 'none.db'}")
    truststore.import_trust_file(verifier.keys_dir, certs.trust.trust_file(), "trust.json")
    offline = verify_offline(verifier, OLD_1)
    assert offline.status == VALID and "no status list here" in offline.describe()
    services.reviews.overturn(people["morgan"], inspection_id, "fail", "Re-inspect: old stitching")
    assert certs.verify(OLD_1).status == VOID
    status, _ = export_status(services.ctx)
    truststore.import_status_file(verifier.keys_dir, status, "status.json")
    voided = verify_offline(verifier, OLD_1)
    assert voided.status == VOID and "Re-inspect" not in voided.describe()
