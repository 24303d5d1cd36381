"""The demo: emulator, relay, sync and a throwaway book, live within seconds, gone after."""

from __future__ import annotations

import threading
from pathlib import Path

import keyring

from app.demo import Demo, start_demo
from app.profile import Profile
from app.sync.worker import SyncState
from tests.relay.images import png
from tests.support.keyrings import MemoryKeyring
from tests.sync.support import wait_until


def test_demo_fills_a_throwaway_book_live_and_cleans_up(tmp_path: Path) -> None:
    previous = keyring.get_keyring()
    owners_keyring = MemoryKeyring()  # the owner has a real keyring: the demo must not use it
    keyring.set_keyring(owners_keyring)
    root = tmp_path / "demo"
    try:
        demo = start_demo(root, friends=6, interval=(0.02, 0.06), seed=4)
        try:
            book = demo.book
            wait_until(lambda: book.customers.count() >= 6, what="the friends")
            wait_until(lambda: book.messages.count() >= 6 + 8, what="messages")
            wait_until(lambda: any(
                m.content_state == "stored" for cid in book.messages.conversation_ids()
                for m in book.messages.messages(cid) if m.type == "image"),
                timeout=60, what="a photo")
            assert demo.worker.status.state in (SyncState.CONNECTED, SyncState.SYNCING)
            names = {u: book.customers.get(book.customers.by_line_user_id(u)).display_name
                     for u in demo.friends[:6]}
            # Each friend has the simulator's full name, unless it blocked before its
            # profile was fetched (a blocker has no profile): how many did depends on
            # how fast this machine is, so which ones is checked, not how many.
            blocked = {u for u in names
                       if any(ev["type"] == "unfollow" for ev in demo.emulator.events(u))}
            assert all(len(n.split(" ")) == 2 for u, n in names.items() if u not in blocked), \
                names
            assert set(names) - blocked, "every friend blocked"
            texts = [m.text for cid in book.messages.conversation_ids()
                     for m in book.messages.messages(cid) if m.type == "text"]
            assert texts and all(t for t in texts)
            assert book.messages.unread_total() > 0
            assert book.line.token_store() == "book"
            assert owners_keyring.entries == {}
            assert book.profile.root.is_relative_to(root)

            # Locked and unlocked again: the sync goes on into the book opened anew.
            demo.worker.stop()
            book.close()
            reopened = Profile(root / "profile").open(demo.passphrase)
            demo.use_book(reopened)
            count = reopened.messages.count()
            wait_until(lambda: reopened.messages.count() > count, what="more messages")
        finally:
            demo.stop()
    finally:
        keyring.set_keyring(previous)
    assert not root.exists()
    assert not [t for t in threading.enumerate()
                if t.name in ("demo-friends", "demo-relay", "emulator-http") and t.is_alive()]


def _still(demo, user_id: str) -> None:
    """The simulated friends stop, and this one is a friend (not blocking) when the owner
    sends: LINE accepts a push to a blocker and delivers nothing, and how often the fast
    simulator has blocked by now depends on the machine's speed."""
    demo.stop_friends()
    if demo.emulator.user(user_id)["blocked"]:
        demo.emulator.unblock(user_id)


def test_the_owner_replies_in_the_demo_and_the_friend_receives_it(tmp_path: Path) -> None:
    """The live inbox of the demo: a friend writes, the owner replies (free, through the
    reply API while the token is valid), the friend's inbox in the emulator shows it."""
    demo = start_demo(tmp_path / "demo", friends=3, interval=(0.05, 0.1), seed=9)
    try:
        book = demo.book

        def a_fresh_message() -> int | None:
            for cid in book.messages.conversation_ids():
                if book.sending.reply_window(cid).available:
                    return cid
            return None

        wait_until(lambda: a_fresh_message() is not None, what="a message to answer")
        cid = a_fresh_message()
        _still(demo, book.customers.get(cid).line_user_id)
        result = book.sending.send(cid, ["ご連絡ありがとうございます。デモからの返信です。"])
        assert result.ok and result.via in ("reply", "push")
        user_id = book.customers.get(cid).line_user_id
        inbox = demo.emulator.inbox(user_id)
        assert [m["text"] for e in inbox for m in e["messages"]] == [
            "ご連絡ありがとうございます。デモからの返信です。"]
        assert inbox[0]["endpoint"] == result.via
    finally:
        demo.stop()


def test_the_owner_sends_a_photo_in_the_demo(tmp_path: Path) -> None:
    """Photos go through the demo relay's media endpoint to the emulator, which (as LINE)
    takes https URLs only: the demo relay names one under the reserved .invalid domain."""
    from app.demo import DEMO_MEDIA_URL
    from app.line.send.bubbles import ImageBubble

    demo = start_demo(tmp_path / "demo", friends=2, interval=(0.05, 0.1), seed=4)
    try:
        book = demo.book
        wait_until(lambda: book.messages.conversation_ids(), what="a friend")
        cid = book.messages.conversation_ids()[0]
        _still(demo, book.customers.get(cid).line_user_id)
        result = book.sending.send(cid, ["写真です", ImageBubble(png(2_000, seed=4))])
        assert result.ok, result
        inbox = demo.emulator.inbox(book.customers.get(cid).line_user_id)
        messages = [m for e in inbox for m in e["messages"]]
        assert [m["type"] for m in messages] == ["text", "image"]
        assert messages[1]["originalContentUrl"].startswith(DEMO_MEDIA_URL + "/")
    finally:
        demo.stop()


def test_the_demo_book_has_a_salons_tags_and_segments(tmp_path: Path) -> None:
    """Tags in folders given to the friends, the same for the same seed, and saved segments
    whose counts are what the tags say."""
    from app.demo import COLOUR_SEGMENT, REGULARS_SEGMENT

    def cards(seed: int, folder: str) -> tuple[dict[str, set[str]], Demo]:
        # No sync and friends too slow to act: the book stays as the demo made it.
        demo = start_demo(tmp_path / folder, friends=30, interval=(600, 600), seed=seed,
                          start_sync=False)
        book = demo.book
        names = {t.id: t.name for t in book.tags.list()}
        by_friend = {}
        for uid in demo.friends:
            cid = book.customers.by_line_user_id(uid)
            assert cid is not None  # every friend has a card before any sync
            by_friend[uid] = {names[t] for t in book.customers.tag_ids_of(cid)}
        return by_friend, demo

    first, demo = cards(3, "one")
    try:
        book = demo.book
        folders = {f.id: f.name for f in book.tags.folders()}
        tree = {(folders.get(t.folder_id), t.name) for t in book.tags.list()}
        assert tree == {("来店状況", "新規"), ("来店状況", "常連"), ("来店状況", "VIP"),
                        ("興味", "カット"), ("興味", "カラー"), ("興味", "ヘッドスパ")}
        visits = [tags & {"新規", "常連", "VIP"} for tags in first.values()]
        assert all(len(v) <= 1 for v in visits)  # new, regular or VIP: one at most
        for tag in ("新規", "常連", "VIP", "カット", "カラー"):
            assert any(tag in tags for tags in first.values()), tag

        segments = {s.name: s for s in book.segments.list()}
        assert set(segments) == {REGULARS_SEGMENT, COLOUR_SEGMENT}
        assert all(s.valid for s in segments.values())
        regulars = sum(1 for tags in first.values() if tags & {"常連", "VIP"})
        colour = sum(1 for tags in first.values() if tags & {"常連", "VIP"} and "カラー" in tags)
        assert 0 < colour < regulars < len(first)
        assert book.segments.count(segments[REGULARS_SEGMENT].condition) == regulars
        assert book.segments.count(segments[COLOUR_SEGMENT].condition) == colour
        ids = {book.customers.by_line_user_id(u) for u, t in first.items()
               if t & {"常連", "VIP"}}
        assert set(book.segments.ids(segments[REGULARS_SEGMENT].condition)) == ids
        # The sidebar's view of the segment: the same customers.
        view = book.segments.saved_query(segments[REGULARS_SEGMENT].id)
        assert book.search.count(view) == regulars
    finally:
        demo.stop()

    again, demo = cards(3, "two")
    demo.stop()
    # The same seed: the same friends, in the same order, with the same tags.
    assert list(again.values()) == list(first.values())


def test_the_demo_has_custom_fields_and_details_for_every_kind_of_segment(
        tmp_path: Path) -> None:
    """来店回数 (a number) and 担当 (a choice) with values, birthdays and addresses: every kind
    of segment condition finds someone."""
    import datetime as dt

    from app.demo import STAFF, STAFF_FIELD, VISITS_FIELD
    from app.segments import (
        BirthdayCondition,
        FieldCondition,
        Group,
        LineCondition,
        PrefectureCondition,
    )

    demo = start_demo(tmp_path / "demo", friends=30, interval=(600, 600), seed=3,
                      start_sync=False)
    try:
        book = demo.book
        fields = book.fields.by_name()
        visits, staff = fields[VISITS_FIELD], fields[STAFF_FIELD]
        assert (visits.type, staff.type) == ("number", "single_choice")
        assert tuple(staff.choices) == STAFF

        def count(cond) -> int:
            return book.segments.count(Group("and", (cond,)))

        assert 0 < count(FieldCondition(visits.id, "gte", 15)) < 30
        assert count(FieldCondition(visits.id, "between", (0, 1000))) == 30
        assert sum(count(FieldCondition(staff.id, "any_of", (s,))) for s in STAFF) == 30
        assert 0 < count(PrefectureCondition(("東京都",))) < 30
        assert count(LineCondition(True)) == 30
        months = sum(count(BirthdayCondition(m)) for m in range(1, 13))
        assert 0 < months < 30
        # A VIP has come often; the values follow the tags.
        vip = next(t.id for t in book.tags.list() if t.name == "VIP")
        for cid in book.segments.ids(Group("and", (FieldCondition(visits.id, "lte", 4),))):
            assert vip not in book.customers.tag_ids_of(cid)
        assert book.customers.get(book.customers.by_line_user_id(demo.friends[0])) \
            .birthday is None or isinstance(book.customers.get(
                book.customers.by_line_user_id(demo.friends[0])).birthday, dt.date)
    finally:
        demo.stop()


def test_the_demo_friends_wait_for_answers(tmp_path: Path) -> None:
    """A calm, bounded inbox: at most 3 unanswered messages from one friend, 20 in all;
    the shop's answer lets that friend write again."""
    from app.demo import DEMO_INTERVAL, MAX_UNANSWERED, MAX_UNANSWERED_PER_FRIEND

    assert DEMO_INTERVAL[0] >= 5  # one thing every few seconds was a flood
    demo = start_demo(tmp_path / "demo", friends=12, interval=(600, 600), seed=5,
                      start_sync=False)
    try:
        friends = demo._simulator
        assert friends is not None and friends.opened.wait(30)
        for _ in range(300):  # far more than the bound allows
            friends.step()
        waiting = friends.unanswered()
        assert sum(waiting.values()) == MAX_UNANSWERED
        assert max(waiting.values()) <= MAX_UNANSWERED_PER_FRIEND
        uid = next(iter(waiting))
        cid = demo.book.customers.by_line_user_id(uid)
        assert demo.book.sending.send(cid, ["お待たせしました"]).ok  # a push: no sync here
        assert uid not in friends.unanswered()
        assert sum(friends.unanswered().values()) == MAX_UNANSWERED - waiting[uid]
    finally:
        demo.stop()


def test_the_demo_questionnaire_is_answered_through_the_relays_page(tmp_path: Path) -> None:
    """Six friends fill in the published 初回問診票 on the relay's page; after a sync their
    cards have the furigana, phone and tags, and the form lists six applied answers."""
    from app.forms.demo import ANSWERING, TITLE
    from tests.sync.support import fast_worker

    demo = start_demo(tmp_path / "demo", friends=30, interval=(600, 600), seed=5,
                      start_sync=False)
    try:
        book = demo.book
        demo.stop_friends()
        [form] = [f for f in book.forms.list() if f.title == TITLE]
        assert book.forms.answers(form.form_id) == []  # still sealed on the relay
        before = [book.segments.count(s.condition) for s in book.segments.list()]
        worker = fast_worker(book)
        wait_until(lambda: worker.run_once() is not None
                   and len(book.forms.answers(form.form_id)) == ANSWERING,
                   what="the questionnaire's answers")
        answers = book.forms.answers(form.form_id)
        assert {a.status for a in answers} == {"applied"}
        done = next(t.id for t in book.tags.list() if t.name == "問診票回答済み")
        for a in answers:
            c = book.customers.get(a.customer_id)
            assert c.line_user_id in demo.friends
            assert c.furigana and c.phone and c.phone.startswith("090")
            assert done in book.customers.tag_ids_of(a.customer_id)
        # The salon's saved segments count the same customers as before the answers.
        assert [book.segments.count(s.condition) for s in book.segments.list()] == before
    finally:
        demo.stop()
