"""Automation rules and the messages they send

``rule``: When/If/Then as JSON, on/off, counts. ``rule_send``: a message a rule decided to
send, stored in the transaction that handles the event, sent after it (once per key).

Revision ID: 0011_rules
Revises: 0017_autopilot
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_rules"
down_revision = "0017_autopilot"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rule",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False, unique=True),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("spec", sa.JSON, nullable=False),
        sa.Column("fired", sa.Integer, nullable=False, server_default="0"),
        sa.Column("actions_done", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "rule_send",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(240), nullable=False, unique=True),
        sa.Column("rule_id", sa.Integer, sa.ForeignKey("rule.id", ondelete="SET NULL"),
                  nullable=True),
        sa.Column("customer_id", sa.Integer,
                  sa.ForeignKey("customer.id", ondelete="CASCADE"), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("via", sa.String(16), nullable=True),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_rule_send_customer_id", "rule_send", ["customer_id"])
    op.create_index("ix_rule_send_state", "rule_send", ["state"])


def downgrade() -> None:
    op.drop_index("ix_rule_send_state", "rule_send")
    op.drop_index("ix_rule_send_customer_id", "rule_send")
    op.drop_table("rule_send")
    op.drop_table("rule")
