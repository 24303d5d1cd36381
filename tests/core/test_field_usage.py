"""Counting the customers who have a value in a custom field (asked before deleting it)."""

from __future__ import annotations

import keyring
import pytest

from app import field_usage
from app.profile import Profile
from tests.support.keyrings import MemoryKeyring


@pytest.fixture
def book(tmp_path):
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    book = Profile(tmp_path / "profile").create()
    yield book
    book.close()
    keyring.set_keyring(previous)


def test_counts_values_points_history_and_files_once_per_customer(book, tmp_path) -> None:
    a, b, c, d = (book.customers.create(name=n) for n in ("あ", "い", "う", "え"))
    visits = book.fields.create("来店回数", "number")
    points = book.fields.create("ポイント", "points")
    photo = book.fields.create("写真", "image")
    unused = book.fields.create("未使用", "text")
    assert field_usage.customers_with_value(book, visits) == 0

    book.fields.set_value(a, visits, 3)
    book.fields.set_value(b, visits, "１２")
    book.fields.set_value(c, visits, 5)
    book.fields.set_value(c, visits, None)  # cleared again: no longer counted
    assert field_usage.customers_with_value(book, visits) == 2

    book.fields.add_points(a, points, 100)
    book.fields.add_points(a, points, -30)
    book.fields.add_points(d, points, 10)
    book.fields.add_points(d, points, -10)  # balance 0, but the history is the field's
    assert field_usage.customers_with_value(book, points) == 2

    picture = tmp_path / "photo.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    book.attachments.add(b, picture, field_id=photo)
    assert field_usage.customers_with_value(book, photo) == 1
    assert field_usage.customers_with_value(book, unused) == 0
    assert field_usage.customers_with_value(book, 9999) == 0
