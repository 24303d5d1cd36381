"""The shop's public form pages, served by the relay.

* ``GET/POST /f/{form_id}/{token}``  a per-friend link (relay.forms.links)
* ``GET/POST /f/{form_id}``          the public link: anyone may answer
* ``GET/POST /l/{form_id}[/{token}]`` the same, opened through LIFF: the page loads the
  LIFF SDK and posts LINE's ID token, which the relay verifies (relay.forms.liff)
* ``GET /f-assets/{name}``           the pages' CSS and script
* ``GET /privacy``                   the privacy page a consent item links by default
* ``GET /privacy/{shop_id}``         a shop's privacy page on a multi-shop relay

On a relay serving several shops the same pages answer under each shop's address
(``/shops/{shop_id}/f/…``, ``/l/…``, ``/privacy``: :func:`under_shop`), where only that
shop's forms are found; at the root a form is found by its id, whichever shop's it is.
A form belongs to the shop whose device published it: its answers are sealed to that
shop's devices only and its page links that shop's policy.

A page is one plain ``<form method="post">`` that works without JavaScript. A post is read
with caps (relay.forms.page_body), its one-time token checked (relay.forms.page_guard),
the answer validated against the form's newest version with the same code the desktop
runs again, then sealed for every paired device and queued with its files in one
transaction, together with the row that records it (one answer per friend, max_answers,
no replay). Nothing the friend sent is stored or logged in plain form. Every refusal is a
page in Japanese saying what happened and what to do; nothing is half-stored.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import html as html_text
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Connection, func, select
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from relay.autopilot_pages import InstantPages, Plan
from relay.forms import links
from relay.forms.items import AnswerItem, FileItem, sniff_content_type
from relay.forms.liff import IdTokenRefused, IdTokenVerifier
from relay.forms.page_body import BadBody, BodyTooLarge, PostedForm, read_form
from relay.forms.page_guard import (
    PageLimits,
    PostTokens,
    RateLimiter,
    TokenError,
    page_headers,
)
from relay.forms.render import (
    ASSETS_BY_NAME,
    ASSETS_PATH,
    LiffPage,
    form_page,
    message_page,
    privacy_page,
    render_values,
)
from relay.forms.schema import JST, FileRef, validate_answer
from relay.forms.store import (
    DELETED,
    AlreadyAnswered,
    FormClosed,
    FormGone,
    FormStore,
    NoDevice,
    PublishedForm,
)
from relay.group_commit import GroupCommitStopped
from relay.privacy import PolicyStore, public_path
from relay.schema import form_answers
from relay.shops import is_shop_id
from relay.store import Store

log = logging.getLogger("relay.forms")

PRIVACY_PATH = "/privacy"
#: Put in a cached page where its address and post token go (neither can contain them).
_ACTION_MARK = "otokui-page-action-" + secrets.token_hex(8)
_CSRF_MARK = "otokui-page-token-" + secrets.token_hex(8)
_FIRST_PAGES_MAX = 256
#: Room in a post for everything but its files.
TEXT_ROOM = 2 * 1024 * 1024


class _Refused(Exception):
    """A post that must not be stored; ``page`` is what the friend sees."""

    def __init__(self, status: int, page: str) -> None:
        super().__init__(status)
        self.status = status
        self.page = page


@dataclass(frozen=True)
class PagesConfig:
    channel_secret: bytes
    liff_id: str | None = None
    liff_sdk_url: str = ""
    verifier: IdTokenVerifier | None = None
    limits: PageLimits = field(default_factory=PageLimits)
    #: The autopilot's instant page messages (relay.autopilot_pages), if the relay has them.
    instant: InstantPages | None = None


def page_routes(store: Store, form_store: FormStore, config: PagesConfig,
                clock: Callable[[], float], notify: Callable[[], None]) -> list[Route]:
    tokens = PostTokens(config.channel_secret)
    limiter = RateLimiter(clock)
    #: first-visit pages by form version, with marks for their address and post token
    first_pages: dict[tuple[str, int, str, str, bool, dt.date], str] = {}
    liff_page = LiffPage(config.liff_id, config.liff_sdk_url) \
        if config.liff_id and config.verifier is not None else None
    sdk_origin = _origin(config.liff_sdk_url) if liff_page else None
    plain_headers = page_headers()
    liff_headers = page_headers(
        script_origins=(sdk_origin,) if sdk_origin else (),
        connect_origins=tuple(o for o in (sdk_origin, "https://api.line.me",
                                          "https://access.line.me") if o))

    def html(body: str, status: int = 200, *, liff: bool = False,
             extra: dict[str, str] | None = None) -> HTMLResponse:
        headers = dict(liff_headers if liff else plain_headers)
        headers.update(extra or {})
        return HTMLResponse(body, status_code=status, headers=headers)

    def refused(status: int, heading: str, *lines: str, form_title: str | None = None,
                extra: dict[str, str] | None = None) -> HTMLResponse:
        return html(message_page(heading, list(lines), form_title=form_title), status,
                    extra=extra)

    def now_s() -> int:
        return int(clock())

    def throttled(wait: float) -> HTMLResponse:
        return refused(429, "少し時間をおいてください",
                       "短い時間にたくさんの送信や読み込みがありました。",
                       "1分ほど待ってから、もう一度お試しください。",
                       extra={"Retry-After": str(max(1, int(wait + 0.999)))})

    async def resolve(request: Request, liff: bool
                      ) -> tuple[PublishedForm, str, links.LinkClaims | None] | HTMLResponse:
        """The form and link of a request, or the page refusing it."""
        wait = limiter.allow("addr:" + _address(request), config.limits.per_address)
        if wait:
            return throttled(wait)
        if liff and liff_page is None:
            return refused(404, "ページが見つかりません",
                           "このページはLINEアプリの設定がされていません。",
                           "お店から届いたリンクを、もう一度開いてください。")
        form_id = request.path_params["form_id"]
        token = request.path_params.get("token", "")
        # Under a shop's address (``/shops/{shop}/f/…``, a relay serving several shops),
        # only that shop's forms; at the root, a form by its id (ids are the relay's).
        shop = request.path_params.get("shop_id")
        found = None
        if links.is_form_id(form_id):
            known, found = form_store.peek(form_id)  # read within the last second
            if not known:
                found = await run_in_threadpool(form_store.recent, form_id)
        if found is not None and shop is not None and found.shop_id != shop:
            found = None  # as unknown: nothing said about other shops' forms
        if found is None:
            return refused(404, "フォームが見つかりません",
                           "リンクが正しくないか、フォームが公開されていません。",
                           "お店から届いたリンクを、もう一度開いてください。")
        if found.state == DELETED:
            return refused(410, "このフォームは終了しました",
                           "お店がこのフォームの受付を終了しました。送信はできません。",
                           "ご不明な点は、お店に直接お問い合わせください。")
        claims = None
        if token:
            try:
                if found.link_mac_key is None:
                    raise links.LinkError("forged")
                claims = links.verify_token(token, form_id, found.link_mac_key, now_s())
            except links.LinkError as exc:
                if exc.code == "expired":
                    return refused(410, "リンクの有効期限が切れています",
                                   "このリンクは使えなくなりました。",
                                   "お手数ですが、お店に新しいリンクをお求めください。",
                                   form_title=found.definition.title)
                return refused(404, "リンクが正しくありません",
                               "リンクの一部が欠けているか、変わっています。",
                               "お店から届いたメッセージのリンクを、そのまま開いてください。")
        definition = found.definition
        now = dt.datetime.fromtimestamp(clock(), JST)
        if not definition.is_open(now):
            if definition.open_from is not None and now < definition.open_from:
                start = definition.open_from.astimezone(JST)
                return refused(403, "まだ受付前です",
                               f"受付は{start.year}年{start.month}月{start.day}日 "
                               f"{start:%H:%M}からです。その後にもう一度開いてください。",
                               form_title=definition.title)
            return refused(403, "受付は終了しました",
                           "このフォームの受付期間は終わりました。",
                           form_title=definition.title)
        return found, token, claims

    async def answered(found: PublishedForm, claims: links.LinkClaims | None
                       ) -> HTMLResponse | None:
        """The page refusing a form that takes no more answers (from this friend)."""
        definition = found.definition
        per_friend = claims is not None and definition.one_answer_per_friend \
            and not definition.may_edit_last_answer
        if definition.max_answers is None and not per_friend:
            return None  # nothing to count: no read
        count, earlier = await run_in_threadpool(
            _answers_so_far, store, found.form_id,
            _friend_hash(found.form_id, claims) if per_friend else None,
            definition.max_answers is not None)
        if definition.max_answers is not None and count >= definition.max_answers:
            return refused(403, "受付は終了しました",
                           "予定の人数に達したため、受付を終了しました。",
                           form_title=definition.title)
        if (claims is not None and definition.one_answer_per_friend and earlier
                and not definition.may_edit_last_answer):
            return refused(409, "回答済みです", "このフォームには、すでにお答えいただいています。",
                           "ありがとうございました。内容を変えたいときは、お店にご連絡ください。",
                           form_title=definition.title)
        return None

    def render(found: PublishedForm, token: str, liff: bool, request: Request, *,
               status: int = 200, values: dict[str, list[str]] | None = None,
               problems: dict[str, Any] | None = None, notice: str | None = None) -> HTMLResponse:
        link = _link_of(liff, found.form_id, token)
        csrf = tokens.issue(found.form_id, link, now_s())
        now = dt.datetime.fromtimestamp(clock(), JST)
        if values is None and problems is None and notice is None:
            # A first visit: the page is the same for every friend but for its post token
            # and its address, so it is rendered once per published version (and day, for
            # the birthday's upper bound) and those two are put in.
            key = (found.form_id, found.version, found.digest, found.shop_id, liff,
                   now.date())
            page = first_pages.get(key)
            if page is None:
                page = form_page(found.definition, action=_ACTION_MARK, csrf=_CSRF_MARK,
                                 privacy_url=public_path(found.shop_id),
                                 liff=liff_page if liff else None, now=now)
                if len(first_pages) >= _FIRST_PAGES_MAX:
                    first_pages.clear()
                first_pages[key] = page
            body = page.replace(_ACTION_MARK, html_text.escape(request.url.path)) \
                .replace(_CSRF_MARK, html_text.escape(csrf))
            return html(body, status, liff=liff)
        body = form_page(found.definition, action=request.url.path, csrf=csrf,
                         privacy_url=public_path(found.shop_id), values=values,
                         problems=problems,
                         notice=notice, liff=liff_page if liff else None, now=now)
        return html(body, status, liff=liff)

    async def show(request: Request, liff: bool) -> Response:
        resolved = await resolve(request, liff)
        if isinstance(resolved, HTMLResponse):
            return resolved
        found, token, claims = resolved
        closed = await answered(found, claims)
        if closed is not None:
            return closed
        return render(found, token, liff, request)

    async def submit(request: Request, liff: bool) -> Response:
        resolved = await resolve(request, liff)
        if isinstance(resolved, HTMLResponse):
            return resolved
        found, token, claims = resolved
        definition = found.definition
        link_key = f"link:{found.form_id}:{token}" if token else f"form:{found.form_id}"
        wait = limiter.allow(link_key, config.limits.per_link if token
                             else config.limits.per_public_form)
        if wait:
            return throttled(wait)
        if not _same_origin(request):
            return refused(403, "送信できませんでした",
                           "このページ以外から送られた内容は受け付けられません。",
                           "お店から届いたリンクを開いて、そこから送信してください。")
        caps = {i.key: i.max_bytes for i in definition.items if i.type == "file"}
        max_body = TEXT_ROOM + sum(i.max_bytes * i.max_files for i in definition.items
                                   if i.type == "file")
        try:
            posted = await read_form(request.headers.get("content-type"), request.stream(),
                                     max_body=max_body, file_caps=caps)
        except BodyTooLarge:
            return refused(413, "送信内容が大きすぎます",
                           "ファイルが大きすぎるか、入力が長すぎます（ファイルは10MBまで）。",
                           "ページを開き直して、小さいファイルを選んでください。",
                           form_title=definition.title)
        except (BadBody, ClientDisconnect):
            return refused(400, "送信内容を読み取れませんでした",
                           "ページを開き直して、もう一度送信してください。",
                           form_title=definition.title)
        values = render_values(posted.fields)
        link = _link_of(liff, found.form_id, token)
        try:
            nonce = tokens.check(_one(posted.fields.get("_csrf")), found.form_id, link, now_s())
        except TokenError:
            return render(found, token, liff, request, status=403, values=values,
                          notice="ページを開いてから時間がたったため、まだ送信されていません。"
                                 "内容を確かめて、もう一度「送信する」を押してください。")
        identity: dict[str, str] = {"kind": "link", "token": token} if token \
            else {"kind": "public"}
        id_token = _one(posted.fields.get("_id_token"))
        if liff and id_token:
            assert config.verifier is not None
            try:
                identity = {"kind": "liff",
                            "user_id": await config.verifier.user_id(id_token)}
            except IdTokenRefused as exc:
                if exc.code == "unavailable":
                    return render(found, token, liff, request, status=503, values=values,
                                  notice="LINEに確認できなかったため、まだ送信されていません。"
                                         "少し待ってから、もう一度「送信する」を押してください。")
                return refused(403, "LINEの確認ができませんでした",
                               "LINEアプリからページを開き直して、もう一度お試しください。",
                               form_title=definition.title)
        fields = {k: v for k, v in posted.fields.items() if not k.startswith("_")}
        refs, file_items = _files(posted, found.form_id)
        today = dt.datetime.fromtimestamp(clock(), JST).date()
        checked = validate_answer(definition, fields, refs, today=today)
        if not checked.ok:
            return render(found, token, liff, request, status=422, values=values,
                          problems=checked.problems)
        # The page's one-time nonce is the answer's id: a replayed post cannot be
        # recorded twice (relay_form_answers' key), whatever else it changes.
        answer_id = nonce
        friend_ref = claims.friend_ref if identity["kind"] == "link" and claims else None
        if identity["kind"] == "liff":
            friend_ref = "liff:" + identity["user_id"]  # stored only hashed with the form id
        now_ms = int(clock() * 1000)
        plan = None
        if config.instant is not None and definition.line_thank_you:
            # With the autopilot on, the thank-you goes out at once (relay.autopilot_pages).
            plan = await run_in_threadpool(functools.partial(
                config.instant.plan, found.shop_id, f"form:{answer_id}",
                definition.line_thank_you, page_id=found.form_id,
                token=token if identity["kind"] == "link" and token else None,
                user_id=identity.get("user_id") if identity["kind"] == "liff" else None))
        answer = AnswerItem(answer_id, found.form_id, found.version, now_ms, identity,
                            fields, refs, instant=plan is not None)
        answer_files = [FileItem(r.file_id, answer_id, found.form_id, key, r.name,
                                 r.content_type, data)
                        for key, r, data in file_items]
        try:
            # Many pages' answers share one durable commit (FormStore.accept); the
            # autopilot's claim on the thank-you commits with the answer.
            _, seqs = await form_store.accept(answer, answer_files, friend_ref, now_ms,
                                              _claim(config.instant, plan))
        except FormGone:
            return refused(410, "このフォームは終了しました",
                           "お店がこのフォームの受付を終了しました。",
                           "送信された内容は保存されていません。",
                           form_title=definition.title)
        except FormClosed:
            return refused(403, "受付は終了しました", "このフォームの受付は終わりました。",
                           "送信された内容は保存されていません。", form_title=definition.title)
        except AlreadyAnswered:
            return refused(409, "回答済みです", "このフォームには、すでにお答えいただいています。",
                           "今回の内容は保存されていません。",
                           "内容を変えたいときは、お店にご連絡ください。",
                           form_title=definition.title)
        except (NoDevice, GroupCommitStopped):
            return render(found, token, liff, request, status=503, values=values,
                          notice="ただいまお店の受付の準備ができていないため、まだ送信されていません。"
                                 "しばらくしてから、もう一度「送信する」を押してください。")
        except IntegrityError:  # this page's answer was taken already: a replayed post
            return refused(409, "この内容はすでに送信されています",
                           "同じページからの送信は一度だけ受け付けます。前の送信は届いています。",
                           "別の内容を送るときは、リンクを開き直してください。",
                           form_title=definition.title)
        notify()
        log.debug("form %s: answer queued (%d items)", found.form_id, len(seqs))
        if config.instant is not None:
            await config.instant.push_soon(plan)
        thanks = definition.thank_you.strip() or "送信しました。ありがとうございました。"
        return html(message_page("送信しました", thanks.split("\n"), kind="done",
                                 form_title=definition.title))

    async def asset(request: Request) -> Response:
        found = ASSETS_BY_NAME.get(request.path_params["name"])
        if found is None:
            return Response(status_code=404, headers={"X-Content-Type-Options": "nosniff"})
        return Response(found.body, media_type=found.media_type, headers={
            "Cache-Control": "public, max-age=31536000, immutable",
            "X-Content-Type-Options": "nosniff"})

    async def privacy(request: Request) -> Response:
        if "shop_id" in request.path_params:  # /shops/{shop}/privacy: that shop's
            return await shop_privacy(request)
        wait = limiter.allow("addr:" + _address(request), config.limits.per_address)
        if wait:
            return throttled(wait)
        policy = await run_in_threadpool(PolicyStore(store).newest)
        return html(privacy_page(policy))

    async def shop_privacy(request: Request) -> Response:
        """A shop's policy on a relay serving several shops; unknown shops are 404."""
        wait = limiter.allow("addr:" + _address(request), config.limits.per_address)
        if wait:
            return throttled(wait)
        shop = request.path_params["shop_id"]
        policies = PolicyStore(store)
        if not is_shop_id(shop) or not await run_in_threadpool(policies.shop_exists, shop):
            return refused(404, "ページが見つかりません",
                           "このお店のプライバシーポリシーはありません。")
        return html(privacy_page(await run_in_threadpool(policies.newest, shop)))

    def both(liff: bool) -> tuple[Callable[[Request], Awaitable[Response]],
                                  Callable[[Request], Awaitable[Response]]]:
        async def get(request: Request) -> Response:
            return await show(request, liff)

        async def post(request: Request) -> Response:
            return await submit(request, liff)
        return get, post

    page_get, page_post = both(False)
    liff_get, liff_post = both(True)
    return [
        Route("/f/{form_id}", page_get, methods=["GET"]),
        Route("/f/{form_id}", page_post, methods=["POST"]),
        Route("/f/{form_id}/{token}", page_get, methods=["GET"]),
        Route("/f/{form_id}/{token}", page_post, methods=["POST"]),
        Route("/l/{form_id}", liff_get, methods=["GET"]),
        Route("/l/{form_id}", liff_post, methods=["POST"]),
        Route("/l/{form_id}/{token}", liff_get, methods=["GET"]),
        Route("/l/{form_id}/{token}", liff_post, methods=["POST"]),
        Route(ASSETS_PATH + "/{name}", asset, methods=["GET"]),
        Route(PRIVACY_PATH, privacy, methods=["GET"]),
        Route(PRIVACY_PATH + "/{shop_id}", shop_privacy, methods=["GET"]),
    ]


def under_shop(routes: list[Route]) -> list[Route]:
    """The pages as they answer under a shop's address (``/shops/{shop_id}``, mounted
    with the shop's device API): its forms at ``…/f/…`` and ``…/l/…``, its policy at
    ``…/privacy``. The same route objects, so rate limits are shared with the root's."""
    return [r for r in routes if r.path != PRIVACY_PATH + "/{shop_id}"]


def _claim(instant: InstantPages | None, plan: Plan | None
           ) -> Callable[[Connection], None] | None:
    if instant is None or plan is None:
        return None
    return lambda conn: instant.claim_in(conn, plan)


def _answers_so_far(store: Store, form_id: str, friend: bytes | None,
                    count_them: bool = True) -> tuple[int, bool]:
    with store.read_transaction() as conn:
        count = conn.execute(select(func.count()).select_from(form_answers)
                             .where(form_answers.c.form_id == form_id)).scalar_one() \
            if count_them else 0
        earlier = friend is not None and conn.execute(
            select(form_answers.c.answer_id).where(form_answers.c.form_id == form_id,
                                                   form_answers.c.friend_hash == friend)
            .limit(1)).first() is not None
    return count, earlier


def _friend_hash(form_id: str, claims: links.LinkClaims | None) -> bytes | None:
    return None if claims is None else links.friend_ref_hash(form_id, claims.friend_ref)


def _files(posted: PostedForm, form_id: str
           ) -> tuple[dict[str, list[FileRef]], list[tuple[str, FileRef, bytes]]]:
    refs: dict[str, list[FileRef]] = {}
    items: list[tuple[str, FileRef, bytes]] = []
    for key, uploads in posted.uploads.items():
        for up in uploads:
            data = bytes(up.data)
            kind = sniff_content_type(data) or "application/octet-stream"
            ref = FileRef(secrets.token_hex(16), up.name, kind, len(data),
                          hashlib.sha256(data).hexdigest())
            refs.setdefault(key, []).append(ref)
            items.append((key, ref, data))
    return refs, items


def _one(values: list[str] | None) -> str | None:
    return values[0] if values and len(values) == 1 else None


def _link_of(liff: bool, form_id: str, token: str) -> str:
    return f"{'l' if liff else 'f'}/{form_id}/{token}"


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def _same_origin(request: Request) -> bool:
    """Refuse a post another site's page makes the browser send. Browsers say so in
    ``Sec-Fetch-Site``, and name the page's origin, except that with the pages'
    ``no-referrer`` policy the origin is ``null`` (then the post token still applies)."""
    if request.headers.get("sec-fetch-site") == "cross-site":
        return False
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return True
    return urlsplit(origin).netloc == request.headers.get("host", "")
