"""Engine, sessions and the one place that turns a lost database into a clear error."""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from inspector.errors import StorageUnavailable
from inspector.private_files import owner_only_sqlite
from inspector.storage.db_errors import describe

T = TypeVar("T")
# PostgreSQL asks the client to run the transaction again: serialisation failure, deadlock detected.
_RETRY_SQLSTATES = {"40001", "40P01"}
_UNIQUE_VIOLATION = "23505"
# The one lock every write transaction on PostgreSQL takes first (storage/audit.py appends under it).
PG_WRITE_LOCK = 7_302_113


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # The pysqlite driver's own transaction handling would defer BEGIN; we issue it ourselves.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL: a committed step survives a power cut, which matters more than a few ms per commit.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def _sqlite_begin_immediate(conn: Any) -> None:
    # IMMEDIATE takes the write lock up front, so two stations appending to the audit chain
    # queue up instead of failing when one upgrades a read lock.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_begin_deferred(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN")


# libpq settings (seconds, except tcp_user_timeout in ms); a URL's own query parameters win.
PG_CONNECT_DEFAULTS: dict[str, int] = {
    "connect_timeout": 5,
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 3,
    "keepalives_count": 3,
    "tcp_user_timeout": 15_000,
}


def make_engine(url: str, *, for_writing: bool = True, **kwargs: Any) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            # Readable by the station's own user only (issue 14: inspector.db was world-readable).
            owner_only_sqlite(Path(parsed.database))
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        begin = _sqlite_begin_immediate if for_writing else _sqlite_begin_deferred
        event.listen(engine, "begin", begin)
        return engine
    # A warehouse network can drop without a word: without these, connecting to a server that
    # went away waits for TCP's own timeouts (minutes), and the station hangs with it.
    return create_engine(url, pool_pre_ping=True, connect_args=pg_connect_args(parsed), **kwargs)


def pg_connect_args(url: URL) -> dict[str, int]:
    """The connection defaults the URL does not set itself."""
    return {name: value for name, value in PG_CONNECT_DEFAULTS.items() if name not in url.query}


class Database:
    """One engine per process; each unit of work opens its own session."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        # Shared by every session (read at each session's start): who signs audit events.
        self._session_info: dict[str, Any] = {}
        self._sessions = sessionmaker(self.engine, expire_on_commit=False, info=self._session_info)
        # SQLite readers must not take the write lock; other databases share one engine.
        if self.engine.dialect.name == "sqlite":
            self.read_engine = make_engine(url, for_writing=False, **engine_kwargs)
        else:
            self.read_engine = self.engine
        self._read_sessions = sessionmaker(self.read_engine, expire_on_commit=False, info=self._session_info)

    def set_audit_signer(self, signer: object) -> None:
        """The key that signs every audit event appended through this database (storage/audit.py)."""
        self._session_info["audit_signer"] = signer

    @property
    def sessions(self) -> sessionmaker[Session]:
        """The write sessions' factory (for session events such as after_commit)."""
        return self._sessions

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session inside one write transaction: committed on success, rolled back on error.

        On PostgreSQL the transaction first takes the deployment's write lock, as SQLite's BEGIN
        IMMEDIATE does: every write appends to the one audit chain anyway, and a transaction that
        changed rows before queueing for the chain's lock deadlocked with one that held the lock and
        then needed those rows (a login updating its user row while another station's event checked
        that row's key: CI, ten stations on one server)."""
        with self._guard(), self._sessions.begin() as session:
            if self.engine.dialect.name == "postgresql":
                session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_WRITE_LOCK})
            yield session

    def run_transaction(self, work: Callable[[Session], T], *, attempts: int = 5,
                        retry_on_duplicate: bool = False) -> T:
        """`work(session)` in one write transaction, run again from the start when the database asks
        for a retry (serialisation failure, deadlock) or, with `retry_on_duplicate`, when another
        station inserted the same unique row (an item code, a checklist snapshot) a moment earlier;
        the retry then sees that row. `work` must have no effects outside the session."""
        for attempt in range(1, attempts + 1):
            try:
                with self.transaction() as session:
                    return work(session)
            except DBAPIError as exc:
                if attempt == attempts or not _worth_retrying(exc, retry_on_duplicate):
                    raise
                # Jitter so stations that collided do not collide again in step.
                time.sleep(random.uniform(0.005, 0.05) * attempt)
        raise AssertionError("unreachable")

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading only."""
        with self._guard(), self._read_sessions.begin() as session:
            yield session

    @contextmanager
    def snapshot(self) -> Iterator[Session]:
        """A read session that sees one moment of the database from its first query to its last.

        PostgreSQL's default (READ COMMITTED) lets each query see what committed since the one
        before: `audit verify` read the events, then found a row a station committed a moment later
        and named it as unexplained. REPEATABLE READ keeps the first query's snapshot. A SQLite
        read transaction in WAL mode already does."""
        with self._guard(), self._read_sessions.begin() as session:
            if self.read_engine.dialect.name == "postgresql":
                session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            yield session

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except DBAPIError as exc:
            sentence = describe(exc, self.url)
            if sentence is not None:
                raise StorageUnavailable(sentence) from exc
            raise

    def ping(self) -> None:
        with self.read() as session:
            session.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()
        self.read_engine.dispose()


def _worth_retrying(exc: DBAPIError, retry_on_duplicate: bool) -> bool:
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate in _RETRY_SQLSTATES:
        return True
    if retry_on_duplicate and isinstance(exc, IntegrityError):
        message = str(exc.orig).lower()
        return sqlstate == _UNIQUE_VIOLATION or "unique constraint failed" in message
    return False



def insert_if_absent(session: Session, model: type[Any], **values: Any) -> None:
    """INSERT ... ON CONFLICT DO NOTHING: a get-or-create that two stations can run at once.

    A check-then-insert races on PostgreSQL (both see nothing, one fails on the unique key); here the
    loser waits for the winner's commit and inserts nothing, and its next SELECT sees the winner's row.
    """
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        session.execute(pg_insert(model).values(**values).on_conflict_do_nothing())
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        session.execute(sqlite_insert(model).values(**values).on_conflict_do_nothing())
