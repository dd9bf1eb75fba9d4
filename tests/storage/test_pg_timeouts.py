"""A PostgreSQL server that stops answering makes the station fail in seconds, not hang for minutes."""

from __future__ import annotations

import socket
import threading

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from inspector.storage.database import PG_CONNECT_DEFAULTS, make_engine, pg_connect_args


def test_a_server_that_never_answers_fails_the_connection() -> None:
    # The kernel completes the TCP handshake (backlog) but nothing ever speaks PostgreSQL.
    with socket.create_server(("127.0.0.1", 0), backlog=8) as silent:
        port = silent.getsockname()[1]
        engine = make_engine(f"postgresql+psycopg://station@127.0.0.1:{port}/inspector?connect_timeout=1")
        outcome: list[BaseException] = []

        def connect() -> None:
            try:
                with engine.connect() as connection:
                    connection.execute(text("SELECT 1"))
            except BaseException as exc:
                outcome.append(exc)

        worker = threading.Thread(target=connect, daemon=True)
        worker.start()
        worker.join(timeout=60)  # generous: without a connect timeout libpq would wait forever
        assert not worker.is_alive(), "connecting to a silent server hung"
        assert outcome and isinstance(outcome[0], OperationalError)
        engine.dispose()


def test_defaults_bound_connects_and_dead_connections_but_the_url_wins() -> None:
    plain = pg_connect_args(make_url("postgresql+psycopg://station@db.example/inspector"))
    assert plain == PG_CONNECT_DEFAULTS
    assert plain["connect_timeout"] > 0 and plain["keepalives"] == 1 and plain["tcp_user_timeout"] > 0
    own = pg_connect_args(make_url("postgresql+psycopg://station@db.example/inspector?connect_timeout=9"))
    assert "connect_timeout" not in own and own["keepalives_idle"] == PG_CONNECT_DEFAULTS["keepalives_idle"]


@pytest.mark.parametrize("name", sorted(PG_CONNECT_DEFAULTS))
def test_libpq_knows_every_default(name: str) -> None:
    pytest.importorskip("psycopg")
    from psycopg.conninfo import make_conninfo

    assert f"{name}=" in make_conninfo(**{name: PG_CONNECT_DEFAULTS[name]})
