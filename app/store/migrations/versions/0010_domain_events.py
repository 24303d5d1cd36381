"""What happened in the book that rules may act on: the domain-event outbox

One row per happening (a friend followed, a form was answered, a tag was added, a booking
was made, an order was paid …), written in the same transaction as the change itself, so
that a happening is recorded exactly when the change is and never otherwise (the
transactional-outbox pattern). The rules engine reads the rows not yet handled and marks
each handled in the transaction that carries out its actions: a crash anywhere leaves a
row either handled with its actions done or unhandled with none done. ``key`` makes
emitting idempotent (a LINE event applied twice emits once). See app/domain_events.py.

Revision ID: 0010_domain_events
Revises: 0009_friend_state
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_domain_events"
down_revision = "0009_friend_state"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "domain_event",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(200), nullable=False, unique=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("customer_id", sa.Integer,
                  sa.ForeignKey("customer.id", ondelete="CASCADE"), nullable=True),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("depth", sa.Integer, nullable=False, server_default="0"),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("handled_at", sa.DateTime, nullable=True),
    )
    op.create_index("ix_domain_event_unhandled", "domain_event", ["id"],
                    sqlite_where=sa.text("handled_at IS NULL"))
    op.create_index("ix_domain_event_customer_id", "domain_event", ["customer_id"])


def downgrade() -> None:
    op.drop_index("ix_domain_event_customer_id", "domain_event")
    op.drop_index("ix_domain_event_unhandled", "domain_event")
    op.drop_table("domain_event")
