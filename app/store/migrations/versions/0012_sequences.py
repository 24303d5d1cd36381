"""Step sequences (ステップ配信), each friend's progress and sends, and coupons.

Revision ID: 0012_sequences
Revises: 0015_privacy
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_sequences"
down_revision = "0015_privacy"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "step_sequence",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False, unique=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("steps", sa.JSON, nullable=False),
        sa.Column("stop_on", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "sequence_run",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sequence_id", sa.Integer,
                  sa.ForeignKey("step_sequence.id", ondelete="CASCADE"), nullable=False),
        sa.Column("customer_id", sa.Integer,
                  sa.ForeignKey("customer.id", ondelete="CASCADE"), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("round", sa.Integer, nullable=False),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("next_step", sa.Integer, nullable=False),
        sa.Column("cause", sa.Text, nullable=False),
        sa.Column("stop_reason", sa.Text, nullable=True),
        sa.Column("ended_at", sa.DateTime, nullable=True),
        sa.UniqueConstraint("sequence_id", "customer_id"),
    )
    op.create_index("ix_sequence_run_state", "sequence_run", ["state"])
    op.create_table(
        "sequence_send",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("run_id", sa.Integer,
                  sa.ForeignKey("sequence_run.id", ondelete="CASCADE"), nullable=False),
        sa.Column("round", sa.Integer, nullable=False),
        sa.Column("step", sa.Integer, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("retry_key", sa.String(36), nullable=False, unique=True),
        sa.Column("key_made_ms", sa.BigInteger, nullable=False),
        sa.Column("messages", sa.JSON, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("request_id", sa.String(64), nullable=True),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("run_id", "round", "step"),
    )
    op.create_table(
        "coupon",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(32), nullable=False, unique=True),
        sa.Column("customer_id", sa.Integer,
                  sa.ForeignKey("customer.id", ondelete="CASCADE"), nullable=False),
        sa.Column("purpose", sa.String(64), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("expires_on", sa.Date, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("used_at", sa.DateTime, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("customer_id", "purpose"),
    )
    op.create_index("ix_coupon_customer_id", "coupon", ["customer_id"])


def downgrade() -> None:
    op.drop_index("ix_coupon_customer_id", "coupon")
    op.drop_table("coupon")
    op.drop_table("sequence_send")
    op.drop_index("ix_sequence_run_state", "sequence_run")
    op.drop_table("sequence_run")
    op.drop_table("step_sequence")
