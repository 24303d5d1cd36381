"""Consent: an applied form answer records which policy version was agreed and when; the
segment condition "agreed to version ≥ N"; the detail pane's line."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import update

from app.book import Book
from app.forms import apply_form_answer
from app.privacy.service import PrivacyService, consent_of
from app.segments import ConsentCondition, Group, from_json, to_json
from app.store.models_privacy import PrivacyPolicyVersion
from tests.forms.test_apply import answer, link_token, published
from tests.privacy.test_policy import SHOP

USER2 = "U" + "fedcba9876543210" * 2
FORM = {"title": "問診票", "items": [
    {"key": "name", "type": "name", "label": "お名前", "to": "name"},
    {"key": "consent", "type": "consent", "label": "同意します", "required": True}]}


def _on_relay(book: Book, version: int, at: dt.datetime) -> None:
    """As PrivacyService.upload records it (the relay itself is tested in test_policy)."""
    with book.db.write() as s:
        s.execute(update(PrivacyPolicyVersion).where(PrivacyPolicyVersion.version == version)
                  .values(on_relay_at=at))


def _ms(at: dt.datetime) -> int:
    return int(at.replace(tzinfo=dt.UTC).timestamp() * 1000)


def test_consent_names_the_version_the_relay_showed(book: Book) -> None:
    privacy = PrivacyService(book)
    privacy.save_settings(SHOP)
    t1 = dt.datetime(2026, 11, 1, 3, 0)
    privacy.publish(now=t1)
    _on_relay(book, 1, t1)
    privacy.save_settings(type(SHOP).from_dict({**SHOP.to_dict(), "contact": "03-0000-1111"}))
    t2 = dt.datetime(2026, 12, 1, 3, 0)
    privacy.publish(now=t2)
    _on_relay(book, 2, t2)
    form_id = published(book, FORM)
    from tests.forms.test_apply import USER
    old = book.customers.create(line_user_id=USER, display_name="前")
    new = book.customers.create(line_user_id=USER2, display_name="後")
    none = book.customers.create(display_name="未回答")
    fields: dict[str, Any] = {"name": ["山田 花子"], "consent": ["on"]}
    apply_form_answer(book, answer(form_id, fields, token=link_token(book, form_id),
                                   submitted_at=_ms(t1 + dt.timedelta(days=3))))
    apply_form_answer(book, answer(form_id, {**fields, "name": ["佐藤 一郎"]},
                                   token=link_token(book, form_id, USER2),
                                   submitted_at=_ms(t2 + dt.timedelta(days=3))))
    first, second = consent_of(book, old), consent_of(book, new)
    assert first is not None and first.version == 1 and first.source == f"form:{form_id}"
    assert first.agreed_at == t1 + dt.timedelta(days=3)
    assert second is not None and second.version == 2
    assert consent_of(book, none) is None

    cond = from_json(to_json(Group("and", (ConsentCondition(2),))))
    assert sorted(book.segments.ids(cond)) == [new]
    assert sorted(book.segments.ids(Group("and", (ConsentCondition(1),)))) == \
        sorted([old, new])


def test_detail_pane_shows_the_consent(book: Book, qtbot: Any) -> None:
    from ui.widgets.detail_pane import DetailPane

    privacy = PrivacyService(book)
    privacy.save_settings(SHOP)
    t1 = dt.datetime(2026, 11, 1, 3, 0)
    privacy.publish(now=t1)
    _on_relay(book, 1, t1)
    form_id = published(book, FORM)
    from tests.forms.test_apply import USER
    c = book.customers.create(line_user_id=USER, display_name="前")
    other = book.customers.create(display_name="未回答")
    apply_form_answer(book, answer(form_id, {"consent": ["on"]},
                                   token=link_token(book, form_id),
                                   submitted_at=_ms(t1 + dt.timedelta(days=1))))
    pane = DetailPane(book)
    qtbot.addWidget(pane)
    pane.show_customer(c)
    assert "1" in pane.consent.text() and pane.consent.text() != "—"
    pane.show_customer(other)
    assert pane.consent.text() not in ("", "—", "1")
