"""The route page: a friend who scanned a route's QR code (or tapped its link) passes here
on the way to the shop's add-friend page, and the relay seals, for the shop's devices,
that someone (or, through LIFF, which friend) arrived by that route.

* ``GET  /r/{slug}``    without LIFF: seal an anonymous arrival, 303 to the add-friend URL;
  with LIFF configured: 303 to ``https://liff.line.me/{liff id}/r/{slug}``, which LINE
  opens as ``{relay}/l/r/{slug}`` (the LIFF app's endpoint is ``{relay}/l``, as for forms)
* ``GET  /l/r/{slug}``  the LIFF page: one plain ``<form method="post">`` with a button;
  the forms' ``liff.js`` puts LINE's ID token in it (no script needed: without one the
  post is an anonymous arrival)
* ``POST /l/r/{slug}``  check the post token, verify the ID token with LINE Login (as the
  form pages do), seal the arrival (the friend's LINE user id only inside the sealed item),
  303 to the add-friend URL

Nothing about the friend is stored or logged in plain form: no arrival table, no counter,
the address only in the in-memory rate limiter. An unknown or forged slug gets a clear
page and nothing is stored. A friend is never kept from the add-friend page by a problem of
ours (no device paired, LINE Login unreachable): the arrival is then sealed anonymous or
not at all, and the friend goes on.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from relay.forms.liff import IdTokenRefused
from relay.forms.page_body import BadBody, BodyTooLarge, read_form
from relay.forms.page_guard import PostTokens, Rate, RateLimiter, TokenError, page_headers
from relay.forms.pages import PagesConfig
from relay.forms.render import ASSETS, ASSETS_PATH, LiffPage, message_page
from relay.forms.render import HERE as FORMS_HERE
from relay.routes import store as route_store
from relay.routes.http import is_slug
from relay.store import Store

log = logging.getLogger("relay.routes")

LIFF_BASE = "https://liff.line.me"
MAX_POST_BYTES = 16 * 1024
#: One arrival per post token (a token lives a day: TOKEN_TTL_S).
ONCE = Rate(1, 1 / 86400)

_env = Environment(
    loader=ChoiceLoader([FileSystemLoader(Path(__file__).parent / "templates"),
                         FileSystemLoader(FORMS_HERE / "templates")]),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def route_pages(store: Store, config: PagesConfig, clock: Callable[[], float],
                notify: Callable[[], None]) -> list[Route]:
    # Keyed apart from the form pages' tokens: a form's token never passes here.
    tokens = PostTokens(b"otokui route page\0" + config.channel_secret)
    limiter = RateLimiter(clock)
    liff_page = LiffPage(config.liff_id, config.liff_sdk_url) \
        if config.liff_id and config.verifier is not None else None
    sdk_origin = _origin(config.liff_sdk_url) if liff_page else None
    plain_headers = page_headers()
    liff_headers = page_headers(
        script_origins=(sdk_origin,) if sdk_origin else (),
        connect_origins=tuple(o for o in (sdk_origin, "https://api.line.me",
                                          "https://access.line.me") if o))

    def html(body: str, status: int = 200, *, liff: bool = False,
             then: str | None = None) -> HTMLResponse:
        headers = dict(liff_headers if liff else plain_headers)
        if then is not None:
            # Browsers check a form post's redirects against form-action too: the post
            # goes on to the add-friend page (lin.ee sends on to line.me).
            targets = " ".join(dict.fromkeys(o for o in (
                _origin(then), "https://lin.ee", "https://line.me") if o))
            headers["Content-Security-Policy"] = headers["Content-Security-Policy"].replace(
                "form-action 'self'", f"form-action 'self' {targets}")
        return HTMLResponse(body, status_code=status, headers=headers)

    def refused(status: int, heading: str, *lines: str) -> HTMLResponse:
        return html(message_page(heading, list(lines)), status)

    def unknown() -> HTMLResponse:
        return refused(404, "ページが見つかりません",
                       "このQRコードやリンクは使われていないか、正しくありません。",
                       "お店の掲示やお知らせのQRコードを、もう一度読み取ってください。")

    def go_on(route: route_store.Route) -> Response:
        headers = {k: v for k, v in plain_headers.items() if k != "Content-Security-Policy"}
        return RedirectResponse(route.add_friend_url, status_code=303, headers=headers)

    def now_ms() -> int:
        return int(clock() * 1000)

    async def find(request: Request) -> route_store.Route | None:
        slug = request.path_params["slug"]
        if not is_slug(slug):
            return None
        return await run_in_threadpool(route_store.get, store, slug)

    async def record(route: route_store.Route, arrival_id: str, user_id: str | None) -> None:
        queued = await run_in_threadpool(route_store.queue_arrival, store, route,
                                         arrival_id, now_ms(), user_id)
        if queued:
            notify()
        else:
            log.warning("a route arrival was not recorded: no device is paired")

    def allowed(request: Request) -> bool:
        return not limiter.allow("addr:" + _address(request), config.limits.per_address)

    async def scan(request: Request) -> Response:
        throttled = not allowed(request)
        route = await find(request)
        if route is None:
            return unknown()
        if liff_page is not None:
            return RedirectResponse(f"{LIFF_BASE}/{liff_page.liff_id}/r/{route.slug}",
                                    status_code=303, headers={"Cache-Control": "no-store",
                                                              "Referrer-Policy": "no-referrer"})
        if not throttled:  # a flood from one address is not counted; the friend goes on
            await record(route, secrets.token_hex(16), None)
        return go_on(route)

    async def liff_show(request: Request) -> Response:
        if not allowed(request):
            return refused(429, "少し時間をおいてください",
                           "短い時間にたくさんの読み込みがありました。",
                           "1分ほど待ってから、もう一度お試しください。")
        if liff_page is None:
            return unknown()
        route = await find(request)
        if route is None:
            return unknown()
        path = f"/l/r/{route.slug}"
        body = _env.get_template("route.html").render(
            assets=ASSETS_PATH, css=ASSETS["form.css"].name, liff_js=ASSETS["liff.js"].name,
            page_title="友だち追加", action=path, liff=liff_page,
            csrf=tokens.issue("route:" + route.slug, path, int(clock())))
        return html(body, liff=True, then=route.add_friend_url)

    async def liff_post(request: Request) -> Response:
        if not allowed(request):
            return refused(429, "少し時間をおいてください",
                           "短い時間にたくさんの送信がありました。",
                           "1分ほど待ってから、もう一度お試しください。")
        if liff_page is None or config.verifier is None:
            return unknown()
        route = await find(request)
        if route is None:
            return unknown()
        path = f"/l/r/{route.slug}"
        try:
            posted = await read_form(request.headers.get("content-type"), request.stream(),
                                     max_body=MAX_POST_BYTES, file_caps={})
        except (BadBody, BodyTooLarge, ClientDisconnect):
            return refused(400, "送信内容を読み取れませんでした",
                           "QRコードをもう一度読み取ってください。")
        try:
            arrival_id = tokens.check(_one(posted.fields.get("_csrf")), "route:" + route.slug,
                                      path, int(clock()))
        except TokenError:
            return refused(403, "ページを開き直してください",
                           "ページを開いてから時間がたったか、ページが正しくありません。",
                           "QRコードをもう一度読み取ってください。")
        user_id: str | None = None
        id_token = _one(posted.fields.get("_id_token"))
        if id_token:
            try:
                user_id = await config.verifier.user_id(id_token)
            except IdTokenRefused as exc:
                if exc.code == "invalid":  # a forged or stale token: nothing stored
                    return refused(403, "LINEの確認ができませんでした",
                                   "LINEアプリでQRコードをもう一度読み取ってください。")
                user_id = None  # LINE could not be asked: counted, not known
        # The post token's nonce is the arrival's id: a replayed post is applied once by
        # the desktops; within this process it is not even sealed again (a flood of
        # replays of one token fills no queue).
        if not limiter.allow("arrival:" + arrival_id, ONCE):
            await record(route, arrival_id, user_id)
        return go_on(route)

    return [Route("/r/{slug}", scan, methods=["GET"]),
            Route("/l/r/{slug}", liff_show, methods=["GET"]),
            Route("/l/r/{slug}", liff_post, methods=["POST"])]


def _one(values: list[str] | None) -> str | None:
    return values[0] if values and len(values) == 1 else None


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _origin(url: str) -> str | None:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None
