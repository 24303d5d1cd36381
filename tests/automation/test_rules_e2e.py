"""Rules with the real parts, headless: the LINE emulator, the relay, ``main.py sync
--once`` and ``main.py rule …`` in subprocesses on a real encrypted book."""

from __future__ import annotations

import json
from pathlib import Path

from app.profile import Profile
from emulator import run_in_thread
from tests.relay.harness import ThreadRelay
from tests.sync.support import ACCESS_TOKEN, CHANNEL_SECRET, PASSPHRASE
from tests.sync.test_durability import otokui

GREETING = {"name": "あいさつ", "enabled": True, "when": {"kind": "follow"},
            "then": [{"kind": "send", "text": "{表示名}さん、友だち追加ありがとうございます!"},
                     {"kind": "add_tag", "tag": "新しい友だち"}]}
KEYWORD = {"name": "予約の問い合わせ", "enabled": True,
           "when": {"kind": "keyword", "words": ["予約", "よやく"], "match": "any"},
           "then": [{"kind": "add_tag", "tag": "予約希望"},
                    {"kind": "set_status", "status": "in_progress"}]}


def _import(profile: Path, tmp: Path, rule: dict) -> int:
    path = tmp / "rule.json"
    path.write_text(json.dumps(rule, ensure_ascii=False), encoding="utf-8")
    done = otokui(profile, "rule", "import", str(path))
    assert done.returncode == 0, done.stderr
    return int(done.stdout.strip().splitlines()[-1])


def test_follow_greets_by_reply_and_a_keyword_tags(relay: ThreadRelay, tmp_path: Path) -> None:
    profile_dir = tmp_path / "profile"
    Profile(profile_dir).create(passphrase=PASSPHRASE).close()
    with run_in_thread(channel_secret=CHANNEL_SECRET, access_token=ACCESS_TOKEN, quota=None,
                       webhook_url=f"{relay.base_url}/line/webhook") as line:
        e = line.emulator
        result = otokui(profile_dir, "connect", "--relay", relay.base_url, "--code",
                        relay.pairing_code(), "--api-base", line.base_url,
                        "--data-base", line.data_url, "--name", "レジ横",
                        OTOKUI_LINE_ACCESS_TOKEN=ACCESS_TOKEN,
                        OTOKUI_LINE_CHANNEL_SECRET=CHANNEL_SECRET)
        assert result.returncode == 0, result.stderr
        greet = _import(profile_dir, tmp_path, GREETING)
        keyword = _import(profile_dir, tmp_path, KEYWORD)

        uid = e.add_user("渡辺 直樹")
        e.send_text(uid, "来週、ヨヤク できますか")  # katakana and a space: folded
        other = e.add_user("小林 彩")
        e.send_text(other, "営業時間は?")
        e.wait_for_deliveries(10)
        synced = otokui(profile_dir, "sync", "--once")
        assert synced.returncode == 0, synced.stderr

        sent = e.sent()
        assert [s["endpoint"] for s in sent].count("push") == 0
        inbox = e.inbox(uid)
        assert len([s for s in sent if "reply" in s["endpoint"]]) == 2  # one each
        texts = json.dumps(inbox, ensure_ascii=False)
        assert "渡辺 直樹さん、友だち追加ありがとうございます!" in texts

        listed = otokui(profile_dir, "rule", "list")
        assert listed.returncode == 0, listed.stderr
        lines = listed.stdout.strip().splitlines()
        assert lines[0].startswith(f"{greet}\ton\t2 fired\t4 actions")
        assert lines[1].startswith(f"{keyword}\ton\t1 fired\t2 actions")

        tried = otokui(profile_dir, "rule", "try", str(keyword), "--line-user-id", other)
        assert tried.returncode == 0, tried.stderr
        assert "ルール「予約の問い合わせ」でタグ「予約希望」を追加" in tried.stdout

        # Synced again: nothing new, nothing sent twice.
        again = otokui(profile_dir, "sync", "--once")
        assert again.returncode == 0, again.stderr
        assert len(e.sent()) == len(sent)

    book = Profile(profile_dir).open(PASSPHRASE)
    try:
        cid = book.customers.by_line_user_id(uid)
        names = {t.id: t.name for t in book.tags.list()}
        assert {names[t] for t in book.customers.tag_ids_of(cid)} == {"新しい友だち", "予約希望"}
        other_cid = book.customers.by_line_user_id(other)
        assert {names[t] for t in book.customers.tag_ids_of(other_cid)} == {"新しい友だち"}
        conv = book.messages.conversation(cid)
        assert conv is not None and conv.status == "in_progress"
        kinds = [(t.kind, t.data.get("action")) for t in book.audit.timeline(cid)]
        assert ("rule_action", "send") in kinds and ("rule_action", "add_tag") in kinds
    finally:
        book.close()


def test_a_keyword_rule_without_keywords_is_refused(relay: ThreadRelay, tmp_path: Path
                                                    ) -> None:
    profile_dir = tmp_path / "profile"
    Profile(profile_dir).create(passphrase=PASSPHRASE).close()
    path = tmp_path / "rule.json"
    path.write_text(json.dumps({"name": "空", "when": {"kind": "keyword", "words": []},
                                "then": [{"kind": "add_tag", "tag": "x"}]}), encoding="utf-8")
    done = otokui(profile_dir, "rule", "import", str(path))
    assert done.returncode == 1
    assert "keyword" in done.stderr and done.stdout == ""
