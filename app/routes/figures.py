"""Counts per inflow route in a period (the 分析 figure ``routes``; docs/analytics.md).

* ``arrivals``: arrivals through the route in the period (anonymous ones included: a scan
  without LIFF is counted, not known);
* ``friends``: the distinct customers known to have arrived through it in the period;
* ``first``: customers whose first route it is, with that first arrival in the period.

Every arrival is applied once (``arrival_id``), so an item pulled twice counts once.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from app.analytics.period import Period
from app.store.models_routes import CustomerRoute, InflowRoute, RouteArrival


@dataclass(frozen=True)
class RouteCount:
    route_id: int
    name: str
    arrivals: int
    friends: int
    first: int


def route_counts(s: Session, period: Period) -> list[RouteCount]:
    """Every route, in creation order, with its counts in ``period`` (zeros included)."""
    lo, hi = period.utc_bounds()
    in_period = (RouteArrival.arrived_at >= lo) & (RouteArrival.arrived_at < hi)
    counted = {rid: (n, f) for rid, n, f in s.execute(
        select(RouteArrival.route_id, func.count(),
               func.count(distinct(RouteArrival.customer_id)))
        .where(in_period).group_by(RouteArrival.route_id))}
    first = dict(s.execute(
        select(CustomerRoute.route_id, func.count())
        .where(CustomerRoute.arrived_at >= lo, CustomerRoute.arrived_at < hi)
        .group_by(CustomerRoute.route_id)).all())
    out = []
    for rid, name in s.execute(select(InflowRoute.id, InflowRoute.name).order_by(InflowRoute.id)):
        n, f = counted.get(rid, (0, 0))
        out.append(RouteCount(rid, name, int(n), int(f), int(first.get(rid, 0))))
    return out
