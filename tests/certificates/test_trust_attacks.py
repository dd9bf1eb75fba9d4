"""Two deployments trusting each other, and what an insider with database access or a hostile file can do."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

from inspector.config import Settings
from inspector.errors import BadInput, InvalidState
from inspector.security import keys, payload
from inspector.security.roles import Actor, Role
from inspector.security.statuslist import make_status_file
from inspector.security.trustlist import Signed, b64url, key_entry_for
from inspector.security.truststore import import_status_file, import_trust_file
from inspector.services.station import StationServices, open_station
from inspector.services.status import export_status
from inspector.storage.models import Certificate, SigningKeyRecord
from tests.certificates.test_service import ALL_PASS, _finish
from tests.services.conftest import make_reference


@pytest.fixture
def settings(home: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    from inspector.config import load_settings

    monkeypatch.setenv("INSPECTOR_DEPLOYMENT_PREFIX", "NORTH")
    return load_settings()


@pytest.fixture
def south(test_settings: Settings, tmp_path: Path) -> Iterator[StationServices]:
    """A second deployment: its own database, data folder and prefix, the same checklist."""
    folder = tmp_path / "south"
    make_reference(folder / "assets" / "references" / "test" / "label.png")
    station = open_station(
        test_settings.with_changes(
            home=folder,
            keys_dir=folder / "keys",
            photo_dir=folder / "photos",
            station_name="south-1",
            database_url=f"sqlite:///{folder / 'south.db'}",
            deployment_prefix="SOUTH",
        )
    )
    station.users.create_first_admin("Sam", "5555", "S-9")
    admin = station.users.login("S-9", "5555")
    station.users.create_user(admin, "Sky", "6666", Role.AUTHENTICATOR, "S-1")
    yield station
    station.close()


def _only_certificate(station: StationServices) -> Certificate:
    with station.ctx.db.read() as session:
        rows = session.scalars(select(Certificate).order_by(Certificate.id.desc())).all()
        return rows[0]


def test_two_deployments_trust_each_other_and_no_serial_collides(
    services: StationServices,
    south: StationServices,
    people: dict[str, Actor],
    photo_bytes: bytes,
    tmp_path: Path,
) -> None:
    north = services
    _finish(north, people["alex"], photo_bytes, "SAME-ITEM", ALL_PASS)
    _finish(south, south.users.login("S-1", "6666"), photo_bytes, "SAME-ITEM", ALL_PASS)
    north_row, south_row = _only_certificate(north), _only_certificate(south)
    # Both databases numbered their first certificate 1; the prefixes keep the serials apart.
    assert (north_row.serial, south_row.serial) == ("NORTH-00000001", "SOUTH-00000001")
    north_url, south_url = north.certificates.qr_text(north_row), south.certificates.qr_text(south_row)
    assert north.certificates.verify(south_url).status == "invalid"  # not trusted yet
    import_trust_file(
        north.ctx.settings.keys_dir, south.certificates.trust.trust_file(), "south.json", "NORTH"
    )
    import_trust_file(
        south.ctx.settings.keys_dir, north.certificates.trust.trust_file(), "north.json", "SOUTH"
    )
    for station, url, issuer in ((north, south_url, "SOUTH"), (south, north_url, "NORTH")):
        result = station.certificates.verify(url)
        assert result.status == "valid" and result.payload is not None
        assert result.payload.deployment == issuer and result.status_as_of is None  # no status list yet
    # Each keeps its own records for its own serials: SOUTH-00000001 is not NORTH-00000001.
    assert north.certificates.verify(north_url).status_as_of is not None
    # South's void reaches north through south's status list.
    with south.ctx.db.transaction() as session:
        row = session.get(Certificate, south_row.id)
        assert row is not None
        row.voided_at, row.void_category = datetime.now(UTC), "certificate withdrawn by the issuer"
    import_status_file(north.ctx.settings.keys_dir, export_status(south.ctx)[0], "south-status.json")
    assert north.certificates.verify(south_url).status == "void"
    assert north.certificates.verify(north_url).status == "valid"
    # A third deployment claiming a prefix already trusted is refused: its serials would collide.
    impostor_root = keys.SigningKey.generate()
    from inspector.security.trustlist import deployment_from_statement, deployment_statement

    impostor = deployment_from_statement(deployment_statement("SOUTH", "Not south", impostor_root))
    with pytest.raises(BadInput, match="already uses"):
        import_trust_file(
            north.ctx.settings.keys_dir, json.dumps(impostor.to_trust_file()).encode(), "x.json"
        )
    with pytest.raises(BadInput, match="own deployment"):
        import_trust_file(
            north.ctx.settings.keys_dir, north.certificates.trust.trust_file(), "n.json", "NORTH"
        )


def test_an_insider_adding_a_key_row_signs_nothing_valid(
    services: StationServices, people: dict[str, Actor], photo_bytes: bytes
) -> None:
    _finish(services, people["alex"], photo_bytes, "ITEM-I1", ALL_PASS)
    genuine = _only_certificate(services)
    insider = keys.SigningKey.generate()
    prefix = genuine.serial.split("-")[0]
    entry = key_entry_for(prefix, insider.public_key, "bench-1", datetime(2026, 1, 1, tzinfo=UTC))
    forged_statement = Signed.make(entry.statement(), insider)  # signed by the insider, not the root
    with services.ctx.db.transaction() as session:
        session.add(
            SigningKeyRecord(
                kid=entry.kid,
                public_key=b64url(entry.public_key),
                station="bench-1",
                not_before=entry.not_before,
                statement=forged_statement.text,
                root_signature=b64url(forged_statement.signature),
            )
        )
    forged = payload.encode(
        payload.CertificatePayload(
            prefix,
            99,
            99,
            "FAKE",
            "Testbrand",
            "Runner",
            "pass",
            datetime.now(UTC).replace(microsecond=0),
            insider.key_id,
        ),
        insider,
    )
    result = services.certificates.verify(forged)
    assert result.status == "invalid" and "not certified" in result.reason
    exported = json.loads(services.certificates.trust.trust_file())
    assert insider.key_id not in json.dumps(exported)  # nor does it reach verifiers
    assert {v.kid: v.state for v in services.certificates.trust.key_list()}[insider.key_id] == "pending"


def test_an_insider_cannot_undo_a_revocation(
    services: StationServices, people: dict[str, Actor], photo_bytes: bytes
) -> None:
    trust = services.certificates.trust
    [active] = [v for v in trust.key_list() if v.state == "active"]
    with services.ctx.db.read() as session:
        before = session.get(SigningKeyRecord, active.kid)
        assert before is not None
        old_statement, old_signature = before.statement, before.root_signature
    station_key = keys.load_or_create(services.ctx.settings.keys_dir)
    trust.revoke(people["admin"], active.kid, datetime.now(UTC) - timedelta(minutes=1))
    late = payload.encode(
        payload.CertificatePayload(
            _prefix(services),
            77,
            77,
            "LATE",
            "Testbrand",
            "Runner",
            "pass",
            datetime.now(UTC).replace(microsecond=0),
            station_key.key_id,
        ),
        station_key,
    )
    assert services.certificates.verify(late).status == "invalid"
    with pytest.raises(InvalidState, match="revoked"):
        _finish(services, people["alex"], photo_bytes, "ITEM-R", ALL_PASS)
        services.certificates.tag(people["alex"], _last_inspection(services), "2x1in")
    # Edit the columns, then put back the old, validly signed statement: the station saw the revocation.
    with services.ctx.db.transaction() as session:
        session.execute(
            text(
                "UPDATE signing_keys SET revoked_at = NULL, statement = :s, root_signature = :g "
                "WHERE kid = :k"
            ),
            {"s": old_statement, "g": old_signature, "k": active.kid},
        )
    result = services.certificates.verify(late)
    assert result.status == "invalid" and "revoked" in result.reason


def test_an_insider_swapping_the_root_key_is_refused(services: StationServices) -> None:
    from inspector.security.trustlist import deployment_statement

    insider_root = keys.SigningKey.generate()
    statement = deployment_statement(_prefix(services), "insider", insider_root)
    with services.ctx.db.transaction() as session:
        session.execute(
            text("UPDATE deployments SET root_public_key = :r, statement = :s, signature = :g"),
            {
                "r": b64url(keys.raw_public_bytes(insider_root.public_key)),
                "s": statement.text,
                "g": b64url(statement.signature),
            },
        )
    with pytest.raises(InvalidState, match="different deployment root key"):
        services.certificates.trust.trust_file()


def test_hostile_trust_and_status_files_are_one_sentence(services: StationServices, tmp_path: Path) -> None:
    keys_dir = tmp_path / "verifier-keys"
    trust = json.loads(services.certificates.trust.trust_file())
    status = json.loads(export_status(services.ctx)[0])
    with pytest.raises(BadInput, match="not trusted here"):
        import_status_file(keys_dir, json.dumps(status).encode(), "status.json")
    tampered = json.loads(json.dumps(trust))
    tampered["deployment"]["signed"] = tampered["deployment"]["signed"].replace(_prefix(services), "EVIL")
    for bad, words in (
        (b"{", "not JSON"),
        (b"[]", "not an inspector trust file"),
        (json.dumps(tampered).encode(), "not signed by its own root"),
    ):
        with pytest.raises(BadInput, match=words):
            import_trust_file(keys_dir, bad, "trust.json")
    import_trust_file(keys_dir, json.dumps(trust).encode(), "trust.json")
    forged = json.loads(json.dumps(status))
    forged["status"]["signed"] = forged["status"]["signed"].replace(
        '"voids":[]', '"voids":[{"serial":"x","index":1,"voided_on":"2026-01-01","reason":"r"}]'
    )
    with pytest.raises(BadInput, match="altered or forged"):
        import_status_file(keys_dir, json.dumps(forged).encode(), "status.json")
    assert import_status_file(keys_dir, json.dumps(status).encode(), "status.json").voids == {}
    # A genuine but older list (made an hour earlier) cannot replace the newer one and hide its voids.
    with services.ctx.db.transaction() as session:
        key, deployment = services.certificates.trust.signing_key(session)
    older = make_status_file(deployment, [], 1, datetime.now(UTC) - timedelta(hours=1), key)
    with pytest.raises(BadInput, match="older"):
        import_status_file(keys_dir, older, "older.json")


def _prefix(station: StationServices) -> str:
    with station.ctx.db.read() as session:
        return station.certificates.trust.deployment(session).prefix


def _last_inspection(station: StationServices) -> int:
    from inspector.storage.models import Inspection

    with station.ctx.db.read() as session:
        return int(session.scalar(select(Inspection.id).order_by(Inspection.id.desc()).limit(1)) or 0)
