"""The public pages' messages the relay's autopilot sends (app/store/models_instant.py).

Revision ID: 0028_autopilot_pages
Revises: 0026_product_photo
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0028_autopilot_pages"
down_revision = "0026_product_photo"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "instant_send",
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("customer_id", sa.Integer, nullable=True),
        sa.Column("fallback", sa.Text, nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("at_ms", sa.BigInteger, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("instant_send")
