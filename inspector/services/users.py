"""Users: the first admin, adding users, logging in by name or badge plus PIN."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from inspector.errors import BadInput, InvalidState, PermissionDenied
from inspector.security.pins import hash_pin, pin_matches
from inspector.security.roles import Actor, Permission, Role, require
from inspector.services.context import ServiceContext
from inspector.services.views import UserView
from inspector.storage.audit import append_event
from inspector.storage.models import User

LOGIN_FAILED = "Unknown user or wrong PIN."


def _view(user: User) -> UserView:
    return UserView(user.id, user.name, user.role, user.badge_code, user.active)


class UserService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def has_users(self) -> bool:
        with self.ctx.db.read() as session:
            return bool(session.scalar(select(func.count(User.id))))

    def create_first_admin(self, name: str, pin: str, badge_code: str | None = None) -> UserView:
        """Only on an empty database: the bootstrap of a new deployment."""
        with self.ctx.db.transaction() as session:
            if session.scalar(select(func.count(User.id))):
                raise InvalidState("There are users already; ask an admin to add you.")
            return self._add(session, None, name, pin, Role.ADMIN, badge_code)

    def create_user(
        self, actor: Actor, name: str, pin: str, role: Role | str, badge_code: str | None = None
    ) -> UserView:
        require(actor, Permission.MANAGE_USERS)
        with self.ctx.db.transaction() as session:
            return self._add(session, actor, name, pin, Role(role), badge_code)

    def _add(self, session: Session, actor: Actor | None, name: str, pin: str, role: Role,
             badge_code: str | None) -> UserView:
        name = name.strip()
        if not name:
            raise BadInput("A user needs a name.")
        user = User(name=name, role=role.value, pin_hash=hash_pin(pin),
                    badge_code=(badge_code or "").strip() or None, active=True)
        session.add(user)
        try:
            session.flush()
        except IntegrityError as exc:
            raise BadInput(f"A user named {name!r} or with that badge exists already.") from exc
        append_event(session, action="user.created", entity="user", entity_id=user.id,
                     actor_id=actor.user_id if actor else None, station=self.ctx.station_name,
                     data={"name": user.name, "role": user.role, "badge": user.badge_code})
        return _view(user)

    def set_active(self, actor: Actor, user_id: int, active: bool) -> UserView:
        require(actor, Permission.MANAGE_USERS)
        with self.ctx.db.transaction() as session:
            user = session.get(User, user_id)
            if user is None:
                raise BadInput(f"There is no user {user_id}.")
            user.active = active
            append_event(session, action="user.activated" if active else "user.deactivated",
                         entity="user", entity_id=user.id, actor_id=actor.user_id,
                         station=self.ctx.station_name)
            return _view(user)

    def login(self, who: str, pin: str) -> Actor:
        """`who` is a badge code or a name; the same message for either mistake."""
        who = who.strip()
        with self.ctx.db.read() as session:
            user = session.scalar(
                select(User).where(or_(User.badge_code == who, func.lower(User.name) == who.lower()))
            )
            if user is None or not pin_matches(user.pin_hash, pin):
                raise PermissionDenied(LOGIN_FAILED)
            if not user.active:
                raise PermissionDenied(f"{user.name}'s account is switched off; ask an admin.")
            return Actor(user.id, user.name, Role(user.role), user.badge_code)

    def list_users(self) -> list[UserView]:
        with self.ctx.db.read() as session:
            return [_view(u) for u in session.scalars(select(User).order_by(User.name))]
