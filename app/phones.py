"""Phone numbers: Japanese by default, foreign ones written with a leading + and the
country code. The rules are Google's libphonenumber metadata (``phonenumbers``), not ours.

A number is accepted when the library calls it valid, or when its length is possible for
a mobile or fixed-line number of its country: the library's "valid" also checks which
number blocks are allocated, and owners (and our own examples) write 090-0000-0000-like
numbers that are well formed but not allocated. What is refused is what cannot be a phone
number at all: a digit too many or too few (12 digits after 090), letters, a domestic
number that does not start with 0.
"""

from __future__ import annotations

import unicodedata

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType

from app.errors import ValidationError
from app.i18n import QT_TRANSLATE_NOOP

_CTX = "customers"
_TYPES = (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE)
#: Separators people write between digits (after NFKC: full-width forms are folded).
_SEPARATORS = frozenset(" -()‐－ー―.")

NOT_JAPANESE = QT_TRANSLATE_NOOP(
    _CTX, "This is not a Japanese phone number: check the number of digits (for example "
    "090-1234-5678 or 03-1234-5678). For a number abroad, start with + and the country "
    "code (for example +1 212 555 0100).")
NOT_INTERNATIONAL = QT_TRANSLATE_NOOP(
    _CTX, "This is not a phone number of the country its code names. Check the country "
    "code after + and the digits.")


def _refused(text: str, *, international: bool) -> ValidationError:
    if international:
        return ValidationError(text[:40], message=NOT_INTERNATIONAL)
    return ValidationError(text[:40], message=NOT_JAPANESE)


def _acceptable(number: phonenumbers.PhoneNumber) -> bool:
    if phonenumbers.is_valid_number(number):
        return True
    return any(phonenumbers.is_possible_number_for_type(number, t) for t in _TYPES)


def check_phone(value: str) -> str:
    """``value`` trimmed if it is a phone number; else :class:`ValidationError`."""
    text = value.strip()
    if not text:
        return ""
    folded = unicodedata.normalize("NFKC", text).strip()
    international = folded.startswith("+")
    body = folded[1:] if international else folded
    if not body or any(not (ch.isdigit() or ch in _SEPARATORS) for ch in body):
        raise _refused(text, international=international)
    digits = "".join(ch for ch in body if ch.isdigit())
    if not international and not digits.startswith("0"):
        raise _refused(text, international=False)
    try:
        number = phonenumbers.parse(folded if international else digits,
                                    None if international else "JP")
    except NumberParseException:
        raise _refused(text, international=international) from None
    if not _acceptable(number):
        raise _refused(text, international=international)
    return text
