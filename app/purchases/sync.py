"""Orders paid (and refunded) online, sealed by the relay, as a front item kind."""

from __future__ import annotations

from app.purchases.online import MAGIC, apply_item
from app.sync.front_items import FrontKind

ORDER_ITEMS = FrontKind("order", (MAGIC,), apply_item)
