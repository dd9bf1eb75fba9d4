"""Keys and payloads: owner-only key file written atomically, round trip, QR size, every tampering caught."""

from __future__ import annotations

import dataclasses
import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
import zxingcpp

from inspector.errors import BadInput, StorageUnavailable
from inspector.printing.symbols import qr_matrix
from inspector.security import keys, payload
from inspector.security.trustlist import (
    Deployment,
    Signed,
    deployment_from_statement,
    deployment_statement,
    key_entry_for,
)
from inspector.security.verification import INVALID, VALID, verify_code

KEY_CREATED = datetime(2026, 1, 1, tzinfo=UTC)
SAMPLE = dict(
    deployment="ACME",
    serial_number=42,
    status_index=42,
    item_code="TR1000-001-ITEM-9",
    brand="Testbrand",
    model="Runner",
    verdict="pass",
    issued_at=datetime(2026, 11, 23, 14, 2, 5, tzinfo=UTC),
)


def make_deployment(
    prefix: str = "ACME", station: str = "bench-1"
) -> tuple[Deployment, keys.SigningKey, keys.SigningKey]:
    """A deployment with a root key and one certified station key: (deployment, root, station key)."""
    root, station_key = keys.SigningKey.generate(), keys.SigningKey.generate()
    deployment = deployment_from_statement(deployment_statement(prefix, f"{prefix} centre", root))
    entry = key_entry_for(prefix, station_key.public_key, station, KEY_CREATED)
    deployment.add_key(Signed.make(entry.statement(), root))
    return deployment, root, station_key


def _payload(key: keys.SigningKey, **changes: object) -> payload.CertificatePayload:
    return payload.CertificatePayload(**{**SAMPLE, "key_id": key.key_id, **changes})  # type: ignore[arg-type]


def test_key_is_created_once_owner_only_with_a_short_id(tmp_path: Path) -> None:
    first = keys.load_or_create(tmp_path / "keys")
    mode = stat.S_IMODE((tmp_path / "keys" / keys.PRIVATE_KEY_FILE).stat().st_mode)
    assert mode == 0o600
    assert len(first.key_id) == 16 and int(first.key_id, 16) >= 0
    assert keys.load_or_create(tmp_path / "keys").key_id == first.key_id
    assert not [p for p in (tmp_path / "keys").iterdir() if p.name.endswith(".tmp")]


def test_a_crash_while_writing_never_leaves_a_0_byte_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed between creating the file and writing it: the old O_CREAT|O_EXCL code left an empty
    key file that every later start refused as damaged. Now only a temporary file is ever partial."""
    path = tmp_path / "keys" / keys.PRIVATE_KEY_FILE

    def crash(fd: int) -> None:
        raise OSError(5, "Input/output error")  # the disk fails (or the process dies) before the data is safe

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(StorageUnavailable):
        keys.load_or_create(tmp_path / "keys")
    assert not path.exists()  # no key at all, not an empty one
    monkeypatch.undo()
    key = keys.load_or_create(tmp_path / "keys")
    assert path.stat().st_size > 0 and keys.load_or_create(tmp_path / "keys").key_id == key.key_id


def test_a_second_writer_keeps_the_first_key(tmp_path: Path) -> None:
    first = keys.SigningKey.generate()
    second = keys.SigningKey.generate()
    path = tmp_path / "k.pem"
    assert keys.write_new_file(path, keys.private_pem(first))
    assert not keys.write_new_file(path, keys.private_pem(second))
    assert keys.load_key_file(path).key_id == first.key_id


def test_round_trip_and_the_qr_fits_a_2x1_tag_at_203_dpi() -> None:
    deployment, _, key = make_deployment()
    code = payload.encode(_payload(key), key)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    assert code.startswith("INS2:") and set(code[5:]) <= set(alphabet)
    result = verify_code(code, {"ACME": deployment})
    assert result.status == VALID and result.payload == _payload(key)
    assert result.station == "bench-1" and result.payload.serial == "ACME-00000042"
    # The longest fields the service signs behind the default verify address.
    budget = payload.text_budget("https://verify.example.com/")
    item, brand, model = payload.fit_texts("X" * 60, "B" * 60, "M" * 60, budget)
    longest = payload.encode(
        _payload(
            key,
            deployment="ACMEX",
            item_code=item,
            brand=brand,
            model=model,
            serial_number=2**32 - 1,
            status_index=2**32 - 1,
        ),
        key,
    )
    text = payload.qr_text("https://verify.example.com/", longest)
    modules = len(qr_matrix(text, "M"))  # byte mode at level M, as the PDF and the Zebra print it
    version = (modules - 17) // 4
    # 203 dots high, 3 dots a module, 4 quiet modules each side: at most 67 - 8 = 59 modules (version 10).
    assert version <= 10 and (modules + 8) * 3 <= 203
    image = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M").to_image(scale=3)
    [read] = zxingcpp.read_barcodes(np.asarray(image))
    assert read.text == text and read.ec_level == "M"


def test_qr_text_is_an_https_url_with_the_payload_in_the_fragment() -> None:
    _, _, key = make_deployment()
    code = payload.encode(_payload(key), key)
    assert payload.qr_text("https://verify.acme.example/", code) == f"https://verify.acme.example/#{code}"
    assert payload.qr_text("https://verify.acme.example", code) == f"https://verify.acme.example/#{code}"
    # GS1 Digital Link: the GTIN and serial in the path, the signed payload still in the fragment.
    linked = payload.qr_text("https://verify.acme.example/", code, gtin="09506000134352")
    assert linked == f"https://verify.acme.example/01/09506000134352/21/ACME-00000042#{code}"
    assert payload.payload_from_text(linked) == code


@pytest.mark.parametrize(
    "field,value",
    [
        ("deployment", "ACMF"),
        ("serial_number", 43),
        ("status_index", 7),
        ("item_code", "TR1000-001-ITEM-8"),
        ("brand", "Otherbrand"),
        ("model", "Walker"),
        ("verdict", "fail"),
        ("issued_at", datetime(2026, 11, 24, tzinfo=UTC)),
    ],
)
def test_changing_any_field_fails(field: str, value: object) -> None:
    deployment, _, key = make_deployment()
    other, _, _ = make_deployment("ACMF")
    decoded = payload.decode(payload.encode(_payload(key), key))
    forged_body = dataclasses.replace(decoded.payload, **{field: value}).body()  # type: ignore[arg-type]
    forged = payload.HEADER + payload.b64encode(forged_body + decoded.signature)
    result = verify_code(forged, {"ACME": deployment, "ACMF": other})
    assert result.status == INVALID
    assert "signature" in result.reason or "not certified" in result.reason


def test_one_changed_character_is_invalid() -> None:
    deployment, _, key = make_deployment()
    code = payload.encode(_payload(key), key)
    for position in (7, len(code) // 2, len(code) - 3):
        changed = code[:position] + ("A" if code[position] != "A" else "B") + code[position + 1 :]
        assert verify_code(changed, {"ACME": deployment}).status == INVALID


def test_a_key_the_deployment_did_not_certify_is_invalid() -> None:
    deployment, root, _ = make_deployment()
    stranger = keys.SigningKey.generate()
    result = verify_code(payload.encode(_payload(stranger), stranger), {"ACME": deployment})
    assert result.status == INVALID and "not certified" in result.reason
    # Even the root key itself does not sign certificates: only certified station keys do.
    assert verify_code(payload.encode(_payload(root), root), {"ACME": deployment}).status == INVALID


def test_a_key_statement_not_signed_by_the_root_is_refused() -> None:
    deployment, _, _ = make_deployment()
    forger = keys.SigningKey.generate()
    entry = key_entry_for("ACME", forger.public_key, "bench-9", KEY_CREATED)
    with pytest.raises(BadInput):
        deployment.add_key(Signed.make(entry.statement(), forger))
    assert forger.key_id not in deployment.keys


def test_a_deployment_not_trusted_here_is_invalid() -> None:
    _, _, key = make_deployment("ZED")
    result = verify_code(payload.encode(_payload(key, deployment="ZED"), key), {})
    assert result.status == INVALID and "does not trust" in result.reason


def test_key_windows_decide_by_the_certificate_time() -> None:
    deployment, root, key = make_deployment()
    entry = deployment.keys[key.key_id][0]
    issued = datetime(2026, 11, 23, 14, 2, 5, tzinfo=UTC)
    revoked = dataclasses.replace(entry, revoked_at=issued + timedelta(hours=1))
    deployment.add_key(Signed.make(revoked.statement(), root))
    before = payload.encode(_payload(key), key)
    after = payload.encode(_payload(key, issued_at=issued + timedelta(hours=2)), key)
    early = payload.encode(_payload(key, issued_at=KEY_CREATED - timedelta(days=1)), key)
    assert verify_code(before, {"ACME": deployment}).status == VALID
    result = verify_code(after, {"ACME": deployment})
    assert result.status == INVALID and "revoked" in result.reason
    assert verify_code(early, {"ACME": deployment}).status == INVALID
    # An older copy of the key statement (before the revocation) cannot undo it.
    deployment.add_key(Signed.make(entry.statement(), root))
    assert verify_code(after, {"ACME": deployment}).status == INVALID


@pytest.mark.parametrize(
    "text,words",
    [
        ("hello", "INS2:"),
        ("INS1:ABC", "version"),
        ("INS2:abc!", "damaged"),
        ("INS2:ABCDEFGH", "too short"),
        ("https://verify.example.com/#INS3:AAAA", "version"),
    ],
)
def test_bad_codes_are_one_sentence(text: str, words: str) -> None:
    with pytest.raises(BadInput) as caught:
        payload.decode(text)
    message = str(caught.value)
    assert words in message and message.count(". ") == 0 and "\n" not in message


def test_fields_too_long_for_the_tag_are_refused_unless_fitted() -> None:
    _, _, key = make_deployment()
    with pytest.raises(BadInput):
        payload.encode(_payload(key, item_code="X" * 120), key)
    item, brand, model = payload.fit_texts("ÄÖ" * 30, "Brand" * 10, "M", 50)
    assert len((item + brand + model).encode()) <= 50 - 9
    # A longer verify address leaves less room; a very long one still leaves the minimum.
    assert payload.text_budget("https://verify.example.com/") == 50
    assert payload.text_budget("https://certificates.verify.acme-authentication.example/") < 50
    assert payload.text_budget("https://x.example/" + "p" * 200) == payload.MIN_TEXT_BYTES
    item.encode("utf-8")  # never a split character
    payload.encode(_payload(key, item_code=item, brand=brand, model=model), key)
