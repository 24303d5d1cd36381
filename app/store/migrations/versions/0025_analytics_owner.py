"""A partial index on the owner's own entry, for the 分析 figures

Figures count customers other than the owner's own entry; without an index that meant
reading every customer's (encrypted) page to look at one flag (docs/performance-analytics.md).

Revision ID: 0025_analytics_owner
Revises: 0016_analytics
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025_analytics_owner"
down_revision = "0016_analytics"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_customer_owner", "customer", ["id"],
                    sqlite_where=sa.text("is_owner = 1"))


def downgrade() -> None:
    op.drop_index("ix_customer_owner", "customer")
