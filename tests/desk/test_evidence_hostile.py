"""Hostile evidence zips: one sentence each; exit 2 "could not read", 1 "not genuine"; bounded memory."""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
import warnings
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inspector.errors import BadInput
from inspector.security import keys
from inspector.security.roles import Actor
from inspector.services.evidence import MANIFEST, build_bundle, verify_bundle
from inspector.services.station import StationServices
from tests.desk.conftest import UNSURE, Finisher
from tests.helpers.cli_run import run_cli


@pytest.fixture
def bundle(services: StationServices, people: dict[str, Actor], finished: Finisher) -> bytes:
    return build_bundle(services.ctx, people["morgan"], finished("HOSTILE-1", UNSURE))


@pytest.fixture
def trusted(services: StationServices) -> dict[str, object]:
    return dict(keys.trusted_keys(services.ctx.settings.keys_dir))


def _members(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        return [(name, source.read(name)) for name in source.namelist()]


def _zip(members: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate names these tests want
        with zipfile.ZipFile(out, "w", method) as target:
            for name, content in members:
                target.writestr(name, content)
    return out.getvalue()


def _patch_headers(data: bytes, name: str, *, flag: int | None = None, method: int | None = None) -> bytes:
    """Set the general-purpose flag or the compression method of `name` in its local and central header."""
    raw = bytearray(data)
    encoded = name.encode()
    for signature, flag_at, method_at, name_at in ((b"PK\x03\x04", 6, 8, 30), (b"PK\x01\x02", 8, 10, 46)):
        start = 0
        while (start := raw.find(signature, start)) != -1:
            if raw[start + name_at:start + name_at + len(encoded)] == encoded:
                if flag is not None:
                    struct.pack_into("<H", raw, start + flag_at, flag)
                if method is not None:
                    struct.pack_into("<H", raw, start + method_at, method)
            start += 4
    return bytes(raw)


def _one_sentence_refusal(data: bytes, trusted: dict[str, object], *words: str) -> None:
    with pytest.raises(BadInput) as refused:
        verify_bundle(data, trusted)  # type: ignore[arg-type]
    message = str(refused.value)
    assert "\n" not in message
    for word in words:
        assert word in message


def test_a_duplicate_member_before_the_genuine_one_is_refused(bundle: bytes,
                                                              trusted: dict[str, object]) -> None:
    """`unzip -n` extracts the first of two same-named members, ZipFile.read the last: never VALID."""
    members = _members(bundle)
    photo = next(name for name, _ in members if name.startswith("photos/"))
    _one_sentence_refusal(_zip([(photo, b"a fake photo"), *members]), trusted, "twice")


def test_a_zip_bomb_is_refused_before_it_fills_memory(bundle: bytes, trusted: dict[str, object]) -> None:
    bomb = _zip([*_members(bundle), ("photos/bomb.jpg", b"\0" * (100 * 2**20))])
    assert len(bomb) < 2 * 2**20
    _one_sentence_refusal(bomb, trusted, "MB")


def test_a_bad_crc_is_damage_not_a_traceback(bundle: bytes, trusted: dict[str, object]) -> None:
    stored = _zip(_members(bundle), zipfile.ZIP_STORED)
    manifest_at = stored.find(b'"inspection_id"')
    broken = stored[:manifest_at] + b"X" + stored[manifest_at + 1:]
    _one_sentence_refusal(broken, trusted, "damaged")


def test_an_encrypted_member_is_refused(bundle: bytes, trusted: dict[str, object]) -> None:
    _one_sentence_refusal(_patch_headers(bundle, MANIFEST, flag=0x1), trusted, "encrypted")


def test_an_unknown_compression_method_is_refused(bundle: bytes, trusted: dict[str, object]) -> None:
    _one_sentence_refusal(_patch_headers(bundle, MANIFEST, method=99), trusted, "method 99")


def test_a_deeply_nested_manifest_is_refused(bundle: bytes, trusted: dict[str, object]) -> None:
    members = [(name, b"[" * 100_000 + b"]" * 100_000 if name == MANIFEST else content)
               for name, content in _members(bundle)]
    _one_sentence_refusal(_zip(members), trusted, "nested")


def test_an_unsafe_member_name_is_refused(bundle: bytes, trusted: dict[str, object]) -> None:
    _one_sentence_refusal(_zip([*_members(bundle), ("../../etc/cron.d/x", b"*")]), trusted, "unsafe name")


def test_unzipping_and_zipping_again_keeps_a_bundle_valid(bundle: bytes, trusted: dict[str, object],
                                                         tmp_path: Path) -> None:
    if shutil.which("zip") is None or shutil.which("unzip") is None:
        pytest.skip("Debian's zip and unzip are not installed")
    (tmp_path / "b.zip").write_bytes(bundle)
    subprocess.run(["unzip", "-q", str(tmp_path / "b.zip"), "-d", str(tmp_path / "x")], check=True)
    subprocess.run(["zip", "-q", "-r", str(tmp_path / "again.zip"), "."], cwd=tmp_path / "x", check=True)
    check = verify_bundle((tmp_path / "again.zip").read_bytes(), trusted)  # type: ignore[arg-type]
    assert check.ok, check.problems


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_random_damage_is_refused_or_reported_never_a_crash(bundle: bytes, trusted: dict[str, object],
                                                            data: st.DataObject) -> None:
    """Any bytes changed anywhere: BadInput (could not read) or problems listed (not genuine)."""
    damaged = bytearray(bundle)
    for _ in range(data.draw(st.integers(1, 8))):
        damaged[data.draw(st.integers(0, len(damaged) - 1))] = data.draw(st.integers(0, 255))
    if bytes(damaged) == bundle:
        return
    try:
        check = verify_bundle(bytes(damaged), trusted)  # type: ignore[arg-type]
    except BadInput as exc:
        assert "\n" not in str(exc)
    else:
        assert not check.ok or check.files_checked > 0  # a byte in slack space may change nothing read


@pytest.mark.slow
def test_the_command_answers_a_bomb_with_exit_2_in_bounded_memory(bundle: bytes, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.zip"
    bomb.write_bytes(_zip([*_members(bundle), ("photos/bomb.jpg", b"\0" * (600 * 2**20))]))
    forged = tmp_path / "forged.zip"
    forged.write_bytes(_zip([(n, b"fake" if n.startswith("photos/") else c) for n, c in _members(bundle)]))
    for path, code in ((bomb, 2), (forged, 1)):
        result = run_cli(tmp_path / "verifier", "evidence", "verify", str(path))
        assert result.returncode == code, result.stderr
        assert "Traceback" not in result.stderr
        assert result.peak_mb < 1024, f"the verifier peaked at {result.peak_mb:.0f} MB"
