"""Users: the first admin, adding and changing users, logging in by badge or name plus PIN, lockout.

Every event about a user carries the user's whole resulting state (`user_state`), so the users table,
roles and lockouts can be replayed from the audit log alone.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from inspector.errors import BadInput, InvalidState, NotFound, PermissionDenied
from inspector.security.pins import hash_pin, lock_for, pin_matches, spend_a_check
from inspector.security.roles import Actor, Permission, Role
from inspector.services import identity
from inspector.services.context import ServiceContext
from inspector.services.views import UserView
from inspector.storage.audit import append_event
from inspector.storage.models import LoginSession, User

LOGIN_FAILED = "Unknown user or wrong PIN."
DEMO_BADGE = "B-1001"


def _aware(moment: datetime | None) -> datetime | None:
    return None if moment is None else (moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def user_state(user: User) -> dict[str, Any]:
    """The user row as the audit log records it after every change (the PIN only as a digest of its hash)."""
    locked = _aware(user.locked_until)
    return {
        "name": user.name, "role": user.role, "badge": user.badge_code, "active": bool(user.active),
        "failed_pins": int(user.failed_pins or 0),
        "locked_until": locked.isoformat() if locked else None,
        "pin": hashlib.sha256(user.pin_hash.encode("utf-8")).hexdigest(),
    }


def _view(user: User) -> UserView:
    return UserView(user.id, user.name, user.role, user.badge_code, user.active, _aware(user.locked_until))


def lockout_sentence(label: str, until: datetime, now: datetime) -> str:
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return (f"Too many wrong PINs: {label} is locked for {minutes} more {unit} "
            f"(until {until:%H:%M} UTC); an admin can unlock it.")


@dataclass(frozen=True)
class _Attempt:
    actor: Actor | None
    refusal: str = ""


class UserService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def has_users(self) -> bool:
        with self.ctx.db.read() as session:
            return bool(session.scalar(select(func.count(User.id))))

    def is_demo_station(self) -> bool:
        """Whether the demo people exist (the login page then lists them); reveals nothing else."""
        with self.ctx.db.read() as session:
            return session.scalar(select(User.id).where(User.badge_code == DEMO_BADGE)) is not None

    def create_first_admin(self, name: str, pin: str, badge_code: str | None = None) -> UserView:
        """Only on an empty database: the bootstrap of a new deployment."""
        with self.ctx.db.transaction() as session:
            if session.scalar(select(func.count(User.id))):
                raise InvalidState("There are users already; ask an admin to add you.")
            return self._add(session, None, name, pin, Role.ADMIN, badge_code)

    def create_user(
        self, actor: Actor, name: str, pin: str, role: Role | str, badge_code: str | None = None
    ) -> UserView:
        role = _role(role)
        with self.ctx.db.transaction() as session:
            actor = self.ctx.authorize(session, actor, Permission.MANAGE_USERS)
            return self._add(session, actor, name, pin, role, badge_code)

    def _add(self, session: Session, actor: Actor | None, name: str, pin: str, role: Role,
             badge_code: str | None) -> UserView:
        name = name.strip()
        if not name:
            raise BadInput("A user needs a name.")
        user = User(name=name, role=role.value, pin_hash=hash_pin(pin),
                    badge_code=(badge_code or "").strip() or None, active=True, failed_pins=0)
        session.add(user)
        try:
            session.flush()
        except IntegrityError as exc:
            raise BadInput(f"A user named {name!r} or with that badge exists already.") from exc
        self._event(session, "user.created", user, actor.user_id if actor else None)
        return _view(user)

    def set_active(self, actor: Actor, user_id: int, active: bool) -> UserView:
        with self.ctx.db.transaction() as session:
            actor = self.ctx.authorize(session, actor, Permission.MANAGE_USERS)
            user = self._user(session, user_id)
            user.active = active
            # Switched off ends their logins too: switching back on does not revive an old session.
            ended = 0 if active else identity.end_all_sessions(session, user.id)
            self._event(session, "user.activated" if active else "user.deactivated", user, actor.user_id,
                        **({} if active else {"sessions_ended": ended}))
            return _view(user)

    def set_role(self, actor: Actor, user_id: int, role: Role | str) -> UserView:
        role = _role(role)
        with self.ctx.db.transaction() as session:
            actor = self.ctx.authorize(session, actor, Permission.MANAGE_USERS)
            user = self._user(session, user_id)
            previous = user.role
            user.role = role.value
            self._event(session, "user.role_changed", user, actor.user_id, previous_role=previous)
            return _view(user)

    def unlock(self, actor: Actor, who: str | int) -> UserView:
        """Lift a PIN lockout and forget the wrong PINs (by id, badge or name)."""
        with self.ctx.db.transaction() as session:
            actor = self.ctx.authorize(session, actor, Permission.MANAGE_USERS)
            user = self._user(session, who) if isinstance(who, int) else self._find(session, who)
            if user is None:
                raise NotFound(f"There is no user {who!r}.")
            user.failed_pins = 0
            user.locked_until = None
            self._event(session, "user.unlocked", user, actor.user_id)
            return _view(user)

    def list_users(self, actor: Actor) -> list[UserView]:
        with self.ctx.db.read() as session:
            self.ctx.authorize(session, actor, Permission.MANAGE_USERS)
            return [_view(u) for u in session.scalars(select(User).order_by(User.name))]

    # --- logging in and out -------------------------------------------------------------------

    def login(self, who: str, pin: str) -> Actor:
        """`who` is a badge code or a name. Returns an actor holding a new session's token.

        Every refusal costs one PIN check and one recorded event, whether the badge exists or not,
        so the time of an answer does not tell which badges exist."""
        who = who.strip()
        with self.ctx.db.read() as session:
            found = self._find(session, who)
            user_id, pin_hash = (found.id, found.pin_hash) if found else (None, "")
            locked = found is not None and self._locked(found, datetime.now(UTC))
        if user_id is None or locked:
            spend_a_check(pin)
            matched = False
        else:
            matched = pin_matches(pin_hash, pin)
        attempt = self.ctx.db.run_transaction(lambda s: self._settle(s, who, user_id, matched))
        if attempt.actor is None:
            raise PermissionDenied(attempt.refusal)
        return attempt.actor

    def _settle(self, session: Session, who: str, user_id: int | None, matched: bool) -> _Attempt:
        now = datetime.now(UTC)
        # Locked for the rest of the transaction: attempts at several stations at once all count.
        user = session.get(User, user_id, with_for_update=True) if user_id is not None else None
        if user is None:
            append_event(session, action="login.failed", entity="login", entity_id=who[:80], actor_id=None,
                         station=self.ctx.station_name, data={"who": who[:80]})
            return _Attempt(None, LOGIN_FAILED)
        label = user.badge_code or user.name
        until = self._locked(user, now)
        if until is not None:
            self._event(session, "user.login_refused", user, None, reason="locked")
            return _Attempt(None, lockout_sentence(label, until, now))
        if not matched:
            user.failed_pins = int(user.failed_pins or 0) + 1
            delay = lock_for(user.failed_pins)
            if delay is not None:
                user.locked_until = now + delay
            self._event(session, "user.login_failed", user, None)
            if delay is None:
                return _Attempt(None, LOGIN_FAILED)
            self._event(session, "user.locked", user, None, lock_seconds=int(delay.total_seconds()))
            return _Attempt(None, lockout_sentence(label, now + delay, now))
        if not user.active:
            self._event(session, "user.login_refused", user, None, reason="switched off")
            return _Attempt(None, f"{user.name}'s account is switched off; ask an admin.")
        user.failed_pins = 0
        user.locked_until = None
        actor, session_id = identity.open_session(session, user, self.ctx.station_name, now)
        opened = session.get(LoginSession, session_id)  # in the session already: no query
        assert opened is not None
        # What the replay checks the session row against (services/replay_tables.py).
        self._event(session, "user.login", user, user.id, session=session_id,
                    expires_at=opened.expires_at.isoformat(),
                    token=identity.session_token_digest(opened.token_hash))
        return _Attempt(actor)

    def logout(self, actor: Actor) -> None:
        """End the actor's session; their token is refused from now on."""
        with self.ctx.db.transaction() as session:
            session_id = identity.end_session(session, actor, self.ctx.station_name)
            if session_id is not None:
                append_event(session, action="user.logout", entity="user", entity_id=actor.user_id,
                             actor_id=actor.user_id, station=self.ctx.station_name,
                             data={"session": session_id})

    # --- helpers ------------------------------------------------------------------------------

    @staticmethod
    def _find(session: Session, who: str) -> User | None:
        who = who.strip()
        if not who:
            return None
        return session.scalar(
            select(User).where(or_(User.badge_code == who, func.lower(User.name) == who.lower()))
        )

    @staticmethod
    def _user(session: Session, user_id: int) -> User:
        user = session.get(User, user_id)
        if user is None:
            raise NotFound(f"There is no user {user_id}.")
        return user

    @staticmethod
    def _locked(user: User, now: datetime) -> datetime | None:
        until = _aware(user.locked_until)
        return until if until is not None and until > now else None

    def _event(self, db: Session, action: str, user: User, actor_id: int | None, **extra: Any) -> None:
        db.flush()
        append_event(db, action=action, entity="user", entity_id=user.id, actor_id=actor_id,
                     station=self.ctx.station_name, data={**user_state(user), **extra})


def _role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError as exc:
        raise BadInput(f"Unknown role {role!r}; use one of {', '.join(r.value for r in Role)}.") from exc
