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
from app.search import grams


def _textnorm(value: Any) -> str:
    return textnorm.normalize(value) if isinstance(value, str) else ""


def _grams(value: Any) -> str:
    return grams(_textnorm(value))


def register(conn: Any) -> None:
    """Give a DB-API connection (sqlcipher3) the functions the schema uses."""
    conn.create_function("otokui_textnorm", 1, _textnorm, deterministic=True)
    conn.create_function("otokui_grams", 1, _grams, deterministic=True)
