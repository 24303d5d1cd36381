"""``python -m emulator``: serves the API on the given port and stops cleanly."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
SECRET = "cli-secret-value-1234"
TOKEN = "cli-token-value-5678"
SERVED_LINE: list[str] = []  # what the served emulator printed


def start(*extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "emulator", "--port", "0", "--channel-secret", SECRET,
         "--access-token", TOKEN, *extra],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture
def served() -> Iterator[tuple[subprocess.Popen[str], str]]:
    proc = start("--webhook-url", "http://127.0.0.1:9/none", "--quota", "none",
                 "--seed", "5", "--log-level", "warning")
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:\d+", line)
        assert match, line
        assert re.search(r"\(content: http://127\.0\.0\.1:\d+\)", line), line
        SERVED_LINE[:] = [line]
        yield proc, match.group(0)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


def test_cli_serves_and_stops(served: tuple[subprocess.Popen[str], str]) -> None:
    proc, base = served
    with httpx.Client(base_url=base, timeout=10) as client:
        info = client.get("/v2/bot/info", headers={"Authorization": f"Bearer {TOKEN}"})
        assert info.status_code == 200 and info.json()["userId"].startswith("U")
        assert client.get("/v2/bot/info").status_code == 401
        assert client.get("/v2/bot/message/quota",
                          headers={"Authorization": f"Bearer {TOKEN}"}).json() == \
            {"type": "none"}
        uid = client.post("/_emulator/users", json={"displayName": "x"}).json()["userId"]
        assert client.get(f"/v2/bot/profile/{uid}",
                          headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
        mid = client.post(f"/_emulator/users/{uid}/messages",
                          json={"type": "image"}).json()["messageId"]
        auth = {"Authorization": f"Bearer {TOKEN}"}
        assert client.get(f"/v2/bot/message/{mid}/content", headers=auth).status_code == 404
    content_base = re.search(r"content: (http://127\.0\.0\.1:\d+)", SERVED_LINE[0]).group(1)
    with httpx.Client(base_url=content_base, timeout=10) as client:
        image = client.get(f"/v2/bot/message/{mid}/content", headers=auth)
        assert image.status_code == 200 and image.content[:3] == b"\xff\xd8\xff"
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    # Secrets and user ids never reach the terminal.
    for secret in (SECRET, TOKEN, uid):
        assert secret not in out and secret not in err


def test_cli_refuses_bad_arguments() -> None:
    missing = subprocess.run([sys.executable, "-m", "emulator", "--port", "0"], cwd=ROOT,
                             capture_output=True, text=True, timeout=60)
    assert missing.returncode == 2 and "--channel-secret" in missing.stderr
    bad_quota = subprocess.run(
        [sys.executable, "-m", "emulator", "--port", "0", "--channel-secret", "s",
         "--access-token", "t", "--quota", "lots"],
        cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert bad_quota.returncode == 2


def test_cli_reports_a_busy_port(served: tuple[subprocess.Popen[str], str]) -> None:
    _, base = served
    port = base.rsplit(":", 1)[1]
    busy = subprocess.run(
        [sys.executable, "-m", "emulator", "--port", port, "--channel-secret", SECRET,
         "--access-token", TOKEN], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert busy.returncode == 2 and "cannot listen" in busy.stderr
    assert SECRET not in busy.stderr and TOKEN not in busy.stderr
