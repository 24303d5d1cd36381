"""Privacy leak readiness (issue 16): incidents (漏えい等) with their dates, the facts that
make them reportable to the PPC and the report's items.

Revision ID: 0019_privacy_incidents
Revises: 0025_analytics_owner
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019_privacy_incidents"
down_revision = "0025_analytics_owner"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "privacy_incident",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("discovered_on", sa.Date, nullable=False),
        sa.Column("occurred_from", sa.Date, nullable=True),
        sa.Column("occurred_to", sa.Date, nullable=True),
        sa.Column("malicious", sa.Boolean, nullable=False),
        sa.Column("sensitive", sa.Boolean, nullable=False),
        sa.Column("financial", sa.Boolean, nullable=False),
        sa.Column("persons", sa.Integer, nullable=True),
        sa.Column("answers", sa.JSON, nullable=False),
        sa.Column("prompt_reported_on", sa.Date, nullable=True),
        sa.Column("final_reported_on", sa.Date, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("privacy_incident")
