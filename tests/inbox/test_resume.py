"""A crash between storing a message and LINE's answer: finished on the next start, once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from app.book import Book
from app.line.send import MaybeDeliveredError
from app.profile import Profile
from tests.inbox.conftest import Shop, quick
from tests.inbox.crash_send import TEXT
from tests.sync.support import PASSPHRASE

ROOT = Path(__file__).resolve().parents[2]


def restart(shop: Shop, profile: Profile) -> Book:
    """Close the book as a dying process would leave it, and open it again."""
    shop.book.close()
    book = profile.open(PASSPHRASE)
    quick(book, shop.connected.relay)
    shop.connected.book = book
    return book


@pytest.mark.parametrize("mode", ["stored", "accepted"])
def test_killed_while_sending_a_push_it_arrives_exactly_once(
        shop: Shop, profile: Profile, mode: str) -> None:
    shop.later(51)
    env = {**os.environ, "OTOKUI_PASSPHRASE": PASSPHRASE, "PYTHONPATH": str(ROOT)}
    # The window's process would be gone: one process owns a profile at a time.
    shop.book.close()
    proc = subprocess.run(
        [sys.executable, "-m", "tests.inbox.crash_send", str(profile.root), str(shop.cid),
         str(shop.connected.relay.clock()), mode],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert proc.stdout == "staged\n"
    assert len(shop.inbox()) == (1 if mode == "accepted" else 0)

    book = restart(shop, profile)
    stuck = [m for m in book.messages.messages(shop.cid) if m.direction == "out"]
    assert [m.state for m in stuck] == ["sending"]
    results = book.sending.resume_pending()
    assert [(r.state, r.via) for r in results] == [("sent", "push")]
    inbox = shop.inbox()
    assert [i["messages"][0]["text"] for i in inbox] == [TEXT]
    assert shop.used() == 1
    assert results[0].line_message_ids == (inbox[0]["sentMessages"][0]["id"],)
    assert book.messages.get(stuck[0].id).state == "sent"
    assert book.sending.resume_pending() == []  # nothing left, nothing sent again
    assert len(shop.inbox()) == 1


def test_a_reply_interrupted_by_a_crash_is_left_to_the_owner(shop: Shop,
                                                            profile: Profile) -> None:
    draft = shop.book.sending.compose(shop.cid, ["ありがとうございます。"])
    group = shop.book.sending._stage(draft)  # ...and the process dies here
    assert group.via == "reply"
    book = restart(shop, profile)
    (result,) = book.sending.resume_pending()
    assert result.state == "failed" and result.error_code == "send-unknown"
    assert result.maybe_sent and shop.inbox() == []
    # The token it held is spent for good; the other one (the follow's) is still free.
    assert book.messages.latest_reply_token(shop.cid).message_id != group.reply_to
    with pytest.raises(MaybeDeliveredError):
        book.sending.retry(result.message_ids[0])
    again = book.sending.retry(result.message_ids[0], confirm_maybe_sent=True)
    assert again.ok and again.via == "reply" and len(shop.inbox()) == 1
    assert shop.used() == 0


def test_resume_without_a_token_leaves_messages_waiting(shop: Shop, profile: Profile) -> None:
    shop.later(51)
    draft = shop.book.sending.compose(shop.cid, ["営業時間のご案内"])
    shop.book.sending._stage(draft)
    book = restart(shop, profile)
    book.line.clear_access_token()
    (waiting,) = book.sending.resume_pending()
    assert waiting.state == "sending" and shop.inbox() == []
