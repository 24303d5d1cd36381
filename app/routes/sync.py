"""Arrivals sealed by the relay's route page, as a front item kind."""

from __future__ import annotations

from app.routes.arrivals import MAGIC, apply, apply_in
from app.sync.front_items import FrontKind

ROUTE_ITEMS = FrontKind("route-arrival", (MAGIC,), apply, apply_in)
