"""ID連携 end to end, all real: the LINE emulator, the relay's member-link page over
loopback HTTP, the sealed request, the desktop's sync, the "連携しました" message.

The relay never learns who the friend is or whether the answer matched; it counts tries
per link's friend (a hash) and seals the request. The desktop opens the link's token with
its own secret, matches exactly, merges, and sends the message through the broadcasts'
exactly-once engine.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from app.members import link_page
from app.members.importer import import_members
from app.members.linking import TAG_LINKED, review_queue
from app.members.messages import TEXT
from relay.members.pages import MAX_TRIES
from tests.relay.harness import assert_nothing_personal, stored_bytes
from tests.sync.conftest import Connected
from tests.sync.support import fast_worker

MEMBERS = """会員番号,氏名,電話番号,メール,誕生日,ポイント
M-001,山田 花子,090-1111-2222,hana@example.jp,1990/04/01,120
M-002,佐藤 次郎,080-3333-4444,,1985-12-24,
"""
CSRF = re.compile(r'name="_csrf" value="([^"]+)"')


def _csrf(page: httpx.Response) -> str:
    found = CSRF.search(page.text)
    assert found, page.text
    return found.group(1)


def _post(client: httpx.Client, url: str, **fields: str) -> httpx.Response:
    page = client.get(url)
    assert page.status_code == 200, page.text
    return client.post(url, data={"_csrf": _csrf(page), **fields})


def _texts(emulator, uid: str) -> list[str]:
    return [m["text"] for sent in emulator.inbox(uid) for m in sent["messages"]
            if m["type"] == "text"]


def _tags(book, cid: int) -> set[str]:
    names = {t.id: t.name for t in book.tags.list()}
    return {names[t] for t in book.customers.tag_ids_of(cid)}


@pytest.fixture
def shop(connected: Connected, tmp_path: Path) -> tuple[Connected, str, str]:
    """A friend in the book, the shop's members imported, the page on the relay, a link."""
    book, e = connected.book, connected.emulator
    uid = e.add_user("はなこ")
    e.wait_for_deliveries(1)
    fast_worker(book).run_once()
    members = tmp_path / "members.csv"
    members.write_text(MEMBERS, encoding="utf-8")
    import_members(book, members)
    url = link_page.link(book, uid, days=7)
    link_page.upload(book)
    return connected, uid, url


def test_a_friend_links_their_membership_and_gets_the_message(shop) -> None:
    connected, uid, url = shop
    book, e = connected.book, connected.emulator
    friend = book.customers.by_line_user_id(uid)
    assert url.startswith(connected.relay.base_url + "/ml/")
    with httpx.Client() as client:
        page = client.get(url)
        assert page.status_code == 200
        assert "会員連携" in page.text and "<script" not in page.text
        assert page.headers["content-security-policy"].startswith("default-src 'none'")
        # A wrong phone first: the relay takes it (it cannot know), the desktop does not link.
        wrong = _post(client, url, member_number="M-001", phone="090-9999-0000")
        assert wrong.status_code == 200 and "受け付けました" in wrong.text
        fast_worker(book).run_once()
        assert book.customers.get(friend).name != "山田 花子"
        assert [r["member_number"] for r in review_queue(book)] == ["M-001"]
        # Then the right one, typed in full-width digits as a phone keyboard may.
        right = _post(client, url, member_number="ｍ－００１", phone="０９０－１１１１－２２２２")
        assert right.status_code == 200, right.text
    fast_worker(book).run_once()

    c = book.customers.get(friend)
    assert (c.name, c.phone, c.line_user_id) == ("山田 花子", "090-1111-2222", uid)
    assert TAG_LINKED in _tags(book, friend)
    member_field = book.fields.by_name()["会員番号"].id
    assert book.fields.values_of(friend)[member_field] == "M-001"
    texts = _texts(e, uid)
    assert texts.count(TEXT) == 1
    # Pulled again (a crash before the ack): nothing twice, no second message.
    fast_worker(book).run_once()
    assert _texts(e, uid).count(TEXT) == 1
    assert [b.name for b in book.broadcasts.list()] == [
        b.name for b in book.broadcasts.list() if b.name.startswith("会員連携 ")]
    assert len(book.broadcasts.list()) == 1
    # The relay kept none of it readable: not in its database, not in its log.
    said = ["M-001", "ｍ－００１", "090-9999-0000", "090-1111-2222", "09011112222",
            "０９０－１１１１－２２２２"]
    relay = connected.relay
    assert_nothing_personal("the relay's database", stored_bytes(relay.db_url), said)
    assert_nothing_personal("the relay's log", relay.log_path.read_bytes(), said)


def test_bad_posts_are_refused_with_a_page_and_nothing_stored(shop) -> None:
    connected, uid, url = shop
    relay = connected.relay
    page_id, token = url.rsplit("/", 2)[1:]
    with httpx.Client() as client:
        forged = client.get(f"{relay.base_url}/ml/{page_id}/{token[:-2]}AA")
        assert forged.status_code == 404 and "リンクが正しくありません" in forged.text
        unknown = client.get(f"{relay.base_url}/ml/{'0' * 16}/{token}")
        assert unknown.status_code == 404
        no_csrf = client.post(url, data={"member_number": "M-001", "phone": "09011112222"})
        assert no_csrf.status_code == 400
        empty = _post(client, url, member_number="", phone="")
        assert empty.status_code == 400
        assert "会員番号を入力してください" in empty.text
        assert "電話番号か生年月日のどちらかを入力してください" in empty.text
        bad = _post(client, url, member_number="M-001", phone="12", birthday="1990-13-01")
        assert bad.status_code == 400 and "10桁か11桁" in bad.text
        # A replayed post (same one-time token) is refused, once it was taken.
        token_page = client.get(url)
        data = {"_csrf": _csrf(token_page), "member_number": "M-002",
                "birthday": "1985-12-24"}
        assert client.post(url, data=data).status_code == 200
        assert client.post(url, data=data).status_code == 409
        relay.clock.advance(8 * 86400)
        expired = client.get(url)
        assert expired.status_code == 410
    fast_worker(connected.book).run_once()
    # Only the one accepted request arrived, and it linked M-002 by birthday.
    friend = connected.book.customers.by_line_user_id(uid)
    assert connected.book.customers.get(friend).name == "佐藤 次郎"


def test_tries_are_limited_on_the_relay_and_in_the_book(shop) -> None:
    connected, uid, url = shop
    book = connected.book
    with httpx.Client() as client:
        early = _csrf(client.get(url))
        for n in range(MAX_TRIES):
            got = _post(client, url, member_number="M-001", phone=f"090-0000-000{n}")
            assert got.status_code == 200, got.text
        again = client.get(url)
        assert again.status_code == 429 and "上限" in again.text
        # A page opened before the limit cannot post past it either.
        late = client.post(url, data={"_csrf": early, "member_number": "M-001",
                                      "phone": "090-1111-2222"})
        assert late.status_code == 429
        connected.relay.clock.advance(86400 + 1)
        assert client.get(url).status_code == 200
    fast_worker(book).run_once()
    # Five wrong proofs for M-001 in the book: from now on, even the right one is not
    # linked by itself, it waits for the owner.
    with httpx.Client() as client:
        right = _post(client, url, member_number="M-001", phone="090-1111-2222")
        assert right.status_code == 200
    fast_worker(book).run_once()
    friend = book.customers.by_line_user_id(uid)
    assert TAG_LINKED not in _tags(book, friend)
    assert review_queue(book)[-1]["reason"] == "too_many_tries"
    assert TEXT not in _texts(connected.emulator, uid)
