"""index the known test items (items.calibration_verdict) so analytics find them without a scan

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 03:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.create_index("ix_items_calibration_verdict", ["calibration_verdict"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_index("ix_items_calibration_verdict")
