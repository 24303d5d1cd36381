"""Friends from before Otokui: followers ids + profiles through the real SDK against the
emulator over HTTP; throttled, resumable, no duplicates, 403 for unverified accounts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.book import Book
from app.errors import CancelledError
from app.line.errors import LineFollowersUnavailableError
from app.line.followers import Throttle, import_followers, saved_state
from app.profile import Profile
from app.search import CustomerQuery
from app.store.models import Customer, TimelineEvent
from emulator import ManualClock, RunningEmulator, run_in_thread
from tests.sync.support import ACCESS_TOKEN, CHANNEL_SECRET, PASSPHRASE
from tests.sync.test_durability import otokui


@pytest.fixture
def quiet_line() -> Iterator[RunningEmulator]:
    """An emulator on a clock that moves only when told (rate windows included)."""
    with run_in_thread(channel_secret=CHANNEL_SECRET, access_token=ACCESS_TOKEN, quota=None,
                       seed=3, clock=ManualClock(1_800_000_000.0)) as running:
        yield running


@pytest.fixture
def book(tmp_path: Path, quiet_line: RunningEmulator) -> Iterator[Book]:
    b = Profile(tmp_path / "profile").create(passphrase=PASSPHRASE)
    b.line.set_access_token(ACCESS_TOKEN, use_keyring=False)
    b.line.set_api_base(quiet_line.base_url)
    b.line.set_data_base(quiet_line.data_url)
    yield b
    b.close()


def _friends(line: RunningEmulator, n: int) -> list[str]:
    return [line.emulator.add_user(f"昔からの友だち{i:03d}", language="ja",
                                   picture_url=f"https://profile.line-scdn.net/p{i}",
                                   notify=False) for i in range(n)]


def _throttle(line: RunningEmulator, per_second: float, pauses: list[float]) -> Throttle:
    """Paced on the emulator's own clock: waiting moves it, no real time passes."""
    def sleep(seconds: float) -> None:
        pauses.append(seconds)
        line.emulator.advance_clock(seconds)
    return Throttle(per_second, clock=line.emulator.now, sleep=sleep)


def _count(book: Book) -> int:
    with book.db.read() as s:
        return s.scalar(select(func.count()).select_from(Customer))


def test_quiet_friends_are_imported_with_their_profiles(
        book: Book, quiet_line: RunningEmulator) -> None:
    e = quiet_line.emulator
    uids = _friends(quiet_line, 230)
    e.block(uids[5])  # not a friend now: LINE leaves them out of the list
    with book.db.write() as s:  # already in the book (the sync made them, say)
        s.add(Customer(display_name="手で直した名前", name="", furigana="", furigana_key="",
                       phone="", phone_digits="", email="", email_key="", postal_code="",
                       address="", memo="", is_owner=False, line_user_id=uids[7]))
    seen: list[int] = []
    state = import_followers(book, book.line.gateway(), page_size=100,
                             progress=lambda st: seen.append(st.seen),
                             throttle=_throttle(quiet_line, 1000, []))
    assert (state.pages, state.seen, state.added, state.already, state.done) == \
        (3, 229, 228, 1, True)
    assert seen == [0, 100, 200, 229]
    assert _count(book) == 229
    cid = book.customers.by_line_user_id(uids[12])
    customer = book.customers.get(cid)
    assert customer.display_name == "昔からの友だち012"
    assert customer.picture_url == "https://profile.line-scdn.net/p12"
    assert customer.language == "ja"
    assert book.customers.get(book.customers.by_line_user_id(uids[7])).display_name == \
        "手で直した名前"  # left as it was
    assert book.customers.by_line_user_id(uids[5]) is None
    with book.db.read() as s:
        sources = s.scalars(select(TimelineEvent.data).where(
            TimelineEvent.kind == "created")).all()
    assert sum(1 for d in sources if d.get("source") == "line_followers") == 228
    # Found by the customer search like anyone else.
    assert cid in book.search.ids(CustomerQuery(text="友だち012"))
    # Run again later: a new friend is found, nobody is made twice.
    newcomer = e.add_user("新しい友だち", notify=False)
    again = import_followers(book, book.line.gateway(), page_size=100,
                             throttle=_throttle(quiet_line, 1000, []))
    assert (again.added, again.already, again.seen) == (1, 229, 230)
    assert book.customers.by_line_user_id(newcomer) is not None
    assert _count(book) == 230


def test_calls_are_spaced_within_the_rate_limits(book: Book,
                                                 quiet_line: RunningEmulator) -> None:
    e = quiet_line.emulator
    _friends(quiet_line, 40)
    e.configure(rate_limits={"profile": [10, 1], "other": [10, 1]})
    pauses: list[float] = []
    state = import_followers(book, book.line.gateway(), page_size=15,
                             throttle=_throttle(quiet_line, 8, pauses))
    assert state.added == 40
    assert max(pauses) < 1.0  # spaced: never a 429, so never a pause for one
    # 40 profiles and 3 pages, one every 1/8 s of the emulator's clock.
    assert sum(pauses) == pytest.approx((40 + 3 - 1) / 8, abs=1e-3)

    # Too fast for LINE: the 429s are waited out, and the import still completes.
    for i in range(12):
        e.add_user(f"後から{i}", notify=False)
    pauses.clear()
    state = import_followers(book, book.line.gateway(), page_size=1000,
                             throttle=_throttle(quiet_line, 1000, pauses))
    assert state.added == 12 and _count(book) == 52
    assert 1.0 in pauses  # LINE said 429 at least once, and the import waited


def test_unverified_accounts_get_403_and_nothing_changes(
        book: Book, quiet_line: RunningEmulator) -> None:
    _friends(quiet_line, 3)
    quiet_line.emulator.configure(followers_api=False)
    with pytest.raises(LineFollowersUnavailableError) as exc:
        import_followers(book, book.line.gateway(),
                         throttle=_throttle(quiet_line, 1000, []))
    assert "verified" in exc.value.message
    assert _count(book) == 0 and saved_state(book) is None


def test_a_cancelled_import_resumes_where_it_stopped(book: Book,
                                                    quiet_line: RunningEmulator) -> None:
    uids = _friends(quiet_line, 50)
    asked = 0

    def cancel_in_third_page() -> bool:
        nonlocal asked
        asked += 1
        return asked > 2 + 2 * 10 + 2 + 5  # pages of 10: stop inside the third
    with pytest.raises(CancelledError):
        import_followers(book, book.line.gateway(), page_size=10,
                         cancelled=cancel_in_third_page,
                         throttle=_throttle(quiet_line, 1000, []))
    state = saved_state(book)
    assert state is not None and not state.done and state.pages == 2
    assert _count(book) == 20
    resumed = import_followers(book, book.line.gateway(), page_size=10,
                               throttle=_throttle(quiet_line, 1000, []))
    assert resumed.done and resumed.added == 50 and resumed.seen == 50
    assert _count(book) == 50
    assert all(book.customers.by_line_user_id(u) is not None for u in uids)


def test_killed_mid_page_the_command_resumes_without_duplicates(
        tmp_path: Path, book: Book, quiet_line: RunningEmulator) -> None:
    _friends(quiet_line, 35)
    folder = tmp_path / "profile"
    book.close()
    # The page size is LINE's 1,000; 35 friends are one page: kill inside it.
    killed = otokui(folder, "import-followers", "--rate", "1000",
                    OTOKUI_TEST_CRASH_IN_FOLLOWERS_PAGE="1")
    assert killed.returncode == 70, killed.stderr
    done = otokui(folder, "import-followers", "--rate", "1000")
    assert done.returncode == 0, done.stderr
    assert "35 added, 0 already in the book" in done.stdout
    again = otokui(folder, "import-followers", "--rate", "1000")
    assert "0 added, 35 already in the book" in again.stdout
    reopened = Profile(folder).open(PASSPHRASE)
    try:
        assert _count(reopened) == 35
    finally:
        reopened.close()
    quiet_line.emulator.configure(followers_api=False)
    refused = otokui(folder, "import-followers")
    assert refused.returncode == 1 and "verified and premium" in refused.stderr
