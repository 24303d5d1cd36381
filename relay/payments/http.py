"""Online payment through Stripe Checkout, on the relay.

* ``PUT /v1/payments``     device token: switch on (or update): the product page's id and
  link MAC key, the shop's Stripe secret key and webhook signing secret (stored encrypted
  with a key from RELAY_PAYMENTS_KEY, like the autopilot's token), the products shown
* ``GET /v1/payments``     device token: ``{"state": "on"|"off", "key_configured"}``
* ``DELETE /v1/payments``  device token: switch off (keys deleted)
* ``GET/POST /shop/{page_id}/{token}``  the friend's product page (per-friend link, as the
  forms'); the post creates a Checkout Session with the official ``stripe`` library and
  sends the browser to Stripe's page
* ``GET /shop/done``       where Stripe sends the buyer back
* ``POST /stripe/webhook`` Stripe's events

**Webhooks**: the ``Stripe-Signature`` is checked with the library
(``stripe.WebhookSignature.verify_header``, HMAC-SHA256 over ``t.payload``) against each
shop's signing secret; its timestamp must be within :data:`TOLERANCE_S` of the relay's
clock (a replayed delivery is refused); the event must name a checkout this relay
started (its ``otokui_request`` metadata, or the payment intent recorded when it was
paid), else it is refused and nothing is stored. Then, in **one** durable transaction,
the event id is recorded (each event once: Stripe's retries find it and get 200) and the
order item (``otokui-order/1``) is sealed for every paired device. Stripe is answered
only after that commit, so a relay killed before answering is retried by Stripe and the
retry finds the event already taken: nothing lost, nothing twice.

What the relay keeps: ids, times, the shop's catalogue and encrypted keys. The buyer's
name, email and what they bought travel only sealed.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from relay.autopilot import TokenBox
from relay.autopilot_pages import InstantPages, Plan
from relay.forms import links
from relay.forms.page_body import BadBody, BodyTooLarge, read_form
from relay.forms.page_guard import PageLimits, PostTokens, RateLimiter, TokenError, page_headers
from relay.forms.render import ASSETS, ASSETS_PATH
from relay.forms.render import HERE as FORMS_HERE
from relay.payments import stock as stock_mod
from relay.payments.schema import checkouts, payments, stock_holds, stripe_events
from relay.responses import error, unauthorized
from relay.schema import devices
from relay.store import Store
from relay.webhook import BodyTooLarge as WebhookTooLarge
from relay.webhook import read_limited

log = logging.getLogger("relay.payments")

ITEM_MAGIC = b"otokui-order/1\n"
TOLERANCE_S = 300
MAX_WEBHOOK_BYTES = 256 * 1024
MAX_PRODUCTS = 50
MAX_QUANTITY = 10
CHECKOUT_TTL_S = 3600
_PAGE_ID = re.compile(r"^[0-9a-f]{16}$")
_CODE = re.compile(r"^[^\x00-\x1f*|]{1,40}$")
HANDLED = ("checkout.session.completed", "checkout.session.async_payment_succeeded",
           "charge.refunded")  # and checkout.session.expired: the stock held goes back

_env = Environment(loader=ChoiceLoader([FileSystemLoader(Path(__file__).parent / "templates"),
                                        FileSystemLoader(FORMS_HERE / "templates")]),
                   autoescape=select_autoescape(default=True, default_for_string=True),
                   undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
_common = {"assets": ASSETS_PATH, "css": ASSETS["form.css"].name}

Authenticate = Callable[[Request], Awaitable[str | None]]


class KeyBox(TokenBox):
    """The shop's Stripe keys at rest (AES-256-GCM, key from RELAY_PAYMENTS_KEY)."""

    _INFO = b"otokui relay stripe keys v1"


@dataclass(frozen=True)
class Product:
    code: str
    name: str
    price: int
    tax_rate: int
    #: The product's photo (JPEG or PNG, base64, at most MAX_PHOTO_BYTES), or "".
    photo: str = ""
    #: The desktop's stock when it published (None: not counted); see stock.py.
    stock: int | None = None

    def photo_bytes(self) -> tuple[bytes, str] | None:
        if not self.photo:
            return None
        data = base64.b64decode(self.photo)
        kind = photo_type(data)
        return (data, kind) if kind is not None else None


#: A product photo's size on the page (the desktop refuses bigger ones and says so).
MAX_PHOTO_BYTES = 300_000


def photo_type(data: bytes) -> str | None:
    """``image/jpeg`` or ``image/png`` from the bytes themselves (not a name), else None."""
    if data.startswith(b"\xff\xd8\xff") and len(data) > 3:
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"):
        return "image/png"
    return None


@dataclass(frozen=True)
class ShopPayments:
    shop_id: str
    page_id: str
    mac_key: bytes
    secret_key: str
    webhook_secret: str
    products: tuple[Product, ...]


class Refused(Exception):
    """A webhook that must not be taken: ``status`` and a fixed, non-personal reason."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def parse_products(value: object) -> tuple[Product, ...]:
    if not isinstance(value, list) or len(value) > MAX_PRODUCTS:
        raise ValueError("bad_products")
    out = []
    for p in value:
        if not isinstance(p, dict):
            raise ValueError("bad_products")
        code, name, price, rate = p.get("code"), p.get("name"), p.get("price"), \
            p.get("tax_rate", 10)
        if not (isinstance(code, str) and _CODE.match(code) and isinstance(name, str)
                and 0 < len(name) <= 100 and isinstance(price, int)
                and not isinstance(price, bool) and 0 <= price <= 10**7 and rate in (8, 10)):
            raise ValueError("bad_products")
        photo = p.get("photo", "")
        if photo:  # checked by its bytes: a disguised file is refused with the rest
            try:
                raw = base64.b64decode(photo, validate=True) if isinstance(photo, str) else b""
            except ValueError:
                raw = b""
            if not 0 < len(raw) <= MAX_PHOTO_BYTES or photo_type(raw) is None:
                raise ValueError("bad_products")
        count = p.get("stock")
        if count is not None and not (isinstance(count, int) and not isinstance(count, bool)
                                      and 0 <= count <= 10**7):
            raise ValueError("bad_products")
        out.append(Product(code, name, price, int(rate), photo or "", count))
    if len({p.code for p in out}) != len(out):
        raise ValueError("bad_products")
    return tuple(out)


class PaymentsStore:
    def __init__(self, store: Store, env_key: bytes | None) -> None:
        self._store = store
        self._box = KeyBox(env_key) if env_key else None

    @property
    def key_configured(self) -> bool:
        return self._box is not None

    def switch_on(self, device_id: str, page_id: str, mac_key: bytes, secret_key: str,
                  webhook_secret: str, products: tuple[Product, ...], now_ms: int,
                  applied: tuple[str, ...] = ()) -> bool:
        assert self._box is not None
        with self._store.write_transaction() as conn:
            shop = conn.execute(select(devices.c.shop_id).where(
                devices.c.id == device_id, devices.c.revoked_at.is_(None))).scalar()
            if shop is None:
                return False
            conn.execute(delete(payments).where((payments.c.shop_id == shop)
                                                | (payments.c.page_id == page_id)))
            conn.execute(insert(payments).values(
                shop_id=shop, page_id=page_id, link_mac_key=mac_key,
                secret_key=self._box.seal(shop, secret_key),
                webhook_secret=self._box.seal(shop, webhook_secret),
                catalogue=json.dumps([p.__dict__ for p in products],
                                     ensure_ascii=False).encode("utf-8"),
                updated_at=now_ms))
            stock_mod.publish(conn, shop, {p.code: p.stock for p in products}, applied,
                              now_ms)
        return True

    def switch_off(self, device_id: str) -> None:
        with self._store.write_transaction() as conn:
            shop = conn.execute(select(devices.c.shop_id).where(devices.c.id == device_id)
                                ).scalar()
            conn.execute(delete(payments).where(payments.c.shop_id == shop))

    def state(self, device_id: str) -> str:
        with self._store.read_transaction() as conn:
            shop = conn.execute(select(devices.c.shop_id).where(devices.c.id == device_id)
                                ).scalar()
            found = conn.execute(select(payments.c.shop_id).where(payments.c.shop_id == shop)
                                 ).first()
        return "on" if found is not None else "off"

    def _shop(self, row: Any) -> ShopPayments | None:
        if self._box is None:
            return None
        secret = self._box.open(row.shop_id, bytes(row.secret_key))
        hook = self._box.open(row.shop_id, bytes(row.webhook_secret))
        if secret is None or hook is None:
            log.warning("a shop's Stripe keys cannot be decrypted with this "
                        "RELAY_PAYMENTS_KEY; its payments are off until it sends them again")
            return None
        products = parse_products(json.loads(bytes(row.catalogue)))
        return ShopPayments(row.shop_id, row.page_id, bytes(row.link_mac_key), secret, hook,
                            products)

    def by_page(self, page_id: str) -> ShopPayments | None:
        with self._store.read_transaction() as conn:
            row = conn.execute(select(payments).where(payments.c.page_id == page_id)).first()
        return None if row is None else self._shop(row)

    def every_shop(self) -> list[ShopPayments]:
        with self._store.read_transaction() as conn:
            rows = conn.execute(select(payments)).all()
        return [s for s in (self._shop(r) for r in rows) if s is not None]

    def start_checkout(self, shop_id: str, request_id: str, now_ms: int,
                       lines: tuple[tuple[str, int], ...] = ()) -> None:
        """Record the checkout and reserve its quantities, together; raises
        :class:`stock.OutOfStock` (nothing recorded) when one is short."""
        with self._store.write_transaction() as conn:
            stock_mod.release_expired(conn, shop_id, now_ms)
            conn.execute(insert(checkouts).values(request_id=request_id, shop_id=shop_id,
                                                  created_at=now_ms))
            stock_mod.reserve(conn, shop_id, request_id, lines, now_ms)

    def session_created(self, request_id: str, session_id: str,
                        expires_at_ms: int | None = None) -> None:
        with self._store.write_transaction() as conn:
            conn.execute(update(checkouts).where(checkouts.c.request_id == request_id)
                         .values(session_id=session_id))
            stock_mod.session_known(conn, request_id, session_id, expires_at_ms)

    def release(self, shop_id: str, request_id: str) -> None:
        """Give a checkout's reserved quantities back (no session, or it expired)."""
        with self._store.write_transaction() as conn:
            stock_mod.release(conn, shop_id, request_id)

    def stock_left(self, shop_id: str, now_ms: int) -> dict[str, int]:
        """Counted products → how many are left, expired holds given back first."""
        h = stock_holds.c
        with self._store.read_transaction() as conn:
            lapsed = conn.execute(select(h.request_id).where(
                h.shop_id == shop_id, h.state == stock_mod.HELD, h.expires_at < now_ms)
                                  ).first()
            if lapsed is None:
                return stock_mod.left(conn, shop_id)
        with self._store.write_transaction() as conn:
            stock_mod.release_expired(conn, shop_id, now_ms)
            return stock_mod.left(conn, shop_id)

    def take_event(self, shop_id: str, event_id: str, request_id: str | None,
                   payment_intent: str | None, session_id: str | None,
                   plaintext: Callable[[str, str], bytes], now_ms: int,
                   also: Callable[[Connection], None] | None = None) -> bool:
        """Record the event and seal its item, once; False when it was taken before.
        ``plaintext(request_id, session_id)`` builds the item once the checkout is found."""
        with self._store.write_transaction() as conn:
            c = checkouts.c
            if request_id is not None:
                row = conn.execute(select(c.request_id, c.session_id).where(
                    c.request_id == request_id, c.shop_id == shop_id)).first()
                if row is None or (row.session_id not in (None, session_id)):
                    raise Refused(400, "unknown_session")
            else:
                row = conn.execute(select(c.request_id, c.session_id).where(
                    c.payment_intent == payment_intent, c.shop_id == shop_id)).first()
                if row is None or payment_intent is None:
                    raise Refused(400, "unknown_payment")
            try:
                with conn.begin_nested():
                    conn.execute(insert(stripe_events).values(
                        event_id=event_id, shop_id=shop_id, received_at=now_ms))
            except IntegrityError:
                return False
            if request_id is not None:
                conn.execute(update(checkouts).where(c.request_id == request_id).values(
                    session_id=session_id, payment_intent=payment_intent))
                stock_mod.sell(conn, shop_id, request_id)  # paid: the reservation is sold
            item = plaintext(row.request_id, session_id or row.session_id or "")
            seqs = self._store.queue_items_in(conn, [item], now_ms, shop_id)
            if seqs is None:
                raise Refused(503, "no_device")
            if also is not None:  # the autopilot's claim on the confirmation
                also(conn)
        return True


def cart_text(lines: list[tuple[Product, int]]) -> str:
    """What was bought, in the session's metadata: ``code*qty*unit_price|…``."""
    return "|".join(f"{p.code}*{qty}*{p.price}" for p, qty in lines)


def payments_routes(store: PaymentsStore, now_ms: Callable[[], int],
                    authenticate: Authenticate) -> list[Route]:
    async def put(request: Request) -> Response:
        device_id = await authenticate(request)
        if device_id is None:
            return unauthorized()
        if not store.key_configured:
            return error(409, "no_payments_key", message="set RELAY_PAYMENTS_KEY on the "
                         "relay to switch online payment on")
        try:
            data = json.loads(await request.body())
        except (ClientDisconnect, ValueError, RecursionError):
            return error(400, "bad_json")
        if not isinstance(data, dict):
            return error(400, "bad_json")
        page_id, secret, hook = data.get("page_id"), data.get("secret_key"), \
            data.get("webhook_secret")
        if not isinstance(page_id, str) or not _PAGE_ID.match(page_id):
            return error(400, "bad_page_id")
        if not (isinstance(secret, str) and re.match(r"^(sk|rk)_[A-Za-z0-9_]{4,250}$", secret)):
            return error(400, "bad_secret_key")
        if not (isinstance(hook, str) and re.match(r"^whsec_[A-Za-z0-9_+/=]{4,250}$", hook)):
            return error(400, "bad_webhook_secret")
        try:
            key = base64.b64decode(str(data.get("link_key", "")), validate=True)
            products = parse_products(data.get("products"))
        except (binascii.Error, ValueError) as exc:
            return error(400, str(exc) if str(exc) == "bad_products" else "bad_link_key")
        if len(key) != links.MAC_KEY_BYTES:
            return error(400, "bad_link_key")
        applied = data.get("applied", [])
        if not (isinstance(applied, list) and len(applied) <= 5000
                and all(isinstance(a, str) and len(a) <= 255 for a in applied)):
            return error(400, "bad_applied")
        if not await run_in_threadpool(store.switch_on, device_id, page_id, key, secret, hook,
                                       products, now_ms(), tuple(applied)):
            return unauthorized()
        log.info("online payment switched on (%d products)", len(products))
        return JSONResponse({"state": "on", "products": len(products)})

    async def get(request: Request) -> Response:
        device_id = await authenticate(request)
        if device_id is None:
            return unauthorized()
        state = await run_in_threadpool(store.state, device_id)
        return JSONResponse({"state": state, "key_configured": store.key_configured})

    async def remove(request: Request) -> Response:
        device_id = await authenticate(request)
        if device_id is None:
            return unauthorized()
        await run_in_threadpool(store.switch_off, device_id)
        return Response(status_code=204)

    return [Route("/v1/payments", put, methods=["PUT"]),
            Route("/v1/payments", get, methods=["GET"]),
            Route("/v1/payments", remove, methods=["DELETE"])]


def shop_page_routes(store: PaymentsStore, stripe_api_base: str, channel_secret: bytes,
                     clock: Callable[[], float], notify: Callable[[], None],
                     instant: InstantPages | None = None) -> list[Route]:
    tokens = PostTokens(channel_secret + b"|shop")
    limiter = RateLimiter(clock)
    limits = PageLimits()
    headers = page_headers()
    # The post is answered with a redirect to Stripe's hosted page, which the browser
    # follows only if the CSP's form-action allows its origin.
    checkout = "https://checkout.stripe.com" if stripe_api_base == "https://api.stripe.com" \
        else _origin(stripe_api_base)
    headers["Content-Security-Policy"] = headers["Content-Security-Policy"].replace(
        "form-action 'self'", f"form-action 'self' {checkout}")

    def html(body: str, status: int = 200, extra: dict[str, str] | None = None) -> Response:
        return HTMLResponse(body, status_code=status, headers={**headers, **(extra or {})})

    def message(status: int, heading: str, *lines: str, kind: str = "refused") -> Response:
        return html(_env.get_template("message.html").render(
            **_common, page_title=heading, heading=heading, lines=list(lines), kind=kind,
            form_title=None), status)

    async def page(shop: ShopPayments, action: str, csrf: str, problem: str | None,
                   status: int = 200) -> Response:
        left = await run_in_threadpool(store.stock_left, shop.shop_id, int(clock() * 1000))
        return html(_env.get_template("shop.html").render(
            **_common, page_title="ご購入", products=shop.products, action=action, csrf=csrf,
            problem=problem, max_quantity=MAX_QUANTITY, left=left,
            sold_out=all(left.get(p.code, 1) == 0 for p in shop.products),
            photo_base=f"/shop/{shop.page_id}/photo/"), status)

    async def photo(request: Request) -> Response:
        """A product's photo (not personal: the shop's own picture of what it sells)."""
        page_id, code = request.path_params["page_id"], request.path_params["code"]
        shop = await run_in_threadpool(store.by_page, page_id) \
            if _PAGE_ID.match(page_id) else None
        found = next((p for p in shop.products if p.code == code), None) \
            if shop is not None else None
        got = found.photo_bytes() if found is not None else None
        if got is None:
            return Response(status_code=404, headers=headers)
        data, kind = got
        return Response(data, media_type=kind, headers={
            **headers, "Cache-Control": "public, max-age=3600",
            "X-Content-Type-Options": "nosniff"})

    async def resolve(request: Request) -> tuple[ShopPayments, str] | Response:
        wait = limiter.allow("addr:" + _address(request), limits.per_address)
        if wait:
            return message(429, "少し時間をおいてください",
                           "1分ほど待ってから、もう一度お試しください。")
        page_id, token = request.path_params["page_id"], request.path_params["token"]
        shop = await run_in_threadpool(store.by_page, page_id) \
            if _PAGE_ID.match(page_id) else None
        if shop is None:
            return message(404, "ページが見つかりません",
                           "リンクが正しくないか、お店がオンライン販売をしていません。")
        try:
            links.verify_token(token, page_id, shop.mac_key, int(clock()))
        except links.LinkError as exc:
            if exc.code == "expired":
                return message(410, "リンクの有効期限が切れています",
                               "お手数ですが、お店に新しいリンクをお求めください。")
            return message(404, "リンクが正しくありません",
                           "お店から届いたリンクを、もう一度開いてください。")
        return shop, token

    async def show(request: Request) -> Response:
        got = await resolve(request)
        if isinstance(got, Response):
            return got
        shop, token = got
        link = f"shop/{shop.page_id}/{token}"
        return await page(shop, request.url.path, tokens.issue(shop.page_id, link, int(clock())),
                    None)

    async def submit(request: Request) -> Response:
        got = await resolve(request)
        if isinstance(got, Response):
            return got
        shop, token = got
        link = f"shop/{shop.page_id}/{token}"
        if request.headers.get("sec-fetch-site") == "cross-site":
            return message(403, "送信できませんでした", "このページから送信してください。")
        wait = limiter.allow("link:" + link, limits.per_link)
        if wait:
            return message(429, "少し時間をおいてください",
                           "1分ほど待ってから、もう一度お試しください。")
        try:
            posted = await read_form(request.headers.get("content-type"), request.stream(),
                                     max_body=64 * 1024, file_caps={})
        except (BodyTooLarge, BadBody, ClientDisconnect):
            return message(400, "送信できませんでした",
                           "ページを開き直して、もう一度お試しください。")
        now_s = int(clock())
        try:
            nonce = tokens.check(_first(posted.fields.get("_csrf")), shop.page_id, link, now_s)
        except TokenError:
            return message(400, "ページの有効期限が切れました",
                           "お手数ですが、ページを開き直してください。")
        lines: list[tuple[Product, int]] = []
        for p in shop.products:
            text = (_first(posted.fields.get("qty." + p.code)) or "0").strip()
            if not (text.isascii() and text.isdigit() and int(text) <= MAX_QUANTITY):
                lines = []
                break
            if int(text):
                lines.append((p, int(text)))
        if not lines:
            return await page(shop, request.url.path, tokens.issue(shop.page_id, link, now_s),
                        "数量を選んでください。", 400)
        base = str(request.base_url).rstrip("/")
        metadata = {"otokui_request": nonce, "otokui_page": shop.page_id,
                    "otokui_token": token, "otokui_cart": cart_text(lines)}
        if any(len(v) > 500 for v in metadata.values()):
            return await page(shop, request.url.path, tokens.issue(shop.page_id, link, now_s),
                        "一度に選べる商品が多すぎます。", 400)
        try:
            await run_in_threadpool(store.start_checkout, shop.shop_id, nonce,
                                    int(clock() * 1000),
                                    tuple((p.code, qty) for p, qty in lines))
        except IntegrityError:
            return message(409, "すでに送信されています", "ページを開き直してください。")
        except stock_mod.OutOfStock as short:
            name = next(p.name for p in shop.products if p.code == short.code)
            return message(409, "在庫がありません",
                           f"「{name}」は売り切れました。" if short.left == 0 else
                           f"「{name}」は残り{short.left}点です。数量を減らしてお選びください。",
                           "ページを開き直すと、いまの在庫が表示されます。")
        import stripe  # here, not at the top: the desktop's bundle (its demo relay) has none

        client = stripe.StripeClient(shop.secret_key, base_addresses={"api": stripe_api_base},
                                     max_network_retries=1)
        params: dict[str, Any] = {
            "mode": "payment", "client_reference_id": nonce, "metadata": metadata,
            # The stock it reserves goes back on sale within the hour if nobody pays
            # (Stripe's default is 24 h; its least is 30 min, an hour leaves clock slack).
            "expires_at": now_s + CHECKOUT_TTL_S,
            "success_url": f"{base}/shop/done", "cancel_url": f"{base}{request.url.path}",
            "line_items": [{"quantity": qty, "price_data": {
                "currency": "jpy", "unit_amount": p.price,
                "product_data": {"name": p.name}}} for p, qty in lines]}
        try:
            session = await run_in_threadpool(
                lambda: client.v1.checkout.sessions.create(
                    params=params, options={"idempotency_key": nonce}))  # type: ignore[arg-type]
        except stripe.StripeError as exc:
            log.warning("Stripe refused a checkout: %s (HTTP %s)", type(exc).__name__,
                        exc.http_status)
            await run_in_threadpool(store.release, shop.shop_id, nonce)
            return message(502, "お支払いの準備ができませんでした",
                           "時間をおいて、もう一度お試しください。")
        expires = getattr(session, "expires_at", None)
        await run_in_threadpool(store.session_created, nonce, session.id,
                                expires * 1000 if isinstance(expires, int) else None)
        return RedirectResponse(str(session.url), status_code=303,
                                headers={"Cache-Control": "no-store",
                                         "Referrer-Policy": "no-referrer"})

    async def done(request: Request) -> Response:
        return message(200, "お支払いが完了しました",
                       "ご購入ありがとうございました。確認のメッセージをLINEでお送りします。",
                       kind="done")

    async def webhook(request: Request) -> Response:
        header = request.headers.get("stripe-signature", "")
        try:
            payload = await read_limited(request.stream(), MAX_WEBHOOK_BYTES)
        except (WebhookTooLarge, ClientDisconnect):
            return error(413, "body_too_large")
        shops = await run_in_threadpool(store.every_shop)
        shop = next((s for s in shops if _signed(payload, header, s.webhook_secret)), None)
        if shop is None:
            log.warning("refused a Stripe webhook: missing or wrong Stripe-Signature")
            return error(400, "bad_signature")
        stamp = _timestamp(header)
        if stamp is None or abs(clock() - stamp) > TOLERANCE_S:
            log.warning("refused a Stripe webhook outside the replay window")
            return error(400, "outside_replay_window")
        try:
            event = json.loads(payload)
            event_id, kind = str(event["id"]), str(event["type"])
            obj = event["data"]["object"]
            if not isinstance(obj, dict):
                raise TypeError("object")
        except (ValueError, KeyError, TypeError):
            return error(400, "bad_event")
        if kind == "checkout.session.expired":  # its reservation goes back on sale
            request_id = (obj.get("metadata") or {}).get("otokui_request")
            if isinstance(request_id, str):
                await run_in_threadpool(store.release, shop.shop_id, request_id)
            return JSONResponse({"received": True, "released": True})
        if kind not in HANDLED or (kind != "charge.refunded"
                                   and obj.get("payment_status") != "paid"):
            # Not ours to act on (an async payment not yet paid arrives again as
            # checkout.session.async_payment_succeeded).
            return JSONResponse({"received": True, "ignored": kind})
        try:
            taken, plan = await run_in_threadpool(_take, store, shop, event_id, kind, obj,
                                                  int(clock() * 1000), instant)
        except Refused as exc:
            log.warning("refused a Stripe %s event: %s", kind, exc.reason)
            return error(exc.status, exc.reason)
        if taken:
            notify()
            log.info("Stripe %s event taken and sealed", kind)
            if instant is not None:  # the confirmation, at once (relay.autopilot_pages)
                await instant.push_soon(plan)
        return JSONResponse({"received": True, "already": not taken})

    return [Route("/shop/done", done, methods=["GET"]),
            Route("/shop/{page_id}/photo/{code}", photo, methods=["GET"]),
            Route("/shop/{page_id}/{token}", show, methods=["GET"]),
            Route("/shop/{page_id}/{token}", submit, methods=["POST"]),
            Route("/stripe/webhook", webhook, methods=["POST"])]


def _take(store: PaymentsStore, shop: ShopPayments, event_id: str, kind: str,
          obj: dict[str, Any], now_ms: int, instant: InstantPages | None = None
          ) -> tuple[bool, Plan | None]:
    if kind == "charge.refunded":
        pi = obj.get("payment_intent")
        amount, refunded = obj.get("amount"), obj.get("amount_refunded")
        if not (isinstance(pi, str) and isinstance(amount, int)
                and isinstance(refunded, int) and 0 < refunded <= amount):
            raise Refused(400, "bad_event")

        def refund_item(request_id: str, session_id: str) -> bytes:
            return ITEM_MAGIC + json.dumps({
                "event_id": event_id, "kind": "refunded", "request_id": request_id,
                "session_id": session_id,
                "payment_intent": pi, "amount_total": amount, "amount_refunded": refunded,
                "created": now_ms}).encode("utf-8")
        return store.take_event(shop.shop_id, event_id, None, pi, None, refund_item,
                                now_ms), None
    meta = obj.get("metadata") or {}
    request_id, sid = meta.get("otokui_request"), obj.get("id")
    if not (isinstance(request_id, str) and isinstance(sid, str)
            and meta.get("otokui_page") == shop.page_id):
        raise Refused(400, "unknown_session")
    details = obj.get("customer_details") or {}
    token, cart = meta.get("otokui_token"), meta.get("otokui_cart")
    plan = None
    if instant is not None and isinstance(token, str) and isinstance(cart, str):
        text = confirmation(shop.products, cart, obj.get("amount_total"))
        plan = None if text is None else instant.plan(
            shop.shop_id, f"order:{sid}", text, page_id=shop.page_id, token=token)

    def paid_item(request_id: str, _session_id: str) -> bytes:
        return ITEM_MAGIC + json.dumps({
            "event_id": event_id, "kind": "paid", "request_id": request_id,
            "session_id": sid, "payment_intent": obj.get("payment_intent"),
            "page_id": shop.page_id, "token": meta.get("otokui_token"),
            "cart": meta.get("otokui_cart"), "amount_total": obj.get("amount_total"),
            "buyer": {k: details.get(k) for k in ("name", "email", "phone")},
            "created": now_ms, **({"instant": True} if plan is not None else {})},
            ensure_ascii=False).encode("utf-8")
    pi = obj.get("payment_intent")
    claim = None if plan is None or instant is None else functools.partial(
        instant.claim_in, plan=plan)
    return store.take_event(shop.shop_id, event_id, request_id,
                            pi if isinstance(pi, str) else None, sid, paid_item, now_ms,
                            also=claim), plan


def confirmation(products: tuple[Product, ...], cart: str, total: object) -> str | None:
    """The buyer's LINE message, as the desktop writes it (app/purchases/online.py)."""
    names = {p.code: p.name for p in products}
    try:
        lines = [part.rsplit("*", 2) for part in cart.split("|")]
        items = "\n".join(f"・{names.get(code, code)} × {int(qty)}" for code, qty, _ in lines)
    except ValueError:
        return None
    if not isinstance(total, int):
        return None
    return (f"ご購入ありがとうございます。お支払いを確認しました。\n{items}\n"
            f"合計 ¥{total:,}（税込）")


def _signed(payload: bytes, header: str, secret: str) -> bool:
    import stripe  # see the checkout: not imported with the module

    try:
        stripe.WebhookSignature.verify_header(payload, header, secret)
    except stripe.SignatureVerificationError:
        return False
    return True


def _timestamp(header: str) -> int | None:
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit() and len(value) <= 12:
            return int(value)
    return None


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _first(values: list[str] | None) -> str | None:
    return values[0] if values and len(values) == 1 else None


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"

