"""A local stand-in for Stripe: Checkout Sessions, a hosted payment page, refunds and
signed webhooks, so tests and the demo need no network and no Stripe account.

What it speaks is the slice of Stripe's API the relay uses through the official
``stripe`` library (form-encoded requests, ``Authorization: Bearer sk_…``, JSON objects
and errors shaped like Stripe's):

* ``POST /v1/checkout/sessions``        mode=payment, line_items[i][price_data][…] (JPY),
  success_url, cancel_url, client_reference_id, metadata[…]; the session has a ``url``
* ``GET  /v1/checkout/sessions/{id}``
* ``POST /v1/refunds``                  payment_intent, amount (optional: all that is left)
* ``GET/POST /c/pay/{id}``              the hosted page: 支払う pays (then
  ``checkout.session.completed`` is sent and the browser goes to success_url), a declined
  card (card number 4000 0000 0000 0002, as in Stripe's test mode) fails and sends nothing

Webhooks are signed with Stripe's scheme: ``Stripe-Signature: t=<unix>,v1=<hex
HMAC-SHA256(secret, "<t>.<payload>")>``. Every event is kept: :meth:`StripeStandIn.deliver`
sends one again (as Stripe retries), :meth:`StripeStandIn.events` lists them.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from emulator.server import _Server, bind

DECLINED_CARD = "4000000000000002"


def sign(payload: bytes, secret: str, timestamp: int) -> str:
    """The ``Stripe-Signature`` header for ``payload`` at ``timestamp``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def _nested(form: list[tuple[str, str]]) -> dict[str, Any]:
    """Stripe's form encoding (``a[b][0][c]=v``) as nested dicts (lists as dicts by index)."""
    out: dict[str, Any] = {}
    for key, value in form:
        parts = key.replace("]", "").split("[")
        node = out
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return out


def _error(status: int, message: str, kind: str = "invalid_request_error",
           code: str | None = None) -> JSONResponse:
    body: dict[str, Any] = {"type": kind, "message": message}
    if code:
        body["code"] = code
    return JSONResponse({"error": body}, status_code=status)


@dataclass
class StripeStandIn:
    api_key: str
    webhook_secret: str
    webhook_url: str | None = None
    clock: Callable[[], float] = time.time
    base_url: str = ""
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)
    _events: list[dict[str, Any]] = field(default_factory=list)
    #: event id -> HTTP statuses the webhook endpoint answered (or 0: no answer)
    answers: dict[str, list[int]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # --- the control side (tests) ----------------------------------------------------------
    def events(self) -> list[dict[str, Any]]:
        with self._lock:
            copied: list[dict[str, Any]] = json.loads(json.dumps(self._events))
        return copied

    def deliver(self, event_id: str, *, timestamp: int | None = None,
                secret: str | None = None) -> int:
        """Send one event to the webhook URL (again); the status answered, 0 if none."""
        event = next(e for e in self.events() if e["id"] == event_id)
        payload = json.dumps(event, ensure_ascii=False).encode("utf-8")
        t = int(self.clock()) if timestamp is None else timestamp
        status = 0
        if self.webhook_url:
            try:
                status = httpx.post(self.webhook_url, content=payload, timeout=10, headers={
                    "Content-Type": "application/json; charset=utf-8",
                    "Stripe-Signature": sign(payload, secret or self.webhook_secret, t),
                    "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)"}).status_code
            except httpx.HTTPError:
                status = 0
        self.answers.setdefault(event_id, []).append(status)
        return status

    def _event(self, kind: str, obj: dict[str, Any]) -> str:
        event_id = "evt_" + secrets.token_hex(12)
        event = {"id": event_id, "object": "event",
                 "api_version": "2025-01-27", "created": int(self.clock()), "type": kind,
                 "livemode": False, "pending_webhooks": 1, "data": {"object": obj}}
        with self._lock:
            self._events.append(event)
        self.deliver(event_id)
        return event_id

    # --- the API ----------------------------------------------------------------------------
    def _authorized(self, request: Request) -> bool:
        scheme, _, key = request.headers.get("authorization", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(key.strip(), self.api_key)

    async def create_session(self, request: Request) -> Response:
        if not self._authorized(request):
            return _error(401, "Invalid API Key provided.", "invalid_request_error")
        data = _nested(parse_qsl((await request.body()).decode(), keep_blank_values=True))
        if data.get("mode") != "payment" or not data.get("success_url"):
            return _error(400, "Missing required param: mode or success_url.")
        items = data.get("line_items") or {}
        lines, total = [], 0
        for _, item in sorted(items.items(), key=lambda kv: int(kv[0])):
            price = item.get("price_data") or {}
            if price.get("currency") != "jpy":
                return _error(400, "Only jpy is supported by this stand-in.")
            try:
                unit, qty = int(price["unit_amount"]), int(item.get("quantity", "1"))
            except (KeyError, ValueError):
                return _error(400, "Invalid line_items.")
            if unit < 0 or not 1 <= qty <= 999:
                return _error(400, "Invalid line_items.")
            name = (price.get("product_data") or {}).get("name", "")
            lines.append({"name": name, "unit_amount": unit, "quantity": qty})
            total += unit * qty
        if not lines or total < 50:
            return _error(400, "Amount must be at least ¥50.", code="amount_too_small")
        now = int(self.clock())
        expires_at = now + 86400  # Stripe's default; a given one must be 30 min to 24 h ahead
        if data.get("expires_at") is not None:
            try:
                expires_at = int(data["expires_at"])
            except ValueError:
                return _error(400, "Invalid expires_at.")
            if not now + 1800 <= expires_at <= now + 86400:
                return _error(400, "expires_at must be between 30 minutes and 24 hours "
                              "from now.")
        sid = "cs_test_" + secrets.token_hex(16)
        session = {
            "id": sid, "object": "checkout.session", "mode": "payment", "currency": "jpy",
            "amount_total": total, "amount_subtotal": total, "status": "open",
            "payment_status": "unpaid", "payment_intent": None,
            "client_reference_id": data.get("client_reference_id"),
            "metadata": data.get("metadata") or {}, "success_url": data["success_url"],
            "cancel_url": data.get("cancel_url"), "url": f"{self.base_url}/c/pay/{sid}",
            "created": int(self.clock()), "expires_at": expires_at,
            "customer_details": None, "livemode": False, "_lines": lines}
        with self._lock:
            self.sessions[sid] = session
        return JSONResponse(_public(session))

    async def get_session(self, request: Request) -> Response:
        if not self._authorized(request):
            return _error(401, "Invalid API Key provided.")
        session = self.sessions.get(request.path_params["sid"])
        if session is None:
            return _error(404, "No such checkout.session", code="resource_missing")
        return JSONResponse(_public(session))

    async def create_refund(self, request: Request) -> Response:
        if not self._authorized(request):
            return _error(401, "Invalid API Key provided.")
        data = _nested(parse_qsl((await request.body()).decode()))
        pi = data.get("payment_intent", "")
        session = next((s for s in self.sessions.values() if s["payment_intent"] == pi), None)
        if session is None:
            return _error(404, f"No such payment_intent: '{pi}'", code="resource_missing")
        left = session["amount_total"] - session.get("_refunded", 0)
        try:
            amount = int(data["amount"]) if "amount" in data else left
        except ValueError:
            return _error(400, "Invalid integer: amount")
        if not 0 < amount <= left:
            return _error(400, f"Refund amount (¥{amount}) is greater than unrefunded "
                          f"amount on charge (¥{left})", code="amount_too_large")
        rid = "re_" + secrets.token_hex(12)
        refund = {"id": rid, "object": "refund", "amount": amount, "currency": "jpy",
                  "payment_intent": pi, "charge": session["_charge"], "status": "succeeded",
                  "created": int(self.clock())}
        with self._lock:
            session["_refunded"] = session.get("_refunded", 0) + amount
            self.refunds[rid] = refund
        self._event("charge.refunded", {
            "id": session["_charge"], "object": "charge", "amount": session["amount_total"],
            "amount_refunded": session["_refunded"], "currency": "jpy",
            "payment_intent": pi, "refunded": session["_refunded"] == session["amount_total"],
            "metadata": {}, "refunds": {"object": "list", "data": [refund]}})
        return JSONResponse(refund)

    # --- the hosted page --------------------------------------------------------------------
    async def pay_page(self, request: Request) -> Response:
        session = self.sessions.get(request.path_params["sid"])
        if session is None:
            return HTMLResponse("<p>Not found</p>", status_code=404)
        return HTMLResponse(_page(session))

    async def pay(self, request: Request) -> Response:
        session = self.sessions.get(request.path_params["sid"])
        if session is None:
            return HTMLResponse("<p>Not found</p>", status_code=404)
        form = dict(parse_qsl((await request.body()).decode()))
        if form.get("action") == "cancel":
            return RedirectResponse(session["cancel_url"] or session["success_url"], 303)
        if session["status"] != "open":
            return HTMLResponse(_page(session, "このお支払いは完了しています。"), status_code=409)
        card = "".join(ch for ch in form.get("card", "") if ch.isdigit())
        if card == DECLINED_CARD:
            declined = "カードが拒否されました。別のカードをお試しください。"
            return HTMLResponse(_page(session, declined), status_code=402)
        with self._lock:
            session.update(
                status="complete", payment_status="paid",
                payment_intent="pi_" + secrets.token_hex(12),
                customer_details={"email": form.get("email") or None,
                                  "name": form.get("name") or None, "phone": None})
            session["_charge"] = "ch_" + secrets.token_hex(12)
        self._event("checkout.session.completed", _public(session))
        url = session["success_url"].replace("{CHECKOUT_SESSION_ID}", session["id"])
        return RedirectResponse(url, 303)

    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/v1/checkout/sessions", self.create_session, methods=["POST"]),
            Route("/v1/checkout/sessions/{sid}", self.get_session, methods=["GET"]),
            Route("/v1/refunds", self.create_refund, methods=["POST"]),
            Route("/c/pay/{sid}", self.pay_page, methods=["GET"]),
            Route("/c/pay/{sid}", self.pay, methods=["POST"]),
        ])


def _public(session: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in session.items() if not k.startswith("_")}


def _page(session: dict[str, Any], notice: str = "") -> str:
    rows = "".join(f"<li>{html.escape(line['name'])} × {line['quantity']}　"
                   f"¥{line['unit_amount'] * line['quantity']:,}</li>"
                   for line in session["_lines"])
    notice_html = f'<p role="alert" class="notice">{html.escape(notice)}</p>' if notice else ""
    return f"""<!doctype html><html lang="ja"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>お支払い（Stripe スタンドイン）</title>
<style>body{{font-family:sans-serif;margin:0;padding:1rem;max-width:30rem}}
input,button{{font:inherit;width:100%;box-sizing:border-box;padding:.6rem;margin:.2rem 0 .8rem}}
button{{background:#635bff;color:#fff;border:0;border-radius:6px;font-weight:700}}
.cancel{{background:#eee;color:#333}}.notice{{color:#b71c1c;font-weight:700}}</style></head>
<body><h1>お支払い</h1><p class="muted">テスト用の Stripe スタンドイン</p>
<ul>{rows}</ul><p class="total">合計 <strong>¥{session['amount_total']:,}</strong></p>
{notice_html}<form method="post">
<label for="email">メールアドレス</label><input id="email" name="email" type="email">
<label for="name">カード名義</label><input id="name" name="name">
<label for="card">カード番号</label>
<input id="card" name="card" inputmode="numeric" value="4242 4242 4242 4242">
<button type="submit" name="action" value="pay">支払う</button>
<button type="submit" name="action" value="cancel" class="cancel">戻る</button>
</form></body></html>"""


class RunningStripe:
    """The stand-in served on a thread; ``base_url`` is the API base to give the relay."""

    def __init__(self, stand_in: StripeStandIn, host: str = "127.0.0.1") -> None:
        sock = bind(host, 0)
        self.base_url = f"http://{host}:{sock.getsockname()[1]}"
        stand_in.base_url = self.base_url
        self.stripe = stand_in
        config = uvicorn.Config(stand_in.app(), log_level="warning", access_log=False,
                                lifespan="off", timeout_graceful_shutdown=2)
        self._server = _Server(config)
        self._sock = sock
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]},
                                        name="stripe-stand-in", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 15
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the Stripe stand-in did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        self._server.request_stop()
        self._thread.join(timeout=15)
        self._sock.close()


def run_stripe_in_thread(*, api_key: str, webhook_secret: str,
                         webhook_url: str | None = None,
                         clock: Callable[[], float] = time.time) -> RunningStripe:
    return RunningStripe(StripeStandIn(api_key, webhook_secret, webhook_url, clock))
