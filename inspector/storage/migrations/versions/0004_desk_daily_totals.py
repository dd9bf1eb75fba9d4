"""desk analytics summary: per-day inspection and review totals per authenticator, brand, station

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 09:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Empty on upgrade: the analytics service fills closed days the first time a period needs them.
    op.create_table(
        "desk_summary_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("clean", sa.Boolean(), nullable=False),
        sa.Column("filled_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_desk_summary_days")),
    )
    op.create_table(
        "desk_daily_totals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_kind", sa.String(length=20), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("group_key", sa.String(length=80), nullable=False),
        sa.Column("inspections", sa.Integer(), nullable=False),
        sa.Column("passes", sa.Integer(), nullable=False),
        sa.Column("fails", sa.Integer(), nullable=False),
        sa.Column("inconclusive", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("working_hours", sa.Integer(), nullable=False),
        sa.Column("reviews", sa.Integer(), nullable=False),
        sa.Column("overturns", sa.Integer(), nullable=False),
        sa.Column("blind_reviews", sa.Integer(), nullable=False),
        sa.Column("blind_agreed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_daily_totals")),
        sa.UniqueConstraint("group_kind", "day", "group_key", name="uq_desk_daily_totals_kind_day_key"),
    )


def downgrade() -> None:
    op.drop_table("desk_daily_totals")
    op.drop_table("desk_summary_days")
