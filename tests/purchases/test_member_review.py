"""The member-link review queue decided by the owner (app/members/review.py and ``member
review --link/--refuse``): a link to the suggested member or another merges like an exact
match, a refusal links nothing; each leaves the queue and is audited."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.members import review
from app.members.linking import (
    FAILURES_KEY,
    MESSAGES_KEY,
    TAG_LINKED,
    LinkRequest,
    apply_link_request,
    review_queue,
)
from app.store.models import AuditEntry, BookSetting
from tests.core.test_cli import PASS, otokui
from tests.purchases.test_members import FRIEND, MEMBERS, member_id, members, tag_names

__all__ = ["members"]  # the fixture
OTHER = "U" + "e" * 32


def _audit(book) -> list[str]:
    with book.db.read() as s:
        return [e.action for e in s.query(AuditEntry).order_by(AuditEntry.id)]


def _setting(book, key: str):
    with book.db.read() as s:
        row = s.get(BookSetting, key)
        return row.value if row is not None else None


def test_link_to_the_suggested_member_merges_and_is_audited(members) -> None:
    book = members
    friend = book.customers.create(line_user_id=FRIEND, display_name="はな")
    hana = member_id(book, "M-001")
    assert apply_link_request(book, LinkRequest("r1", FRIEND, "M-001",
                                                phone="09000000000")).result == "review"
    [entry] = review.entries(book)
    assert (entry.suggested_customer_id, entry.reason) == (hana, "near")
    kept = review.link(book, "r1")
    assert kept == friend
    assert book.customers.get(friend).name == "山田 花子"
    assert TAG_LINKED in tag_names(book, friend)
    assert review_queue(book) == []
    assert "member_review_linked" in _audit(book) and "member_linked" in _audit(book)
    # The wrong try no longer counts; the message is owed (no LINE in this book).
    assert f"u:{FRIEND}" not in (_setting(book, FAILURES_KEY) or {})
    assert [m["customer_id"] for m in _setting(book, MESSAGES_KEY)] == [friend]
    with pytest.raises(review.ReviewEntryGoneError):  # decided once
        review.link(book, "r1")


def test_link_to_another_refuse_and_a_wrong_target(members) -> None:
    book = members
    jiro = member_id(book, "M-002")
    apply_link_request(book, LinkRequest("r2", OTHER, "M-999", phone="08033334444"))
    apply_link_request(book, LinkRequest("r3", FRIEND, "M-001", phone="09000000000"))
    assert [e.suggested_customer_id for e in review.entries(book)] == [None, member_id(
        book, "M-001")]
    found = review.candidates(book, "080-3333")
    assert [c.customer_id for c in found] == [jiro] and found[0].member_number == "M-002"
    # Not the friend: a customer already on LINE is refused, the entry stays.
    linked = review.link(book, "r2", jiro)
    assert book.customers.get(linked).line_user_id == OTHER  # the friend was not in the book
    with pytest.raises(review.ReviewTargetError):
        review.link(book, "r3", jiro)
    assert [e.request_id for e in review.entries(book)] == ["r3"]
    review.refuse(book, "r3")
    assert review.entries(book) == []
    assert book.customers.get(member_id(book, "M-001")).line_user_id is None
    assert _audit(book)[-1] == "member_review_refused"


def test_review_cli(inited: Path, tmp_path: Path) -> None:
    from app.profile import Profile

    f = tmp_path / "members.csv"
    f.write_text(MEMBERS, encoding="utf-8")
    assert otokui(inited, "member", "import", str(f)).returncode == 0
    with Profile(inited).open(PASS) as book:
        apply_link_request(book, LinkRequest("c1", FRIEND, "M-001", phone="09000000000"))
        apply_link_request(book, LinkRequest("c2", OTHER, "M-002", phone="09000000000"))
    listed = otokui(inited, "member", "review")
    assert listed.stdout.splitlines()[-1] == "2" and "\tc1\tnear" in listed.stdout
    done = otokui(inited, "member", "review", "--link", "c1")
    assert done.returncode == 0, done.stderr
    assert otokui(inited, "member", "review", "--refuse", "c2").returncode == 0
    gone = otokui(inited, "member", "review", "--refuse", "c2")
    assert gone.returncode == 1 and gone.stderr.strip()
    assert otokui(inited, "member", "review").stdout.splitlines()[-1] == "0"
