"""Broadcasts with images: uploaded to the relay once, the stored URLs sent in every request.

Against the real relay (with ``RELAY_PUBLIC_URL``, so it hosts images) and the emulator over
HTTP. LINE (the emulator) only checks that image URLs are https; the tests fetch them from
the relay's loopback address (:func:`tests.inbox.conftest.fetch_public`).
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.broadcast import (
    BroadcastImage,
    BroadcastImagesExpiredError,
    Recipients,
    ScheduledTooLateForImagesError,
)
from app.errors import ValidationError
from app.line.send import ImageBubble, PreviewNeededError, TextBubble
from app.profile import Profile
from app.sync.errors import RelayUnreachableError
from app.sync.relay_client import RelayMediaFullError, RelayMediaUnavailableError
from relay.schema import media
from tests.broadcast.conftest import Connected, Shop, make_shop
from tests.inbox.conftest import PUBLIC_URL, fetch_public
from tests.relay.harness import ManualClock, ThreadRelay
from tests.relay.images import jpeg, png
from tests.sync.support import PASSPHRASE, wait_until

TEXT = "新メニューのご案内：冬季限定の柚子ラーメンが始まりました"


@pytest.fixture
def relay(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ThreadRelay]:
    """The relay with a public https address (images allowed); ``indirect`` parameters
    change it: {"public_url": None} (no images), {"media_max_mb": 1}."""
    options = {"public_url": PUBLIC_URL, **getattr(request, "param", {})}
    running = ThreadRelay(f"sqlite:///{tmp_path / 'relay.db'}", tmp_path / "relay.log",
                          clock=ManualClock(), **options)
    yield running
    running.stop()


@pytest.fixture
def shop(connected: Connected) -> Shop:
    """600 friends: two multicast requests."""
    return make_shop(connected, 600)


@pytest.fixture
def small_shop(connected: Connected) -> Shop:
    return make_shop(connected, 20)


def media_files(shop: Shop) -> int:
    """Files the relay holds (originals and separate previews, live or not)."""
    with shop.connected.relay.store.read_transaction() as conn:
        return int(conn.execute(select(func.count()).select_from(media)).scalar_one())


def image_messages(shop: Shop, uid: str) -> list[list[dict]]:
    return [item["messages"] for item in shop.e.inbox(uid)]


def nothing_stored(shop: Shop) -> None:
    b = shop.book
    assert b.broadcasts.list() == []
    assert media_files(shop) == 0
    assert shop.e.sent() == []
    assert not [e for e in b.audit.entries() if e.action == "broadcast_created"]


def test_text_and_images_reach_everyone_once_in_order(shop: Shop) -> None:
    b = shop.book
    photo = jpeg(200_000, seed=11)
    poster, small = jpeg(2_500_000, seed=12), jpeg(90_000, seed=13)
    plan = b.broadcasts.plan([TEXT, ImageBubble(photo), ImageBubble(poster, preview=small)],
                             Recipients.all_friends())
    assert (plan.endpoint, plan.count, plan.cost, plan.images) == ("multicast", 600, 600, 2)
    assert plan.texts == (TEXT,)
    bid = b.broadcasts.create(plan)
    # Uploaded once for the whole broadcast: two originals and the poster's preview.
    assert media_files(shop) == 3
    report = b.broadcasts.run(bid)
    assert report.state == "done" and report.counts.sent == 600

    requests = [r for r in shop.e.sent() if r["endpoint"] == "multicast"]
    assert len(requests) == 2
    first = requests[0]["messages"]
    assert [r["messages"] for r in requests] == [first, first]
    text, one, two = first
    assert text == {"type": "text", "text": TEXT}
    assert one["type"] == two["type"] == "image"
    assert one["originalContentUrl"] == one["previewImageUrl"]  # at most 1 MB
    assert two["originalContentUrl"] != two["previewImageUrl"]
    relay = shop.connected.relay
    for url, data in ((one["originalContentUrl"], photo), (two["originalContentUrl"], poster),
                      (two["previewImageUrl"], small)):
        got = fetch_public(relay, url)
        assert got.status_code == 200 and got.content == data
    for _, uid in shop.friends:
        assert image_messages(shop, uid) == [first]
    assert shop.e.quota()["totalUsage"] == 600

    # The history: every bubble in order, and the book's own copy of each image.
    info = b.broadcasts.get(bid)
    assert info.texts == (TEXT,) and info.bubbles[0] == TEXT
    assert [type(x) for x in info.bubbles] == [str, BroadcastImage, BroadcastImage]
    img = info.bubbles[2]
    assert isinstance(img, BroadcastImage)
    assert (img.position, img.content_type, img.size, img.url) == (
        2, "image/jpeg", len(poster), two["originalContentUrl"])
    assert b.broadcasts.image(bid, 1) == photo and b.broadcasts.image(bid, 2) == poster


def test_personalised_text_and_image_go_by_push(small_shop: Shop, tmp_path: Path) -> None:
    shop = small_shop
    b = shop.book
    chart = png(40_000, seed=21)
    path = tmp_path / "coupon.png"
    path.write_bytes(chart)
    plan = b.broadcasts.plan([TextBubble("{名前}様、いつもありがとうございます"),
                              ImageBubble(path)], Recipients.all_friends())
    assert plan.personal and plan.endpoint == "push" and plan.cost == 20
    report = b.broadcasts.run(b.broadcasts.create(plan))
    assert report.counts.sent == 20
    assert media_files(shop) == 1
    urls = set()
    for cid, uid in shop.friends:
        c = b.customers.get(cid)
        [[text, image]] = image_messages(shop, uid)
        assert text == {"type": "text",
                        "text": f"{c.name or c.display_name}様、いつもありがとうございます"}
        assert image["type"] == "image"
        urls.add(image["originalContentUrl"])
    [url] = urls
    assert fetch_public(shop.connected.relay, url).content == chart


def test_bad_images_are_refused_before_anything(small_shop: Shop) -> None:
    shop = small_shop
    b = shop.book
    with pytest.raises(PreviewNeededError):
        b.broadcasts.plan([TEXT, ImageBubble(jpeg(1_200_000, seed=31))],
                          Recipients.all_friends())
    for bad in (b"GIF89a" + b"\0" * 100, jpeg(10_000_001, seed=32), b""):
        with pytest.raises(ValidationError):
            b.broadcasts.plan([TEXT, ImageBubble(bad)], Recipients.all_friends())
    with pytest.raises(ValidationError):  # six bubbles in all
        b.broadcasts.plan([TEXT] * 3 + [ImageBubble(png(1_000, seed=i)) for i in range(3)],
                          Recipients.all_friends())
    nothing_stored(shop)


@pytest.mark.parametrize("relay", [{"media_max_mb": 1}], indirect=True)
def test_relay_full_midway_leaves_nothing(small_shop: Shop) -> None:
    shop = small_shop
    b = shop.book
    plan = b.broadcasts.plan([ImageBubble(png(600_000, seed=41)), TEXT,
                              ImageBubble(png(600_000, seed=42))], Recipients.all_friends())
    # The first image fits the relay's 1 MB, the second does not: the first is taken down.
    with pytest.raises(RelayMediaFullError):
        b.broadcasts.create(plan)
    nothing_stored(shop)
    device = b.line.device()
    assert device is not None
    relay = shop.connected.relay
    assert relay.service.media.usage(device.device_id, relay.service.now_ms()) == 0


def test_relay_out_of_reach_stores_nothing(small_shop: Shop) -> None:
    shop = small_shop
    b = shop.book
    plan = b.broadcasts.plan([TEXT, ImageBubble(png(5_000, seed=51))], Recipients.all_friends())
    shop.connected.relay.stop()
    with pytest.raises(RelayUnreachableError):
        b.broadcasts.create(plan)
    assert b.broadcasts.list() == [] and shop.e.sent() == []


@pytest.mark.parametrize("relay", [{"public_url": None}], indirect=True)
def test_relay_without_public_url_says_so(small_shop: Shop) -> None:
    shop = small_shop
    b = shop.book
    plan = b.broadcasts.plan([TEXT, ImageBubble(png(5_000, seed=61))], Recipients.all_friends())
    with pytest.raises(RelayMediaUnavailableError) as caught:
        b.broadcasts.create(plan)
    assert "RELAY_PUBLIC_URL" in caught.value.advice
    nothing_stored(shop)
    # Text alone still goes.
    bid = b.broadcasts.create(b.broadcasts.plan(TEXT, Recipients.all_friends()))
    assert b.broadcasts.run(bid).counts.sent == 20


def test_interrupted_then_resumed_with_the_same_urls(small_shop: Shop) -> None:
    shop = small_shop
    b = shop.book
    e = shop.e
    e.inject_fault("multicast", "accept_then_500", count=1)
    e.inject_fault("multicast", "500", count=10)
    bid = b.broadcasts.create(b.broadcasts.plan([TEXT, ImageBubble(png(8_000, seed=71))],
                                                Recipients.all_friends()))
    assert b.broadcasts.run(bid).state == "interrupted"
    [again] = b.broadcasts.resume_all()
    assert again.state == "done" and again.counts.sent == 20
    requests = [r for r in e.sent() if r["endpoint"] == "multicast"]
    assert requests and all(r["messages"] == requests[0]["messages"] for r in requests)
    assert media_files(shop) == 1  # no second upload
    for _, uid in shop.friends:
        assert image_messages(shop, uid) == [requests[0]["messages"]]
    assert e.quota()["totalUsage"] == 20


ROOT = Path(__file__).resolve().parents[2]
CHILD = """
import sys
from pathlib import Path
from app.broadcast import Recipients
from app.line.send import ImageBubble
from app.profile import Profile

with Profile(Path(sys.argv[1])).open(sys.argv[3]) as book:
    b = book.broadcasts
    bid = b.create(b.plan([sys.argv[4], ImageBubble(Path(sys.argv[2]))],
                          Recipients.all_friends()))
    b.run(bid)
"""


def test_killed_midway_and_resumed_sends_the_stored_urls(
        connected: Connected, profile: Profile, tmp_path: Path) -> None:
    shop = make_shop(connected, 1500)
    e = shop.e
    picture = tmp_path / "sale.png"
    picture.write_bytes(png(30_000, seed=81))
    # LINE's limit held very low, so the kill lands between multicast requests.
    e.configure_rate_limits({"multicast": [1, 60.0]})
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with shop.closed():  # the child process owns the profile while it runs
        proc = subprocess.Popen([sys.executable, "-c", CHILD, str(profile.root),
                                 str(picture), PASSPHRASE, TEXT], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            wait_until(lambda: any(r["endpoint"] == "multicast" for r in e.sent()),
                       timeout=60, what="a first accepted request")
            time.sleep(0.2)
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert media_files(shop) == 1
    got = Counter(len(image_messages(shop, uid)) for _, uid in shop.friends)
    assert got[1] >= 1 and got[0] >= 1 and set(got) == {0, 1}

    e.configure_rate_limits({"multicast": [200, 1.0]})
    [report] = shop.book.broadcasts.resume_all()
    assert report.state == "done" and report.counts.sent == 1500
    assert media_files(shop) == 1  # the resumed run uploaded nothing
    [sent] = {str(r["messages"]) for r in e.sent() if r["endpoint"] == "multicast"}
    for _, uid in shop.friends:
        [messages] = image_messages(shop, uid)
        assert str(messages) == sent and messages[0]["text"] == TEXT
    assert e.quota()["totalUsage"] == 1500


def test_scheduling_with_images_and_expiry(small_shop: Shop) -> None:
    shop = small_shop
    b = shop.book
    now = dt.datetime.now(dt.UTC)
    bubbles = [TEXT, ImageBubble(png(6_000, seed=91))]
    # The relay keeps images 14 days; a broadcast must leave them 7 after its time.
    with pytest.raises(ScheduledTooLateForImagesError):
        b.broadcasts.create(b.broadcasts.plan(bubbles, Recipients.all_friends(),
                                              at=now + dt.timedelta(days=7, hours=1)))
    nothing_stored(shop)

    at = now + dt.timedelta(days=6)
    bid = b.broadcasts.create(b.broadcasts.plan(bubbles, Recipients.all_friends(), at=at))
    assert b.broadcasts.get(bid).state == "scheduled" and media_files(shop) == 1
    assert b.broadcasts.due(at + dt.timedelta(minutes=1)) == [bid]
    assert b.broadcasts.run(bid).counts.sent == 20
    [request] = [r["messages"] for r in shop.e.sent()]
    assert request[1]["originalContentUrl"] == b.broadcasts.get(bid).bubbles[1].url

    # A job left waiting past its images' expiry is stopped, not sent with dead URLs.
    late = b.broadcasts.create(b.broadcasts.plan(bubbles, Recipients.all_friends()))
    b.broadcasts.clock = lambda: time.time() + 15 * 24 * 3600
    with pytest.raises(BroadcastImagesExpiredError):
        b.broadcasts.run(late)
    info = b.broadcasts.get(late)
    assert info.state == "stopped" and info.counts.not_sent == 20
    assert {r.reason for r in b.broadcasts.results(late)} == {"images_expired"}
    assert len(shop.e.sent()) == 1
    assert b.broadcasts.resume_all() == []


def test_test_send_with_an_image(small_shop: Shop) -> None:
    shop = small_shop
    b = shop.book
    cid, uid = shop.friends[3]
    b.customers.update(cid, is_owner=True, name="店主")
    picture = png(7_000, seed=99)
    result = b.broadcasts.test_send(["{名前}さん、テスト送信です", ImageBubble(picture)])
    assert result.ok
    [[text, image]] = image_messages(shop, uid)
    assert text == {"type": "text", "text": "店主さん、テスト送信です"}
    assert fetch_public(shop.connected.relay, image["originalContentUrl"]).content == picture
    assert sum(len(shop.e.inbox(u)) for _, u in shop.friends) == 1
    assert b.broadcasts.list() == []


def test_a_job_stored_before_images_still_sends(small_shop: Shop) -> None:
    """A job stored by the previous release ({"texts": [...]} only) resumed after the
    upgrade: the engine sends its texts as before."""
    import json

    from sqlalchemy import text as sql

    shop = small_shop
    b = shop.book
    bid = b.broadcasts.create(b.broadcasts.plan([TEXT, "またのご来店を"],
                                                Recipients.all_friends()))
    with b.db.write() as s:
        s.execute(sql("UPDATE broadcast SET content = :c WHERE id = :b"),
                  {"c": json.dumps({"texts": [TEXT, "またのご来店を"]}), "b": bid})
    assert b.broadcasts.get(bid).bubbles == (TEXT, "またのご来店を")
    [report] = b.broadcasts.resume_all()
    assert report.counts.sent == 20
    for _, uid in shop.friends:
        assert shop.received(uid) == [[TEXT, "またのご来店を"]]
