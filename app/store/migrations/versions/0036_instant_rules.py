"""Instant rules: which of the relay's replies answered an event

``autopilot_sent.reply_id``: the id of the relay's instant reply that answered the event
(``rule-<id>`` for a rule published to the autopilot; NULL for rows stored before, and
for an outcome the relay lost in a crash). The rules engine reads it to leave an instant
rule's message to the relay when the relay sent it (app/automation/instant.py).

Revision ID: 0036_instant_rules
Revises: 0035_rule_notices
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0036_instant_rules"
down_revision = "0035_rule_notices"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("autopilot_sent") as batch:
        batch.add_column(sa.Column("reply_id", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("autopilot_sent") as batch:
        batch.drop_column("reply_id")
