"""The "route" dimension of the cross tabulation (app/analytics/crosstab.py): each route
one value, a customer counted under their first route (customer_route); the None value
for customers who came by no route. No segment condition expresses a route yet, so the
values carry none (a cell still lists its customers)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.store.models_routes import CustomerRoute, InflowRoute


def route_values(s: Session, people: dict[int, Any], value: Any
                 ) -> tuple[list[Any], dict[int, list[int]]]:
    """The routes as ``value(key, label, condition)`` objects and, per customer who has
    one, the index of their first route."""
    routes = s.execute(select(InflowRoute.id, InflowRoute.name).order_by(InflowRoute.id)).all()
    index = {rid: i for i, (rid, _) in enumerate(routes)}
    values = [value(rid, name, None) for rid, name in routes]
    has: dict[int, list[int]] = {}
    for cid, rid in s.execute(select(CustomerRoute.customer_id, CustomerRoute.route_id)):
        if cid in people and rid in index:
            has[cid] = [index[rid]]
    return values, has
