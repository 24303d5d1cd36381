"""An index of the rules' notices to the owner among the timeline's lines

A rule's ``notify`` action writes a ``rule_action`` line (``"action": "notify"``) in the
friend's timeline; the window and ``rule notices`` list the ones the owner has not seen
(app/automation/notices.py) each time the book changes. A partial index keeps that read
to the notices alone, however many tags and messages the rules wrote.

Revision ID: 0035_rule_notices
Revises: 0034_rule_send_images
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0035_rule_notices"
down_revision = "0034_rule_send_images"
branch_labels = None
depends_on = None

#: app.store.models.NOTICE_WHERE when this was written (the query must repeat it exactly).
NOTICE_WHERE = "kind = 'rule_action' AND json_extract(data, '$.action') = 'notify'"


def upgrade() -> None:
    op.create_index("ix_timeline_notice", "timeline_event", ["id"],
                    sqlite_where=sa.text(NOTICE_WHERE))


def downgrade() -> None:
    op.drop_index("ix_timeline_notice", "timeline_event")
