"""The deployment's trust: a root key, the station keys it certified, and the trust file verifiers import.

Every signed statement travels as the exact JSON text that was signed plus its signature
(`{"signed": "...", "signature": "..."}`), so a verifier in any language checks the bytes it was
given and then parses them: no canonical-JSON rules to get wrong. docs/certificate-format.md is the spec.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from inspector.errors import BadInput
from inspector.security.keys import SigningKey, key_id_of, raw_public_bytes, signature_valid

TRUST_FORMAT = "inspector-trust/1"
DEPLOYMENT_TYPE = "inspector-deployment/1"
KEY_TYPE = "inspector-key/1"
LEGACY_KEY_TYPE = "inspector-legacy-key/1"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def unb64url(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise BadInput("A signed statement is damaged (not base64url).") from exc


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (TypeError, ValueError) as exc:
        raise BadInput(f"A signed statement has a bad time {text!r}.") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def public_key_from_raw(raw: bytes) -> Ed25519PublicKey:
    try:
        return Ed25519PublicKey.from_public_bytes(raw)
    except ValueError as exc:
        raise BadInput("A public key in the trust list is not 32 bytes of Ed25519.") from exc


@dataclass(frozen=True)
class Signed:
    """A JSON statement exactly as signed, and its Ed25519 signature."""

    text: str
    signature: bytes

    @classmethod
    def make(cls, content: Mapping[str, Any], key: SigningKey) -> Signed:
        text = json.dumps(content, sort_keys=True, separators=(",", ":"))
        return cls(text, key.sign(text.encode("utf-8")))

    def valid_under(self, key: Ed25519PublicKey) -> bool:
        return signature_valid(key, self.signature, self.text.encode("utf-8"))

    def content(self) -> dict[str, Any]:
        try:
            data = json.loads(self.text)
        except ValueError as exc:
            raise BadInput("A signed statement is not JSON.") from exc
        if not isinstance(data, dict):
            raise BadInput("A signed statement is not a JSON object.")
        return data

    def to_json(self) -> dict[str, str]:
        return {"signed": self.text, "signature": b64url(self.signature)}

    @classmethod
    def from_json(cls, data: object) -> Signed:
        if (
            not isinstance(data, dict)
            or not isinstance(data.get("signed"), str)
            or not isinstance(data.get("signature"), str)
        ):
            raise BadInput("A signed statement is missing its text or signature.")
        return cls(data["signed"], unb64url(data["signature"]))


@dataclass(frozen=True)
class KeyEntry:
    """One station key as the root certified it: who holds it and when it may sign."""

    deployment: str
    kid: str
    public_key: bytes  # raw 32 bytes
    station: str
    not_before: datetime
    retired_at: datetime | None = None
    revoked_at: datetime | None = None

    def statement(self) -> dict[str, Any]:
        return {
            "type": KEY_TYPE,
            "deployment": self.deployment,
            "kid": self.kid,
            "public_key": b64url(self.public_key),
            "station": self.station,
            "not_before": iso(self.not_before),
            "retired_at": iso(self.retired_at),
            "revoked_at": iso(self.revoked_at),
        }

    @classmethod
    def from_statement(cls, data: Mapping[str, Any]) -> KeyEntry:
        if data.get("type") != KEY_TYPE:
            raise BadInput("A key statement has the wrong type.")
        try:
            not_before = parse_iso(data["not_before"])
            assert not_before is not None
            entry = cls(
                deployment=str(data["deployment"]),
                kid=str(data["kid"]),
                public_key=unb64url(str(data["public_key"])),
                station=str(data["station"]),
                not_before=not_before,
                retired_at=parse_iso(data.get("retired_at")),
                revoked_at=parse_iso(data.get("revoked_at")),
            )
        except (KeyError, AssertionError) as exc:
            raise BadInput("A key statement is missing a field.") from exc
        if key_id_of(public_key_from_raw(entry.public_key)) != entry.kid:
            raise BadInput(f"The key statement for {entry.kid} names another key's id.")
        return entry

    @property
    def key(self) -> Ed25519PublicKey:
        return public_key_from_raw(self.public_key)

    def may_sign_at(self, moment: datetime) -> str | None:
        """None if the key could sign at `moment`; else why not, in words."""
        if moment < self.not_before:
            return f"it is dated before its key {self.kid} was created ({iso(self.not_before)})"
        if self.revoked_at is not None and moment >= self.revoked_at:
            return f"it is dated after its key {self.kid} was revoked ({iso(self.revoked_at)})"
        if self.retired_at is not None and moment > self.retired_at:
            return f"it is dated after its key {self.kid} was retired ({iso(self.retired_at)})"
        return None


@dataclass(frozen=True)
class LegacyKey:
    """A station key of certificate format 1 (`INS1:`), vouched for by the root after the change:
    INS1 certificates it signed and dated on or before `signed_until` are the deployment's."""

    deployment: str
    kid: str
    public_key: bytes  # raw 32 bytes
    station: str
    signed_until: datetime

    def statement(self) -> dict[str, Any]:
        return {
            "type": LEGACY_KEY_TYPE,
            "deployment": self.deployment,
            "kid": self.kid,
            "public_key": b64url(self.public_key),
            "station": self.station,
            "format": "INS1",
            "signed_until": iso(self.signed_until),
        }

    @classmethod
    def from_statement(cls, data: Mapping[str, Any]) -> LegacyKey:
        if data.get("type") != LEGACY_KEY_TYPE or data.get("format") != "INS1":
            raise BadInput("A legacy key statement has the wrong type.")
        try:
            until = parse_iso(data["signed_until"])
            assert until is not None
            entry = cls(str(data["deployment"]), str(data["kid"]), unb64url(str(data["public_key"])),
                        str(data["station"]), until)
        except (KeyError, AssertionError) as exc:
            raise BadInput("A legacy key statement is missing a field.") from exc
        if key_id_of(public_key_from_raw(entry.public_key)) != entry.kid:
            raise BadInput(f"The legacy key statement for {entry.kid} names another key's id.")
        return entry

    @property
    def key(self) -> Ed25519PublicKey:
        return public_key_from_raw(self.public_key)


def key_entry_for(deployment: str, key: Ed25519PublicKey, station: str, not_before: datetime) -> KeyEntry:
    return KeyEntry(deployment, key_id_of(key), raw_public_bytes(key), station, not_before)


@dataclass
class Deployment:
    """A deployment a verifier trusts: its root key, its name and its certified station keys."""

    prefix: str
    name: str
    root_key: bytes  # raw 32 bytes
    statement: Signed
    keys: dict[str, tuple[KeyEntry, Signed]] = field(default_factory=dict)
    legacy_keys: dict[str, tuple[LegacyKey, Signed]] = field(default_factory=dict)

    @property
    def root(self) -> Ed25519PublicKey:
        return public_key_from_raw(self.root_key)

    @property
    def root_kid(self) -> str:
        return key_id_of(self.root)

    def add_key(self, signed: Signed) -> KeyEntry:
        """Take a root-signed key statement; a later statement replaces an earlier one for the same key,
        but a retirement or revocation once seen is never forgotten (an old copy cannot undo it)."""
        if not signed.valid_under(self.root):
            raise BadInput("A key statement is not signed by the deployment's root key.")
        entry = KeyEntry.from_statement(signed.content())
        if entry.deployment != self.prefix:
            raise BadInput(
                f"The key {entry.kid} belongs to deployment {entry.deployment}, not {self.prefix}."
            )
        known = self.keys.get(entry.kid)
        if known is not None:
            old = known[0]
            if (old.revoked_at and (entry.revoked_at is None or entry.revoked_at > old.revoked_at)) or (
                old.retired_at and entry.retired_at is None
            ):
                return old
        self.keys[entry.kid] = (entry, signed)
        return entry

    def add_legacy_key(self, signed: Signed) -> LegacyKey:
        """Take a root-signed legacy key statement; of two for one key the earlier `signed_until` stays."""
        if not signed.valid_under(self.root):
            raise BadInput("A legacy key statement is not signed by the deployment's root key.")
        entry = LegacyKey.from_statement(signed.content())
        if entry.deployment != self.prefix:
            raise BadInput(f"The legacy key {entry.kid} belongs to deployment {entry.deployment}.")
        known = self.legacy_keys.get(entry.kid)
        if known is not None and known[0].signed_until <= entry.signed_until:
            return known[0]
        self.legacy_keys[entry.kid] = (entry, signed)
        return entry

    def signer(self, kid: str) -> Ed25519PublicKey | None:
        """The public key for `kid`: the root itself or a certified station key."""
        if kid == self.root_kid:
            return self.root
        known = self.keys.get(kid)
        return known[0].key if known else None

    def to_trust_file(self) -> dict[str, Any]:
        document = {
            "format": TRUST_FORMAT,
            "deployment": self.statement.to_json(),
            "keys": [signed.to_json() for _, signed in sorted(self.keys.values(), key=lambda k: k[0].kid)],
        }
        if self.legacy_keys:  # only where format-1 certificates were issued
            document["legacy_keys"] = [signed.to_json() for _, signed in sorted(self.legacy_keys.values(),
                                                                             key=lambda k: k[0].kid)]
        return document


def deployment_statement(prefix: str, name: str, root: SigningKey) -> Signed:
    return Signed.make(
        {
            "type": DEPLOYMENT_TYPE,
            "prefix": prefix,
            "name": name,
            "root_key": b64url(raw_public_bytes(root.public_key)),
        },
        root,
    )


def deployment_from_statement(statement: Signed) -> Deployment:
    data = statement.content()
    if data.get("type") != DEPLOYMENT_TYPE:
        raise BadInput("The deployment statement has the wrong type.")
    try:
        root_key = unb64url(str(data["root_key"]))
        deployment = Deployment(str(data["prefix"]), str(data["name"]), root_key, statement)
    except KeyError as exc:
        raise BadInput("The deployment statement is missing a field.") from exc
    if not statement.valid_under(deployment.root):
        raise BadInput("The deployment statement is not signed by its own root key.")
    return deployment


def parse_trust_file(data: bytes | str, source: str = "The trust file") -> Deployment:
    try:
        document = json.loads(data)
    except ValueError as exc:
        raise BadInput(f"{source} is not JSON (write it with `inspector keys export`).") from exc
    if not isinstance(document, dict) or document.get("format") != TRUST_FORMAT:
        raise BadInput(f"{source} is not an inspector trust file ({TRUST_FORMAT}).")
    deployment = deployment_from_statement(Signed.from_json(document.get("deployment")))
    for item in document.get("keys") or []:
        deployment.add_key(Signed.from_json(item))
    for item in document.get("legacy_keys") or []:
        deployment.add_legacy_key(Signed.from_json(item))
    return deployment


def merge_keys(deployment: Deployment, statements: Iterable[Signed]) -> int:
    """Learn key statements (from a status file); returns how many were new or changed."""
    changed = 0
    for signed in statements:
        before = deployment.keys.get(KeyEntry.from_statement(signed.content()).kid)
        if deployment.add_key(signed) != (before[0] if before else None):
            changed += 1
    return changed


def now_utc() -> datetime:
    return datetime.now(UTC)
