"""The emulator's own control API under ``/_emulator`` (no bearer token needed).

It plays the LINE users' side (friends, their messages, blocks) and moves the
emulator's knobs (clock, quota, faults, webhook switches). Each route calls the same
:class:`emulator.state.Emulator` method a Python test would; see docs/emulator.md.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from emulator.state import ControlError, Emulator

Action = Callable[[Emulator, Request, Any], Any]


def control(action: Action, *, status: int = 200) -> Callable[[Request], Awaitable[Response]]:
    async def handle(request: Request) -> Response:
        emulator: Emulator = request.app.state.emulator
        payload: Any = {}
        if request.method == "POST":
            raw = await request.body()
            if raw.strip():
                try:
                    payload = json.loads(raw)
                except (ValueError, UnicodeDecodeError):
                    return JSONResponse({"message": "the body is not valid JSON"},
                                        status_code=400)
            if not isinstance(payload, dict):
                return JSONResponse({"message": "the body must be a JSON object"},
                                    status_code=400)
        try:
            # Some actions make images or wait for webhooks: keep them off the event loop.
            result = await run_in_threadpool(action, emulator, request, payload)
        except ControlError as exc:
            return JSONResponse({"message": str(exc)}, status_code=exc.status)
        if isinstance(result, Response):
            return result
        return JSONResponse(result, status_code=status)

    return handle


def _uid(request: Request) -> str:
    uid: str = request.path_params["userId"]
    return uid


def _add_users(e: Emulator, r: Request, body: dict[str, Any]) -> Any:
    def one(spec: Any) -> dict[str, Any]:
        if not isinstance(spec, dict):
            raise ControlError("each user must be a JSON object")
        # add_user checks the values' types itself (ControlError): it takes what came.
        uid = e.add_user(spec.get("displayName"),  # type: ignore[arg-type]
                         picture_url=spec.get("pictureUrl"),
                         status_message=spec.get("statusMessage"),
                         language=spec.get("language"), user_id=spec.get("userId"),
                         notify=bool(spec.get("notify", True)))
        notified = bool(spec.get("notify", True))
        return {"userId": uid, "event": e.last_event(uid) if notified else None}

    if "users" in body:
        if not isinstance(body["users"], list):
            raise ControlError("users must be a list")
        return {"users": [one(spec) for spec in body["users"]]}
    return one(body)


def _message(e: Emulator, r: Request, body: dict[str, Any]) -> Any:
    event = e.send_message(_uid(r), body)
    return {"messageId": event["message"]["id"], "event": event}


def _quota(e: Emulator, r: Request, body: dict[str, Any]) -> Any:
    if r.method == "GET":
        return e.quota()
    kwargs: dict[str, Any] = {"type": body.get("type"), "total_usage": body.get("totalUsage")}
    if "value" in body:
        kwargs["value"] = body["value"]
    return e.set_quota(**kwargs)


def _clock(e: Emulator, r: Request, body: dict[str, Any]) -> Any:
    if r.method == "POST":
        seconds = body.get("advance_seconds")
        if isinstance(seconds, bool) or not isinstance(seconds, int | float):
            raise ControlError("advance_seconds must be a number")
        e.advance_clock(seconds)
    now = e.now()
    return {"now": now, "nowMs": int(now * 1000)}


def _faults(e: Emulator, r: Request, body: dict[str, Any]) -> Any:
    if r.method == "DELETE":
        e.faults.clear()
    elif r.method == "POST":
        e.inject_fault(str(body.get("endpoint", "")), str(body.get("kind", "")),
                       body.get("count", 1), body.get("seconds", 0.0))
    return {"faults": e.faults.pending()}


def _settings(e: Emulator, r: Request, body: dict[str, Any]) -> Any:
    if r.method == "POST":
        e.configure(**body)
    return e.settings_dict()


def _wait(e: Emulator, r: Request, body: dict[str, Any]) -> Any:
    timeout = body.get("timeout", 10.0)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or \
            not 0 < timeout <= 300:
        raise ControlError("timeout must be 0..300 seconds")
    try:
        e.wait_for_deliveries(float(timeout))
    except TimeoutError as exc:
        return JSONResponse({"message": str(exc), "drained": False}, status_code=504)
    return {"drained": True}


def _info(e: Emulator, r: Request, body: dict[str, Any]) -> Any:
    return {"botUserId": e.bot_user_id, "basicId": e.bot_basic_id,
            "displayName": e.bot_display_name, "friends": len(e.users()),
            "webhookUrlSet": e.settings.webhook_url is not None}


def _hold(e: Emulator, _r: Request, _b: Any) -> dict[str, Any]:
    e.hold_webhooks()
    return {"holding": True}


def _release(e: Emulator, _r: Request, _b: Any) -> dict[str, Any]:
    e.release_webhooks()
    return {"holding": False}


def routes() -> list[Route]:
    p = "/_emulator"
    u = p + "/users/{userId}"
    return [
        Route(p, control(_info), methods=["GET"]),
        Route(f"{p}/users", control(_add_users, status=201), methods=["POST"]),
        Route(f"{p}/users", control(lambda e, r, b: {"users": e.users()}), methods=["GET"]),
        Route(u, control(lambda e, r, b: e.user(_uid(r))), methods=["GET"]),
        Route(f"{u}/messages", control(_message), methods=["POST"]),
        Route(f"{u}/postback", control(lambda e, r, b: {"event": e.send_postback(
            _uid(r), b.get("data"), b.get("params"))}), methods=["POST"]),
        Route(f"{u}/block", control(lambda e, r, b: {"event": e.block(_uid(r))}),
              methods=["POST"]),
        Route(f"{u}/unblock", control(lambda e, r, b: {"event": e.unblock(_uid(r))}),
              methods=["POST"]),
        Route(f"{u}/account-link", control(lambda e, r, b: {"event": e.account_link(
            _uid(r), b.get("linkToken"), b.get("nonce"), b.get("result", "ok"))}),
            methods=["POST"]),
        Route(f"{u}/membership", control(lambda e, r, b: {"event": e.membership(
            _uid(r), b.get("type", "joined"), b.get("membershipId", 1))}), methods=["POST"]),
        Route(f"{u}/beacon", control(lambda e, r, b: {"event": e.beacon(
            _uid(r), b.get("hwid", "d41d8cd98f"), b.get("type", "enter"), b.get("dm"))}),
            methods=["POST"]),
        Route(f"{u}/video-play-complete", control(lambda e, r, b: {
            "event": e.video_play_complete(_uid(r), b.get("trackingId"))}),
            methods=["POST"]),
        Route(f"{u}/unsend", control(lambda e, r, b: {"event": e.unsend(
            _uid(r), str(b.get("messageId", "")))}), methods=["POST"]),
        Route(f"{u}/inbox", control(lambda e, r, b: {"userId": _uid(r),
                                                     "items": e.inbox(_uid(r))}),
              methods=["GET"]),
        Route(f"{u}/events", control(lambda e, r, b: {"events": e.events(_uid(r))}),
              methods=["GET"]),
        Route(f"{p}/events", control(lambda e, r, b: {"events": e.events()}), methods=["GET"]),
        Route(f"{p}/sent", control(lambda e, r, b: {"sent": e.sent()}), methods=["GET"]),
        Route(f"{p}/quota", control(_quota), methods=["GET", "POST"]),
        Route(f"{p}/clock", control(_clock), methods=["GET", "POST"]),
        Route(f"{p}/faults", control(_faults), methods=["GET", "POST", "DELETE"]),
        Route(f"{p}/settings", control(_settings), methods=["GET", "POST"]),
        Route(f"{p}/webhooks/wait", control(_wait), methods=["POST"]),
        Route(f"{p}/webhooks/hold", control(_hold), methods=["POST"]),
        Route(f"{p}/webhooks/release", control(_release), methods=["POST"]),
        Route(f"{p}/webhooks/verify", control(lambda e, r, b: e.verify_webhook()),
              methods=["POST"]),
        Route(f"{p}/webhooks/deliveries",
              control(lambda e, r, b: {"deliveries": e.deliveries()}), methods=["GET"]),
    ]
