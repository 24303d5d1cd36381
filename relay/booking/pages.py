"""The friend's booking pages, served by the relay (the default shop's, at the root).

* ``GET /b/{token}``                              the menus
* ``GET /b/{token}/m/{menu}``                     担当 or 指名なし (straight to the days
  for a shop without staff and for classes)
* ``GET /b/{token}/m/{menu}/{staff}?day=…``       days with free times, and that day's
* ``GET/POST /b/{token}/m/{menu}/{staff}/{when}`` the questions and 予約する
* ``GET /b/{token}/ics/{hold}``                   add to calendar
* ``GET /b/{token}/mine``, ``POST /b/{token}/cancel/{hold}``  my bookings, cancel
* ``GET/POST /l/b``, ``/l/b/mine``                 the LIFF entry (relay.booking.liff): the
  ID token, verified with LINE Login, opens ``/b/{session}``

``token`` is a per-friend link (relay.forms.links, made by ``booking link`` for the
"form" :data:`LINK_ID`): the relay checks it and learns a stable pseudonym, never who the
friend is. Plain links and one ``<form method="post">`` per page: no JavaScript. Posts
carry the forms' one-time token (no cookie); its nonce is the hold's request key, so
double-posting the confirm makes one booking. Every refusal is a page in Japanese.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from relay.autopilot_pages import InstantPages, Plan
from relay.booking import front
from relay.booking import liff as sessions
from relay.booking.holds import SlotFull
from relay.forms import links
from relay.forms.liff import IdTokenRefused
from relay.forms.page_body import BadBody, BodyTooLarge, read_form
from relay.forms.page_guard import PostTokens, RateLimiter, TokenError, page_headers
from relay.forms.pages import PagesConfig, _address, _origin, _same_origin
from relay.forms.render import ASSETS, ASSETS_PATH, LiffPage, message_page
from relay.forms.schema import JST, DefinitionError, parse_definition, validate_answer
from relay.schema import DEFAULT_SHOP
from relay.store import Store

log = logging.getLogger("relay.booking")

#: The id booking links are made for (app.booking.service.BOOKING_LINK_ID).
LINK_ID = "b00cb00cb00cb00c"
WEEKDAYS = "月火水木金土日"
DAYS_SHOWN = 14

_env = Environment(loader=ChoiceLoader([
    FileSystemLoader(Path(__file__).parent / "templates"),
    FileSystemLoader(Path(__file__).parents[1] / "forms" / "templates")]),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def _date(d: dt.date) -> str:
    return f"{d.month}月{d.day}日（{WEEKDAYS[d.weekday()]}）"


def _minutes(m: int) -> str:
    return f"{m // 60}時間{m % 60}分" if m >= 60 and m % 60 else (
        f"{m // 60}時間" if m >= 60 else f"{m}分")


def _yen(n: int) -> str:
    return f"{n:,}円"


_common: dict[str, Any] = {"assets": ASSETS_PATH, "css": ASSETS["form.css"].name,
                           "booking_css": ASSETS["booking.css"].name, "date": _date,
                           "minutes": _minutes, "yen": _yen}


def render(view: str, **values: Any) -> str:
    values.setdefault("page_title", "ご予約")
    return _env.get_template("booking.html").render(**_common, view=view, **values)


def ics(uid: str, summary: str, start: dt.datetime, end: dt.datetime, stamp: dt.datetime
        ) -> str:
    """One event (RFC 5545), times in the shop's zone written as UTC."""
    def utc(t: dt.datetime) -> str:
        return (t.replace(tzinfo=JST).astimezone(dt.UTC)).strftime("%Y%m%dT%H%M%SZ")

    text = summary.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Otokui//booking//JA",
             "BEGIN:VEVENT", f"UID:{uid}@otokui", f"DTSTAMP:{utc(stamp)}",
             f"DTSTART:{utc(start)}", f"DTEND:{utc(end)}", f"SUMMARY:{text}",
             "END:VEVENT", "END:VCALENDAR", ""]
    return "\r\n".join(lines)


#: Where the staff's name goes in a planned confirmation, until the booking is taken.
STAFF = "\x00staff\x00"


def when_text(start: dt.datetime) -> str:
    """``12月7日(月) 10:00``, as the desktop writes it (app/booking/messages.py)."""
    return f"{start.month}月{start.day}日({'月火水木金土日'[start.weekday()]}) {start:%H:%M}"


def instant_base(instant: InstantPages, shop_id: str, token: str, user_id: str | None,
                 menu: front.MenuInfo, when: dt.datetime) -> Plan | None:
    """The confirmation the autopilot will send, its staff still to fill in. Blocking.
    The friend: a per-friend link's ``token``, or the ``user_id`` LINE Login verified
    (a LIFF session)."""
    template = instant.published_text(shop_id, "booking_confirmation")
    if template is None:
        return None
    return instant.plan(shop_id, "booking:", template, page_id=LINK_ID,
                        token=None if user_id else token, user_id=user_id,
                        values={"日時": when_text(when), "メニュー": menu.name, "担当": STAFF})


def booking_routes_public(store: Store, config: PagesConfig, clock: Callable[[], float],
                          notify: Callable[[], None], shop_id: str = DEFAULT_SHOP
                          ) -> list[Route]:
    tokens = PostTokens(config.channel_secret)
    limiter = RateLimiter(clock)
    headers = page_headers()
    session_key = sessions.session_key(config.channel_secret)

    def html(body: str, status: int = 200, extra: dict[str, str] | None = None
             ) -> HTMLResponse:
        return HTMLResponse(body, status_code=status, headers={**headers, **(extra or {})})

    def refused(status: int, heading: str, *lines: str, base: str | None = None
                ) -> HTMLResponse:
        body = message_page(heading, list(lines), form_title=None)
        if base is not None:
            body = body.replace("</section>", f'<p><a href="{base}">予約ページに戻る</a></p>'
                                              "</section>", 1)
        return html(body, status)

    def now() -> dt.datetime:
        return dt.datetime.fromtimestamp(clock(), JST).replace(tzinfo=None)

    cache: dict[tuple[int, ...], front.FreeIndex] = {}
    #: The days page's days and times, per free index (cleared with it), menu, staff,
    #: first bookable step and day: most loads of a days page compute nothing.
    days_cache: dict[tuple[Any, ...], tuple[list[tuple[dt.date, int]], dt.date | None,
                                           list[dt.datetime]]] = {}

    #: The published config of the newest generation (one tuple: replaced atomically).
    current_state: list[tuple[tuple[int, ...], front.Published | None]] = []

    def current() -> tuple[tuple[int, ...], front.Published | None]:
        """The generation and the published config, read again only when the cheap
        generation query says a publish (or a hold) happened: one small read per load."""
        gen = front.generation(store, shop_id)
        if current_state and current_state[0][0] == gen:
            return current_state[0]
        found = (gen, front.published(store, shop_id))
        current_state[:] = [found]
        return found

    def free_index(gen: tuple[int, ...], config: front.Config) -> front.FreeIndex:
        # Rebuilt only when something changed (the generation says so); a stale index
        # could at worst offer a time the confirm then finds taken: it never books one.
        generation = (*gen, config.step)
        found = cache.get(generation)
        if found is None:
            found = front.FreeIndex(front.free_keys(store, shop_id), config.step)
            cache.clear()
            days_cache.clear()
            cache[generation] = found
        return found

    def days_key(free: front.FreeIndex, config: front.Config, menu: front.MenuInfo,
                 staff_id: str | None, wanted: dt.date | None, today: dt.datetime
                 ) -> tuple[Any, ...]:
        earliest = today + dt.timedelta(minutes=config.min_notice_minutes)
        first_step = (earliest.hour * 60 + earliest.minute + config.step - 1) // config.step
        # A publish (new config) always makes a new index, which empties this cache; the
        # menu's own figures are in the key all the same.
        return (id(free), menu.id, menu.duration, menu.buffer_before, menu.buffer_after,
                menu.staff, staff_id, wanted, earliest.date(), first_step, today.date())

    def cached_days(gen: tuple[int, ...], config: front.Config, menu: front.MenuInfo,
                    staff_id: str | None, wanted: dt.date | None, today: dt.datetime
                    ) -> tuple[list[tuple[dt.date, int]], dt.date | None,
                               list[dt.datetime]] | None:
        """:func:`days_and_times` when its answer is cached (no database, no walk)."""
        free = cache.get((*gen, config.step))
        if free is None:
            return None
        return days_cache.get(days_key(free, config, menu, staff_id, wanted, today))

    def days_and_times(gen: tuple[int, ...], config: front.Config, menu: front.MenuInfo,
                       staff_id: str | None,
                       wanted: dt.date | None, today: dt.datetime
                       ) -> tuple[list[tuple[dt.date, int]], dt.date | None,
                                  list[dt.datetime]]:
        """The next days with free times, the day shown and its times (in the thread
        pool: a cache miss walks the horizon). The answer changes only with the free
        index and when the first bookable start passes a step."""
        free = free_index(gen, config)
        key = days_key(free, config, menu, staff_id, wanted, today)
        hit = days_cache.get(key)
        if hit is not None:
            return hit
        found: list[tuple[dt.date, int]] = []
        for offset in range(config.book_ahead_days + 1):
            d = today.date() + dt.timedelta(days=offset)
            n = len(front.free_starts(config, free, menu, staff_id, d, today))
            if n:
                found.append((d, n))
            if len(found) >= DAYS_SHOWN:
                break
        day = wanted if wanted is not None else (found[0][0] if found else None)
        times = [t for t, _ in front.free_starts(config, free, menu, staff_id, day, today)] \
            if day else []
        if len(days_cache) > 512:
            days_cache.clear()
        days_cache[key] = (found, day, times)
        return found, day, times

    class Ctx:
        def __init__(self, pub: front.Published, token: str, friend_hash: bytes,
                     user_id: str | None = None, gen: tuple[int, ...] = ()) -> None:
            self.config = pub.config
            self.gen = gen
            self.token = token
            self.friend_hash = friend_hash
            self.base = f"/b/{token}"
            # Opened through LIFF: the verified LINE user id, which goes into the sealed
            # items only (the link token is then the relay's session, useless to the book).
            self.user_id = user_id
            self.link_token = "" if user_id else token

    def post_refused(request: Request, ctx: Ctx) -> HTMLResponse | None:
        """Every post's first checks: sent from this page (not another site), and not too
        many from this link in a short time (the page to answer with, or None)."""
        if not _same_origin(request):
            return refused(403, "送信できませんでした",
                           "このページ以外から送られた内容は受け付けられません。", base=ctx.base)
        if limiter.allow(f"link:b:{ctx.token}", config.limits.per_link):
            return refused(429, "少し時間をおいてください",
                           "短い時間にたくさんの送信がありました。",
                           "1分ほど待ってから、もう一度お試しください。")
        return None

    async def resolve(request: Request) -> Ctx | HTMLResponse:
        wait = limiter.allow("addr:" + _address(request), config.limits.per_address)
        if wait:
            return refused(429, "少し時間をおいてください",
                           "短い時間にたくさんの読み込みがありました。",
                           "1分ほど待ってから、もう一度お試しください。")
        gen, pub = await run_in_threadpool(current)
        if pub is None or pub.link_mac_key is None:
            return refused(404, "予約ページが見つかりません",
                           "お店の予約受付がまだ始まっていません。",
                           "しばらくしてから、もう一度お試しください。")
        token = request.path_params["token"]
        if sessions.is_session(token):
            try:
                user_id = sessions.open_session(session_key, token, int(clock()))
            except sessions.SessionError as exc:
                if exc.code == "expired":
                    return refused(410, "ページの有効期限が切れています",
                                   "LINEアプリから予約ページをもう一度開いてください。")
                return refused(404, "リンクが正しくありません",
                               "LINEアプリから予約ページをもう一度開いてください。")
            return Ctx(pub, token, links.friend_ref_hash(LINK_ID, "liff:" + user_id), user_id,
                       gen)
        try:
            claims = links.verify_token(token, LINK_ID, pub.link_mac_key, int(clock()))
        except links.LinkError as exc:
            if exc.code == "expired":
                return refused(410, "リンクの有効期限が切れています",
                               "このリンクは使えなくなりました。",
                               "お手数ですが、お店に新しいリンクをお求めください。")
            return refused(404, "リンクが正しくありません",
                           "リンクの一部が欠けているか、変わっています。",
                           "お店から届いたメッセージのリンクを、そのまま開いてください。")
        return Ctx(pub, token, links.friend_ref_hash(LINK_ID, claims.friend_ref), gen=gen)

    def menu_gone(ctx: Ctx) -> HTMLResponse:
        return refused(410, "このメニューは予約できません",
                       "お店がこのメニューの受付を終了したか、内容を変えました。",
                       "お手数ですが、メニューを選び直してください。", base=ctx.base)

    def staff_of(ctx: Ctx, menu: front.MenuInfo, text: str) -> str | HTMLResponse | None:
        if text == "any":
            return None
        if text not in front.candidates(ctx.config, menu, text):
            return refused(404, "担当が見つかりません",
                           "この担当ではこのメニューを予約できません。",
                           "お手数ですが、選び直してください。", base=ctx.base)
        return text

    def staff_label(ctx: Ctx, staff_id: str | None) -> str:
        if staff_id is None:
            return "指名なし" if ctx.config.staff else "—"
        return ctx.config.staff.get(staff_id, "—")

    async def menus(request: Request) -> Response:
        ctx = await resolve(request)
        if isinstance(ctx, HTMLResponse):
            return ctx
        return html(render("menus", base=ctx.base, menus=list(ctx.config.menus.values())))

    async def staff(request: Request) -> Response:
        ctx = await resolve(request)
        if isinstance(ctx, HTMLResponse):
            return ctx
        menu = ctx.config.menu(request.path_params["menu"])
        if menu is None:
            return menu_gone(ctx)
        who = [s for s in front.candidates(ctx.config, menu, None) if s is not None]
        if not who:
            return await days(request, "any")
        return html(render("staff", base=ctx.base, menu=menu,
                           staff=[(s, ctx.config.staff[s]) for s in who]))

    async def days(request: Request, staff_text: str | None = None) -> Response:
        ctx = await resolve(request)
        if isinstance(ctx, HTMLResponse):
            return ctx
        menu = ctx.config.menu(request.path_params["menu"])
        if menu is None:
            return menu_gone(ctx)
        staff_text = staff_text or request.path_params["staff"]
        staff_id = staff_of(ctx, menu, staff_text)
        if isinstance(staff_id, HTMLResponse):
            return staff_id
        wanted_text = request.query_params.get("day")
        wanted: dt.date | None = None
        if wanted_text:
            try:
                wanted = dt.date.fromisoformat(wanted_text)
            except ValueError:
                wanted = None
        today = now()
        # Most loads are cache hits (dict lookups): answered here, without a hop to the
        # thread pool; a miss walks the horizon there.
        hit = cached_days(ctx.gen, ctx.config, menu, staff_id, wanted, today)
        found, day, times = hit if hit is not None else await run_in_threadpool(
            days_and_times, ctx.gen, ctx.config, menu, staff_id, wanted, today)
        if wanted_text and wanted is None:
            day, times = None, []
        here = f"{ctx.base}/m/{menu.id}/{staff_text}"
        return html(render("days", base=ctx.base, menu=menu, days=found, day=day,
                           times=times, here=here, staff_name=staff_label(ctx, staff_id)))

    def questions_of(menu: front.MenuInfo) -> Any:
        if not menu.questions:
            return None
        try:
            return parse_definition({"title": menu.name, "items": list(menu.questions)})
        except DefinitionError:
            return None

    def confirm_page(ctx: Ctx, request: Request, menu: front.MenuInfo,
                     staff_id: str | None, start: dt.datetime, *, status: int = 200,
                     values: dict[str, list[str]] | None = None,
                     problems: dict[str, Any] | None = None,
                     notice: str | None = None) -> HTMLResponse:
        definition = questions_of(menu)
        deadline = start - dt.timedelta(hours=ctx.config.cancel_deadline_hours)
        return html(render(
            "confirm", base=ctx.base, menu=menu, start=start,
            end=start + dt.timedelta(minutes=menu.duration),
            staff_name=staff_label(ctx, staff_id), action=request.url.path,
            csrf=tokens.issue(LINK_ID, request.url.path, int(clock())),
            questions=[i for i in definition.items if i.type != "heading" and not i.hidden]
            if definition else [], values=values or {}, problems=problems or {},
            notice=notice, deadline=f"{_date(deadline.date())} {deadline:%H:%M}"), status)

    def parse_when(text: str) -> dt.datetime | None:
        try:
            when = dt.datetime.strptime(text, "%Y-%m-%dT%H:%M")
        except ValueError:
            return None
        return when

    async def chosen(request: Request
                     ) -> tuple[Ctx, front.MenuInfo, str | None, str, dt.datetime] | Response:
        ctx = await resolve(request)
        if isinstance(ctx, HTMLResponse):
            return ctx
        menu = ctx.config.menu(request.path_params["menu"])
        if menu is None:
            return menu_gone(ctx)
        staff_text = request.path_params["staff"]
        staff_id = staff_of(ctx, menu, staff_text)
        if isinstance(staff_id, HTMLResponse):
            return staff_id
        when = parse_when(request.path_params["when"])
        if when is None:
            return refused(404, "日時が正しくありません", "日時を選び直してください。",
                           base=ctx.base)
        return ctx, menu, staff_id, staff_text, when

    def past(ctx: Ctx, when: dt.datetime) -> HTMLResponse | None:
        if when < now() + dt.timedelta(minutes=ctx.config.min_notice_minutes):
            return refused(409, "この時間は予約できません",
                           "ご予約の受付時間を過ぎています。",
                           "お手数ですが、別の日時を選んでください。", base=ctx.base)
        return None

    async def show_confirm(request: Request) -> Response:
        got = await chosen(request)
        if isinstance(got, Response):
            return got
        ctx, menu, staff_id, _, when = got
        late = past(ctx, when)
        if late is not None:
            return late
        free = await run_in_threadpool(free_index, ctx.gen, ctx.config)
        ok = [s for t, s in front.free_starts(ctx.config, free, menu, staff_id, when.date(),
                                              now()) if t == when]
        if not ok:
            return taken_page(ctx, request)
        return confirm_page(ctx, request, menu, staff_id, when)

    def taken_page(ctx: Ctx, request: Request | None = None) -> HTMLResponse:
        page = refused(409, "この時間は埋まりました",
                       "選んだ時間は、ほかの方のご予約で埋まりました。",
                       "お手数ですが、別の日時を選んでください。", base=ctx.base)
        if request is None:
            return page
        # キャンセル待ち: the same menu, staff and time, kept until it frees up.
        p = request.path_params
        action = f"{ctx.base}/wait/{p['menu']}/{p['staff']}/{p['when']}"
        form = (f'<form method="post" action="{action}" accept-charset="UTF-8">'
                f'<input type="hidden" name="_csrf" value="'
                f'{tokens.issue(LINK_ID, ctx.base + "/wait", int(clock()))}">'
                '<p>この時間が空いたら予約を受けたいときは、キャンセル待ちに登録できます。'
                '空いたときに、自動でご予約になります。</p>'
                '<button type="submit">キャンセル待ちに登録する</button></form>')
        return html(bytes(page.body).decode("utf-8").replace("</section>", form + "</section>", 1),
                    409)

    async def post_confirm(request: Request) -> Response:
        got = await chosen(request)
        if isinstance(got, Response):
            return got
        ctx, menu, staff_id, _, when = got
        stop = post_refused(request, ctx)
        if stop is not None:
            return stop
        try:
            posted = await read_form(request.headers.get("content-type"), request.stream(),
                                     max_body=256 * 1024, file_caps={})
        except (BodyTooLarge, BadBody, ClientDisconnect):
            return refused(400, "送信内容を読み取れませんでした",
                           "ページを開き直して、もう一度お試しください。", base=ctx.base)
        values = {k: list(v) for k, v in posted.fields.items() if not k.startswith("_")}
        csrf = posted.fields.get("_csrf")
        try:
            nonce = tokens.check(csrf[0] if csrf and len(csrf) == 1 else None, LINK_ID,
                                 request.url.path, int(clock()))
        except TokenError:
            return confirm_page(ctx, request, menu, staff_id, when, status=403, values=values,
                                notice="ページを開いてから時間がたったため、まだ予約されていません。"
                                       "もう一度「この内容で予約する」を押してください。")
        late = past(ctx, when)
        if late is not None:
            return late
        definition = questions_of(menu)
        answers: dict[str, list[str]] = {}
        if definition is not None:
            checked = validate_answer(definition, values, {}, today=now().date())
            if not checked.ok:
                return confirm_page(ctx, request, menu, staff_id, when, status=422,
                                    values=values, problems=checked.problems)
            answers = values
        elif values:
            values = {}
        who = front.candidates(ctx.config, menu, staff_id)
        now_ms = int(clock() * 1000)
        # With the autopilot on, the confirmation goes out at once (relay.autopilot_pages);
        # the staff is known only once the booking is taken, so it is filled in then.
        base = None
        if config.instant is not None and not ctx.config.approval:
            base = await run_in_threadpool(functools.partial(
                instant_base, config.instant, shop_id, ctx.link_token, ctx.user_id, menu,
                when))
        planned: list[Plan] = []

        def item(hold_id: str, sid: str | None) -> bytes:
            planned.clear()
            if base is not None:
                planned.append(Plan(shop_id, f"booking:{hold_id}", base.user_id,
                                    base.text.replace(STAFF, ctx.config.staff.get(sid or "",
                                                                                  ""))))
            return front.booking_item(hold_id=hold_id, menu_id=menu.id, staff_id=sid,
                                      start=when, token=ctx.link_token, answers=answers,
                                      taken_at_ms=now_ms, line_user_id=ctx.user_id,
                                      instant=bool(planned))

        def also(conn: Any) -> None:
            if planned and config.instant is not None:
                config.instant.claim_in(conn, planned[0])
        try:
            hold, entry = await run_in_threadpool(
                front.confirm, store, shop_id, ctx.config, menu, who, when, ctx.friend_hash,
                nonce, now(), now_ms, item, also)
        except SlotFull:
            return taken_page(ctx, request)
        except front.TooMany:
            return refused(409, "これ以上は予約できません",
                           f"ご予約は{ctx.config.max_open_per_friend}件までお持ちいただけます。",
                           "「予約の確認・キャンセル」で、いまのご予約をご確認ください。",
                           base=ctx.base)
        except front.NoDevice:
            return refused(503, "ただいま予約を受け付けられません",
                           "お店の受付の準備ができていないため、まだ予約されていません。",
                           "しばらくしてから、もう一度お試しください。", base=ctx.base)
        if hold.created:
            notify()
            if config.instant is not None and planned:
                await config.instant.push_soon(planned[0])
        lines = ["ご予約を受け付けました。当日お待ちしております。"]
        if ctx.config.approval:
            lines = ["ご予約を受け付けました。お店の確認のあと、確定となります。"]
        if not hold.created:
            lines.append("（同じ予約がすでに送信されていたため、予約は1件です。）")
        return html(render("done", base=ctx.base, heading="予約しました", lines=lines,
                           menu=menu, start=entry.start, end=entry.end,
                           staff_name=staff_label(ctx, entry.staff_id), hold_id=hold.hold_id))

    async def mine(request: Request, notice: str | None = None) -> Response:
        ctx = await resolve(request)
        if isinstance(ctx, HTMLResponse):
            return ctx
        got = await run_in_threadpool(front.entries, store, shop_id, ctx.friend_hash)
        current = now()
        upcoming = [e for e in got if e.state == "held" and e.end > current]
        deadline = dt.timedelta(hours=ctx.config.cancel_deadline_hours)
        cancellable = {e.hold_id for e in upcoming if current <= e.start - deadline}
        names = {m.id: m.name for m in ctx.config.menus.values()}
        waits = await run_in_threadpool(front.waiting, store, shop_id, ctx.friend_hash)
        waits = [w for w in waits if w.start > current]
        return html(render("mine", base=ctx.base, mine=upcoming, cancellable=cancellable,
                           waits=waits,
                           names=names, staff_names=ctx.config.staff, notice=notice,
                           csrf=tokens.issue(LINK_ID, f"{ctx.base}/cancel", int(clock()))))

    async def cancel(request: Request) -> Response:
        ctx = await resolve(request)
        if isinstance(ctx, HTMLResponse):
            return ctx
        stop = post_refused(request, ctx)
        if stop is not None:
            return stop
        try:
            posted = await read_form(request.headers.get("content-type"), request.stream(),
                                     max_body=16 * 1024, file_caps={})
            csrf = posted.fields.get("_csrf")
            tokens.check(csrf[0] if csrf and len(csrf) == 1 else None, LINK_ID,
                         f"{ctx.base}/cancel", int(clock()))
        except (BodyTooLarge, BadBody, ClientDisconnect, TokenError):
            return await mine(request, "まだキャンセルされていません。もう一度お試しください。")
        hold_id = request.path_params["hold"]
        got = await run_in_threadpool(front.entries, store, shop_id, ctx.friend_hash)
        entry = next((e for e in got if e.hold_id == hold_id and e.state == "held"), None)
        if entry is None:
            return await mine(request, "このご予約はすでにキャンセルされています。")
        if now() > entry.start - dt.timedelta(hours=ctx.config.cancel_deadline_hours):
            return refused(409, "キャンセルの期限を過ぎています",
                           "このご予約は、ページからはキャンセルできません。",
                           "お手数ですが、お店に直接ご連絡ください。", base=ctx.base)
        now_ms = int(clock() * 1000)
        try:
            done = await run_in_threadpool(
                front.cancel, store, shop_id, hold_id, ctx.friend_hash, now_ms,
                front.cancel_item(hold_id=hold_id, token=ctx.link_token, at_ms=now_ms,
                                  line_user_id=ctx.user_id), now())
        except front.NoDevice:
            return refused(503, "ただいまキャンセルを受け付けられません",
                           "しばらくしてから、もう一度お試しください。", base=ctx.base)
        if done:
            notify()
        return await mine(request, "ご予約をキャンセルしました。" if done
                          else "このご予約はすでにキャンセルされています。")

    async def join_wait(request: Request) -> Response:
        got = await chosen(request)
        if isinstance(got, Response):
            return got
        ctx, menu, staff_id, _, when = got
        stop = post_refused(request, ctx)
        if stop is not None:
            return stop
        try:
            posted = await read_form(request.headers.get("content-type"), request.stream(),
                                     max_body=16 * 1024, file_caps={})
            csrf = posted.fields.get("_csrf")
            nonce = tokens.check(csrf[0] if csrf and len(csrf) == 1 else None, LINK_ID,
                                 f"{ctx.base}/wait", int(clock()))
        except (BodyTooLarge, BadBody, ClientDisconnect, TokenError):
            return refused(403, "まだ登録されていません",
                           "ページを開き直して、もう一度お試しください。", base=ctx.base)
        late = past(ctx, when)
        if late is not None:
            return late
        now_ms = int(clock() * 1000)
        item = front.wait_item(wait_id=nonce, menu_id=menu.id, staff_id=staff_id, start=when,
                               token=ctx.link_token, line_user_id=ctx.user_id, at_ms=now_ms)
        try:
            added = await run_in_threadpool(front.wait, store, shop_id, ctx.friend_hash,
                                            ctx.link_token, menu, staff_id, when, nonce,
                                            now_ms, item)
        except front.NoDevice:
            return refused(503, "ただいま登録を受け付けられません",
                           "しばらくしてから、もう一度お試しください。", base=ctx.base)
        if added:
            notify()
        return await mine(request, "キャンセル待ちに登録しました。空いたときに、自動でご予約に"
                                   "なります（「ご予約の確認」に表示されます）。")

    async def calendar(request: Request) -> Response:
        ctx = await resolve(request)
        if isinstance(ctx, HTMLResponse):
            return ctx
        got = await run_in_threadpool(front.entries, store, shop_id, ctx.friend_hash)
        entry = next((e for e in got if e.hold_id == request.path_params["hold"]), None)
        if entry is None:
            return refused(404, "ご予約が見つかりません", base=ctx.base)
        menu = ctx.config.menu(entry.menu_id)
        summary = menu.name if menu else "ご予約"
        body = ics(entry.hold_id, summary, entry.start, entry.end, now())
        return Response(body, media_type="text/calendar; charset=utf-8", headers={
            **headers, "Content-Disposition": 'attachment; filename="booking.ics"'})

    async def days_route(request: Request) -> Response:
        return await days(request)

    async def mine_route(request: Request) -> Response:
        return await mine(request)

    base = "/b/{token}"
    return [
        Route(base, menus, methods=["GET"]),
        Route(base + "/mine", mine_route, methods=["GET"]),
        Route(base + "/cancel/{hold}", cancel, methods=["POST"]),
        Route(base + "/ics/{hold}", calendar, methods=["GET"]),
        Route(base + "/wait/{menu}/{staff}/{when}", join_wait, methods=["POST"]),
        Route(base + "/m/{menu}", staff, methods=["GET"]),
        Route(base + "/m/{menu}/{staff}", days_route, methods=["GET"]),
        Route(base + "/m/{menu}/{staff}/{when}", show_confirm, methods=["GET"]),
        Route(base + "/m/{menu}/{staff}/{when}", post_confirm, methods=["POST"]),
    ]


def booking_liff_routes(config: PagesConfig, clock: Callable[[], float]) -> list[Route]:
    """The LIFF entry ``/l/b`` (``/l/b/mine``): registered before the form pages, whose
    ``/l/{form_id}`` would take the path otherwise. Without LIFF configured: a 404 page."""
    tokens = PostTokens(b"otokui booking liff\0" + config.channel_secret)
    limiter = RateLimiter(clock)
    session_key = sessions.session_key(config.channel_secret)
    liff_page = LiffPage(config.liff_id, config.liff_sdk_url) \
        if config.liff_id and config.verifier is not None else None
    sdk_origin = _origin(config.liff_sdk_url) if liff_page else None
    plain = page_headers()
    liff_headers = page_headers(
        script_origins=(sdk_origin,) if sdk_origin else (),
        connect_origins=tuple(o for o in (sdk_origin, "https://api.line.me",
                                          "https://access.line.me") if o))

    def refused(status: int, heading: str, *lines: str) -> HTMLResponse:
        return HTMLResponse(message_page(heading, list(lines)), status_code=status,
                            headers=plain)

    def stop(request: Request) -> HTMLResponse | None:
        if limiter.allow("addr:" + _address(request), config.limits.per_address):
            return refused(429, "少し時間をおいてください",
                           "短い時間にたくさんの読み込みがありました。",
                           "1分ほど待ってから、もう一度お試しください。")
        if liff_page is None:
            return refused(404, "ページが見つかりません",
                           "このページはLINEアプリの設定がされていません。",
                           "お店から届いたリンクを、もう一度開いてください。")
        return None

    async def show(request: Request) -> Response:
        refusal = stop(request)
        if refusal is not None:
            return refusal
        assert liff_page is not None
        path = request.url.path
        body = _env.get_template("liff.html").render(
            **_common, page_title="ご予約", action=path, liff=liff_page,
            liff_js=ASSETS["booking-liff.js"].name,
            csrf=tokens.issue(LINK_ID, path, int(clock())))
        return HTMLResponse(body, headers=liff_headers)

    async def enter(request: Request) -> Response:
        refusal = stop(request)
        if refusal is not None:
            return refusal
        assert config.verifier is not None
        path = request.url.path
        if not _same_origin(request):
            return refused(403, "開けませんでした",
                           "LINEアプリから予約ページをもう一度開いてください。")
        try:
            posted = await read_form(request.headers.get("content-type"), request.stream(),
                                     max_body=16 * 1024, file_caps={})
            csrf = posted.fields.get("_csrf")
            tokens.check(csrf[0] if csrf and len(csrf) == 1 else None, LINK_ID, path,
                         int(clock()))
        except (BodyTooLarge, BadBody, ClientDisconnect, TokenError):
            return refused(403, "ページを開き直してください",
                           "ページを開いてから時間がたったか、ページが正しくありません。",
                           "LINEアプリから予約ページをもう一度開いてください。")
        id_token = posted.fields.get("_id_token") or [""]
        try:
            user_id = await config.verifier.user_id(id_token[0] if len(id_token) == 1 else "")
        except IdTokenRefused as exc:
            if exc.code == "unavailable":
                return refused(503, "LINEに確認できませんでした",
                               "少し待ってから、予約ページをもう一度開いてください。")
            return refused(403, "LINEの確認ができませんでした",
                           "このページはLINEアプリの中で開いてください。",
                           "お店のLINEのメニューやメッセージから、もう一度開いてください。")
        session = sessions.make_session(session_key, user_id, int(clock()))
        where = f"/b/{session}" + ("/mine" if path.endswith("/mine") else "")
        return Response(status_code=303, headers={**plain, "Location": where,
                                                  "Cache-Control": "no-store"})

    return [Route("/l/b", show, methods=["GET"]), Route("/l/b", enter, methods=["POST"]),
            Route("/l/b/mine", show, methods=["GET"]),
            Route("/l/b/mine", enter, methods=["POST"])]
