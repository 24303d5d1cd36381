"""Counting segments on the 100,000-customer book, against baselines measured in the same run.

Run from the repository root::

    .venv/bin/python -m bench.segments                 # build (or reuse) and measure
    .venv/bin/python -m bench.segments --customers 20000 --repeat 20

The book is ``bench.book.build_book`` (same seed: the same customers, tags, custom fields and
addresses as ``bench/out/book-N``) built in its own folder, ``bench/out/segments-N``, plus
LINE conversations so that "last message within N days" has something to read: 40% of the
LINE friends have 1-12 messages over the year before the book's clock (received and sent
text, stickers and images, and the system line of the follow), with their conversation
summaries. The clock (``CLOCK``) is fixed: messages are made relative to it (and it is noted in
``segments.json``), and segments are counted at it, so they select the same customers on
every run.

Each segment is counted ``--repeat`` times with ``book.segments.count`` (what the live count
in the builder calls; p50, p95, and the very first count after opening, on a cold cache;
also the CPU time of the calls, which other work on a shared machine does not inflate),
with ``book.segments.counts`` (recipients and matched-but-blocked at once), and the
recipients' ids (``book.segments.ids``, what a broadcast is planned from). Baselines,
in the same run, on the same data:

* **python**: the columns the segment needs read from the same encrypted book (whole
  columns, no WHERE but the table or field) and filtered in Python: what counting costs
  without compiling the conditions to index-backed SQL;
* **plain**: the same ``SegmentService`` over an unencrypted SQLite copy of the book
  (``sqlcipher_export``), with the same page cache: what the encryption costs.

All three must agree on every count; the run stops otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import random
import statistics
import sys
import time
import unicodedata
from collections.abc import Callable
from types import SimpleNamespace

from sqlalchemy import text

from app.book import Book
from app.prefectures import prefecture_of
from app.profile import Profile
from app.segments import (
    AND,
    OR,
    BirthdayCondition,
    FieldCondition,
    Group,
    LastMessageCondition,
    LineCondition,
    PrefectureCondition,
    SegmentService,
    TagCondition,
)
from bench.book import OUT, PASSPHRASE, _p, _plain_copy, _PlainDatabase, build_book

JST = dt.timezone(dt.timedelta(hours=9))
TARGET_MS = 50
#: The book's clock: messages are made relative to it, and segments are counted at it.
CLOCK = dt.datetime(2026, 11, 1, 10, 0, tzinfo=JST)
DAY_MS = 86_400_000
STAMP = "segments.json"


def add_conversations(book: Book, seed: int = 17) -> int:
    """Messages and conversation summaries for 40% of the LINE friends; returns how many
    messages. Rows go in with executemany, as the sync worker writes them in bulk."""
    rng = random.Random(seed)
    now_ms = int(CLOCK.timestamp() * 1000)
    with book.db.write() as s:
        conn = s.connection()
        friends = list(conn.execute(text(
            "SELECT id, followed_at FROM customer WHERE line_user_id IS NOT NULL "
            "ORDER BY id")))
        messages: list[dict] = []
        summaries: list[dict] = []
        created = "2026-11-01 01:00:00"
        for cid, _followed in friends:
            if rng.random() >= 0.4:
                continue
            # Most conversations are old; some customers write often.
            start = now_ms - rng.randint(0, 365) * DAY_MS - rng.randint(0, DAY_MS)
            times = sorted(min(now_ms - 60_000, start + rng.randint(0, 120) * DAY_MS)
                           for _ in range(rng.randint(1, 12)))
            rows = [{"c": cid, "d": "in", "t": "system", "x": "", "p": '{"event": "followed"}',
                     "at": start - 60_000}]
            for at in times:
                direction = "in" if rng.random() < 0.6 else "out"
                mtype = rng.choices(["text", "sticker", "image"], [8, 1, 1])[0]
                rows.append({"c": cid, "d": direction, "t": mtype,
                             "x": "予約できますか？" if mtype == "text" else "", "p": "{}",
                             "at": at})
            for r in rows:
                r["created"] = created
            messages += rows
            last = rows[-1]
            summaries.append({"c": cid, "at": last["at"], "t": last["t"], "d": last["d"],
                              "pv": last["x"], "u": 0, "updated": created})
        conn.execute(text(
            "INSERT INTO message(customer_id, direction, type, text, payload, at_ms, created_at)"
            " VALUES (:c, :d, :t, :x, :p, :at, :created)"), messages)
        conn.execute(text(
            "INSERT INTO conversation(customer_id, last_at_ms, last_type, last_direction, "
            "last_preview, unread_count, read_up_to_ms, status, status_at_ms, "
            "friend_state_ms, updated_at) VALUES (:c, :at, :t, :d, :pv, :u, 0, 'open', 0, 0, "
            ":updated)"), summaries)
    return len(messages)


def prepare(n: int) -> Profile:
    """``bench.book``'s book of ``n`` customers in its own folder, with conversations."""
    folder = OUT / f"segments-{n}"
    profile = build_book(folder, n, attachments=False)
    stamp = folder / STAMP
    if not stamp.exists():
        book = profile.open(PASSPHRASE)
        try:
            made = add_conversations(book)
        finally:
            book.close()
        stamp.write_text(json.dumps({"messages": made, "clock": CLOCK.isoformat()}))
    return profile


# --- the segments, and the same counts done in Python --------------------------------------------

def segments(book: Book) -> list[tuple[str, Group, Callable[[Book], int]]]:
    tags = {t.name: t.id for t in book.tags.list()}
    fields = book.fields.by_name()
    visits = fields["来店回数"].id
    a, b, c, dormant = tags["VIP"], tags["常連"], tags["Instagram"], tags["休眠"]
    since_ms = int(dt.datetime.combine(CLOCK.date() - dt.timedelta(days=30), dt.time(),
                                       tzinfo=JST).timestamp() * 1000)

    def rows(sql: str, **params) -> list[tuple]:
        with book.db.read() as s:
            return list(s.execute(text(sql), params))

    def blocked() -> set[int]:
        return {cid for cid, at in rows("SELECT id, blocked_at FROM customer") if at}

    def tagged(tag_id: int) -> set[int]:
        return {cid for cid, tid in rows("SELECT customer_id, tag_id FROM customer_tag")
                if tid == tag_id}

    def py_two_tags_and_range(_: Book) -> int:
        pairs = rows("SELECT customer_id, tag_id FROM customer_tag")
        has_a = {cid for cid, tid in pairs if tid == a}
        has_b = {cid for cid, tid in pairs if tid == b}
        in_range = {cid for cid, v in rows(
            "SELECT customer_id, num_value FROM field_value WHERE field_id = :f", f=visits)
            if v is not None and 10 <= v <= 30}
        return len((has_a & has_b & in_range) - blocked())

    def py_birthday(_: Book) -> int:
        return sum(1 for _cid, day, at in rows("SELECT id, birthday, blocked_at FROM customer")
                   if day and str(day)[5:7] == "04" and not at)

    def py_prefecture_or_tag(_: Book) -> int:
        tokyo = {cid for cid, address, _at in rows(
            "SELECT id, address, blocked_at FROM customer")
            if prefecture_of(address) == "東京都"}
        return len((tokyo | tagged(c)) - blocked())

    def py_friends_not_dormant(_: Book) -> int:
        on_line = {cid for cid, uid, at in rows(
            "SELECT id, line_user_id, blocked_at FROM customer") if uid and not at}
        return len(on_line - tagged(dormant))

    def py_last_message(_: Book) -> int:
        wrote = {cid for cid, direction, mtype, at in rows(
            "SELECT customer_id, direction, type, at_ms FROM message")
            if direction == "in" and mtype not in ("system", "postback") and at >= since_ms}
        return len(wrote - blocked())

    return [
        ("VIP AND 常連 AND 来店回数 10-30",
         Group(AND, (TagCondition("any", (a,)), TagCondition("any", (b,)),
                     FieldCondition(visits, "between", (10, 30)))), py_two_tags_and_range),
        ("birthday in April", Group(AND, (BirthdayCondition(4),)), py_birthday),
        ("東京都 OR Instagram",
         Group(OR, (PrefectureCondition(("東京都",)), TagCondition("any", (c,)))),
         py_prefecture_or_tag),
        ("last message within 30 days", Group(AND, (LastMessageCondition(30),)),
         py_last_message),
        # Not one of the four asked for: most of the book, so the worst case is visible.
        ("LINE friends, not 休眠 (broad)",
         Group(AND, (LineCondition(True), TagCondition("none", (dormant,)))),
         py_friends_not_dormant),
    ]


def _timed(fn: Callable[[], object], repeat: int, cpu: list[float] | None = None
           ) -> list[float]:
    """Wall-clock milliseconds of ``repeat`` calls (and their CPU time into ``cpu``)."""
    out = []
    for _ in range(repeat):
        c, t = time.process_time(), time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
        if cpu is not None:
            cpu.append((time.process_time() - c) * 1000)
    return out


def measure(profile: Profile, repeat: int) -> dict:
    key = profile.unlock_key(PASSPHRASE)
    book = profile._open_with_key(profile.manifest(), key)
    plain_path = _plain_copy(profile, key, profile.root.parent / "segments-plain-copy.db")
    plain_db = _PlainDatabase(plain_path)
    plain = SegmentService(SimpleNamespace(db=plain_db))  # type: ignore[arg-type]
    results: dict = {"customers": book.customers.count(), "segments": []}
    with book.db.read() as s:
        results["messages"] = s.execute(text("SELECT count(*) FROM message")).scalar_one()
        results["blocked"] = s.execute(text(
            "SELECT count(*) FROM customer WHERE blocked_at IS NOT NULL")).scalar_one()
    try:
        for label, cond, in_python in segments(book):
            t = time.perf_counter()
            count = book.segments.count(cond, now=CLOCK)
            first = (time.perf_counter() - t) * 1000
            cpu: list[float] = []
            times = _timed(lambda c=cond: book.segments.count(c, now=CLOCK), repeat, cpu)
            both = _timed(lambda c=cond: book.segments.counts(c, now=CLOCK), repeat)
            listed = _timed(lambda c=cond: book.segments.ids(c, now=CLOCK), max(5, repeat // 5))
            plain_times = _timed(lambda c=cond: plain.count(c, now=CLOCK), repeat)
            py_times = _timed(lambda f=in_python: f(book), max(3, repeat // 10))
            counts = book.segments.counts(cond, now=CLOCK)
            checks = {"otokui": count, "plain": plain.count(cond, now=CLOCK),
                      "python": in_python(book), "counts": counts.recipients}
            if len(set(checks.values())) != 1:
                raise SystemExit(f"{label}: the counts disagree: {checks}")
            results["segments"].append({
                "label": label, "count": count, "blocked": counts.blocked, "first": first,
                "p50": _p(times, .5), "p95": _p(times, .95), "cpu_p50": _p(cpu, .5),
                "both_p50": _p(both, .5), "both_p95": _p(both, .95), "ids_p50": _p(listed, .5),
                "plain_p50": _p(plain_times, .5), "plain_p95": _p(plain_times, .95),
                "py_p50": statistics.median(py_times)})
    finally:
        book.close()
        plain_db.engine.dispose()
        with contextlib.suppress(FileNotFoundError):
            plain_path.unlink()
    return results


def _pad(label: str, width: int) -> str:
    """``label`` padded to ``width`` terminal columns (a kanji takes two)."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in label)
    return label + " " * max(0, width - used)


def report(r: dict) -> list[str]:
    lines = [f"customers: {r['customers']:,} ({r['blocked']:,} blocked), "
             f"messages: {r['messages']:,}; counted at {CLOCK.isoformat()}",
             "",
             f"{'segment':<32}{'count':>7}{'first':>9}{'p50':>8}{'p95':>8}{'cpu p50':>9}"
             f"{'counts() p95':>13}{'ids() p50':>10}{'plain p50':>10}{'python p50':>11}"
             f"{'vs python':>10}"
             f"{'vs plain':>9}"]
    worst = 0.0
    for s in r["segments"]:
        worst = max(worst, s["p95"])
        lines.append(
            f"{_pad(s['label'], 32)}{s['count']:>7,}{s['first']:>7.1f}ms{s['p50']:>6.2f}ms"
            f"{s['p95']:>6.2f}ms{s['cpu_p50']:>7.2f}ms{s['both_p95']:>11.2f}ms"
            f"{s['ids_p50']:>8.1f}ms{s['plain_p50']:>8.2f}ms"
            f"{s['py_p50']:>9.0f}ms{s['py_p50'] / s['p50']:>9.0f}x"
            f"{s['p50'] / s['plain_p50']:>8.2f}x")
    lines.append(f"worst p95 of count(): {worst:.2f} ms (target ≤ {TARGET_MS} ms): "
                 + ("met" if worst <= TARGET_MS else "NOT met"))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args(argv)
    OUT.mkdir(exist_ok=True)
    t = time.perf_counter()
    profile = prepare(args.customers)
    print(f"book ready in {time.perf_counter() - t:.1f} s ({profile.root})")
    for line in report(measure(profile, args.repeat)):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
