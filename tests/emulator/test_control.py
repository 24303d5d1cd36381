"""The control API (/_emulator/...) over HTTP: simulated users and their messages,
inboxes, quota, clock, settings, webhook draining and injected faults."""

from __future__ import annotations

import base64
import re
import time
import uuid

import httpx
import pytest
import urllib3
from linebot.v3.messaging import (
    ApiException,
    BroadcastRequest,
    MulticastRequest,
    NarrowcastRequest,
    PushMessageRequest,
    ReplyMessageRequest,
    TextMessage,
)
from linebot.v3.messaging.exceptions import ServiceException
from linebot.v3.webhooks import FileMessageContent, ImageMessageContent, MessageEvent

from emulator import RunningEmulator, media

from .conftest import TIMEOUT, Receiver, Sdk

USER_ID = re.compile(r"^U[0-9a-f]{32}$")


def url(line: RunningEmulator, path: str) -> str:
    return f"{line.base_url}/_emulator{path}"


def add_user(http: httpx.Client, line: RunningEmulator, name: str = "山田 花子") -> str:
    response = http.post(url(line, "/users"), json={"displayName": name})
    assert response.status_code == 201
    return response.json()["userId"]


def push(uid: str, text: str = "x") -> PushMessageRequest:
    return PushMessageRequest(to=uid, messages=[TextMessage(text=text)])


def test_add_a_friend_sends_follow(http: httpx.Client, line: RunningEmulator,
                                   receiver: Receiver) -> None:
    response = http.post(url(line, "/users"), json={
        "displayName": "佐藤", "pictureUrl": "https://example.com/p.jpg",
        "statusMessage": "hi", "language": "ja"})
    assert response.status_code == 201
    body = response.json()
    assert USER_ID.match(body["userId"])
    assert body["event"]["type"] == "follow" and body["event"]["replyToken"]
    line.emulator.wait_for_deliveries()
    assert receiver.events()[0].source.user_id == body["userId"]
    user = http.get(url(line, f"/users/{body['userId']}")).json()
    assert (user["displayName"], user["language"], user["blocked"]) == ("佐藤", "ja", False)
    listed = http.get(url(line, "/users")).json()["users"]
    assert [u["userId"] for u in listed] == [body["userId"]]


def test_bulk_and_silent_friends(http: httpx.Client, line: RunningEmulator,
                                 receiver: Receiver) -> None:
    response = http.post(url(line, "/users"), json={"users": [
        {"displayName": f"客{i}", "notify": False} for i in range(5)]})
    assert response.status_code == 201
    users = response.json()["users"]
    assert len({u["userId"] for u in users}) == 5 and all(u["event"] is None for u in users)
    fixed = "U" + "ab" * 16
    assert http.post(url(line, "/users"), json={"displayName": "x", "userId": fixed}
                     ).json()["userId"] == fixed
    assert http.post(url(line, "/users"), json={"displayName": "x", "userId": fixed}
                     ).status_code == 409
    line.emulator.wait_for_deliveries()
    assert len(receiver.received) == 1


@pytest.mark.parametrize("body", [
    b"{", b"[1]", b'"text"', b'{"displayName": ""}', b'{"displayName": 5}',
    b'{"displayName": "x", "userId": "U123"}', b'{"displayName": "x", "language": []}',
    b'{"users": {"displayName": "x"}}', b'{"users": ["x"]}',
])
def test_bad_user_bodies_are_400(http: httpx.Client, line: RunningEmulator,
                                 body: bytes) -> None:
    response = http.post(url(line, "/users"), content=body)
    assert response.status_code == 400 and response.json()["message"]
    assert line.emulator.users() == []


def test_user_messages_over_http(http: httpx.Client, line: RunningEmulator,
                                 receiver: Receiver, sdk: Sdk) -> None:
    uid = add_user(http, line)
    own = media.png(8, 8, lambda x, y: (x * 30, y * 30, 0))
    specs = [
        {"type": "text", "text": "予約 (love)", "emojis": [
            {"index": 3, "length": 6, "productId": "p", "emojiId": "002"}]},
        {"type": "sticker", "packageId": "11537", "stickerId": "52002734",
         "keywords": ["OK"]},
        {"type": "image", "contentBase64": base64.b64encode(own).decode()},
        {"type": "image", "format": "png", "width": 30, "height": 20},
        {"type": "file", "fileName": "a.txt",
         "contentBase64": base64.b64encode(b"hello file").decode()},
        {"type": "video", "duration": 1200},
        {"type": "audio", "duration": 900},
        {"type": "location", "title": "店", "address": "大阪", "latitude": 34.7,
         "longitude": 135.5},
    ]
    ids = []
    for spec in specs:
        response = http.post(url(line, f"/users/{uid}/messages"), json=spec)
        assert response.status_code == 200, response.text
        ids.append(response.json()["messageId"])
        assert response.json()["event"]["message"]["type"] == spec["type"]
    assert bytes(sdk.blob.get_message_content(ids[2], **TIMEOUT)) == own
    assert bytes(sdk.blob.get_message_content(ids[4], **TIMEOUT)) == b"hello file"
    line.emulator.wait_for_deliveries()
    events = receiver.events()[1:]
    assert len(events) == len(specs) and all(isinstance(e, MessageEvent) for e in events)
    assert isinstance(events[2].message, ImageMessageContent)
    assert isinstance(events[4].message, FileMessageContent)
    assert events[4].message.file_size == len(b"hello file")
    history = http.get(url(line, f"/users/{uid}/events")).json()["events"]
    assert [e["type"] for e in history] == ["follow"] + ["message"] * len(specs)


@pytest.mark.parametrize("spec", [
    {"type": "text"}, {"type": "text", "text": ""}, {"type": "text", "text": "x" * 5001},
    {"type": "text", "text": "ab", "emojis": [{"index": 1, "length": 5, "productId": "p",
                                              "emojiId": "1"}]},
    {"type": "sticker", "packageId": "1"}, {"type": "image", "contentBase64": "%%%"},
    {"type": "image", "width": 0}, {"type": "image", "format": "gif"},
    {"type": "file", "fileName": "a", "fileSize": 0},
    {"type": "file", "fileName": "a", "fileSize": 3, "contentBase64": "YWJjZA=="},
    {"type": "location", "latitude": 91, "longitude": 0},
    {"type": "video", "duration": -1}, {"type": "hologram"},
])
def test_bad_user_messages_are_400(http: httpx.Client, line: RunningEmulator,
                                   spec: dict) -> None:
    uid = add_user(http, line)
    response = http.post(url(line, f"/users/{uid}/messages"), json=spec)
    assert response.status_code == 400 and response.json()["message"]
    assert [e["type"] for e in line.emulator.events(uid)] == ["follow"]


def test_unknown_and_blocked_users(http: httpx.Client, line: RunningEmulator) -> None:
    stranger = "U" + "0" * 32
    text = {"type": "text", "text": "x"}
    assert http.post(url(line, f"/users/{stranger}/messages"), json=text).status_code == 404
    assert http.get(url(line, f"/users/{stranger}/inbox")).status_code == 404
    uid = add_user(http, line)
    assert http.post(url(line, f"/users/{uid}/unblock")).status_code == 409
    blocked = http.post(url(line, f"/users/{uid}/block"))
    assert blocked.status_code == 200 and blocked.json()["event"]["type"] == "unfollow"
    assert http.post(url(line, f"/users/{uid}/messages"), json=text).status_code == 409
    unblocked = http.post(url(line, f"/users/{uid}/unblock")).json()["event"]
    assert unblocked["follow"] == {"isUnblocked": True}
    assert http.post(url(line, f"/users/{uid}/messages"), json=text).status_code == 200


def test_postback_account_link_and_unsend_routes(http: httpx.Client, line: RunningEmulator,
                                                 sdk: Sdk) -> None:
    uid = add_user(http, line)
    postback = http.post(url(line, f"/users/{uid}/postback"),
                         json={"data": "a=1", "params": {"date": "2026-12-24"}})
    assert postback.json()["event"]["postback"] == {"data": "a=1",
                                                    "params": {"date": "2026-12-24"}}
    assert http.post(url(line, f"/users/{uid}/postback"), json={}).status_code == 400
    bad_link = http.post(url(line, f"/users/{uid}/account-link"),
                         json={"linkToken": "forged", "nonce": "n"})
    assert bad_link.status_code == 400
    failed = http.post(url(line, f"/users/{uid}/account-link"),
                       json={"linkToken": "forged", "nonce": "n", "result": "failed"})
    assert failed.json()["event"]["link"] == {"result": "failed", "nonce": "n"}
    assert "replyToken" not in failed.json()["event"]
    token = sdk.api.issue_link_token(uid, **TIMEOUT).link_token
    line.emulator.advance_clock(601)  # link tokens live ten minutes
    assert http.post(url(line, f"/users/{uid}/account-link"),
                     json={"linkToken": token, "nonce": "n"}).status_code == 400
    mid = line.emulator.send_image(uid)["message"]["id"]
    unsent = http.post(url(line, f"/users/{uid}/unsend"), json={"messageId": mid})
    assert unsent.json()["event"]["unsend"] == {"messageId": mid}
    with pytest.raises(ApiException) as exc:
        sdk.blob.get_message_content(mid, **TIMEOUT)
    assert exc.value.status == 404


def test_inbox_lists_what_was_sent_in_order_with_the_endpoint(
        http: httpx.Client, line: RunningEmulator, sdk: Sdk) -> None:
    uid = add_user(http, line)
    follow_token = line.emulator.last_event(uid)["replyToken"]
    sdk.api.reply_message(ReplyMessageRequest(replyToken=follow_token,
                                              messages=[TextMessage(text="ようこそ")]),
                          **TIMEOUT)
    sdk.api.push_message(push(uid, "push"), **TIMEOUT)
    sdk.api.multicast(MulticastRequest(to=[uid], messages=[TextMessage(text="multi")]),
                      **TIMEOUT)
    sdk.api.broadcast(BroadcastRequest(messages=[TextMessage(text="all")]), **TIMEOUT)
    sdk.api.narrowcast(NarrowcastRequest(messages=[TextMessage(text="some")]), **TIMEOUT)
    inbox = http.get(url(line, f"/users/{uid}/inbox")).json()
    assert inbox["userId"] == uid
    assert [(i["endpoint"], i["messages"][0]["text"]) for i in inbox["items"]] == [
        ("reply", "ようこそ"), ("push", "push"), ("multicast", "multi"),
        ("broadcast", "all"), ("narrowcast", "some")]
    timestamps = [i["timestamp"] for i in inbox["items"]]
    assert timestamps == sorted(timestamps)
    sent = http.get(url(line, "/sent")).json()["sent"]
    assert [s["endpoint"] for s in sent] == ["reply", "push", "multicast", "broadcast",
                                             "narrowcast"]
    assert all(s["recipients"] == 1 for s in sent)


def test_quota_read_and_set(http: httpx.Client, line: RunningEmulator, sdk: Sdk) -> None:
    uid = add_user(http, line)
    assert http.get(url(line, "/quota")).json() == {"type": "limited", "value": 200,
                                                    "totalUsage": 0}
    assert http.post(url(line, "/quota"), json={"value": 10, "totalUsage": 10}).json() == \
        {"type": "limited", "value": 10, "totalUsage": 10}
    with pytest.raises(ApiException) as exc:
        sdk.api.push_message(push(uid), **TIMEOUT)
    assert exc.value.status == 429
    assert http.post(url(line, "/quota"), json={"type": "none"}).json()["type"] == "none"
    sdk.api.push_message(push(uid), **TIMEOUT)
    assert sdk.api.get_message_quota(**TIMEOUT).type == "none"
    assert sdk.api.get_message_quota_consumption(**TIMEOUT).total_usage == 11
    for bad in ({"type": "lots"}, {"value": -1}, {"value": "200"}, {"totalUsage": True}):
        assert http.post(url(line, "/quota"), json=bad).status_code == 400, bad


def test_settings_read_and_validated(http: httpx.Client, line: RunningEmulator) -> None:
    settings = http.get(url(line, "/settings")).json()
    assert settings["redelivery"] is False and settings["webhook_url"].endswith("/callback")
    assert settings["rate_limits"]["broadcast"] == [60, 3600.0]
    changed = http.post(url(line, "/settings"), json={
        "redelivery": True, "duplicates": True, "rate_limits": {"push": [5, 1]}}).json()
    assert changed["redelivery"] and changed["duplicates"]
    assert changed["rate_limits"]["push"] == [5, 1.0]
    assert http.post(url(line, "/settings"), json={"webhook_url": None}).json()[
        "webhook_url"] is None
    for bad in ({"nonsense": 1}, {"redelivery": "yes"}, {"mode": "sleepy"},
                {"webhook_url": "ftp://x"}, {"out_of_order_batch": 0},
                {"redelivery_delay_seconds": -1}, {"rate_limits": {"push": [0, 1]}},
                {"rate_limits": {"nowhere": [1, 1]}}, {"redelivery_max_attempts": 2.5}):
        assert http.post(url(line, "/settings"), json=bad).status_code == 400, bad


def test_wait_for_webhooks_over_http(http: httpx.Client, line: RunningEmulator,
                                     receiver: Receiver) -> None:
    receiver.gate.clear()
    add_user(http, line)
    stuck = http.post(url(line, "/webhooks/wait"), json={"timeout": 0.2})
    assert stuck.status_code == 504 and stuck.json()["drained"] is False
    receiver.gate.set()
    assert http.post(url(line, "/webhooks/wait"), json={"timeout": 10}).json() == \
        {"drained": True}
    deliveries = http.get(url(line, "/webhooks/deliveries")).json()["deliveries"]
    assert [d["status"] for d in deliveries] == [200]
    assert http.post(url(line, "/webhooks/wait"), json={"timeout": "soon"}).status_code == 400
    assert http.post(url(line, "/webhooks/verify")).json() == {"status": 200, "ok": True,
                                                               "error": None}
    assert len(receiver.received) == 2


def test_info_and_clock(http: httpx.Client, line: RunningEmulator) -> None:
    info = http.get(url(line, "")).json()
    assert info["botUserId"] == line.emulator.bot_user_id and info["webhookUrlSet"] is True
    assert http.post(url(line, "/clock"), json={"advance_seconds": "1"}).status_code == 400
    assert http.post(url(line, "/clock"), json={}).status_code == 400


# --- injected faults ---

def test_fault_500_then_429_then_normal(http: httpx.Client, line: RunningEmulator,
                                        sdk: Sdk) -> None:
    uid = add_user(http, line)
    assert http.post(url(line, "/faults"), json={"endpoint": "push", "kind": "500"}
                     ).status_code == 200
    http.post(url(line, "/faults"), json={"endpoint": "push", "kind": "429"})
    assert len(http.get(url(line, "/faults")).json()["faults"]) == 2
    with pytest.raises(ServiceException) as first:
        sdk.api.push_message(push(uid), **TIMEOUT)
    assert first.value.status == 500 and first.value.headers["x-line-request-id"]
    with pytest.raises(ApiException) as second:
        sdk.api.push_message(push(uid), **TIMEOUT)
    assert second.value.status == 429
    sdk.api.push_message(push(uid), **TIMEOUT)
    assert len(line.emulator.inbox(uid)) == 1
    assert http.get(url(line, "/faults")).json()["faults"] == []


def test_fault_counts_and_endpoints(http: httpx.Client, line: RunningEmulator,
                                    sdk: Sdk) -> None:
    uid = add_user(http, line)
    http.post(url(line, "/faults"), json={"endpoint": "profile", "kind": "500", "count": 2})
    sdk.api.push_message(push(uid), **TIMEOUT)  # another endpoint is untouched
    for _ in range(2):
        with pytest.raises(ServiceException):
            sdk.api.get_profile(uid, **TIMEOUT)
    assert sdk.api.get_profile(uid, **TIMEOUT).user_id == uid
    http.post(url(line, "/faults"), json={"endpoint": "*", "kind": "500", "count": 3})
    assert http.delete(url(line, "/faults")).json() == {"faults": []}
    assert sdk.api.get_profile(uid, **TIMEOUT).user_id == uid
    for bad in ({"endpoint": "push", "kind": "418"}, {"endpoint": "nowhere", "kind": "500"},
                {"endpoint": "push", "kind": "500", "count": 0},
                {"endpoint": "push", "kind": "delay"}):
        assert http.post(url(line, "/faults"), json=bad).status_code == 400, bad


def test_dropped_connection_processes_nothing(http: httpx.Client, line: RunningEmulator,
                                              sdk: Sdk) -> None:
    uid = add_user(http, line)
    line.emulator.inject_fault("push", "drop")
    with pytest.raises(urllib3.exceptions.ProtocolError):
        sdk.api.push_message(push(uid), **TIMEOUT)
    assert line.emulator.inbox(uid) == []
    sdk.api.push_message(push(uid), **TIMEOUT)
    assert len(line.emulator.inbox(uid)) == 1


def test_accepted_then_dropped_push_is_409_on_retry(http: httpx.Client,
                                                    line: RunningEmulator, sdk: Sdk) -> None:
    uid = add_user(http, line)
    key = str(uuid.uuid4())
    line.emulator.inject_fault("push", "accept_then_drop")
    with pytest.raises(urllib3.exceptions.ProtocolError):
        sdk.api.push_message(push(uid), x_line_retry_key=key, **TIMEOUT)
    [delivered] = line.emulator.inbox(uid)
    with pytest.raises(ApiException) as exc:
        sdk.api.push_message(push(uid), x_line_retry_key=key, **TIMEOUT)
    assert exc.value.status == 409
    assert exc.value.headers["x-line-accepted-request-id"] == delivered["requestId"]
    assert len(line.emulator.inbox(uid)) == 1


def test_accepted_then_500_and_rejected_requests_keep_the_fault(
        http: httpx.Client, line: RunningEmulator, sdk: Sdk) -> None:
    uid = add_user(http, line)
    key = str(uuid.uuid4())
    line.emulator.inject_fault("push", "accept_then_500")
    with pytest.raises(ApiException) as rejected:  # a 4xx does not use the fault up
        sdk.api.push_message(push("U" + "0" * 32), **TIMEOUT)
    assert rejected.value.status == 400
    with pytest.raises(ServiceException):
        sdk.api.push_message(push(uid), x_line_retry_key=key, **TIMEOUT)
    with pytest.raises(ApiException) as exc:
        sdk.api.push_message(push(uid), x_line_retry_key=key, **TIMEOUT)
    assert exc.value.status == 409
    assert len(line.emulator.inbox(uid)) == 1


def test_delayed_answer_is_still_processed(http: httpx.Client, line: RunningEmulator,
                                           sdk: Sdk) -> None:
    uid = add_user(http, line)
    key = str(uuid.uuid4())
    # The answer comes 30 times later than the client waits: only a client thread stalled
    # for seconds could still see it, however loaded the machine.
    line.emulator.inject_fault("push", "delay", seconds=3)
    with pytest.raises(urllib3.exceptions.ReadTimeoutError):
        sdk.api.push_message(push(uid), x_line_retry_key=key, _request_timeout=0.1)
    # The client gave up; the platform did not. A retry with the same key is a 409.
    deadline = time.monotonic() + 60
    while not line.emulator.inbox(uid):
        assert time.monotonic() < deadline, "the delayed push was never processed"
        time.sleep(0.01)
    with pytest.raises(ApiException) as exc:
        sdk.api.push_message(push(uid), x_line_retry_key=key, **TIMEOUT)
    assert exc.value.status == 409
