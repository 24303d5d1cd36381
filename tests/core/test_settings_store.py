"""Book settings: the typed text accessor the LINE connection reads its addresses with."""

from __future__ import annotations

from app.book import Book


def test_get_str_gives_text_or_none(book: Book) -> None:
    settings = book.settings
    assert settings.get_str("line.relay_url.test") is None
    settings.set("line.relay_url.test", "https://relay.example.jp")
    assert settings.get_str("line.relay_url.test") == "https://relay.example.jp"
    # A value of another type (a damaged or hand-edited book) is not passed on as text.
    settings.set("line.relay_url.test", {"url": "https://relay.example.jp"})
    assert settings.get_str("line.relay_url.test") is None
    assert settings.get("line.relay_url.test") == {"url": "https://relay.example.jp"}
