"""Inflow routes end to end, with real parts: the relay on loopback HTTP, the LINE
emulator (its LINE Login verify endpoint and LIFF stand-in), the desktop's sync.

A friend scans a route's QR code: the relay's page seals which friend arrived by which
route and sends them on to the add-friend page; on sync the book gives the friend the
route's tags, records the route (first wins), emits ``route.arrived``, and counts it once.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from app.analytics.crosstab import Dimension, crosstab
from app.analytics.period import JST, Period
from app.book import Book
from app.routes.arrivals import apply as apply_arrival
from app.routes.arrivals import arrival_plaintext
from app.routes.errors import RouteNameError
from app.routes.figures import route_counts
from app.store.models import Customer, CustomerTag, DomainEvent, Tag
from app.store.models_routes import CustomerRoute, RouteArrival
from tests.relay.form_pages import csrf_of
from tests.relay.harness import assert_nothing_personal, stored_bytes
from tests.routes.conftest import ADD_FRIEND, LIFF_ID, Shop


def _arrive(shop: Shop, slug: str, id_token: str | None) -> object:
    """What the friend's phone does: the QR code's URL, LIFF, the page's button."""
    relay = shop.relay
    scan = relay.http.get(f"/r/{slug}")
    assert scan.status_code == 303
    assert scan.headers["location"] == f"https://liff.line.me/{LIFF_ID}/r/{slug}"
    page = relay.http.get(f"/l/r/{slug}")  # LINE opens {endpoint}/r/{slug}
    assert page.status_code == 200, page.text
    assert f'data-liff-id="{LIFF_ID}"' in page.text and 'name="_id_token"' in page.text
    # The post is redirected to the add-friend page: the CSP's form-action allows it.
    assert "form-action 'self' https://line.me https://lin.ee;" in \
        page.headers["content-security-policy"]
    fields = {"_csrf": csrf_of(page.text)}
    if id_token is not None:
        fields["_id_token"] = id_token
    return relay.http.post(f"/l/r/{slug}", data=fields)


def _tags(book: Book, cid: int) -> list[str]:
    with book.db.read() as s:
        return list(s.scalars(select(Tag.name).join(CustomerTag, CustomerTag.tag_id == Tag.id)
                              .where(CustomerTag.customer_id == cid)))


def _count(book: Book, model: type, *where: object) -> int:
    with book.db.read() as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def test_a_friend_arrives_through_a_route(shop: Shop) -> None:
    e, book, routes = shop.emulator, shop.book, shop.routes
    counter = routes.add("カウンターQR", ["QR来店", "新規"])
    insta = routes.add("Instagram", ["インスタ"])
    assert routes.url(counter.id) == f"{shop.relay.base_url}/r/{counter.slug}"
    assert routes.publish(ADD_FRIEND) == 2
    assert all(r.published for r in routes.list())

    uid = "U" + "ab12" * 8  # not a friend yet: the arrival comes before the follow
    token = e.login.issue(uid)
    sent = _arrive(shop, counter.slug, token)
    assert sent.status_code == 303 and sent.headers["location"] == ADD_FRIEND
    # The friend's browser posting the page twice (a replay): one arrival all the same.
    page = shop.relay.http.get(f"/l/r/{counter.slug}")
    csrf = csrf_of(page.text)
    for _ in range(2):
        again = shop.relay.http.post(f"/l/r/{counter.slug}",
                                     data={"_csrf": csrf, "_id_token": token})
        assert again.status_code == 303
    shop.sync()

    cid = book.customers.by_line_user_id(uid)
    assert cid is not None
    assert {"QR来店", "新規"} <= set(_tags(book, cid))
    with book.db.read() as s:
        first = s.get(CustomerRoute, cid)
        assert first is not None and first.route_id == counter.id
    assert _count(book, RouteArrival) == 2  # two pages' posts; the replay counted once
    assert _count(book, DomainEvent, DomainEvent.kind == "route.arrived") == 2

    # The same item sealed and pulled again (a relay restarted and a replayed post, or a
    # batch not acknowledged): the book recognises its arrival id and counts nothing more.
    from relay.routes import store as relay_routes

    with book.db.read() as s:
        seen = s.scalars(select(RouteArrival.arrival_id)).first()
    assert seen is not None
    found = relay_routes.get(shop.relay.store, counter.slug)
    assert found is not None
    assert relay_routes.queue_arrival(shop.relay.store, found, seen, 1_780_000_000_000, uid)
    shop.sync()
    assert _count(book, RouteArrival) == 2
    assert _count(book, DomainEvent, DomainEvent.kind == "route.arrived") == 2

    # Later the same friend comes by Instagram: all arrivals kept, the first route stays.
    sent = _arrive(shop, insta.slug, e.login.issue(uid))
    assert sent.status_code == 303
    shop.sync()
    shop.sync()  # nothing new: nothing counted again
    with book.db.read() as s:
        first = s.get(CustomerRoute, cid)
        assert first is not None and first.route_id == counter.id
        today = dt.datetime.now(JST).date()
        counts = {c.name: c for c in route_counts(s, Period(today - dt.timedelta(days=1),
                                                            today + dt.timedelta(days=1)))}
        tab = crosstab(s, Dimension("route"), Dimension("tag"))
    assert "インスタ" in _tags(book, cid)
    assert (counts["カウンターQR"].arrivals, counts["カウンターQR"].friends,
            counts["カウンターQR"].first) == (2, 1, 1)
    assert (counts["Instagram"].arrivals, counts["Instagram"].friends,
            counts["Instagram"].first) == (1, 1, 0)
    assert [v.label for v in tab.rows] == ["カウンターQR", "Instagram", ""]
    assert tab.row_totals[:2] == [1, 0]  # a customer counts under their first route

    # The relay holds nothing readable about the friend: database and log scanned.
    shop.relay.stop()
    assert_nothing_personal("the relay's database", stored_bytes(shop.relay.db_url), [uid])
    assert_nothing_personal("the relay's log", shop.relay.log_path.read_bytes(), [uid])


def test_an_item_applied_twice_counts_once(shop: Shop) -> None:
    book, routes = shop.book, shop.routes
    route = routes.add("チラシ", ["チラシ"])
    uid = "U" + "cd34" * 8
    item = arrival_plaintext("0" * 31 + "1", route.slug, 1_780_000_000_000, uid)
    assert apply_arrival(book, item) == "arrived"
    assert apply_arrival(book, item) == "duplicate"
    assert _count(book, RouteArrival) == 1
    assert _count(book, DomainEvent, DomainEvent.kind == "route.arrived") == 1
    unknown = arrival_plaintext("0" * 31 + "2", "NoSuchRoute1", 1_780_000_000_000, uid)
    assert apply_arrival(book, unknown) == "unknown-route"
    assert _count(book, RouteArrival) == 1


def test_unknown_and_forged_routes_store_nothing(shop: Shop) -> None:
    e, relay, routes = shop.emulator, shop.relay, shop.routes
    route = routes.add("カウンターQR")
    routes.publish(ADD_FRIEND)
    for path in ("/r/NoSuchRoute1", "/r/bad!slug", "/l/r/NoSuchRoute1", "/r/" + "x" * 40):
        page = relay.http.get(path)
        assert page.status_code == 404, path
        assert "ページが見つかりません" in page.text
    forged_post = relay.http.post("/l/r/NoSuchRoute1", data={"_csrf": "1.2.3"})
    assert forged_post.status_code == 404
    bad_csrf = relay.http.post(f"/l/r/{route.slug}", data={"_csrf": "1.2.3"})
    assert bad_csrf.status_code == 403 and "開き直して" in bad_csrf.text
    # A post token of another route's page does not pass here.
    other = routes.add("Instagram")
    routes.publish(ADD_FRIEND)
    csrf_other = csrf_of(relay.http.get(f"/l/r/{other.slug}").text)
    crossed = relay.http.post(f"/l/r/{route.slug}", data={"_csrf": csrf_other})
    assert crossed.status_code == 403
    uid = "U" + "ef56" * 8
    csrf = csrf_of(relay.http.get(f"/l/r/{route.slug}").text)
    forged = relay.http.post(f"/l/r/{route.slug}",
                             data={"_csrf": csrf, "_id_token": "eyJhbGciOi.forged.token"})
    assert forged.status_code == 403 and "LINEの確認ができませんでした" in forged.text
    old = e.login.issue(uid)
    shop.clock.advance(3601)
    csrf = csrf_of(relay.http.get(f"/l/r/{route.slug}").text)
    expired = relay.http.post(f"/l/r/{route.slug}", data={"_csrf": csrf, "_id_token": old})
    assert expired.status_code == 403
    shop.sync()
    assert _count(shop.book, RouteArrival) == 0
    assert shop.book.customers.by_line_user_id(uid) is None


def test_without_liff_a_scan_is_counted_anonymously(plain_shop: Shop) -> None:
    shop = plain_shop
    route = shop.routes.add("チラシ", ["チラシ"])
    shop.routes.publish(ADD_FRIEND)
    scan = shop.relay.http.get(f"/r/{route.slug}")
    assert scan.status_code == 303 and scan.headers["location"] == ADD_FRIEND
    assert shop.relay.http.get(f"/l/r/{route.slug}").status_code == 404  # no LIFF here
    shop.sync()
    with shop.book.db.read() as s:
        [arrival] = s.scalars(select(RouteArrival)).all()
        assert arrival.customer_id is None
        today = dt.datetime.now(JST).date()
        [c] = route_counts(s, Period(today - dt.timedelta(days=1), today + dt.timedelta(days=1)))
    assert (c.arrivals, c.friends, c.first) == (1, 0, 0)


def test_route_dimension_against_plain_python(book: Book) -> None:
    """Random first routes and tags: the cross tabulation's counts are a plain count."""
    import random

    from app.routes.service import RouteService

    rnd = random.Random(5)
    routes = RouteService(book)
    made = [routes.add(name, [f"{name}タグ"]) for name in ("店頭", "Instagram", "チラシ")]
    firsts: dict[str, str] = {}
    for n in range(40):
        uid = "U" + f"{n:032x}"
        for k in range(rnd.randint(0, 3)):  # 0 to 3 arrivals, in order: the first one wins
            route = rnd.choice(made)
            item = arrival_plaintext(f"{n:016x}{k:016x}", route.slug, 1_780_000_000_000 + k,
                                     uid)
            assert apply_arrival(book, item) == "arrived"
            firsts.setdefault(uid, route.name)
    with book.db.read() as s:
        tab = crosstab(s, Dimension("route"), Dimension("tag"))
        ids = {cid: uid for cid, uid in s.execute(
            select(Customer.id, Customer.line_user_id))}
    assert [v.label for v in tab.rows] == ["店頭", "Instagram", "チラシ", ""]
    for r, value in enumerate(tab.rows[:-1]):
        expected = sorted(cid for cid, uid in ids.items() if firsts.get(uid) == value.label)
        assert sorted({cid for c in range(len(tab.cols)) for cid in tab.cell_ids(r, c)}) \
            == expected
        assert tab.row_totals[r] == len(expected)
    assert tab.row_totals[-1] == sum(1 for uid in ids.values() if uid not in firsts)


def test_renaming_keeps_the_url_and_deleting_stops_the_qr_code(shop: Shop) -> None:
    e, book, routes = shop.emulator, shop.book, shop.routes
    counter = routes.add("カウンターQR", ["QR来店"])
    flyer = routes.add("チラシ")
    assert routes.publish(ADD_FRIEND) == 2
    uid = "U" + "cd34" * 8
    assert _arrive(shop, counter.slug, e.login.issue(uid)).status_code == 303
    shop.sync()
    cid = book.customers.by_line_user_id(uid)
    assert cid is not None

    # A new name and new tags for later arrivals; the URL and the QR code stay.
    url = routes.url(counter.id)
    renamed = routes.rename(counter.id, "レジ横QR", ["QR来店", "レジ"])
    assert (renamed.slug, renamed.name, renamed.tags) == (counter.slug, "レジ横QR",
                                                          ["QR来店", "レジ"])
    assert routes.url(counter.id) == url
    try:
        routes.rename(counter.id, "チラシ")  # another route's name
    except RouteNameError:
        pass
    else:
        raise AssertionError("two routes named alike")
    assert routes.get(counter.id).name == "レジ横QR"

    assert routes.arrivals(counter.id) == 1
    gone = routes.delete(counter.id)
    assert gone.name == "レジ横QR" and [r.name for r in routes.list()] == ["チラシ"]
    assert _count(book, RouteArrival) == 0 and _count(book, CustomerRoute) == 0
    assert "QR来店" in _tags(book, cid)  # what the arrival gave the friend stays
    entry = book.audit.entries()[0]
    assert (entry.action, entry.target) == ("route_deleted", f"route:{counter.id}")
    # Until the routes are published again the relay still counts the old QR code; the
    # arrival it seals then is dropped when it comes down (nothing to file it under).
    assert _arrive(shop, counter.slug, e.login.issue(uid)).status_code == 303
    shop.sync()
    assert _count(book, RouteArrival) == 0
    assert routes.publish() == 1
    assert shop.relay.http.get(f"/r/{counter.slug}").status_code == 404
    assert shop.relay.http.get(f"/r/{flyer.slug}").status_code == 303
