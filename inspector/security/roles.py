"""Roles and what each may do; the services check these, the UI only mirrors them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from inspector.errors import PermissionDenied


class Role(StrEnum):
    AUTHENTICATOR = "authenticator"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class Permission(StrEnum):
    INSPECT = "inspect"
    REVIEW = "review"
    CALIBRATE = "calibrate"
    VIEW_ANALYTICS = "view analytics"
    EXPORT = "export"
    MANAGE_USERS = "manage users"
    PRINT = "print"


GRANTS: dict[Role, frozenset[Permission]] = {
    Role.AUTHENTICATOR: frozenset({Permission.INSPECT, Permission.PRINT}),
    Role.SUPERVISOR: frozenset({
        Permission.INSPECT, Permission.PRINT, Permission.REVIEW, Permission.CALIBRATE,
        Permission.VIEW_ANALYTICS, Permission.EXPORT,
    }),
    Role.ADMIN: frozenset(Permission),
}


@dataclass(frozen=True)
class Actor:
    """Who is acting: the logged-in user, as the services see them."""

    user_id: int
    name: str
    role: Role
    badge_code: str | None = None

    def can(self, permission: Permission) -> bool:
        return permission in GRANTS[self.role]


def require(actor: Actor | None, permission: Permission) -> Actor:
    if actor is None:
        raise PermissionDenied(f"Log in first: {permission} needs a user.")
    if not actor.can(permission):
        raise PermissionDenied(f"{actor.name} ({actor.role}) may not {permission}.")
    return actor
