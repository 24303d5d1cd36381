"""The member-link requests sealed by the relay's page, as a front item kind."""

from __future__ import annotations

from app.members.linking import MAGIC, apply_item
from app.sync.front_items import FrontKind

MEMBER_LINK_ITEMS = FrontKind("member-link", (MAGIC,), apply_item)
