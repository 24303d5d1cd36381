"""Friends from before Otokui: importing the account's existing friends into the book.

LINE tells the desktop about a friend only when they do something (follow, write). Friends
who added the shop before Otokui was connected and have been quiet since are in the book
only after this import: ``GET /v2/bot/followers/ids`` pages through their user ids (1,000
a page, cursor ``next``), and ``GET /v2/bot/profile/{userId}`` gives each new one's name
and picture. LINE offers the list to verified and premium accounts only (others: 403,
:class:`app.line.errors.LineFollowersUnavailableError`).

Resumable and never duplicating:

* each page is written in one transaction together with the cursor of the *next* page
  (book setting ``line.followers_import``), so a run killed at any point resumes at the
  page it was on; the page's friends already written are recognised by their LINE user
  id (unique in the book) and not made twice;
* a friend the book already has (the sync made them, or an earlier import) is left as it
  is; one who blocked the shop in between (profile 404) is skipped.

Throttled: the calls are spaced by :class:`Throttle` (default 100 a second, a twentieth
of LINE's 2,000/s for these endpoints, which the sync and the sends share), and a 429
is waited out with growing pauses before giving up.
"""

from __future__ import annotations

import functools
import logging
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from app.customers import CustomerService
from app.errors import CancelledError
from app.line.errors import LineRateLimitedError
from app.store.models import BookSetting, Customer, TimelineEvent, utcnow

if TYPE_CHECKING:
    from app.book import Book
    from app.line.gateway import LineGateway, Profile

log = logging.getLogger("otokui.line")

KEY_FOLLOWERS_IMPORT = "line.followers_import"
PAGE_SIZE = 1000
DEFAULT_RATE = 100.0  # requests a second
RATE_LIMIT_PAUSES = (1.0, 2.0, 4.0, 8.0, 16.0)
#: Test hook: exit the process (status 70) after fetching the profiles of this page (1 =
#: the first) and before writing it, as a kill at the worst moment would. Only the
#: end-to-end tests set it.
ENV_CRASH_IN_PAGE = "OTOKUI_TEST_CRASH_IN_FOLLOWERS_PAGE"


class Throttle:
    """Spaces calls at most ``per_second`` a second (on ``clock``, waiting with ``sleep``)."""

    def __init__(self, per_second: float = DEFAULT_RATE, *,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if per_second <= 0:
            raise ValueError("the rate must be positive")
        self.interval = 1.0 / per_second
        self.clock = clock
        self.sleep = sleep
        self._next: float | None = None

    def wait(self) -> None:
        now = self.clock()
        if self._next is not None and now < self._next:
            self.sleep(self._next - now)
            now = max(self.clock(), self._next)
        self._next = now + self.interval


@dataclass
class ImportState:
    """What the import has done so far (kept in the book between runs)."""

    next: str | None = None
    pages: int = 0
    seen: int = 0
    added: int = 0
    already: int = 0
    skipped: int = 0
    done: bool = False

    @classmethod
    def from_json(cls, value: Any) -> ImportState | None:
        if not isinstance(value, dict):
            return None
        try:
            return cls(next=value.get("next") if isinstance(value.get("next"), str) else None,
                       pages=int(value.get("pages", 0)), seen=int(value.get("seen", 0)),
                       added=int(value.get("added", 0)),
                       already=int(value.get("already", 0)),
                       skipped=int(value.get("skipped", 0)), done=bool(value.get("done")))
        except (TypeError, ValueError):
            return None


def saved_state(book: Book) -> ImportState | None:
    """The last import's state: unfinished (resumable) or done; None if never run."""
    return ImportState.from_json(book.settings.get(KEY_FOLLOWERS_IMPORT))


def import_followers(book: Book, gateway: LineGateway, *,
                     progress: Callable[[ImportState], None] | None = None,
                     cancelled: Callable[[], bool] | None = None,
                     throttle: Throttle | None = None,
                     page_size: int = PAGE_SIZE) -> ImportState:
    """Import every friend the book does not have yet; resumes an unfinished import.

    ``progress`` gets the state after each page (and at the start); ``cancelled`` is
    asked between calls (:class:`CancelledError`: the page under way is not written,
    the next run starts there). A finished import run again starts from the beginning
    (friends added since are found; those already in the book are left alone).
    """
    throttle = throttle or Throttle()
    state = saved_state(book)
    if state is None or state.done:
        state = ImportState()
    crash_page = int(os.environ.get(ENV_CRASH_IN_PAGE, "0") or 0)
    if progress is not None:
        progress(state)
    while True:
        _check(cancelled)
        cursor = state.next
        ids, next_cursor = _call(throttle, functools.partial(gateway.followers, cursor, page_size))
        known = _known(book, ids)
        profiles: dict[str, Profile | None] = {}
        for uid in ids:
            if uid in known or uid in profiles:
                continue
            _check(cancelled)
            profiles[uid] = _call(throttle, functools.partial(gateway.profile, uid))
        if crash_page and state.pages + 1 == crash_page:
            os._exit(70)
        state = _write_page(book, state, ids, profiles, next_cursor)
        log.info("followers import: page %d written (%d friends seen, %d added)",
                 state.pages, state.seen, state.added)
        if progress is not None:
            progress(state)
        if state.done:
            return state


def _check(cancelled: Callable[[], bool] | None) -> None:
    if cancelled is not None and cancelled():
        raise CancelledError()


def _call(throttle: Throttle, fn: Callable[[], Any]) -> Any:
    """One throttled call; a 429 is waited out a few times before it is raised."""
    for pause in (*RATE_LIMIT_PAUSES, None):
        throttle.wait()
        try:
            return fn()
        except LineRateLimitedError:
            if pause is None:
                raise
            log.info("LINE answered 429; waiting %.0f s", pause)
            throttle.sleep(pause)
    raise AssertionError("unreachable")


def _known(book: Book, ids: list[str]) -> set[str]:
    out: set[str] = set()
    with book.db.read() as s:
        for start in range(0, len(ids), 400):
            out.update(s.scalars(select(Customer.line_user_id)
                                 .where(Customer.line_user_id.in_(ids[start:start + 400]))))
    return out


def _write_page(book: Book, state: ImportState, ids: list[str],
                profiles: dict[str, Profile | None], next_cursor: str | None) -> ImportState:
    """The page's new friends and the cursor of the next page, in one transaction."""
    new = ImportState(next=next_cursor, pages=state.pages + 1, seen=state.seen + len(ids),
                      added=state.added, already=state.already, skipped=state.skipped,
                      done=next_cursor is None)
    created: list[int] = []
    with book.db.write() as s:
        # Asked again inside the transaction: the sync may have made some meanwhile.
        existing: set[str] = set()
        for start in range(0, len(ids), 400):
            existing.update(s.scalars(select(Customer.line_user_id).where(
                Customer.line_user_id.in_(ids[start:start + 400]))))
        now = utcnow()
        for uid in dict.fromkeys(ids):
            if uid in existing:
                new.already += 1
                continue
            profile = profiles.get(uid)
            if profile is None:  # blocked the shop since the list was made
                new.skipped += 1
                continue
            customer = CustomerService.create_in(s, {
                "line_user_id": uid, "display_name": profile.display_name[:200],
                "picture_url": profile.picture_url, "status_message": profile.status_message,
                "language": profile.language})
            s.add(TimelineEvent(customer_id=customer.id, kind="created", at=now,
                                data={"source": "line_followers"}))
            created.append(customer.id)
            new.added += 1
        s.merge(BookSetting(key=KEY_FOLLOWERS_IMPORT, value=asdict(new)))
    if created:
        book.announce("customers", created)
    return new
