"""ID連携 on the desktop: member import, exact links merge, near matches wait for review,
requests applied once, the front item kind."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from app import domain_events
from app.errors import ImportRowsError, NotFoundError
from app.members import link_page
from app.members.importer import import_members
from app.members.linking import (
    MAX_WRONG,
    TAG_LINKED,
    LinkRequest,
    apply_link_request,
    make_item,
    review_queue,
)
from app.purchases.service import SaleLine
from app.store.models import DomainEvent
from app.sync.front_items import FrontItemError, kind_of
from relay.forms import links
from tests.core.test_cli import otokui

FRIEND = "U" + "f" * 32
MEMBERS = """会員番号,氏名,電話番号,メール,誕生日,ポイント
M-001,山田 花子,090-1111-2222,hana@example.jp,1990/04/01,120
M-002,佐藤 次郎,080-3333-4444,,1985-12-24,
"""


def tag_names(book, cid: int) -> set[str]:
    names = {t.id: t.name for t in book.tags.list()}
    return {names[t] for t in book.customers.tag_ids_of(cid)}


@pytest.fixture
def members(book, tmp_path: Path):
    f = tmp_path / "members.csv"
    f.write_text(MEMBERS, encoding="utf-8")
    report = import_members(book, f)
    assert (report.created, report.updated) == (2, 0)
    return book


def member_id(book, number: str) -> int:
    from app.members.importer import member_index_in

    with book.db.read() as s:
        return member_index_in(s, book.fields.by_name()["会員番号"].id)[number]


def test_member_import_is_all_or_nothing_and_updates(members, tmp_path: Path) -> None:
    book = members
    hana = member_id(book, "M-001")
    c = book.customers.get(hana)
    assert (c.name, c.phone_digits, c.line_user_id) == ("山田 花子", "09011112222", None)
    assert book.fields.values_of(hana)[book.fields.by_name()["ポイント"].id] == 120
    f = tmp_path / "again.csv"
    f.write_text("会員番号,氏名\nM-001,山田 華子\nM-001,重複\n", encoding="utf-8")
    with pytest.raises(ImportRowsError) as err:
        import_members(book, f)
    assert err.value.problems[0].row == 3
    f.write_text("会員番号,氏名\nM-001,山田 華子\n", encoding="utf-8")
    assert import_members(book, f).updated == 1
    assert book.customers.get(hana).name == "山田 華子"


def test_exact_match_merges_into_the_friend(members) -> None:
    book = members
    hana = member_id(book, "M-001")
    book.purchases.quick_sale(hana, [SaleLine(name="カット", unit_price=4400)])
    friend = book.customers.create(line_user_id=FRIEND, display_name="はな")
    out = apply_link_request(book, LinkRequest("r1", FRIEND, "m-001", phone="09011112222"))
    assert out == type(out)("linked", friend)
    c = book.customers.get(friend)
    assert (c.name, c.email, c.birthday) == ("山田 花子", "hana@example.jp", dt.date(1990, 4, 1))
    assert book.fields.values_of(friend)[book.fields.by_name()["会員番号"].id] == "M-001"
    assert [o.total for o in book.purchases.history(friend)] == [4400]
    assert TAG_LINKED in tag_names(book, friend)
    assert "member_linked" in [e.kind for e in book.audit.timeline(friend)]
    with pytest.raises(NotFoundError):
        book.customers.get(hana)  # merged away
    with book.db.read() as s:
        kinds = [e.kind for e in s.scalars(select(DomainEvent))]
    assert kinds.count(domain_events.MEMBER_LINKED) == 1
    again = apply_link_request(book, LinkRequest("r1", FRIEND, "M-001", phone="09011112222"))
    assert again.result == "already"


def test_birthday_proves_and_friend_not_yet_in_book(members) -> None:
    book = members
    jiro = member_id(book, "M-002")
    out = apply_link_request(book, LinkRequest("r2", FRIEND, "M-002",
                                               birthday=dt.date(1985, 12, 24)))
    assert out.result == "linked" and out.customer_id == jiro
    assert book.customers.get(jiro).line_user_id == FRIEND


def test_near_matches_wait_for_review_and_never_link(members) -> None:
    book = members
    hana = member_id(book, "M-001")
    wrong = apply_link_request(book, LinkRequest("r3", FRIEND, "M-001", phone="09011112223"))
    assert wrong.result == "review"
    other = apply_link_request(book, LinkRequest("r4", FRIEND, "M-999", phone="09011112222"))
    assert other.result == "review"
    none = apply_link_request(book, LinkRequest("r5", FRIEND, "M-999", phone="0000"))
    assert none.result == "no_member"
    assert [e["request_id"] for e in review_queue(book)] == ["r3", "r4"]
    assert book.customers.get(hana).line_user_id is None
    assert TAG_LINKED not in tag_names(book, hana)


def test_front_item_kind(members) -> None:
    page_id, secret = link_page.page(members)
    now = int(time.time())
    token = links.make_token(secret, page_id, FRIEND, now + 3600)
    item = make_item(LinkRequest("r6", "", "M-002", phone="080-3333-4444"), page_id=page_id,
                     token=token, submitted_ms=now * 1000)
    kind = kind_of(item)
    assert kind is not None and kind.name == "member-link"
    assert kind.apply(members, item) == "linked"
    assert members.customers.get(member_id(members, "M-002")).line_user_id == FRIEND
    assert kind.apply(members, item) == "already"
    # The relay cannot name a friend: a token it did not get from the book, another
    # page's, or one that had expired when the relay took the request, is refused.
    other = links.make_token(b"x" * 32, page_id, FRIEND, now + 3600)
    late = make_item(LinkRequest("r7", "", "M-001", phone="090-1111-2222"),
                     page_id=page_id, token=token, submitted_ms=(now + 3600) * 1000)
    for bad in (item.replace(token.encode(), other.encode()).replace(b"r6", b"r8"),
                item.replace(page_id.encode(), b"0" * 16).replace(b"r6", b"r9"), late,
                item.replace(b'"submitted_at"', b'"x"')):
        with pytest.raises(FrontItemError):
            kind.apply(members, bad)


def test_wrong_tries_lock_a_member_number(members) -> None:
    book = members
    for n in range(MAX_WRONG):
        got = apply_link_request(book, LinkRequest(f"w{n}", f"U{n:032d}", "M-001",
                                                   phone=f"0900000000{n}"))
        assert got.result == "review"
    # Even the right proof, from another friend, is not linked now: it waits for review.
    right = apply_link_request(book, LinkRequest("w9", FRIEND, "M-001", phone="09011112222"))
    assert right.result == "locked"
    assert book.customers.get(member_id(book, "M-001")).line_user_id is None
    assert review_queue(book)[-1]["reason"] == "too_many_tries"
    # Another member is not affected.
    other = apply_link_request(book, LinkRequest("w10", FRIEND, "M-002",
                                                 birthday=dt.date(1985, 12, 24)))
    assert other.result == "linked"


def test_member_import_cli(inited: Path, tmp_path: Path) -> None:
    f = tmp_path / "members.csv"
    f.write_text(MEMBERS, encoding="utf-8")
    done = otokui(inited, "member", "import", str(f))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "2"
    assert otokui(inited, "member", "review").stdout.splitlines()[-1] == "0"
