"""Each LINE rule the emulator enforces, seen as the SDK sees it: ``ApiException`` with
LINE's status, headers and JSON body. Requests the SDK itself refuses to build (a 6th
message, 501 recipients) go over raw HTTP instead."""

from __future__ import annotations

import base64
import json
import uuid

import httpx
import pytest
from linebot.v3.messaging import (
    ApiException,
    BroadcastRequest,
    ErrorResponse,
    MulticastRequest,
    PushMessageRequest,
    ReplyMessageRequest,
    ShowLoadingAnimationRequest,
    TextMessage,
)
from linebot.v3.messaging.exceptions import (
    ForbiddenException,
    NotFoundException,
    UnauthorizedException,
)

from emulator import RunningEmulator

from .conftest import TIMEOUT, TOKEN, Sdk, make_sdk

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def error_of(exc: pytest.ExceptionInfo[ApiException]) -> ErrorResponse:
    return ErrorResponse.from_json(exc.value.body)


def push(uid: str, text: str = "hello") -> PushMessageRequest:
    return PushMessageRequest(to=uid, messages=[TextMessage(text=text)])


def test_bearer_token_is_checked(http: httpx.Client, line: RunningEmulator) -> None:
    uid = line.emulator.add_user("Ken")
    wrong, client = make_sdk(line, token="not-the-token")
    try:
        with pytest.raises(UnauthorizedException) as exc:
            wrong.api.push_message(push(uid), **TIMEOUT)
        assert exc.value.status == 401
        assert error_of(exc).message.startswith("Authentication failed")
        with pytest.raises(UnauthorizedException):
            wrong.blob.get_message_content("1", **TIMEOUT)
    finally:
        client.close()
    missing = http.get(f"{line.base_url}/v2/bot/info")
    assert missing.status_code == 401
    assert missing.json()["message"].startswith("Authorization header required")
    assert line.emulator.inbox(uid) == []


def test_reply_token_is_single_use(line: RunningEmulator, sdk: Sdk) -> None:
    uid = line.emulator.add_user("Ken")
    token = line.emulator.send_text(uid, "hi")["replyToken"]
    request = ReplyMessageRequest(replyToken=token, messages=[TextMessage(text="1")])
    sdk.api.reply_message(request, **TIMEOUT)
    with pytest.raises(ApiException) as exc:
        sdk.api.reply_message(request, **TIMEOUT)
    assert exc.value.status == 400
    assert error_of(exc).message == "Invalid reply token"
    assert len(line.emulator.inbox(uid)) == 1


def test_reply_token_lives_one_minute(line: RunningEmulator, sdk: Sdk) -> None:
    uid = line.emulator.add_user("Ken")
    fresh = line.emulator.send_text(uid, "a")["replyToken"]
    stale = line.emulator.send_text(uid, "b")["replyToken"]
    line.emulator.advance_clock(59)
    sdk.api.reply_message(ReplyMessageRequest(replyToken=fresh,
                                              messages=[TextMessage(text="ok")]), **TIMEOUT)
    line.emulator.advance_clock(2)
    with pytest.raises(ApiException) as exc:
        sdk.api.reply_message(ReplyMessageRequest(replyToken=stale,
                                                  messages=[TextMessage(text="late")]),
                              **TIMEOUT)
    assert exc.value.status == 400 and error_of(exc).message == "Invalid reply token"
    with pytest.raises(ApiException) as forged:
        sdk.api.reply_message(ReplyMessageRequest(replyToken="0" * 32,
                                                  messages=[TextMessage(text="x")]), **TIMEOUT)
    assert forged.value.status == 400


def test_clock_moves_over_http(http: httpx.Client, line: RunningEmulator, sdk: Sdk) -> None:
    uid = line.emulator.add_user("Ken")
    token = line.emulator.send_text(uid, "a")["replyToken"]
    before = http.get(f"{line.base_url}/_emulator/clock").json()["now"]
    moved = http.post(f"{line.base_url}/_emulator/clock", json={"advance_seconds": 61},
                       timeout=10)
    assert moved.status_code == 200 and moved.json()["now"] >= before + 61
    with pytest.raises(ApiException) as exc:
        sdk.api.reply_message(ReplyMessageRequest(replyToken=token,
                                                  messages=[TextMessage(text="x")]), **TIMEOUT)
    assert exc.value.status == 400
    back = http.post(f"{line.base_url}/_emulator/clock", json={"advance_seconds": -5},
                      timeout=10)
    assert back.status_code == 400


def test_text_length_counts_utf16_units(line: RunningEmulator, sdk: Sdk) -> None:
    uid = line.emulator.add_user("Ken")
    # 2,500 emoji outside the BMP are 5,000 UTF-16 units: exactly the limit.
    sdk.api.push_message(push(uid, "😀" * 2500), **TIMEOUT)
    with pytest.raises(ApiException) as exc:
        sdk.api.push_message(push(uid, "😀" * 2500 + "a"), **TIMEOUT)
    assert exc.value.status == 400
    error = error_of(exc)
    assert error.message == "The request body has 1 error(s)"
    assert error.details[0].var_property == "messages[0].text"
    assert len(line.emulator.inbox(uid)) == 1
    assert line.emulator.quota()["totalUsage"] == 1


def test_one_to_five_messages(http: httpx.Client, line: RunningEmulator, sdk: Sdk) -> None:
    uid = line.emulator.add_user("Ken")
    sdk.api.push_message(PushMessageRequest(
        to=uid, messages=[TextMessage(text=str(i)) for i in range(5)]), **TIMEOUT)
    for count in (0, 6):
        raw = http.post(f"{line.base_url}/v2/bot/message/push", headers=AUTH,
                         json={"to": uid, "messages": [{"type": "text", "text": "x"}] * count})
        assert raw.status_code == 400
        assert raw.json()["details"] == [{"message": "Size must be between 1 and 5",
                                          "property": "messages"}]


def test_multicast_takes_at_most_500(http: httpx.Client, line: RunningEmulator, sdk: Sdk) -> None:
    ids = [line.emulator.add_user(f"u{i}", notify=False) for i in range(3)]
    line.emulator.set_quota(type="none")
    padded = ids + [f"U{i:032x}" for i in range(497)]  # unknown ids are skipped
    assert sdk.api.multicast(MulticastRequest(to=padded, messages=[TextMessage(text="x")]),
                             **TIMEOUT) == {}
    raw = http.post(f"{line.base_url}/v2/bot/message/multicast", headers=AUTH,
                     json={"to": [*padded, "U" + "f" * 32],
                           "messages": [{"type": "text", "text": "x"}]})
    assert raw.status_code == 400
    assert raw.json()["details"][0]["property"] == "to"
    assert [len(line.emulator.inbox(uid)) for uid in ids] == [1, 1, 1]


@pytest.mark.parametrize(("message", "prop"), [
    ({"type": "text"}, "messages[0].text"),
    ({"type": "text", "text": ""}, "messages[0].text"),
    ({"type": "carousel"}, "messages[0].type"),
    ({"type": "image", "originalContentUrl": "http://insecure.example/a.jpg",
      "previewImageUrl": "https://example.com/p.jpg"}, "messages[0].originalContentUrl"),
    ({"type": "sticker", "packageId": "446"}, "messages[0].stickerId"),
    ({"type": "location", "title": "店", "address": "東京", "latitude": 95,
      "longitude": 139}, "messages[0].latitude"),
    ({"type": "text", "text": "x", "quoteToken": "forged"}, "messages[0].quoteToken"),
    ({"type": "text", "text": "$", "emojis": [{"index": 1, "productId": "p",
                                              "emojiId": "001"}]},
     "messages[0].emojis[0].index"),
    ({"type": "flex", "altText": "x", "contents": {"type": "box"}},
     "messages[0].contents.type"),
    ("not an object", "messages[0]"),
])
def test_bad_message_objects_are_400(http: httpx.Client, api_only: RunningEmulator, message: object,
                                     prop: str) -> None:
    uid = api_only.emulator.add_user("Ken")
    raw = http.post(f"{api_only.base_url}/v2/bot/message/push", headers=AUTH,
                     json={"to": uid, "messages": [message]})
    assert raw.status_code == 400
    assert prop in [d["property"] for d in raw.json()["details"]]
    assert api_only.emulator.inbox(uid) == []


def test_malformed_bodies_are_400(http: httpx.Client, api_only: RunningEmulator) -> None:
    url = f"{api_only.base_url}/v2/bot/message/push"
    for content in (b"{not json", b"\xff\xfe\x00", b"[]", b""):
        raw = http.post(url, headers=AUTH, content=content)
        assert raw.status_code == 400, content
        assert "message" in raw.json()
    bad_to = http.post(url, headers=AUTH,
                        json={"to": "not-a-user", "messages": [{"type": "text", "text": "x"}]})
    assert bad_to.status_code == 400 and bad_to.json()["details"][0]["property"] == "to"


def test_push_to_a_stranger_fails_and_to_a_blocker_is_accepted(line: RunningEmulator,
                                                              sdk: Sdk) -> None:
    with pytest.raises(ApiException) as exc:
        sdk.api.push_message(push("U" + "0" * 32), **TIMEOUT)
    assert exc.value.status == 400
    uid = line.emulator.add_user("Ken")
    line.emulator.block(uid)
    assert sdk.api.push_message(push(uid), **TIMEOUT).sent_messages
    assert line.emulator.inbox(uid) == []
    assert line.emulator.quota()["totalUsage"] == 0


def test_retry_key_repeat_answers_409_with_the_first_request(line: RunningEmulator,
                                                             sdk: Sdk) -> None:
    uid = line.emulator.add_user("Ken")
    key = str(uuid.uuid4())
    first = sdk.api.push_message_with_http_info(push(uid), x_line_retry_key=key, **TIMEOUT)
    with pytest.raises(ApiException) as exc:
        sdk.api.push_message(push(uid), x_line_retry_key=key, **TIMEOUT)
    assert exc.value.status == 409
    assert exc.value.headers["x-line-accepted-request-id"] == \
        first.headers["x-line-request-id"]
    assert exc.value.headers["x-line-request-id"] != first.headers["x-line-request-id"]
    error = error_of(exc)
    assert error.message == "The retry key is already accepted"
    assert [m.id for m in error.sent_messages] == [m.id for m in first.data.sent_messages]
    assert len(line.emulator.inbox(uid)) == 1
    assert line.emulator.quota()["totalUsage"] == 1

    # Multicast and broadcast repeat with 409 too, without sentMessages.
    mkey = str(uuid.uuid4())
    sdk.api.multicast(MulticastRequest(to=[uid], messages=[TextMessage(text="m")]),
                      x_line_retry_key=mkey, **TIMEOUT)
    with pytest.raises(ApiException) as again:
        sdk.api.broadcast(BroadcastRequest(messages=[TextMessage(text="m")]),
                          x_line_retry_key=mkey, **TIMEOUT)
    assert again.value.status == 409 and error_of(again).sent_messages is None


def test_retry_key_is_honoured_24_hours(line: RunningEmulator, sdk: Sdk) -> None:
    uid = line.emulator.add_user("Ken")
    key = str(uuid.uuid4())
    sdk.api.push_message(push(uid), x_line_retry_key=key, **TIMEOUT)
    line.emulator.advance_clock(24 * 3600 - 5)
    with pytest.raises(ApiException) as exc:
        sdk.api.push_message(push(uid), x_line_retry_key=key, **TIMEOUT)
    assert exc.value.status == 409
    line.emulator.advance_clock(10)
    sdk.api.push_message(push(uid), x_line_retry_key=key, **TIMEOUT)
    assert len(line.emulator.inbox(uid)) == 2


def test_retry_key_must_be_a_uuid_and_is_refused_on_reply(http: httpx.Client, line: RunningEmulator,
                                                          sdk: Sdk) -> None:
    uid = line.emulator.add_user("Ken")
    for bad in ("not-a-uuid", "123e4567e89b12d3a456426614174000"):
        with pytest.raises(ApiException) as exc:
            sdk.api.push_message(push(uid), x_line_retry_key=bad, **TIMEOUT)
        assert exc.value.status == 400
    token = line.emulator.send_text(uid, "hi")["replyToken"]
    raw = http.post(f"{line.base_url}/v2/bot/message/reply",
                     headers={**AUTH, "X-Line-Retry-Key": str(uuid.uuid4())},
                     json={"replyToken": token, "messages": [{"type": "text", "text": "x"}]})
    assert raw.status_code == 400
    assert line.emulator.inbox(uid) == []
    # The refused reply did not use the token up.
    sdk.api.reply_message(ReplyMessageRequest(replyToken=token,
                                              messages=[TextMessage(text="ok")]), **TIMEOUT)


def test_retry_key_of_a_rejected_request_stays_usable(line: RunningEmulator,
                                                      sdk: Sdk) -> None:
    uid = line.emulator.add_user("Ken")
    key = str(uuid.uuid4())
    with pytest.raises(ApiException):
        sdk.api.push_message(push(uid, "x" * 5001), x_line_retry_key=key, **TIMEOUT)
    sdk.api.push_message(push(uid), x_line_retry_key=key, **TIMEOUT)
    assert len(line.emulator.inbox(uid)) == 1


def test_monthly_quota(line: RunningEmulator, sdk: Sdk) -> None:
    ids = [line.emulator.add_user(f"u{i}") for i in range(3)]
    line.emulator.set_quota(value=4)
    sdk.api.multicast(MulticastRequest(to=ids, messages=[TextMessage(text="x")]), **TIMEOUT)
    # 3 used, 1 left: a multicast to 3 needs 3 and is refused whole.
    with pytest.raises(ApiException) as exc:
        sdk.api.multicast(MulticastRequest(to=ids, messages=[TextMessage(text="x")]), **TIMEOUT)
    assert exc.value.status == 429
    assert error_of(exc).message == "You have reached your monthly limit."
    sdk.api.push_message(push(ids[0]), **TIMEOUT)
    with pytest.raises(ApiException) as full:
        sdk.api.push_message(push(ids[0]), **TIMEOUT)
    assert full.value.status == 429
    # Replies are free, even with the quota used up.
    token = line.emulator.send_text(ids[1], "hi")["replyToken"]
    sdk.api.reply_message(ReplyMessageRequest(replyToken=token,
                                              messages=[TextMessage(text="ok")]), **TIMEOUT)
    assert line.emulator.quota() == {"type": "limited", "value": 4, "totalUsage": 4}
    assert sdk.api.get_message_quota_consumption(**TIMEOUT).total_usage == 4


def test_quota_resets_in_a_new_japanese_month(line: RunningEmulator, sdk: Sdk) -> None:
    uid = line.emulator.add_user("Ken")
    line.emulator.set_quota(value=1)
    sdk.api.push_message(push(uid), **TIMEOUT)
    line.emulator.advance_clock(32 * 24 * 3600)
    sdk.api.push_message(push(uid), **TIMEOUT)
    assert line.emulator.quota()["totalUsage"] == 1


def test_rate_limits_per_endpoint(line: RunningEmulator, sdk: Sdk) -> None:
    uid = line.emulator.add_user("Ken")
    line.emulator.set_quota(type="none")
    line.emulator.configure_rate_limits({"push": [3, 60], "broadcast": [1, 3600]})
    for _ in range(3):
        sdk.api.push_message(push(uid), **TIMEOUT)
    with pytest.raises(ApiException) as exc:
        sdk.api.push_message(push(uid), **TIMEOUT)
    assert exc.value.status == 429
    assert error_of(exc).message == "The API rate limit has been exceeded. Try again later."
    # Other endpoints have their own windows.
    assert sdk.api.get_profile(uid, **TIMEOUT).user_id == uid
    sdk.api.broadcast(BroadcastRequest(messages=[TextMessage(text="x")]), **TIMEOUT)
    with pytest.raises(ApiException):
        sdk.api.broadcast(BroadcastRequest(messages=[TextMessage(text="x")]), **TIMEOUT)
    line.emulator.advance_clock(61)
    sdk.api.push_message(push(uid), **TIMEOUT)
    assert len(line.emulator.inbox(uid)) == 5


def test_default_rate_limit_of_broadcast_is_60_an_hour(api_only: RunningEmulator) -> None:
    api_only.emulator.set_quota(type="none")
    sdk, client = make_sdk(api_only)
    try:
        for _ in range(60):
            sdk.api.broadcast(BroadcastRequest(messages=[TextMessage(text="x")]), **TIMEOUT)
        with pytest.raises(ApiException) as exc:
            sdk.api.broadcast(BroadcastRequest(messages=[TextMessage(text="x")]), **TIMEOUT)
        assert exc.value.status == 429
    finally:
        client.close()


def test_request_over_2mb_is_413(http: httpx.Client, api_only: RunningEmulator) -> None:
    uid = api_only.emulator.add_user("Ken")
    body = json.dumps({"to": uid, "messages": [{"type": "text", "text": "x"}],
                       "padding": "x" * (2 * 1024 * 1024)})
    raw = http.post(f"{api_only.base_url}/v2/bot/message/push", headers=AUTH,
                     content=body, timeout=30)
    assert raw.status_code == 413 and "message" in raw.json()
    assert api_only.emulator.inbox(uid) == []


def test_profile_and_content_not_found(line: RunningEmulator, sdk: Sdk) -> None:
    uid = line.emulator.add_user("Ken")
    line.emulator.block(uid)
    with pytest.raises(NotFoundException) as exc:
        sdk.api.get_profile(uid, **TIMEOUT)
    assert error_of(exc).message == "Not found"
    with pytest.raises(NotFoundException):
        sdk.api.get_profile("U" + "9" * 32, **TIMEOUT)
    with pytest.raises(NotFoundException):
        sdk.blob.get_message_content("123456789012345678", **TIMEOUT)
    other = line.emulator.add_user("Ann")
    text_id = line.emulator.send_text(other, "text has no content")["message"]["id"]
    with pytest.raises(NotFoundException):
        sdk.blob.get_message_content(text_id, **TIMEOUT)


def test_followers_is_403_for_unverified_accounts(http: httpx.Client, line: RunningEmulator,
                                                  sdk: Sdk) -> None:
    line.emulator.configure(followers_api=False)
    with pytest.raises(ForbiddenException) as exc:
        sdk.api.get_followers(**TIMEOUT)
    assert exc.value.status == 403
    raw = http.get(f"{line.base_url}/v2/bot/followers/ids?limit=1001", headers=AUTH)
    assert raw.status_code == 403
    line.emulator.configure(followers_api=True)
    forged = [base64.urlsafe_b64encode(t).decode() for t in (b"followers:-3", b"other:1")]
    for bad in ("limit=0", "limit=1001", "limit=x", "start=%25%25",
                *(f"start={f}" for f in forged)):
        raw = http.get(f"{line.base_url}/v2/bot/followers/ids?{bad}", headers=AUTH,
                        timeout=10)
        assert raw.status_code == 400, bad


def test_loading_animation_rules(http: httpx.Client, line: RunningEmulator, sdk: Sdk) -> None:
    uid = line.emulator.add_user("Ken")
    for seconds in (7, 65):
        raw = http.post(f"{line.base_url}/v2/bot/chat/loading/start", headers=AUTH,
                         json={"chatId": uid, "loadingSeconds": seconds})
        assert raw.status_code == 400
        assert raw.json()["details"][0]["property"] == "loadingSeconds"
    with pytest.raises(ApiException) as exc:
        sdk.api.show_loading_animation(ShowLoadingAnimationRequest(
            chatId="U" + "1" * 32, loadingSeconds=5), **TIMEOUT)
    assert exc.value.status == 400
    assert line.emulator.user(uid)["loadingUntil"] is None


def test_mark_as_read_with_a_forged_token_is_400(http: httpx.Client, line: RunningEmulator) -> None:
    raw = http.post(f"{line.base_url}/v2/bot/chat/markAsRead", headers=AUTH,
                     json={"markAsReadToken": "forged"})
    assert raw.status_code == 400
    assert raw.headers["x-line-request-id"]


def test_unknown_paths_answer_in_line_shape(http: httpx.Client, line: RunningEmulator) -> None:
    raw = http.get(f"{line.base_url}/v2/bot/nothing/here", headers=AUTH)
    assert raw.status_code == 404 and raw.json() == {"message": "Not found"}
    wrong_method = http.get(f"{line.base_url}/v2/bot/message/push", headers=AUTH)
    assert wrong_method.status_code == 405 and "message" in wrong_method.json()
