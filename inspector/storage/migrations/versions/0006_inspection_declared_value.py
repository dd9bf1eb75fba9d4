"""copy the item's declared value onto inspections; index it and brand + verdict for the review queue

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 11:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The value at inspection time is the risk the authenticator took: the inspection keeps its own
    # copy (set when it starts), so the queue sorted by value walks an index instead of sorting a
    # month of candidates joined to items (~300-500 ms at 1,000,000 inspections).
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("declared_value", sa.Float(), nullable=True))
    # Existing inspections: the item's value now is the best record of what it was (items' values are
    # never edited by the application). A few seconds per 1,000,000 rows.
    op.execute("UPDATE inspections SET declared_value = "
               "(SELECT items.declared_value FROM items WHERE items.id = inspections.item_id)")
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.create_index("ix_inspections_declared_value", ["declared_value", "finished_at"],
                              unique=False)
        # The queue filtered by brand and verdict walks this newest first and stops at its limit,
        # instead of reading every inspection of the brand for the verdict's sixth.
        batch_op.create_index("ix_inspections_brand_verdict_finished", ["brand", "verdict", "finished_at"],
                              unique=False)
    # As in 0005: without statistics for new indexes SQLite's planner keeps sorting.
    op.execute("ANALYZE inspections")


def downgrade() -> None:
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.drop_index("ix_inspections_brand_verdict_finished")
        batch_op.drop_index("ix_inspections_declared_value")
        batch_op.drop_column("declared_value")
