"""The product page never sells more than the shop has, while the desktop is off.

The desktop publishes each product's stock with the catalogue (``stock``: None = not
counted). The relay keeps, per product, ``base`` (that stock) and ``taken`` (what its page
reserved or sold since, that the desktop has not counted). Left = base − taken.

* :func:`reserve` (in the transaction that records the checkout, before Stripe is asked):
  a **conditional UPDATE** per product (``taken = taken + q WHERE base - taken >= q``)
  either takes the quantity or changes nothing; one line short and the whole transaction
  rolls back (:class:`OutOfStock`). On SQLite the write transaction holds the lock from its
  start; on PostgreSQL the UPDATE locks the row and re-checks the condition after waiting
  (as relay/booking/holds.py), so the last item goes to exactly one checkout.
* :func:`release` gives a checkout's quantities back once (Stripe refused to create the
  session, ``checkout.session.expired``, or the session's ``expires_at`` passed:
  :func:`release_expired` runs before every reservation and page view).
* :func:`sell`: paid — the hold becomes ``sold`` (still taken). Paid after its hold was
  released (clocks apart): taken again without condition (it is paid).
* :func:`publish`: the desktop's stock already counts every online order it applied, and
  it says which (``applied``: its online orders' numbers = the session ids). Those sold
  holds become ``applied`` and stop counting; ``taken`` is recomputed from the holds
  still open or sold-but-not-applied. So an order is counted by the relay until the
  desktop's stock has it, then only by the desktop: never twice, never forgotten.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, select, update

from relay.payments.schema import stock, stock_holds

HELD, SOLD, APPLIED, RELEASED = "held", "sold", "applied", "released"
#: A hold whose session's expiry is not known yet (Stripe not answered): Stripe's longest.
DEFAULT_HOLD_MS = 24 * 3600 * 1000
KEEP_RELEASED_MS = 7 * 24 * 3600 * 1000


@dataclass
class OutOfStock(Exception):
    code: str
    left: int


def order_number(session_id: str) -> str:
    """The desktop's order number for a session (app/purchases/online.py's rule)."""
    if len(session_id) <= 64:
        return session_id
    return "cs_" + hashlib.sha256(session_id.encode()).hexdigest()[:60]


def publish(conn: Connection, shop_id: str, counted: Mapping[str, int | None],
            applied: Iterable[str], now_ms: int) -> None:
    h = stock_holds.c
    numbers = set(applied)
    for row in conn.execute(select(h.request_id, h.session_id).where(
            h.shop_id == shop_id, h.state == SOLD)).all():
        if row.session_id is not None and order_number(row.session_id) in numbers:
            conn.execute(update(stock_holds).where(h.request_id == row.request_id)
                         .values(state=APPLIED))
    # Rows that count no more are let go: applied ones, and released ones a week past
    # their expiry (kept that long so a payment arriving late is still counted, see sell).
    conn.execute(delete(stock_holds).where(h.shop_id == shop_id, (h.state == APPLIED) | (
        (h.state == RELEASED) & (h.expires_at < now_ms - KEEP_RELEASED_MS))))
    open_ = dict(conn.execute(select(h.code, func.sum(h.quantity)).where(
        h.shop_id == shop_id, h.state.in_((HELD, SOLD))).group_by(h.code)).all())
    conn.execute(delete(stock).where(stock.c.shop_id == shop_id))
    for code, base in counted.items():
        if base is not None:
            conn.execute(insert(stock).values(shop_id=shop_id, code=code, base=base,
                                              taken=int(open_.get(code) or 0)))


def left(conn: Connection, shop_id: str) -> dict[str, int]:
    """Products with a counted stock → how many are left (never below 0)."""
    return {r.code: max(0, r.base - r.taken) for r in conn.execute(
        select(stock.c.code, stock.c.base, stock.c.taken).where(stock.c.shop_id == shop_id))}


def reserve(conn: Connection, shop_id: str, request_id: str,
            lines: Sequence[tuple[str, int]], now_ms: int) -> None:
    s = stock.c
    for code, qty in lines:
        counted = conn.execute(select(s.base, s.taken).where(
            s.shop_id == shop_id, s.code == code)).first()
        if counted is None:
            continue  # not counted: unlimited
        took = conn.execute(update(stock).where(
            s.shop_id == shop_id, s.code == code, s.base - s.taken >= qty)
            .values(taken=s.taken + qty)).rowcount
        if took != 1:
            now = conn.execute(select(s.base - s.taken).where(
                s.shop_id == shop_id, s.code == code)).scalar_one()
            raise OutOfStock(code, max(0, int(now)))
        conn.execute(insert(stock_holds).values(
            request_id=request_id, code=code, shop_id=shop_id, quantity=qty, state=HELD,
            expires_at=now_ms + DEFAULT_HOLD_MS))


def session_known(conn: Connection, request_id: str, session_id: str,
                  expires_at_ms: int | None) -> None:
    values: dict[str, object] = {"session_id": session_id}
    if expires_at_ms is not None:
        values["expires_at"] = expires_at_ms
    conn.execute(update(stock_holds).where(stock_holds.c.request_id == request_id)
                 .values(**values))


def _give_back(conn: Connection, shop_id: str, rows: Iterable[Any]) -> None:
    h = stock_holds.c
    for request_id, code, qty in rows:
        # The state change is conditional: a release racing another gives back once.
        if conn.execute(update(stock_holds).where(
                h.request_id == request_id, h.code == code, h.state == HELD)
                .values(state=RELEASED)).rowcount == 1:
            conn.execute(update(stock).where(stock.c.shop_id == shop_id, stock.c.code == code)
                         .values(taken=stock.c.taken - qty))


def release(conn: Connection, shop_id: str, request_id: str) -> None:
    h = stock_holds.c
    _give_back(conn, shop_id, conn.execute(select(h.request_id, h.code, h.quantity).where(
        h.request_id == request_id, h.shop_id == shop_id, h.state == HELD)).all())


def release_expired(conn: Connection, shop_id: str, now_ms: int) -> None:
    h = stock_holds.c
    _give_back(conn, shop_id, conn.execute(select(h.request_id, h.code, h.quantity).where(
        h.shop_id == shop_id, h.state == HELD, h.expires_at < now_ms)).all())


def sell(conn: Connection, shop_id: str, request_id: str) -> None:
    h = stock_holds.c
    for row in conn.execute(select(h.code, h.quantity, h.state).where(
            h.request_id == request_id, h.shop_id == shop_id)).all():
        if row.state == RELEASED:  # paid after its hold lapsed: taken again, it is paid
            conn.execute(update(stock).where(stock.c.shop_id == shop_id,
                                             stock.c.code == row.code)
                         .values(taken=stock.c.taken + row.quantity))
        if row.state in (HELD, RELEASED):
            conn.execute(update(stock_holds).where(and_(
                h.request_id == request_id, h.code == row.code)).values(state=SOLD))
