"""Channel set-up through the API: the webhook URL, and LINE's webhook test.

* ``PUT /v2/bot/channel/webhook/endpoint`` ``{"endpoint": "https://…"}`` sets the webhook
  URL (at most 500 characters, https). The emulator also takes ``http://`` to a loopback
  address (127.0.0.1, ::1, localhost), because tests run the relay there; LINE does not.
* ``GET`` the same path: ``{"endpoint", "active"}``. ``active`` is the console's *Use
  webhook* switch, which no API can turn on (setting ``webhook_active`` here stands for
  the owner clicking it); while it is off LINE sends no webhooks, but the test works.
* ``POST /v2/bot/channel/webhook/test`` (optional ``{"endpoint"}``): really sends the
  console's connectivity check (``{"destination", "events": []}``, signed with the channel
  secret) to that endpoint, or to the one set, and answers what happened:
  ``{success, timestamp, statusCode, reason, detail}`` with ``reason`` one of ``OK``,
  ``ERROR_STATUS_CODE`` (detail: the status), ``COULD_NOT_CONNECT`` (statusCode 0,
  detail ``Connection failed``), ``REQUEST_TIMEOUT`` (statusCode 0), ``UNCLASSIFIED``.
  No endpoint at all: 400.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx
from starlette.concurrency import run_in_threadpool

from emulator.state import ApiResult, LineApiError, _iso_ms
from emulator.validation import body_error
from emulator.webhook import USER_AGENT, encode_payload, sign

if TYPE_CHECKING:
    from emulator.state import Emulator

MAX_ENDPOINT_CHARS = 500


def _endpoint_problem(value: Any) -> str | None:
    if not isinstance(value, str) or not value:
        return "must be specified"
    if len(value) > MAX_ENDPOINT_CHARS:
        return f"size must be between 0 and {MAX_ENDPOINT_CHARS}"
    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
    except ValueError:
        return "must be a valid HTTPS URL"
    if parts.scheme == "https" and host:
        return None
    if parts.scheme == "http" and _loopback(host):
        return None  # the emulator's allowance for a relay on loopback (tests, demo)
    return "must be a valid HTTPS URL"


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _checked_endpoint(body: Any, *, required: bool) -> str | None:
    if body is None and not required:
        return None
    if not isinstance(body, dict):
        raise LineApiError(400, "The request body has 1 error(s)",
                           details=[{"message": "must be an object", "property": ""}])
    value = body.get("endpoint")
    if value is None and not required:
        return None
    problem = _endpoint_problem(value)
    if problem is not None:
        raise LineApiError(400, **body_error([{"message": problem, "property": "endpoint"}]))
    return value


def api_set_endpoint(emulator: Emulator, body: Any) -> ApiResult:
    endpoint = _checked_endpoint(body, required=True)
    emulator.configure(webhook_url=endpoint)
    return emulator._result(200, {})


def api_get_endpoint(emulator: Emulator) -> ApiResult:
    settings = emulator.settings_dict()
    url = settings["webhook_url"]
    if url is None:
        # A channel whose webhook URL was never set (LINE answers an empty endpoint).
        return emulator._result(200, {"endpoint": "", "active": False})
    return emulator._result(200, {"endpoint": url, "active": settings["webhook_active"]})


async def api_test_endpoint(emulator: Emulator, body: Any) -> ApiResult:
    endpoint = _checked_endpoint(body, required=False) or emulator.settings_dict()["webhook_url"]
    if not endpoint:
        raise LineApiError(400, "The webhook endpoint is not set")
    # Off the event loop: the receiver may be slow, and it may even be served by this
    # very process (the demo runs the relay beside the emulator).
    outcome = await run_in_threadpool(_send_test, emulator, endpoint)
    return emulator._result(200, outcome)


def _send_test(emulator: Emulator, endpoint: str) -> dict[str, Any]:
    payload = encode_payload(emulator.bot_user_id, [])
    headers = {"content-type": "application/json; charset=utf-8",
               "x-line-signature": sign(emulator.channel_secret, payload),
               "user-agent": USER_AGENT}
    timeout = emulator.settings_dict()["webhook_timeout_seconds"]
    stamp = _iso_ms(emulator.now())
    try:
        with httpx.Client(follow_redirects=False) as client:
            response = client.post(endpoint, content=payload, headers=headers,
                                   timeout=timeout)
    except httpx.TimeoutException:
        return {"success": False, "timestamp": stamp, "statusCode": 0,
                "reason": "REQUEST_TIMEOUT", "detail": "Request timeout"}
    except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError):
        return {"success": False, "timestamp": stamp, "statusCode": 0,
                "reason": "COULD_NOT_CONNECT", "detail": "Connection failed"}
    except httpx.HTTPError as exc:
        return {"success": False, "timestamp": stamp, "statusCode": 0,
                "reason": "UNCLASSIFIED", "detail": type(exc).__name__}
    ok = 200 <= response.status_code < 300
    return {"success": ok, "timestamp": stamp, "statusCode": response.status_code,
            "reason": "OK" if ok else "ERROR_STATUS_CODE",
            "detail": str(response.status_code)}
