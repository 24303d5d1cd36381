"""Reading yen amounts and counts as people write them in POS/EC exports."""

from __future__ import annotations

import unicodedata

from app.errors import ValidationError
from app.i18n import QT_TRANSLATE_NOOP

_CTX = "purchases"
BAD_AMOUNT = QT_TRANSLATE_NOOP(_CTX, "This is not an amount in yen.")


def parse_yen(text: str) -> int:
    """"¥1,980", "１，９８０円", "1980" → 1980. Anything else (a letter O for a zero …) is
    refused rather than guessed: a wrong amount in the books is worse than a named row."""
    norm = unicodedata.normalize("NFKC", text).strip()
    for mark in ("¥", "￥", "円", "JPY", "\\"):
        norm = norm.replace(mark, "")
    norm = norm.replace(",", "").strip()
    negative = norm.startswith("-")
    digits = norm[1:] if negative else norm
    if not digits or not digits.isascii() or not digits.isdigit() or len(digits) > 12:
        raise ValidationError(text[:40], message=BAD_AMOUNT)
    value = int(digits)
    return -value if negative else value
