"""`inspector keys legacy`: the root vouches for a station key of certificate format 1 (INS1).

Certificates printed before deployment trust carry `INS1:` payloads signed by each station's own key.
An upgraded station kept that key (keys/signing-key.pem became its first certified key), so its
public key is known; the root's legacy statement says up to when INS1 certificates signed with it are
the deployment's. It travels in the trust file; docs/trust.md says when to use it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from inspector.errors import BadInput, InvalidState
from inspector.security import keys
from inspector.security.roles import Actor, Permission
from inspector.security.trustlist import LegacyKey, Signed, b64url, unb64url
from inspector.services.deployment import DeploymentKeys
from inspector.storage.audit import append_event
from inspector.storage.models import LegacyKeyRecord, SigningKeyRecord


def vouch_legacy_key(trust: DeploymentKeys, actor: Actor, key: str | bytes, station: str | None = None,
                     until: datetime | None = None) -> LegacyKey:
    """`key` is a key id the deployment knows (an upgraded station's key) or a PEM public key (the
    format-1 `keys export` file). Station and end default to that key's row: its station and the
    moment it became a certified key, when format 2 took over."""
    ctx = trust.ctx
    with ctx.db.transaction() as session:
        actor = ctx.authorize(session, actor, Permission.MANAGE_KEYS)
        deployment = trust.deployment(session)
        root = trust.root_key(deployment)
        if isinstance(key, bytes):
            public = keys.load_public_key(key, "The legacy key file")
            kid = keys.key_id_of(public)
            raw = keys.raw_public_bytes(public)
        else:
            kid = key.strip().lower()
            known = session.get(SigningKeyRecord, kid)
            if known is None:
                raise BadInput(f"There is no key {kid} here; give the old station's public key file instead.")
            raw = unb64url(known.public_key)
        row = session.get(SigningKeyRecord, kid)
        station = station or (row.station if row else None)
        until = until or (row.not_before if row else None)
        if not station or until is None:
            raise BadInput("This key is not in the key list: say which station held it (--station) "
                           "and until when it signed format-1 certificates (--until).")
        if kid in deployment.legacy_keys:
            raise InvalidState(f"The key {kid} is vouched for already (format 1 up to "
                               f"{deployment.legacy_keys[kid][0].signed_until:%Y-%m-%d %H:%M} UTC).")
        until = until if until.tzinfo else until.replace(tzinfo=UTC)
        entry = LegacyKey(deployment.prefix, kid, raw, station, until.astimezone(UTC).replace(microsecond=0))
        signed = Signed.make(entry.statement(), root)
        # A row without the root's signature (an insider's) counts for nothing; the root's replaces it.
        record = session.get(LegacyKeyRecord, kid) or LegacyKeyRecord(kid=kid)
        record.station, record.signed_until = station, entry.signed_until
        record.statement, record.root_signature = signed.text, b64url(signed.signature)
        session.add(record)
        append_event(session, action="key.legacy_vouched", entity="signing_key", entity_id=kid,
                     actor_id=actor.user_id, station=ctx.station_name,
                     data={"station": station, "signed_until": entry.signed_until.isoformat()})
    with ctx.db.read() as session:
        trust.deployment(session)  # refresh keys/trusted/<PREFIX>.json
    return entry
