"""`--as/--pin` for every command that changes or reveals records: one login, checked by the services.

A command that needs a user adds the options and logs in when it runs::

    from inspector.cli.login import add_login_arguments, logged_in
    from inspector.security.roles import Permission

    rotate = keys_sub.add_parser("rotate", help="...")
    add_login_arguments(rotate)

    def _rotate(args):
        station = open_station()
        try:
            with logged_in(station, args, Permission.MANAGE_KEYS) as actor:
                ...  # pass `actor` to the services; they check its session again
        finally:
            station.close()

`logged_in` refuses (one sentence, exit code 2) a wrong PIN, a locked badge, a switched-off user or a
role without the permission, and logs out afterwards. The PIN comes from `--pin`, else the
INSPECTOR_PIN environment variable (keeps it out of the shell history), else a prompt on a terminal.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from inspector.errors import BadInput, PermissionDenied
from inspector.security.roles import Actor, Permission

if TYPE_CHECKING:
    from inspector.services.station import StationServices

PIN_VARIABLE = "INSPECTOR_PIN"


def add_login_arguments(parser: argparse.ArgumentParser, *, required: bool = True) -> None:
    parser.add_argument("--as", dest="user", required=required, metavar="BADGE_OR_NAME",
                        help="who runs this command (badge code or name)")
    parser.add_argument("--pin", help=f"that user's PIN (default: ${PIN_VARIABLE}, else asked)")


def pin_from(args: argparse.Namespace) -> str:
    pin = getattr(args, "pin", None) or os.environ.get(PIN_VARIABLE)
    if pin:
        return str(pin)
    if sys.stdin.isatty():
        return getpass.getpass(f"PIN for {args.user}: ")
    raise BadInput(f"Give --pin, or set {PIN_VARIABLE}.")


def log_in(station: StationServices, args: argparse.Namespace, permission: Permission | None = None) -> Actor:
    """The logged-in actor, refused unless their current role has `permission`."""
    if not getattr(args, "user", None):
        raise PermissionDenied(f"Log in with --as BADGE --pin PIN: only a user who may {permission or 'act'} "
                               "can do this.")
    actor = station.users.login(args.user, pin_from(args))
    if permission is not None:
        try:
            station.ctx.authorize_now(actor, permission)
        except Exception:
            station.users.logout(actor)
            raise
    return actor


@contextmanager
def logged_in(station: StationServices, args: argparse.Namespace,
              permission: Permission | None = None) -> Iterator[Actor]:
    """`log_in`, and log out when the command is done."""
    actor = log_in(station, args, permission)
    try:
        yield actor
    finally:
        station.users.logout(actor)
