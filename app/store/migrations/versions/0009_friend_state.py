"""The friend state as a tiny index: counting a million customers' friends without their rows

The table's "friends" view (on LINE, not blocked) needs a count of its customers before the
first paint. Both columns live in the customer rows, so the count read every row of the
book (about 0.8 s on 1,000,000 customers, seconds under load); this expression index holds
just the two yes/no states, and the count reads it (tens of ms). See
``SearchService.count``; its expressions must stay exactly these.

Revision ID: 0009_friend_state
Revises: 0008_forms
"""

from __future__ import annotations

from alembic import op

revision = "0009_friend_state"
down_revision = "0008_forms"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE INDEX IF NOT EXISTS ix_customer_friend_state ON customer("
               "(line_user_id IS NOT NULL), (blocked_at IS NOT NULL))")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_customer_friend_state")
