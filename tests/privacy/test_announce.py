"""Announcing a new policy version: the segment of those who agreed only to an older one
(ConsentCondition(older_only=True)), the text with the relay's page address, the CLI, and
the refusals (one version only, not on the relay)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from sqlalchemy import insert

from app.book import Book
from app.privacy.announce import prepare, segment_name
from app.privacy.errors import NothingToAnnounceError, PolicyNotOnRelayError
from app.privacy.service import PrivacyService
from app.segments import ConsentCondition, Group, from_json, to_json
from app.segments.model import ConditionError
from app.store.models_privacy import PrivacyConsent
from tests.privacy.test_policy import SHOP
from tests.sync.conftest import PASSPHRASE, Connected


def _agree(book: Book, customer_id: int, *versions: int) -> None:
    with book.db.write() as s:
        for v in versions:
            s.execute(insert(PrivacyConsent).values(
                customer_id=customer_id, version=v, agreed_at=dt.datetime(2026, 11, v),
                source="form:test"))


def test_older_only_finds_those_not_yet_agreeing_to_the_version(book: Book) -> None:
    only1 = book.customers.create(display_name="第1版だけ")
    both = book.customers.create(display_name="第1版と第2版")
    only2 = book.customers.create(display_name="第2版だけ")
    book.customers.create(display_name="同意なし")
    _agree(book, only1, 1)
    _agree(book, both, 1, 2)
    _agree(book, only2, 2)
    older = from_json(to_json(Group("and", (ConsentCondition(2, older_only=True),))))
    assert older == Group("and", (ConsentCondition(2, older_only=True),))
    assert sorted(book.segments.ids(older)) == [only1]
    # the plain condition is unchanged: version 2 or later
    assert sorted(book.segments.ids(Group("and", (ConsentCondition(2),)))) == \
        sorted([both, only2])
    with pytest.raises(ConditionError):  # a malformed flag is refused by the checker
        book.segments.save("x", Group("and", (
            ConsentCondition(2, older_only="yes"),)))  # type: ignore[arg-type]


def test_announce_makes_the_segment_and_the_text(connected: Connected) -> None:
    book = connected.book
    privacy = PrivacyService(book)
    privacy.save_settings(SHOP)
    privacy.publish(now=dt.datetime(2026, 11, 1, 3, 0))
    privacy.upload()
    with pytest.raises(NothingToAnnounceError):
        prepare(book)
    old = book.customers.create(display_name="旧版")
    new = book.customers.create(display_name="新版")
    _agree(book, old, 1)
    privacy.save_settings(type(SHOP).from_dict({**SHOP.to_dict(), "contact": "03-0000-1111"}))
    privacy.publish(now=dt.datetime(2026, 12, 1, 3, 0))
    with pytest.raises(PolicyNotOnRelayError):  # version 2 is not on the relay yet
        prepare(book)
    privacy.upload()
    _agree(book, new, 2)
    done = prepare(book)
    assert done.version == 2 and done.recipients == 1
    assert book.segments.get(done.segment_id).name == segment_name(2)
    assert book.segments.ids(Group("and", (ConsentCondition(2, older_only=True),))) == [old]
    base = book.line.relay_url.rstrip("/")
    assert done.text.endswith(f"{base}/privacy")
    assert "第2版" in done.text and "2026年12月1日施行" in done.text
    assert SHOP.business_name in done.text
    # the page the text names is the policy itself
    page = connected.relay.http.get("/privacy")
    assert page.status_code == 200 and "第2版" in page.text
    # asked again: the same segment, refreshed, not a second one
    _agree(book, old, 2)
    again = prepare(book)
    assert again.segment_id == done.segment_id and again.recipients == 0
    assert [s.name for s in book.segments.list()].count(segment_name(2)) == 1

    # the CLI prints the text and the segment's number last
    root = book.profile.root
    book.close()
    env = {**os.environ, "OTOKUI_PASSPHRASE": PASSPHRASE}
    out = subprocess.run(
        [sys.executable, "main.py", "--profile", str(root), "privacy",
         "announce"], capture_output=True, text=True, env=env, timeout=120, check=False)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert lines[-1] == str(done.segment_id)
    assert any("2026年12月1日施行" in line for line in lines)
