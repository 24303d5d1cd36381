"""Recovery passphrases: generated for the owner, written down once, typed back later.

A recovery passphrase is a second key slot (label ``"recovery"``, see :mod:`app.profile`)
that opens the book on another computer or after the OS keyring lost its entry. The owner
does not invent it: we generate 6 groups of 4 characters (``7KQM-2XHC-…``) from an
alphabet without look-alikes (no 0/O, 1/I/L), about 119 bits from :mod:`secrets`, so it
survives being copied by hand onto paper and typed back years later.

Owners retype it loosely (lower case, spaces instead of hyphens, full-width letters from a
Japanese input method). Slots hash exactly what they are given, so we always store the
canonical form and map what was typed onto it with :func:`canonical` before trying it.
"""

from __future__ import annotations

import secrets
import unicodedata
from typing import TYPE_CHECKING

from app.errors import WrongKeyError

if TYPE_CHECKING:
    from app.book import Book
    from app.profile import Profile

#: Upper-case letters and digits without 0, O, 1, I and L (31 symbols).
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
GROUPS = 6
GROUP_SIZE = 4
SEPARATOR = "-"
LENGTH = GROUPS * GROUP_SIZE

# Separators owners type between groups, after NFKC (which folds full-width forms).
_IGNORED = frozenset(" -_.\u30fc\u2010\u2011\u2012\u2013\u2014\u2212\u3000")


def generate() -> str:
    """A fresh recovery passphrase in canonical form, e.g. ``7KQM-2XHC-9DTR-…``."""
    chars = [secrets.choice(ALPHABET) for _ in range(LENGTH)]
    return _group("".join(chars))


def _group(chars: str) -> str:
    return SEPARATOR.join(chars[i:i + GROUP_SIZE] for i in range(0, LENGTH, GROUP_SIZE))


def canonical(typed: str) -> str | None:
    """The canonical form of a recovery passphrase as typed, or None if it is not one.

    Case, spaces, hyphens of any width and full-width letters are forgiven; a wrong or
    missing character is not (that would weaken the passphrase for nothing).
    """
    text = unicodedata.normalize("NFKC", typed).upper()
    chars = "".join(c for c in text if c not in _IGNORED)
    if len(chars) != LENGTH or any(c not in ALPHABET for c in chars):
        return None
    return _group(chars)


def matches(expected: str, typed: str) -> bool:
    """Whether ``typed`` is the recovery passphrase ``expected`` (for the confirm step)."""
    want = canonical(expected)
    return want is not None and secrets.compare_digest(want, canonical(typed) or "")


def candidates(typed: str) -> list[str]:
    """Passphrases to try for what the owner typed into an unlock field.

    What was typed comes first (it may be the owner's own passphrase); if it also reads
    as a recovery passphrase written differently, its canonical form follows.
    """
    result = [typed]
    form = canonical(typed)
    if form is not None and form != typed:
        result.append(form)
    return result


def open_with(profile: Profile, typed: str) -> Book:
    """Open the book with what the owner typed: their passphrase or a recovery passphrase.

    Raises :class:`WrongKeyError` when no reading of ``typed`` opens it (nothing changed).
    """
    error: WrongKeyError | None = None
    for attempt in candidates(typed):
        try:
            return profile.open(attempt)
        except WrongKeyError as exc:
            error = exc
    assert error is not None
    raise error


def unlock_key_with(profile: Profile, typed: str) -> bytes:
    """The book key from what the owner typed (see :func:`open_with`)."""
    error: WrongKeyError | None = None
    for attempt in candidates(typed):
        try:
            return profile.unlock_key(attempt)
        except WrongKeyError as exc:
            error = exc
    assert error is not None
    raise error
