"""The signed status list: which certificates are void, as of when (W3C Bitstring Status List style).

The bitstring has one bit per status index (bit 0 is the most significant bit of the first byte,
as in the W3C Bitstring Status List); a set bit means void. It travels GZIP-compressed and
multibase base64url (`u` + base64url without padding) inside a statement signed by a key of the
deployment, with the date it was made, the voids' dates and reason categories a buyer may see (grouped,
a few bytes a void) and the deployment's current key statements, so that verifiers learn rotated and
revoked keys with each status update. docs/certificate-format.md is the spec.
"""

from __future__ import annotations

import gzip
import itertools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from inspector.errors import BadInput
from inspector.security.keys import SigningKey
from inspector.security.trustlist import Deployment, Signed, b64url, iso, parse_iso, unb64url

STATUS_FORMAT = "inspector-status/1"
STATUS_TYPE = "inspector-status-list/1"
# The W3C minimum (16 KB uncompressed): a list this long says little about how many were issued.
MIN_BITS = 131_072

# What a buyer is told about a void; the supervisor's own words stay in the records.
REASON_CATEGORIES = {
    "fail": "not authentic (overturned on review)",
    "inconclusive": "authenticity could not be confirmed (overturned on review)",
    "withdrawn": "certificate withdrawn by the issuer",
}


@dataclass(frozen=True)
class Void:
    index: int
    voided_on: str  # YYYY-MM-DD
    reason: str  # a category from REASON_CATEGORIES' values


def group_voids(voids: Iterable[Void]) -> list[dict[str, Any]]:
    """[{voided_on, reason, gaps}] per day and reason category (its code): a few bytes a void.

    `gaps` lists the group's status indices in ascending order as differences: the first index,
    then each index minus the one before (short numbers where voids are many).
    """
    codes = {text: code for code, text in REASON_CATEGORIES.items()}
    groups: dict[tuple[str, str], list[int]] = {}
    for void in voids:
        groups.setdefault((void.voided_on, codes.get(void.reason, "withdrawn")), []).append(void.index)
    out = []
    for (day, reason), indices in sorted(groups.items()):
        ordered = sorted(indices)
        gaps = [ordered[0]] + [b - a for a, b in itertools.pairwise(ordered)]
        out.append({"voided_on": day, "reason": reason, "gaps": gaps})
    return out


def ungroup_voids(groups: Iterable[Any]) -> dict[int, Void]:
    voids = {}
    for group in groups:
        reason = REASON_CATEGORIES.get(str(group["reason"]), str(group["reason"]))
        index = 0
        for gap in group["gaps"]:
            index += int(gap)
            voids[index] = Void(index, str(group["voided_on"]), reason)
    return voids


def encode_bits(indices: Iterable[int], size: int) -> str:
    bits = bytearray(size // 8)
    for index in indices:
        bits[index // 8] |= 0x80 >> (index % 8)
    return "u" + b64url(gzip.compress(bytes(bits), compresslevel=9, mtime=0))


def decode_bits(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise BadInput("The status list is not multibase base64url (it should start with 'u').")
    try:
        return gzip.decompress(unb64url(encoded[1:]))
    except (OSError, EOFError) as exc:
        raise BadInput("The status list's bitstring is not valid gzip.") from exc


def list_size(highest_index: int) -> int:
    return max(MIN_BITS, (highest_index // 8 + 1) * 8)


@dataclass(frozen=True)
class StatusList:
    deployment: str
    issued_at: datetime
    bits: bytes
    voids: dict[int, Void]  # by status index
    signed_by: str
    key_statements: tuple[Signed, ...]

    def is_void(self, index: int) -> bool:
        byte = index // 8
        return byte < len(self.bits) and bool(self.bits[byte] & (0x80 >> (index % 8)))

    def covers(self, index: int) -> bool:
        return index < len(self.bits) * 8


def make_status_file(
    deployment: Deployment, voids: list[Void], highest_index: int, issued_at: datetime, key: SigningKey
) -> bytes:
    statement = Signed.make(
        {
            "type": STATUS_TYPE,
            "deployment": deployment.prefix,
            "issued_at": iso(issued_at),
            "kid": key.key_id,
            "size": list_size(highest_index),
            "encoded_list": encode_bits((v.index for v in voids), list_size(highest_index)),
            "voids": group_voids(voids),
            "keys": [s.to_json() for _, s in sorted(deployment.keys.values(), key=lambda k: k[0].kid)],
        },
        key,
    )
    return json.dumps({"format": STATUS_FORMAT, "status": statement.to_json()}, indent=1).encode("utf-8")


def parse_status_file(
    data: bytes | str, trusted: dict[str, Deployment], source: str = "The status file"
) -> StatusList:
    """Check the signature (by the root or a station key certified for that moment) and decode."""
    try:
        document = json.loads(data)
    except ValueError as exc:
        raise BadInput(f"{source} is not JSON (write it with `inspector status export`).") from exc
    if not isinstance(document, dict) or document.get("format") != STATUS_FORMAT:
        raise BadInput(f"{source} is not an inspector status file ({STATUS_FORMAT}).")
    statement = Signed.from_json(document.get("status"))
    content = statement.content()
    if content.get("type") != STATUS_TYPE:
        raise BadInput(f"{source} has the wrong statement type.")
    prefix = str(content.get("deployment"))
    deployment = trusted.get(prefix)
    if deployment is None:
        raise BadInput(
            f"{source} is for deployment {prefix}, which is not trusted here; import its trust file first."
        )
    # Key statements first: a status list signed by a key rotated in since the trust file was
    # imported still verifies, because the root vouches for that key inside the same file.
    key_statements = tuple(Signed.from_json(item) for item in content.get("keys") or [])
    issued_at = parse_iso(content.get("issued_at"))
    if issued_at is None:
        raise BadInput(f"{source} has no date.")
    kid = str(content.get("kid"))
    probe = Deployment(
        deployment.prefix, deployment.name, deployment.root_key, deployment.statement, dict(deployment.keys)
    )
    for signed in key_statements:
        probe.add_key(signed)
    signer = probe.signer(kid)
    if signer is None or not statement.valid_under(signer):
        raise BadInput(f"{source} is not signed by a key of deployment {prefix}: it was altered or forged.")
    if kid != probe.root_kid:
        why = probe.keys[kid][0].may_sign_at(issued_at)
        if why is not None:
            raise BadInput(f"{source} cannot be trusted: {why}.")
    try:
        voids = ungroup_voids(content.get("voids") or [])
    except (KeyError, TypeError, ValueError) as exc:
        raise BadInput(f"{source} has a damaged list of voids.") from exc
    return StatusList(
        prefix, issued_at, decode_bits(str(content.get("encoded_list"))), voids, kid, key_statements
    )
