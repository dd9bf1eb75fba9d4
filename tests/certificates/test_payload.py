"""Keys and payloads: owner-only key file, round trip, and every tampering is caught."""

from __future__ import annotations

import dataclasses
import stat
from datetime import date
from pathlib import Path

import pytest

from inspector.errors import BadInput
from inspector.security import base45, keys, payload
from inspector.security.verification import INVALID, VALID, verify_code

SAMPLE = dict(
    serial="0100000042",
    item_code="TR1000-001-ITEM-9",
    brand="Testbrand",
    model="Runner",
    verdict="pass",
    issued_on=date(2026, 11, 23),
    station="bench-1",
)


def _payload(key: keys.SigningKey, **changes: object) -> payload.CertificatePayload:
    return payload.CertificatePayload(**{**SAMPLE, "key_id": key.key_id, **changes})  # type: ignore[arg-type]


def test_key_is_created_once_owner_only_with_a_short_id(tmp_path: Path) -> None:
    first = keys.load_or_create(tmp_path / "keys")
    mode = stat.S_IMODE((tmp_path / "keys" / keys.PRIVATE_KEY_FILE).stat().st_mode)
    assert mode == 0o600
    assert len(first.key_id) == 16 and int(first.key_id, 16) >= 0
    assert keys.load_or_create(tmp_path / "keys").key_id == first.key_id


def test_round_trip_and_size(tmp_path: Path) -> None:
    key = keys.load_or_create(tmp_path)
    code = payload.encode(_payload(key), key)
    assert code.startswith("INS1:") and set(code[5:]) <= set(base45.ALPHABET)
    assert len(code) < 260  # fits QR version 9 at level M: 3 dots a module on a 1 in tag
    result = verify_code(code, keys.trusted_keys(tmp_path, key))
    assert result.status == VALID and result.payload == _payload(key)


@pytest.mark.parametrize(
    "field,value",
    [
        ("serial", "0100000043"),
        ("item_code", "TR1000-001-ITEM-8"),
        ("brand", "Otherbrand"),
        ("model", "Walker"),
        ("verdict", "fail"),
        ("issued_on", date(2026, 11, 24)),
        ("station", "bench-2"),
    ],
)
def test_changing_any_field_fails(tmp_path: Path, field: str, value: object) -> None:
    key = keys.load_or_create(tmp_path)
    decoded = payload.decode(payload.encode(_payload(key), key))
    forged_body = dataclasses.replace(decoded.payload, **{field: value}).body()  # type: ignore[arg-type]
    forged = payload.HEADER + base45.encode(forged_body + decoded.signature)
    result = verify_code(forged, keys.trusted_keys(tmp_path, key))
    assert result.status == INVALID and "signature" in result.reason


def test_changed_key_id_or_signature_fails(tmp_path: Path) -> None:
    key = keys.load_or_create(tmp_path)
    trusted = keys.trusted_keys(tmp_path, key)
    decoded = payload.decode(payload.encode(_payload(key), key))
    flipped = bytearray(decoded.signature)
    flipped[10] ^= 0x01
    assert (
        verify_code(payload.HEADER + base45.encode(decoded.body + bytes(flipped)), trusted).status == INVALID
    )
    other_id = bytes(8) + decoded.body[8:]
    assert (
        verify_code(payload.HEADER + base45.encode(other_id + decoded.signature), trusted).status == INVALID
    )


def test_signed_by_another_key_fails_until_that_key_is_trusted(tmp_path: Path) -> None:
    ours = keys.load_or_create(tmp_path)
    theirs = keys.SigningKey.generate()
    code = payload.encode(_payload(theirs), theirs)
    result = verify_code(code, keys.trusted_keys(tmp_path, ours))
    assert result.status == INVALID and "does not trust" in result.reason
    (tmp_path / "trusted").mkdir()
    (tmp_path / "trusted" / "partner.pem").write_bytes(keys.public_pem(theirs.public_key))
    assert verify_code(code, keys.trusted_keys(tmp_path, ours)).status == VALID
    # Same key id as ours but a forged signature by the other key: still invalid.
    forged = payload.encode(_payload(theirs, key_id=theirs.key_id), theirs)
    body = payload.decode(forged)
    swapped = bytes.fromhex(ours.key_id) + body.body[8:]
    assert (
        verify_code(
            payload.HEADER + base45.encode(swapped + body.signature), keys.trusted_keys(tmp_path, ours)
        ).status
        == INVALID
    )


@pytest.mark.parametrize(
    "text,words",
    [
        ("hello", "INS1:"),
        ("INS2:ABC", "version"),
        ("INS1:abc", "damaged"),
        ("INS1:A", "damaged"),
        ("INS1:ABCDEF", "too short"),
    ],
)
def test_bad_codes_are_one_sentence(text: str, words: str) -> None:
    with pytest.raises(BadInput) as caught:
        payload.decode(text)
    message = str(caught.value)
    assert words in message and message.count(". ") == 0 and "\n" not in message


def test_base45_matches_rfc_examples() -> None:
    assert base45.encode(b"AB") == "BB8"
    assert base45.encode(b"Hello!!") == "%69 VD92EX0"
    assert base45.decode("QED8WEX0") == b"ietf!"
    with pytest.raises(ValueError):
        base45.decode("GGW")  # 65535 < value: out of range


def test_fields_too_long_for_the_tag_are_refused(tmp_path: Path) -> None:
    key = keys.load_or_create(tmp_path)
    with pytest.raises(BadInput):
        payload.encode(_payload(key, item_code="X" * 120), key)
