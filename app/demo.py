"""The live demo: the whole app working within seconds, with no LINE account.

:func:`start_demo` starts, on this computer only (127.0.0.1):

* the LINE emulator (``emulator.run_in_thread``, no monthly quota) standing in for LINE;
* a relay (the real one, uvicorn in a thread) with a throwaway SQLite database;
* a throwaway customer book (passphrase mode with a random passphrase: nothing goes to
  the owner's OS keyring), paired with that relay and connected to the emulator;
* the sync worker, exactly as in real use (or none: ``start_sync=False`` when the caller
  runs its own, as the desktop window does with its sync controller);
* 50 friends with Japanese names who follow the account, and a simulator thread in which
  they write short shop messages (予約の相談, 営業時間, お礼 ...), send stickers and photos
  now and then, and once in a while block and come back;
* a salon's customer cards for those friends: tags in two folders (来店状況: 新規, 常連,
  VIP; 興味: カット, カラー, ヘッドスパ) given to them as a salon would, two custom fields
  (来店回数, a number by how regular they are; 担当, a choice), birthdays and addresses for
  most, and two saved segments (常連・VIP; カラー好きの常連・VIP), so the sidebar, every
  kind of segment condition and the broadcast recipients have something to show. The same
  seed gives the same cards.
* a first-visit questionnaire (初回問診票) published to the relay, which 6 of the friends
  fill in through the relay's real page (app/forms/demo.py); the sync brings the answers.
* the friends write at a calm pace (one thing every 8-20 s), and wait for an answer: a
  friend writes at most 3 messages in a row unanswered, and nobody writes while 20 wait.

:meth:`Demo.stop` stops everything and deletes the throwaway folder. The relay and the
emulator are imported only here, when a demo starts; the rest of ``app/`` never imports
them.
"""

from __future__ import annotations

import logging
import random
import secrets
import shutil
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.demo_names import GIVEN, MESSAGES, STICKERS, SURNAMES

if TYPE_CHECKING:
    from app.book import Book
    from app.sync.worker import SyncWorker
    from emulator import Emulator, RunningEmulator

log = logging.getLogger("otokui.demo")

DEMO_FRIENDS = 50
#: Seconds between two things the simulated friends do (drawn uniformly): a shop's busy
#: hour, not a flood (1-3.5 s took the inbox from 47 to 107 unread in four minutes).
DEMO_INTERVAL = (8.0, 20.0)
#: A friend writes at most this many messages in a row before the shop answers them...
MAX_UNANSWERED_PER_FRIEND = 3
#: ...and while this many messages wait for an answer, nobody writes: the inbox stays
#: something one person can keep up with. Replying lets the friends write again.
MAX_UNANSWERED = 20
#: How many friends write at once when the demo opens, so the inbox is never empty.
OPENING_MESSAGES = 8
MAX_FRIENDS = 80
SHOP_NAME = "Otokui デモ店"

#: The demo book's tag folders: (folder, [(tag, colour)]).
DEMO_TAGS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("来店状況", (("新規", "#4C8BF5"), ("常連", "#34A853"), ("VIP", "#EA4335"))),
    ("興味", (("カット", "#F29900"), ("カラー", "#A142F4"), ("ヘッドスパ", "#12B5CB"))),
)
#: A friend's visits: at most one of these, by these shares (the rest: not tagged yet).
VISIT_SHARES = (("VIP", 0.12), ("常連", 0.38), ("新規", 0.28))
#: What a friend is interested in: each independently, with these chances.
INTEREST_CHANCES = (("カット", 0.55), ("カラー", 0.35), ("ヘッドスパ", 0.2))
REGULARS_SEGMENT = "常連・VIP"
COLOUR_SEGMENT = "カラー好きの常連・VIP"
#: The salon's custom fields, so that every kind of segment condition has values to try:
#: a number (来店回数, shown in the table) and a choice (担当).
VISITS_FIELD = "来店回数"
STAFF_FIELD = "担当"
STAFF = ("佐藤", "鈴木", "高橋", "指名なし")
#: Visits by how the friend is tagged: (low, high), drawn uniformly.
VISITS_BY_TAG = (("VIP", (15, 40)), ("常連", (5, 20)), ("新規", (1, 2)))
VISITS_UNTAGGED = (0, 4)
#: Where some of them live (the prefecture condition) and who gave a birthday.
ADDRESSES = ("東京都渋谷区神宮前1丁目", "東京都世田谷区三軒茶屋2丁目",
             "神奈川県横浜市西区高島1丁目",
             "神奈川県川崎市中原区小杉町3丁目", "埼玉県さいたま市浦和区高砂2丁目",
             "千葉県船橋市本町4丁目", "東京都目黒区自由が丘1丁目")
ADDRESS_SHARE = 0.6
BIRTHDAY_SHARE = 0.7


#: Where the demo relay says its images are. LINE, and so the emulator, take only https
#: image URLs, and a relay on loopback has none; nothing in the demo fetches them (the
#: emulator records the URL, the window shows the book's own copy), so the demo relay names
#: an address under ``.invalid`` (reserved: it can never resolve) and photos can be sent.
DEMO_MEDIA_URL = "https://media.otokui-demo.invalid"


class _RelayThread:
    """The relay's app on uvicorn in a thread, on a loopback port of its own."""

    def __init__(self, database: Path, channel_secret: str) -> None:
        from relay.app import RelayService
        from relay.config import Settings
        from relay.server import build_server
        from relay.store import Store

        self.store = Store.open(f"sqlite:///{database}")
        self.service = RelayService(Settings(channel_secret=channel_secret.encode("utf-8"),
                                             database_url=f"sqlite:///{database}",
                                             public_url=DEMO_MEDIA_URL), self.store)
        # IPPROTO_TCP spelled out: asyncio sets TCP_NODELAY on accepted sockets only then.
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._sock.bind(("127.0.0.1", 0))
        port = self._sock.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{port}"
        self.server = build_server(self.service, "127.0.0.1", port, log_level="warning")
        self._thread = threading.Thread(target=self.server.run,
                                        kwargs={"sockets": [self._sock]},
                                        name="demo-relay", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self._sock.close()
                raise RuntimeError("the demo relay did not start")
            time.sleep(0.01)

    def pairing_code(self) -> str:
        return self.store.create_pairing_code(int(time.time() * 1000))

    def stop(self) -> None:
        self.server.should_exit = True
        self._thread.join(15)
        self._sock.close()


@dataclass
class Demo:
    """A running demo. Use :attr:`book` like any open book; :meth:`stop` ends it all."""

    root: Path
    book: Book
    #: The demo's own sync worker; None when started with ``start_sync=False``.
    worker: SyncWorker | None
    line: RunningEmulator
    relay_url: str
    #: The throwaway book's passphrase (to unlock it again after an auto-lock).
    passphrase: str = field(repr=False)
    friends: list[str] = field(default_factory=list)
    _relay: _RelayThread | None = field(default=None, repr=False)
    _simulator: _Simulator | None = field(default=None, repr=False)
    _stopped: bool = field(default=False, repr=False)

    @property
    def emulator(self) -> Emulator:
        return self.line.emulator

    def use_book(self, book: Book) -> None:
        """Sync into ``book`` from now on: the demo book opened again after a lock.

        The window closes the book when it locks; stop :attr:`worker` before that, then
        hand the book unlocked again (``Profile(...).open(demo.passphrase)``) to this.
        Without a worker of its own (``start_sync=False``) it only remembers the book, so
        :meth:`stop` closes the right one.
        """
        from app.sync.worker import SyncWorker

        self.book = book
        if self.worker is not None:
            self.worker.stop()
            self.worker = SyncWorker(book, wait=10.0)
            self.worker.start()

    def stop_friends(self) -> None:
        """Stop the simulated friends only (the sync, relay and emulator go on): what a
        friend does next no longer depends on how fast this machine is (tests)."""
        if self._simulator is not None:
            self._simulator.stop()

    def stop(self) -> None:
        """Stop the friends, the sync, the relay and the emulator; delete the demo's folder."""
        if self._stopped:
            return
        self._stopped = True
        if self._simulator is not None:
            self._simulator.stop()
        if self.worker is not None:
            self.worker.stop()
        self.book.close()
        self.line.stop()
        if self._relay is not None:
            self._relay.stop()
        shutil.rmtree(self.root, ignore_errors=True)
        log.info("demo stopped and its throwaway profile removed")

    def __enter__(self) -> Demo:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_demo(root: Path, *, friends: int = DEMO_FRIENDS,
               interval: tuple[float, float] = DEMO_INTERVAL,
               seed: int | None = None, start_sync: bool = True) -> Demo:
    """Start the demo in ``root`` (a new or empty folder, deleted again by ``stop()``).

    ``start_sync=False``: no sync worker here; the caller syncs :attr:`Demo.book` itself.
    """
    from app.automation.demo import add_demo_rules
    from app.booking.demo import add_demo_bookings
    from app.forms.demo import set_up_questionnaire
    from app.privacy.demo import publish_demo_policy
    from app.profile import Profile
    from app.sequences.demo import add_demo_sequence
    from app.sync.pairing import connect
    from app.sync.worker import SyncWorker
    from emulator import run_in_thread

    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    if any(root.iterdir()):
        raise ValueError("the demo needs an empty folder")
    channel_secret = secrets.token_hex(16)
    access_token = secrets.token_urlsafe(32)
    passphrase = secrets.token_urlsafe(18)
    relay = line = book = None
    try:
        relay = _RelayThread(root / "relay.db", channel_secret)
        line = run_in_thread(channel_secret=channel_secret, access_token=access_token,
                             webhook_url=f"{relay.base_url}/line/webhook", quota=None,
                             seed=seed, bot_display_name=SHOP_NAME)
        book = Profile(root / "profile").create(passphrase=passphrase)
        connect(book, relay_url=relay.base_url, pairing_code=relay.pairing_code(),
                access_token=access_token, api_base=line.base_url, data_base=line.data_url,
                device_name="Otokui demo", use_keyring=False, check_token=False,
                channel_secret=channel_secret)
    except BaseException:
        if book is not None:
            book.close()
        if line is not None:
            line.stop()
        if relay is not None:
            relay.stop()
        shutil.rmtree(root, ignore_errors=True)
        raise
    demo = Demo(root=root, book=book, worker=None, line=line, relay_url=relay.base_url,
                passphrase=passphrase, _relay=relay)
    rng = random.Random(seed)  # noqa: S311 - simulated behaviour, not a secret
    names = _names(rng, MAX_FRIENDS)
    for name in names[:friends]:
        demo.friends.append(line.emulator.add_user(name, language="ja"))
    try:
        # A random of its own: the friends' names and behaviour stay as they were for a seed.
        cards = random.Random(None if seed is None else f"cards:{seed}")  # noqa: S311
        _customer_cards(book, list(zip(demo.friends, names[:friends], strict=True)), cards)
        details = random.Random(None if seed is None else f"details:{seed}")  # noqa: S311
        _customer_details(book, demo.friends[:friends], details)
        forms = random.Random(None if seed is None else f"forms:{seed}")  # noqa: S311
        set_up_questionnaire(book, list(zip(demo.friends, names[:friends], strict=True)),
                             forms)
        publish_demo_policy(book, SHOP_NAME)
        add_demo_sequence(book, demo.friends)
        from app.analytics.demo import add_demo_history  # the 分析 dashboard's past

        add_demo_history(book, demo.friends, random.Random(  # noqa: S311
            None if seed is None else f"history:{seed}"))
        from app.routes.demo import set_up_routes  # 流入経路: routes, scans, arrivals

        set_up_routes(book, demo.friends[:friends],
                      random.Random(None if seed is None else f"routes:{seed}"))  # noqa: S311
        add_demo_bookings(book, demo.friends, rng=random.Random(  # noqa: S311 - simulated
            None if seed is None else f"bookings:{seed}"))
        add_demo_rules(book)  # a greeting and a keyword reply (app/automation/demo.py)
    except BaseException:
        demo.stop()
        raise
    if start_sync:
        # Only now: the customer cards above are what the sync finds for these friends.
        demo.worker = SyncWorker(book, wait=10.0)
        demo.worker.start()
    simulator = _Simulator(line.emulator, demo.friends, names[friends:], rng, interval)
    demo._simulator = simulator
    simulator.start()
    log.info("demo started with %d friends", len(demo.friends))
    return demo


def _customer_cards(book: Book, friends: list[tuple[str, str]], rng: random.Random) -> None:
    """The salon's cards for its LINE friends: tags and saved segments.

    The customers are made here, before any sync, with their LINE user ids: the sync then
    finds them (a follow of a known LINE user id updates that customer) and fills in the
    friendship and the LINE profile, as it does for a book whose customers were imported.
    """
    from app.segments import Group, TagCondition

    tags: dict[str, int] = {}
    for folder, entries in DEMO_TAGS:
        folder_id = book.tags.create_folder(folder)
        for name, colour in entries:
            tags[name] = book.tags.create(name, folder_id=folder_id, color=colour)
    given: dict[str, list[int]] = {name: [] for name in tags}
    for uid, name in friends:
        cid = book.customers.create(display_name=name, line_user_id=uid)
        roll, floor = rng.random(), 0.0
        for tag, share in VISIT_SHARES:
            if floor <= roll < floor + share:
                given[tag].append(cid)
            floor += share
        for tag, chance in INTEREST_CHANCES:
            if rng.random() < chance:
                given[tag].append(cid)
    for name, cids in given.items():
        if cids:
            book.tags.add(cids, [tags[name]])
    regulars = TagCondition("any", (tags["常連"], tags["VIP"]))
    book.segments.save(REGULARS_SEGMENT, Group("and", (regulars,)))
    book.segments.save(COLOUR_SEGMENT, Group("and", (
        regulars, TagCondition("any", (tags["カラー"],)))))
    log.info("demo customer cards: %d tags, 2 segments", len(tags))


def _customer_details(book: Book, friends: list[str], rng: random.Random) -> None:
    """The salon's custom fields and what the owner knows of each friend: 来店回数 by how
    regular they are, their 担当, a birthday and an address for most."""
    import datetime as dt

    from app.fields import FieldType

    visits = book.fields.create(VISITS_FIELD, FieldType.NUMBER, show_in_list=True)
    staff = book.fields.create(STAFF_FIELD, FieldType.SINGLE_CHOICE, choices=list(STAFF),
                               show_in_list=True)
    names = {t.id: t.name for t in book.tags.list()}
    for uid in friends:
        cid = book.customers.by_line_user_id(uid)
        if cid is None:
            continue
        tags = {names.get(t) for t in book.customers.tag_ids_of(cid)}
        low, high = next((r for tag, r in VISITS_BY_TAG if tag in tags), VISITS_UNTAGGED)
        book.fields.set_value(cid, visits, rng.randint(low, high))
        book.fields.set_value(cid, staff, rng.choices(STAFF, weights=(3, 3, 2, 2))[0])
        details: dict[str, Any] = {}
        if rng.random() < BIRTHDAY_SHARE:
            details["birthday"] = dt.date(rng.randint(1960, 2006), rng.randint(1, 12),
                                          rng.randint(1, 28))
        if rng.random() < ADDRESS_SHARE:
            details["address"] = rng.choice(ADDRESSES)
        if details:
            book.customers.update(cid, **details)
    log.info("demo customer details: 2 custom fields")


def _names(rng: random.Random, count: int) -> list[str]:
    pairs = [(s, g) for s, _ in SURNAMES for g, _ in GIVEN]
    return [f"{s} {g}" for s, g in rng.sample(pairs, count)]


class _Simulator:
    """The friends' side: every 8-20 s one of them does something, as people do, and they
    wait for answers (:data:`MAX_UNANSWERED_PER_FRIEND`, :data:`MAX_UNANSWERED`)."""

    def __init__(self, emulator: Emulator, friends: list[str], spare_names: list[str],
                 rng: random.Random, interval: tuple[float, float]) -> None:
        self._e = emulator
        self._friends = friends
        self._spare = spare_names
        self._rng = rng
        self._interval = interval
        self._blocked: set[str] = set()
        #: Messages each friend wrote since the shop last sent them something, and how many
        #: messages the shop had sent them then.
        self._unanswered: dict[str, int] = {}
        self._answers_seen: dict[str, int] = {}
        self._lock = threading.Lock()
        self.opened = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="demo-friends", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)

    def _run(self) -> None:
        for uid in self._rng.sample(self._friends, min(OPENING_MESSAGES, len(self._friends))):
            if self._stop.is_set():
                return
            with self._lock:
                self._write(uid, lambda u=uid: self._e.send_text(u, self._rng.choice(MESSAGES)))
        self.opened.set()
        while not self._stop.wait(self._rng.uniform(*self._interval)):
            self.step()

    def step(self) -> None:
        """One thing a friend does (or nothing, while too much waits for an answer)."""
        with self._lock:
            action = self._pick()
            if action is not None:
                self._act(action)

    def unanswered(self) -> dict[str, int]:
        """Messages waiting for the shop's answer, by friend (after looking at replies)."""
        with self._lock:
            self._look_at_answers()
            return {u: n for u, n in self._unanswered.items() if n}

    def _look_at_answers(self) -> None:
        for uid in [u for u, n in self._unanswered.items() if n]:
            answers = len(self._e.inbox(uid))
            if answers > self._answers_seen.get(uid, 0):
                self._unanswered[uid] = 0
                self._answers_seen[uid] = answers

    def _write(self, uid: str, action: Any) -> None:
        if not self._unanswered.get(uid):
            self._answers_seen[uid] = len(self._e.inbox(uid))
        if self._act(action):
            self._unanswered[uid] = self._unanswered.get(uid, 0) + 1

    def _act(self, action: Any) -> bool:
        try:
            action()
        except Exception:  # a friend who just blocked cannot write: try something else next
            log.debug("a simulated friend's action was refused")
            return False
        return True

    def _pick(self) -> Any:
        rng, e = self._rng, self._e
        self._look_at_answers()
        waiting = sum(self._unanswered.values())
        active = [u for u in self._friends if u not in self._blocked]
        uid = rng.choice(active) if active else rng.choice(self._friends)
        roll = rng.random()
        may_write = (waiting < MAX_UNANSWERED
                     and self._unanswered.get(uid, 0) < MAX_UNANSWERED_PER_FRIEND)
        if roll < 0.93 and not may_write:
            return None
        if roll < 0.62:
            return lambda: self._write(uid, lambda: e.send_text(uid, rng.choice(MESSAGES)))
        if roll < 0.80:
            package, sticker, keywords = rng.choice(STICKERS)
            return lambda: self._write(uid, lambda: e.send_sticker(
                uid, package, sticker, keywords=keywords))
        if roll < 0.90:
            return lambda: self._write(uid, lambda: e.send_image(
                uid, image_format=rng.choice(("jpeg", "png")), width=rng.choice((240, 320)),
                height=180))
        if roll < 0.93:
            return lambda: self._write(uid, lambda: e.send_location(
                uid, 35.6581, 139.7017, title="渋谷駅", address="東京都渋谷区道玄坂1丁目"))
        if roll < 0.96 and self._spare:
            name = self._spare.pop()

            def follow() -> None:
                self._friends.append(e.add_user(name, language="ja"))
            return follow
        if self._blocked and roll < 0.98:
            back = rng.choice(sorted(self._blocked))

            def unblock() -> None:
                e.unblock(back)
                self._blocked.discard(back)
            return unblock

        def block() -> None:
            e.block(uid)
            self._blocked.add(uid)
            self._unanswered.pop(uid, None)  # no answer can reach them: not waiting
        return block
