"""keep each inspection's blind-review sample choice: made once when it is finished

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-27 20:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Until now the sample was recomputed from the current rate on every read, so changing the rate
    # could un-blind an item waiting for its blind review. NULL: not picked, or finished before this
    # migration: the start that applies it fills those with the rule as it stood
    # (services/review_sample.py: the rate and risk brands live in the settings, which a migration
    # cannot read).
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("review_sampled", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.drop_column("review_sampled")
