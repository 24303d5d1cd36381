"""Normalising Japanese text for search and matching.

* NFKC folds full-width and half-width forms (０９０ → 090, ｶﾀｶﾅ → カタカナ).
* Katakana become hiragana, so ヤマダ finds やまだ.
* Case is folded and white space removed (田中 太郎 finds 田中太郎).
* Phone numbers keep their digits only (０９０-1234 finds 09012345678).
"""

from __future__ import annotations

import re
import unicodedata

_KATAKANA_START, _KATAKANA_END = 0x30A1, 0x30F6  # ァ … ヶ
_KATA_TO_HIRA = {c: c - 0x60 for c in range(_KATAKANA_START, _KATAKANA_END + 1)}
_SPACE = re.compile(r"\s+")
_NON_DIGIT = re.compile(r"\D")
#: A query that looks like (part of) a phone number: digits with the usual punctuation.
_PHONE_QUERY = re.compile(r"^[\d\s\-‐‑‒–—―−ー()+.]+$")


def normalize(text: str | None) -> str:
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.translate(_KATA_TO_HIRA)
    return _SPACE.sub("", text)


def phone_digits(text: str | None) -> str:
    if not text:
        return ""
    return _NON_DIGIT.sub("", unicodedata.normalize("NFKC", text))


def looks_like_phone(query: str) -> bool:
    q = unicodedata.normalize("NFKC", query).strip()
    return bool(q) and bool(_PHONE_QUERY.match(q)) and sum(ch.isdigit() for ch in q) >= 2


def email_key(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "").strip().casefold()
