"""Roles, what each may do, and who is acting.

Identity comes from a login session, never from the caller
-----------------------------------------------------------
`UserService.login(badge_or_name, pin)` returns an `Actor` that carries an opaque session token
(random, 256 bits; the database keeps only its SHA-256, with user, station, start, expiry and end).
The role and name on an `Actor` are for display only: a service never trusts them. Every service
method that acts for someone checks the session *inside its own transaction* with one call, which
re-reads the user's role and active flag and returns the verified actor to use from then on::

    def finish(self, actor: Actor, inspection_id: int) -> InspectionView:
        with self.ctx.db.transaction() as session:
            actor = self.ctx.authorize(session, actor, Permission.INSPECT)
            ...  # use actor.user_id / actor.role: they come from the database

(with `run_transaction(work)`, call it first thing inside `work(session)`; for a read, inside
`ctx.db.read()`; `Permission` may be omitted when any logged-in user may do it). `authorize` raises
`PermissionDenied` with one sentence when the actor was built by hand (`Actor(3, "x", Role.ADMIN)`
has no token), when the token is unknown, expired or logged out, belongs to another user or another
station, when the user is switched off, or when the user's *current* role lacks the permission.
`UserService.logout(actor)` ends the session. In the CLI, `inspector.cli.login` adds `--as/--pin`
to a command and logs in (see its docstring). Tests log in through `UserService.login` too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


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
    # Taking over another authenticator's open inspection (audited).
    TAKE_OVER = "take over inspections"
    # The deployment's keys, trust and published status (keys import/rotate, status export).
    MANAGE_KEYS = "manage keys"
    # Writing signed checkpoints of the audit log.
    AUDIT = "audit"
    # Capturing genuine reference photos at the bench (a new checklist version each time).
    MANAGE_REFERENCES = "manage references"


GRANTS: dict[Role, frozenset[Permission]] = {
    Role.AUTHENTICATOR: frozenset({Permission.INSPECT, Permission.PRINT}),
    Role.SUPERVISOR: frozenset({
        Permission.INSPECT, Permission.PRINT, Permission.REVIEW, Permission.CALIBRATE,
        Permission.VIEW_ANALYTICS, Permission.EXPORT, Permission.TAKE_OVER, Permission.AUDIT,
        Permission.MANAGE_REFERENCES,
    }),
    Role.ADMIN: frozenset(Permission),
}


@dataclass(frozen=True)
class Actor:
    """Who is acting: a logged-in user as `UserService.login` returned them, with their session token.

    Only `token` counts for the services; `user_id`, `name` and `role` mirror the database for the UI.
    """

    user_id: int
    name: str
    role: Role
    badge_code: str | None = None
    token: str = field(default="", repr=False, compare=False)

    def can(self, permission: Permission) -> bool:
        """What the UI shows; the services decide with `ServiceContext.authorize`."""
        return permission in GRANTS[self.role]
