"""reviews keep the reviewed inspection's authenticator: the disagreement matrix and review drill-downs
read the reviews table alone

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-27 20:55:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

MATRIX = ["stage", "created_at", "authenticator_id", "previous_verdict", "verdict", "decision",
          "inspection_id"]
BY_AUTHENTICATOR = ["authenticator_id", "created_at", "decision", "stage", "previous_verdict", "verdict",
                    "inspection_id"]


def upgrade() -> None:
    # A year's matrix joined 50,000 reviews to their inspections one by one (SQLite 630 ms at
    # 1,000,000 inspections); a reviewed inspection is finished, so its authenticator never changes.
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.add_column(sa.Column("authenticator_id", sa.Integer(), nullable=True))
    op.execute("UPDATE reviews SET authenticator_id = (SELECT inspections.authenticator_id FROM inspections "
               "WHERE inspections.id = reviews.inspection_id)")
    # The verdict the review answered: always recorded by the service, filled here for any older row.
    op.execute("UPDATE reviews SET previous_verdict = (SELECT inspections.first_verdict FROM inspections "
               "WHERE inspections.id = reviews.inspection_id) WHERE previous_verdict IS NULL")
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.create_index("ix_reviews_matrix", MATRIX, unique=False)
        batch_op.create_index("ix_reviews_authenticator_created", BY_AUTHENTICATOR, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_index("ix_reviews_authenticator_created")
        batch_op.drop_index("ix_reviews_matrix")
        batch_op.drop_column("authenticator_id")
