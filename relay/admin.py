"""The admin page: pairing codes without a shell (only with RELAY_ADMIN_SECRET set).

A shop owner who deployed the relay with one click on a hosting platform has no shell on
it, so ``python -m relay pair`` is out of reach. Instead:

* At start, while no desktop is paired anywhere on the relay, it writes a **one-time
  link** to its log (the platform's console shows it): ``https://…/admin/once/<token>``,
  valid 24 hours, single use; each start replaces the previous one. ``python -m relay
  admin-link`` makes a new one on a host with a shell. The token is stored only as its
  SHA-256. Nothing else ever puts a secret in the log.
* ``/admin`` also takes RELAY_ADMIN_SECRET itself as a password.
* Either gives a session (a cookie signed with a key derived from RELAY_ADMIN_SECRET,
  30 minutes, HttpOnly, SameSite=Strict, Secure over https, path /admin) to a page, in
  Japanese, that lists the shops and their paired computers, issues a shop's pairing code,
  disconnects a computer and adds a shop.

Server-rendered HTML, no JavaScript. Every answer: a Content-Security-Policy allowing
nothing but its own style block and same-origin forms, ``Referrer-Policy: no-referrer``
(the one-time link must not leak through a Referer), ``Cache-Control: no-store``, no
framing. Every POST carries a CSRF token (bound to the session, or before login to a
cookie of its own) and is rate limited per client address; wrong passwords and links
are limited harder, per address and across the relay.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import logging
import secrets
import struct
import threading
import time
import unicodedata
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from relay.credentials import CODE_TTL_MS, is_device_id
from relay.schema import DEFAULT_SHOP
from relay.shops import MAX_SHOP_NAME_CHARS, UnknownShop, is_shop_id
from relay.webhook import BodyTooLarge, read_limited

if TYPE_CHECKING:
    from relay.app import RelayService
    from relay.store import Store

log = logging.getLogger("relay.admin")

LINK_TTL_MS = 24 * 60 * 60 * 1000
SESSION_SECONDS = 30 * 60
SESSION_COOKIE = "otokui_admin"
LOGIN_COOKIE = "otokui_login"
MAX_FORM_BYTES = 4096

_STYLE = (
    "body{font-family:'Hiragino Sans','Noto Sans JP','Yu Gothic',sans-serif;margin:0;"
    "background:#F4F6F8;color:#1F2933}main{max-width:44rem;margin:2rem auto;padding:0 1rem}"
    "h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:0}section{background:#fff;"
    "border:1px solid #D9DEE4;border-radius:8px;padding:1rem 1.25rem;margin:1rem 0}"
    "label{display:block;margin:.5rem 0 .25rem}input[type=text],input[type=password]"
    "{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}"
    "button{font-size:1rem;padding:.45rem 1rem;margin-top:.6rem;cursor:pointer}"
    ".code{font-family:monospace;font-size:2rem;letter-spacing:.1em;background:#EEF5EE;"
    "padding:.5rem 1rem;display:inline-block;border-radius:6px}.url{font-family:monospace;"
    "word-break:break-all}.note{color:#5B6573;font-size:.9rem}.error{color:#C5221F}"
    "table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.3rem;"
    "border-bottom:1px solid #E5E8EC;font-size:.95rem}form.inline{display:inline}")
_STYLE_HASH = base64.b64encode(hashlib.sha256(_STYLE.encode()).digest()).decode()
HEADERS = {
    "Content-Security-Policy": (f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; "
                                "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}


class RateLimit:
    """At most ``limit`` hits per ``window`` seconds for each key (a client address)."""

    def __init__(self, limit: int, window: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self._clock = limit, window, clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Count a hit; False (and not counted) when the key is over its limit."""
        now = self._clock()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and now - hits[0] >= self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            if len(self._hits) > 10_000:  # forget idle addresses rather than grow forever
                for stale in [k for k, v in self._hits.items() if not v]:
                    del self._hits[stale]
            return True

    def blocked(self, key: str) -> bool:
        now = self._clock()
        with self._lock:
            hits = self._hits.get(key)
            if not hits:
                return False
            while hits and now - hits[0] >= self.window:
                hits.popleft()
            return len(hits) >= self.limit


class Sessions:
    """Signed, expiring session cookies, and the CSRF token bound to each."""

    def __init__(self, admin_secret: bytes, clock: Callable[[], float]) -> None:
        self._key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                         info=b"otokui relay admin sessions v1").derive(admin_secret)
        self._clock = clock

    def _mac(self, data: bytes) -> bytes:
        return hmac.new(self._key, data, hashlib.sha256).digest()

    def new(self) -> str:
        body = secrets.token_bytes(16) + struct.pack(">Q", int(self._clock()) + SESSION_SECONDS)
        return base64.urlsafe_b64encode(body + self._mac(body)).decode("ascii")

    def session_id(self, cookie: str | None) -> bytes | None:
        """The session's id when the cookie is ours and not expired."""
        if not cookie or len(cookie) > 100:
            return None
        try:
            raw = base64.urlsafe_b64decode(cookie.encode("ascii"))
        except (ValueError, UnicodeEncodeError):
            return None
        if len(raw) != 56 or not hmac.compare_digest(raw[24:], self._mac(raw[:24])):
            return None
        (expires,) = struct.unpack(">Q", raw[16:24])
        return raw[:16] if self._clock() < expires else None

    def csrf(self, session_id: bytes) -> str:
        return base64.urlsafe_b64encode(self._mac(b"csrf:" + session_id)[:24]).decode()


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    document = (
        "<!DOCTYPE html><html lang=\"ja\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<meta name=\"robots\" content=\"noindex\">"
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><main><h1>{html.escape(title)}</h1>{body}</main></body></html>")
    return HTMLResponse(document, status_code=status, headers=HEADERS)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _when(ms: int | None) -> str:
    if not ms:
        return "-"
    return time.strftime("%Y-%m-%d %H:%M", time.gmtime(ms / 1000)) + " (UTC)"


def admin_url(base: str | None, token: str) -> str:
    path = f"/admin/once/{token}"
    return f"{base}{path}" if base else path


def issue_link(store: Store, base: str | None, now_ms: int) -> str:
    """A new one-time admin link (the previous unused one stops working)."""
    return admin_url(base, store.create_admin_link(now_ms, LINK_TTL_MS))


def announce_first_link(service: RelayService) -> None:
    """At start: while no desktop is paired, put a fresh one-time link in the log."""
    if service.store.active_device_count() > 0:
        log.info("admin page: /admin (password: RELAY_ADMIN_SECRET; or run "
                 "`python -m relay admin-link` for a one-time link)")
        return
    link = issue_link(service.store, service.settings.public_url, service.now_ms())
    hint = "" if service.settings.public_url else (
        " (put this relay's https address in front; set RELAY_PUBLIC_URL to have it here)")
    # The one place a secret goes to the log, on purpose: it is how an owner without a
    # shell gets in. Single use, 24 hours, replaced at every start until a desktop pairs.
    log.warning("管理ページ (一度だけ使えるリンク・24時間有効) / admin page, one-time link "
                "valid 24 hours: %s%s", link, hint)


def admin_routes(service: RelayService) -> list[Route]:
    settings = service.settings
    store = service.store
    assert settings.admin_secret is not None
    admin_secret = settings.admin_secret
    sessions = Sessions(admin_secret, service.clock)
    posts = RateLimit(60, 60.0)              # any admin POST, per address
    wrong_per_address = RateLimit(5, 900.0)  # wrong passwords or links, per address
    wrong_overall = RateLimit(30, 900.0)     # ... and across the relay
    secure = (settings.public_url or "").startswith("https://")

    def client(request: Request) -> str:
        return request.client.host if request.client else "-"

    def base_url(request: Request) -> str:
        if settings.public_url:
            return settings.public_url
        return f"{request.url.scheme}://{request.url.netloc}"

    def shop_address(request: Request, shop_id: str) -> str:
        base = base_url(request)
        return base if shop_id == DEFAULT_SHOP else f"{base}/shops/{shop_id}"

    def too_many() -> HTMLResponse:
        response = _page("しばらくお待ちください", "<p>短い時間に何度も試されたため、"
                         "しばらく受け付けません。15分ほど待ってからもう一度お試しください。</p>",
                         429)
        response.headers["Retry-After"] = "900"
        return response

    def set_session(response: Response) -> None:
        response.set_cookie(SESSION_COOKIE, sessions.new(), max_age=SESSION_SECONDS,
                            path="/admin", httponly=True, samesite="strict", secure=secure)

    def current(request: Request) -> bytes | None:
        return sessions.session_id(request.cookies.get(SESSION_COOKIE))

    async def form(request: Request) -> dict[str, str] | None:
        try:
            body = await read_limited(request.stream(), MAX_FORM_BYTES)
            fields = parse_qs(body.decode("utf-8"), strict_parsing=False)
        except (BodyTooLarge, ClientDisconnect, UnicodeDecodeError, ValueError):
            return None
        return {k: v[0] for k, v in fields.items() if v}

    def login_page(request: Request, message: str = "", status: int = 200) -> Response:
        token = secrets.token_urlsafe(24)
        error = f"<p class=\"error\">{_e(message)}</p>" if message else ""
        body = (
            "<section><p>Otokui の中継サーバーの管理ページです。デプロイのときに決めた"
            "管理用パスワード（<code>RELAY_ADMIN_SECRET</code>）を入れてください。"
            "ホスティングサービスの設定画面（環境変数）で確かめられます。</p>"
            f"{error}<form method=\"post\" action=\"/admin/login\">"
            f"<input type=\"hidden\" name=\"csrf\" value=\"{_e(token)}\">"
            "<label for=\"secret\">管理用パスワード</label>"
            "<input type=\"password\" id=\"secret\" name=\"secret\" autocomplete=\"off\" "
            "required><button type=\"submit\">ログイン</button></form></section>")
        response = _page("中継サーバーの管理", body, status)
        response.set_cookie(LOGIN_COOKIE, token, max_age=900, path="/admin", httponly=True,
                            samesite="strict", secure=secure)
        return response

    async def dashboard(request: Request, notice: str = "") -> Response:
        sid = current(request)
        if sid is None:
            return login_page(request)
        csrf = sessions.csrf(sid)
        shops = await run_in_threadpool(store.list_shops)
        devices = await run_in_threadpool(store.list_devices)
        parts = [f"<p>{_e(notice)}</p>" if notice else ""]
        for shop in shops:
            label = shop.name or "このお店"
            uses_env = service.shops.uses_env(shop.shop_id)
            secret = ("環境変数 LINE_CHANNEL_SECRET" if uses_env else "登録済み"
                      if shop.has_secret else "まだありません（接続のときにパソコンから届きます）")
            rows = "".join(
                f"<tr><td>{_e(d.name)}</td><td>{_when(d.paired_at)}</td>"
                f"<td>{_when(d.last_seen_at)}</td><td>{d.pending}</td><td>"
                f"<form class=\"inline\" method=\"post\" action=\"/admin/devices/{_e(d.device_id)}"
                f"/revoke\"><input type=\"hidden\" name=\"csrf\" value=\"{_e(csrf)}\">"
                "<button type=\"submit\">接続を解除</button></form></td></tr>"
                for d in devices if d.shop_id == shop.shop_id and d.revoked_at is None)
            table = ("<table><tr><th>パソコン</th><th>接続した日時</th><th>最後の確認</th>"
                     f"<th>未受信</th><th></th></tr>{rows}</table>") if rows else \
                "<p class=\"note\">接続しているパソコンはまだありません。</p>"
            parts.append(
                f"<section><h2>{_e(label)}</h2>"
                f"<p>接続先アドレス：<span class=\"url\">{_e(shop_address(request, shop.shop_id))}"
                f"</span><br>チャネルシークレット：{_e(secret)}</p>{table}"
                f"<form method=\"post\" action=\"/admin/shops/{_e(shop.shop_id)}/code\">"
                f"<input type=\"hidden\" name=\"csrf\" value=\"{_e(csrf)}\">"
                "<button type=\"submit\">連携コードを発行する</button></form></section>")
        parts.append(
            "<section><h2>お店を追加する</h2><p class=\"note\">ひとつの中継サーバーで"
            "いくつものお店を受け持つとき（お手伝いの方や代理店が運用するとき）だけ使います。"
            "お店ごとに別のアドレスとパソコンを持ち、ほかのお店のメッセージは届きません。</p>"
            f"<form method=\"post\" action=\"/admin/shops\"><input type=\"hidden\" name=\"csrf\" "
            f"value=\"{_e(csrf)}\"><label for=\"name\">お店の名前（この画面での見分け用）</label>"
            f"<input type=\"text\" id=\"name\" name=\"name\" maxlength=\"{MAX_SHOP_NAME_CHARS}\" "
            "required><button type=\"submit\">追加する</button></form></section>"
            f"<form method=\"post\" action=\"/admin/logout\"><input type=\"hidden\" "
            f"name=\"csrf\" value=\"{_e(csrf)}\">"
            "<button type=\"submit\">ログアウト</button></form>")
        return _page("中継サーバーの管理", "".join(parts))

    async def index(request: Request) -> Response:
        return await dashboard(request)

    async def once(request: Request) -> Response:
        address = client(request)
        if wrong_per_address.blocked(address) or wrong_overall.blocked("*"):
            return too_many()
        if request.method == "HEAD":
            # Link previews and prefetchers ask HEAD first: that must not spend the link.
            return _page("中継サーバーの管理", "")
        token = request.path_params["token"]
        if not await run_in_threadpool(store.use_admin_link, token, service.now_ms()):
            wrong_per_address.allow(address)
            wrong_overall.allow("*")
            return _page("リンクが使えません", "<section><p>このリンクは使用済みか、期限が"
                         "切れています。<a href=\"/admin\">管理ページ</a>で管理用パスワードを"
                         "入れてください。</p></section>", 403)
        log.info("admin page opened with the one-time link")
        response = RedirectResponse("/admin", status_code=303, headers=HEADERS)
        set_session(response)
        return response

    async def login(request: Request) -> Response:
        address = client(request)
        if not posts.allow(address) or wrong_per_address.blocked(address) \
                or wrong_overall.blocked("*"):
            return too_many()
        data = await form(request)
        cookie = request.cookies.get(LOGIN_COOKIE, "")
        if data is None or not cookie or not hmac.compare_digest(
                data.get("csrf", "").encode(), cookie.encode()):
            return login_page(request, "ページの有効期限が切れました。もう一度入力してください。",
                              400)
        if not hmac.compare_digest(data.get("secret", "").strip().encode(), admin_secret):
            wrong_per_address.allow(address)
            wrong_overall.allow("*")
            log.warning("wrong admin password from a client")
            return login_page(request, "パスワードが違います。", 403)
        log.info("admin page opened with the admin password")
        response = RedirectResponse("/admin", status_code=303, headers=HEADERS)
        set_session(response)
        response.delete_cookie(LOGIN_COOKIE, path="/admin")
        return response

    async def checked_post(request: Request) -> tuple[bytes, dict[str, str]] | Response:
        """The session and form of a POST from the page, or the answer refusing it."""
        if not posts.allow(client(request)):
            return too_many()
        sid = current(request)
        if sid is None:
            return login_page(
                request, "ログインの有効期限が切れました。もう一度ログインしてください。", 403)
        data = await form(request)
        if data is None or not hmac.compare_digest(data.get("csrf", "").encode(),
                                                    sessions.csrf(sid).encode()):
            return _page("受け付けられません", "<section><p>このページからの操作ではないため"
                         "受け付けませんでした。<a href=\"/admin\">管理ページ</a>を開き直して"
                         "ください。</p></section>", 403)
        return sid, data

    async def issue_code(request: Request) -> Response:
        checked = await checked_post(request)
        if isinstance(checked, Response):
            return checked
        shop_id = request.path_params["shop_id"]
        if not is_shop_id(shop_id):
            return _page("お店が見つかりません", "", 404)
        try:
            code = await run_in_threadpool(store.create_pairing_code, service.now_ms(),
                                           shop_id)
        except UnknownShop:
            return _page("お店が見つかりません", "", 404)
        minutes = CODE_TTL_MS // 60_000
        body = (
            "<section><p>お店のパソコンで Otokui を開き、<b>設定 → LINE → 接続ウィザード</b>"
            "に次の2つを入れてください。</p>"
            f"<p>中継サーバーのアドレス<br><span class=\"url\">"
            f"{_e(shop_address(request, shop_id))}</span></p>"
            f"<p>連携コード<br><span class=\"code\">{_e(code)}</span></p>"
            f"<p class=\"note\">このコードは{minutes}分間、1回だけ使えます。"
            "新しいコードを発行すると前のコードは使えなくなります。5回まちがえると無効になります。</p></section>"
            "<p><a href=\"/admin\">管理ページに戻る</a></p>")
        log.info("pairing code issued from the admin page")
        return _page("連携コード", body)

    async def add_shop(request: Request) -> Response:
        checked = await checked_post(request)
        if isinstance(checked, Response):
            return checked
        name = " ".join(checked[1].get("name", "").split())[:MAX_SHOP_NAME_CHARS]
        if not name or any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in name):
            # (control characters would rewrite a terminal showing `python -m relay shops`)
            return await dashboard(request, "お店の名前を、記号や制御文字なしで入れてください。")
        await run_in_threadpool(store.add_shop, name, service.now_ms())
        return RedirectResponse("/admin", status_code=303, headers=HEADERS)

    async def revoke(request: Request) -> Response:
        checked = await checked_post(request)
        if isinstance(checked, Response):
            return checked
        device_id = request.path_params["device_id"]
        if is_device_id(device_id):
            await run_in_threadpool(store.revoke_device, device_id, service.now_ms())
        return RedirectResponse("/admin", status_code=303, headers=HEADERS)

    async def logout(request: Request) -> Response:
        checked = await checked_post(request)
        if isinstance(checked, Response):
            return checked
        response = RedirectResponse("/admin", status_code=303, headers=HEADERS)
        response.delete_cookie(SESSION_COOKIE, path="/admin")
        return response

    return [
        Route("/admin", index, methods=["GET"]),
        Route("/admin/once/{token}", once, methods=["GET"]),
        Route("/admin/login", login, methods=["POST"]),
        Route("/admin/logout", logout, methods=["POST"]),
        Route("/admin/shops", add_shop, methods=["POST"]),
        Route("/admin/shops/{shop_id}/code", issue_code, methods=["POST"]),
        Route("/admin/devices/{device_id}/revoke", revoke, methods=["POST"]),
    ]
