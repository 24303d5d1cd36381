"""SQL functions every connection of the book has, because the schema's triggers call them.

The message search index (migration 0007) is kept by triggers, so whatever writes a
message (the sync, sending, an unsend, a deletion) keeps it exact; the triggers need the
search normalisation, which is Python (:mod:`app.textnorm`). A connection without these
functions could not write a message at all ("no such function"), so they are registered
where every connection is made (:func:`app.store.db.connect_raw`).
"""

from __future__ import annotations

from typing import Any

from app import textnorm
from app.prefectures import PREFECTURES, prefecture_of
from app.search import grams

_PREFECTURE_CODE = {name: code for code, name in enumerate(PREFECTURES, start=1)}


def _textnorm(value: Any) -> str:
    return textnorm.normalize(value) if isinstance(value, str) else ""


def _grams(value: Any) -> str:
    return grams(_textnorm(value))


def _prefecture_code(value: Any) -> int | None:
    """The JIS code (1–47) of the prefecture an address is in, or NULL (the 分析 cross
    tabulation's prefecture dimension reads it from ``customer_prefecture``, kept by a
    trigger: migration 0033)."""
    found = prefecture_of(value) if isinstance(value, str) else None
    return _PREFECTURE_CODE[found] if found else None


def register(conn: Any) -> None:
    """Give a DB-API connection (sqlcipher3) the functions the schema uses."""
    conn.create_function("otokui_textnorm", 1, _textnorm, deterministic=True)
    conn.create_function("otokui_grams", 1, _grams, deterministic=True)
    conn.create_function("otokui_prefecture_code", 1, _prefecture_code, deterministic=True)
