"""index comparisons by heatmap hash: a heatmap is read only by someone who may see its photo

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-27 20:30:00
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # InspectionService.photo_bytes finds the inspection a heatmap belongs to before handing it out.
    with op.batch_alter_table("comparisons", schema=None) as batch_op:
        batch_op.create_index("ix_comparisons_heatmap_sha256", ["heatmap_sha256"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("comparisons", schema=None) as batch_op:
        batch_op.drop_index("ix_comparisons_heatmap_sha256")
