"""Subcommands for trust: verify, keys (export, import, list, approve, rotate, revoke, legacy), status,
site."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from inspector.cli.login import add_login_arguments, logged_in
from inspector.config import load_settings
from inspector.errors import BadInput
from inspector.security.roles import Permission


def register(subparsers: Any) -> None:
    verify = subparsers.add_parser(
        "verify", help="verify a certificate from its QR text or URL, a PDF or a photo of a tag"
    )
    verify.add_argument("code_or_file", help="the scanned verify URL or payload (INS2:...), a PDF or a photo")
    verify.set_defaults(func=_verify)

    keys = subparsers.add_parser("keys", help="the deployment's keys and trust file")
    keys_sub = keys.add_subparsers(dest="keys_command", metavar="ACTION")
    export = keys_sub.add_parser("export", help="write the deployment's trust file for verifiers elsewhere")
    export.add_argument("-o", "--output", help="file to write (default: standard output)")
    export.set_defaults(func=_keys_export)
    trust = keys_sub.add_parser("import", help="trust a deployment's trust file (from `keys export`)")
    trust.add_argument("file")
    # Needed at a station; a verifier's computer without a database of its own has no users to ask.
    add_login_arguments(trust, required=False)
    trust.set_defaults(func=_keys_import)
    listing = keys_sub.add_parser("list", help="the deployment's station keys and their state")
    listing.set_defaults(func=_keys_list)
    approve = keys_sub.add_parser(
        "approve", help="certify a station's pending key (at the root key's station)"
    )
    approve.add_argument("kid")
    add_login_arguments(approve)
    approve.set_defaults(func=_keys_approve)
    rotate = keys_sub.add_parser("rotate", help="start a new signing key for this station")
    add_login_arguments(rotate)
    rotate.set_defaults(func=_keys_rotate)
    revoke = keys_sub.add_parser("revoke", help="revoke a key: what it signs from --at on is invalid")
    revoke.add_argument("kid")
    revoke.add_argument("--at", help="ISO time of the revocation (default: now), e.g. 2026-11-27T14:00Z")
    add_login_arguments(revoke)
    revoke.set_defaults(func=_keys_revoke)
    legacy = keys_sub.add_parser(
        "legacy", help="vouch for a station key of the old format (INS1): its certificates verify again"
    )
    legacy.add_argument("key", help="the key id (an upgraded station's key) or the old public key .pem")
    legacy.add_argument("--station", help="the station that held it (default: from the key list)")
    legacy.add_argument("--until", help="ISO time it stopped signing INS1 certificates "
                                        "(default: when the key list certified it)")
    add_login_arguments(legacy)
    legacy.set_defaults(func=_keys_legacy)

    status = subparsers.add_parser("status", help="the signed list of void certificates")
    status_sub = status.add_subparsers(dest="status_command", metavar="ACTION")
    status_export = status_sub.add_parser("export", help="write the deployment's signed status list")
    status_export.add_argument("-o", "--output", required=True)
    add_login_arguments(status_export)
    status_export.set_defaults(func=_status_export)
    status_import = status_sub.add_parser("import", help="take a status list on this computer")
    status_import.add_argument("file")
    status_import.set_defaults(func=_status_import)

    site = subparsers.add_parser("site", help="the static verify page for phones")
    site_sub = site.add_subparsers(dest="site_command", metavar="ACTION")
    site_export = site_sub.add_parser(
        "export", help="write the page, the trust file and the latest status list into DIR"
    )
    site_export.add_argument("folder", metavar="DIR")
    site_export.set_defaults(func=_site_export)


def _station() -> Any:
    from inspector.services.station import open_station

    return open_station(load_settings())


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise BadInput(f"Cannot read {path} ({exc.strerror}).") from exc


def _write(path: str, data: bytes) -> None:
    try:
        Path(path).write_bytes(data)
    except OSError as exc:
        raise BadInput(f"Cannot write {path} ({exc.strerror}).") from exc


def _verify(args: argparse.Namespace) -> int:
    from inspector.services.verifying import is_station, verify_offline

    settings = load_settings()
    if not is_station(settings):
        # A verifier's computer: only what it imported counts, and nothing is created here.
        result = verify_offline(settings, args.code_or_file)
    else:
        station = _station()
        try:
            result = station.certificates.verify(args.code_or_file)
        finally:
            station.close()
    print(result.describe())
    return 0 if result.valid else 1


def _own_prefix(settings: Any) -> str | None:
    from inspector.services.verifying import is_station

    if not is_station(settings):
        return None
    station = _station()
    try:
        with station.ctx.db.read() as session:
            return str(station.certificates.trust.deployment(session).prefix)
    finally:
        station.close()


def _keys_export(args: argparse.Namespace) -> int:
    station = _station()
    try:
        data = station.certificates.trust.trust_file()
    finally:
        station.close()
    if args.output:
        _write(args.output, data)
        print(f"wrote the trust file to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(data.decode("utf-8"))
    return 0


def _keys_import(args: argparse.Namespace) -> int:
    from inspector.security.truststore import import_trust_file

    settings = load_settings()
    if _records_kept_here(settings):
        # At a station, trusting a deployment decides which certificates verify there: an admin's decision.
        station = _station()
        try:
            with logged_in(station, args, Permission.MANAGE_KEYS):
                deployment = import_trust_file(settings.keys_dir, _read(args.file), args.file,
                                               _own_prefix(settings))
        finally:
            station.close()
    else:
        deployment = import_trust_file(settings.keys_dir, _read(args.file), args.file, _own_prefix(settings))
    print(
        f"deployment {deployment.prefix} ({deployment.name}) is now trusted with {len(deployment.keys)} "
        "station key(s): its certificates verify here"
    )
    return 0


def _records_kept_here(settings: Any) -> bool:
    """A station (a PostgreSQL database, or a SQLite file that exists), not a verifier-only computer."""
    from sqlalchemy.engine import make_url

    url = make_url(settings.database_url)
    return url.get_backend_name() != "sqlite" or bool(url.database and Path(url.database).exists())


def _keys_list(args: argparse.Namespace) -> int:
    station = _station()
    try:
        views = station.certificates.trust.key_list()
    finally:
        station.close()
    for view in views:
        ended = view.revoked_at or view.retired_at
        until = f" until {ended:%Y-%m-%d %H:%M}" if ended else ""
        print(f"{view.kid}  {view.state:<8} {view.station}  from {view.not_before:%Y-%m-%d %H:%M}{until}")
    return 0


def _admin_action(args: argparse.Namespace, action: str) -> int:
    station = _station()
    try:
        trust = station.certificates.trust
        with logged_in(station, args, Permission.MANAGE_KEYS) as actor:
            if action == "approve":
                view = trust.approve(actor, args.kid)
            elif action == "rotate":
                view = trust.rotate(actor)
            else:
                view = trust.revoke(actor, args.kid, _parse_time(args.at))
    finally:
        station.close()
    print(f"key {view.kid} of {view.station}: {view.state}")
    return 0


def _keys_approve(args: argparse.Namespace) -> int:
    return _admin_action(args, "approve")


def _keys_rotate(args: argparse.Namespace) -> int:
    return _admin_action(args, "rotate")


def _keys_revoke(args: argparse.Namespace) -> int:
    return _admin_action(args, "revoke")


def _keys_legacy(args: argparse.Namespace) -> int:
    from inspector.services.legacy_keys import vouch_legacy_key

    key: str | bytes = _read(args.key) if Path(args.key).is_file() else args.key
    until = _parse_time(args.until) if args.until else None
    station = _station()
    try:
        with logged_in(station, args, Permission.MANAGE_KEYS) as actor:
            entry = vouch_legacy_key(station.certificates.trust, actor, key, args.station, until)
    finally:
        station.close()
    print(f"INS1 certificates of key {entry.kid} ({entry.station}) dated up to "
          f"{entry.signed_until:%Y-%m-%d %H:%M} UTC verify again; export the trust file for verifiers")
    return 0


def _parse_time(text: str | None) -> datetime:
    if not text:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise BadInput(f"{text!r} is not a time; write it like 2026-11-27T14:00Z.") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _status_export(args: argparse.Namespace) -> int:
    from inspector.services.status import export_status

    station = _station()
    try:
        with logged_in(station, args, Permission.EXPORT):
            data, voids = export_status(station.ctx)
    finally:
        station.close()
    _write(args.output, data)
    print(f"wrote the status list ({voids} void certificate(s), {len(data):,} bytes) to {args.output}")
    return 0


def _status_import(args: argparse.Namespace) -> int:
    from inspector.security.truststore import import_status_file

    status = import_status_file(load_settings().keys_dir, _read(args.file), args.file)
    print(
        f"status of deployment {status.deployment} as of {status.issued_at:%Y-%m-%d %H:%M} UTC "
        f"({len(status.voids)} void certificate(s)) is now used here"
    )
    return 0


def _site_export(args: argparse.Namespace) -> int:
    from inspector.services.site import export_site

    station = _station()
    try:
        written = export_site(station.ctx, Path(args.folder))
    finally:
        station.close()
    print(f"wrote the verify page ({', '.join(p.name for p in written)}) to {args.folder}; "
          "serve it at the verify_url setting's address")
    return 0
