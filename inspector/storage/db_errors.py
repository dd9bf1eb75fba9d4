"""One sentence for each way a database can fail a station: gone, damaged, full, read-only, refused.

A person can fix each of these, but only if told which it is: "check the connection" for a full disk
sends them to the network cable. Matching is on SQLSTATE where the driver gives one, otherwise on the
driver's message (SQLite has no SQLSTATE; libpq reports login failures before any SQL state exists).
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

UNAVAILABLE = "The database cannot be reached; nothing was recorded. Check the connection and try again."

_LOST = ("could not connect", "connection refused", "server closed", "terminating connection",
         "connection is closed", "no such host", "timeout expired", "consuming input failed",
         "the connection is lost", "could not translate host name", "network is unreachable")
_DAMAGED = ("file is not a database", "database disk image is malformed", "file is encrypted")
_FULL = ("database or disk is full", "no space left on device", "could not extend file")
_READ_ONLY = ("attempt to write a readonly database", "readonly database", "read-only file system")
_DISK_FULL_STATES = {"53100"}
_READ_ONLY_STATES = {"25006"}
_LOGIN_STATES = {"28000", "28P01"}


def describe(exc: DBAPIError, url: str) -> str | None:
    """The sentence for `exc`, or None when it is not a storage failure (a bug, a constraint)."""
    message = str(exc.orig).lower()
    sqlstate = getattr(exc.orig, "sqlstate", None)
    parsed = make_url(url)
    sqlite_file = parsed.database if parsed.get_backend_name() == "sqlite" else None
    if any(word in message for word in _DAMAGED):
        return (f"The database file {sqlite_file} is damaged ({str(exc.orig).strip()}); "
                "nothing was recorded. Restore it from the latest backup (docs/operations.md).")
    if sqlstate in _DISK_FULL_STATES or any(word in message for word in _FULL):
        return ("The disk holding the database is full; nothing was recorded. "
                "Free some space and try again.")
    if sqlstate in _READ_ONLY_STATES or any(word in message for word in _READ_ONLY):
        return _read_only(sqlite_file)
    if "unable to open database file" in message or "disk i/o error" in message:
        if sqlite_file and not _writable_folder(Path(sqlite_file).parent):
            return _read_only(sqlite_file)
        return (f"The database file {sqlite_file} cannot be opened (its folder or disk went away); "
                "nothing was recorded. Check the data folder and try again.")
    if sqlstate in _LOGIN_STATES or ("role" in message and "does not exist" in message) \
            or "password authentication failed" in message:
        return (f"The database server refused the login of {parsed.username!r}: "
                f"{_first_line(exc)}. Check the user and password in INSPECTOR_DATABASE_URL.")
    if sqlstate == "3D000" or ("database" in message and "does not exist" in message):
        return (f"The database {parsed.database!r} does not exist on the server: {_first_line(exc)}. "
                "Create it or correct INSPECTOR_DATABASE_URL.")
    if exc.connection_invalidated or any(word in message for word in _LOST):
        return UNAVAILABLE
    return None


def _read_only(sqlite_file: str | None) -> str:
    where = f"The database {sqlite_file}" if sqlite_file else "The database"
    return (f"{where} is read-only (its folder, file or disk cannot be written); nothing was recorded. "
            "Check the folder's permissions and mount, then try again.")


def _writable_folder(folder: Path) -> bool:
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return False
    except OSError:
        return False
    return os.access(folder, os.W_OK)


def _first_line(exc: DBAPIError) -> str:
    text = str(exc.orig).strip()
    # libpq prefixes server messages with the connection target and "FATAL:"; the reason is the tail.
    if "FATAL:" in text:
        text = text.split("FATAL:", 1)[1]
    return text.strip().splitlines()[0].rstrip(".") if text.strip() else type(exc.orig).__name__
