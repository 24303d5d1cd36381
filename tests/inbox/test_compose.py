"""The composer's checks, before anything is stored or sent: LINE's rules, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.book import Book
from app.errors import ValidationError
from app.line.send import (
    CustomerBlockedError,
    ImageBubble,
    NotOnLineError,
    PreviewNeededError,
    TextBubble,
    utf16_len,
)
from app.line.send.bubbles import check_bubbles, image_type
from tests.relay.images import TINY_JPEG, jpeg, png

FRIEND = "U" + "0123456789abcdef" * 2


def test_utf16_units_as_line_counts_them() -> None:
    assert utf16_len("") == 0
    assert utf16_len("abc") == 3
    assert utf16_len("予約") == 2
    assert utf16_len("😀") == 2           # outside the BMP: a surrogate pair
    assert utf16_len("👍🏻") == 4          # emoji + skin tone modifier
    assert utf16_len("👨‍👩‍👧") == 8   # three emoji joined by two ZWJ
    assert utf16_len("ｶﾞ") == 2           # half-width kana and its voiced mark


def test_text_length_limit_counts_emoji_twice(book: Book) -> None:
    cid = book.customers.create(line_user_id=FRIEND)
    draft = book.sending.compose(cid, ["あ" * 4998 + "😀"])  # exactly 5,000 units
    assert draft.text_units == (5000,)
    with pytest.raises(ValidationError) as info:
        book.sending.compose(cid, ["あ" * 4999 + "😀"])  # 5,001 units, 5,000 characters
    assert "5001 / 5000" in str(info.value)


@pytest.mark.parametrize("bubbles", [
    [], ["一"] * 6, [""], ["  \n\t "], [TextBubble("ok"), 42],
    ["\ud800 broken surrogate"],
])
def test_malformed_drafts_are_refused(bubbles: list) -> None:
    with pytest.raises(ValidationError):
        check_bubbles(1, bubbles)  # what book.sending.compose runs


def test_five_bubbles_and_windows_line_ends_are_fine(book: Book) -> None:
    cid = book.customers.create(line_user_id=FRIEND)
    draft = book.sending.compose(cid, ["一", "二\r\n三", "四", ImageBubble(TINY_JPEG), "五"])
    assert draft.items[1] == "二\n三" and len(draft.items) == 5
    # Same content, same fingerprint (the double-click guard); each draft its own id.
    again = book.sending.compose(cid, ["一", "二\n三", "四", ImageBubble(TINY_JPEG), "五"])
    assert again.fingerprint == draft.fingerprint and again.draft_id != draft.draft_id


@pytest.mark.parametrize("data", [
    b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",              # a GIF: LINE takes none
    b"\xff\xd8\xff",                                      # a JPEG marker and nothing else
    b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,                  # PNG magic without IHDR
    b"RIFF\x00\x00\x00\x00WEBPVP8 ",                      # WebP
    b"%PDF-1.4 not an image",
    b"",
])
def test_only_jpeg_and_png_images(data: bytes) -> None:
    assert image_type(data) is None
    with pytest.raises(ValidationError):
        check_bubbles(1, [ImageBubble(data)])


def test_image_sizes(book: Book, tmp_path: Path) -> None:
    cid = book.customers.create(line_user_id=FRIEND)
    huge = tmp_path / "huge.jpg"
    huge.write_bytes(jpeg(10_000_001, seed=1))
    with pytest.raises(ValidationError, match="10 MB"):
        book.sending.compose(cid, [ImageBubble(huge, preview=TINY_JPEG)])
    big = jpeg(1_000_001, seed=2)
    with pytest.raises(PreviewNeededError):
        book.sending.compose(cid, [ImageBubble(big)])
    with pytest.raises(ValidationError, match="preview"):
        book.sending.compose(cid, [ImageBubble(big, preview=jpeg(1_000_001, seed=3))])
    with pytest.raises(ValidationError, match="preview"):
        book.sending.compose(cid, [ImageBubble(big, preview=b"GIF89a......")])
    with pytest.raises(ValidationError, match="cannot be read"):
        book.sending.compose(cid, [ImageBubble(tmp_path / "missing.png")])
    ok = book.sending.compose(cid, [ImageBubble(big, preview=png(2_000)),
                                    ImageBubble(jpeg(1_000_000, seed=4))])
    first, second = ok.items
    assert not isinstance(first, str) and not isinstance(second, str)
    assert first.preview_type == "image/png" and second.preview is None  # its own preview


def test_recipients_must_be_friends(book: Book) -> None:
    stranger = book.customers.create(name="電話のお客様")
    with pytest.raises(NotOnLineError):
        book.sending.send(stranger, ["こんにちは"])
    blocked = book.customers.create(line_user_id=FRIEND, blocked_at="2026-11-01T10:00:00")
    with pytest.raises(CustomerBlockedError):
        book.sending.send(blocked, ["こんにちは"])
    assert book.messages.count() == 0


def test_a_draft_is_for_one_customer(book: Book) -> None:
    a = book.customers.create(line_user_id=FRIEND)
    b = book.customers.create(line_user_id="U" + "fedcba9876543210" * 2)
    draft = book.sending.compose(a, ["a"])
    with pytest.raises(ValidationError):
        book.sending.send(b, draft)


def test_window_setting_is_bounded(book: Book) -> None:
    assert book.sending.window_seconds == 50
    book.sending.set_window_seconds(40)
    assert book.sending.window_seconds == 40
    for bad in (0, 59, 600):
        with pytest.raises(ValidationError):
            book.sending.set_window_seconds(bad)
    book.settings.set("inbox.reply_window_seconds", "forever")  # a damaged value
    assert book.sending.window_seconds == 50
