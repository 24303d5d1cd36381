"""What the relay's autopilot already sent (app/store/models_autopilot.py).

Revision ID: 0017_autopilot
Revises: 0012_sequences
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017_autopilot"
down_revision = "0012_sequences"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "autopilot_sent",
        sa.Column("webhook_event_id", sa.String(128), primary_key=True),
        sa.Column("line_user_id", sa.String(64), nullable=True),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("at_ms", sa.BigInteger, nullable=False),
        sa.Column("applied", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("autopilot_sent")
