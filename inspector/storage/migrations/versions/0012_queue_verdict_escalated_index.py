"""index inspections by verdict, escalation and finish time: the queue filtered by pass or fail

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27 18:30:00
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Blind items never show under a verdict filter, so a waiting pass or fail the queue may list is
    # an escalated one: this index finds those few newest first instead of walking every fail.
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.create_index("ix_inspections_verdict_escalated_finished",
                              ["verdict", "escalated", "finished_at"], unique=False)
    op.execute("ANALYZE inspections")


def downgrade() -> None:
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.drop_index("ix_inspections_verdict_escalated_finished")
