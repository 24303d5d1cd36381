"""Images through the relay's media endpoint: LINE gets public URLs, the book keeps a copy."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.line.send import ImageBubble, ImageExpiredError, PreviewNeededError, TextBubble
from tests.inbox.conftest import Shop, fetch_public
from tests.relay.images import jpeg, png


def relay_usage(shop: Shop) -> int:
    device = shop.book.line.device()
    assert device is not None
    return shop.connected.relay.service.media.usage(device.device_id,
                                                    shop.connected.relay.service.now_ms())


def test_image_round_trip_through_the_relay(shop: Shop, tmp_path: Path) -> None:
    photo = jpeg(200_000, seed=1)
    path = tmp_path / "menu.png"
    chart = png(50_000, seed=2)
    path.write_bytes(chart)
    result = shop.book.sending.send(shop.cid, [TextBubble("本日のおすすめです"),
                                               ImageBubble(photo), ImageBubble(path)])
    assert result.ok and result.via == "reply"
    (item,) = shop.inbox()
    text, first, second = item["messages"]
    assert text == {"type": "text", "text": "本日のおすすめです"}
    assert first["type"] == second["type"] == "image"
    # What LINE (and the customer's phone) would fetch: the same bytes, from the relay.
    for message, data, ctype in ((first, photo, "image/jpeg"), (second, chart, "image/png")):
        assert message["originalContentUrl"] == message["previewImageUrl"]  # <= 1 MB
        got = fetch_public(shop.connected.relay, message["originalContentUrl"])
        assert got.status_code == 200 and got.content == data
        assert got.headers["content-type"] == ctype
    # The book keeps its own encrypted copy for the conversation view.
    rows = [shop.book.messages.get(m) for m in result.message_ids]
    assert [r.type for r in rows] == ["text", "image", "image"]
    assert shop.book.attachments.read_bytes(rows[1].attachment_id, audit=False) == photo
    assert shop.book.attachments.read_bytes(rows[2].attachment_id, audit=False) == chart
    assert rows[1].payload["image"]["url"] == first["originalContentUrl"]
    assert len(shop.book.attachments.list(shop.cid)) == 2


def test_a_large_image_goes_with_the_preview_given(shop: Shop) -> None:
    photo, preview = jpeg(2_500_000, seed=3), jpeg(90_000, seed=4)
    result = shop.book.sending.send(shop.cid, [ImageBubble(photo, preview=preview)])
    assert result.ok
    (message,) = shop.inbox()[0]["messages"]
    assert message["originalContentUrl"] != message["previewImageUrl"]
    relay = shop.connected.relay
    assert fetch_public(relay, message["originalContentUrl"]).content == photo
    assert fetch_public(relay, message["previewImageUrl"]).content == preview


def test_a_large_image_without_preview_is_refused_before_anything(shop: Shop) -> None:
    with pytest.raises(PreviewNeededError):
        shop.book.sending.send(shop.cid, [ImageBubble(jpeg(1_200_000, seed=5))])
    assert relay_usage(shop) == 0
    assert shop.inbox() == []
    assert [m.direction for m in shop.book.messages.messages(shop.cid)] == ["in", "in"]


def test_a_discarded_image_is_taken_off_the_relay(shop: Shop) -> None:
    shop.later(51)
    shop.e.set_quota(type="limited", value=0)
    result = shop.book.sending.send(shop.cid, [ImageBubble(png(5_000, seed=6))])
    assert result.state == "failed" and result.error_code == "send-quota"
    url = shop.book.messages.get(result.message_ids[0]).payload["image"]["url"]
    assert fetch_public(shop.connected.relay, url).status_code == 200
    shop.book.sending.discard(result.message_ids[0])
    assert fetch_public(shop.connected.relay, url).status_code == 404
    assert shop.book.attachments.list(shop.cid) == []
    assert relay_usage(shop) == 0


def test_a_failed_image_is_not_retried_once_the_relay_dropped_it(shop: Shop) -> None:
    shop.later(51)
    shop.e.set_quota(type="limited", value=0)
    result = shop.book.sending.send(shop.cid, ["新作です", ImageBubble(png(5_000, seed=7))])
    assert result.error_code == "send-quota"
    shop.e.set_quota(type="limited", value=100)
    shop.later(15 * 24 * 3600)  # past RELAY_MEDIA_DAYS (14)
    with pytest.raises(ImageExpiredError):
        shop.book.sending.retry(result.message_ids[0])
    assert shop.inbox() == []
    assert shop.book.sending.status(result.message_ids[1]).state == "failed"
