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


def test_online_payment_cli(inited: Path, tmp_path: Path) -> None:
    from tests.relay.harness import ManualClock, ThreadRelay

    shop_relay = ThreadRelay(f"sqlite:///{tmp_path / 'pay.db'}", tmp_path / "pay.log",
                             clock=ManualClock(), payments_key=b"k" * 32)
    try:
        pair_book(inited, shop_relay)
        assert otokui(inited, "product", "import", str(_products(tmp_path))).returncode == 0
        missing = otokui(inited, "order", "online")
        assert missing.returncode == 1 and "STRIPE_SECRET_KEY" in missing.stderr
        env = {"STRIPE_SECRET_KEY": "sk_test_cli0123456789",
               "STRIPE_WEBHOOK_SECRET": "whsec_cli0123456789"}
        on = otokui(inited, "order", "online", env=env)
        assert on.returncode == 0, on.stderr
        assert last_line(on.stdout) == "1"  # the hidden product is not offered
        link = otokui(inited, "order", "shop-link", "--line-user-id", USER)
        url = last_line(link.stdout)
        assert url.startswith(f"{shop_relay.base_url}/shop/")
        page = httpx.get(url)
        assert page.status_code == 200 and "コーヒー豆" in page.text and "カット" not in page.text
    finally:
        shop_relay.stop()
    assert b"sk_test_cli0123456789" not in (tmp_path / "pay.log").read_bytes()


def _products(tmp_path: Path) -> Path:
    f = tmp_path / "products.csv"
    f.write_text("コード,商品名,価格,税率,表示\nP1,コーヒー豆,1980,8%,表示\nP2,カット,4400,10,非表示\n",
                 encoding="utf-8")
    return f


def test_link_page_without_a_friend_prints_the_liff_url(inited: Path, tmp_path: Path) -> None:
    """No --line-user-id: one URL for every friend, through the relay's LIFF app; a relay
    without LIFF is a clear refusal naming what to set."""
    from tests.relay.harness import ManualClock, ThreadRelay

    plain = ThreadRelay(f"sqlite:///{tmp_path / 'plain.db'}", tmp_path / "plain.log",
                        clock=ManualClock())
    try:
        pair_book(inited, plain)
        refused = otokui(inited, "member", "link-page")
        assert refused.returncode == 1 and "RELAY_LIFF_ID" in refused.stderr
    finally:
        plain.stop()
    liff_id = "1234567890-AbCdEfGh"
    liff = ThreadRelay(f"sqlite:///{tmp_path / 'liff.db'}", tmp_path / "liff.log",
                       clock=ManualClock(), liff_id=liff_id, line_login_channel_id="1234567",
                       line_login_api="http://127.0.0.1:9",
                       liff_sdk_url="http://127.0.0.1:9/sdk.js")
    try:
        pair_book(inited, liff)
        done = otokui(inited, "member", "link-page")
        assert done.returncode == 0, done.stderr
        url = last_line(done.stdout)
        prefix = f"https://liff.line.me/{liff_id}/ml/"
        assert url.startswith(prefix)
        # LINE opens the LIFF URL as the app's endpoint ({relay}/l) plus the path.
        page = httpx.get(f"{liff.base_url}/l/ml/{url[len(prefix):]}")
        assert page.status_code == 200 and f'data-liff-id="{liff_id}"' in page.text
        assert "http://127.0.0.1:9" in page.headers["content-security-policy"]
    finally:
        liff.stop()
