"""The relay's HTTP API (contract version 1), as a Starlette app.

Routes (see docs/relay.md for the full contract):

* ``POST /line/webhook``         from LINE: verify, seal, store durably, then 200
* ``GET  /healthz``              liveness and queue depth, nothing personal
* ``POST /v1/devices``           pairing: one-time code + public key -> device id + token
* ``DELETE /v1/devices/{id}``    a device unpairs itself
* ``GET  /v1/events``            a device pulls its sealed events (long-poll)
* ``POST /v1/events/ack``        a device deletes what it has safely stored
* ``PUT/DELETE /v1/media...``    a device uploads (or removes) an image to send on LINE
* ``PUT  /v1/channel-secret``     a device hands over (or replaces) its shop's channel secret
* ``GET  /m/{token}``            that image, for LINE and the customer (relay.media_http)
* ``PUT/GET/DELETE /v1/forms/{id}``  a device publishes a form's definition (relay.forms)
* ``/admin...``                  the owner's admin page (relay.admin), with RELAY_ADMIN_SECRET

Every route but ``/m/`` and ``/admin`` also answers under ``/shops/{shop_id}``: that is
the address of one shop on a relay serving several (:mod:`relay.shops`); the routes at the
root belong to the ``default`` shop.
* ``GET/POST /f/{id}[/{token}]``, ``/l/...``  the shop's form pages (relay.forms.pages),
  at the root and under each shop's address

The relay holds no channel access token and no customer book: it can verify what LINE
sends and seal it for the shop's desktops, nothing more.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import json
import logging
import math
import secrets
import time
import unicodedata
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeGuard

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route

from relay import CONTRACT_VERSION
from relay.autopilot import Autopilot, autopilot_routes
from relay.autopilot_pages import InstantPages, instant_routes
from relay.autopilot_schedule import Schedule, schedule_routes
from relay.booking.http import booking_routes
from relay.booking.pages import booking_liff_routes
from relay.booking.pages import booking_routes_public as booking_pages
from relay.config import Settings
from relay.forms.http import form_routes
from relay.forms.liff import IdTokenVerifier
from relay.forms.pages import PagesConfig, page_routes, under_shop
from relay.forms.store import FormStore
from relay.ingest import IngestWriter, NoDeviceError, WriterStoppedError
from relay.media_http import media_routes
from relay.media_store import MediaPurgeCounts, MediaStore
from relay.members.pages import member_link_routes, member_page_routes
from relay.pairing_tries import LOCK_SECONDS, MAX_FAILED_TRIES, PairingTries, is_loopback
from relay.payments.http import PaymentsStore, payments_routes, shop_page_routes
from relay.payments.refunds import refund_routes
from relay.privacy import PolicyStore, policy_routes
from relay.receipts.http import purge as purge_receipts
from relay.receipts.http import receipt_device_routes, receipt_page_routes
from relay.responses import error as _error
from relay.responses import ok as _ok
from relay.responses import unauthorized as _unauthorized
from relay.routes.http import route_api
from relay.routes.pages import route_pages
from relay.schema import DEFAULT_SHOP
from relay.sealing import PUBLIC_KEY_LENGTH, delivery_plaintext, is_usable_public_key
from relay.shops import (
    RECHECK_AFTER_SECONDS,
    SecretBox,
    ShopSecrets,
    UnknownShop,
    is_shop_id,
    normalize_channel_secret,
)
from relay.store import EventBatch, PairingRefused, PurgeCounts, Store
from relay.wakeup import NewEvents
from relay.webhook import (
    MAX_BODY_BYTES,
    BodyTooLarge,
    NotAWebhook,
    parse_webhook,
    read_limited,
    signature_ok,
)

log = logging.getLogger("relay.http")
webhook_log = logging.getLogger("relay.webhook")
purge_log = logging.getLogger("relay.retention")
media_log = logging.getLogger("relay.media")

MAX_LIMIT = 500
#: One answer of GET /v1/events carries at most this many sealed bytes (but always at least
#: one item): a delivery may be up to 1 MiB, and desktops refuse answers past 32 MiB.
MAX_PULL_BYTES = 8 * 1024 * 1024
DEFAULT_LIMIT = 100
MAX_WAIT_SECONDS = 30.0
MAX_API_BODY_BYTES = 16 * 1024
MAX_DEVICE_NAME_CHARS = 100
MAX_SEQ = 2**63 - 1  # sequence numbers are 64-bit signed integers in both databases
DEFAULT_PURGE_INTERVAL = 3600.0


class _Throttled:
    """Log a recurring condition at most once a minute, with how often it happened."""

    def __init__(self, logger: logging.Logger, message: str, every: float = 60.0) -> None:
        self._logger, self._message, self._every = logger, message, every
        self._last = -float("inf")
        self._count = 0

    def __call__(self, events: int = 0) -> None:
        self._count += 1
        now = time.monotonic()
        if now - self._last >= self._every:
            self._logger.warning(self._message, self._count, events)
            self._last, self._count = now, 0


class RelayService:
    """Everything a running relay holds: store, ingest writer, wake-ups, retention."""

    def __init__(self, settings: Settings, store: Store, *,
                 clock: Callable[[], float] = time.time,
                 purge_interval: float = DEFAULT_PURGE_INTERVAL,
                 recheck_interval: float = 1.0) -> None:
        self.settings = settings
        self.store = store
        self.media = MediaStore(store)
        self.pairing_tries = PairingTries()
        self.forms = FormStore(store)
        self.shops = ShopSecrets(
            store.sealed_channel_secret, env_secret=settings.channel_secret,
            box=SecretBox(settings.admin_secret) if settings.admin_secret else None)
        verifier = None
        if settings.liff_id and settings.line_login_channel_id:
            verifier = IdTokenVerifier(settings.line_login_api, settings.line_login_channel_id)
        # The pages' post tokens are keyed by a secret the relay already has; without
        # one, a random key per process (tokens then last until a restart).
        page_key = (settings.channel_secret or settings.admin_secret
                    or secrets.token_bytes(32))
        self.instant = InstantPages(store, settings.autopilot_key, settings.line_api_base,
                                    lambda: self.clock())
        self.pages = PagesConfig(channel_secret=page_key,
                                 liff_id=settings.liff_id, liff_sdk_url=settings.liff_sdk_url,
                                 verifier=verifier, instant=self.instant)
        self.clock = clock
        self.autopilot = Autopilot(store, settings.autopilot_key, settings.line_api_base,
                                   lambda: self.clock())
        self.schedule = Schedule(store, self.autopilot, settings.autopilot_key,
                                 settings.line_api_base, lambda: self.clock())
        self._replying: set[asyncio.Task[int]] = set()
        self.purge_interval = purge_interval
        self.recheck_interval = recheck_interval
        self.new_events: NewEvents | None = None
        self.writer: IngestWriter | None = None
        self._purge_task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.note_no_device = _Throttled(
            webhook_log, "no device is paired yet: answered 503 to %d webhook(s) (%d events "
            "in the latest) so LINE redelivers them later; pair the shop's desktop (admin "
            "page, or `python -m relay pair` on this host)")
        self.note_no_secret = _Throttled(
            webhook_log, "a shop has no channel secret yet: answered 503 to %d webhook(s) "
            "(%d bytes in the latest); pair its desktop, which hands it over, or set "
            "LINE_CHANNEL_SECRET")
        self.note_bad_signature = _Throttled(
            webhook_log, "refused %d webhook(s) with a missing or wrong x-line-signature "
            "(%d bytes in the latest); check LINE_CHANNEL_SECRET if this continues")

    def now_ms(self) -> int:
        return int(self.clock() * 1000)

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self.new_events = NewEvents(self.recheck_interval)
        self.writer = IngestWriter(self.store, self.clock, self.new_events.notify)
        self.writer.start()
        self._purge_task = asyncio.create_task(self._purge_loop(), name="relay-purge")
        await run_in_threadpool(self.autopilot.recover)
        self.schedule.start(lambda: self.new_events.notify() if self.new_events else None)
        await run_in_threadpool(self.instant.recover)
        log.info("relay started (contract v%d, %s database, %d device(s) paired)",
                 CONTRACT_VERSION, "SQLite" if self.store.is_sqlite else "PostgreSQL",
                 await run_in_threadpool(self.store.active_device_count))
        if self.settings.public_url is None:
            media_log.info("RELAY_PUBLIC_URL is not set: image uploads (PUT /v1/media) are "
                           "refused until it is")
        if self.settings.admin_secret is not None:
            from relay.admin import announce_first_link

            await run_in_threadpool(announce_first_link, self)

    def begin_shutdown(self) -> None:
        """Release long-polls so the server can close connections (call on the loop)."""
        if self.new_events is not None:
            self.new_events.close()

    async def stop(self) -> None:
        self.begin_shutdown()
        if self._purge_task is not None:
            self._purge_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._purge_task
        if self._replying:
            await asyncio.gather(*self._replying, return_exceptions=True)
        await self.schedule.stop()
        await self.autopilot.close()
        await run_in_threadpool(self.forms.close)
        if self.writer is not None:
            await run_in_threadpool(self.writer.stop)
        self.store.close()
        log.info("relay stopped")

    def purge_now(self) -> tuple[PurgeCounts, MediaPurgeCounts]:
        counts = self.store.purge(self.now_ms(), self.settings.retention_days)
        if counts.copies or counts.dedupe_ids or counts.pairing_codes:
            purge_log.info(
                "purged %d unacknowledged sealed event copies (past %d days or of revoked "
                "devices), %d de-duplication ids and %d old pairing codes",
                counts.copies, self.settings.retention_days, counts.dedupe_ids,
                counts.pairing_codes)
        media = self.purge_media_now()
        purge_receipts(self.store, self.now_ms())  # expired receipts' ciphertext
        return counts, media

    def purge_media_now(self) -> MediaPurgeCounts:
        counts = self.media.purge(self.now_ms())
        if counts.files:
            purge_log.info("purged %d expired uploaded images (%d files with previews, "
                           "%d bytes)", counts.images, counts.files, counts.bytes)
        return counts

    async def _purge_loop(self) -> None:
        while True:
            try:
                await run_in_threadpool(self.purge_now)
            except Exception:
                purge_log.exception("purging old events failed; will try again")
            await asyncio.sleep(self.purge_interval)


def create_app(service: RelayService) -> Starlette:
    settings = service.settings
    store = service.store

    async def webhook(request: Request) -> Response:
        shop = _shop(request)
        if shop is None:
            return _error(404, "no_such_shop")
        declared = request.headers.get("content-length")
        if declared is not None:
            try:
                if int(declared) > MAX_BODY_BYTES:
                    return _error(413, "body_too_large")
            except ValueError:
                return _error(400, "bad_content_length")
        signature = request.headers.get("x-line-signature")
        if not signature:
            service.note_bad_signature(0)
            return _error(401, "bad_signature")
        try:
            body = await read_limited(request.stream())
        except BodyTooLarge:
            return _error(413, "body_too_large")
        except ClientDisconnect:
            return Response(status_code=400)
        try:
            secret = await _secret(shop)
        except UnknownShop:
            return _error(404, "no_such_shop")
        if secret is None:
            service.note_no_secret(len(body))
            return _error(503, "no_channel_secret", {"Retry-After": "60"})
        if not signature_ok(secret, body, signature):
            # Another relay instance (or this one, a moment ago) may have just replaced the
            # shop's secret: look once more before refusing.
            fresher = None
            if service.shops.age(shop) >= RECHECK_AFTER_SECONDS:
                fresher = await run_in_threadpool(service.shops.secret_for, shop,
                                                  fresh_after=RECHECK_AFTER_SECONDS)
            if fresher is None or not signature_ok(fresher, body, signature):
                service.note_bad_signature(len(body))
                return _error(401, "bad_signature")
        try:
            hook = parse_webhook(body)
        except NotAWebhook:
            return _error(400, "not_a_webhook")
        if not hook.event_ids:
            return _ok()  # the console's "Verify" button, or a connectivity check
        assert service.writer is not None
        delivery = EventBatch(hook.event_ids, delivery_plaintext(signature, body))
        try:
            outcome = await service.writer.submit(delivery, shop)
        except NoDeviceError:
            service.note_no_device(len(hook.event_ids))
            return _error(503, "no_device_paired", {"Retry-After": "60"})
        except WriterStoppedError:
            return _error(503, "shutting_down", {"Retry-After": "5"})
        except Exception:
            return _error(500, "store_failed")
        if outcome.duplicates:
            webhook_log.debug("%d duplicate event(s) ignored", outcome.duplicates)
        if outcome.stored:  # replies only after the delivery is durable (relay.autopilot)
            task = asyncio.create_task(service.autopilot.handle(shop, body))
            service._replying.add(task)
            task.add_done_callback(service._replying.discard)
        return _ok()

    async def healthz(request: Request) -> Response:
        shop = request.path_params.get("shop_id")
        try:
            if shop is not None:
                # A shop's address answers only if the shop exists, with its own queue.
                if not is_shop_id(shop):
                    return _error(404, "no_such_shop")
                await _secret(shop)
            depth = await run_in_threadpool(store.queue_depth, shop)
        except UnknownShop:
            return _error(404, "no_such_shop")
        except Exception:
            log.exception("health check could not read the database")
            return JSONResponse({"status": "database_unavailable"}, status_code=503)
        return JSONResponse({"status": "ok", "contract": CONTRACT_VERSION,
                             "queue_depth": depth})

    async def pair(request: Request) -> Response:
        shop = _shop(request)
        if shop is None:
            return _error(404, "no_such_shop")
        data = await _json_object(request)
        if data is None:
            return _error(400, "bad_json")
        code, name, key_b64 = data.get("pairing_code"), data.get("name"), data.get("public_key")
        if not (isinstance(code, str) and 0 < len(code) <= 64):
            return _error(400, "bad_pairing_code")
        if not _good_device_name(name):
            return _error(400, "bad_name")
        public_key = _raw_public_key(key_b64)
        if public_key is None:
            return _error(400, "bad_public_key")
        if not is_usable_public_key(public_key):
            # Pairing it would leave the relay unable to seal anything for this device.
            return _error(400, "bad_public_key", message=(
                "This public key cannot be used (it is a low-order X25519 point, such as "
                "all zeros). Make a new key pair and pair again."))
        offered = None
        if data.get("channel_secret") is not None:
            channel_secret = normalize_channel_secret(data.get("channel_secret"))
            if channel_secret is None:
                return _error(400, "bad_channel_secret")
            offered = service.shops.offered(shop, channel_secret)
        address = request.client.host if request.client else None
        tries = service.pairing_tries
        wait = tries.begin(address, service.clock())
        if wait is not None:  # this address sent too many wrong codes: not even checked
            minutes = math.ceil(wait / 60)
            return _error(429, "too_many_tries", {"Retry-After": str(math.ceil(wait))},
                          message=f"Too many wrong pairing codes came from this address. "
                                  f"Wait {minutes} minute(s), then enter the code again.")
        try:
            paired = await run_in_threadpool(
                lambda: store.pair_device(code, name.strip(), public_key, service.now_ms(),
                                          shop_id=shop,
                                          sealed_secret=offered.sealed if offered else None))
        except PairingRefused:
            if tries.just_locked(address):
                _note_address_locked(address, bool(settings.trusted_proxies))
            return _error(403, "pairing_refused")
        except UnknownShop:
            tries.succeeded(address)
            return _error(404, "no_such_shop")
        except Exception:
            tries.succeeded(address)  # the database failed: that was not a wrong guess
            raise
        tries.succeeded(address)
        answer = {"device_id": paired.device_id, "token": paired.token}
        if offered is not None:
            service.shops.forget(shop)
            answer["channel_secret"] = offered.answer
        return JSONResponse(answer, status_code=201)

    async def channel_secret(request: Request) -> Response:
        shop = _shop(request)
        device_id = None if shop is None else await _authenticate(request)
        if device_id is None:
            return _unauthorized()
        data = await _json_object(request)
        secret = None if data is None else normalize_channel_secret(data.get("channel_secret"))
        if secret is None:
            return _error(400, "bad_channel_secret")
        assert shop is not None
        offered = service.shops.offered(shop, secret)
        if offered.sealed is not None:
            await run_in_threadpool(store.set_channel_secret, shop, offered.sealed)
            service.shops.forget(shop)
        return JSONResponse({"channel_secret": offered.answer})

    async def unpair(request: Request) -> Response:
        device_id = await _authenticate(request)
        if device_id is None:
            return _unauthorized()
        target = request.path_params["device_id"]
        if target != device_id:
            return _error(403, "not_this_device")
        await run_in_threadpool(store.revoke_device, device_id, service.now_ms())
        return Response(status_code=204)

    async def pull(request: Request) -> Response:
        device_id = await _authenticate(request)
        if device_id is None:
            return _unauthorized()
        try:
            after = _int_param(request, "after", 0, 0, MAX_SEQ)
            limit = _int_param(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
            wait = _float_param(request, "wait", 0.0, 0.0, MAX_WAIT_SECONDS)
        except ValueError:
            return _error(400, "bad_parameters")
        new_events = service.new_events
        assert new_events is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        while True:
            ticket = new_events.ticket()  # before the query: see relay.wakeup
            rows = await run_in_threadpool(store.fetch, device_id, after, limit,
                                           MAX_PULL_BYTES)
            remaining = deadline - loop.time()
            if rows or remaining <= 0 or new_events.closed:
                break
            await new_events.wait(ticket, remaining)
        return JSONResponse({
            "events": [{"seq": r.seq, "received_at": r.received_at,
                        "sealed": base64.b64encode(r.sealed).decode("ascii")} for r in rows],
            "next": rows[-1].seq if rows else after,
        })

    async def ack(request: Request) -> Response:
        device_id = await _authenticate(request)
        if device_id is None:
            return _unauthorized()
        data = await _json_object(request)
        upto = None if data is None else data.get("upto")
        if not isinstance(upto, int) or isinstance(upto, bool) or not 0 <= upto <= MAX_SEQ:
            return _error(400, "bad_upto")
        deleted = await run_in_threadpool(store.ack, device_id, upto)
        return JSONResponse({"deleted": deleted})

    def _notify() -> None:
        if service.new_events is not None:
            service.new_events.notify()

    async def _authenticate(request: Request) -> str | None:
        """The device presenting the request's token, if it belongs to the address's shop."""
        shop = _shop(request)
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if shop is None or scheme.lower() != "bearer" or not token.strip():
            return None
        return await run_in_threadpool(store.authenticate, token.strip(), service.now_ms(),
                                       shop)

    async def _secret(shop: str) -> bytes | None:
        known, secret = service.shops.peek(shop)
        if known:
            return secret
        return await run_in_threadpool(service.shops.secret_for, shop)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await service.start()
        try:
            yield
        finally:
            await service.stop()

    payments_store = PaymentsStore(store, settings.payments_key)

    def shop_routes() -> list[BaseRoute]:
        return [
            Route("/line/webhook", webhook, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/v1/devices", pair, methods=["POST"]),
            Route("/v1/devices/{device_id}", unpair, methods=["DELETE"]),
            Route("/v1/events", pull, methods=["GET"]),
            Route("/v1/events/ack", ack, methods=["POST"]),
            Route("/v1/channel-secret", channel_secret, methods=["PUT"]),
            *media_routes(settings, service.media, service.now_ms, _authenticate),
            *form_routes(service.forms, service.now_ms, _authenticate),
            *booking_routes(store, service.now_ms, _authenticate),
            *policy_routes(PolicyStore(store), service.now_ms, _authenticate),
            *autopilot_routes(service.autopilot, _authenticate, _shop),
            *schedule_routes(service.schedule, _authenticate, _shop),
            *route_api(store, service.now_ms, _authenticate),
            *member_link_routes(store, service.now_ms, _authenticate,
                                liff_id=service.pages.liff_id if service.pages.verifier else None),
            *payments_routes(payments_store, service.now_ms, _authenticate),
            *instant_routes(service.instant, _authenticate, _shop),
            *receipt_device_routes(store, service.now_ms, _authenticate),
            *refund_routes(store, payments_store, settings.stripe_api_base, _authenticate),
        ]

    form_pages = page_routes(store, service.forms, service.pages, lambda: service.clock(),
                             _notify)
    routes: list[BaseRoute] = [*shop_routes(), Mount("/shops/{shop_id}", routes=[
        *shop_routes(), *under_shop(form_pages)])]
    if settings.admin_secret is not None:
        from relay.admin import admin_routes

        routes.extend(admin_routes(service))
    # The route pages (before the forms': /l/r/… is a route's LIFF page, not a form's).
    routes.extend(route_pages(store, service.pages, lambda: service.clock(), _notify))
    routes.extend(booking_liff_routes(service.pages, lambda: service.clock()))  # before /l/{form}
    # The member-link pages (before the forms': /l/ml/… is its LIFF page, not a form's).
    routes.extend(member_page_routes(store, service.pages.channel_secret,
                                     lambda: service.clock(), _notify, liff=service.pages))
    # The form pages answer at the root too (a form by its id, whichever shop's).
    routes.extend(form_pages)
    routes.extend(booking_pages(store, service.pages, lambda: service.clock(), _notify))
    routes.extend(shop_page_routes(payments_store, settings.stripe_api_base,
                                   service.pages.channel_secret, lambda: service.clock(),
                                   _notify, service.instant))
    routes.extend(receipt_page_routes(store, lambda: service.clock()))
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.relay = service
    return app


def _note_address_locked(address: str | None, behind_trusted_proxy: bool) -> None:
    # The address itself is not logged: it may be the shop's own.
    hint = ""
    if is_loopback(address) and not behind_trusted_proxy:
        hint = (" The address was this host's own: if the relay is behind a proxy (Caddy, "
                "a tunnel), set RELAY_TRUSTED_PROXIES so that each client is counted "
                "on its own.")
    log.warning("an address sent %d wrong pairing codes and is refused for %d minutes; the "
                "pairing code stays open for others.%s", MAX_FAILED_TRIES,
                int(LOCK_SECONDS // 60), hint)


def _shop(request: Request) -> str | None:
    """The shop whose address the request came to (None: not a shop id at all)."""
    shop = request.path_params.get("shop_id", DEFAULT_SHOP)
    return shop if isinstance(shop, str) and is_shop_id(shop) else None


async def _json_object(request: Request) -> dict[str, Any] | None:
    try:
        body = await read_limited(request.stream(), MAX_API_BODY_BYTES)
        data = json.loads(body)
    except (BodyTooLarge, ClientDisconnect, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def _raw_public_key(value: object) -> bytes | None:
    if not isinstance(value, str) or len(value) > 100:
        return None
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == PUBLIC_KEY_LENGTH else None


def _good_device_name(name: object) -> TypeGuard[str]:
    """A label to show in `python -m relay devices`: no control characters (a name with
    terminal escape sequences would rewrite the owner's screen), not blank, not long."""
    if not isinstance(name, str) or not 0 < len(name.strip()) <= MAX_DEVICE_NAME_CHARS:
        return False
    return not any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in name)


def _int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not raw.isascii() or not raw.isdigit() or len(raw) > 19:
        raise ValueError(name)
    value = int(raw)
    if not low <= value <= high:
        raise ValueError(name)
    return value


def _float_param(request: Request, name: str, default: float, low: float, high: float) -> float:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    value = float(raw)  # ValueError for junk; nan fails the range check below
    if not low <= value <= high:
        raise ValueError(name)
    return value
