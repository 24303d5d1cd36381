"""The one client of LINE's Messaging API, through LINE's official SDK (line-bot-sdk 3).

Every call Otokui makes to LINE goes through :class:`LineGateway`, with ONE retry policy:
the SDK's (urllib3's) own retries are off (``retries=False``) on every connection, and
every retry is decided above it — for sends in :func:`app.line.send.delivery.deliver`
with the stored retry key (exactly once), for reads by their caller (the sync fetches
content it could not get later; the wizard asks again). A retry hidden below the retry
key could send twice; a hidden retry of a read only hides how long LINE was away.

Sends (reply, push, multicast) do not raise on LINE's or the network's trouble: they
return an :class:`~app.line.send.delivery.Answer` whose verdict says whether LINE can
have the request (a connection never made is UNREACHABLE; anything after the request
went out, a read timeout or a dropped connection, is TRANSIENT: LINE may have accepted
it). Every other call raises :mod:`app.line.errors`.

Profiles (``MessagingApi.get_profile``), message content (``MessagingApiBlob.
get_message_content``), the bot's own info (to check a token and show the owner which
account it belongs to), and the channel's webhook set-up (``set_webhook_endpoint``,
``get_webhook_endpoint``, ``test_webhook_endpoint``: the console's steps, done for the
owner by the connection wizard). Every call passes
``_request_timeout``: the SDK's client has none by default and would hang on a dead link.

LINE has two hosts: the Messaging API at ``https://api.line.me`` and message content at
``https://api-data.line.me``. The SDK's ``Configuration(host=...)`` replaces the base
URL of *every* call, so a gateway keeps two configurations: ``api_base`` for the API
calls and ``data_base`` for content (``None``: LINE's own host; see :func:`data_base_for`).
Errors become :mod:`app.line.errors`; nothing from a request or answer (user ids, tokens)
goes into their messages.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.line.errors import (
    LineContentGoneError,
    LineContentNotReadyError,
    LineFollowersUnavailableError,
    LineForbiddenError,
    LineRateLimitedError,
    LineTokenRejectedError,
    LineUnavailableError,
    LineWebhookUrlRefusedError,
)

if TYPE_CHECKING:
    from app.line.send.delivery import Answer

log = logging.getLogger("otokui.line")

#: (connect, read) seconds for small JSON calls, sends and content downloads.
API_TIMEOUT = (5.0, 15.0)
SEND_TIMEOUT = (5.0, 20.0)  # a send's answer normally comes in well under a second
CONTENT_TIMEOUT = (5.0, 60.0)
WEBHOOK_TEST_TIMEOUT = (5.0, 30.0)


@dataclass(frozen=True)
class QuotaInfo:
    """The plan's monthly limit (None: no limit) and what this month used so far."""

    type: str
    limit: int | None
    used: int

    @property
    def remaining(self) -> int | None:
        return None if self.limit is None else max(0, self.limit - self.used)


@dataclass(frozen=True)
class Profile:
    display_name: str
    picture_url: str | None
    status_message: str | None
    language: str | None


@dataclass(frozen=True)
class BotInfo:
    """The LINE Official Account a token belongs to."""

    user_id: str
    basic_id: str
    display_name: str
    picture_url: str | None


@dataclass(frozen=True)
class WebhookEndpoint:
    url: str
    #: The console's "Use webhook" switch; no API turns it on.
    active: bool


@dataclass(frozen=True)
class WebhookTest:
    """What LINE saw when it called the webhook (``POST /v2/bot/channel/webhook/test``)."""

    success: bool
    status_code: int  # 0 or below: no answer came
    reason: str       # OK, ERROR_STATUS_CODE, COULD_NOT_CONNECT, REQUEST_TIMEOUT, ...
    detail: str


@dataclass(frozen=True)
class Content:
    data: bytes
    content_type: str | None


def _base(url: str | None) -> str | None:
    return (url or "").strip().rstrip("/") or None


def data_base_for(api_base: str | None, data_base: str | None) -> str | None:
    """The content host to use. A book that names only an API base (set before the two
    were kept apart) used one server for both: content goes there too."""
    return _base(data_base) or _base(api_base)


class LineGateway:
    def __init__(self, access_token: str, *, api_base: str | None = None,
                 data_base: str | None = None) -> None:
        from linebot.v3.messaging import (
            ApiClient,
            Configuration,
            MessagingApi,
            MessagingApiBlob,
        )

        api = Configuration(access_token=access_token, host=_base(api_base))
        # Content is on LINE's data host; with host=None the SDK's blob API uses it.
        data = Configuration(access_token=access_token,
                             host=data_base_for(api_base, data_base))
        for configuration in (api, data):
            configuration.retries = False  # the one retry policy: see the module's doc
        self._client = ApiClient(api)
        self._data_client = ApiClient(data)
        self._api = MessagingApi(self._client)
        self._blob = MessagingApiBlob(self._data_client)

    def close(self) -> None:
        self._client.close()
        self._data_client.close()

    def __enter__(self) -> LineGateway:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _call(self, fn: Any, *args: Any, missing: type[Exception] = LineUnavailableError,
              **kwargs: Any) -> Any:
        """One call; LINE's refusals and the network's trouble as :mod:`app.line.errors`
        (``missing``: what a 404/410 means for this call)."""
        from linebot.v3.messaging.exceptions import ApiException
        from urllib3.exceptions import HTTPError as Urllib3Error

        kwargs.setdefault("_request_timeout", API_TIMEOUT)
        try:
            return fn(*args, **kwargs)
        except ApiException as exc:
            status = exc.status or 0
            if status == 401:
                raise LineTokenRejectedError() from None
            if status == 403:
                raise LineForbiddenError(f"HTTP {status}") from None
            if status == 429:
                raise LineRateLimitedError(f"HTTP {status}") from None
            if status in (404, 410):
                raise missing(f"HTTP {status}") from None
            raise LineUnavailableError(f"HTTP {status}") from None
        except (Urllib3Error, OSError) as exc:
            raise LineUnavailableError(type(exc).__name__) from None

    # --- sends: a verdict, never an exception -------------------------------------------

    def _send(self, fn: Any, request: Any, **kwargs: Any) -> Answer:
        from linebot.v3.messaging.exceptions import ApiException
        from urllib3.exceptions import ConnectTimeoutError, HTTPError, NewConnectionError

        # Here, not at the top: app.line.send (the service) imports this module.
        from app.line.send.delivery import Answer, Verdict, classify, sent_messages_of

        try:
            response = fn(request, _request_timeout=SEND_TIMEOUT, **kwargs)
        except ApiException as exc:
            return classify(exc.status or 0, exc.headers, exc.body)
        except (NewConnectionError, ConnectTimeoutError) as exc:
            # Checked before the broader HTTPError: the request never left this computer.
            return Answer(Verdict.UNREACHABLE, reason=type(exc).__name__)
        except (HTTPError, OSError) as exc:
            return Answer(Verdict.TRANSIENT, reason=type(exc).__name__)
        headers = response.headers or {}
        data = response.data
        return Answer(Verdict.ACCEPTED, response.status_code,
                      headers.get("x-line-request-id"),
                      sent_messages=sent_messages_of(getattr(data, "sent_messages", None)))

    def reply(self, reply_token: str, messages: list[dict[str, Any]]) -> Answer:
        """``POST /v2/bot/message/reply``: free, single use, no retry key (LINE refuses one)."""
        from linebot.v3.messaging import ReplyMessageRequest

        request = ReplyMessageRequest.from_dict({"replyToken": reply_token,
                                                 "messages": messages})
        return self._send(self._api.reply_message_with_http_info, request)

    def push(self, to: str, messages: list[dict[str, Any]], retry_key: str) -> Answer:
        """``POST /v2/bot/message/push`` with ``X-Line-Retry-Key``; counts against the quota."""
        from linebot.v3.messaging import PushMessageRequest

        request = PushMessageRequest.from_dict({"to": to, "messages": messages})
        return self._send(self._api.push_message_with_http_info, request,
                          x_line_retry_key=retry_key)

    def multicast(self, to: list[str], messages: list[dict[str, Any]],
                  retry_key: str) -> Answer:
        """``POST /v2/bot/message/multicast`` (1-500 user ids) with ``X-Line-Retry-Key``."""
        from linebot.v3.messaging import MulticastRequest

        request = MulticastRequest.from_dict({"to": list(to), "messages": messages})
        return self._send(self._api.multicast_with_http_info, request,
                          x_line_retry_key=retry_key)

    # --- the rest: raise app.line.errors ------------------------------------------------

    def quota(self) -> QuotaInfo:
        """``GET /v2/bot/message/quota`` and ``/quota/consumption``."""
        quota = self._call(self._api.get_message_quota)
        used = self._call(self._api.get_message_quota_consumption)
        qtype = str(getattr(quota.type, "value", quota.type) or "none")
        limit = quota.value if qtype == "limited" else None
        return QuotaInfo(qtype, None if limit is None else int(limit),
                         int(used.total_usage or 0))

    def mark_as_read(self, mark_as_read_token: str) -> None:
        """``POST /v2/bot/chat/markAsRead``: that message and every earlier one are read."""
        from linebot.v3.messaging import MarkMessagesAsReadByTokenRequest

        self._call(self._api.mark_messages_as_read_by_token,
                   MarkMessagesAsReadByTokenRequest(markAsReadToken=mark_as_read_token))

    def issue_link_token(self, user_id: str) -> str:
        """``POST /v2/bot/user/{userId}/linkToken``: a token (valid 10 minutes, once) for
        LINE's account link (app/members/account_link.py)."""
        answer = self._call(self._api.issue_link_token, user_id)
        return str(answer.link_token)

    def profile(self, user_id: str) -> Profile | None:
        """The friend's LINE profile; None when LINE has none (not a friend, or blocked)."""
        try:
            p = self._call(self._api.get_profile, user_id, missing=LineContentGoneError)
        except LineContentGoneError:
            return None
        return Profile(display_name=p.display_name or "", picture_url=p.picture_url,
                       status_message=p.status_message, language=p.language)

    def content(self, message_id: str) -> Content:
        """The bytes of an image, video, audio or file message.

        :class:`LineContentNotReadyError` while LINE is still transcoding (202),
        :class:`LineContentGoneError` once LINE has deleted it (404).
        """
        response = self._call(self._blob.get_message_content_with_http_info, message_id,
                              missing=LineContentGoneError, _request_timeout=CONTENT_TIMEOUT)
        if response.status_code == 202:
            raise LineContentNotReadyError()
        if response.status_code != 200 or response.data is None:
            raise LineUnavailableError(f"HTTP {response.status_code}")
        headers = response.headers or {}
        return Content(bytes(response.data), headers.get("content-type"))

    def followers(self, start: str | None = None,
                  limit: int = 1000) -> tuple[list[str], str | None]:
        """One page of the friends' user ids (``GET /v2/bot/followers/ids``) and the
        ``next`` cursor (None on the last page).

        :class:`LineFollowersUnavailableError` for accounts LINE does not give the list
        (neither verified nor premium: 403).
        """
        try:
            page = self._call(self._api.get_followers, start=start, limit=limit,
                              _request_timeout=API_TIMEOUT)
        except LineForbiddenError:
            raise LineFollowersUnavailableError() from None
        return list(page.user_ids or []), page.next or None

    def check_token(self) -> str:
        """Ask LINE who the token belongs to (the bot's basic id); raises if refused."""
        return self.bot_info().basic_id

    def bot_info(self) -> BotInfo:
        """The account the token belongs to; :class:`LineTokenRejectedError` on 401."""
        info = self._call(self._api.get_bot_info, _request_timeout=API_TIMEOUT)
        return BotInfo(user_id=info.user_id or "", basic_id=info.basic_id or "",
                       display_name=info.display_name or "", picture_url=info.picture_url)

    def set_webhook_endpoint(self, url: str) -> None:
        """Set the channel's webhook URL; :class:`LineWebhookUrlRefusedError` on 400."""
        from linebot.v3.messaging import SetWebhookEndpointRequest

        try:
            self._call(self._api.set_webhook_endpoint,
                       SetWebhookEndpointRequest(endpoint=url), _request_timeout=API_TIMEOUT)
        except LineUnavailableError as exc:
            if exc.detail == "HTTP 400":  # LINE's answer to an address it will not take
                raise LineWebhookUrlRefusedError() from None
            raise

    def webhook_endpoint(self) -> WebhookEndpoint:
        answer = self._call(self._api.get_webhook_endpoint, _request_timeout=API_TIMEOUT)
        return WebhookEndpoint(url=answer.endpoint or "", active=bool(answer.active))

    def test_webhook(self, url: str | None = None) -> WebhookTest:
        """Make LINE call the webhook (``url``, or the one set) and say what it answered."""
        from linebot.v3.messaging import TestWebhookEndpointRequest

        request = TestWebhookEndpointRequest(endpoint=url) if url else None
        # LINE waits for the webhook before answering: give it time on top of our own.
        answer = self._call(self._api.test_webhook_endpoint, request,
                            _request_timeout=WEBHOOK_TEST_TIMEOUT)
        return WebhookTest(success=bool(answer.success), status_code=int(answer.status_code),
                           reason=str(answer.reason or ""), detail=str(answer.detail or ""))

