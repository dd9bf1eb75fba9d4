"""legacy keys: format-1 (INS1) station keys the deployment's root vouches for, so old certificates verify

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-27 20:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "legacy_keys",
        sa.Column("kid", sa.String(length=16), nullable=False),
        sa.Column("station", sa.String(length=80), nullable=False),
        sa.Column("signed_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("root_signature", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("kid", name=op.f("pk_legacy_keys")),
    )


def downgrade() -> None:
    op.drop_table("legacy_keys")
