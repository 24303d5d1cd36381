"""Splitting a text too long for one LINE bubble into several, where a reader would.

LINE takes at most 5,000 UTF-16 units per text bubble and 5 bubbles per message. A text
over the limit is cut at the last paragraph break, else line break, else end of a sentence
(。！？!? and a full stop followed by a space) that leaves the bubble at least half full;
failing that at the last such boundary anywhere; only a sentence longer than a whole bubble
is cut in the middle (never inside a character: 😀 stays whole). The line break at a cut
goes with the cut; nothing else is added or dropped.
"""

from __future__ import annotations

import re

from app.line.send.bubbles import MAX_BUBBLES, MAX_TEXT_UNITS

_BREAKS = (re.compile(r"\n[ \t\u3000]*\n+"), re.compile(r"\n"),
           re.compile(r"[。！？!?](?:[」』）)]*)|\.(?= )"))


def _prefix_within(text: str, limit: int) -> int:
    """The number of characters of ``text`` that fit in ``limit`` UTF-16 units."""
    units = 0
    for i, ch in enumerate(text):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > limit:
            # Keep a joined emoji's parts together (a ZWJ or variation selector at the cut).
            while (i > 0 and text[i] in "\u200d\ufe0f") or (i > 1 and text[i - 1] == "\u200d"):
                i -= 1
            return max(i, 1)
    return len(text)


def _cut_at(window: str) -> int:
    """Where to end a bubble whose text is ``window`` (the most that fits)."""
    half = len(window) // 2
    anywhere = 0
    for pattern in _BREAKS:
        ends = [m.end() for m in pattern.finditer(window)]
        if ends and ends[-1] >= half:
            return ends[-1]
        if ends and not anywhere:
            anywhere = ends[-1]
    return anywhere or len(window)


def split_text(text: str, *, limit: int = MAX_TEXT_UNITS,
               max_parts: int = MAX_BUBBLES) -> list[str] | None:
    """The text in bubbles of at most ``limit`` units, or None when more than ``max_parts``
    would be needed. A text that fits comes back as it is, alone."""
    parts: list[str] = []
    rest = text
    while True:
        n = _prefix_within(rest, limit)
        if n >= len(rest):
            parts.append(rest)
            break
        cut = _cut_at(rest[:n])
        head, rest = rest[:cut], rest[cut:]
        parts.append(head.rstrip("\n"))
        rest = rest.lstrip("\n")
        if len(parts) > max_parts:
            return None
    parts = [p for p in parts if p.strip()]
    return parts if len(parts) <= max_parts else None
