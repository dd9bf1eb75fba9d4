"""Subcommands over the records: inspections list, audit verify, db upgrade, demo, users."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from inspector.cli.login import add_login_arguments, logged_in
from inspector.config import load_settings
from inspector.security.roles import Permission


def register(subparsers: Any) -> None:
    inspections = subparsers.add_parser("inspections", help="list inspections")
    inspections_sub = inspections.add_subparsers(dest="inspections_command", metavar="ACTION")
    listing = inspections_sub.add_parser("list", help="list inspections")
    listing.add_argument("--verdict", choices=["pass", "fail", "inconclusive"])
    listing.add_argument("--status", choices=["open", "finished"])
    listing.add_argument("--limit", type=int)
    listing.add_argument("--json", action="store_true", help="print a JSON list")
    add_login_arguments(listing)
    listing.set_defaults(func=_list_inspections)
    take_over = inspections_sub.add_parser(
        "take-over", help="a supervisor takes an open inspection over from its holder (audited)")
    take_over.add_argument("inspection_id", type=int)
    take_over.add_argument("--reason", required=True, help="why (the holder went home, ...)")
    add_login_arguments(take_over)
    take_over.set_defaults(func=_take_over)

    audit = subparsers.add_parser("audit", help="check the audit chain and photo hashes")
    audit_sub = audit.add_subparsers(dest="audit_command", metavar="ACTION")
    verify = audit_sub.add_parser(
        "verify", help="recompute the audit log, replay it against the tables, check every photo hash")
    verify.add_argument("--checkpoint", type=Path, metavar="FILE",
                        help="a signed checkpoint held elsewhere: prove the log still extends it")
    verify.set_defaults(func=_audit_verify)
    checkpoint = audit_sub.add_parser("checkpoint",
                                      help="sign the audit log's current root (C2SP checkpoint)")
    checkpoint.add_argument("-o", "--output", type=Path, metavar="FILE", help="also write it here")
    add_login_arguments(checkpoint)
    checkpoint.set_defaults(func=_audit_checkpoint)

    db = subparsers.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION")
    upgrade = db_sub.add_parser("upgrade", help="apply migrations")
    upgrade.set_defaults(func=_db_upgrade)
    roles = db_sub.add_parser("roles", help="PostgreSQL: a role for stations that cannot alter the audit log")
    roles.add_argument("--station-role", default="inspector_station", metavar="NAME")
    roles.add_argument("--password", help="the role's login password (or set it yourself later)")
    roles.set_defaults(func=_db_roles)

    demo = subparsers.add_parser("demo", help="fill the database with demo users, items and inspections")
    demo.add_argument("--inspections", type=int, default=36, help="how many finished inspections")
    demo.add_argument("--seed", type=int, default=7)
    demo.set_defaults(func=_demo)

    returns = subparsers.add_parser("returns", help="check that a returned item is the unit that passed")
    returns_sub = returns.add_subparsers(dest="returns_command", metavar="ACTION")
    returns_check = returns_sub.add_parser("check", help="compare a return's photos with the passed ones")
    returns_check.add_argument("inspection_id", type=int)
    add_login_arguments(returns_check)
    returns_check.set_defaults(func=_returns_check)

    users = subparsers.add_parser("users", help="manage users")
    users_sub = users.add_subparsers(dest="users_command", metavar="ACTION")
    users_list = users_sub.add_parser("list", help="list users (as an admin)")
    add_login_arguments(users_list)
    users_list.set_defaults(func=_users_list)
    unlock = users_sub.add_parser("unlock", help="lift a badge's PIN lockout (as an admin)")
    unlock.add_argument("who", help="the locked user's badge code or name")
    add_login_arguments(unlock)
    unlock.set_defaults(func=_users_unlock)
    add = users_sub.add_parser("add", help="add a user (as an admin; the first admin needs no login)")
    add.add_argument("name")
    add.add_argument("--role", choices=["authenticator", "supervisor", "admin"], default="authenticator")
    add.add_argument("--badge")
    add.add_argument("--pin", required=True, help="the new user's PIN (4-12 digits)")
    add.add_argument("--as", dest="admin", help="admin name or badge (not needed for the first admin)")
    add.add_argument("--admin-pin", help="that admin's PIN (default: $INSPECTOR_PIN, else asked)")
    add.set_defaults(func=_users_add)


def _open() -> Any:
    from inspector.services.station import open_station

    return open_station(load_settings())


def _take_over(args: argparse.Namespace) -> int:
    station = _open()
    try:
        with logged_in(station, args, Permission.TAKE_OVER) as actor:
            view = station.inspections.take_over(actor, args.inspection_id, args.reason)
    finally:
        station.close()
    print(f"inspection {view.id} ({view.item.code}) is now held by {actor.name}")
    return 0


def _list_inspections(args: argparse.Namespace) -> int:
    from inspector.services.queries import list_inspections

    station = _open()
    try:
        # An authenticator lists their own inspections; a supervisor or admin every one.
        with logged_in(station, args, Permission.INSPECT) as actor:
            rows = list_inspections(station.ctx, actor, verdict=args.verdict, status=args.status,
                                    limit=args.limit)
    finally:
        station.close()
    if args.json:
        json.dump([row.to_json() for row in rows], sys.stdout, indent=2)
        print()
        return 0
    print(f"{'ID':>5}  {'ITEM':<16} {'CHECKLIST':<32} {'VERDICT':<13} {'SERIAL':<20} FINISHED")
    for row in rows:
        finished = row.finished_at.strftime("%Y-%m-%d %H:%M") if row.finished_at else "(open)"
        print(f"{row.id:>5}  {row.item:<16} {row.checklist:<32} {row.verdict or '-':<13} "
              f"{row.serial or '-':<20} {finished}")
    print(f"{len(rows)} inspections")
    return 0


def _audit_verify(args: argparse.Namespace) -> int:
    from inspector.services.integrity import verify_integrity

    report = verify_integrity(_open().ctx, args.checkpoint)
    for line in report.lines():
        print(line)
    return 0 if report.ok else 1


def _audit_checkpoint(args: argparse.Namespace) -> int:
    from inspector.services.checkpoints import write_checkpoint

    station = _open()
    with logged_in(station, args, Permission.AUDIT):
        written = write_checkpoint(station.ctx, args.output)
    print(f"checkpoint of {written.checkpoint.size} events written to {written.path} "
          f"({written.events_checked} new events checked)")
    return 0


def _db_upgrade(_args: argparse.Namespace) -> int:
    from inspector.services.analytics import fill_summary
    from inspector.storage import migrate
    from inspector.storage.database import Database

    settings = load_settings()
    settings.ensure_folders()
    db = Database(settings.database_url)
    with db._guard():
        before = migrate.current_revision(db.engine)
        migrate.upgrade(db.engine)
        after = migrate.current_revision(db.engine)
        migrate.refresh_statistics(db.engine)
        filled = fill_summary(db)  # closed days for the desk's analytics, so no supervisor waits for them
    print(f"database at revision {after}" + ("" if before == after else f" (was {before or 'empty'})")
          + "; planner statistics refreshed" + (f"; desk summary: {filled} days filled" if filled else ""))
    return 0


def _db_roles(args: argparse.Namespace) -> int:
    from inspector.storage import migrate
    from inspector.storage.database import Database
    from inspector.storage.pg_roles import set_up_station_role

    settings = load_settings()
    db = Database(settings.database_url)
    with db._guard():
        migrate.upgrade(db.engine)
        for line in set_up_station_role(db.engine, args.station_role, args.password):
            print(line)
    print("stations connect as that role (INSPECTOR_DATABASE_URL=postgresql+psycopg://"
          f"{args.station_role}:...@host/db); run `inspector db roles` again after each upgrade")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from inspector.services.demo import seed_demo

    station = _open()
    summary = seed_demo(station, inspections=args.inspections, seed=args.seed,
                        progress=lambda text: print(text, file=sys.stderr))
    print(summary)
    return 0


def _returns_check(args: argparse.Namespace) -> int:
    station = _open()
    with logged_in(station, args, Permission.INSPECT) as actor:
        result = station.returns.check(actor, args.inspection_id)
    for step in result.steps:
        print(f"  {step.step_id:<24} {step.score:6.0%}  {step.message}")
    print(result.message)
    return 0 if result.same else 1


def _users_list(args: argparse.Namespace) -> int:
    station = _open()
    with logged_in(station, args, Permission.MANAGE_USERS) as actor:
        users = station.users.list_users(actor)
    for user in users:
        state = "" if user.active else " (switched off)"
        if user.locked_until is not None:
            state += f" (locked until {user.locked_until:%Y-%m-%d %H:%M} UTC)"
        print(f"{user.id:>4}  {user.name:<20} {user.role:<14} {user.badge_code or '-'}{state}")
    return 0


def _users_unlock(args: argparse.Namespace) -> int:
    station = _open()
    with logged_in(station, args, Permission.MANAGE_USERS) as actor:
        user = station.users.unlock(actor, args.who)
    print(f"unlocked {user.name} ({user.badge_code or 'no badge'})")
    return 0


def _users_add(args: argparse.Namespace) -> int:
    station = _open()
    if not station.users.has_users():
        user = station.users.create_first_admin(args.name, args.pin, args.badge)
    else:
        if not args.admin:
            print("inspector: adding a user needs --as ADMIN and --admin-pin", file=sys.stderr)
            return 2
        admin = argparse.Namespace(user=args.admin, pin=args.admin_pin)
        with logged_in(station, admin, Permission.MANAGE_USERS) as actor:
            user = station.users.create_user(actor, args.name, args.pin, args.role, args.badge)
    print(f"added {user.name} ({user.role}), id {user.id}")
    return 0
