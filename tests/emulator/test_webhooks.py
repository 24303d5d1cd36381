"""Webhooks as LINE sends them: real format, signed, parsed by the SDK's WebhookParser
into the real classes; redelivery, duplicates, out-of-order delivery; and delivery
never blocks the API side."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time

import pytest
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.messaging import ApiException, PushMessageRequest, ReplyMessageRequest, TextMessage
from linebot.v3.webhook import WebhookParser
from linebot.v3.webhooks import (
    AccountLinkEvent,
    AudioMessageContent,
    Emoji,
    FileMessageContent,
    FollowEvent,
    ImageMessageContent,
    LocationMessageContent,
    MessageEvent,
    PostbackEvent,
    StickerMessageContent,
    TextMessageContent,
    UnfollowEvent,
    UnsendEvent,
    UserSource,
    VideoMessageContent,
)

from emulator import ControlError, RunningEmulator

from .conftest import SECRET, TIMEOUT, Receiver, Sdk

ULID = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")


def bodies(receiver: Receiver) -> list[dict]:
    return [json.loads(item.body) for item in receiver.received]


def raw_events(receiver: Receiver) -> list[dict]:
    """Every event received, in order, whatever POST (batch) carried it."""
    return [event for body in bodies(receiver) for event in body["events"]]


def test_follow_webhook_is_signed_and_parses(line: RunningEmulator,
                                             receiver: Receiver) -> None:
    uid = line.emulator.add_user("山田 花子")
    line.emulator.wait_for_deliveries()
    [item] = receiver.received
    expected = base64.b64encode(hmac.new(SECRET.encode(), item.body, hashlib.sha256).digest())
    assert item.signature == expected.decode()
    assert item.headers["content-type"].startswith("application/json")
    assert item.headers["user-agent"].startswith("LineBotWebhook/")
    payload = WebhookParser(SECRET).parse(item.body.decode("utf-8"), item.signature,
                                          as_payload=True)
    assert payload.destination == line.emulator.bot_user_id
    [event] = payload.events
    assert isinstance(event, FollowEvent)
    assert event.follow.is_unblocked is False
    assert isinstance(event.source, UserSource) and event.source.user_id == uid
    assert event.mode.value == "active"
    assert event.delivery_context.is_redelivery is False
    assert ULID.match(event.webhook_event_id)
    assert abs(event.timestamp - time.time() * 1000) < 60_000
    assert event.reply_token


def test_forged_or_tampered_webhooks_fail_verification(line: RunningEmulator,
                                                       receiver: Receiver) -> None:
    line.emulator.add_user("Ken")
    line.emulator.wait_for_deliveries()
    [item] = receiver.received
    with pytest.raises(InvalidSignatureError):
        WebhookParser("another-channel-secret").parse(item.body.decode(), item.signature)
    tampered = item.body.replace(b'"follow"', b'"unfollow"', 1)
    with pytest.raises(InvalidSignatureError):
        WebhookParser(SECRET).parse(tampered.decode(), item.signature)


def test_every_message_kind_parses_to_the_real_classes(line: RunningEmulator,
                                                       receiver: Receiver) -> None:
    e = line.emulator
    uid = e.add_user("Ken")
    e.send_text(uid, "こんにちは (smile)", emojis=[
        {"index": 6, "length": 7, "productId": "5ac1bfd5040ab15980c9b435", "emojiId": "001"}])
    e.send_sticker(uid, "446", "1988", keywords=["Happy", "Smile"])
    e.send_image(uid)
    e.send_video(uid, duration_ms=8000)
    e.send_audio(uid, duration_ms=2500)
    e.send_file(uid, "見積書.pdf", file_size=2048)
    e.send_location(uid, 35.681, 139.767, title="東京駅", address="東京都千代田区丸の内")
    e.wait_for_deliveries()
    events = receiver.events()[1:]  # after the follow event
    assert all(isinstance(ev, MessageEvent) for ev in events)
    text, sticker, image, video, audio, file, location = (ev.message for ev in events)
    assert isinstance(text, TextMessageContent) and text.text == "こんにちは (smile)"
    assert text.quote_token and text.mark_as_read_token
    assert isinstance(text.emojis[0], Emoji) and text.emojis[0].emoji_id == "001"
    assert isinstance(sticker, StickerMessageContent)
    assert (sticker.package_id, sticker.sticker_id, sticker.keywords) == \
        ("446", "1988", ["Happy", "Smile"])
    assert sticker.quote_token
    assert isinstance(image, ImageMessageContent) and image.quote_token
    assert image.content_provider.type == "line"
    assert isinstance(video, VideoMessageContent) and video.duration == 8000
    assert video.content_provider.type == "line" and video.quote_token
    assert isinstance(audio, AudioMessageContent) and audio.duration == 2500
    assert isinstance(file, FileMessageContent)
    assert (file.file_name, file.file_size) == ("見積書.pdf", 2048)
    assert isinstance(location, LocationMessageContent)
    assert (location.title, location.latitude) == ("東京駅", 35.681)
    ids = [ev.message.id for ev in events]
    assert ids == sorted(ids, key=int) and len(set(ids)) == len(ids)
    assert len({ev.webhook_event_id for ev in events}) == len(events)
    assert len({ev.reply_token for ev in events}) == len(events)
    assert all(ev.message.mark_as_read_token for ev in events)
    # Japanese goes out as raw UTF-8, as LINE sends it.
    assert "東京駅".encode() in receiver.received[-1].body


def test_postback_block_unblock_link_and_unsend(line: RunningEmulator, receiver: Receiver,
                                                sdk: Sdk) -> None:
    e = line.emulator
    uid = e.add_user("Ken")
    e.send_postback(uid, "action=reserve&slot=3", {"datetime": "2026-12-01T10:00"})
    link = sdk.api.issue_link_token(uid, **TIMEOUT).link_token
    e.account_link(uid, link, "n0nce-123")
    mid = e.send_image(uid)["message"]["id"]
    e.unsend(uid, mid)
    e.block(uid)
    e.unblock(uid)
    e.wait_for_deliveries()
    kinds = [type(ev) for ev in receiver.events()]
    assert kinds == [FollowEvent, PostbackEvent, AccountLinkEvent, MessageEvent, UnsendEvent,
                     UnfollowEvent, FollowEvent]
    events = receiver.events()
    postback, linked, unsent, unfollow, refollow = (events[1], events[2], events[4],
                                                    events[5], events[6])
    assert postback.postback.data == "action=reserve&slot=3"
    assert postback.postback.params == {"datetime": "2026-12-01T10:00"}
    assert (linked.link.result, linked.link.nonce) == ("ok", "n0nce-123")
    assert unsent.unsend.message_id == mid
    assert "replyToken" not in raw_events(receiver)[5]
    assert refollow.follow.is_unblocked is True and unfollow.source.user_id == uid
    # A link token is single use.
    with pytest.raises(ValueError):
        e.account_link(uid, link, "again")


def test_webhook_can_be_unset(api_only: RunningEmulator) -> None:
    e = api_only.emulator
    uid = e.add_user("Ken")
    event = e.send_text(uid, "hi")
    e.wait_for_deliveries(timeout=5)
    assert [d["error"] for d in e.deliveries()] == ["no webhook URL set"] * 2
    assert event["replyToken"] and event["message"]["text"] == "hi"


def test_redelivery_after_a_failed_delivery(line: RunningEmulator,
                                            receiver: Receiver) -> None:
    line.emulator.configure(redelivery=True, redelivery_delay_seconds=0.05)
    uid = line.emulator.add_user("Ken", notify=False)
    receiver.fail_next = 1
    line.emulator.send_text(uid, "届きましたか")
    line.emulator.wait_for_deliveries()
    first, second = bodies(receiver)
    assert first["events"][0]["deliveryContext"] == {"isRedelivery": False}
    assert second["events"][0]["deliveryContext"] == {"isRedelivery": True}
    first["events"][0].pop("deliveryContext")
    second["events"][0].pop("deliveryContext")
    assert first == second
    assert [(d["status"], d["isRedelivery"]) for d in line.emulator.deliveries()] == \
        [(500, False), (200, True)]
    parsed = receiver.events()
    assert parsed[1].delivery_context.is_redelivery is True


def test_no_redelivery_unless_switched_on(line: RunningEmulator, receiver: Receiver) -> None:
    uid = line.emulator.add_user("Ken", notify=False)
    receiver.fail_next = 1
    line.emulator.send_text(uid, "x")
    line.emulator.wait_for_deliveries()
    assert len(receiver.received) == 1
    assert [d["ok"] for d in line.emulator.deliveries()] == [False]


def test_redelivery_after_connection_error_and_timeout(line: RunningEmulator,
                                                      receiver: Receiver) -> None:
    e = line.emulator
    e.configure(redelivery=True, redelivery_delay_seconds=0.05, redelivery_max_attempts=50,
                webhook_url="http://127.0.0.1:9/nothing-listens-here")
    uid = e.add_user("Ken", notify=False)
    e.send_text(uid, "x")
    deadline = time.monotonic() + 10
    while not any(d["error"] == "ConnectError" for d in e.deliveries()):
        assert time.monotonic() < deadline
        time.sleep(0.01)
    # A receiver slower than the timeout counts as a failure too.
    receiver.gate.clear()
    e.configure(webhook_url=receiver.url, webhook_timeout_seconds=0.2)
    while not any(d["error"] == "ReadTimeout" for d in e.deliveries()):
        assert time.monotonic() < deadline
        time.sleep(0.01)
    receiver.gate.set()
    e.wait_for_deliveries()
    assert e.deliveries()[-1]["ok"] is True and e.deliveries()[-1]["isRedelivery"] is True
    assert bodies(receiver)[-1]["events"][0]["deliveryContext"]["isRedelivery"] is True


def test_redelivered_reply_token_lives_a_minute_from_redelivery(
        line: RunningEmulator, receiver: Receiver, sdk: Sdk) -> None:
    e = line.emulator
    e.configure(redelivery=True, redelivery_delay_seconds=0.01)
    uid = e.add_user("Ken", notify=False)
    receiver.gate.clear()
    receiver.fail_next = 1
    token = e.send_text(uid, "x")["replyToken"]
    e.advance_clock(90)  # the first attempt is still in flight, then fails
    receiver.gate.set()
    e.wait_for_deliveries()
    assert len(raw_events(receiver)) == 2
    sdk.api.reply_message(ReplyMessageRequest(replyToken=token,
                                              messages=[TextMessage(text="ok")]), **TIMEOUT)


def test_redelivered_reply_token_never_outlives_20_minutes(
        line: RunningEmulator, receiver: Receiver, sdk: Sdk) -> None:
    e = line.emulator
    e.configure(redelivery=True, redelivery_delay_seconds=0.01)
    uid = e.add_user("Ken", notify=False)
    receiver.gate.clear()
    receiver.fail_next = 1
    token = e.send_text(uid, "x")["replyToken"]
    e.advance_clock(20 * 60 + 1)
    receiver.gate.set()
    e.wait_for_deliveries()
    assert len(raw_events(receiver)) == 2
    with pytest.raises(ApiException) as exc:
        sdk.api.reply_message(ReplyMessageRequest(replyToken=token,
                                                  messages=[TextMessage(text="late")]),
                              **TIMEOUT)
    assert exc.value.status == 400


def test_duplicates_send_the_same_bytes_twice(line: RunningEmulator,
                                              receiver: Receiver) -> None:
    line.emulator.configure(duplicates=True)
    uid = line.emulator.add_user("Ken", notify=False)
    line.emulator.send_text(uid, "once")
    line.emulator.wait_for_deliveries()
    first, second = receiver.received
    assert first.body == second.body and first.signature == second.signature


def test_out_of_order_delivery_shuffles_but_timestamps_restore_order(
        line: RunningEmulator, receiver: Receiver) -> None:
    e = line.emulator
    e.configure(out_of_order=True, out_of_order_batch=6, out_of_order_hold_seconds=30)
    uid = e.add_user("Ken", notify=False)
    for i in range(6):
        e.send_text(uid, str(i))
        e.advance_clock(0.01)
    e.wait_for_deliveries()
    events = raw_events(receiver)
    texts = [ev["message"]["text"] for ev in events]
    assert sorted(texts) == [str(i) for i in range(6)]
    assert texts != sorted(texts)
    by_time = sorted(events, key=lambda ev: ev["timestamp"])
    assert [ev["message"]["text"] for ev in by_time] == [str(i) for i in range(6)]


def test_held_events_are_released_by_waiting(line: RunningEmulator,
                                             receiver: Receiver) -> None:
    line.emulator.configure(out_of_order=True, out_of_order_batch=100,
                            out_of_order_hold_seconds=60)
    uid = line.emulator.add_user("Ken", notify=False)
    line.emulator.send_text(uid, "held")
    time.sleep(0.05)
    assert receiver.received == []
    line.emulator.wait_for_deliveries()
    assert len(receiver.received) == 1


def test_standby_mode_events_have_no_reply_token(line: RunningEmulator,
                                                 receiver: Receiver) -> None:
    line.emulator.configure(mode="standby")
    uid = line.emulator.add_user("Ken", notify=False)
    event = line.emulator.send_text(uid, "x")
    line.emulator.wait_for_deliveries()
    assert "replyToken" not in event and event["mode"] == "standby"
    [parsed] = receiver.events()
    assert isinstance(parsed, MessageEvent) and parsed.mode.value == "standby"


def test_slow_webhook_does_not_block_the_api(line: RunningEmulator, receiver: Receiver,
                                             sdk: Sdk) -> None:
    receiver.gate.clear()
    e = line.emulator
    uid = e.add_user("Ken")
    e.send_text(uid, "waiting")
    with pytest.raises(TimeoutError):
        e.wait_for_deliveries(timeout=0.2)
    # The receiver holds the webhook; the API side still answers.
    sdk.api.push_message(PushMessageRequest(to=uid, messages=[TextMessage(text="push")]),
                         **TIMEOUT)
    assert sdk.api.get_profile(uid, **TIMEOUT).user_id == uid
    assert len(e.inbox(uid)) == 1
    receiver.gate.set()
    e.wait_for_deliveries()
    assert len(raw_events(receiver)) == 2


def test_verify_sends_an_empty_signed_event_list(line: RunningEmulator, receiver: Receiver,
                                                 api_only: RunningEmulator) -> None:
    assert line.emulator.verify_webhook() == {"status": 200, "ok": True, "error": None}
    [item] = receiver.received
    payload = WebhookParser(SECRET).parse(item.body.decode(), item.signature, as_payload=True)
    assert payload.events == [] and payload.destination == line.emulator.bot_user_id
    receiver.fail_next = 1
    assert line.emulator.verify_webhook()["status"] == 500
    assert api_only.emulator.verify_webhook()["error"] == "no webhook URL set"


def test_answer_lost_fault_redelivers_what_the_receiver_processed(
        line: RunningEmulator, receiver: Receiver) -> None:
    e = line.emulator
    e.configure(redelivery=True, redelivery_delay_seconds=0.01)
    uid = e.add_user("Ken", notify=False)
    e.inject_fault("webhook", "answer_lost", count=2)
    assert e.faults.pending() == [{"endpoint": "webhook", "kind": "answer_lost",
                                   "remaining": 2, "seconds": 0.0}]
    e.send_text(uid, "x")
    e.wait_for_deliveries()
    # The receiver got (and answered) all three POSTs; the emulator lost the first two
    # answers, as if they had timed out, and redelivered.
    assert len(receiver.received) == 3
    assert [(d["attempt"], d["ok"], d["error"]) for d in e.deliveries()] == [
        (0, False, "ReadTimeout"), (1, False, "ReadTimeout"), (2, True, None)]
    sent = [b["events"][0]["deliveryContext"]["isRedelivery"] for b in bodies(receiver)]
    assert sent == [False, True, True]
    assert e.faults.pending() == []


def test_answer_lost_fault_is_only_for_webhooks(line: RunningEmulator) -> None:
    e = line.emulator
    with pytest.raises(ControlError):
        e.inject_fault("webhook", "500")
    with pytest.raises(ControlError):
        e.inject_fault("push", "answer_lost")
    e.inject_fault("*", "500")  # a wildcard API fault never touches webhooks
    e.inject_fault("webhook", "answer_lost")
    assert [f["endpoint"] for f in e.faults.pending()] == ["*", "webhook"]
def test_events_made_together_arrive_in_one_post(line: RunningEmulator,
                                                 receiver: Receiver) -> None:
    e = line.emulator
    uid = e.add_user("Ken", notify=False)
    other = e.add_user("Aya", notify=False)
    with e.together():
        e.send_text(uid, "一つ目")
        e.send_image(uid)
        e.send_text(other, "二つ目")
        e.block(other)
    e.wait_for_deliveries()
    [item] = receiver.received
    payload = WebhookParser(SECRET).parse(item.body.decode("utf-8"), item.signature,
                                          as_payload=True)
    assert [type(ev).__name__ for ev in payload.events] == [
        "MessageEvent", "MessageEvent", "MessageEvent", "UnfollowEvent"]
    assert [ev["type"] for ev in raw_events(receiver)] == ["message"] * 3 + ["unfollow"]
    assert [d["batchSize"] for d in e.deliveries()] == [4] * 4


def test_a_batch_is_split_by_the_batch_size(line: RunningEmulator,
                                            receiver: Receiver) -> None:
    e = line.emulator
    e.configure(webhook_batch_size=2)
    uid = e.add_user("Ken", notify=False)
    with e.together():
        for i in range(5):
            e.send_text(uid, str(i))
    e.wait_for_deliveries()
    assert [len(b["events"]) for b in bodies(receiver)] == [2, 2, 1]
    assert [ev["message"]["text"] for ev in raw_events(receiver)] == [str(i) for i in range(5)]


def test_batch_size_one_sends_one_event_per_post(line: RunningEmulator,
                                                 receiver: Receiver) -> None:
    e = line.emulator
    e.configure(webhook_batch_size=1)
    uid = e.add_user("Ken", notify=False)
    with e.together():
        e.send_text(uid, "a")
        e.send_text(uid, "b")
    e.wait_for_deliveries()
    assert [len(b["events"]) for b in bodies(receiver)] == [1, 1]


def test_a_failed_batch_is_redelivered_whole(line: RunningEmulator,
                                             receiver: Receiver) -> None:
    e = line.emulator
    e.configure(redelivery=True, redelivery_delay_seconds=0.05)
    uid = e.add_user("Ken", notify=False)
    receiver.fail_next = 1
    with e.together():
        e.send_text(uid, "a")
        e.send_text(uid, "b")
    e.wait_for_deliveries()
    first, second = bodies(receiver)
    assert [ev["deliveryContext"]["isRedelivery"] for ev in first["events"]] == [False] * 2
    assert [ev["deliveryContext"]["isRedelivery"] for ev in second["events"]] == [True] * 2
    assert [ev["webhookEventId"] for ev in first["events"]] == \
        [ev["webhookEventId"] for ev in second["events"]]


def test_duplicates_never_share_a_batch(line: RunningEmulator, receiver: Receiver) -> None:
    e = line.emulator
    e.configure(duplicates=True)
    uid = e.add_user("Ken", notify=False)
    with e.together():
        e.send_text(uid, "a")
        e.send_text(uid, "b")
    e.wait_for_deliveries()
    for body in bodies(receiver):
        ids = [ev["webhookEventId"] for ev in body["events"]]
        assert len(ids) == len(set(ids))
    assert sorted(ev["message"]["text"] for ev in raw_events(receiver)) == ["a", "a", "b", "b"]


def test_hold_and_release_over_http(line: RunningEmulator, receiver: Receiver,
                                    http) -> None:
    e = line.emulator
    uid = e.add_user("Ken", notify=False)
    assert http.post(f"{line.base_url}/_emulator/webhooks/hold").json() == {"holding": True}
    for text in ("a", "b", "c"):
        http.post(f"{line.base_url}/_emulator/users/{uid}/messages",
                  json={"type": "text", "text": text}).raise_for_status()
    time.sleep(0.05)
    assert receiver.received == []  # kept back until released
    http.post(f"{line.base_url}/_emulator/webhooks/release").raise_for_status()
    e.wait_for_deliveries()
    assert [len(b["events"]) for b in bodies(receiver)] == [3]


def test_batch_window_gathers_events_made_one_by_one(line: RunningEmulator,
                                                     receiver: Receiver) -> None:
    e = line.emulator
    # A long window and a small batch size: the batch goes as soon as it is full.
    e.configure(webhook_batch_window_seconds=30, webhook_batch_size=3)
    uid = e.add_user("Ken", notify=False)
    for text in ("a", "b", "c"):
        e.send_text(uid, text)
    e.wait_for_deliveries()
    assert [len(b["events"]) for b in bodies(receiver)] == [3]


def test_membership_beacon_video_and_group_events_parse(line: RunningEmulator,
                                                        receiver: Receiver, http) -> None:
    from linebot.v3.webhooks import (
        BeaconEvent,
        GroupSource,
        MembershipEvent,
        RoomSource,
        VideoPlayCompleteEvent,
    )

    e = line.emulator
    uid = e.add_user("Ken", notify=False)
    e.membership(uid, "joined", 3189)
    e.beacon(uid, "d41d8cd98f", "banner", dm="1234")
    e.video_play_complete(uid, "track-1")
    with e.in_group() as group_id:
        e.send_text(uid, "in the group")
    with e.in_group(room_id="R" + "b" * 32):
        e.send_sticker(uid, "446", "1988")
    base = f"{line.base_url}/_emulator/users/{uid}"
    assert http.post(f"{base}/membership", json={"type": "left"}).status_code == 200
    assert http.post(f"{base}/beacon", json={"type": "stay"}).status_code == 200
    assert http.post(f"{base}/video-play-complete",
                     json={"trackingId": "t2"}).status_code == 200
    assert http.post(f"{base}/messages", json={"type": "text", "text": "x",
                                               "groupId": group_id}).status_code == 200
    for path, bad in (("membership", {"type": "maybe"}), ("beacon", {"hwid": "XYZ"}),
                      ("video-play-complete", {}), ("messages", {"type": "text", "text": "x",
                                                                 "groupId": "nope"})):
        assert http.post(f"{base}/{path}", json=bad).status_code == 400, path
    e.wait_for_deliveries()
    parsed = receiver.events()
    assert [type(ev).__name__ for ev in parsed] == [
        "MembershipEvent", "BeaconEvent", "VideoPlayCompleteEvent", "MessageEvent",
        "MessageEvent", "MembershipEvent", "BeaconEvent", "VideoPlayCompleteEvent",
        "MessageEvent"]
    membership, beacon, video, group_msg, room_msg = parsed[:5]
    assert isinstance(membership, MembershipEvent) and membership.reply_token
    assert membership.membership.type == "joined"
    assert isinstance(beacon, BeaconEvent) and beacon.beacon.type == "banner"
    assert beacon.beacon.dm == "1234"
    assert isinstance(video, VideoPlayCompleteEvent)
    assert video.video_play_complete.tracking_id == "track-1"
    assert isinstance(group_msg.source, GroupSource)
    assert (group_msg.source.group_id, group_msg.source.user_id) == (group_id, uid)
    assert group_msg.message.mark_as_read_token is None
    assert isinstance(room_msg.source, RoomSource)
    assert isinstance(parsed[-1].source, GroupSource)
    # Outside the block, messages are one-to-one again.
    assert e.send_text(uid, "direct")["source"] == {"type": "user", "userId": uid}
