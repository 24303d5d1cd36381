"""Indexes for the 分析 figures: messages and timeline events by time

The dashboard counts a period's messages and follow/block events; without an index on
their time every figure read the whole table (docs/performance-analytics.md).

Revision ID: 0016_analytics
Revises: 0014_purchases
"""

from __future__ import annotations

from alembic import op

revision = "0016_analytics"
down_revision = "0014_purchases"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_message_at", "message",
                    ["at_ms", "customer_id", "direction", "type", "unsent_at_ms"])
    op.create_index("ix_timeline_kind_at", "timeline_event", ["kind", "at"])


def downgrade() -> None:
    op.drop_index("ix_timeline_kind_at", "timeline_event")
    op.drop_index("ix_message_at", "message")
