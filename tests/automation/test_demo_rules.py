"""The demo (``python main.py --demo``) shows a greeting rule, a keyword rule and the
existing step sequence running, on its simulated friends (the real relay, emulator and
sync), without adding customers (the rules only send: tests/sync/test_demo.py checks the
segments' counts)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import keyring

from app.automation.service import RuleService
from app.demo import start_demo
from app.sequences.demo import DEMO_SEQUENCE
from tests.support.keyrings import MemoryKeyring
from tests.sync.support import wait_until


def _texts(inbox: list[dict]) -> list[tuple[str, str]]:
    return [(item.get("endpoint", ""), m.get("text", ""))
            for item in inbox for m in item.get("messages", [])]


def test_demo_greets_answers_a_keyword_and_runs_the_sequence(tmp_path: Path) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        demo = start_demo(tmp_path / "demo", friends=6, interval=(600, 600), seed=3)
        try:
            book = demo.book
            rules = {r.name: r for r in RuleService(book).list()}
            assert set(rules) == {"友だち追加のあいさつ", "予約の問い合わせに自動返信"}
            assert all(r.enabled and r.broken is None for r in rules.values())
            wait_until(lambda: RuleService(book).get(
                rules["友だち追加のあいさつ"].id).fired >= 6, what="the greetings")
            uid = demo.friends[0]
            wait_until(lambda: any("友だち追加ありがとうございます" in t
                                   for _e, t in _texts(demo.emulator.inbox(uid))),
                       what="the greeting in the friend's LINE")
            greetings = [e for e, t in _texts(demo.emulator.inbox(uid))
                         if "友だち追加ありがとうございます" in t]
            assert greetings == ["reply"]  # the free reply, once
            demo.emulator.send_text(uid, "来週よやくできますか？")
            wait_until(lambda: any("ご予約のお問い合わせ" in t
                                   for _e, t in _texts(demo.emulator.inbox(uid))),
                       what="the keyword reply")
            # The sequence: its steps go out in order (the window's timer runs this).
            seqs = book.sequences
            sid = seqs.find(DEMO_SEQUENCE["name"])
            later = seqs.clock() + dt.timedelta(minutes=4)
            report = seqs.run_due(later)
            # Three friends, three steps.
            assert report.sent == 9, [p.stop_reason for p in seqs.progress(sid)]
            assert {p.state for p in seqs.progress(sid)} == {"done"}
            assert book.customers.count() == 6  # nobody added
        finally:
            demo.stop()
    finally:
        keyring.set_keyring(previous)
