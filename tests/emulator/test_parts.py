"""The emulator's parts on their own: media files, ids, clocks, rate limits, faults,
text counting, and the plain-Python Emulator with an injected clock."""

from __future__ import annotations

import random
import struct
import zlib

import pytest
from PySide6.QtGui import QColor, QImage

from emulator import ControlError, Emulator, LineApiError, ManualClock, SystemClock, media
from emulator.faults import FaultPlan
from emulator.ids import IdFactory, ulid_from
from emulator.limits import RateLimiter
from emulator.validation import utf16_len

from .conftest import SECRET, TOKEN

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def decode(data: bytes) -> QImage:
    image = QImage()
    assert image.loadFromData(data), "Qt could not decode the image"
    return image


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF, kind
        chunks.append((kind, body))
        pos += 12 + length
    return chunks


def test_png_is_well_formed_and_decodes() -> None:
    color = media.pattern_color(5)
    data = media.png(33, 17, color)
    chunks = png_chunks(data)
    assert [k for k, _ in chunks] == [b"IHDR", b"IDAT", b"IEND"]
    width, height, depth, ctype = struct.unpack(">IIBB", chunks[0][1][:10])
    assert (width, height, depth, ctype) == (33, 17, 8, 2)
    assert len(zlib.decompress(chunks[1][1])) == 17 * (1 + 33 * 3)
    image = decode(data)
    assert (image.width(), image.height()) == (33, 17)
    for x, y in ((0, 0), (32, 16), (10, 3)):
        assert QColor(image.pixel(x, y)).getRgb()[:3] == color(x, y)


@pytest.mark.parametrize(("width", "height"), [(1, 1), (17, 9), (240, 180), (1024, 768)])
def test_jpeg_decodes_with_the_drawn_colours(width: int, height: int) -> None:
    color = media.pattern_color(width)
    data = media.jpeg(width, height, color)
    assert data[:3] == b"\xff\xd8\xff" and data[-2:] == b"\xff\xd9"
    image = decode(data)
    assert (image.width(), image.height()) == (width, height)
    for bx, by in ((0, 0), ((width - 1) // 8, (height - 1) // 8), (1, 0)):
        cx, cy = min(bx * 8 + 4, width - 1), min(by * 8 + 4, height - 1)
        if cx >= width or cy >= height:
            continue
        got = QColor(image.pixel(cx, cy)).getRgb()[:3]
        want = color(cx, cy)
        # YCbCr rounding costs a few levels per channel.
        assert all(abs(g - w) <= 4 for g, w in zip(got, want, strict=True)), (got, want)


def test_image_helper_and_sniffing() -> None:
    jpeg, jtype = media.image("jpeg", 20, 10)
    png, ptype = media.image("png", 20, 10)
    assert (jtype, ptype) == ("image/jpeg", "image/png")
    assert media.sniff_image_type(jpeg) == "image/jpeg"
    assert media.sniff_image_type(png) == "image/png"
    assert media.sniff_image_type(b"GIF89a....") == "image/gif"
    assert media.sniff_image_type(b"plain text") is None
    for bad in ((0, 10), (10, 0), (5000, 10)):
        with pytest.raises(ValueError):
            media.png(*bad, media.pattern_color(0))
    with pytest.raises(ValueError):
        media.image("bmp", 10, 10)


def test_video_and_audio_are_box_sequences() -> None:
    for audio, brand in ((False, b"isom"), (True, b"M4A ")):
        data, ctype = media.mp4(3000, audio_only=audio)
        kinds, pos = [], 0
        while pos < len(data):
            (size,) = struct.unpack(">I", data[pos:pos + 4])
            assert size >= 8
            kinds.append(data[pos + 4:pos + 8])
            pos += size
        assert pos == len(data)
        assert kinds == [b"ftyp", b"free", b"mdat"] and data[8:12] == brand
        assert ctype == ("audio/x-m4a" if audio else "video/mp4")
    assert len(media.file_bytes(12345)) == 12345


def test_utf16_counting() -> None:
    assert utf16_len("abc") == 3
    assert utf16_len("こんにちは") == 5
    assert utf16_len("😀") == 2
    assert utf16_len("👨‍👩‍👧") == 8  # three people joined by two zero-width joiners


def test_ulids_sort_by_time_and_ids_repeat_with_a_seed() -> None:
    early, late = ulid_from(1_700_000_000_000, 2**80 - 1), ulid_from(1_700_000_000_001, 0)
    assert len(early) == 26 and set(early) <= set(CROCKFORD)
    assert early < late
    decoded = 0
    for ch in late[:10]:
        decoded = decoded * 32 + CROCKFORD.index(ch)
    assert decoded == 1_700_000_000_001
    one, two = IdFactory(random.Random(3)), IdFactory(random.Random(3))
    assert [one.user_id(), one.message_id(), one.request_id()] == \
        [two.user_id(), two.message_id(), two.request_id()]
    ids = [int(one.message_id()) for _ in range(50)]
    assert ids == sorted(ids) and len(set(ids)) == 50 and len(str(ids[0])) == 18


def test_clocks_only_move_forward() -> None:
    manual = ManualClock(1000.0)
    manual.advance(2.5)
    assert manual.now() == 1002.5
    system = SystemClock()
    before = system.now()
    system.advance(3600)
    assert system.now() >= before + 3600
    for clock in (manual, system):
        for bad in (-1, float("nan"), float("inf")):
            with pytest.raises(ValueError):
                clock.advance(bad)


def test_rate_limiter_window_slides() -> None:
    limiter = RateLimiter({"push": [2, 1.0], "broadcast": None})
    assert limiter.allow("push", 10.0) and limiter.allow("push", 10.5)
    assert not limiter.allow("push", 10.9)
    assert limiter.allow("push", 11.01)  # the first hit left the window
    assert all(limiter.allow("broadcast", 10.0) for _ in range(500))
    assert limiter.allow("reply", 10.0)  # groups are counted apart
    with pytest.raises(ValueError):
        limiter.configure({"push": [1, 0]})
    with pytest.raises(ValueError):
        limiter.configure({"unknown": [1, 1]})


def test_fault_plan_uses_faults_oldest_first() -> None:
    plan = FaultPlan()
    plan.add("push", "500", count=2)
    plan.add("*", "429")
    plan.add("push", "accept_then_drop")
    assert plan.take("push", after_accept=False).kind == "500"
    assert plan.take("profile", after_accept=False).kind == "429"
    assert plan.take("push", after_accept=False).kind == "500"
    assert plan.take("push", after_accept=False) is None
    assert plan.take("push", after_accept=True).kind == "accept_then_drop"
    assert plan.pending() == []


def test_injected_manual_clock_drives_reply_tokens() -> None:
    clock = ManualClock(1_800_000_000.0)
    with Emulator(SECRET, TOKEN, clock=clock, seed=1) as emulator:
        uid = emulator.add_user("Ken", notify=False)
        event = emulator.send_text(uid, "hi")
        assert event["timestamp"] == 1_800_000_000_000
        body = {"replyToken": event["replyToken"], "messages": [{"type": "text", "text": "a"}]}
        clock.advance(60.0)
        assert emulator.api_send("reply", body, None).status == 200
        late = emulator.send_text(uid, "again")
        clock.advance(60.001)
        with pytest.raises(LineApiError) as exc:
            emulator.api_send("reply", {**body, "replyToken": late["replyToken"]}, None)
        assert exc.value.status == 400 and exc.value.body == {"message": "Invalid reply token"}
        assert exc.value.headers["x-line-request-id"]


def test_emulator_rejects_bad_configuration() -> None:
    with pytest.raises(ValueError):
        Emulator("", TOKEN)
    with pytest.raises(ValueError):
        Emulator(SECRET, TOKEN, bot_user_id="not-a-user")
    with pytest.raises(ControlError):
        Emulator(SECRET, TOKEN, mode="asleep")
    with Emulator(SECRET, TOKEN, quota=None) as emulator:
        assert emulator.quota() == {"type": "none", "totalUsage": 0}
        with pytest.raises(ControlError):
            emulator.configure(webhook_timeout_seconds=0)
        with pytest.raises(ControlError):
            emulator.set_quota(type="limited")  # a limited quota needs a value
        assert emulator.set_quota(type="limited", value=5)["value"] == 5
        with pytest.raises(ControlError):
            emulator.inject_fault("push", "explode")


def test_configure_accepts_the_documented_rate_limits_setting() -> None:
    clock = ManualClock(1_800_000_000.0)
    with Emulator(SECRET, TOKEN, clock=clock, seed=1, quota=None,
                  rate_limits={"push": [1, 1]}) as emulator:
        uid = emulator.add_user("Ken", notify=False)
        body = {"to": uid, "messages": [{"type": "text", "text": "a"}]}
        assert emulator.rate_limiter.allow("push", clock.now())
        assert not emulator.rate_limiter.allow("push", clock.now())
        settings = emulator.configure(rate_limits={"push": [3, 2], "broadcast": None},
                                      redelivery=True)
        assert settings["rate_limits"]["push"] == [3, 2.0]
        assert settings["rate_limits"]["broadcast"] is None
        assert settings["rate_limits"]["multicast"] == [200, 1.0]  # untouched
        assert settings["redelivery"] is True
        assert emulator.api_send("push", body, None).status == 200
        # A bad value changes nothing, the other settings of the call included.
        for bad in ({"push": [0, 1]}, {"nowhere": [1, 1]}, [1, 2], "fast"):
            with pytest.raises(ControlError):
                emulator.configure(rate_limits=bad, duplicates=True)
        with pytest.raises(ControlError):
            emulator.configure(rate_limits={"push": [9, 1]}, nonsense=1)
        after = emulator.settings_dict()
        assert after["rate_limits"]["push"] == [3, 2.0] and after["duplicates"] is False
        with pytest.raises(ControlError):
            emulator.configure(rate_limits={"push": [1, 1], "reply": [0, 0]})
        assert emulator.settings_dict()["rate_limits"]["push"] == [3, 2.0]
    with pytest.raises(ControlError):
        Emulator(SECRET, TOKEN, rate_limits={"push": "many"})
