"""Privacy (issue 16): the shop's privacy-policy versions, who agreed to which, and the
LINE friends deleted on request (hashed ids, so sync does not re-create them).

Revision ID: 0015_privacy
Revises: 0013_bookings
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_privacy"
down_revision = "0013_bookings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "privacy_policy_version",
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("effective_date", sa.String(10), nullable=False),
        sa.Column("settings", sa.JSON, nullable=False),
        sa.Column("published_at", sa.DateTime, nullable=False),
        sa.Column("on_relay_at", sa.DateTime, nullable=True),
    )
    op.create_table(
        "privacy_consent",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("customer_id", sa.Integer,
                  sa.ForeignKey("customer.id", ondelete="CASCADE"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("agreed_at", sa.DateTime, nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
    )
    op.create_index("ix_privacy_consent_customer_id", "privacy_consent", ["customer_id"])
    op.create_table(
        "privacy_erasure",
        sa.Column("user_hash", sa.LargeBinary(32), primary_key=True),
        sa.Column("erased_at_ms", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("privacy_erasure")
    op.drop_index("ix_privacy_consent_customer_id", "privacy_consent")
    op.drop_table("privacy_consent")
    op.drop_table("privacy_policy_version")
