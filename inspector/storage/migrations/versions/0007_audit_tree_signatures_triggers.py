"""audit log: Merkle tree nodes, event signatures, triggers refusing UPDATE and DELETE of the log

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 17:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from inspector.storage import merkle

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

APPEND_ONLY = ("audit_events", "audit_nodes")


def upgrade() -> None:
    op.add_column("audit_events", sa.Column("signature", sa.Text(), nullable=True))
    op.create_table(
        "audit_nodes",
        sa.Column("level", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("idx", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("level", "idx", name=op.f("pk_audit_nodes")),
    )
    _backfill_tree()
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION inspector_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'the table % is append-only: % refused', TG_TABLE_NAME, TG_OP; END $$"
        )
        for table in APPEND_ONLY:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION inspector_append_only()")
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION inspector_append_only()")
    else:
        for table in APPEND_ONLY:
            for verb in ("UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} BEGIN "
                           f"SELECT RAISE(ABORT, 'the table {table} is append-only: {verb} refused'); END")


def _backfill_tree() -> None:
    """The tree over the events already there (a few seconds per million)."""
    bind = op.get_bind()
    nodes = sa.table("audit_nodes", sa.column("level"), sa.column("idx"), sa.column("hash"))
    pending: dict[int, bytes] = {}
    after, index = 0, 0
    while True:
        rows = bind.execute(sa.text("SELECT seq, hash FROM audit_events WHERE seq > :after "
                                    "ORDER BY seq LIMIT 20000"), {"after": after}).all()
        if not rows:
            return
        leaves = [merkle.leaf_hash(bytes.fromhex(digest)) for _, digest in rows]
        made = [{"level": lv, "idx": ix, "hash": h.hex()}
                for lv, ix, h in merkle.complete_subtrees(leaves, index, pending)]
        bind.execute(nodes.insert(), made)
        index += len(rows)
        after = rows[-1][0]


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION IF EXISTS inspector_append_only()")
    else:
        for table in APPEND_ONLY:
            for verb in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
    op.drop_table("audit_nodes")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_column("signature")
