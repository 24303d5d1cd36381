# SQL here is built from fixed fragments and placeholders only; every value is bound.
# ruff: noqa: S608
"""Broadcast jobs in the book: stored whole before the first request, settled batch by batch.

Tables (migration 0005): ``broadcast`` (the job, its content and counts),
``broadcast_batch`` (one LINE request each, with its ``X-Line-Retry-Key`` written when the
job is stored, before any try) and ``broadcast_recipient`` (one row per customer: the
record of what happened for them, which is also how a customer's broadcasts are found).

Plain DB-API cursors for the bulk parts: a 100,000-recipient job is 100,000 rows written
at once and 200 batch updates, which the ORM would make ten times slower.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from app.broadcast.model import (
    NOT_SENT,
    PENDING,
    REASON_BLOCKED,
    REASON_NOT_ON_LINE,
    SKIPPED,
    TRYING,
    Counts,
)

if TYPE_CHECKING:
    from app.book import Book

#: SQLite's limit on bound parameters is far above this; chunks keep statements small.
CHUNK = 500


def cursor(s: Session) -> Any:
    return s.connection().connection.cursor()


def marks(n: int) -> str:
    return ",".join("?" * n)


@dataclass
class Batch:
    """A batch as the engine sends it."""

    id: int
    seq: int
    state: str
    retry_key: str
    key_made_ms: int
    #: (recipient row id, LINE user id, rendered messages or None) still to send.
    members: list[tuple[int, str, list[dict[str, Any]] | None]]


def insert_batches(s: Session, broadcast_id: int, sizes: Sequence[int],
                   keys: Sequence[str], now_ms: int) -> list[int]:
    """Store the batches (keys included); returns their ids in ``seq`` order."""
    cur = cursor(s)
    cur.executemany(
        "INSERT INTO broadcast_batch(broadcast_id, seq, state, retry_key, key_made_ms, size, "
        "attempts) VALUES (?, ?, ?, ?, ?, ?, 0)",
        [(broadcast_id, seq, PENDING, key, now_ms, size)
         for seq, (size, key) in enumerate(zip(sizes, keys, strict=True))])
    ids = [r[0] for r in cur.execute(
        "SELECT id FROM broadcast_batch WHERE broadcast_id = ? ORDER BY seq", (broadcast_id,))]
    cur.close()
    return ids


def insert_recipients(s: Session, broadcast_id: int,
                      rows: Iterable[tuple[int | None, int, str, str, str | None,
                                           list[dict[str, Any]] | None]]) -> None:
    """``rows``: (batch id, customer id, LINE user id, state, reason, messages)."""
    cur = cursor(s)
    cur.executemany(
        "INSERT INTO broadcast_recipient(broadcast_id, batch_id, customer_id, line_user_id, "
        "state, reason, messages) VALUES (?, ?, ?, ?, ?, ?, ?)",
        ((broadcast_id, batch, cid, uid, state, reason,
          None if messages is None else json.dumps(messages, ensure_ascii=False))
         for batch, cid, uid, state, reason, messages in rows))
    cur.close()


def state(s: Session, broadcast_id: int) -> str | None:
    cur = cursor(s)
    row = cur.execute("SELECT state FROM broadcast WHERE id = ?", (broadcast_id,)).fetchone()
    cur.close()
    return None if row is None else str(row[0])


def counts(s: Session, broadcast_id: int) -> Counts:
    cur = cursor(s)
    by_state = dict(cur.execute(
        "SELECT state, count(*) FROM broadcast_recipient WHERE broadcast_id = ? "
        "GROUP BY state", (broadcast_id,)).fetchall())
    cur.close()
    return Counts(recipients=sum(by_state.values()), sent=by_state.get("sent", 0),
                  failed=by_state.get("failed", 0), skipped=by_state.get("skipped", 0),
                  not_sent=by_state.get("not_sent", 0), pending=by_state.get("pending", 0))


def store_counts(s: Session, broadcast_id: int) -> Counts:
    c = counts(s, broadcast_id)
    cur = cursor(s)
    cur.execute("UPDATE broadcast SET sent = ?, failed = ?, skipped = ?, not_sent = ? "
                "WHERE id = ?", (c.sent, c.failed, c.skipped, c.not_sent, broadcast_id))
    cur.close()
    return c


def next_batches(s: Session, broadcast_id: int, limit: int, after_seq: int,
                 ) -> list[tuple[int, int, str, str, int]]:
    """Unsettled batches after ``after_seq`` (those that may have been tried first when
    ``after_seq`` is -1, the start of a run): (id, seq, state, key, key_made_ms)."""
    cur = cursor(s)
    rows = cur.execute(
        "SELECT id, seq, state, retry_key, key_made_ms FROM broadcast_batch "
        "WHERE broadcast_id = ? AND state IN (?, ?) AND seq > ? "
        "ORDER BY seq LIMIT ?",
        (broadcast_id, TRYING, PENDING, after_seq, limit)).fetchall()
    cur.close()
    return [tuple(r) for r in rows]


def add_counts(s: Session, broadcast_id: int, delta: dict[str, int]) -> None:
    """Move the job's counts by what a wave settled (one GROUP BY per wave would read
    every recipient row again)."""
    cur = cursor(s)
    cur.execute("UPDATE broadcast SET sent = sent + ?, failed = failed + ?, "
                "skipped = skipped + ?, not_sent = not_sent + ? WHERE id = ?",
                (delta.get("sent", 0), delta.get("failed", 0), delta.get("skipped", 0),
                 delta.get("not_sent", 0), broadcast_id))
    cur.close()


def skip_gone(s: Session, batch_ids: Sequence[int]) -> int:
    """Recipients of never-tried batches who blocked the shop, left LINE or were deleted
    since planning: skipped, with the reason. Batches left empty are skipped too."""
    if not batch_ids:
        return 0
    cur = cursor(s)
    gone = cur.execute(
        "SELECT r.id, CASE WHEN c.id IS NULL OR c.line_user_id IS NULL "
        "OR c.line_user_id != r.line_user_id THEN ? ELSE ? END "
        "FROM broadcast_recipient r LEFT JOIN customer c ON c.id = r.customer_id "
        f"WHERE r.batch_id IN ({marks(len(batch_ids))}) AND r.state = ? "
        "AND (c.id IS NULL OR c.blocked_at IS NOT NULL OR c.line_user_id IS NULL "
        "OR c.line_user_id != r.line_user_id)",
        (REASON_NOT_ON_LINE, REASON_BLOCKED, *batch_ids, PENDING)).fetchall()
    if gone:
        cur.executemany("UPDATE broadcast_recipient SET state = ?, reason = ? WHERE id = ?",
                        [(SKIPPED, reason, rid) for rid, reason in gone])
        cur.execute(
            f"UPDATE broadcast_batch SET state = ? WHERE id IN ({marks(len(batch_ids))}) "
            "AND NOT EXISTS (SELECT 1 FROM broadcast_recipient r WHERE r.batch_id = "
            "broadcast_batch.id AND r.state = ?)", (SKIPPED, *batch_ids, PENDING))
    cur.close()
    return len(gone)


def members(s: Session, batch_ids: Sequence[int]) -> dict[int, list[tuple[int, str, Any]]]:
    out: dict[int, list[tuple[int, str, Any]]] = {b: [] for b in batch_ids}
    if not batch_ids:
        return out
    cur = cursor(s)
    for rid, batch, uid, raw in cur.execute(
            "SELECT id, batch_id, line_user_id, messages FROM broadcast_recipient "
            f"WHERE batch_id IN ({marks(len(batch_ids))}) AND state = ? ORDER BY id",
            (*batch_ids, PENDING)):
        out[batch].append((rid, uid, json.loads(raw) if raw else None))
    cur.close()
    return out


def set_batches(s: Session, rows: Sequence[tuple[int, str, int, str | None, str | None,
                                                 str | None]]) -> None:
    """Batch outcomes: (id, state, attempts added, request id, accepted request id,
    reason); a settled batch settles its pending recipients the same way."""
    cur = cursor(s)
    cur.executemany(
        "UPDATE broadcast_batch SET state = ?, attempts = attempts + ?, "
        "request_id = coalesce(?, request_id), "
        "accepted_request_id = coalesce(?, accepted_request_id), reason = ? WHERE id = ?",
        [(state, attempts, rid, acc, reason, bid)
         for bid, state, attempts, rid, acc, reason in rows])
    cur.executemany(
        "UPDATE broadcast_recipient SET state = ?, reason = ? WHERE batch_id = ? AND state = ?",
        [(state, reason, bid, PENDING) for bid, state, _, _, _, reason in rows
         if state not in (PENDING, TRYING)])
    cur.close()


def mark_trying(s: Session, batch_ids: Sequence[int]) -> None:
    """Written before the first try of each batch: from now on it may have been sent."""
    if not batch_ids:
        return
    cur = cursor(s)
    cur.execute(f"UPDATE broadcast_batch SET state = ? WHERE id IN ({marks(len(batch_ids))}) "
                "AND state = ?", (TRYING, *batch_ids, PENDING))
    cur.close()


def settle_rest(s: Session, broadcast_id: int, state: str, reason: str, *,
                include_trying: bool = False) -> None:
    """Every unsettled batch (never tried ones only, unless ``include_trying``) and its
    recipients: ``state`` with ``reason`` (quota, cancelled)."""
    cur = cursor(s)
    states = (PENDING, TRYING) if include_trying else (PENDING,)
    cur.execute(
        "UPDATE broadcast_recipient SET state = ?, reason = ? WHERE broadcast_id = ? "
        "AND state = ? AND batch_id IN (SELECT id FROM broadcast_batch WHERE broadcast_id = ? "
        f"AND state IN ({marks(len(states))}))",
        (state, reason, broadcast_id, PENDING, broadcast_id, *states))
    cur.execute(f"UPDATE broadcast_batch SET state = ?, reason = ? WHERE broadcast_id = ? "
                f"AND state IN ({marks(len(states))})", (state, reason, broadcast_id, *states))
    cur.close()


def renew_old_keys(s: Session, broadcast_id: int, fresh: dict[int, tuple[str, int]]) -> None:
    """New keys for never-tried batches whose key LINE might have forgotten (a job that
    waited a day): safe, since LINE never saw the old key."""
    cur = cursor(s)
    cur.executemany("UPDATE broadcast_batch SET retry_key = ?, key_made_ms = ? "
                    "WHERE id = ? AND state = ?",
                    [(key, made, bid, PENDING) for bid, (key, made) in fresh.items()])
    cur.close()


def old_batches(s: Session, broadcast_id: int, older_than_ms: int) -> list[tuple[int, str]]:
    cur = cursor(s)
    rows = cur.execute("SELECT id, state FROM broadcast_batch WHERE broadcast_id = ? AND "
                       "state IN (?, ?) AND key_made_ms < ?",
                       (broadcast_id, PENDING, TRYING, older_than_ms)).fetchall()
    cur.close()
    return [tuple(r) for r in rows]


def not_sent_unless_started(book: Book, broadcast_id: int) -> None:
    """(For cancel of a job not running here.) Never-tried batches become not sent."""
    with book.db.write() as s:
        settle_rest(s, broadcast_id, NOT_SENT, "cancelled")
        store_counts(s, broadcast_id)
