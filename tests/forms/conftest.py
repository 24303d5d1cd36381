"""Fixtures for the forms' tests: real encrypted books (tests.core's), the issue's example."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.core.conftest import book, profile  # noqa: F401 - fixtures used by name

EXAMPLE_PATH = Path(__file__).with_name("issue12_example.json")


@pytest.fixture
def example() -> dict[str, Any]:
    """The definition file of issue 12's headless contract, exactly as written there."""
    return json.loads(EXAMPLE_PATH.read_text(encoding="utf-8"))
