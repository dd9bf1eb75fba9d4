"""docs/certificate-format.md is enough: a verifier written from it alone agrees with ours.

The verifier below uses only `cryptography`, json, base64, gzip and hashlib (and `base45` for format 1),
never inspector's modules.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from datetime import UTC, date, datetime, timedelta

import base45
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select

from inspector.security import keys
from inspector.security.roles import Actor
from inspector.security.statuslist import Void, make_status_file
from inspector.security.trustlist import LegacyKey, Signed
from inspector.services.station import StationServices
from inspector.services.status import export_status
from inspector.storage.models import Certificate
from tests.certificates.test_legacy import OLD_1, OLD_2, OLD_KEY
from tests.certificates.test_payload import make_deployment
from tests.certificates.test_service import ALL_PASS, _finish

# --- the minimal verifier, from docs/certificate-format.md -----------------------------------------


def _b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _time(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def _open(statement: dict[str, str], key: bytes) -> dict | None:  # type: ignore[type-arg]
    try:
        Ed25519PublicKey.from_public_bytes(key).verify(
            _b64(statement["signature"]), statement["signed"].encode()
        )
    except InvalidSignature:
        return None
    return json.loads(statement["signed"])  # type: ignore[no-any-return]


def _kid(raw: bytes) -> str:
    return hashlib.sha256(raw).digest()[:8].hex()


def load_trust(trust_file: str) -> dict:  # type: ignore[type-arg]
    document = json.loads(trust_file)
    assert document["format"] == "inspector-trust/1"
    claimed = json.loads(document["deployment"]["signed"])
    root = _b64(claimed["root_key"])
    deployment = _open(document["deployment"], root)
    assert deployment is not None and deployment["type"] == "inspector-deployment/1"
    trusted = {"prefix": deployment["prefix"], "root": root, "keys": {}, "legacy": {}}
    _learn(trusted, document["keys"])
    for statement in document.get("legacy_keys", []):  # section 7
        legacy = _open(statement, root)
        if (
            legacy is not None
            and (legacy["type"], legacy["format"]) == ("inspector-legacy-key/1", "INS1")
            and legacy["deployment"] == trusted["prefix"]
            and _kid(_b64(legacy["public_key"])) == legacy["kid"]
        ):
            old = trusted["legacy"].get(legacy["kid"])
            if old is None or legacy["signed_until"] < old["signed_until"]:
                trusted["legacy"][legacy["kid"]] = legacy
    return trusted


def _learn(trusted: dict, statements: list) -> None:  # type: ignore[type-arg]
    for statement in statements:
        key = _open(statement, trusted["root"])
        if (
            key is None
            or key["deployment"] != trusted["prefix"]
            or _kid(_b64(key["public_key"])) != key["kid"]
        ):
            continue
        old = trusted["keys"].get(key["kid"])
        if old and (
            (old["revoked_at"] and not key["revoked_at"]) or (old["retired_at"] and not key["retired_at"])
        ):
            continue
        trusted["keys"][key["kid"]] = key


def load_status(status_file: str, trusted: dict) -> dict:  # type: ignore[type-arg]
    document = json.loads(status_file)
    assert document["format"] == "inspector-status/1"
    claimed = json.loads(document["status"]["signed"])
    _learn(trusted, claimed["keys"])
    signer = (
        trusted["root"]
        if claimed["kid"] == _kid(trusted["root"])
        else _b64(trusted["keys"][claimed["kid"]]["public_key"])
    )
    status = _open(document["status"], signer)
    assert status is not None and status["deployment"] == trusted["prefix"]
    assert status["encoded_list"].startswith("u")
    status["bits"] = gzip.decompress(_b64(status["encoded_list"][1:]))
    return status


def verify(text: str, trusted: dict, status: dict | None) -> str:  # type: ignore[type-arg]
    code = text.rsplit("#", 1)[-1]
    if not code.startswith("INS2:"):
        return "INVALID"
    try:
        raw = _b64(code[5:])
    except ValueError:
        return "INVALID"
    if len(raw) < 21 + 64:
        return "INVALID"
    body, signature = raw[:-64], raw[-64:]
    kid = body[:8].hex()
    issued = datetime(2000, 1, 1, tzinfo=UTC) + timedelta(seconds=int.from_bytes(body[8:12], "big"))
    number, index = int.from_bytes(body[12:16], "big"), int.from_bytes(body[16:20], "big")
    prefix = body[21:].split(b"\x1f")[0].decode()
    if prefix != trusted["prefix"] or kid not in trusted["keys"]:
        return "INVALID"
    key = trusted["keys"][kid]
    try:
        Ed25519PublicKey.from_public_bytes(_b64(key["public_key"])).verify(signature, b"INS2:" + body)
    except InvalidSignature:
        return "INVALID"
    if issued < _time(key["not_before"]):
        return "INVALID"
    if key["revoked_at"] and issued >= _time(key["revoked_at"]):
        return "INVALID"
    if key["retired_at"] and issued > _time(key["retired_at"]):
        return "INVALID"
    if status is None:
        return "VALID (no status list)"
    assert number >= 0  # the serial ({prefix}-{number:08d}) is shown, the index is looked up
    bit = index < len(status["bits"]) * 8 and status["bits"][index // 8] >> (7 - index % 8) & 1
    listed = [sum(group["gaps"][: n + 1]) for group in status["voids"] for n in range(len(group["gaps"]))]
    if bit or index in listed:
        return "VOID"
    return "VALID"


def verify_format_1(text: str, trusted: dict, status: dict | None) -> str:  # type: ignore[type-arg]
    code = text.rsplit("#", 1)[-1].strip()
    if not code.startswith("INS1:"):
        return "INVALID"
    raw = base45.b45decode(code[5:])
    body, signature = raw[:-64], raw[-64:]
    legacy = trusted["legacy"].get(body[:8].hex())
    if legacy is None:
        return "INVALID"
    try:
        Ed25519PublicKey.from_public_bytes(_b64(legacy["public_key"])).verify(signature, b"INS1:" + body)
    except InvalidSignature:
        return "INVALID"
    day = date(2000, 1, 1) + timedelta(days=int.from_bytes(body[8:10], "big"))
    if day > _time(legacy["signed_until"]).date():
        return "INVALID"
    key = trusted["keys"].get(legacy["kid"])
    if key and key["revoked_at"] and day >= _time(key["revoked_at"]).date():
        return "INVALID"
    index = int(body[11:].decode().split("\x1f")[0][2:])
    if status is None:
        return "VALID, legacy format (no status list)"
    bit = index < len(status["bits"]) * 8 and status["bits"][index // 8] >> (7 - index % 8) & 1
    return "VOID" if bit else "VALID, legacy format"


# --- the test ----------------------------------------------------------------------------------------


def test_a_verifier_written_from_the_document_agrees(
    services: StationServices, people: dict[str, Actor], photo_bytes: bytes
) -> None:
    certs = services.certificates
    first = _finish(services, people["alex"], photo_bytes, "DOC-1", ALL_PASS)
    _finish(services, people["alex"], photo_bytes, "DOC-2", ALL_PASS)
    with services.ctx.db.read() as session:
        rows = session.scalars(select(Certificate).order_by(Certificate.id)).all()
        # The second also as a GS1 Digital Link (section 1): the verifier reads only the fragment.
        codes = [certs.qr_text(row) for row in rows] + [certs.qr_text(rows[1], "00036000291452")]
    assert "/01/00036000291452/21/" in codes[2]
    trusted = load_trust(certs.trust.trust_file().decode())
    assert [verify(code, trusted, None) for code in codes] == ["VALID (no status list)"] * 3
    status = load_status(export_status(services.ctx)[0].decode(), trusted)
    assert [verify(code, trusted, status) for code in codes] == ["VALID", "VALID", "VALID"]
    altered = codes[0][:-10] + ("A" if codes[0][-10] != "A" else "B") + codes[0][-9:]
    assert verify(altered, trusted, status) == "INVALID"
    services.reviews.overturn(people["morgan"], first, "fail", "internal: logo spacing")
    status = load_status(export_status(services.ctx)[0].decode(), trusted)
    assert [verify(code, trusted, status) for code in codes] == ["VOID", "VALID", "VALID"]
    assert [v["reason"] for v in status["voids"]] == ["fail"]  # "not authentic (overturned on review)"
    assert "internal" not in json.dumps(status["voids"])
    # Ours agrees on every one.
    assert [certs.verify(code).status for code in (*codes, altered)] == ["void", "valid", "valid", "invalid"]


def test_format_1_certificates_verify_from_section_7() -> None:
    # Our code makes the inputs (a trust file with a legacy key, a status list); the check is the document's.
    deployment, root, _ = make_deployment()
    raw = keys.raw_public_bytes(OLD_KEY.public_key)
    entry = LegacyKey("ACME", OLD_KEY.key_id, raw, "bench-1", datetime(2026, 11, 26, 12, 0, tzinfo=UTC))
    deployment.add_legacy_key(Signed.make(entry.statement(), root))
    trusted = load_trust(json.dumps(deployment.to_trust_file()))
    assert verify_format_1(OLD_1, trusted, None) == "VALID, legacy format (no status list)"
    assert verify_format_1(OLD_2, trusted, None) == "INVALID"  # dated after signed_until
    withdrawn = Void(1, "2026-11-27", "certificate withdrawn by the issuer")
    status_file = make_status_file(deployment, [withdrawn], 1, datetime(2026, 11, 27, tzinfo=UTC), root)
    assert verify_format_1(OLD_1, trusted, load_status(status_file.decode(), trusted)) == "VOID"
    stranger = load_trust(json.dumps(make_deployment()[0].to_trust_file()))
    assert verify_format_1(OLD_1, stranger, None) == "INVALID"
