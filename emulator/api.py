"""The Messaging API over HTTP: LINE's paths, the checks LINE makes before a call
reaches its handler, and injected faults.

Order of checks for every call: injected fault (before), bearer token (401), body size
(413), rate limit (429), JSON, then the endpoint's own rules in :mod:`emulator.state`.
Every answer carries ``x-line-request-id``; errors use LINE's ``{"message": ...}`` shape.
"""

from __future__ import annotations

import asyncio
import hmac
import inspect
import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from emulator.state import ApiResult, Emulator, LineApiError

log = logging.getLogger("emulator.api")

MAX_BODY_BYTES = 2 * 1024 * 1024
READ_LIMIT_BYTES = 64 * 1024 * 1024
RATE_LIMITED = "The API rate limit has been exceeded. Try again later."
MISSING_AUTH = ("Authorization header required. Must follow the scheme, "
                "'Authorization: Bearer <ACCESS TOKEN>'")
BAD_TOKEN = ("Authentication failed. Confirm that the access token in the authorization "  # noqa: S105
             "header is valid.")

Handler = Callable[[Emulator, Request, Any], ApiResult | Awaitable[ApiResult]]


def error_response(status: int, body: dict[str, Any],
                   headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers=headers)


def to_response(result: ApiResult) -> Response:
    if isinstance(result.body, bytes):
        return Response(result.body, status_code=result.status, headers=result.headers,
                        media_type=result.content_type or "application/octet-stream")
    if result.body is None:
        return Response(b"", status_code=result.status, headers=result.headers)
    return JSONResponse(result.body, status_code=result.status, headers=result.headers)


async def drop_connection(request: Request) -> Response:
    """Close the client's connection without answering (a lost response).

    ASGI gives no handle on the socket, so this finds uvicorn's protocol object for the
    client's address and aborts its transport, then waits for uvicorn to notice, so the
    response returned afterwards is silently discarded.
    """
    server = getattr(request.app.state, "uvicorn_server", None)
    client = tuple(request.scope.get("client") or ())
    aborted = False
    for proto in list(getattr(getattr(server, "server_state", None), "connections", ())):
        if tuple(getattr(proto, "client", None) or ()) == client:
            proto.transport.abort()
            aborted = True
    if aborted:
        try:
            async with asyncio.timeout(2):
                while (await request.receive())["type"] != "http.disconnect":
                    pass
        except TimeoutError:
            log.warning("dropped connection was not reported closed")
    else:
        log.warning("cannot drop the connection (no uvicorn server attached); answering 500")
        return error_response(500, {"message": "Internal server error"})
    return Response(b"", status_code=500)


async def _read_body(request: Request) -> bytes | None:
    """The whole body, or None past READ_LIMIT_BYTES. Bodies over LINE's 2 MB are read
    to the end so the client gets its 413 instead of a broken pipe mid-upload."""
    chunks = bytearray()
    async for chunk in request.stream():
        chunks.extend(chunk)
        if len(chunks) > READ_LIMIT_BYTES:
            return None
    return bytes(chunks)


def _authorized(emulator: Emulator, request: Request) -> JSONResponse | None:
    header = request.headers.get("authorization")
    if not header or not header.startswith("Bearer ") or not header[7:].strip():
        return error_response(401, {"message": MISSING_AUTH})
    if not hmac.compare_digest(header[7:].strip().encode(), emulator.access_token.encode()):
        return error_response(401, {"message": BAD_TOKEN})
    return None


def endpoint(name: str, handler: Handler, *, json_body: bool = False
             ) -> Callable[[Request], Awaitable[Response]]:
    async def handle(request: Request) -> Response:
        response = await _handle(request)
        # LINE puts a request id on every answer, errors included.
        if "x-line-request-id" not in response.headers:
            response.headers["x-line-request-id"] = str(uuid.uuid4())
        return response

    async def _handle(request: Request) -> Response:
        emulator: Emulator = request.app.state.emulator
        try:
            # Read the body first: a delayed request is still processed after the
            # client gave up waiting, as LINE would.
            body = await _read_body(request)
        except ClientDisconnect:
            return Response(b"", status_code=400)  # nobody is listening any more
        fault = emulator.faults.take(name, after_accept=False)
        if fault is not None:
            if fault.kind == "drop":
                return await drop_connection(request)
            if fault.kind == "delay":
                await asyncio.sleep(fault.seconds)
            else:
                status = int(fault.kind)
                message = RATE_LIMITED if status == 429 else "Internal server error"
                return error_response(status, {"message": message})
        denied = _authorized(emulator, request)
        if denied is not None:
            return denied
        if body is None:  # absurdly large: not worth reading to the end
            return await drop_connection(request)
        if len(body) > MAX_BODY_BYTES:
            return error_response(413, {"message": "Request entity too large"})
        if not emulator.rate_limiter.allow(name, emulator.now()):
            return error_response(429, {"message": RATE_LIMITED})
        request.state.raw_body = body
        payload: Any = None
        if json_body:
            try:
                payload = json.loads(body)
            except (ValueError, UnicodeDecodeError):
                return error_response(400, {"message": "The request body is not valid JSON"})
        try:
            result = handler(emulator, request, payload)
            if inspect.isawaitable(result):  # a handler that waits on the network
                result = await result
        except LineApiError as exc:
            return error_response(exc.status, exc.body, exc.headers)
        if result.accepted:
            after = emulator.faults.take(name, after_accept=True)
            if after is not None:
                if after.kind == "accept_then_drop":
                    return await drop_connection(request)
                return error_response(500, {"message": "Internal server error"})
        return to_response(result)

    return handle


def _send(name: str) -> Handler:
    def handler(emulator: Emulator, request: Request, payload: Any) -> ApiResult:
        return emulator.api_send(name, payload, request.headers.get("x-line-retry-key"))
    return handler


def _content(part: str) -> Handler:
    def handler(emulator: Emulator, request: Request, payload: Any) -> ApiResult:
        return emulator.api_content(request.path_params["messageId"], part)
    return handler


def data_routes() -> list[Route]:
    """The paths of LINE's data host (``api-data.line.me``): message content. LINE serves
    them only there, so the emulator does too (see :mod:`emulator.server`)."""
    p = "/v2/bot"
    return [
        Route(f"{p}/message/{{messageId}}/content",
              endpoint("content", _content("content")), methods=["GET"]),
        Route(f"{p}/message/{{messageId}}/content/preview",
              endpoint("content_preview", _content("preview")), methods=["GET"]),
        Route(f"{p}/message/{{messageId}}/content/transcoding",
              endpoint("content_transcoding", _content("transcoding")), methods=["GET"]),
    ]


def routes() -> list[Route]:
    """The paths of LINE's API host (``api.line.me``)."""
    p = "/v2/bot"
    return [
        Route(f"{p}/message/reply", endpoint("reply", _send("reply"), json_body=True),
              methods=["POST"]),
        Route(f"{p}/message/push", endpoint("push", _send("push"), json_body=True),
              methods=["POST"]),
        Route(f"{p}/message/multicast",
              endpoint("multicast", _send("multicast"), json_body=True), methods=["POST"]),
        Route(f"{p}/message/broadcast",
              endpoint("broadcast", _send("broadcast"), json_body=True), methods=["POST"]),
        Route(f"{p}/message/narrowcast",
              endpoint("narrowcast", _send("narrowcast"), json_body=True), methods=["POST"]),
        Route(f"{p}/message/progress/narrowcast", endpoint(
            "narrowcast_progress",
            lambda e, r, _: e.api_narrowcast_progress(r.query_params.get("requestId"))),
            methods=["GET"]),
        Route(f"{p}/message/quota", endpoint("quota", lambda e, r, _: e.api_quota()),
              methods=["GET"]),
        Route(f"{p}/message/quota/consumption", endpoint(
            "quota_consumption", lambda e, r, _: e.api_quota_consumption()), methods=["GET"]),
        Route(f"{p}/profile/{{userId}}", endpoint(
            "profile", lambda e, r, _: e.api_profile(r.path_params["userId"])),
            methods=["GET"]),
        Route(f"{p}/followers/ids", endpoint(
            "followers", lambda e, r, _: e.api_followers(r.query_params.get("limit"),
                                                         r.query_params.get("start"))),
            methods=["GET"]),
        Route(f"{p}/user/{{userId}}/linkToken", endpoint(
            "link_token", lambda e, r, _: e.api_link_token(r.path_params["userId"])),
            methods=["POST"]),
        Route(f"{p}/chat/markAsRead", endpoint(
            "mark_as_read", lambda e, r, body: e.api_mark_as_read_by_token(body),
            json_body=True), methods=["POST"]),
        Route(f"{p}/message/markAsRead", endpoint(
            "mark_as_read", lambda e, r, body: e.api_mark_as_read(body), json_body=True),
            methods=["POST"]),
        Route(f"{p}/chat/loading/start", endpoint(
            "loading", lambda e, r, body: e.api_loading(body), json_body=True),
            methods=["POST"]),
        Route(f"{p}/info", endpoint("bot_info", lambda e, r, _: e.api_bot_info()),
              methods=["GET"]),
        *channel_routes(p),
    ]


def channel_routes(p: str) -> list[Route]:
    """The webhook set-up paths (:mod:`emulator.channel`)."""
    from emulator import channel

    return [
        Route(f"{p}/channel/webhook/endpoint", endpoint(
            "webhook_endpoint", lambda e, r, body: channel.api_set_endpoint(e, body),
            json_body=True), methods=["PUT"]),
        Route(f"{p}/channel/webhook/endpoint", endpoint(
            "webhook_endpoint", lambda e, r, _: channel.api_get_endpoint(e)),
            methods=["GET"]),
        Route(f"{p}/channel/webhook/test", endpoint(
            "webhook_test", lambda e, r, _: _test_webhook(e, r)), methods=["POST"]),
    ]


async def _test_webhook(emulator: Emulator, request: Request) -> ApiResult:
    # The body is optional here (the SDK sends none without an endpoint), so it is parsed
    # by hand rather than with json_body.
    from emulator import channel

    raw: bytes = request.state.raw_body
    try:
        body = json.loads(raw) if raw.strip() else None
    except (ValueError, UnicodeDecodeError):
        raise LineApiError(400, "The request body is not valid JSON") from None
    return await channel.api_test_endpoint(emulator, body)
