"""``python main.py member link-page`` in a real subprocess, against a real relay."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.core.test_cli import otokui
from tests.forms.test_cli import USER, last_line, pair_book, relay  # noqa: F401


def test_link_page_prints_a_working_url(inited: Path, relay) -> None:  # noqa: F811
    unpaired = otokui(inited, "member", "link-page", "--line-user-id", USER)
    assert unpaired.returncode == 1 and unpaired.stderr.strip()
    pair_book(inited, relay)
    done = otokui(inited, "member", "link-page", "--line-user-id", USER, "--days", "3")
    assert done.returncode == 0, done.stderr
    url = last_line(done.stdout)
    assert url.startswith(f"{relay.base_url}/ml/")
    page = httpx.get(url)
    assert page.status_code == 200 and "会員番号" in page.text
    # Asked again: the same page (the relay's key is set again, idempotently).
    again = last_line(otokui(inited, "member", "link-page", "--line-user-id", USER).stdout)
    assert again.rsplit("/", 2)[1] == url.rsplit("/", 2)[1]
    bad = otokui(inited, "member", "link-page", "--line-user-id", "nobody")
    assert bad.returncode == 1
