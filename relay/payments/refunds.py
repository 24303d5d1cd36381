"""A refund the shop starts from its desktop, made at Stripe by the relay (which holds the
shop's Stripe key; the desktop never does).

* ``POST /v1/payments/refunds`` device token: ``{"session_id": "cs_…", "amount": yen or
  null (all that is left), "request_id": 32 hex}``

The relay finds the checkout it started for that session (this shop's, paid: its payment
intent known from ``checkout.session.completed``) and asks Stripe for the refund with the
official library, the request id as Stripe's idempotency key (a retried request refunds
once). The book records nothing from this answer: Stripe's ``charge.refunded`` webhook
comes back through the relay, sealed, and the book applies the cumulative amount on sync
(app/purchases/online.py), so a refund is counted once whichever way it was started.

Answers: 200 ``{"refund_id", "status", "amount"}``; 404 ``unknown_session``; 409
``not_paid``; 409 ``payments_off``; 400 ``refund_refused`` (Stripe said no, e.g.
``amount_too_large``: its ``code`` is given); 502 ``stripe_unavailable``.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from relay.payments.http import PaymentsStore
from relay.payments.schema import checkouts
from relay.responses import error, unauthorized
from relay.schema import devices
from relay.store import Store

log = logging.getLogger("relay.payments")

_REQUEST = re.compile(r"^[0-9a-f]{32}$")
MAX_AMOUNT = 100_000_000

Authenticate = Callable[[Request], Awaitable[str | None]]


def _checkout(store: Store, device_id: str, session_id: str) -> tuple[str | None, Any]:
    """(the device's shop, the checkout row) — None shop: not a device."""
    with store.read_transaction() as conn:
        shop = conn.execute(select(devices.c.shop_id).where(
            devices.c.id == device_id, devices.c.revoked_at.is_(None))).scalar()
        if shop is None:
            return None, None
        row = conn.execute(select(checkouts.c.payment_intent).where(
            checkouts.c.session_id == session_id, checkouts.c.shop_id == shop)).first()
    return str(shop), row


def refund_routes(store: Store, payments: PaymentsStore, stripe_api_base: str,
                  authenticate: Authenticate) -> list[Route]:
    async def create(request: Request) -> Response:
        device_id = await authenticate(request)
        if device_id is None:
            return unauthorized()
        try:
            data = json.loads(await request.body())
        except (ClientDisconnect, ValueError, RecursionError):
            return error(400, "bad_json")
        if not isinstance(data, dict) or set(data) != {"session_id", "amount", "request_id"}:
            return error(400, "bad_json")
        session_id, amount, request_id = data["session_id"], data["amount"], data["request_id"]
        if not isinstance(session_id, str) or not 0 < len(session_id) <= 255:
            return error(400, "bad_session_id")
        if amount is not None and (not isinstance(amount, int) or isinstance(amount, bool)
                                   or not 0 < amount <= MAX_AMOUNT):
            return error(400, "bad_amount")
        if not isinstance(request_id, str) or not _REQUEST.match(request_id):
            return error(400, "bad_request_id")
        shop_id, row = await run_in_threadpool(_checkout, store, device_id, session_id)
        if shop_id is None:
            return unauthorized()
        if row is None:
            return error(404, "unknown_session")
        if not row.payment_intent:
            return error(409, "not_paid")
        shop = next((s for s in await run_in_threadpool(payments.every_shop)
                     if s.shop_id == shop_id), None)
        if shop is None:
            return error(409, "payments_off")
        import stripe  # here, not at the top: the desktop's bundle (its demo relay) has none

        client = stripe.StripeClient(shop.secret_key, base_addresses={"api": stripe_api_base},
                                     max_network_retries=1)
        params: dict[str, Any] = {"payment_intent": row.payment_intent,
                                  "metadata": {"otokui_refund": request_id}}
        if amount is not None:
            params["amount"] = amount
        try:
            refund = await run_in_threadpool(lambda: client.v1.refunds.create(
                params=params,  # type: ignore[arg-type]
                options={"idempotency_key": "otokui-refund-" + request_id}))
        except stripe.InvalidRequestError as exc:
            return JSONResponse({"error": "refund_refused", "code": exc.code or ""},
                                status_code=400)
        except stripe.StripeError as exc:
            log.warning("Stripe could not make a refund: %s (HTTP %s)", type(exc).__name__,
                        exc.http_status)
            return error(502, "stripe_unavailable")
        log.info("refund asked of Stripe for a shop's payment")
        return JSONResponse({"refund_id": refund.id, "status": refund.status,
                             "amount": refund.amount})

    return [Route("/v1/payments/refunds", create, methods=["POST"])]
