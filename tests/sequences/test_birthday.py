"""Birthday messages with coupons on a fake clock: on the day, at the time, once."""

from __future__ import annotations

import datetime as dt

import pytest

from app.errors import NotFoundError, ValidationError
from app.sequences import birthday
from app.sequences.birthday import BirthdaySettings
from tests.sequences.conftest import Shop

CODE_TEXT = "クーポンコード："


def utc(jst: str) -> dt.datetime:
    """A Japan time as the naive UTC the book uses."""
    return dt.datetime.fromisoformat(jst) - dt.timedelta(hours=9)


def codes(shop: Shop, uid: str) -> list[str]:
    out = []
    for texts in shop.received(uid):
        out += [t.split(CODE_TEXT)[1].strip() for t in texts if CODE_TEXT in t]
    return out


@pytest.mark.parametrize("days_before", [0, 3])
def test_coupon_message_on_the_day_at_the_time_once(friends: Shop, days_before: int) -> None:
    shop, b = friends, friends.book
    (c_bd, u_bd), (c_other, u_other), (c_leap, u_leap) = shop.friends[:3]
    b.customers.update(c_bd, birthday=dt.date(1990, 12, 10))
    b.customers.update(c_other, birthday=dt.date(1985, 12, 11))
    b.customers.update(c_leap, birthday=dt.date(2000, 2, 29))
    birthday.save(b, BirthdaySettings(enabled=True, days_before=days_before, at="10:00",
                                      coupon_days=30))
    day = dt.date(2026, 12, 10) - dt.timedelta(days=days_before)
    # The day before, and that day before 10:00 (Japan time): nothing.
    for t in (f"{day - dt.timedelta(days=1)}T12:00", f"{day}T00:00", f"{day}T09:59"):
        assert b.sequences.run_due(utc(t)).sent == 0, t
    assert codes(shop, u_bd) == []
    assert b.sequences.run_due(utc(f"{day}T10:00")).sent == 1
    # Again that day, later, and after the clock jumped back: nothing more.
    for t in (f"{day}T18:00", f"{day}T10:00", f"{day}T08:00"):
        assert b.sequences.run_due(utc(t)).sent == 0, t
    # The next day is the other customer's (born on the 11th), not this one's again.
    assert b.sequences.run_due(utc(f"{day + dt.timedelta(days=1)}T10:00")).sent == 1
    assert len(codes(shop, u_other)) == 1
    got = codes(shop, u_bd)
    assert len(got) == 1
    coupon = b.coupons.get(got[0])
    assert coupon.customer_id == c_bd and coupon.status == "issued"
    assert coupon.expires_on == day + dt.timedelta(days=30)
    assert shop.received(u_bd)[0][0].startswith(
        f"{b.customers.get(c_bd).name or b.customers.get(c_bd).display_name}様、お誕生日")
    # Next year: again, with a new code.
    next_day = day.replace(year=2027)
    assert b.sequences.run_due(utc(f"{next_day}T10:30")).sent == 1
    assert len(set(codes(shop, u_bd))) == 2
    # 29 February is greeted on 28 February in 2027.
    leap = dt.date(2027, 2, 28) - dt.timedelta(days=days_before)
    assert b.sequences.run_due(utc(f"{leap}T10:00")).sent == 1
    assert len(codes(shop, u_leap)) == 1


def test_coupon_use_records_it_and_refuses_twice(friends: Shop) -> None:
    b = friends.book
    cid, _ = friends.friends[0]
    code = b.coupons.issue(cid, "test", title="10%オフ", expires_on=dt.date(2026, 12, 31))
    assert b.coupons.issue(cid, "test") == code  # one per customer and purpose
    assert len(code) == 8
    used = b.coupons.use(code.lower()[:4] + "-" + code.lower()[4:],
                         today=dt.date(2026, 12, 20))
    assert used.status == "used"
    kinds = [e.kind for e in b.audit.timeline(cid)]
    assert "coupon_used" in kinds and "coupon_issued" in kinds
    with pytest.raises(ValidationError):
        b.coupons.use(code, today=dt.date(2026, 12, 20))
    late = b.coupons.issue(cid, "other", expires_on=dt.date(2026, 12, 31))
    with pytest.raises(ValidationError):
        b.coupons.use(late, today=dt.date(2027, 1, 1))
    with pytest.raises(NotFoundError):
        b.coupons.use("ZZZZZZZZ")
    assert [c.code for c in b.coupons.for_customer(cid)] == [late, code]


def test_coupon_in_a_sequence_step(friends: Shop) -> None:
    shop, b = friends, friends.book
    sid = b.sequences.create("クーポン付き", [
        {"after": {"hours": 1}, "text": "ご来店ありがとう！クーポンコード：{クーポン}",
         "coupon_days": 7}])
    cid, uid = shop.friends[0]
    t0 = dt.datetime(2026, 12, 1, 0, 0)
    b.sequences.start(sid, [cid], cause="t", at=t0)
    b.sequences.run_due(t0 + dt.timedelta(hours=1))
    (code,) = codes(shop, uid)
    assert b.coupons.get(code).expires_on == dt.date(2026, 12, 8)
