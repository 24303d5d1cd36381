"""Photos in a rule's send

``rule_image``: a photo a rule's ``send`` carries (the ciphertext in the attachments
folder, its key here). ``rule_send.images``: the photos as the rule said them when it
fired (NULL: text only, as every send stored before this).

Revision ID: 0034_rule_send_images
Revises: 0033_analytics_summaries
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0034_rule_send_images"
down_revision = "0033_analytics_summaries"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rule_image",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("blob_name", sa.String(64), nullable=False, unique=True),
        sa.Column("file_key", sa.LargeBinary, nullable=False),
        sa.Column("content_type", sa.String(32), nullable=False),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    with op.batch_alter_table("rule_send") as batch:
        batch.add_column(sa.Column("images", sa.JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("rule_send") as batch:
        batch.drop_column("images")
    op.drop_table("rule_image")
