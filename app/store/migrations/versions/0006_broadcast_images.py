"""Broadcast images: the book's own copy of each image a broadcast sends

The relay serves a broadcast's images for RELAY_MEDIA_DAYS only; the history shows them
from this copy afterwards. The bytes live in the (encrypted) book rather than as
attachment files because an attachment belongs to one customer: a file no attachment row
names is swept as an orphan and left out of backups.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "broadcast_image",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("broadcast_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["broadcast_id"], ["broadcast.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("broadcast_id", "position", name="uq_broadcast_image_position"),
    )


def downgrade() -> None:
    op.drop_table("broadcast_image")
