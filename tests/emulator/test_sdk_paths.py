"""The official SDK, over real HTTP, gets from the emulator what it gets from LINE."""

from __future__ import annotations

import re
import threading
from datetime import datetime

import pytest
from linebot.v3.messaging import (
    ApiClient,
    BotInfoResponse,
    BroadcastRequest,
    ChatReference,
    Configuration,
    GetFollowersResponse,
    ImageMessage,
    IssueLinkTokenResponse,
    MarkMessagesAsReadByTokenRequest,
    MarkMessagesAsReadRequest,
    MessageQuotaResponse,
    MessagingApiBlob,
    MulticastRequest,
    NarrowcastProgressResponse,
    NarrowcastRequest,
    PushMessageRequest,
    PushMessageResponse,
    QuotaConsumptionResponse,
    ReplyMessageRequest,
    ReplyMessageResponse,
    ShowLoadingAnimationRequest,
    StickerMessage,
    TextMessage,
    UserProfileResponse,
)
from linebot.v3.messaging.exceptions import NotFoundException

from emulator import RunningEmulator

from .conftest import TIMEOUT, Sdk, make_sdk

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def test_push_returns_sent_messages_and_lands_in_the_inbox(line: RunningEmulator,
                                                           sdk: Sdk) -> None:
    uid = line.emulator.add_user("山田 花子")
    response = sdk.api.push_message_with_http_info(PushMessageRequest(
        to=uid, messages=[TextMessage(text="ご来店ありがとうございました"),
                          StickerMessage(packageId="446", stickerId="1988")]), **TIMEOUT)
    assert response.status_code == 200
    assert UUID.match(response.headers["x-line-request-id"])
    assert isinstance(response.data, PushMessageResponse)
    sent = response.data.sent_messages
    assert len(sent) == 2 and all(s.id.isdigit() and s.quote_token for s in sent)
    inbox = line.emulator.inbox(uid)
    assert [item["endpoint"] for item in inbox] == ["push"]
    assert inbox[0]["messages"][0] == {"type": "text", "text": "ご来店ありがとうございました"}
    assert inbox[0]["requestId"] == response.headers["x-line-request-id"]
    assert [s["id"] for s in inbox[0]["sentMessages"]] == [s.id for s in sent]
    assert line.emulator.quota()["totalUsage"] == 1


def test_reply_uses_the_webhook_token_and_is_free(line: RunningEmulator, sdk: Sdk) -> None:
    uid = line.emulator.add_user("Ken")
    token = line.emulator.send_text(uid, "予約できますか")["replyToken"]
    result = sdk.api.reply_message(ReplyMessageRequest(
        replyToken=token, messages=[TextMessage(text="はい、どうぞ")]), **TIMEOUT)
    assert isinstance(result, ReplyMessageResponse)
    assert result.sent_messages[0].quote_token
    assert line.emulator.inbox(uid)[0]["endpoint"] == "reply"
    assert line.emulator.quota()["totalUsage"] == 0


def test_a_sent_quote_token_can_be_quoted(line: RunningEmulator, sdk: Sdk) -> None:
    uid = line.emulator.add_user("Ken")
    user_quote = line.emulator.send_text(uid, "これは何ですか")["message"]["quoteToken"]
    first = sdk.api.push_message(PushMessageRequest(
        to=uid, messages=[TextMessage(text="A", quoteToken=user_quote)]), **TIMEOUT)
    sdk.api.push_message(PushMessageRequest(
        to=uid, messages=[TextMessage(text="B", quoteToken=first.sent_messages[0].quote_token)]),
        **TIMEOUT)
    assert [i["messages"][0]["text"] for i in line.emulator.inbox(uid)] == ["A", "B"]


def test_multicast_broadcast_and_narrowcast_reach_friends_and_count(
        line: RunningEmulator, sdk: Sdk) -> None:
    a = line.emulator.add_user("A")
    b = line.emulator.add_user("B")
    blocked = line.emulator.add_user("C")
    line.emulator.block(blocked)
    assert sdk.api.multicast(MulticastRequest(
        to=[a, b, blocked, a], messages=[TextMessage(text="セール")]), **TIMEOUT) == {}
    assert sdk.api.broadcast(BroadcastRequest(messages=[TextMessage(text="全員へ")]),
                             **TIMEOUT) == {}
    narrow = sdk.api.narrowcast_with_http_info(
        NarrowcastRequest(messages=[ImageMessage(
            originalContentUrl="https://example.com/a.jpg",
            previewImageUrl="https://example.com/a-small.jpg")]), **TIMEOUT)
    assert narrow.status_code == 202
    request_id = narrow.headers["x-line-request-id"]
    progress = sdk.api.get_narrowcast_progress(request_id, **TIMEOUT)
    assert isinstance(progress, NarrowcastProgressResponse)
    assert progress.phase == "succeeded"
    assert progress.target_count == progress.success_count == 2
    assert isinstance(progress.accepted_time, datetime)
    for uid in (a, b):
        assert [i["endpoint"] for i in line.emulator.inbox(uid)] == \
            ["multicast", "broadcast", "narrowcast"]
    assert line.emulator.inbox(blocked) == []
    # 2 recipients x 3 requests; the blocked friend and the repeated id cost nothing.
    assert line.emulator.quota()["totalUsage"] == 6


def test_narrowcast_progress_follows_the_clock(line: RunningEmulator, sdk: Sdk) -> None:
    line.emulator.add_user("A")
    line.emulator.configure(narrowcast_seconds=30)
    response = sdk.api.narrowcast_with_http_info(
        NarrowcastRequest(messages=[TextMessage(text="x")]), **TIMEOUT)
    request_id = response.headers["x-line-request-id"]
    assert sdk.api.get_narrowcast_progress(request_id, **TIMEOUT).phase == "sending"
    line.emulator.advance_clock(31)
    done = sdk.api.get_narrowcast_progress(request_id, **TIMEOUT)
    assert done.phase == "succeeded" and done.completed_time is not None


def test_profile_quota_followers_link_token_and_bot_info(line: RunningEmulator,
                                                         sdk: Sdk) -> None:
    uid = line.emulator.add_user("佐藤", picture_url="https://example.com/p.png",
                                 status_message="よろしく", language="ja")
    plain = line.emulator.add_user("Bare")
    profile = sdk.api.get_profile(uid, **TIMEOUT)
    assert isinstance(profile, UserProfileResponse)
    assert (profile.display_name, profile.user_id, profile.picture_url,
            profile.status_message, profile.language) == \
        ("佐藤", uid, "https://example.com/p.png", "よろしく", "ja")
    bare = sdk.api.get_profile(plain, **TIMEOUT)
    assert bare.picture_url is None and bare.language is None

    quota = sdk.api.get_message_quota(**TIMEOUT)
    assert isinstance(quota, MessageQuotaResponse)
    assert (quota.type, quota.value) == ("limited", 200)
    usage = sdk.api.get_message_quota_consumption(**TIMEOUT)
    assert isinstance(usage, QuotaConsumptionResponse) and usage.total_usage == 0

    followers = sdk.api.get_followers(**TIMEOUT)
    assert isinstance(followers, GetFollowersResponse)
    assert followers.user_ids == [uid, plain] and followers.next is None

    token = sdk.api.issue_link_token(uid, **TIMEOUT)
    assert isinstance(token, IssueLinkTokenResponse) and len(token.link_token) >= 20

    info = sdk.api.get_bot_info(**TIMEOUT)
    assert isinstance(info, BotInfoResponse)
    assert info.user_id == line.emulator.bot_user_id and info.basic_id.startswith("@")


def test_followers_page_with_next(line: RunningEmulator, sdk: Sdk) -> None:
    ids = [line.emulator.add_user(f"u{i}", notify=False) for i in range(7)]
    seen: list[str] = []
    start = None
    pages = 0
    while True:
        page = sdk.api.get_followers(start=start, limit=3, **TIMEOUT)
        seen.extend(page.user_ids)
        pages += 1
        if page.next is None:
            break
        start = page.next
    assert seen == ids and pages == 3


def test_mark_as_read_and_loading_animation(line: RunningEmulator, sdk: Sdk) -> None:
    uid = line.emulator.add_user("Ken")
    first = line.emulator.send_text(uid, "1")["message"]
    second = line.emulator.send_text(uid, "2")["message"]
    assert sdk.api.mark_messages_as_read_by_token(MarkMessagesAsReadByTokenRequest(
        markAsReadToken=first["markAsReadToken"]), **TIMEOUT) is None
    assert line.emulator.user(uid)["readUpTo"] == first["id"]
    sdk.api.mark_messages_as_read(MarkMessagesAsReadRequest(chat=ChatReference(userId=uid)),
                                  **TIMEOUT)
    assert line.emulator.user(uid)["readUpTo"] == second["id"]
    # An older token never moves the read mark back.
    sdk.api.mark_messages_as_read_by_token(MarkMessagesAsReadByTokenRequest(
        markAsReadToken=first["markAsReadToken"]), **TIMEOUT)
    assert line.emulator.user(uid)["readUpTo"] == second["id"]

    response = sdk.api.show_loading_animation_with_http_info(
        ShowLoadingAnimationRequest(chatId=uid, loadingSeconds=10), **TIMEOUT)
    assert response.status_code == 202
    assert line.emulator.user(uid)["loadingUntil"] is not None


def test_message_content_and_preview_via_the_blob_api(line: RunningEmulator,
                                                      sdk: Sdk) -> None:
    uid = line.emulator.add_user("Ken")
    image = line.emulator.send_image(uid, image_format="png", width=64, height=48)
    mid = image["message"]["id"]
    content = sdk.blob.get_message_content_with_http_info(mid, **TIMEOUT)
    assert content.status_code == 200
    assert content.headers["content-type"] == "image/png"
    assert bytes(content.data).startswith(b"\x89PNG\r\n\x1a\n")
    preview = sdk.blob.get_message_content_preview(mid, **TIMEOUT)
    assert bytes(preview).startswith(b"\x89PNG") and len(preview) < len(content.data)

    given = b"%PDF-1.4 tiny file\n"
    file_event = line.emulator.send_file(uid, "見積書.pdf", given)
    assert bytes(sdk.blob.get_message_content(file_event["message"]["id"], **TIMEOUT)) == given


def test_video_content_is_202_while_transcoding(line: RunningEmulator, sdk: Sdk) -> None:
    uid = line.emulator.add_user("Ken")
    mid = line.emulator.send_video(uid, duration_ms=4000, transcoding_seconds=60)["message"]["id"]
    pending = sdk.blob.get_message_content_with_http_info(mid, **TIMEOUT)
    assert pending.status_code == 202
    status = sdk.blob.get_message_content_transcoding_by_message_id(mid, **TIMEOUT)
    assert status.status == "processing"
    line.emulator.advance_clock(61)
    assert sdk.blob.get_message_content_transcoding_by_message_id(
        mid, **TIMEOUT).status == "succeeded"
    video = bytes(sdk.blob.get_message_content(mid, **TIMEOUT))
    assert video[4:8] == b"ftyp"
    assert bytes(sdk.blob.get_message_content_preview(mid, **TIMEOUT))[:3] == b"\xff\xd8\xff"


def test_concurrent_pushes_from_many_threads_all_land(line: RunningEmulator) -> None:
    uid = line.emulator.add_user("Ken", notify=False)
    line.emulator.set_quota(type="none")
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        handle, client = make_sdk(line)
        try:
            for i in range(25):
                handle.api.push_message(PushMessageRequest(
                    to=uid, messages=[TextMessage(text=f"{n}-{i}")]), **TIMEOUT)
        except BaseException as exc:
            errors.append(exc)
        finally:
            client.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    inbox = line.emulator.inbox(uid)
    assert len(inbox) == 200
    assert sorted(i["messages"][0]["text"] for i in inbox) == \
        sorted(f"{n}-{i}" for n in range(8) for i in range(25))
    assert len({i["sentMessages"][0]["id"] for i in inbox}) == 200
    assert len({i["requestId"] for i in inbox}) == 200


def test_content_is_served_on_the_data_host_only(line: RunningEmulator, sdk: Sdk,
                                                 http) -> None:
    uid = line.emulator.add_user("Ken", notify=False)
    mid = line.emulator.send_image(uid)["message"]["id"]
    auth = {"Authorization": "Bearer emulator-test-access-token"}
    assert line.data_url != line.base_url
    for part in ("", "/preview", "/transcoding"):
        path = f"/v2/bot/message/{mid}/content{part}"
        on_api = http.get(line.base_url + path, headers=auth)
        assert on_api.status_code == 404 and on_api.json() == {"message": "Not found"}, part
        assert http.get(line.data_url + path, headers=auth).status_code == 200, part
    # The data host has nothing but content; the control API is on the API host.
    assert http.get(f"{line.data_url}/v2/bot/info", headers=auth).status_code == 404
    assert http.get(f"{line.data_url}/_emulator").status_code == 404
    assert http.get(f"{line.base_url}/_emulator").status_code == 200
    # One configuration for both hosts (what the SDK does with host=) finds no content.
    single = ApiClient(Configuration(host=line.base_url,
                                     access_token="emulator-test-access-token"))
    try:
        with pytest.raises(NotFoundException):
            MessagingApiBlob(single).get_message_content(mid, **TIMEOUT)
    finally:
        single.close()
    assert bytes(sdk.blob.get_message_content(mid, **TIMEOUT))[:3] == b"\xff\xd8\xff"
