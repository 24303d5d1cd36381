"""The analytics' indexes (migration 0016_analytics), declared on the shared tables."""

from __future__ import annotations

from sqlalchemy import Index, text

from app.store.models import Customer, Message, TimelineEvent

# Covering: the period's messages are read from the index alone, not from rows scattered
# over the table (each an encrypted page to decrypt).
ix_message_at = Index("ix_message_at", Message.at_ms, Message.customer_id, Message.direction,
                      Message.type, Message.unsent_at_ms)
ix_timeline_kind_at = Index("ix_timeline_kind_at", TimelineEvent.kind, TimelineEvent.at)
# The owner's own entry (at most one row), found without reading every customer's page:
# figures count customers "but the owner" as all rows minus these (migration 0025).
ix_customer_owner = Index("ix_customer_owner", Customer.id,
                          sqlite_where=text("is_owner = 1"))
