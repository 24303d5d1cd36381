"""The analytics' indexes (migration 0016_analytics), declared on the shared tables."""

from __future__ import annotations

from sqlalchemy import Index

from app.store.models import Message, TimelineEvent

# Covering: the period's messages are read from the index alone, not from rows scattered
# over the table (each an encrypted page to decrypt).
ix_message_at = Index("ix_message_at", Message.at_ms, Message.customer_id, Message.direction,
                      Message.type, Message.unsent_at_ms)
ix_timeline_kind_at = Index("ix_timeline_kind_at", TimelineEvent.kind, TimelineEvent.at)
