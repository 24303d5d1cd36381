"""Inflow routes' tables (migration 0024_routes): the routes, every arrival through one,
and each customer's first route (docs/analytics.md, 流入経路)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.store.models import Base, utcnow


class InflowRoute(Base):
    """A way friends come to the shop (カウンターQR, Instagram, チラシ …): its opaque slug
    (the relay's id for it, in its URL and QR code) and the tags an arrival adds."""

    __tablename__ = "inflow_route"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    #: When the relay last took it (None: not published yet).
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class RouteArrival(Base):
    """One arrival sealed by the relay's route page (``arrival_id`` makes applying it
    again a no-op). ``customer_id`` is None for an anonymous arrival (no LIFF)."""

    __tablename__ = "route_arrival"

    id: Mapped[int] = mapped_column(primary_key=True)
    arrival_id: Mapped[str] = mapped_column(String(32), unique=True)
    route_id: Mapped[int] = mapped_column(ForeignKey("inflow_route.id", ondelete="CASCADE"))
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customer.id", ondelete="SET NULL"), index=True)
    arrived_at: Mapped[dt.datetime] = mapped_column(DateTime)

    __table_args__ = (Index("ix_route_arrival_route_at", "route_id", "arrived_at"),)


class CustomerRoute(Base):
    """The route a customer first came by (the first arrival applied wins)."""

    __tablename__ = "customer_route"

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), primary_key=True)
    route_id: Mapped[int] = mapped_column(
        ForeignKey("inflow_route.id", ondelete="CASCADE"), index=True)
    arrived_at: Mapped[dt.datetime] = mapped_column(DateTime)
