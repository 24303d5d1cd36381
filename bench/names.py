"""Realistic Japanese names with readings, for benchmark books (kept in app/demo_names.py,
which the demo ships with)."""

from __future__ import annotations

from app.demo_names import GIVEN, PREFECTURES, SURNAMES, TOWNS

__all__ = ["GIVEN", "PREFECTURES", "SURNAMES", "TOWNS"]
