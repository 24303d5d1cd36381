"""The 分析 dashboard's figures and a cross tabulation on a big book, against a baseline
measured in the same run.

    .venv/bin/python -m bench.analytics                       # 100,000 / 1,000,000
    .venv/bin/python -m bench.analytics --customers 20000 --messages 200000

The book (``bench/out/analytics-N``, reused when its stamp matches) has N customers with
tags, birthdays and addresses, M messages over the year before CLOCK (received and sent,
some system lines), follow/block/unblock timeline events, 24 broadcasts to 5,000 friends
each, and a form with 5,000 answers. Rows go in with executemany, as the sync writes them.

Measured: ``figures.dashboard`` for the month before CLOCK (with the previous month) on a
freshly opened book (cold: the first call after opening), then warm (p50 of --repeat);
``crosstab`` tag × prefecture and tag × birthday month. Baseline: the same numbers
from whole columns read without WHERE and counted in Python (what it costs without the
period's index range). The two must agree; the run stops otherwise.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import statistics
import sys
import time
from collections import Counter

from sqlalchemy import select, text

from app.analytics import dashboard, figures, shop_figures, summaries
from app.analytics.crosstab import Dimension, crosstab
from app.analytics.period import Period, bucket_of, local_date
from app.profile import Profile
from app.store.models import TimelineEvent
from bench.book import OUT, PASSPHRASE

CLOCK = dt.datetime(2026, 11, 1)  # naive UTC
PERIOD = Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
PREFS = ("東京都", "神奈川県", "大阪府", "愛知県", "福岡県", "北海道", "京都府", "沖縄県")
VERSION = 1


def _ms(when: dt.datetime) -> int:
    return int((when - dt.datetime(1970, 1, 1)).total_seconds() * 1000)


def build(n: int, m: int, seed: int = 17) -> Profile:
    root = OUT / f"analytics-{n}-{m}"
    stamp = root / "analytics.json"
    profile = Profile(root)
    if profile.exists() and stamp.exists() and json.loads(stamp.read_text())["v"] == VERSION:
        return profile
    shutil.rmtree(root, ignore_errors=True)
    rng = random.Random(seed)
    t0 = time.perf_counter()
    book = profile.create(passphrase=PASSPHRASE)
    year_ago = CLOCK - dt.timedelta(days=365)
    try:
        with book.db.write() as s:
            c = s.connection()
            c.execute(text("INSERT INTO tag (id, name, color, description, position, "
                           "customer_count, created_at) VALUES (:i, :n, '#4C8BF5', '', :i, "
                           "0, :t)"), [{"i": i, "n": f"タグ{i}", "t": year_ago}
                                       for i in range(1, 21)])
            customers, tags, events = [], [], []
            for cid in range(1, n + 1):
                followed = year_ago + dt.timedelta(seconds=rng.randint(0, 365 * 86400))
                blocked = followed + dt.timedelta(days=rng.randint(1, 200)) \
                    if rng.random() < 0.1 else None
                customers.append({
                    "id": cid, "u": f"U{cid:032x}", "name": f"客{cid}",
                    "addr": f"{rng.choice(PREFS)}中央1-{cid}",
                    "bd": dt.date(1980 + cid % 30, rng.randint(1, 12), rng.randint(1, 28))
                    if rng.random() < 0.7 else None,
                    "f": followed, "b": blocked if blocked and blocked < CLOCK else None,
                    "t": year_ago})
                for tid in rng.sample(range(1, 21), rng.randint(0, 3)):
                    tags.append({"c": cid, "t": tid, "a": followed})
                events.append({"c": cid, "a": followed, "k": "line_followed"})
                if blocked and blocked < CLOCK:
                    events.append({"c": cid, "a": blocked, "k": "line_blocked"})
                    if rng.random() < 0.3:
                        events.append({"c": cid, "a": blocked + dt.timedelta(days=3),
                                       "k": "line_unblocked"})
            c.execute(text(
                "INSERT INTO customer (id, line_user_id, display_name, name, furigana, "
                "furigana_key, phone, phone_digits, email, email_key, postal_code, address, "
                "birthday, memo, is_owner, created_at, updated_at, followed_at, blocked_at) "
                "VALUES (:id, :u, :name, :name, '', '', '', '', '', '', '', :addr, :bd, '', "
                "0, :t, :t, :f, :b)"), customers)
            c.execute(text("INSERT INTO customer_tag (customer_id, tag_id, added_at) "
                           "VALUES (:c, :t, :a)"), tags)
            c.execute(text("INSERT INTO timeline_event (customer_id, at, kind, data) "
                           "VALUES (:c, :a, :k, '{}')"), events)
            last: dict[int, tuple[str, str, int]] = {}
            batch = []
            start_ms, span = _ms(year_ago), 365 * 86_400_000
            for _ in range(m):
                cid = rng.randint(1, n)
                d = "in" if rng.random() < 0.55 else "out"
                ty = "system" if rng.random() < 0.03 else "text"
                at = start_ms + rng.randrange(span)
                batch.append({"c": cid, "d": d, "ty": ty, "a": at, "t": year_ago})
                if cid not in last or last[cid][2] < at:
                    last[cid] = (d, ty, at)
                if len(batch) == 50_000:
                    c.execute(text("INSERT INTO message (customer_id, direction, type, text, "
                                   "payload, at_ms, created_at) VALUES (:c, :d, :ty, '', '{}', "
                                   ":a, :t)"), batch)
                    batch = []
            if batch:
                c.execute(text("INSERT INTO message (customer_id, direction, type, text, "
                               "payload, at_ms, created_at) VALUES (:c, :d, :ty, '', '{}', "
                               ":a, :t)"), batch)
            c.execute(text(
                "INSERT INTO conversation (customer_id, last_at_ms, last_type, last_direction, "
                "last_preview, unread_count, read_up_to_ms, status, status_at_ms, "
                "friend_state_ms, updated_at) VALUES (:c, :a, :ty, :d, '', 0, 0, 'open', 0, "
                "0, :t)"), [{"c": k, "a": v[2], "ty": v[1], "d": v[0], "t": year_ago}
                            for k, v in last.items()])
            for b in range(1, 25):
                started = year_ago + dt.timedelta(days=15 * b, hours=2)
                c.execute(text(
                    "INSERT INTO broadcast (id, name, state, endpoint, content, audience, "
                    "recipients, cost, sent, failed, skipped, not_sent, created_at, "
                    "started_at, finished_at) VALUES (:i, :n, 'done', 'multicast', '{}', "
                    "'{}', 5000, 5000, 5000, 0, 0, 0, :s, :s, :s)"),
                    {"i": b, "n": f"配信{b}", "s": started})
                c.execute(text(
                    "INSERT INTO broadcast_recipient (broadcast_id, customer_id, line_user_id, "
                    "state) VALUES (:b, :c, :u, 'sent')"),
                    [{"b": b, "c": cid, "u": f"U{cid:032x}"}
                     for cid in rng.sample(range(1, n + 1), 5000)])
    finally:
        book.close()
    stamp.write_text(json.dumps({"v": VERSION, "n": n, "m": m,
                                 "built_s": round(time.perf_counter() - t0, 1)}))
    return profile


def add_shop(profile: Profile, n: int, bookings: int, orders: int, seed: int = 23) -> None:
    """Bookings and orders over the year before CLOCK (added once to a built book)."""
    stamp = profile.root / "analytics.json"
    meta = json.loads(stamp.read_text())
    if meta.get("shop") == [bookings, orders]:
        return
    rng = random.Random(seed)
    t0 = time.perf_counter()
    book = profile.open(PASSPHRASE)
    year_ago = CLOCK - dt.timedelta(days=365)
    try:
        with book.db.write() as s:
            c = s.connection()
            c.execute(text("DELETE FROM booking"))
            c.execute(text("DELETE FROM shop_order"))
            rows = []
            for i in range(bookings):
                start = dt.datetime.combine(
                    (year_ago + dt.timedelta(days=rng.randrange(365))).date(),
                    dt.time(rng.randint(10, 19), rng.choice((0, 30))))
                end = start + dt.timedelta(minutes=60)
                r = rng.random()
                status = ("visited" if r < 0.75 else "no_show" if r < 0.8
                          else "cancelled" if r < 0.9 else "booked")
                rows.append({"i": f"{i:040x}", "c": rng.randint(1, n), "m": f"menu{i % 10}",
                             "st": f"staff{i % 5}", "s": start, "e": end, "status": status,
                             "t": year_ago})
            c.execute(text(
                "INSERT INTO booking (id, customer_id, menu_id, staff_id, start, \"end\", "
                "busy_start, busy_end, status, source, price, answers, note, revision, "
                "created_at, updated_at) VALUES (:i, :c, :m, :st, :s, :e, :s, :e, :status, "
                "'desktop', 5000, '{}', '', 0, :t, :t)"), rows)
            buyers = rng.sample(range(1, n + 1), max(1, n // 3))
            c.execute(text(
                "INSERT INTO shop_order (number, customer_id, source, status, total, refunded, "
                "ordered_at, created_at) VALUES (:no, :c, 'counter', 'paid', :tot, :ref, :at, "
                ":at)"),
                [{"no": f"B{i:08d}", "c": rng.choice(buyers),
                  "tot": rng.randrange(500, 20_000, 10),
                  "ref": 500 if rng.random() < 0.02 else 0,
                  "at": year_ago + dt.timedelta(seconds=rng.randrange(365 * 86400))}
                 for i in range(orders)])
    finally:
        book.close()
    meta["shop"] = [bookings, orders]
    stamp.write_text(json.dumps(meta))
    print(f"bookings and orders added in {time.perf_counter() - t0:.1f} s")


def baseline(book: object) -> tuple[Counter[tuple[dt.date, str]], Counter[str]]:
    """Whole columns, no WHERE, counted in Python: friends per day and messages in/out."""
    db = book.db  # type: ignore[attr-defined]
    lo, hi = PERIOD.utc_bounds()
    mlo, mhi = PERIOD.ms_bounds()
    with db.read() as s:
        friends: Counter[tuple[dt.date, str]] = Counter(
            (bucket_of(local_date(at), "day"), k)
            for at, k in s.execute(select(TimelineEvent.at, TimelineEvent.kind))
            if k.startswith("line_") and lo <= at < hi)
        msgs: Counter[str] = Counter(
            d for d, ty, a in s.execute(text("SELECT direction, type, at_ms FROM message"))
            if ty not in ("system", "postback") and mlo <= a < mhi)
    return friends, msgs


def _time(fn):  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    out = fn()
    return out, (time.perf_counter() - t) * 1000


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, default=100_000)
    ap.add_argument("--messages", type=int, default=1_000_000)
    ap.add_argument("--bookings", type=int, default=50_000)
    ap.add_argument("--orders", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    t = time.perf_counter()
    profile = build(args.customers, args.messages)
    print(f"book ready in {time.perf_counter() - t:.1f} s "
          f"({args.customers:,} customers, {args.messages:,} messages)")
    add_shop(profile, args.customers, args.bookings, args.orders)
    print(f"{args.bookings:,} bookings, {args.orders:,} orders")

    # The summaries' upkeep (app/analytics/summaries.py): the friends whose messages
    # changed get their waits recomputed. After a build every friend is marked; in use, a
    # refresh sees those who wrote since the last one.
    book = profile.open(PASSPHRASE)
    try:
        n, ms = _time(lambda: summaries.refresh(book, wait=None))
        print(f"waits stored for {n:,} friends in {ms:.0f} ms (once after the build)")
    finally:
        book.close()

    book = profile.open(PASSPHRASE)
    try:
        def window() -> object:
            return dashboard.compute(book, PERIOD, "day", True)
        _, window_cold = _time(window)
        window_warm = statistics.median(_time(window)[1] for _ in range(args.repeat))
        print(f"the 分析 window's dashboard (every figure's table incl. bookings, busiest "
              f"hours, sales; previous period): cold {window_cold:.0f} ms, warm p50 "
              f"{window_warm:.0f} ms (target <= 500 ms)")
    finally:
        book.close()

    book = profile.open(PASSPHRASE)
    try:
        def dash() -> figures.Dashboard:
            with book.db.read() as s:
                return figures.dashboard(s, PERIOD, "day")
        d, cold = _time(dash)
        warm = statistics.median(_time(dash)[1] for _ in range(args.repeat))
        (friends, msgs), base = _time(lambda: baseline(book))
        for r in d.friends.rows:
            assert (r.added, r.blocked, r.unblocked) == (
                friends[(r.bucket, "line_followed")], friends[(r.bucket, "line_blocked")],
                friends[(r.bucket, "line_unblocked")]), r
        assert sum(r.received for r in d.messages.rows) == msgs["in"]
        assert sum(r.sent for r in d.messages.rows) == msgs["out"]
        print(f"dashboard (month + previous month, every figure): cold {cold:.0f} ms, "
              f"warm p50 {warm:.0f} ms (target <= 500 ms); baseline friends+messages by "
              f"whole columns {base:.0f} ms, {base / cold:.1f}x the dashboard cold")
        for name, fn in (("friends", lambda s: figures.friends(s, PERIOD)),
                         ("bookings", lambda s: shop_figures.bookings(s, PERIOD)),
                         ("sales", lambda s: shop_figures.sales(s, PERIOD, "day")),
                         ("block-rate", lambda s: figures.block_after_broadcasts(s, PERIOD)),
                         ("tags", figures.tag_distribution),
                         ("messages", lambda s: figures.messages(s, PERIOD)),
                         ("broadcasts", lambda s: figures.broadcasts(s, PERIOD)),
                         ("forms", lambda s: figures.forms(s, PERIOD))):
            with book.db.read() as s:
                _, ms = _time(lambda fn=fn, s=s: fn(s))
            print(f"  {name:<11} {ms:7.1f} ms")
        for a, b in (("tag", "prefecture"), ("tag", "birthday_month")):
            def cross(a: str = a, b: str = b) -> object:
                with book.db.read() as s:
                    return crosstab(s, Dimension(a), Dimension(b))
            tab, first = _time(cross)
            p50 = statistics.median(_time(cross)[1] for _ in range(args.repeat))
            print(f"crosstab {a} x {b}: first {first:.0f} ms, p50 {p50:.0f} ms "
                  f"(target <= 200 ms); {tab.total:,} customers")  # type: ignore[attr-defined]
    finally:
        book.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
