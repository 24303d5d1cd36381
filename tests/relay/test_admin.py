"""The admin page: the one-time link in the log, the password, CSRF, headers, rate limits,
and a pairing code issued there that a desktop can use. Real relay over HTTP."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Callable

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from relay.sealing import encode_public_key
from tests.relay.harness import REPO, ThreadRelay, free_port, relay_env, run_cli

ADMIN = b"admin-secret-for-tests-0123456789"
LINK = re.compile(r"(/admin/once/[A-Za-z0-9_-]+)")


def _link(relay: ThreadRelay) -> str:
    found = LINK.findall(relay.log_text())
    assert found, "no one-time link in the relay's log"
    return found[-1]


def _browser(relay: ThreadRelay) -> httpx.Client:
    return httpx.Client(base_url=relay.base_url, timeout=30.0)


def _csrf(page: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', page)
    assert match, "the form carries no CSRF token"
    return match.group(1)


def _check_headers(response: httpx.Response) -> None:
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "form-action 'self'" in csp
    assert "frame-ancestors 'none'" in csp and "script-src" not in csp
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.fixture
def admin_relay(make_relay: Callable[..., ThreadRelay]) -> ThreadRelay:
    return make_relay(admin_secret=ADMIN)


def test_the_one_time_link_opens_the_page_once(admin_relay: ThreadRelay) -> None:
    relay = admin_relay
    link = _link(relay)
    with _browser(relay) as browser:
        assert browser.head(link).status_code == 200  # a link preview does not spend it
        first = browser.get(link)
        assert first.status_code == 303 and first.headers["location"] == "/admin"
        _check_headers(first)
        cookie = first.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie and "path=/admin" in cookie
        page = browser.get("/admin")
        assert page.status_code == 200
        _check_headers(page)
        assert "連携コードを発行する" in page.text and 'lang="ja"' in page.text
        assert "<script" not in page.text
    with _browser(relay) as other:
        again = other.get(link)
        assert again.status_code == 403 and "使用済み" in again.text
        assert "連携コードを発行する" not in other.get("/admin").text


def test_a_code_issued_on_the_page_pairs_a_desktop(admin_relay: ThreadRelay) -> None:
    relay = admin_relay
    with _browser(relay) as browser:
        browser.get(_link(relay))
        page = browser.get("/admin").text
        issued = browser.post("/admin/shops/default/code", data={"csrf": _csrf(page)})
        assert issued.status_code == 200
        _check_headers(issued)
        code = re.search(r'class="code">([0-9A-Z-]+)<', issued.text).group(1)  # type: ignore[union-attr]
        assert relay.base_url in issued.text  # the address to type in the wizard
    key = X25519PrivateKey.generate()
    paired = relay.http.post("/v1/devices", json={
        "pairing_code": code, "name": "レジ横のPC",
        "public_key": encode_public_key(key.public_key())})
    assert paired.status_code == 201
    assert code not in relay.log_text()


def test_posts_without_the_csrf_token_are_refused(admin_relay: ThreadRelay) -> None:
    relay = admin_relay
    with _browser(relay) as browser:
        browser.get(_link(relay))
        for data in ({}, {"csrf": "forged"}):
            refused = browser.post("/admin/shops/default/code", data=data)
            assert refused.status_code == 403
            _check_headers(refused)
            assert 'class="code"' not in refused.text
        assert browser.post("/admin/shops", data={"name": "x"}).status_code == 403
    assert relay.store.list_shops()[-1].shop_id == "default"
    # Without a session, nothing at all.
    with _browser(relay) as stranger:
        response = stranger.post("/admin/shops/default/code", data={"csrf": "x"})
        assert response.status_code == 403 and 'class="code"' not in response.text


def test_the_password_logs_in_and_wrong_ones_are_rate_limited(
        admin_relay: ThreadRelay) -> None:
    relay = admin_relay
    with _browser(relay) as browser:
        form = browser.get("/admin")
        _check_headers(form)
        token = _csrf(form.text)
        # the login form's token must come back with its cookie
        browser.cookies.clear()
        stale = browser.post("/admin/login", data={"csrf": token, "secret": ADMIN.decode()})
        assert stale.status_code == 400
        token = _csrf(browser.get("/admin").text)
        statuses = []
        for _ in range(6):
            wrong = browser.post("/admin/login", data={"csrf": token, "secret": "wrong"})
            statuses.append(wrong.status_code)
            if wrong.status_code == 403:
                assert "パスワードが違います" in wrong.text
                token = _csrf(wrong.text)  # the page comes back with a fresh form
        assert statuses == [403] * 5 + [429]
        # even the right password waits now (per address)
        right = browser.post("/admin/login", data={"csrf": token, "secret": ADMIN.decode()})
        assert right.status_code == 429 and right.headers["retry-after"] == "900"
    assert ADMIN.decode() not in relay.log_text()


def test_the_right_password_opens_a_session(admin_relay: ThreadRelay) -> None:
    relay = admin_relay
    with _browser(relay) as browser:
        token = _csrf(browser.get("/admin").text)
        ok = browser.post("/admin/login", data={"csrf": token, "secret": ADMIN.decode()})
        assert ok.status_code == 303
        page = browser.get("/admin").text
        added = browser.post("/admin/shops", data={"csrf": _csrf(page), "name": "カフェ青空"})
        assert added.status_code == 303
        page = browser.get("/admin").text
        assert "カフェ青空" in page and "/shops/" in page
        refused = browser.post("/admin/shops", data={"csrf": _csrf(page),
                                                     "name": "\x1b[2Jカフェ"})
        assert refused.status_code == 200 and "制御文字なし" in refused.text
        assert len(relay.store.list_shops()) == 2
        logged_out = browser.post("/admin/logout", data={"csrf": _csrf(page)})
        assert logged_out.status_code == 303
        assert "連携コードを発行する" not in browser.get("/admin").text


def test_no_link_once_a_desktop_is_paired_and_no_admin_page_without_the_secret(
        make_relay: Callable[..., ThreadRelay]) -> None:
    plain = make_relay()
    assert plain.http.get("/admin").status_code == 404
    assert "/admin/once/" not in plain.log_text()
    plain.pair()
    second = make_relay(admin_secret=ADMIN)  # same database: a desktop is paired now
    assert "/admin/once/" not in second.log_text()
    assert second.http.get("/admin").status_code == 200


def test_a_computer_is_disconnected_from_the_page(admin_relay: ThreadRelay) -> None:
    relay = admin_relay
    device = relay.pair()
    with _browser(relay) as browser:
        token = _csrf(browser.get("/admin").text)
        browser.post("/admin/login", data={"csrf": token, "secret": ADMIN.decode()})
        page = browser.get("/admin").text
        assert "レジ横のPC" in page and "接続を解除" in page
        done = browser.post(f"/admin/devices/{device.device_id}/revoke",
                            data={"csrf": _csrf(page)})
        assert done.status_code == 303
    assert relay.http.get("/v1/events", headers=device.auth).status_code == 401


def test_host_commands_for_shops_and_the_admin_link(admin_relay: ThreadRelay) -> None:
    relay = admin_relay
    plain = run_cli(relay.db_url, "add-shop", "カフェ青空")
    assert plain.returncode == 2 and "RELAY_ADMIN_SECRET" in plain.stderr
    env = {**relay_env(relay.db_url), "RELAY_ADMIN_SECRET": ADMIN.decode(),
           "RELAY_PUBLIC_URL": relay.base_url}
    added = run_cli(relay.db_url, "add-shop", "カフェ青空", env=env)
    assert added.returncode == 0, added.stderr
    shop = re.search(r"added shop ([0-9a-f]{10})", added.stdout).group(1)  # type: ignore[union-attr]
    listed = run_cli(relay.db_url, "shops", env=env)
    assert shop in listed.stdout and "カフェ青空" in listed.stdout
    assert f"{relay.base_url}/shops/{shop}" in listed.stdout
    paired = run_cli(relay.db_url, "pair", "--shop", shop, env=env)
    assert paired.returncode == 0, paired.stderr
    code = paired.stdout.strip().splitlines()[-1]
    key = X25519PrivateKey.generate()
    body = {"pairing_code": code, "name": "レジ横のPC",
            "public_key": encode_public_key(key.public_key())}
    assert relay.http.post("/v1/devices", json=body).status_code == 403  # not the default's
    assert relay.http.post(f"/shops/{shop}/v1/devices", json=body).status_code == 201
    unknown = run_cli(relay.db_url, "pair", "--shop", "0123456789", env=env)
    assert unknown.returncode == 1 and "no shop" in unknown.stderr
    link = run_cli(relay.db_url, "admin-link", env=env)
    assert link.returncode == 0
    url = link.stdout.strip().splitlines()[-1]
    assert url.startswith(f"{relay.base_url}/admin/once/")
    with _browser(relay) as browser:
        assert browser.get(url).status_code == 303
        assert browser.get(url).status_code == 403


def test_serve_with_only_the_admin_secret_logs_the_link_and_never_the_secret(
        db_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    port = free_port()
    env = {k: v for k, v in relay_env(db_url).items() if k != "LINE_CHANNEL_SECRET"}
    env.update({"RELAY_ADMIN_SECRET": ADMIN.decode(), "FLY_APP_NAME": "otokui-relay-test"})
    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "relay", "serve", "--host", "127.0.0.1",
             "--port", str(port)], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                assert proc.poll() is None, log_path.read_text()
                try:
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline
                time.sleep(0.05)
            text = log_path.read_text()
            # The platform's address (Fly.io here) is in the link, ready to click.
            found = re.search(r"https://otokui-relay-test\.fly\.dev(/admin/once/\S+)", text)
            assert found, text
            with httpx.Client(base_url=base) as browser:
                opened = browser.get(found.group(1))
                assert opened.status_code == 303
                # An https relay's session cookie is Secure: never sent back over http.
                assert "secure" in opened.headers["set-cookie"].lower()
                assert "連携コードを発行する" not in browser.get("/admin").text
        finally:
            proc.terminate()
            proc.wait(30)
    assert ADMIN.decode() not in log_path.read_text()
