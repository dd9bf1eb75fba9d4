"""Login sessions: opening one for a user, checking it on every service call, ending it.

The pattern every service follows is described in `inspector.security.roles`.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from inspector.errors import PermissionDenied
from inspector.security.roles import GRANTS, Actor, Permission, Role
from inspector.storage.models import LoginSession, User

# NIST SP 800-63B §4.2.3 (AAL2): log in again at least every 12 hours, i.e. once per shift.
SESSION_LIFETIME = timedelta(hours=12)

NOT_LOGGED_IN = "Log in first: this needs a logged-in user."
SESSION_ENDED = "Your login has ended (logged out or expired); log in again."


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def session_token_digest(token_hash: str) -> str:
    """What a `user.login` event says about its session's token: a digest of the stored digest (the
    log reveals nothing the table does not; a token hash swapped in the table shows on replay)."""
    return hashlib.sha256(token_hash.encode("ascii")).hexdigest()


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes for timezone-aware columns; they were stored as UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def open_session(session: Session, user: User, station: str,
                 now: datetime | None = None) -> tuple[Actor, int]:
    """A new login for `user` at `station`: (the actor holding the token, the session row's id)."""
    now = now or datetime.now(UTC)
    token = secrets.token_urlsafe(32)
    row = LoginSession(token_hash=token_digest(token), user_id=user.id, station=station,
                       created_at=now, expires_at=now + SESSION_LIFETIME)
    session.add(row)
    session.flush()
    return Actor(user.id, user.name, Role(user.role), user.badge_code, token=token), row.id


def _live_session(session: Session, actor: Actor | None, station: str) -> tuple[LoginSession, User]:
    if actor is None or not isinstance(actor, Actor) or not actor.token:
        raise PermissionDenied(NOT_LOGGED_IN)
    row = session.scalar(select(LoginSession).where(LoginSession.token_hash == token_digest(actor.token)))
    user = session.get(User, row.user_id) if row is not None else None
    if row is None or user is None:
        raise PermissionDenied(SESSION_ENDED)
    if user.id != actor.user_id:
        raise PermissionDenied("This login is not the user it claims to be; log in again.")
    if not user.active:
        raise PermissionDenied(f"{user.name}'s account is switched off; ask an admin.")
    if row.ended_at is not None or _aware(row.expires_at) <= datetime.now(UTC):
        raise PermissionDenied(SESSION_ENDED)
    if row.station != station:
        raise PermissionDenied(f"This login belongs to station {row.station}; log in at this station.")
    return row, user


def authorize(session: Session, actor: Actor | None, permission: Permission | None, station: str) -> Actor:
    """The verified actor (role and name re-read now), or PermissionDenied with one sentence."""
    _row, user = _live_session(session, actor, station)
    role = Role(user.role)
    if permission is not None and permission not in GRANTS[role]:
        raise PermissionDenied(f"{user.name} ({role}) may not {permission}.")
    assert actor is not None
    return Actor(user.id, user.name, role, user.badge_code, token=actor.token)


def end_all_sessions(session: Session, user_id: int) -> int:
    """End every open session of the user (switched off): how many were open."""
    result = session.execute(update(LoginSession).where(LoginSession.user_id == user_id,
                                                        LoginSession.ended_at.is_(None))
                             .values(ended_at=datetime.now(UTC)))
    return int(getattr(result, "rowcount", 0) or 0)


def end_session(session: Session, actor: Actor, station: str) -> int | None:
    """End the actor's session (logging out twice is harmless): the ended session's id, if any."""
    try:
        row, _user = _live_session(session, actor, station)
    except PermissionDenied:
        return None
    row.ended_at = datetime.now(UTC)
    return row.id
