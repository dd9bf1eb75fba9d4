"""the desk's rules: first verdicts, review stages, claims, calibration dates, appeals, desk settings

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27 17:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        # The authenticator's own verdict when they finished: calibration scores this, never a correction.
        batch_op.add_column(sa.Column("first_verdict", sa.String(length=20), nullable=True))
    # Existing inspections: the verdict before the earliest review changed it, else the verdict now.
    op.execute(
        "UPDATE inspections SET first_verdict = COALESCE("
        "(SELECT reviews.previous_verdict FROM reviews WHERE reviews.inspection_id = inspections.id "
        "ORDER BY reviews.id LIMIT 1), verdict) WHERE status = 'finished'")
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        # review (the second opinion) | panel (the third, senior one) | appeal
        batch_op.add_column(sa.Column("stage", sa.String(length=20), nullable=False,
                                      server_default="review"))
        batch_op.create_index("ix_reviews_inspection_reviewer", ["inspection_id", "reviewer_id"],
                              unique=False)
    with op.batch_alter_table("items", schema=None) as batch_op:
        # A calibration mark counts inspections finished from this moment on (unless chosen explicitly).
        batch_op.add_column(sa.Column("calibration_since", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "review_claims",
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["inspection_id"], ["inspections.id"],
                                name=op.f("fk_review_claims_inspection_id_inspections")),
        sa.ForeignKeyConstraint(["reviewer_id"], ["users.id"],
                                name=op.f("fk_review_claims_reviewer_id_users")),
        sa.PrimaryKeyConstraint("inspection_id", name=op.f("pk_review_claims")),
    )
    op.create_table(
        "appeals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("seller_reason", sa.Text(), nullable=False),
        sa.Column("photos", sa.Text(), nullable=False, server_default="[]"),
        sa.Column("verdict_appealed", sa.String(length=20), nullable=False),
        sa.Column("opened_by", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["inspection_id"], ["inspections.id"],
                                name=op.f("fk_appeals_inspection_id_inspections")),
        sa.ForeignKeyConstraint(["opened_by"], ["users.id"], name=op.f("fk_appeals_opened_by_users")),
        sa.ForeignKeyConstraint(["decided_by"], ["users.id"], name=op.f("fk_appeals_decided_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeals")),
    )
    op.create_index("ix_appeals_inspection_id", "appeals", ["inspection_id"], unique=False)
    op.create_table(
        "desk_settings",
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_desk_settings")),
    )


def downgrade() -> None:
    op.drop_table("desk_settings")
    op.drop_index("ix_appeals_inspection_id", table_name="appeals")
    op.drop_table("appeals")
    op.drop_table("review_claims")
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_column("calibration_since")
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_index("ix_reviews_inspection_reviewer")
        batch_op.drop_column("stage")
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.drop_column("first_verdict")
