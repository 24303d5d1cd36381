"""The summaries the 分析 figures read (app/analytics/summaries.py) stay equal to what
they summarise, whatever writes: messages inserted out of order, unsent, deleted, moved;
customers' addresses set, changed and deleted. Each check compares against the book's own
rows counted here in plain Python."""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from app.analytics import summaries
from app.book import Book
from app.messages import NOT_COUNTED
from app.prefectures import PREFECTURES, prefecture_of
from app.profile import Profile

DAY, JST = 86_400_000, 9 * 3_600_000
T0 = 1_790_000_000_000  # ms, Sept 2026


@pytest.fixture
def book(tmp_path: Path) -> Iterator[Book]:
    b = Profile(tmp_path / "profile").create(passphrase="しっかりした合言葉 2026")
    try:
        yield b
    finally:
        b.close()


def _customers(book: Book, n: int) -> list[int]:
    with book.db.write() as s:
        for i in range(n):
            s.execute(text(
                "INSERT INTO customer (line_user_id, display_name, name, furigana, "
                "furigana_key, phone, phone_digits, email, email_key, postal_code, address, "
                "memo, is_owner, created_at, updated_at) VALUES (:u, '', :n, '', '', '', "
                "'', '', '', '', :a, '', 0, '2026-09-01', '2026-09-01')"),
                {"u": f"U{i:032x}", "n": f"客{i}",
                 "a": ["東京都渋谷区1", "〒150-0001 大阪府北区", "渋谷区2", ""][i % 4]})
        return list(s.execute(text("SELECT id FROM customer ORDER BY id")).scalars())


def _insert(book: Book, rows: list[tuple[int, str, str, int]]) -> None:
    with book.db.write() as s:
        s.execute(text(
            "INSERT INTO message (customer_id, direction, type, text, payload, at_ms, "
            "created_at) VALUES (:c, :d, :t, '', '{}', :a, '2026-09-01')"),
            [{"c": c, "d": d, "t": t, "a": a} for c, d, t, a in rows])


def _messages(book: Book) -> list[tuple[int, int, str, str, int, Any]]:
    with book.db.read() as s:
        return [tuple(r) for r in s.execute(text(
            "SELECT id, customer_id, direction, type, at_ms, unsent_at_ms FROM message"))]


def _counted(rows: list[tuple[int, int, str, str, int, Any]]) -> list[tuple[int, int, str, int]]:
    return [(mid, c, d, a) for mid, c, d, t, a, unsent in rows
            if d in ("in", "out") and t not in NOT_COUNTED and unsent is None]


def _want_days(book: Book) -> Counter[tuple[int, str]]:
    return Counter(((a + JST) // DAY, d) for _, _, d, a in _counted(_messages(book)))


def _want_waits(book: Book) -> list[tuple[int, int, int | None]]:
    per: dict[int, list[tuple[int, int, str]]] = {}
    for mid, c, d, a in _counted(_messages(book)):
        per.setdefault(c, []).append((a, mid, d))
    out = []
    for c, msgs in per.items():
        pending = None
        for a, _mid, d in sorted(msgs):
            if d == "in" and pending is None:
                pending = a
            elif d == "out" and pending is not None:
                out.append((c, pending, a))
                pending = None
        if pending is not None:
            out.append((c, pending, None))
    return sorted(out, key=lambda w: (w[0], w[1]))


def _stored_days(book: Book) -> Counter[tuple[int, str]]:
    with book.db.read() as s:
        return Counter({(d, direction): n for d, direction, n
                        in summaries.day_counts(s, 0, 10**9)})


def _stored_waits(book: Book) -> list[tuple[int, int, int | None]]:
    with book.db.read() as s:
        return sorted((tuple(r) for r in s.execute(text(
            "SELECT customer_id, start_ms, answered_ms FROM message_wait"))),
            key=lambda w: (w[0], w[1]))


def _read_waits(book: Book, lo: int, hi: int, until: int) -> list[int]:
    with book.db.read() as s:
        return sorted(summaries.waits(s, lo, hi, until))


def _want_read(book: Book, lo: int, hi: int, until: int) -> list[int]:
    return sorted(a - st for _c, st, a in _want_waits(book)
                  if a is not None and lo <= st < hi and a < until)


def test_the_triggers_count_what_app_messages_counts() -> None:
    from importlib import import_module

    migration = import_module("app.store.migrations.versions.0033_analytics_summaries")
    assert ", ".join(f"'{t}'" for t in sorted(NOT_COUNTED)) == migration.NOT_COUNTED_SQL


def test_days_and_waits_follow_every_kind_of_write(book: Book) -> None:
    rng = random.Random(5)
    people = _customers(book, 12)
    rows = [(rng.choice(people), rng.choice(["in", "in", "out"]),
             rng.choice(["text", "text", "text", "system", "postback"]),
             T0 + rng.randrange(40 * DAY)) for _ in range(600)]
    _insert(book, rows[:400])
    assert _stored_days(book) == _want_days(book)
    lo, hi = T0 + 10 * DAY, T0 + 25 * DAY
    # Before any refresh every friend is marked: reads work them out, exactly.
    assert _read_waits(book, lo, hi, hi + 30 * DAY) == _want_read(book, lo, hi, hi + 30 * DAY)
    assert summaries.refresh(book) == len({c for c, *_ in rows[:400]})
    assert _stored_waits(book) == _want_waits(book)
    with book.db.read() as s:
        assert summaries.marked(s) == 0

    # Late and out of order: older messages split runs the stored waits had joined.
    _insert(book, sorted(rows[400:], key=lambda r: -r[3]))
    assert _stored_days(book) == _want_days(book)
    assert _read_waits(book, lo, hi, hi + 30 * DAY) == _want_read(book, lo, hi, hi + 30 * DAY)
    summaries.refresh(book)
    assert _stored_waits(book) == _want_waits(book)

    # Unsend some, move one, delete some, delete a customer (its messages by cascade).
    ids = [m[0] for m in _messages(book)]
    with book.db.write() as s:
        s.execute(text("UPDATE message SET unsent_at_ms = at_ms + 1 WHERE id IN "
                       "(SELECT value FROM json_each(:ids))"),
                  {"ids": str(rng.sample(ids, 40))})
        s.execute(text("UPDATE message SET at_ms = at_ms - 3 * 86400000 WHERE id = :i"),
                  {"i": ids[7]})
        s.execute(text("DELETE FROM message WHERE id IN (SELECT value FROM json_each(:ids))"),
                  {"ids": str(rng.sample(ids, 30))})
        s.execute(text("DELETE FROM customer WHERE id = :c"), {"c": people[0]})
    assert _stored_days(book) == _want_days(book)
    assert _read_waits(book, lo, hi, hi + 30 * DAY) == _want_read(book, lo, hi, hi + 30 * DAY)
    summaries.refresh(book)
    assert _stored_waits(book) == _want_waits(book)
    assert _read_waits(book, lo, hi, hi + 2 * DAY) == _want_read(book, lo, hi, hi + 2 * DAY)


def test_a_busy_book_is_not_waited_for_and_reads_stay_exact(book: Book) -> None:
    people = _customers(book, 2)
    _insert(book, [(people[0], "in", "text", T0), (people[0], "out", "text", T0 + 5000)])
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with book.db.write():
            holding.set()
            release.wait(10)

    t = threading.Thread(target=hold)
    t.start()
    try:
        assert holding.wait(10)
        assert summaries.refresh(book, wait=0) is None  # gave up, changed nothing
    finally:
        release.set()
        t.join()
    assert _read_waits(book, T0, T0 + DAY, T0 + 2 * DAY) == [5000]
    assert summaries.refresh(book) == 1
    assert _read_waits(book, T0, T0 + DAY, T0 + 2 * DAY) == [5000]


def test_prefectures_follow_addresses(book: Book) -> None:
    people = _customers(book, 8)

    def stored() -> dict[int, str]:
        with book.db.read() as s:
            return {cid: PREFECTURES[code - 1] for cid, code in summaries.prefecture_codes(s)}

    def want() -> dict[int, str]:
        with book.db.read() as s:
            return {c: p for c, a in s.execute(text("SELECT id, address FROM customer"))
                    if (p := prefecture_of(a)) is not None}

    assert stored() == want() and len(want()) == 4  # the 〒-prefixed ones are found too
    with book.db.write() as s:
        s.execute(text("UPDATE customer SET address = '北海道札幌市' WHERE id = :c"),
                  {"c": people[2]})  # none → Hokkaido
        s.execute(text("UPDATE customer SET address = '' WHERE id = :c"),
                  {"c": people[0]})  # Tokyo → none
        s.execute(text("UPDATE customer SET address = '京都府京都市' WHERE id = :c"),
                  {"c": people[1]})  # Osaka → Kyoto
        s.execute(text("DELETE FROM customer WHERE id = :c"), {"c": people[4]})
    assert stored() == want()
    assert stored()[people[2]] == "北海道" and people[0] not in stored()
