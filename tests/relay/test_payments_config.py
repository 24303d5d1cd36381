"""Online payment needs RELAY_PAYMENTS_KEY: without it the relay refuses the keys; the
variable is read from the environment only, and a short one is refused at start."""

from __future__ import annotations

import base64
import secrets
from pathlib import Path

import pytest

from relay.config import ConfigError, Settings
from relay.forms import links
from tests.relay.harness import SECRET, ManualClock, ThreadRelay


def _switch_on(relay: ThreadRelay) -> int:
    device = relay.pair()
    page_id = secrets.token_hex(8)
    mac_key, _ = links.keys_for(secrets.token_bytes(32), page_id)
    return relay.http.put("/v1/payments", headers=device.auth, json={
        "page_id": page_id, "link_key": base64.b64encode(mac_key).decode(),
        "secret_key": "sk_test_abcdef", "webhook_secret": "whsec_abcdef",
        "products": [{"code": "P1", "name": "豆", "price": 1980, "tax_rate": 8}]}).status_code


def test_without_the_key_online_payment_is_refused(tmp_path: Path) -> None:
    relay = ThreadRelay(f"sqlite:///{tmp_path / 'r.db'}", tmp_path / "r.log",
                        clock=ManualClock())
    try:
        assert _switch_on(relay) == 409
    finally:
        relay.stop()
    keyed = ThreadRelay(f"sqlite:///{tmp_path / 'k.db'}", tmp_path / "k.log",
                        clock=ManualClock(), payments_key=b"k" * 20)
    try:
        assert _switch_on(keyed) == 200
    finally:
        keyed.stop()


def test_the_key_comes_from_the_environment() -> None:
    env = {"LINE_CHANNEL_SECRET": SECRET.decode()}
    assert Settings.from_env(env).payments_key is None
    settings = Settings.from_env({**env, "RELAY_PAYMENTS_KEY": "p" * 20,
                                  "RELAY_STRIPE_API_BASE": "http://127.0.0.1:9"})
    assert settings.payments_key == b"p" * 20
    assert settings.stripe_api_base == "http://127.0.0.1:9"
    assert "p" * 20 not in repr(settings)
    with pytest.raises(ConfigError):
        Settings.from_env({**env, "RELAY_PAYMENTS_KEY": "short"})
