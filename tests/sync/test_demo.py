"""The demo: emulator, relay, sync and a throwaway book, live within seconds, gone after."""

from __future__ import annotations

import threading
from pathlib import Path

import keyring

from app.demo import start_demo
from app.profile import Profile
from app.sync.worker import SyncState
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
            names = [book.customers.get(book.customers.by_line_user_id(u)).display_name
                     for u in demo.friends[:6]]
            # (A friend the fast simulator made block at once has no profile to fetch.)
            assert sum(1 for n in names if len(n.split(" ")) == 2) >= 4, names
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
        result = book.sending.send(cid, ["ご連絡ありがとうございます。デモからの返信です。"])
        assert result.ok and result.via in ("reply", "push")
        user_id = book.customers.get(cid).line_user_id
        inbox = demo.emulator.inbox(user_id)
        assert [m["text"] for e in inbox for m in e["messages"]] == [
            "ご連絡ありがとうございます。デモからの返信です。"]
        assert inbox[0]["endpoint"] == result.via
    finally:
        demo.stop()
