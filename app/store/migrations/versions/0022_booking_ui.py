"""Reservations' messages: one row per booking and kind (confirmation, reminder:N,
thank_you, change:REVISION, cancellation) with its retry key, so each is sent once. See
app/booking/messages.py and docs/reservations.md.

Revision ID: 0022_booking_ui
Revises: 0024_routes
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022_booking_ui"
down_revision = "0024_routes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "booking_message",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("booking_id", sa.String(40),
                  sa.ForeignKey("booking.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("due_at", sa.DateTime, nullable=False),
        sa.Column("sent_at", sa.DateTime, nullable=True),
        sa.Column("retry_key", sa.String(36), nullable=True, unique=True),
        sa.Column("key_made_ms", sa.BigInteger, nullable=True),
        sa.Column("messages", sa.JSON, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("request_id", sa.String(64), nullable=True),
        sa.Column("reason", sa.Text, nullable=True),
        sa.UniqueConstraint("booking_id", "kind"),
    )
    op.create_index("ix_booking_message_state", "booking_message", ["state"])


def downgrade() -> None:
    op.drop_index("ix_booking_message_state", "booking_message")
    op.drop_table("booking_message")
