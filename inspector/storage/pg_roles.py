"""PostgreSQL roles for a warehouse: stations insert audit events but cannot change or remove them.

The database owner (who runs `inspector db upgrade` and `inspector db roles`) owns every table and
the append-only triggers. The stations' role may read and write the records, may only SELECT and
INSERT the audit log (audit_events, audit_nodes), and, not being the owner, cannot drop or disable
the triggers, truncate, or alter any table (docs/operations.md).
"""

from __future__ import annotations

import re

from sqlalchemy import Engine, text

from inspector.errors import BadInput

APPEND_ONLY = ("audit_events", "audit_nodes")
READ_ONLY = ("alembic_version",)
_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def set_up_station_role(engine: Engine, role: str, password: str | None) -> list[str]:
    """Create (or update) the stations' role and its grants on this database; returns what was done."""
    if engine.dialect.name != "postgresql":
        raise BadInput("Database roles are for PostgreSQL; a SQLite station has a single file owner.")
    if not _NAME.match(role):
        raise BadInput(f"{role!r} is not a plain role name (lower-case letters, digits, underscores).")
    done = []
    with engine.begin() as connection:
        owner = connection.execute(text("SELECT current_user")).scalar_one()
        if role == owner:
            raise BadInput("The stations' role must not be the database owner: the owner can drop triggers.")
        exists = connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
        login = "LOGIN" + (" PASSWORD :pw" if password else "")
        verb = "ALTER" if exists else "CREATE"
        statement = f'{verb} ROLE "{role}" {login} NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS'
        if password:
            # Role DDL takes no bind parameters: quote the literal through the server.
            quoted = connection.execute(text("SELECT quote_literal(:pw)"), {"pw": password}).scalar_one()
            statement = statement.replace(":pw", quoted)
        connection.execute(text(statement))
        done.append(f"{verb.lower()}d role {role} (login{', password set' if password else ''})")
        database = connection.execute(text("SELECT current_database()")).scalar_one()
        tables = [row[0] for row in connection.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))]
        connection.execute(text(f'GRANT CONNECT, TEMPORARY ON DATABASE "{database}" TO "{role}"'))
        connection.execute(text(f'GRANT USAGE ON SCHEMA public TO "{role}"'))
        connection.execute(text(f'REVOKE CREATE ON SCHEMA public FROM "{role}"'))
        for table in sorted(tables):
            connection.execute(text(f'REVOKE ALL ON "{table}" FROM "{role}"'))
            if table in APPEND_ONLY:
                grant = "SELECT, INSERT"
            elif table in READ_ONLY:
                grant = "SELECT"
            else:
                grant = "SELECT, INSERT, UPDATE, DELETE"
            connection.execute(text(f'GRANT {grant} ON "{table}" TO "{role}"'))
        connection.execute(text(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{role}"'))
        done.append(f"granted {role} read and write on {len(tables) - len(APPEND_ONLY) - 1} tables, "
                    f"SELECT and INSERT only on {', '.join(APPEND_ONLY)}, SELECT on alembic_version "
                    f"in database {database} (owner {owner})")
    return done
