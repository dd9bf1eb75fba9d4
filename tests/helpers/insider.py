"""What an insider with the database file can do on SQLite: drop the append-only triggers first."""

from __future__ import annotations

import sqlite3


def drop_sqlite_triggers(raw: sqlite3.Connection) -> list[str]:
    """The owner of a SQLite file can drop any trigger; returns the names dropped."""
    names = [row[0] for row in raw.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")]
    for name in names:
        raw.execute(f"DROP TRIGGER {name}")
    return names
