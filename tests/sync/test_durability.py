"""Nothing lost, nothing applied twice: relay killed, desktop killed, relay down for a while."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

from app.profile import Profile
from app.sync.pairing import connect
from app.sync.worker import CRASH_EXIT_CODE, CRASH_HOOK_ENV, SyncState, SyncStatus
from emulator import run_in_thread
from tests.relay.harness import (
    ProcessRelay,
    ThreadRelay,
    assert_nothing_personal,
    run_cli,
    stored_bytes,
)
from tests.relay.line_events import LineEvents
from tests.sync.support import (
    ACCESS_TOKEN,
    CHANNEL_SECRET,
    PASSPHRASE,
    fast_worker,
    message_lines,
    personal_values,
    wait_until,
)

ROOT = Path(__file__).resolve().parents[2]


def otokui(profile: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``python main.py --profile P ...`` as a shop owner's script runs it."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("OTOKUI_")}
    full_env.update(PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
                    OTOKUI_PASSPHRASE=PASSPHRASE, **env)
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "--profile", str(profile),
                           *args], capture_output=True, text=True, env=full_env,
                          stdin=subprocess.DEVNULL, timeout=120, cwd=ROOT)


def test_relay_killed_right_after_200_still_delivers(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'relay.db'}"
    log_path = tmp_path / "relay.log"
    relay = ProcessRelay(db_url, log_path, LineEvents())
    book = Profile(tmp_path / "profile").create(passphrase=PASSPHRASE)
    with run_in_thread(channel_secret=CHANNEL_SECRET, access_token=ACCESS_TOKEN, quota=None,
                       webhook_url=f"{relay.base_url}/line/webhook") as line:
        e = line.emulator
        try:
            code = run_cli(db_url, "pair").stdout.strip().splitlines()[-1]
            connect(book, relay_url=relay.base_url, pairing_code=code,
                    access_token=ACCESS_TOKEN, channel_secret=CHANNEL_SECRET,
                    api_base=line.base_url, data_base=line.data_url)
            uid = e.add_user("小林 彩")
            e.send_text(uid, "閉店後に受け取りできますか")
            e.wait_for_deliveries(10)  # both answered 200 ...
            assert [d["status"] for d in e.deliveries()] == [200, 200]
        finally:
            relay.kill()  # ... and the relay dies at once, without a clean shutdown
        assert relay.proc.returncode == -9

        restarted = ProcessRelay(db_url, log_path, LineEvents(), port=relay.port)
        try:
            report = fast_worker(book).run_once()
            assert report.applied == 2
            cid = book.customers.by_line_user_id(uid)
            assert message_lines(book, cid) == [("system", "followed"),
                                                ("text", "閉店後に受け取りできますか")]
            assert restarted.queue_depth() == 0
        finally:
            restarted.stop()
        personal = personal_values(e)
    book.close()
    assert_nothing_personal("the relay's database", stored_bytes(db_url), personal)
    assert_nothing_personal("the relay's log", log_path.read_bytes(), personal)


def test_cli_connect_sync_crash_between_commit_and_ack_export(
        relay: ThreadRelay, tmp_path: Path) -> None:
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
        assert CHANNEL_SECRET not in result.stdout + result.stderr
        assert "@123otoku" in result.stdout and "encrypted book" in result.stdout
        assert ACCESS_TOKEN not in result.stdout + result.stderr
        assert ACCESS_TOKEN[-4:] in result.stdout  # the masked form

        uid = e.add_user("渡辺 直樹")
        e.send_text(uid, "来週の火曜日は空いていますか")
        e.send_image(uid)
        e.wait_for_deliveries(10)

        crashed = otokui(profile_dir, "sync", "--once", **{CRASH_HOOK_ENV: "1"})
        assert crashed.returncode == CRASH_EXIT_CODE, crashed.stderr
        assert relay.queue_depth() == 3  # committed, never acknowledged
        book = Profile(profile_dir).open(PASSPHRASE)
        cid = book.customers.by_line_user_id(uid)
        assert [t for t, _ in message_lines(book, cid)] == ["system", "text", "image"]
        book.close()

        again = otokui(profile_dir, "sync", "--once")
        assert again.returncode == 0, again.stderr
        assert "0 events applied" in again.stdout
        assert relay.queue_depth() == 0
        book = Profile(profile_dir).open(PASSPHRASE)
        lines = message_lines(book, cid)
        assert lines == [("system", "followed"), ("text", "来週の火曜日は空いていますか"),
                         ("image", "")]
        assert book.messages.messages(cid)[2].content_state == "stored"
        book.close()

        out = tmp_path / "messages.jsonl"
        exported = otokui(profile_dir, "export-messages", str(out))
        assert exported.returncode == 0, exported.stderr
        assert "Exported 3 messages" in exported.stdout
        rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
        assert [(r["line_user_id"], r["type"], r["text"]) for r in rows] == [
            (uid, "system", ""), (uid, "text", "来週の火曜日は空いていますか"), (uid, "image", "")]
        assert {tuple(sorted(r)) for r in rows} == {
            ("direction", "line_user_id", "text", "time", "type")}

        personal = personal_values(e)
    logs = b"".join(p.read_bytes() for p in (profile_dir / "logs").glob("*"))
    assert b"applied a batch" in logs
    for value in [*personal, ACCESS_TOKEN, CHANNEL_SECRET]:
        assert value.encode() not in logs


def test_relay_down_backoff_and_resume(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'relay.db'}"
    log_path = tmp_path / "relay.log"
    relay = ProcessRelay(db_url, log_path, LineEvents())
    book = Profile(tmp_path / "profile").create(passphrase=PASSPHRASE)
    statuses: list[SyncStatus] = []
    lock = threading.Lock()

    def seen(status: SyncStatus) -> None:
        with lock:
            statuses.append(status)

    with run_in_thread(channel_secret=CHANNEL_SECRET, access_token=ACCESS_TOKEN, quota=None,
                       webhook_url=f"{relay.base_url}/line/webhook") as line:
        e = line.emulator
        e.configure(redelivery=True, redelivery_delay_seconds=0.3, redelivery_max_attempts=60)
        code = run_cli(db_url, "pair").stdout.strip().splitlines()[-1]
        connect(book, relay_url=relay.base_url, pairing_code=code, access_token=ACCESS_TOKEN,
                channel_secret=CHANNEL_SECRET, api_base=line.base_url,
                data_base=line.data_url)
        worker = fast_worker(book)
        worker.status_changed.connect(seen)
        worker.start()
        try:
            uid = e.add_user("加藤 恵子")
            cid = wait_until(lambda: book.customers.by_line_user_id(uid), what="the follow")

            relay.stop()
            wait_until(lambda: worker.status.state == SyncState.OFFLINE, what="offline")
            texts = [f"電波が悪いときのメッセージ{n}" for n in range(3)]
            for text in texts:
                e.send_text(uid, text)
            wait_until(lambda: any(not d["ok"] for d in e.deliveries()), what="a failure")

            restarted = ProcessRelay(db_url, log_path, LineEvents(), port=relay.port)
            try:
                wait_until(lambda: len(book.messages.messages(cid)) == 4, what="the texts")
                e.wait_for_deliveries(30)
                wait_until(lambda: worker.status.state == SyncState.CONNECTED,
                           what="connected again")
                assert [t for k, t in message_lines(book, cid) if k == "text"] == texts
                assert restarted.queue_depth() == 0
            finally:
                restarted.stop()
        finally:
            worker.stop()
        personal = personal_values(e)
    book.close()
    with lock:
        states = [s.state for s in statuses]
        offline = [s for s in statuses if s.state == SyncState.OFFLINE]
    assert offline and all(s.retry_in is not None and s.detail == "relay-unreachable"
                           for s in offline)
    # It backed off more than once, with growing delays up to the cap, then came back.
    delays = [s.retry_in or 0.0 for s in offline]
    assert len(delays) >= 3 and delays[:4] == sorted(delays[:4]) and max(delays) <= 0.4
    assert SyncState.CONNECTED in states[states.index(SyncState.OFFLINE):]
    assert_nothing_personal("the relay's database", stored_bytes(db_url), personal)
    assert_nothing_personal("the relay's log", log_path.read_bytes(), personal)
