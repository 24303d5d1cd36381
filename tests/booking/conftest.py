"""Fixtures for reservations: a real encrypted book with the salon example set up."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.book import Book
from app.booking.service import BookingService
from tests.core.conftest import book, profile  # noqa: F401 - fixtures used by name

EXAMPLE_PATH = Path(__file__).with_name("salon_example.json")


@pytest.fixture
def example() -> dict[str, Any]:
    return json.loads(EXAMPLE_PATH.read_text(encoding="utf-8"))


@pytest.fixture
def bookings(book: Book, example: dict[str, Any]) -> BookingService:  # noqa: F811
    service = BookingService(book)
    service.save_setup(example)
    return service
