"""The owner's inflow routes: create, list with counts, URL and QR code, publish.

A route's URL is ``{relay}/r/{slug}``: the slug is random (it says nothing about the
route's name, so a friend reading the URL learns nothing), and it is what the relay and the
sealed arrivals name the route by. Publishing sends the relay every route's slug and the
shop's add-friend URL (nothing personal), all at once (``PUT /v1/routes``).
"""

from __future__ import annotations

import builtins
import logging
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.audit import AuditAction
from app.routes.errors import (
    RouteAddFriendUrlError,
    RouteNameError,
    RouteNeedsRelayError,
    RouteNotFoundError,
    RouteRelayRefusedError,
)
from app.store.models import BookSetting, utcnow
from app.store.models_routes import InflowRoute, RouteArrival

if TYPE_CHECKING:
    from app.book import Book

log = logging.getLogger("otokui.routes")

ADD_FRIEND_KEY = "routes.add_friend_url"
MAX_NAME = 100
MAX_URL = 500
#: QR module size in pixels for the PNG (a 5 cm print at 300 dpi reads from far away).
QR_SCALE = 10


@dataclass(frozen=True)
class RouteInfo:
    id: int
    slug: str
    name: str
    tags: list[str]
    published: bool


def _info(row: InflowRoute) -> RouteInfo:
    return RouteInfo(row.id, row.slug, row.name, list(row.tags or []),
                     row.published_at is not None)


def new_slug() -> str:
    """12 URL-safe characters (72 random bits): not guessable, short in a QR code."""
    return secrets.token_urlsafe(9)


def check_add_friend_url(url: str) -> str:
    url = (url or "").strip()
    if not url.startswith("https://") or len(url) > MAX_URL or not url.isascii() \
            or any(c.isspace() or ord(c) < 32 for c in url):
        raise RouteAddFriendUrlError()
    return url


class RouteService:
    def __init__(self, book: Book) -> None:
        self._book = book

    # --- the routes ---------------------------------------------------------------------
    def add(self, name: str, tags: builtins.list[str] | None = None) -> RouteInfo:
        from app.tags import TagService

        name = (name or "").strip()
        if not 0 < len(name) <= MAX_NAME:
            raise RouteNameError()
        wanted: builtins.list[str] = []
        for tag in tags or []:
            tag = tag.strip()
            if tag and tag not in wanted:
                wanted.append(tag)
        try:
            with self._book.db.write() as s:
                if s.scalar(select(InflowRoute.id).where(InflowRoute.name == name)):
                    raise RouteNameError()
                TagService.ensure_in(s, wanted)  # checks the names; the tags exist now
                row = InflowRoute(slug=new_slug(), name=name, tags=wanted, created_at=utcnow())
                s.add(row)
                s.flush()
                info = _info(row)
        except IntegrityError:
            raise RouteNameError() from None
        log.info("inflow route %d created", info.id)
        self._book.announce("routes", [info.id])
        return info

    def rename(self, ref: int | str, name: str,
               tags: builtins.list[str] | None = None) -> RouteInfo:
        """A new name (and, when given, new tags for later arrivals). The URL and the QR
        code stay the same: the slug, not the name, is what they carry."""
        from app.tags import TagService

        name = (name or "").strip()
        if not 0 < len(name) <= MAX_NAME:
            raise RouteNameError()
        try:
            with self._book.db.write() as s:
                row = self._row(s, ref)
                if s.scalar(select(InflowRoute.id).where(InflowRoute.name == name,
                                                         InflowRoute.id != row.id)):
                    raise RouteNameError()
                row.name = name
                if tags is not None:
                    wanted = list(dict.fromkeys(t.strip() for t in tags if t.strip()))
                    TagService.ensure_in(s, wanted)
                    row.tags = wanted
                s.flush()
                info = _info(row)
        except IntegrityError:
            raise RouteNameError() from None
        log.info("inflow route %d renamed", info.id)
        self._book.announce("routes", [info.id])
        return info

    def arrivals(self, ref: int | str) -> int:
        """How many arrivals the book has recorded through the route (ever)."""
        from sqlalchemy import func

        with self._book.db.read() as s:
            row = self._row(s, ref)
            return int(s.scalar(select(func.count()).select_from(RouteArrival).where(
                RouteArrival.route_id == row.id)) or 0)

    def delete(self, ref: int | str) -> RouteInfo:
        """Delete the route with its arrivals and the "first came by" of its customers
        (their tags stay). The relay keeps counting scans of its QR code until the routes
        are published again: :meth:`publish` sends the routes left, and arrivals already
        sealed for a deleted route are dropped when they come down."""
        with self._book.db.write() as s:
            row = self._row(s, ref)
            info = _info(row)
            s.delete(row)
        self._book.audit.record(AuditAction.ROUTE_DELETED, target=f"route:{info.id}",
                                name=info.name)
        log.info("inflow route %d deleted", info.id)
        self._book.announce("routes", [info.id])
        return info

    def list(self) -> builtins.list[RouteInfo]:
        with self._book.db.read() as s:
            return [_info(r) for r in s.scalars(select(InflowRoute).order_by(InflowRoute.id))]

    def get(self, ref: int | str) -> RouteInfo:
        with self._book.db.read() as s:
            return _info(self._row(s, ref))

    @staticmethod
    def _row(s: Any, ref: int | str) -> InflowRoute:
        row: InflowRoute | None = None
        if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
            row = s.get(InflowRoute, int(ref))
        if row is None and isinstance(ref, str):
            row = s.scalar(select(InflowRoute).where(InflowRoute.slug == ref))
        if row is None:
            raise RouteNotFoundError(str(ref)[:40])
        return row

    # --- URL and QR code ------------------------------------------------------------------
    def url(self, ref: int | str) -> str:
        """``{relay}/r/{slug}``: what the QR code holds and the owner posts on Instagram."""
        base = self._book.line.relay_url
        if not base:
            raise RouteNeedsRelayError()
        return f"{base.rstrip('/')}/r/{self.get(ref).slug}"

    def qr(self, ref: int | str, path: Path) -> str:
        """Write the route's QR code as PNG or SVG (by the file's suffix); its URL."""
        import segno

        url = self.url(ref)
        kind = path.suffix.lower().lstrip(".")
        if kind not in ("png", "svg"):
            raise ValueError("the QR code file must end in .png or .svg")
        qr = segno.make(url, error="m", micro=False)
        if kind == "png":
            qr.save(str(path), kind="png", scale=QR_SCALE, border=4)
        else:
            qr.save(str(path), kind="svg", scale=QR_SCALE, border=4, xmldecl=False,
                    title=self.get(ref).name)
        return url

    # --- the relay --------------------------------------------------------------------------
    def add_friend_url(self) -> str | None:
        with self._book.db.read() as s:
            row = s.get(BookSetting, ADD_FRIEND_KEY)
            return None if row is None else str(row.value)

    def set_add_friend_url(self, url: str) -> str:
        url = check_add_friend_url(url)
        with self._book.db.write() as s:
            s.merge(BookSetting(key=ADD_FRIEND_KEY, value=url))
        return url

    def _default_add_friend_url(self) -> str:
        """``https://line.me/R/ti/p/@basic_id``: LINE's add-friend page for the account."""
        gateway = self._book.line.gateway()
        if gateway is None:
            raise RouteNeedsRelayError()
        return "https://line.me/R/ti/p/" + quote(gateway.bot_info().basic_id, safe="")

    def publish(self, add_friend_url: str | None = None) -> int:
        """Send every route (slug) and the add-friend URL to the relay; how many routes."""
        if add_friend_url:
            url = self.set_add_friend_url(add_friend_url)
        else:
            url = self.add_friend_url() or self.set_add_friend_url(
                self._default_add_friend_url())
        if not self._book.line.relay_url:
            raise RouteNeedsRelayError()
        with self._book.db.read() as s:
            slugs = [r for r in s.scalars(select(InflowRoute.slug).order_by(InflowRoute.id))]
        with self._book.line.relay_client() as relay:
            response = relay._request("PUT", "/v1/routes",
                                      json={"add_friend_url": url, "routes": slugs})
        if response.status_code != 200:
            log.warning("the relay answered %d to the routes", response.status_code)
            raise RouteRelayRefusedError(f"HTTP {response.status_code}")
        now = utcnow()
        with self._book.db.write() as s:
            for row in s.scalars(select(InflowRoute).where(InflowRoute.slug.in_(slugs))):
                row.published_at = now
        log.info("%d inflow route(s) published to the relay", len(slugs))
        self._book.announce("routes", [])
        return len(slugs)
