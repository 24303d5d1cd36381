"""Reservations (予約): the bookings

One row per booking, in the shop's wall-clock time, with its status (booked, pending
approval, visited, no-show, cancelled). The setup (menus, staff, hours, rules) is a book
setting ("booking.setup"). See app/booking/ and docs/reservations.md.

Revision ID: 0013_bookings
Revises: 0010_domain_events
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_bookings"
down_revision = "0010_domain_events"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "booking",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("customer_id", sa.Integer,
                  sa.ForeignKey("customer.id", ondelete="CASCADE"), nullable=True),
        sa.Column("menu_id", sa.String(64), nullable=False),
        sa.Column("staff_id", sa.String(64), nullable=True),
        sa.Column("class_id", sa.String(64), nullable=True),
        sa.Column("start", sa.DateTime, nullable=False),
        sa.Column("end", sa.DateTime, nullable=False),
        sa.Column("busy_start", sa.DateTime, nullable=False),
        sa.Column("busy_end", sa.DateTime, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("price", sa.Integer, nullable=False),
        sa.Column("answers", sa.JSON, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_booking_start", "booking", ["start"])
    op.create_index("ix_booking_customer_id", "booking", ["customer_id"])


def downgrade() -> None:
    op.drop_index("ix_booking_customer_id", "booking")
    op.drop_index("ix_booking_start", "booking")
    op.drop_table("booking")
