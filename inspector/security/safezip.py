"""Read a zip someone else made (an evidence bundle) with limits, and refuse anything ambiguous.

`zipfile` alone trusts the archive: a member's declared size, its compression method, a second member
with the same name (`unzip -n` extracts the first, `ZipFile.read` the last), an encrypted flag. A bundle
is evidence, so exactly one reading of it may exist: duplicates, encryption, unknown methods, unsafe
names, a bad CRC and more data than the limits are each refused with one sentence (BadInput).
"""

from __future__ import annotations

import io
import json
import zipfile
import zlib
from dataclasses import dataclass
from typing import Any

from inspector.errors import BadInput
from inspector.untrusted import (
    MAX_JSON_BYTES,
    MAX_JSON_DEPTH,
    MAX_ZIP_BYTES,
    MAX_ZIP_MEMBER_BYTES,
    MAX_ZIP_MEMBERS,
    MAX_ZIP_UNPACKED_BYTES,
    check_json_depth,
    size_text,
)

ALLOWED_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
ENCRYPTED_FLAG = 0x1


@dataclass(frozen=True)
class ZipLimits:
    """The limits of inspector/untrusted.py; smaller ones for a test or a narrower reader."""

    max_archive_bytes: int = MAX_ZIP_BYTES
    max_members: int = MAX_ZIP_MEMBERS
    max_member_bytes: int = MAX_ZIP_MEMBER_BYTES
    max_total_bytes: int = MAX_ZIP_UNPACKED_BYTES
    max_json_bytes: int = MAX_JSON_BYTES
    max_json_depth: int = MAX_JSON_DEPTH


def read_members(data: bytes, what: str, limits: ZipLimits = ZipLimits()) -> dict[str, bytes]:
    """Every file member by name (directory entries, which re-zipping tools add, are left out)."""
    if len(data) > limits.max_archive_bytes:
        raise BadInput(f"{what} is larger than {size_text(limits.max_archive_bytes)}.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise BadInput(f"{what} is not a readable zip ({exc}).") from exc
    members: dict[str, bytes] = {}
    total = 0
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_members:
            raise BadInput(f"{what} has {len(infos)} members; at most {limits.max_members} are read.")
        seen: set[str] = set()
        for info in infos:
            name = info.filename
            if name in seen or name.lower() in seen:
                raise BadInput(f"{what} holds {name!r} twice; a bundle with two readings is refused.")
            seen.update({name, name.lower()})
            if info.is_dir():
                continue
            _check_member(info, what, limits)
            content = _read_capped(archive, info, what, limits.max_member_bytes)
            total += len(content)
            if total > limits.max_total_bytes:
                raise BadInput(f"{what} unpacks to more than {size_text(limits.max_total_bytes)}.")
            members[name] = content
    return members


def _check_member(info: zipfile.ZipInfo, what: str, limits: ZipLimits) -> None:
    name = info.filename
    if name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/") or "\x00" in name:
        raise BadInput(f"{what} has a member with an unsafe name ({name!r}).")
    if info.flag_bits & ENCRYPTED_FLAG:
        raise BadInput(f"{what} has an encrypted member ({name}); bundles are never encrypted.")
    if info.compress_type not in ALLOWED_METHODS:
        raise BadInput(f"{what} uses compression method {info.compress_type} for {name}; "
                       "only stored and deflated members are read.")
    if info.file_size > limits.max_member_bytes:
        raise BadInput(f"{what} has a member larger than {size_text(limits.max_member_bytes)} ({name}).")


def _read_capped(archive: zipfile.ZipFile, info: zipfile.ZipInfo, what: str, cap: int) -> bytes:
    """Decompress at most `cap` bytes, whatever the header claims (a zip bomb lies about its size)."""
    chunks: list[bytes] = []
    size = 0
    try:
        with archive.open(info) as member:
            while chunk := member.read(1 << 20):
                size += len(chunk)
                if size > cap:
                    raise BadInput(f"{what} has a member that unpacks past {size_text(cap)} "
                                   f"({info.filename}).")
                chunks.append(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        raise BadInput(f"{what} is damaged: {info.filename} cannot be read ({exc}).") from exc
    return b"".join(chunks)


def load_json(data: bytes, what: str, limits: ZipLimits = ZipLimits()) -> Any:
    """JSON with a size and a nesting limit (deep nesting exhausts the parser's stack)."""
    if len(data) > limits.max_json_bytes:
        raise BadInput(f"{what} is larger than {size_text(limits.max_json_bytes)}.")
    check_json_depth(data, what, limits.max_json_depth)
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise BadInput(f"{what} is not valid JSON ({exc}).") from exc
