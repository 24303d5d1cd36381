"""Settings that belong to the book itself (they travel with backups), as JSON values."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from app.store.models import BookSetting

if TYPE_CHECKING:
    from app.book import Book


class BookSettings:
    def __init__(self, book: Book) -> None:
        self._book = book

    def get(self, key: str, default: Any = None) -> Any:
        with self._book.db.read() as s:
            row = s.execute(select(BookSetting.value).where(BookSetting.key == key)).first()
            return default if row is None else row[0]

    def get_str(self, key: str) -> str | None:
        """A text setting, or None when unset (or, from a damaged book, not text)."""
        value = self.get(key)
        return value if isinstance(value, str) else None

    def set(self, key: str, value: Any) -> None:
        with self._book.db.write() as s:
            s.merge(BookSetting(key=key, value=value))
        self._book.announce("settings")
