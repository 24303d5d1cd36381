"""The relay killed between Stripe's webhook and its answer: a real ``python -m relay
serve`` SIGKILLed and restarted on the same database; Stripe (the stand-in) delivers again
as it does when it heard no 2xx. The order is sealed exactly once; a refund sent while the
relay was down arrives once it is back."""

from __future__ import annotations

import base64
import json
import re
import secrets
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from emulator.stripe import RunningStripe, run_stripe_in_thread
from relay.forms import links
from relay.payments.http import ITEM_MAGIC
from relay.sealing import open_sealed_bytes
from tests.relay.harness import Device, ProcessRelay, run_cli, stored_bytes
from tests.relay.line_events import LineEvents

SK = "sk_test_" + "killtest0123456789"
WHSEC = "whsec_" + "killtest0123456789"
ENV_KEY = "payments-key-for-tests-0123456789"


@pytest.fixture
def stripe_api() -> Iterator[RunningStripe]:
    running = run_stripe_in_thread(api_key=SK, webhook_secret=WHSEC)
    yield running
    running.stop()


def _items(relay: ProcessRelay, device: Device) -> list[dict[str, object]]:
    out = []
    for e in relay.pull(device)["events"]:
        plain = open_sealed_bytes(base64.b64decode(e["sealed"]), device.key)
        assert plain.startswith(ITEM_MAGIC)
        out.append(json.loads(plain[len(ITEM_MAGIC):]))
    return out


def test_killed_between_webhook_and_answer_nothing_lost_nothing_twice(
        db_url: str, tmp_path: Path, stripe_api: RunningStripe) -> None:
    env = {"RELAY_PAYMENTS_KEY": ENV_KEY, "RELAY_STRIPE_API_BASE": stripe_api.base_url}
    relay = ProcessRelay(db_url, tmp_path / "relay.log", LineEvents(), extra_env=env)
    port = relay.port
    fake = stripe_api.stripe
    fake.webhook_url = f"{relay.base_url}/stripe/webhook"
    try:
        code = run_cli(db_url, "pair", env=relay.env).stdout.strip().splitlines()[-1]
        device = relay.pair_with_code(code)
        page_id, secret = secrets.token_hex(8), secrets.token_bytes(32)
        mac_key, _ = links.keys_for(secret, page_id)
        switched = relay.http.put("/v1/payments", headers=device.auth, json={
            "page_id": page_id, "link_key": base64.b64encode(mac_key).decode(),
            "secret_key": SK, "webhook_secret": WHSEC,
            "products": [{"code": "P1", "name": "コーヒー豆", "price": 1980, "tax_rate": 8}]})
        assert switched.status_code == 200, switched.text
        token = links.make_token(secret, page_id, "U" + "a" * 32, int(time.time()) + 3600)
        url = f"{relay.base_url}/shop/{page_id}/{token}"
        with httpx.Client() as client:
            page = client.get(url)
            csrf = re.search(r'name="_csrf" value="([^"]+)"', page.text)
            assert csrf
            sent = client.post(url, data={"_csrf": csrf.group(1), "qty.P1": "1"})
            assert sent.status_code == 303, sent.text
            assert client.post(sent.headers["location"], data={"action": "pay"}).status_code \
                == 303
        [paid] = fake.events()
        assert fake.answers[paid["id"]] == [200]
        # Killed now: as far as Stripe knows, the answer may never have come.
        relay.kill()
        # While it is down, a refund is made at Stripe: its delivery fails.
        stripe_api_client = httpx.Client(base_url=stripe_api.base_url,
                                         headers={"Authorization": f"Bearer {SK}"})
        pi = paid["data"]["object"]["payment_intent"]
        assert stripe_api_client.post("/v1/refunds", data={"payment_intent": pi,
                                                           "amount": "500"}).status_code == 200
        refund = fake.events()[-1]
        assert fake.answers[refund["id"]] == [0]

        relay = ProcessRelay(db_url, tmp_path / "relay.log", LineEvents(), port=port,
                             extra_env=env)
        # Stripe's retries: the paid event again (taken already), then the refund.
        assert fake.deliver(paid["id"]) == 200
        assert fake.deliver(refund["id"]) == 200
        assert fake.deliver(refund["id"]) == 200
        items = _items(relay, device)
        assert [(i["kind"], i["event_id"]) for i in items] == [
            ("paid", paid["id"]), ("refunded", refund["id"])]
        assert items[1]["amount_refunded"] == 500
        assert items[0]["session_id"] == items[1]["session_id"]
        stripe_api_client.close()
    finally:
        relay.stop()
    # The shop's Stripe keys are stored encrypted, never in the log.
    for where in ((tmp_path / "relay.log").read_bytes(), stored_bytes(db_url)):
        assert SK.encode() not in where and WHSEC.encode() not in where
