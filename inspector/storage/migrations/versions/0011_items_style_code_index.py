"""index items by style code: the desk searches inspections by item code, serial or style code

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27 18:10:00
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Item codes and certificate serials are unique (indexed already); a style code is shared by
    # many items, and without an index a search would read every item.
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.create_index("ix_items_style_code", ["style_code"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_index("ix_items_style_code")
