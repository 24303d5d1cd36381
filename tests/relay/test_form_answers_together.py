"""Answers posted at once share durable commits (relay.forms.store.FormStore.accept, on
relay.group_commit): each is stored once and sealed, and one that must be refused (a
replayed page) is refused alone (real relay on loopback HTTP, posts from threads)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tests.relay.form_pages import csrf_of, publish
from tests.relay.harness import ThreadRelay

FORM = {"title": "アンケート", "items": [
    {"key": "name", "type": "text", "label": "お名前", "required": True}]}


def test_answers_at_once_are_each_stored_once(relay: ThreadRelay) -> None:
    site = publish(relay, FORM)
    tokens = [csrf_of(site.get(site.public).text) for _ in range(12)]
    posts: list[tuple[str, str]] = [(f"花子{n}", t) for n, t in enumerate(tokens)]
    posts.append(("二度目", tokens[0]))  # the first page posted again: a replay

    def send(post: tuple[str, str]) -> Any:
        return site.post(site.public, {"name": post[0]}, csrf=post[1]).status_code

    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(send, posts))
    assert sorted(codes) == [200] * 12 + [409]
    names = sorted(a.fields["name"][0] for a in site.answers())
    assert len(names) == 12 and len({a.answer_id for a in site.answers()}) == 12
    assert set(names) <= {p[0] for p in posts}
