"""``python -m relay serve`` as a real process: durability across SIGKILL, configuration."""

from __future__ import annotations

import signal
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from tests.relay.harness import (
    ProcessRelay,
    assert_nothing_personal,
    relay_env,
    run_cli,
    stored_bytes,
)
from tests.relay.line_events import LineEvents


def test_events_answered_200_survive_sigkill(db_url: str, tmp_path: Path) -> None:
    line = LineEvents()
    log_path = tmp_path / "relay-process.log"
    relay = ProcessRelay(db_url, log_path, line)
    try:
        code = run_cli(db_url, "pair").stdout.strip().splitlines()[-1]
        device = relay.pair_with_code(code)

        # A burst from several connections (so the writer commits them in groups) ...
        events = [line.text() for _ in range(24)]
        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(lambda e: relay.deliver(e).status_code, events))
        assert statuses == [200] * len(events)
        # ... and one last webhook, killed the instant its 200 arrives.
        last = line.text("最後のメッセージ：閉店後に受け取り可能ですか")
        assert relay.deliver(last).status_code == 200
    finally:
        relay.kill()
    assert relay.proc.returncode == -9

    restarted = ProcessRelay(db_url, log_path, line)
    try:
        opened = restarted.pull_opened(device)
        assert sorted(e["webhookEventId"] for e in opened) == sorted(
            e["webhookEventId"] for e in [*events, last])
        assert {**last, "destination": line.destination} in opened
        # Redelivery of something stored before the kill is still recognised as a duplicate.
        assert restarted.deliver(last).status_code == 200
        assert len(restarted.pull(device)["events"]) == len(events) + 1
    finally:
        restarted.stop()
    _assert_clean_stop(restarted)

    assert_nothing_personal("the relay's database", stored_bytes(db_url), line.personal)
    assert_nothing_personal("the relay's log", log_path.read_bytes(), line.personal)
    assert "Application startup complete" in log_path.read_text()


def test_serve_without_channel_secret_refuses_to_start(tmp_path: Path) -> None:
    env = relay_env(f"sqlite:///{tmp_path / 'relay.db'}")
    del env["LINE_CHANNEL_SECRET"]
    result = run_cli("", "serve", "--port", "1", env=env)
    assert result.returncode == 2
    assert "LINE_CHANNEL_SECRET is not set" in result.stderr


def test_bad_settings_are_named_not_echoed(tmp_path: Path) -> None:
    env = relay_env(f"sqlite:///{tmp_path / 'relay.db'}")
    env["RELAY_RETENTION_DAYS"] = "two weeks"
    result = run_cli("", "serve", env=env)
    assert result.returncode == 2
    assert "RELAY_RETENTION_DAYS must be a whole number" in result.stderr
    assert "two weeks" not in result.stderr

    env = relay_env("mysql://relay@db/relay")
    result = run_cli("", "devices", env=env)
    assert result.returncode == 2
    assert "RELAY_DATABASE_URL" in result.stderr


def test_host_commands_work_without_the_channel_secret(tmp_path: Path) -> None:
    env = relay_env(f"sqlite:///{tmp_path / 'relay.db'}")
    del env["LINE_CHANNEL_SECRET"]
    result = run_cli("", "devices", env=env)
    assert result.returncode == 0
    assert "No devices have been paired" in result.stdout
    assert (tmp_path / "relay.db").stat().st_mode & 0o077 == 0  # owner-only


def test_relay_process_answers_healthz(db_url: str, tmp_path: Path) -> None:
    relay = ProcessRelay(db_url, tmp_path / "relay.log", LineEvents())
    try:
        response = httpx.get(f"{relay.base_url}/healthz", timeout=10)
        assert response.json() == {"status": "ok", "contract": 1, "queue_depth": 0}
        assert "server" not in response.headers  # no version banner for scanners
    finally:
        relay.stop()
    _assert_clean_stop(relay)


def _assert_clean_stop(relay: ProcessRelay) -> None:
    # After a graceful shutdown uvicorn re-raises the SIGTERM it caught, so the exit
    # status says "terminated"; the relay's own last words say it closed cleanly.
    assert relay.proc.returncode == -signal.SIGTERM
    assert "relay stopped" in relay.log_path.read_text()
