"""Receipts the buyer opens from LINE (LINE cannot carry a PDF).

The desktop makes the PDF, encrypts it with a fresh random 256-bit key (AES-256-GCM, the
receipt id as associated data: relay.receipts.crypto), uploads **only the ciphertext**
here and sends the buyer a LINE message with ``{relay}/receipt/{id}/{key}``. The key lives
only in that URL: the relay never stores or logs it (uvicorn's access log is off:
relay/server.py). A request brings the key; the relay decrypts in memory and answers the
PDF. A wrong key, an unknown id and a deleted receipt are the same 404; past its expiry a
receipt is deleted and the page says so (410).

* ``PUT /v1/receipts/{id}?expires_at=MS`` device token; body = the blob (octet-stream, at
  most MAX_BLOB_BYTES); expiry at most MAX_DAYS ahead; idempotent for the same bytes, 409
  for other bytes under a taken id
* ``DELETE /v1/receipts/{id}``             device token, the same shop's receipt
* ``GET /receipt/{id}/{key}``              the buyer: the PDF (``application/pdf``)

Expired rows are deleted by the relay's purge loop (:func:`purge`), by every upload, and
whenever one is asked for.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable

from sqlalchemy import delete, insert, select
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from relay.forms.page_guard import PageLimits, RateLimiter, page_headers
from relay.forms.render import message_page
from relay.receipts.crypto import key_of, open_blob, well_formed
from relay.receipts.schema import receipts
from relay.responses import error, unauthorized
from relay.schema import devices
from relay.store import Store
from relay.webhook import BodyTooLarge, read_limited

log = logging.getLogger("relay.receipts")

MAX_BLOB_BYTES = 2 * 1024 * 1024
MAX_DAYS = 400
DAY_MS = 86_400_000
_ID = re.compile(r"^[0-9a-f]{32}$")

Authenticate = Callable[[Request], Awaitable[str | None]]


def purge(store: Store, now_ms: int) -> int:
    """Delete expired receipts; how many."""
    with store.write_transaction() as conn:
        return int(conn.execute(delete(receipts).where(receipts.c.expires_at <= now_ms))
                   .rowcount or 0)


class ReceiptStore:
    def __init__(self, store: Store) -> None:
        self._store = store

    def put(self, device_id: str, receipt_id: str, blob: bytes, expires_at: int,
            now_ms: int) -> str:
        """Store the blob: "ok", "unauthorized" or "conflict"."""
        with self._store.write_transaction() as conn:
            shop = conn.execute(select(devices.c.shop_id).where(
                devices.c.id == device_id, devices.c.revoked_at.is_(None))).scalar()
            if shop is None:
                return "unauthorized"
            conn.execute(delete(receipts).where(receipts.c.expires_at <= now_ms))
            row = conn.execute(select(receipts.c.blob, receipts.c.shop_id).where(
                receipts.c.receipt_id == receipt_id)).first()
            if row is not None:
                return "ok" if row.shop_id == shop and bytes(row.blob) == blob else "conflict"
            conn.execute(insert(receipts).values(
                receipt_id=receipt_id, shop_id=shop, device_id=device_id, blob=blob,
                created_at=now_ms, expires_at=expires_at))
        return "ok"

    def delete(self, device_id: str, receipt_id: str) -> bool | None:
        """Delete one: True deleted, False not there, None not a device."""
        with self._store.write_transaction() as conn:
            shop = conn.execute(select(devices.c.shop_id).where(
                devices.c.id == device_id, devices.c.revoked_at.is_(None))).scalar()
            if shop is None:
                return None
            gone = conn.execute(delete(receipts).where(
                receipts.c.receipt_id == receipt_id, receipts.c.shop_id == shop)).rowcount
        return bool(gone)

    def get(self, receipt_id: str, now_ms: int) -> bytes | bool | None:
        """The blob; None unknown; False expired (and deleted now)."""
        with self._store.read_transaction() as conn:
            row = conn.execute(select(receipts.c.blob, receipts.c.expires_at).where(
                receipts.c.receipt_id == receipt_id)).first()
        if row is None:
            return None
        if row.expires_at <= now_ms:
            with self._store.write_transaction() as conn:
                conn.execute(delete(receipts).where(receipts.c.receipt_id == receipt_id))
            return False
        return bytes(row.blob)


def receipt_device_routes(store: Store, now_ms: Callable[[], int],
                          authenticate: Authenticate) -> list[Route]:
    """The device calls (mounted with the shop's routes)."""
    kept = ReceiptStore(store)

    async def put(request: Request) -> Response:
        device_id = await authenticate(request)
        if device_id is None:
            return unauthorized()
        receipt_id = request.path_params["receipt_id"]
        if not _ID.match(receipt_id):
            return error(400, "bad_receipt_id")
        now = now_ms()
        try:
            expires_at = int(request.query_params.get("expires_at", ""))
        except ValueError:
            return error(400, "bad_expires_at")
        if not now < expires_at <= now + MAX_DAYS * DAY_MS:
            return error(400, "bad_expires_at")
        try:
            blob = await read_limited(request.stream(), MAX_BLOB_BYTES)
        except BodyTooLarge:
            return error(413, "body_too_large")
        except ClientDisconnect:
            return error(400, "bad_body")
        if not well_formed(blob):
            return error(400, "bad_body")
        done = await run_in_threadpool(kept.put, device_id, receipt_id, blob, expires_at, now)
        if done == "unauthorized":
            return unauthorized()
        if done == "conflict":
            return error(409, "receipt_id_taken")
        return JSONResponse({"receipt_id": receipt_id, "expires_at": expires_at})

    async def remove(request: Request) -> Response:
        device_id = await authenticate(request)
        if device_id is None:
            return unauthorized()
        receipt_id = request.path_params["receipt_id"]
        if not _ID.match(receipt_id):
            return error(400, "bad_receipt_id")
        gone = await run_in_threadpool(kept.delete, device_id, receipt_id)
        if gone is None:
            return unauthorized()
        return JSONResponse({"deleted": gone})

    return [Route("/v1/receipts/{receipt_id}", put, methods=["PUT"]),
            Route("/v1/receipts/{receipt_id}", remove, methods=["DELETE"])]


def receipt_page_routes(store: Store, clock: Callable[[], float],
                        limits: PageLimits | None = None) -> list[Route]:
    """The buyer's link (at the relay's root)."""
    kept = ReceiptStore(store)
    limiter = RateLimiter(clock)
    lim = limits or PageLimits()
    headers = page_headers()

    def page(status: int, heading: str, *lines: str) -> Response:
        return HTMLResponse(message_page(heading, list(lines)), status_code=status,
                            headers=headers)

    def not_found() -> Response:
        return page(404, "領収書が見つかりません",
                    "リンクが正しくないか、領収書が削除されました。",
                    "お店から届いたメッセージのリンクを、そのまま開いてください。")

    async def show(request: Request) -> Response:
        address = request.client.host if request.client else "unknown"
        wait = limiter.allow("addr:" + address, lim.per_address)
        if wait:
            return page(429, "少し時間をおいてください",
                        "短い時間にたくさんの読み込みがありました。",
                        "1分ほど待ってから、もう一度お試しください。")
        receipt_id = request.path_params["receipt_id"]
        key = key_of(request.path_params["key"])
        if not _ID.match(receipt_id) or key is None:
            return not_found()
        blob = await run_in_threadpool(kept.get, receipt_id, int(clock() * 1000))
        if blob is False:
            return page(410, "領収書の公開期間が終わりました",
                        "この領収書は表示できなくなりました。",
                        "必要なときは、お店に再発行をお求めください。")
        if not isinstance(blob, bytes):
            return not_found()
        pdf = open_blob(receipt_id, key, blob)
        if pdf is None:  # a wrong key: not told apart from nothing
            return not_found()
        return Response(pdf, media_type="application/pdf", headers={
            "Content-Disposition": 'inline; filename="receipt.pdf"',
            "Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
            "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY"})

    return [Route("/receipt/{receipt_id}/{key}", show, methods=["GET"])]
