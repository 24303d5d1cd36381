"""The relay SIGKILLed while its instant thank-you is on the way to LINE: a real
``python -m relay serve`` killed and restarted on the same database. LINE (the emulator)
took the push; the restarted relay pushes again with the same retry key, LINE answers 409,
and the friend has the thank-you once. The desktop then records it and sends nothing."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.autopilot.client import AutopilotClient
from app.book import Book
from app.sync.pairing import connect
from emulator import RunningEmulator, run_in_thread
from tests.relay.form_pages import csrf_of
from tests.relay.harness import (
    ProcessRelay,
    assert_nothing_personal,
    free_port,
    run_cli,
    stored_bytes,
)
from tests.relay.line_events import LineEvents
from tests.sync.support import ACCESS_TOKEN, CHANNEL_SECRET, fast_worker, wait_until

KEY = "the-relay-autopilot-key-0123456789"
FORM = {"title": "アンケート", "line_thank_you": "ご回答ありがとうございました！",
        "items": [{"key": "note", "type": "long_text", "label": "ご感想", "to": "memo"}]}


@pytest.fixture
def line() -> Iterator[RunningEmulator]:
    running = run_in_thread(channel_secret=CHANNEL_SECRET, access_token=ACCESS_TOKEN,
                            webhook_url=None, quota=None, seed=9, port=free_port())
    yield running
    running.stop()


def _pushes(line: RunningEmulator, uid: str) -> list[str]:
    return [m["text"] for s in line.emulator.inbox(uid) if s.get("endpoint") == "push"
            for m in s["messages"]]


@pytest.mark.slow
def test_killed_mid_push_the_friend_gets_it_once(book: Book, line: RunningEmulator,
                                                 tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'relay.db'}"
    env = {"RELAY_AUTOPILOT_KEY": KEY, "RELAY_LINE_API_BASE": line.base_url}
    relay = ProcessRelay(db_url, tmp_path / "relay.log", LineEvents(), extra_env=env)
    port = relay.port
    try:
        line.emulator.configure(webhook_url=f"{relay.base_url}/line/webhook")
        code = run_cli(db_url, "pair", env=relay.env).stdout.strip().splitlines()[-1]
        connect(book, relay_url=relay.base_url, pairing_code=code, access_token=ACCESS_TOKEN,
                channel_secret=CHANNEL_SECRET, api_base=line.base_url)
        uid = line.emulator.add_user("かおり")
        line.emulator.wait_for_deliveries(1)
        fast_worker(book).run_once()
        form = book.forms.create(FORM)
        book.forms.publish(form.form_id)
        book.forms.upload(form.form_id)
        AutopilotClient(book).turn_on()

        # LINE is slow to answer this push: the relay is killed while it waits.
        line.emulator.faults.add("push", "delay", seconds=2.0)
        path = book.forms.link(form.form_id, uid, days=7).removeprefix(relay.base_url)
        csrf = csrf_of(relay.http.get(path).text)

        def answer() -> None:
            # The relay dies under the friend's page: they see an error.
            with contextlib.suppress(httpx.HTTPError):
                relay.http.post(path, data={"note": "良かったです", "_csrf": csrf},
                                timeout=30)

        poster = threading.Thread(target=answer)
        poster.start()
        wait_until(lambda: not line.emulator.faults.pending(), what="the push under way")
        relay.kill()
        poster.join(30)
        # LINE took it after all (its answer went nowhere).
        wait_until(lambda: _pushes(line, uid), what="the push to arrive")

        relay = ProcessRelay(db_url, tmp_path / "relay.log", LineEvents(), port=port,
                             extra_env=env)
        # At start it pushed the claimed thank-you again, with the same retry key: 409.
        assert "pushed again with their retry keys" in (tmp_path / "relay.log").read_text()
        assert _pushes(line, uid) == ["ご回答ありがとうございました！"]
        retried = [s for s in line.emulator.sent() if s.get("endpoint") == "push"]
        assert len(retried) == 1

        fast_worker(book).run_once()
        cid = book.customers.by_line_user_id(uid)
        assert cid is not None
        assert [m.text for m in book.messages.messages(cid) if m.direction == "out"] == [
            "ご回答ありがとうございました！"]
        assert _pushes(line, uid) == ["ご回答ありがとうございました！"]
    finally:
        relay.stop()
    # The claim's sealed recipient and text are gone once the outcome is known.
    personal = [uid, "かおり", "良かったです"]
    assert_nothing_personal("the relay's database", stored_bytes(db_url), personal)
    assert_nothing_personal("the relay's log", (tmp_path / "relay.log").read_bytes(), personal)
