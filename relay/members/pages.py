"""The member-link page (ID連携) and the device call that sets it up.

* ``PUT /v1/member-link``            device token: ``{"page_id": 16 hex, "link_key": b64}``
  (the MAC key of the page's per-friend links; idempotent; one page per shop)
* ``GET/POST /ml/{page_id}/{token}`` the friend's page: member number and phone (or
  birthday), one plain ``<form method="post">``, no script
* ``GET/POST /l/ml/{page_id}``       the same page opened through LIFF (one URL for every
  friend: ``https://liff.line.me/{liff id}/ml/{page_id}``): the forms' ``liff.js`` puts
  LINE's ID token in the post and the relay verifies it with LINE Login
  (relay.forms.liff); the verified LINE user id goes into the sealed item only. This one
  needs the SDK's script: a post without an ID token is refused (the per-friend link is
  the no-script way)

The link token is :mod:`relay.forms.links`' per-friend token with the page id in place of
a form id: the relay checks its MAC and expiry and learns only an opaque friend ref. A post
is checked like a form page's (one-time post token without cookies, same-origin, rate
limits per address and per link), then **tries are counted per friend** (a hash of the
friend ref, nothing personal): at most :data:`MAX_TRIES` a day, so a member number cannot
be tried against many phones. The request is sealed to every paired device in the same
transaction as the row that counts it; whether it matches is for the desktop to say
(it alone has the members), so the page says "受け付けました" and the LINE message
"連携しました" follows from the desktop.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import logging
import re
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy import ColumnElement, and_, func, insert, select
from sqlalchemy import update as sa_update
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from relay.forms import links
from relay.forms.liff import IdTokenRefused
from relay.forms.page_body import BadBody, BodyTooLarge, PostedForm, read_form
from relay.forms.page_guard import PageLimits, PostTokens, RateLimiter, TokenError, page_headers
from relay.forms.pages import PagesConfig
from relay.forms.render import ASSETS, ASSETS_PATH, LiffPage
from relay.forms.render import HERE as FORMS_HERE
from relay.members.schema import member_link_pages, member_link_requests
from relay.responses import error, unauthorized
from relay.schema import devices
from relay.store import Store

log = logging.getLogger("relay.members")

MAGIC = b"otokui-member-link/1\n"
#: Requests one friend may send in a day (the desktop also stops linking a member number
#: after too many wrong proofs).
MAX_TRIES = 5
TRIES_WINDOW_MS = 24 * 3600 * 1000
MAX_MEMBER_CHARS = 64
_PAGE_ID = re.compile(r"^[0-9a-f]{16}$")
_JST = dt.timezone(dt.timedelta(hours=9))

_env = Environment(loader=ChoiceLoader([FileSystemLoader(Path(__file__).parent / "templates"),
                                        FileSystemLoader(FORMS_HERE / "templates")]),
                   autoescape=select_autoescape(default=True, default_for_string=True),
                   undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
_common = {"assets": ASSETS_PATH, "css": ASSETS["form.css"].name}

Authenticate = Callable[[Request], Awaitable[str | None]]


class NoDevice(Exception):
    """No paired device to seal for: nothing stored."""


class TooManyTries(Exception):
    """This friend has sent MAX_TRIES requests within the window."""


class Replayed(Exception):
    """This post token was used already."""


@dataclass(frozen=True)
class Page:
    page_id: str
    shop_id: str
    mac_key: bytes


@dataclass(frozen=True)
class Answer:
    member_number: str
    phone: str
    birthday: str | None


class MemberLinkStore:
    def __init__(self, store: Store) -> None:
        self._store = store

    def set_page(self, device_id: str, page_id: str, mac_key: bytes, now_ms: int) -> bool:
        """The device's shop's page (a new page id replaces the shop's old one)."""
        with self._store.write_transaction() as conn:
            shop = conn.execute(select(devices.c.shop_id).where(
                devices.c.id == device_id, devices.c.revoked_at.is_(None))).scalar()
            if shop is None:
                return False
            conn.execute(member_link_pages.delete().where(
                (member_link_pages.c.shop_id == shop) | (member_link_pages.c.page_id == page_id)))
            conn.execute(insert(member_link_pages).values(
                page_id=page_id, shop_id=shop, device_id=device_id, link_mac_key=mac_key,
                updated_at=now_ms))
        return True

    def page(self, page_id: str) -> Page | None:
        with self._store.read_transaction() as conn:
            row = conn.execute(select(member_link_pages).where(
                member_link_pages.c.page_id == page_id)).first()
        return None if row is None else Page(row.page_id, row.shop_id, bytes(row.link_mac_key))

    def tries(self, page_id: str, friend_hash: bytes, now_ms: int) -> int:
        with self._store.read_transaction() as conn:
            return int(conn.execute(select(func.count()).select_from(member_link_requests)
                                    .where(_recent(page_id, friend_hash, now_ms))).scalar_one())

    def accept(self, page: Page, request_id: str, friend_hash: bytes, plaintext: bytes,
               now_ms: int) -> int:
        """Count the try and seal the request, in one durable transaction; its seq."""
        with self._store.write_transaction() as conn:
            # Serialise the page's posts (the count below must not race).
            conn.execute(sa_update(member_link_pages)
                         .where(member_link_pages.c.page_id == page.page_id)
                         .values(updated_at=member_link_pages.c.updated_at))
            used = conn.execute(select(func.count()).select_from(member_link_requests)
                                .where(_recent(page.page_id, friend_hash, now_ms))).scalar_one()
            if used >= MAX_TRIES:
                raise TooManyTries
            try:
                with conn.begin_nested():
                    conn.execute(insert(member_link_requests).values(
                        request_id=request_id, page_id=page.page_id, friend_hash=friend_hash,
                        received_at=now_ms))
            except IntegrityError:
                raise Replayed from None
            seqs = self._store.queue_items_in(conn, [plaintext], now_ms, page.shop_id)
            if seqs is None:
                raise NoDevice
        return seqs[0]


def _recent(page_id: str, friend_hash: bytes, now_ms: int) -> ColumnElement[bool]:
    c = member_link_requests.c
    return and_(c.page_id == page_id, c.friend_hash == friend_hash,
                c.received_at > now_ms - TRIES_WINDOW_MS)


def friend_hash(page_id: str, friend_ref: str) -> bytes:
    return hashlib.sha256(b"otokui member link friend:" + page_id.encode() + b":"
                          + friend_ref.encode()).digest()


def check_answer(fields: dict[str, list[str]], today: dt.date
                 ) -> tuple[Answer | None, dict[str, str]]:
    """The answer, or the problems (in Japanese) by input name."""
    def one(name: str) -> str:
        got = fields.get(name) or [""]
        return unicodedata.normalize("NFKC", got[0]).strip() if len(got) == 1 else "\0"

    problems: dict[str, str] = {}
    number = one("member_number")
    if not number:
        problems["member_number"] = "会員番号を入力してください。"
    elif len(number) > MAX_MEMBER_CHARS or any(unicodedata.category(ch)[0] == "C"
                                               for ch in number):
        problems["member_number"] = "会員番号が正しくありません。"
    phone_text = one("phone")
    phone = re.sub(r"[\s\-‐ー()（）]", "", phone_text)
    if phone_text and not (phone.isascii() and phone.isdigit() and 10 <= len(phone) <= 11):
        problems["phone"] = "電話番号は10桁か11桁の数字で入力してください。"
    birthday_text = one("birthday").replace("/", "-")
    birthday: dt.date | None = None
    if birthday_text:
        try:
            birthday = dt.date.fromisoformat(birthday_text)
        except ValueError:
            problems["birthday"] = "生年月日は 1990-04-01 の形で入力してください。"
        else:
            if not dt.date(1900, 1, 1) <= birthday <= today:
                problems["birthday"] = "生年月日が正しくありません。"
    if not phone_text and not birthday_text:
        problems["phone"] = "電話番号か生年月日のどちらかを入力してください。"
    if problems:
        return None, problems
    return Answer(number, phone if phone_text else "",
                  birthday.isoformat() if birthday else None), {}


def item_plaintext(page_id: str, token: str, request_id: str, answer: Answer,
                   now_ms: int, *, liff_user_id: str | None = None) -> bytes:
    """The sealed item (app/members/linking.py parses it again and trusts nothing). A
    LIFF request has no token: ``identity`` names the friend LINE Login vouched for."""
    body: dict[str, object] = {
        "request_id": request_id, "page_id": page_id, "token": token,
        "member_number": answer.member_number, "phone": answer.phone,
        "birthday": answer.birthday, "submitted_at": now_ms,
    }
    if liff_user_id is not None:
        body["identity"] = {"kind": "liff", "user_id": liff_user_id}
    return MAGIC + json.dumps(body, ensure_ascii=False).encode("utf-8")


def member_link_routes(store: Store, now_ms: Callable[[], int],
                       authenticate: Authenticate, liff_id: str | None = None) -> list[Route]:
    """The device call (mounted with the shop's routes). Its answer names the relay's
    LIFF app (``liff_id``, null without LIFF) so the desktop can print the LIFF URL."""
    links_store = MemberLinkStore(store)

    async def put(request: Request) -> Response:
        device_id = await authenticate(request)
        if device_id is None:
            return unauthorized()
        try:
            data = json.loads(await request.body())
        except (ClientDisconnect, ValueError, RecursionError):
            return error(400, "bad_json")
        if not isinstance(data, dict) or set(data) != {"page_id", "link_key"}:
            return error(400, "bad_json")
        page_id, key_text = data["page_id"], data["link_key"]
        if not isinstance(page_id, str) or not _PAGE_ID.match(page_id):
            return error(400, "bad_page_id")
        try:
            key = base64.b64decode(key_text, validate=True) \
                if isinstance(key_text, str) and len(key_text) < 100 else b""
        except (binascii.Error, ValueError):
            key = b""
        if len(key) != links.MAC_KEY_BYTES:
            return error(400, "bad_link_key")
        if not await run_in_threadpool(links_store.set_page, device_id, page_id, key, now_ms()):
            return unauthorized()
        return JSONResponse({"page_id": page_id, "liff_id": liff_id})

    return [Route("/v1/member-link", put, methods=["PUT"])]


def member_page_routes(store: Store, channel_secret: bytes, clock: Callable[[], float],
                       notify: Callable[[], None],
                       limits: PageLimits | None = None,
                       liff: PagesConfig | None = None) -> list[Route]:
    """The friend's page (at the relay's root, like the form pages); its LIFF form when
    ``liff`` has a LIFF id and a verifier (before the form pages' ``/l/{id}/{token}``)."""
    links_store = MemberLinkStore(store)
    tokens = PostTokens(channel_secret + b"|member-link")
    limiter = RateLimiter(clock)
    lim = limits or PageLimits()
    headers = page_headers()
    verifier = liff.verifier if liff is not None and liff.liff_id else None
    liff_page = LiffPage(liff.liff_id, liff.liff_sdk_url) \
        if liff is not None and liff.liff_id and verifier is not None else None
    sdk_origin = _origin(liff.liff_sdk_url) if liff is not None and liff_page else None
    liff_headers = page_headers(
        script_origins=(sdk_origin,) if sdk_origin else (),
        connect_origins=tuple(o for o in (sdk_origin, "https://api.line.me",
                                          "https://access.line.me") if o))

    def html(body: str, status: int = 200, extra: dict[str, str] | None = None, *,
             with_liff: bool = False) -> Response:
        base = liff_headers if with_liff else headers
        return HTMLResponse(body, status_code=status, headers={**base, **(extra or {})})

    def message(status: int, heading: str, *lines: str, kind: str = "refused",
                extra: dict[str, str] | None = None) -> Response:
        body = _env.get_template("message.html").render(
            **_common, page_title=heading, heading=heading, lines=list(lines), kind=kind,
            form_title="会員連携")
        return html(body, status, extra)

    def page(action: str, csrf: str, values: dict[str, str], problems: dict[str, str],
             status: int = 200, *, with_liff: bool = False) -> Response:
        body = _env.get_template("member_link.html").render(
            **_common, page_title="会員連携", action=action, csrf=csrf, values=values,
            problems=problems, max_tries=MAX_TRIES,
            liff=liff_page if with_liff else None, liff_js=ASSETS["liff.js"].name)
        return html(body, status, with_liff=with_liff)

    def throttled(wait: float) -> Response:
        return message(429, "少し時間をおいてください",
                       "短い時間にたくさんの送信や読み込みがありました。",
                       "1分ほど待ってから、もう一度お試しください。",
                       extra={"Retry-After": str(max(1, int(wait + 0.999)))})

    async def resolve(request: Request) -> tuple[Page, str, links.LinkClaims] | Response:
        wait = limiter.allow("addr:" + _address(request), lim.per_address)
        if wait:
            return throttled(wait)
        page_id, token = request.path_params["page_id"], request.path_params["token"]
        found = await run_in_threadpool(links_store.page, page_id) \
            if _PAGE_ID.match(page_id) else None
        if found is None:
            return message(404, "ページが見つかりません",
                           "リンクが正しくないか、お店が会員連携を受け付けていません。",
                           "お店から届いたリンクを、もう一度開いてください。")
        try:
            claims = links.verify_token(token, page_id, found.mac_key, int(clock()))
        except links.LinkError as exc:
            if exc.code == "expired":
                return message(410, "リンクの有効期限が切れています",
                               "このリンクは使えなくなりました。",
                               "お手数ですが、お店に新しいリンクをお求めください。")
            return message(404, "リンクが正しくありません",
                           "リンクの一部が欠けているか、変わっています。",
                           "お店から届いたリンクを、もう一度開いてください。")
        return found, token, claims

    async def read_post(request: Request, page_id: str, link: str, *, limit: bool
                        ) -> tuple[PostedForm, str, int] | Response:
        """What both pages' posts check first: sent from this page, (``limit``: within the
        link's rate), a readable small body, a valid post token. The body, the token's
        nonce and the time; or the page saying what went wrong."""
        if request.headers.get("sec-fetch-site") == "cross-site":
            return message(403, "送信できませんでした", "このページから送信してください。")
        if limit:
            wait = limiter.allow("link:" + link, lim.per_link)
            if wait:
                return throttled(wait)
        try:
            posted = await read_form(request.headers.get("content-type"), request.stream(),
                                     max_body=64 * 1024, file_caps={})
        except BodyTooLarge:
            return message(413, "送信できませんでした", "送られた内容が大きすぎます。")
        except (BadBody, ClientDisconnect):
            return message(400, "送信できませんでした",
                           "ページを開き直して、もう一度お試しください。")
        now_s = int(clock())
        try:
            nonce = tokens.check(_first(posted.fields.get("_csrf")), page_id, link, now_s)
        except TokenError:
            return message(400, "ページの有効期限が切れました",
                           "お手数ですが、ページを開き直してもう一度入力してください。")
        return posted, nonce, now_s

    async def show(request: Request) -> Response:
        got = await resolve(request)
        if isinstance(got, Response):
            return got
        found, token, claims = got
        link = f"ml/{found.page_id}/{token}"
        used = await run_in_threadpool(links_store.tries, found.page_id,
                                       friend_hash(found.page_id, claims.friend_ref),
                                       int(clock() * 1000))
        if used >= MAX_TRIES:
            return _too_many(message)
        return page(request.url.path, tokens.issue(found.page_id, link, int(clock())), {}, {})

    async def submit(request: Request) -> Response:
        got = await resolve(request)
        if isinstance(got, Response):
            return got
        found, token, claims = got
        link = f"ml/{found.page_id}/{token}"
        read = await read_post(request, found.page_id, link, limit=True)
        if isinstance(read, Response):
            return read
        posted, nonce, now_s = read
        today = dt.datetime.fromtimestamp(now_s, _JST).date()
        answer, problems = check_answer(posted.fields, today)
        if answer is None:
            values = {k: _first(posted.fields.get(k)) or ""
                      for k in ("member_number", "phone", "birthday")}
            return page(request.url.path, tokens.issue(found.page_id, link, now_s),
                        values, problems, 400)
        plaintext = item_plaintext(found.page_id, token, nonce, answer, now_s * 1000)
        try:
            await run_in_threadpool(links_store.accept, found, nonce,
                                    friend_hash(found.page_id, claims.friend_ref), plaintext,
                                    int(clock() * 1000))
        except TooManyTries:
            return _too_many(message)
        except Replayed:
            return message(409, "すでに送信されています",
                           "この内容は受け付け済みです。結果はLINEでお知らせします。")
        except NoDevice:
            return message(503, "ただいま受け付けできません",
                           "お店の準備が整っていません。時間をおいてお試しください。")
        notify()
        log.info("member-link request accepted on page %s", found.page_id)
        return message(200, "受け付けました",
                       "お店で会員情報を確認します。連携できましたら、LINEでお知らせします。",
                       kind="done")

    async def liff_resolve(request: Request) -> Page | Response:
        wait = limiter.allow("addr:" + _address(request), lim.per_address)
        if wait:
            return throttled(wait)
        page_id = request.path_params["page_id"]
        found = await run_in_threadpool(links_store.page, page_id) \
            if liff_page is not None and _PAGE_ID.match(page_id) else None
        if found is None:
            return message(404, "ページが見つかりません",
                           "リンクが正しくないか、お店が会員連携を受け付けていません。",
                           "お店から届いたリンクを、もう一度開いてください。")
        return found

    async def liff_show(request: Request) -> Response:
        got = await liff_resolve(request)
        if isinstance(got, Response):
            return got
        link = f"l/ml/{got.page_id}"
        return page(request.url.path, tokens.issue(got.page_id, link, int(clock())), {}, {},
                    with_liff=True)

    async def liff_submit(request: Request) -> Response:
        got = await liff_resolve(request)
        if isinstance(got, Response):
            return got
        found = got
        assert verifier is not None
        link = f"l/ml/{found.page_id}"
        read = await read_post(request, found.page_id, link, limit=False)
        if isinstance(read, Response):
            return read
        posted, nonce, now_s = read
        id_token = _first(posted.fields.get("_id_token"))
        if not id_token:  # no script, or not opened in LINE: nobody to link
            return message(403, "LINEアプリから開いてください",
                           "このページは、LINEアプリの中で開いたときだけ送信できます。",
                           "お店から届いたリンクを、LINEアプリで開いてください。")
        try:
            user_id = await verifier.user_id(id_token)
        except IdTokenRefused as exc:
            if exc.code == "unavailable":
                return message(503, "ただいま受け付けできません",
                               "LINEに確認できなかったため、まだ送信されていません。",
                               "少し待ってから、ページを開き直してもう一度お試しください。")
            return message(403, "LINEの確認ができませんでした",
                           "LINEアプリからページを開き直して、もう一度お試しください。")
        friend = friend_hash(found.page_id, "liff:" + user_id)
        wait = limiter.allow("liff:" + friend.hex(), lim.per_link)
        if wait:
            return throttled(wait)
        today = dt.datetime.fromtimestamp(now_s, _JST).date()
        answer, problems = check_answer(posted.fields, today)
        if answer is None:
            values = {k: _first(posted.fields.get(k)) or ""
                      for k in ("member_number", "phone", "birthday")}
            return page(request.url.path, tokens.issue(found.page_id, link, now_s),
                        values, problems, 400, with_liff=True)
        plaintext = item_plaintext(found.page_id, "", nonce, answer, now_s * 1000,
                                   liff_user_id=user_id)
        try:
            await run_in_threadpool(links_store.accept, found, nonce, friend, plaintext,
                                    int(clock() * 1000))
        except TooManyTries:
            return _too_many(message)
        except Replayed:
            return message(409, "すでに送信されています",
                           "この内容は受け付け済みです。結果はLINEでお知らせします。")
        except NoDevice:
            return message(503, "ただいま受け付けできません",
                           "お店の準備が整っていません。時間をおいてお試しください。")
        notify()
        log.info("member-link request (LIFF) accepted on page %s", found.page_id)
        return message(200, "受け付けました",
                       "お店で会員情報を確認します。連携できましたら、LINEでお知らせします。",
                       kind="done")

    return [Route("/ml/{page_id}/{token}", show, methods=["GET"]),
            Route("/ml/{page_id}/{token}", submit, methods=["POST"]),
            Route("/l/ml/{page_id}", liff_show, methods=["GET"]),
            Route("/l/ml/{page_id}", liff_submit, methods=["POST"])]


def _too_many(message: Callable[..., Response]) -> Response:
    return message(429, "送信の回数が上限に達しました",
                   f"会員連携は1日{MAX_TRIES}回までお試しいただけます。",
                   "明日以降にもう一度お試しいただくか、お店に直接お問い合わせください。")


def _first(values: list[str] | None) -> str | None:
    return values[0] if values and len(values) == 1 else None


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _origin(url: str) -> str | None:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None

