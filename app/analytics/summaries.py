"""What the 分析 figures read instead of whole periods of messages and every address.

Three summaries live in the book (migration 0033), each kept by triggers so that no write
path (the sync, sending, an unsend, an import, a deletion) can forget them:

* ``message_day``: counted messages per local day and direction, exact after every write;
* ``message_wait``: each friend's waits for the shop (a run of their messages the shop had
  not answered, and the shop's next message). A wait depends on the friend's neighbouring
  messages, which can arrive late or out of order, so a trigger only marks the friend
  (``message_wait_dirty``); :func:`refresh` recomputes marked friends, and until it has,
  :func:`waits` recomputes them on the fly — a read is always exact;
* ``customer_prefecture``: the prefecture of each address (the cross tabulation).

"Counted" is app.messages' rule: what friends wrote and what the shop sent one to one,
system lines, postbacks and unsent messages left out.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.errors import BookBusyError
from app.messages import IN, NOT_COUNTED, OUT

if TYPE_CHECKING:
    from app.book import Book

log = logging.getLogger("otokui.analytics")

DAY_MS = 86_400_000
JST_MS = 9 * 3_600_000
#: From this many marked friends a refresh recomputes everybody's waits in one pass.
EVERYBODY_FROM = 5_000

_TYPES = {f"t{i}": t for i, t in enumerate(sorted(NOT_COUNTED))}
_COUNTED = (f"m.direction IN (:d_in, :d_out) AND m.type NOT IN "
            f"({', '.join(':' + k for k in _TYPES)}) AND m.unsent_at_ms IS NULL")
_PARAMS: dict[str, object] = {"d_in": IN, "d_out": OUT, **_TYPES}

# A friend's waits from their messages. Per friend, in time order, a run is a stretch of
# messages in one direction; a wait starts at the first message of a run of the friend's
# and ends at the shop's next message (NULL: not answered yet). One window pass sorted
# **backwards** serves both: ``lead`` is then the message before (a run starts where it is
# not the friend's) and a running ``min`` over the rows already seen is the shop's first
# message after. ``{who}`` picks the friends (the marked ones, or everybody).
_RUNS = f"""
SELECT c, a, answered FROM (
    SELECT m.customer_id AS c, m.at_ms AS a, m.direction AS d,
           lead(m.direction) OVER win AS p,
           min(CASE WHEN m.direction = :d_out THEN m.at_ms END)
               OVER (win ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS answered
    FROM message AS m WHERE {{who}} AND {_COUNTED}
    WINDOW win AS (PARTITION BY m.customer_id ORDER BY m.at_ms DESC, m.id DESC))
WHERE d = :d_in AND (p IS NULL OR p != d)
"""  # noqa: S608 (constants only: values are bound parameters)
_MARKED = "m.customer_id IN (SELECT customer_id FROM message_wait_dirty)"


def day_counts(s: Session, first_day: int, end_day: int) -> list[tuple[int, str, int]]:
    """(local day number, direction, messages) for days in [first_day, end_day)."""
    return [(d, direction, n) for d, direction, n in s.execute(text(
        "SELECT day, direction, n FROM message_day WHERE day >= :lo AND day < :hi "
        "AND n != 0"), {"lo": first_day, "hi": end_day})]


def waits(s: Session, lo_ms: int, hi_ms: int, until_ms: int) -> list[int]:
    """The waits (ms) that started in [lo_ms, hi_ms) and were answered before ``until_ms``:
    the stored ones of unmarked friends, and the marked friends' worked out now."""
    params = {"lo": lo_ms, "hi": hi_ms, "until": until_ms, **_PARAMS}
    stored = s.execute(text(
        "SELECT answered_ms - start_ms FROM message_wait WHERE start_ms >= :lo "
        "AND start_ms < :hi AND answered_ms < :until AND customer_id NOT IN "
        "(SELECT customer_id FROM message_wait_dirty)"), params).scalars().all()
    fresh = s.execute(text(
        f"SELECT answered - a FROM ({_RUNS.format(who=_MARKED)}) "  # noqa: S608
        "WHERE a >= :lo AND a < :hi AND answered < :until"), params).scalars().all()
    return [*stored, *fresh]


def prefecture_codes(s: Session) -> list[tuple[int, int]]:
    """(customer id, JIS code 1–47 of the prefecture of their address), for those with
    one recognised: PREFECTURES[code - 1] is its name."""
    return list(_raw(s).execute("SELECT customer_id, code FROM customer_prefecture"))


def prefecture_groups(s: Session) -> list[tuple[int, str]]:
    """(JIS code, its customers' ids joined with commas), in code order: the cross
    tabulation parses one string per prefecture instead of a row per customer."""
    return list(_raw(s).execute(
        "SELECT code, group_concat(customer_id) FROM customer_prefecture GROUP BY code "
        "ORDER BY code"))


def _raw(s: Session) -> Any:
    raw = s.connection().connection.driver_connection
    assert raw is not None
    return raw


def marked(s: Session) -> int:
    """How many friends' waits wait for :func:`refresh`."""
    return int(s.scalar(text("SELECT count(*) FROM message_wait_dirty")) or 0)


def refresh_in(s: Session) -> int:
    """Recompute the marked friends' waits in this write session; returns how many."""
    n = marked(s)
    if n >= EVERYBODY_FROM:
        # After an upgrade or a big import: one pass over every message sorts once,
        # where looking up each marked friend's messages seeks 100,000 times.
        s.execute(text("DELETE FROM message_wait"))
        s.execute(text(f"INSERT INTO message_wait (customer_id, start_ms, answered_ms) "
                       f"{_RUNS.format(who='1 = 1')}"), _PARAMS)
    elif n:
        s.execute(text("DELETE FROM message_wait WHERE customer_id IN "
                       "(SELECT customer_id FROM message_wait_dirty)"))
        s.execute(text(f"INSERT INTO message_wait (customer_id, start_ms, answered_ms) "
                       f"{_RUNS.format(who=_MARKED)}"), _PARAMS)
    if n:
        s.execute(text("DELETE FROM message_wait_dirty"))
    return n


def refresh(book: Book, wait: float | None = 0.5) -> int | None:
    """Store the marked friends' waits, so later reads need not work them out again.

    Opportunistic: the figures are exact without it, so when the book is busy writing
    (the sync, a broadcast) this gives up after ``wait`` seconds and returns None."""
    try:
        with book.db.write(wait=wait) as s:
            n = refresh_in(s)
    except BookBusyError:
        return None
    if n:
        log.info("analytics: waits recomputed for %d friends", n)
    return n


def all_runs(s: Session) -> list[tuple[int, int, Any]]:
    """Every friend's waits computed from their messages (tests compare the stored ones)."""
    return [tuple(r) for r in s.execute(text(_RUNS.format(who="1 = 1")), _PARAMS)]
