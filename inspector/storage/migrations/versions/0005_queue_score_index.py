"""index inspections by comparison score, so the review queue sorted by score walks it

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 10:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.create_index("ix_inspections_min_score", ["min_score", "finished_at"], unique=False)
    # Without statistics for the new index SQLite's planner keeps sorting a month of candidates
    # (~370 ms at 1M inspections); with them it walks the index (~10 ms). About 1 s per 1M rows.
    op.execute("ANALYZE inspections")


def downgrade() -> None:
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.drop_index("ix_inspections_min_score")
