"""Japan's 47 prefectures, and which one an address is in.

An address is in a prefecture when its *normalised* form starts with the prefecture's full
name (東京都, 大阪府, 北海道, 神奈川県 …). Normalising (:func:`normalise_address`) is the
search normalisation of :mod:`app.textnorm` (full-width and half-width forms folded, white
space removed) followed by dropping a leading postal code (〒150-0001), which owners often
type first. An address that names no prefecture (渋谷区…) is in none: guessing from a city
name would put 府中市 in Tokyo when the owner meant Hiroshima.
"""

from __future__ import annotations

import re

from app import textnorm

#: In JIS X 0401 order (the code is the position + 1), as the segment builder lists them.
PREFECTURES: tuple[str, ...] = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県",
    "茨城県", "栃木県", "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県",
    "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県", "岐阜県",
    "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県",
    "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県",
    "徳島県", "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県",
    "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
)
_BY_PREFIX: dict[str, str] = {name: name for name in PREFECTURES}
_LENGTHS = sorted({len(name) for name in PREFECTURES})
#: After NFKC: 〒 (optional), then 3 + 4 digits with any dash between, then separators.
_POSTAL = re.compile(r"^〒?(?:\d{3}[-‐‑‒–—―−ー]?\d{4})?[,、.。:]*")


def normalise_address(address: str | None) -> str:
    """The address as prefectures are matched against it (see the module docstring)."""
    return _POSTAL.sub("", textnorm.normalize(address), count=1)


def _match_start(text: str) -> str | None:
    for n in _LENGTHS:
        found = _BY_PREFIX.get(text[:n])
        if found:
            return found
    return None


def prefecture_of(address: str | None) -> str | None:
    """The prefecture ``address`` starts with, or None."""
    if not address or not isinstance(address, str):
        return None
    # The common case, an address typed as 東京都…, needs no normalising: a prefecture
    # name is plain kanji, which normalising leaves as it is.
    return _match_start(address) or _match_start(normalise_address(address))
