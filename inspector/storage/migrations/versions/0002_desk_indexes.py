"""supervisor desk indexes: covering index for analytics over a period, reviews by date

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 02:55:00
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Analytics read every inspection of a period grouped by authenticator, brand or station: with all
# the columns they read in one index, SQLite and PostgreSQL answer from the index alone.
INSPECTIONS_COVER = ["finished_at", "status", "authenticator_id", "station_id", "brand", "verdict",
                     "started_at"]
REVIEWS_COVER = ["created_at", "inspection_id", "decision", "blind", "verdict", "previous_verdict"]


def upgrade() -> None:
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.create_index("ix_inspections_finished_cover", INSPECTIONS_COVER, unique=False)
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.create_index("ix_reviews_created_cover", REVIEWS_COVER, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_index("ix_reviews_created_cover")
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.drop_index("ix_inspections_finished_cover")
