"""The deployment's identity in the database: root statement, station keys, approval, rotation, revocation.

The first station on an empty key list creates the deployment: a root key (kept only in that
station's keys folder) and a prefix for serials. Every other station registers its own key as
pending; an admin approves it at the station holding the root key. Each station pins the root
public key in its own keys folder, so a database edit cannot swap the root (docs/trust.md).
"""

from __future__ import annotations

import contextlib
import json
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector.errors import BadInput, InvalidState, NotFound, StorageUnavailable
from inspector.security import keys
from inspector.security.payload import DEPLOYMENT_PREFIX
from inspector.security.roles import Actor, Permission
from inspector.security.trustlist import (
    Deployment,
    KeyEntry,
    Signed,
    b64url,
    deployment_from_statement,
    deployment_statement,
    key_entry_for,
    parse_trust_file,
    unb64url,
)
from inspector.services.context import ServiceContext
from inspector.storage.audit import append_event
from inspector.storage.models import DeploymentRecord, LegacyKeyRecord, SigningKeyRecord

ROOT_KEY_FILE = "root-key.pem"
ROOT_CANDIDATE_FILE = "root-key.new.pem"  # until the deployment naming it is committed
ROOT_PIN_FILE = "root.pub"
NEXT_KEY_FILE = "signing-key.next.pem"
# Capital letters and digits without look-alikes (no I, O, 0, 1): a prefix read aloud or retyped.
PREFIX_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class KeyView:
    kid: str
    station: str
    state: str  # pending | active | retired | revoked
    not_before: datetime
    retired_at: datetime | None
    revoked_at: datetime | None


def random_prefix() -> str:
    """Four characters, a letter first: about 600,000 prefixes, so two deployments rarely draw the same
    one, and importing a second deployment with a prefix already trusted is refused anyway."""
    letters = PREFIX_ALPHABET[:24]
    return secrets.choice(letters) + "".join(secrets.choice(PREFIX_ALPHABET) for _ in range(3))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class DeploymentKeys:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.keys_dir: Path = ctx.settings.keys_dir

    # --- joining -----------------------------------------------------------------------------

    def join(self) -> None:
        """Create the deployment on an empty key list, or register this station's key (pending)."""
        station_key = keys.load_or_create(self.keys_dir)
        # Retried when another station created the deployment or registered a moment earlier, or the
        # database asks for it (deadlock, serialisation): the retry then reads theirs.
        self.ctx.db.run_transaction(lambda session: self._join(session, station_key), retry_on_duplicate=True)
        self._settle_root()
        # Refresh keys/trusted/<PREFIX>.json: what checks audit and evidence signatures from files
        # alone then knows every certified station key of the deployment.
        with self.ctx.db.read() as session:
            self.deployment(session)

    def _settle_root(self) -> None:
        """The new root key becomes root-key.pem only once the deployment naming it is committed; a
        station that lost the race to create the deployment deletes its unused candidate."""
        candidate = self.keys_dir / ROOT_CANDIDATE_FILE
        if not candidate.exists():
            return
        with self.ctx.db.read() as session:
            record = session.get(DeploymentRecord, 1)
            committed = record.root_public_key if record else None
        key = keys.load_key_file(candidate)
        if committed == b64url(keys.raw_public_bytes(key.public_key)):
            keys.write_new_file(self.keys_dir / ROOT_KEY_FILE, keys.private_pem(key))
        if committed is not None:
            candidate.unlink(missing_ok=True)

    def _join(self, session: Session, station_key: keys.SigningKey) -> None:
        record = session.get(DeploymentRecord, 1)
        now = datetime.now(UTC)
        if record is None:
            root = keys.load_or_create_file(self.keys_dir / ROOT_CANDIDATE_FILE)
            prefix = (self.ctx.settings.deployment_prefix or random_prefix()).upper()
            if not DEPLOYMENT_PREFIX.match(prefix):
                raise BadInput(f"The deployment prefix {prefix!r} must be 3-5 capital letters or digits.")
            name = self.ctx.settings.deployment_name or f"inspector {prefix}"
            statement = deployment_statement(prefix, name, root)
            session.add(
                DeploymentRecord(
                    id=1,
                    prefix=prefix,
                    name=name,
                    root_public_key=b64url(keys.raw_public_bytes(root.public_key)),
                    statement=statement.text,
                    signature=b64url(statement.signature),
                )
            )
            session.flush()  # a station that created it a moment earlier makes this fail: join retries
            entry = key_entry_for(prefix, station_key.public_key, self.ctx.station_name, now)
            self._store_entry(session, entry, root)
            append_event(
                session,
                action="deployment.created",
                entity="deployment",
                entity_id=prefix,
                actor_id=None,
                station=self.ctx.station_name,
                data={"name": name, "root_kid": root.key_id, "station_kid": entry.kid},
            )
            return
        self._pin(record_root=record.root_public_key)
        if session.get(SigningKeyRecord, station_key.key_id) is None:
            self._register_pending(session, record.prefix, station_key, now)

    def _register_pending(self, session: Session, prefix: str, key: keys.SigningKey, now: datetime) -> None:
        entry = key_entry_for(prefix, key.public_key, self.ctx.station_name, now)
        session.add(
            SigningKeyRecord(
                kid=entry.kid, public_key=b64url(entry.public_key), station=entry.station, not_before=now
            )
        )
        # No audit event: the pending key's own signature would not be trusted yet; the approval is
        # the event that counts (key.approved), signed by an approved station.
        session.flush()

    def _pin(self, record_root: str) -> None:
        """Trust on first use: the root a station first saw is the only root it accepts afterwards."""
        path = self.keys_dir / ROOT_PIN_FILE
        try:
            if not path.exists():
                keys.write_new_file(path, record_root.encode("ascii"), 0o644)
            pinned = path.read_text(encoding="ascii").strip()
        except OSError as exc:
            raise StorageUnavailable(
                f"The keys folder {self.keys_dir} cannot be written ({exc.strerror})."
            ) from exc
        if pinned != record_root:
            raise InvalidState(
                "The database names a different deployment root key from the one this station trusts "
                f"({path}); certificates are not issued or checked until an admin sorts this out."
            )

    # --- reading -----------------------------------------------------------------------------

    def deployment(self, session: Session) -> Deployment:
        """The deployment as the root signed it; key rows without a valid root signature are left out."""
        record = session.get(DeploymentRecord, 1)
        if record is None:
            raise InvalidState("This database has no deployment yet; start a station on it first.")
        self._pin(record.root_public_key)
        deployment = deployment_from_statement(Signed(record.statement, unb64url(record.signature)))
        if b64url(deployment.root_key) != record.root_public_key:
            raise InvalidState("The deployment's statement names another root key than its record.")
        # What this station saw before comes first: a revocation or retirement once seen stays, even
        # if someone with database access puts back an older (validly signed) copy of the key's row.
        for signed in self._cached_statements(deployment):
            deployment.add_key(signed)
        for row in session.scalars(select(SigningKeyRecord).where(SigningKeyRecord.statement.is_not(None))):
            try:
                deployment.add_key(Signed(row.statement or "", unb64url(row.root_signature or "")))
            except BadInput:
                continue  # not signed by the pinned root: an edited or forged row is simply not trusted
        for legacy in session.scalars(select(LegacyKeyRecord)):
            with contextlib.suppress(BadInput):  # likewise: only the root's own statements count
                deployment.add_legacy_key(Signed(legacy.statement, unb64url(legacy.root_signature)))
        self._cache(deployment)
        return deployment

    def _cached_statements(self, deployment: Deployment) -> list[Signed]:
        path = self.keys_dir / keys.TRUSTED_DIR / f"{deployment.prefix}.json"
        try:
            cached = parse_trust_file(path.read_bytes(), str(path))
        except (OSError, BadInput):
            return []
        if cached.root_key != deployment.root_key:
            return []
        return [signed for _entry, signed in cached.keys.values()]

    def _cache(self, deployment: Deployment) -> None:
        """Keep this deployment's trust file in the keys folder (keys/trusted/<PREFIX>.json), so that
        what checks signatures from files alone (the audit log, evidence bundles) knows every station
        key, rotated ones included."""
        data = json.dumps(deployment.to_trust_file(), indent=1).encode("utf-8")
        path = self.keys_dir / keys.TRUSTED_DIR / f"{deployment.prefix}.json"
        try:
            if not path.exists() or path.read_bytes() != data:
                keys.replace_file(path, data, 0o644)
        except OSError:
            pass  # a cache: the database stays the source

    def key_list(self) -> list[KeyView]:
        with self.ctx.db.read() as session:
            deployment = self.deployment(session)
            rows = session.scalars(select(SigningKeyRecord).order_by(SigningKeyRecord.not_before)).all()
            views = []
            for row in rows:
                known = deployment.keys.get(row.kid)
                if known is None:
                    views.append(KeyView(row.kid, row.station, "pending", _aware(row.not_before), None, None))
                    continue
                entry = known[0]
                state = "revoked" if entry.revoked_at else "retired" if entry.retired_at else "active"
                views.append(
                    KeyView(
                        entry.kid, entry.station, state, entry.not_before, entry.retired_at, entry.revoked_at
                    )
                )
            return views

    def signing_key(self, session: Session) -> tuple[keys.SigningKey, Deployment]:
        """This station's key if the root certified it and it may sign now; else one sentence why not."""
        deployment = self.deployment(session)
        self._promote_next(deployment)
        key = keys.load_or_create(self.keys_dir)
        known = deployment.keys.get(key.key_id)
        if known is None:
            if session.get(SigningKeyRecord, key.key_id) is None:
                self._register_pending(session, deployment.prefix, key, datetime.now(UTC))
            raise InvalidState(
                f"This station's signing key {key.key_id} is waiting for an admin's approval "
                f"(`inspector keys approve {key.key_id}` at the station holding the root key); "
                "the verdict is recorded and its certificate can be printed once the key is approved."
            )
        why = known[0].may_sign_at(datetime.now(UTC))
        if why is not None:
            raise InvalidState(f"This station's signing key cannot sign: {why}; an admin must rotate it.")
        return key, deployment

    def _promote_next(self, deployment: Deployment) -> None:
        """After `keys rotate` the new key takes over once the root certified it; the old private key goes."""
        path = self.keys_dir / NEXT_KEY_FILE
        if not path.exists():
            return
        nxt = keys.load_key_file(path)
        if nxt.key_id in deployment.keys:
            keys.replace_file(self.keys_dir / keys.PRIVATE_KEY_FILE, keys.private_pem(nxt))
            keys.replace_file(self.keys_dir / keys.PUBLIC_KEY_FILE, keys.public_pem(nxt.public_key), 0o644)
            path.unlink(missing_ok=True)

    # --- admin actions -----------------------------------------------------------------------

    def root_key(self, deployment: Deployment) -> keys.SigningKey:
        path = self.keys_dir / ROOT_KEY_FILE
        if not path.exists():
            raise InvalidState(
                "This station does not hold the deployment's root key; do this at the station that "
                "created the deployment."
            )
        root = keys.load_key_file(path)
        if keys.raw_public_bytes(root.public_key) != deployment.root_key:
            raise InvalidState(f"The root key in {path} is not this deployment's root key.")
        return root

    def _store_entry(self, session: Session, entry: KeyEntry, root: keys.SigningKey) -> None:
        signed = Signed.make(entry.statement(), root)
        row = session.get(SigningKeyRecord, entry.kid)
        if row is None:
            row = SigningKeyRecord(kid=entry.kid)
            session.add(row)
        row.public_key = b64url(entry.public_key)
        row.station = entry.station
        row.not_before = entry.not_before
        row.retired_at = entry.retired_at
        row.revoked_at = entry.revoked_at
        row.statement = signed.text
        row.root_signature = b64url(signed.signature)
        session.flush()

    def approve(self, actor: Actor, kid: str) -> KeyView:
        """Certify a pending station key; the station's earlier keys retire now (a rotation completes)."""
        now = datetime.now(UTC)
        with self.ctx.db.transaction() as session:
            actor = self.ctx.authorize(session, actor, Permission.MANAGE_KEYS)
            deployment = self.deployment(session)
            root = self.root_key(deployment)
            row = session.get(SigningKeyRecord, kid)
            if row is None:
                raise NotFound(f"There is no key {kid}; `inspector keys list` shows the keys.")
            if kid in deployment.keys:
                raise InvalidState(f"The key {kid} is approved already.")
            entry = KeyEntry(
                deployment.prefix, kid, unb64url(row.public_key), row.station, _aware(row.not_before)
            )
            if keys.key_id_of(entry.key) != kid:
                raise InvalidState(f"The key row {kid} holds another key; it was not approved.")
            self._store_entry(session, entry, root)
            for other, _signed in list(deployment.keys.values()):
                if other.station == entry.station and other.retired_at is None and other.revoked_at is None:
                    self._store_entry(session, replace(other, retired_at=now), root)
            append_event(
                session,
                action="key.approved",
                entity="signing_key",
                entity_id=kid,
                actor_id=actor.user_id,
                station=self.ctx.station_name,
                data={"station": entry.station},
            )
        return next(v for v in self.key_list() if v.kid == kid)

    def rotate(self, actor: Actor) -> KeyView:
        """A new key for this station; it signs once approved (at once where the root key is here)."""
        with self.ctx.db.transaction() as session:
            actor = self.ctx.authorize(session, actor, Permission.MANAGE_KEYS)
            deployment = self.deployment(session)
            path = self.keys_dir / NEXT_KEY_FILE
            if path.exists():
                pending = keys.load_key_file(path)
                raise InvalidState(
                    f"This station's new key {pending.key_id} is waiting for approval already."
                )
            new = keys.SigningKey.generate()
            if not keys.write_new_file(path, keys.private_pem(new)):
                raise InvalidState("Another rotation of this station's key is under way.")
            self._register_pending(session, deployment.prefix, new, datetime.now(UTC))
            append_event(
                session,
                action="key.rotated",
                entity="signing_key",
                entity_id=new.key_id,
                actor_id=actor.user_id,
                station=self.ctx.station_name,
                data={},
            )
            holds_root = (self.keys_dir / ROOT_KEY_FILE).exists()
        if holds_root:
            return self.approve(actor, new.key_id)
        return next(v for v in self.key_list() if v.kid == new.key_id)

    def revoke(self, actor: Actor, kid: str, at: datetime) -> KeyView:
        """From `at` on the key's signatures are invalid everywhere the new key list reaches."""
        at = _aware(at)
        with self.ctx.db.transaction() as session:
            actor = self.ctx.authorize(session, actor, Permission.MANAGE_KEYS)
            deployment = self.deployment(session)
            root = self.root_key(deployment)
            known = deployment.keys.get(kid)
            if known is None:
                raise NotFound(f"There is no approved key {kid}.")
            entry = known[0]
            if entry.revoked_at is not None and entry.revoked_at <= at:
                raise InvalidState(
                    f"The key {kid} is revoked already (from {entry.revoked_at:%Y-%m-%d %H:%M})."
                )
            self._store_entry(session, replace(entry, revoked_at=at), root)
            append_event(
                session,
                action="key.revoked",
                entity="signing_key",
                entity_id=kid,
                actor_id=actor.user_id,
                station=self.ctx.station_name,
                data={"at": at.isoformat()},
            )
        return next(v for v in self.key_list() if v.kid == kid)

    def trust_file(self) -> bytes:
        with self.ctx.db.read() as session:
            deployment = self.deployment(session)
        return json.dumps(deployment.to_trust_file(), indent=1).encode("utf-8")
