"""Segments: saved segments, and an index for birthday months

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "segment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("condition", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    # Not in batch mode: batch mode may copy the customer table, and with it lose the
    # search triggers and indexes that raw SQL created.
    op.create_index("ix_customer_birthday", "customer", ["birthday"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_customer_birthday", table_name="customer")
    op.drop_table("segment")
