"""A text too long for one bubble, split where a reader would (app/line/send/split.py)."""

from __future__ import annotations

from app.line.send import MAX_TEXT_UNITS, utf16_len
from app.line.send.split import split_text


def _paragraph(n: int, length: int) -> str:
    sentence = f"第{n}段落のご案内です。"
    return (sentence * (length // len(sentence) + 1))[:length - 1] + "。"


def test_a_text_that_fits_is_left_alone() -> None:
    assert split_text("ご予約ありがとうございます。") == ["ご予約ありがとうございます。"]
    exact = "あ" * MAX_TEXT_UNITS
    assert split_text(exact) == [exact]


def test_paragraphs_are_kept_whole_when_they_fit() -> None:
    paragraphs = [_paragraph(i, 3000) for i in range(4)]
    text = "\n\n".join(paragraphs)
    parts = split_text(text)
    assert parts == paragraphs  # two paragraphs never fit in one bubble here
    assert all(utf16_len(p) <= MAX_TEXT_UNITS for p in parts)


def test_line_breaks_then_sentences_then_a_hard_cut() -> None:
    lines = "\n".join(f"{i}行目のお知らせです。" * 30 for i in range(40))
    parts = split_text(lines)
    assert parts is not None and len(parts) >= 2
    assert all(utf16_len(p) <= MAX_TEXT_UNITS for p in parts)
    assert "\n".join(parts) == lines  # cut at line ends: nothing lost
    one_line = "お知らせです。" * 1200  # 8,400 characters, no line break
    parts = split_text(one_line)
    assert parts is not None and "".join(parts) == one_line
    assert all(p.endswith("。") for p in parts)
    no_boundary = "あ" * 12_000
    parts = split_text(no_boundary)
    assert [len(p) for p in parts] == [5000, 5000, 2000]


def test_emoji_count_twice_and_stay_whole() -> None:
    text = "😀" * 6000  # 12,000 units
    parts = split_text(text)
    assert parts is not None and "".join(parts) == text
    assert [utf16_len(p) for p in parts] == [5000, 5000, 2000]


def test_more_than_the_bubbles_allowed_is_refused() -> None:
    text = "あ" * (MAX_TEXT_UNITS * 5 + 1)
    assert split_text(text) is None
    assert split_text("あ" * 12_000, max_parts=2) is None
    assert len(split_text("あ" * 12_000, max_parts=3) or []) == 3
