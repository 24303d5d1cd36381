"""The Messaging API's sending calls, one HTTP request each, answers as :class:`Answer`.

Through LINE's SDK (line-bot-sdk 3) like :mod:`app.line.gateway`, with two differences
that matter for exactly-once:

* urllib3's own retries are off (``retries=False``): every retry is decided in
  :func:`app.line.send.delivery.deliver`, with the stored retry key, never silently below it;
* network trouble is not an exception here but a verdict: a connection never made is
  UNREACHABLE (LINE cannot have the request), anything after the request went out (a read
  timeout, a dropped connection) is TRANSIENT (LINE may have accepted it).

Used for one customer's reply or push, and by the broadcast engine for multicast.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from app.line.errors import LineTokenRejectedError, LineUnavailableError
from app.line.send.delivery import Answer, Verdict, classify, sent_messages_of

log = logging.getLogger("otokui.line")

#: (connect, read) seconds. A send's answer normally comes in well under a second.
SEND_TIMEOUT = (5.0, 20.0)
API_TIMEOUT = (5.0, 15.0)


@dataclass(frozen=True)
class QuotaInfo:
    """The plan's monthly limit (None: no limit) and what this month used so far."""

    type: str
    limit: int | None
    used: int

    @property
    def remaining(self) -> int | None:
        return None if self.limit is None else max(0, self.limit - self.used)


class LineSender:
    def __init__(self, access_token: str, *, api_base: str | None = None) -> None:
        from linebot.v3.messaging import ApiClient, Configuration, MessagingApi

        configuration = Configuration(access_token=access_token,
                                      host=(api_base or "").rstrip("/") or None)
        configuration.retries = False
        self._client = ApiClient(configuration)
        self._api = MessagingApi(self._client)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> LineSender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- sends --------------------------------------------------------------------------------

    def _send(self, fn: Any, request: Any, **kwargs: Any) -> Answer:
        from linebot.v3.messaging.exceptions import ApiException
        from urllib3.exceptions import ConnectTimeoutError, HTTPError, NewConnectionError

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

    # --- plain calls (raise app.line.errors) --------------------------------------------------

    def _call(self, fn: Any, *args: Any) -> Any:
        from linebot.v3.messaging.exceptions import ApiException
        from urllib3.exceptions import HTTPError

        try:
            return fn(*args, _request_timeout=API_TIMEOUT)
        except ApiException as exc:
            if exc.status == 401:
                raise LineTokenRejectedError() from None
            raise LineUnavailableError(f"HTTP {exc.status}") from None
        except (HTTPError, OSError) as exc:
            raise LineUnavailableError(type(exc).__name__) from None

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
