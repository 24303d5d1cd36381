"""LINE's account link end to end, all real: the LINE emulator issues a link token through
the official SDK, the friend finishes linking with a nonce the shop's site signed with the
shared key, LINE's accountLink event comes through the relay, and the desktop's sync links
the friend to the member (merge, tag, member.linked). A nonce the key did not sign goes to
the owner's review queue and links nobody."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from app import domain_events
from app.members.account_link import make_nonce, member_of, shared_key
from app.members.importer import import_members
from app.members.linking import TAG_LINKED, review_queue
from app.search import CustomerQuery
from app.store.models import DomainEvent
from tests.sync.conftest import PASSPHRASE, Connected
from tests.sync.support import fast_worker

MEMBERS = """会員番号,氏名,電話番号,メール,誕生日,ポイント
M-001,山田 花子,090-1111-2222,hana@example.jp,1990/04/01,120
M-002,佐藤 次郎,080-3333-4444,,1985-12-24,
"""


def _tags(book, cid: int) -> set[str]:  # type: ignore[no-untyped-def]
    names = {t.id: t.name for t in book.tags.list()}
    return {names[t] for t in book.customers.tag_ids_of(cid)}


def test_nonce_round_trip_and_forgery() -> None:
    key = bytes(range(32))
    nonce = make_nonce(key, "M-001")
    assert member_of(key, nonce) == "M-001"
    assert make_nonce(key, "M-001") != nonce  # salted: each attempt its own nonce
    assert member_of(bytes(32), nonce) is None  # another key
    tampered = nonce[:-2] + ("AA" if nonce[-2:] != "AA" else "BB")
    assert member_of(key, tampered) is None
    assert member_of(key, "not base64 !") is None and member_of(key, "") is None


def test_account_link_links_the_friend_to_the_member(connected: Connected,
                                                      tmp_path: Path) -> None:
    book, e = connected.book, connected.emulator
    uid = e.add_user("はなこ")
    other = e.add_user("じろう")
    e.wait_for_deliveries()
    fast_worker(book).run_once()
    members = tmp_path / "members.csv"
    members.write_text(MEMBERS, encoding="utf-8")
    import_members(book, members)
    before = len(book.search.ids(CustomerQuery()))
    key = shared_key(book)

    from app.members.account_link import issue_link_token

    token = issue_link_token(book, uid)  # through the real line-bot-sdk
    e.account_link(uid, token, make_nonce(key, "M-001"))
    # A forged nonce (signed with another key) from the other friend.
    e.account_link(other, issue_link_token(book, other), make_nonce(bytes(32), "M-002"))
    e.wait_for_deliveries()
    fast_worker(book).run_once()

    friend = book.customers.by_line_user_id(uid)
    assert friend is not None
    assert isinstance(friend, int)  # by_line_user_id gives the customer's number
    friend_id = friend
    got = book.customers.get(friend_id)
    assert got.name == "山田 花子" and got.phone == "090-1111-2222"  # from the member
    assert TAG_LINKED in _tags(book, friend_id)
    # The member's record was merged into the friend's: one customer fewer.
    after = len(book.search.ids(CustomerQuery()))
    assert after == before - 1
    with book.db.read() as s:
        linked = s.scalars(select(DomainEvent).where(
            DomainEvent.kind == domain_events.MEMBER_LINKED)).all()
    assert [ev.customer_id for ev in linked] == [friend_id]
    queue = review_queue(book)
    assert [q["reason"] for q in queue] == ["bad_nonce"]
    assert queue[0]["line_user_id"] == other
    jiro = book.customers.by_line_user_id(other)
    assert isinstance(jiro, int) and TAG_LINKED not in _tags(book, jiro)

    # Pulled again (nothing new): nothing linked twice.
    fast_worker(book).run_once()
    with book.db.read() as s:
        assert len(s.scalars(select(DomainEvent).where(
            DomainEvent.kind == domain_events.MEMBER_LINKED)).all()) == 1

    # The CLI: the key written to a file only the owner can read; a link token with the
    # site's URL on the last line.
    root = book.profile.root
    book.close()
    env = {**os.environ, "OTOKUI_PASSPHRASE": PASSPHRASE}
    out = tmp_path / "key.txt"
    done = subprocess.run([sys.executable, "main.py", "--profile", str(root), "member",
                           "account-link-key", "--out", str(out)], capture_output=True,
                          text=True, env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert bytes.fromhex(out.read_text().strip()) == key and key.hex() not in done.stdout
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    done = subprocess.run([sys.executable, "main.py", "--profile", str(root), "member",
                           "link-token", "--line-user-id", uid, "--site",
                           "https://shop.example.jp/login"], capture_output=True, text=True,
                          env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1].startswith(
        "https://shop.example.jp/login?linkToken=")
