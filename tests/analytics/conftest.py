"""A real encrypted book filled with random history, and the same history as plain lists
so that each figure can be checked against a count written without the figures' code."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from app import search
from app.book import Book
from app.profile import Profile
from app.store.models import (
    Broadcast,
    BroadcastRecipient,
    Conversation,
    Customer,
    CustomerTag,
    CustomField,
    FieldValue,
    Form,
    FormAnswer,
    FormVersion,
    Message,
    Tag,
    TimelineEvent,
)

START = dt.datetime(2026, 9, 1)  # naive UTC, as the book stores times
EPOCH = dt.datetime(1970, 1, 1)


def ms(when: dt.datetime) -> int:
    return (when - EPOCH) // dt.timedelta(milliseconds=1)


@dataclass
class History:
    customers: list[int] = field(default_factory=list)
    owner_id: int = 0
    events: list[tuple[int, dt.datetime, str]] = field(default_factory=list)
    tags: dict[int, set[int]] = field(default_factory=dict)  # tag id -> customers
    tag_names: dict[int, str] = field(default_factory=dict)
    messages: list[tuple[int, str, str, int]] = field(default_factory=list)  # cid, dir, type, ms
    last: dict[int, tuple[str, str]] = field(default_factory=dict)
    casts: list[tuple[int, dt.datetime, list[int], int]] = field(default_factory=list)
    answers: list[tuple[dt.datetime, dict[str, Any]]] = field(default_factory=list)
    prefs: dict[int, str] = field(default_factory=dict)
    birthdays: dict[int, dt.date] = field(default_factory=dict)
    choice_field: int = 0
    number_field: int = 0
    choice: dict[int, str] = field(default_factory=dict)
    number: dict[int, float] = field(default_factory=dict)
    blocked: set[int] = field(default_factory=set)


@pytest.fixture
def history(tmp_path: Path) -> Iterator[tuple[Book, History]]:
    book = Profile(tmp_path / "profile").create(passphrase="しっかりした合言葉 2026")
    rnd = random.Random(17)
    h = History()
    prefs = ["東京都", "大阪府", "北海道", "沖縄県"]
    try:
        with book.db.write() as s:
            owner = Customer(name="店主", is_owner=True)
            s.add(owner)
            s.flush()
            h.owner_id = owner.id
            tags = [Tag(name=n) for n in ("常連", "VIP", "新規", "休眠")]
            s.add_all(tags)
            s.flush()
            for t in tags:
                h.tags[t.id] = set()
                h.tag_names[t.id] = t.name
            likes = CustomField(name="好み", type="single_choice",
                                choices=["甘口", "辛口", "中辛"])
            visits = CustomField(name="来店回数", type="number", choices=[])
            s.add_all([likes, visits])
            s.flush()
            h.choice_field, h.number_field = likes.id, visits.id
            for i in range(300):
                pref = rnd.choice([*prefs, ""])
                bday = (dt.date(1990, rnd.randint(1, 12), rnd.randint(1, 28))
                        if rnd.random() < 0.8 else None)
                blocked = START if rnd.random() < 0.1 else None
                c = Customer(name=f"客{i}", address=f"{pref}どこか{i}", birthday=bday,
                             blocked_at=blocked)
                s.add(c)
                s.flush()
                h.customers.append(c.id)
                if blocked:
                    h.blocked.add(c.id)
                if pref:
                    h.prefs[c.id] = pref
                if bday:
                    h.birthdays[c.id] = bday
                if rnd.random() < 0.7:
                    h.choice[c.id] = rnd.choice(likes.choices)
                    s.add(FieldValue(customer_id=c.id, field_id=likes.id,
                                     text_value=h.choice[c.id]))
                if rnd.random() < 0.8:
                    h.number[c.id] = float(rnd.randint(0, 30))
                    s.add(FieldValue(customer_id=c.id, field_id=visits.id,
                                     num_value=h.number[c.id]))
                for t in tags:
                    if rnd.random() < 0.3:
                        s.add(CustomerTag(customer_id=c.id, tag_id=t.id))
                        h.tags[t.id].add(c.id)
                for _ in range(rnd.randint(0, 3)):
                    kind = rnd.choice(["line_followed", "line_blocked", "line_unblocked",
                                       "tag_added"])
                    at = START + dt.timedelta(minutes=rnd.randint(0, 120 * 24 * 60))
                    s.add(TimelineEvent(customer_id=c.id, kind=kind, at=at, data={}))
                    h.events.append((c.id, at, kind))
                t_ms = ms(START)
                last: tuple[str, str] | None = None
                for _ in range(rnd.randint(0, 12)):
                    t_ms += rnd.randint(1, 5 * 86_400_000)
                    direction = rnd.choice(["in", "in", "out"])
                    mtype = rnd.choice(["text", "text", "sticker", "system", "postback"])
                    s.add(Message(customer_id=c.id, direction=direction, type=mtype,
                                  at_ms=t_ms))
                    h.messages.append((c.id, direction, mtype, t_ms))
                    last = (direction, mtype)
                if last:
                    s.add(Conversation(customer_id=c.id, last_direction=last[0],
                                       last_type=last[1], last_at_ms=t_ms))
                    h.last[c.id] = last
            search.reindex(s, [h.owner_id, *h.customers])  # as the customer service does
            for j in range(4):
                started = START + dt.timedelta(days=10 + 20 * j, hours=3)
                b = Broadcast(name=f"配信{j}", state="done", endpoint="multicast",
                              started_at=started, recipients=0, sent=0)
                s.add(b)
                s.flush()
                got = rnd.sample(h.customers, 100)
                for cid in got:
                    s.add(BroadcastRecipient(broadcast_id=b.id, customer_id=cid,
                                             line_user_id=f"U{cid}", state="sent"))
                b.recipients = b.sent = len(got)
                h.casts.append((b.id, started, got, len(got)))
            form = Form(form_id="f1", title="アンケート", draft={}, link_secret=b"x" * 32)
            s.add(form)
            s.flush()
            s.add(FormVersion(form_pk=form.id, version=1, digest="d", definition={"items": [
                {"key": "visit", "type": "choice", "label": "来店のきっかけ",
                 "choices": [{"label": "紹介"}, {"label": "広告"}, {"label": "通りがかり"}]},
                {"key": "likes", "type": "choice", "label": "好きなもの", "multiple": True,
                 "choices": [{"label": "パン"}, {"label": "ケーキ"}]}]}))
            for k in range(80):
                at = START + dt.timedelta(hours=rnd.randint(0, 100 * 24))
                values: dict[str, Any] = {}
                if rnd.random() < 0.9:
                    values["visit"] = rnd.choice(["紹介", "広告", "通りがかり"])
                values["likes"] = rnd.sample(["パン", "ケーキ"], rnd.randint(0, 2))
                s.add(FormAnswer(answer_id=f"a{k}", form_id="f1", form_pk=form.id, version=1,
                                 identity="anon", status="applied", submitted_at=at,
                                 answer_values=values))
                h.answers.append((at, values))
        yield book, h
    finally:
        book.close()
