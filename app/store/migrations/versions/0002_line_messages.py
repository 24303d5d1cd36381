"""LINE sync: events applied, messages, conversation summaries

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "line_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("webhook_event_id", sa.String(length=64), nullable=True),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("at_ms", sa.BigInteger(), nullable=True),
        sa.Column("target_message_id", sa.String(length=32), nullable=True),
        sa.Column("relay_seq", sa.BigInteger(), nullable=True),
        sa.Column("received_ms", sa.BigInteger(), nullable=True),
        sa.Column("applied_at", sa.DateTime(), nullable=False),
        sa.Column("raw", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("webhook_event_id"),
    )
    with op.batch_alter_table("line_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_line_event_customer_id"), ["customer_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_line_event_target_message_id"), ["target_message_id"], unique=False)

    op.create_table(
        "message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("at_ms", sa.BigInteger(), nullable=False),
        sa.Column("line_message_id", sa.String(length=32), nullable=True),
        sa.Column("webhook_event_id", sa.String(length=64), nullable=True),
        sa.Column("reply_token", sa.String(length=128), nullable=True),
        sa.Column("reply_token_received_ms", sa.BigInteger(), nullable=True),
        sa.Column("reply_token_used_at", sa.DateTime(), nullable=True),
        sa.Column("quote_token", sa.String(length=256), nullable=True),
        sa.Column("mark_as_read_token", sa.String(length=256), nullable=True),
        sa.Column("attachment_id", sa.Integer(), nullable=True),
        sa.Column("content_state", sa.String(length=16), nullable=True),
        sa.Column("unsent_at_ms", sa.BigInteger(), nullable=True),
        sa.Column("edited_at_ms", sa.BigInteger(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=True),
        sa.Column("send_via", sa.String(length=16), nullable=True),
        sa.Column("retry_key", sa.String(length=36), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["attachment_id"], ["attachment.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("line_message_id"),
        sa.UniqueConstraint("retry_key"),
    )
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.create_index(
            "ix_message_customer_at", ["customer_id", "at_ms", "id"], unique=False)
        batch_op.create_index("ix_message_content_state", ["content_state"], unique=False)
        batch_op.create_index("ix_message_state", ["state"], unique=False)

    op.create_table(
        "conversation",
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("last_at_ms", sa.BigInteger(), nullable=True),
        sa.Column("last_type", sa.String(length=16), nullable=True),
        sa.Column("last_direction", sa.String(length=3), nullable=True),
        sa.Column("last_preview", sa.Text(), nullable=False),
        sa.Column("unread_count", sa.Integer(), nullable=False),
        sa.Column("read_up_to_ms", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("status_at_ms", sa.BigInteger(), nullable=False),
        sa.Column("friend_state_ms", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("customer_id"),
    )
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.create_index("ix_conversation_last_at", ["last_at_ms"], unique=False)
        batch_op.create_index(
            "ix_conversation_status_last_at", ["status", "last_at_ms"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.drop_index("ix_conversation_status_last_at")
        batch_op.drop_index("ix_conversation_last_at")
    op.drop_table("conversation")
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_index("ix_message_state")
        batch_op.drop_index("ix_message_content_state")
        batch_op.drop_index("ix_message_customer_at")
    op.drop_table("message")
    with op.batch_alter_table("line_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_line_event_target_message_id"))
        batch_op.drop_index(batch_op.f("ix_line_event_customer_id"))
    op.drop_table("line_event")
