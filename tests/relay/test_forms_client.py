"""The desktop's RelayClient.publish_form against a real relay on loopback: a refusal
becomes RelayFormRefusedError carrying the relay's reason (it once raised AttributeError,
found by mypy: the bounded answer object has no ``.json()``)."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import pytest

from app.sync.relay_client import RelayClient, RelayFormRefusedError
from relay.forms.links import keys_for
from tests.relay.harness import ThreadRelay

EXAMPLE = json.loads((Path(__file__).parents[1] / "forms" / "issue12_example.json")
                     .read_text(encoding="utf-8"))
FORM_ID = "0123456789abcdef"


def test_a_refused_publish_says_why(relay: ThreadRelay) -> None:
    device = relay.pair()
    link_key = base64.b64encode(keys_for(os.urandom(32), FORM_ID)[0]).decode()
    with RelayClient(relay.base_url, token=device.token) as client:
        digest = client.publish_form(FORM_ID, 3, EXAMPLE, link_key)
        assert digest and client.publish_form(FORM_ID, 3, EXAMPLE, link_key) == digest
        with pytest.raises(RelayFormRefusedError) as refused:
            client.publish_form(FORM_ID, 2, {**EXAMPLE, "title": "別"}, link_key)
    assert refused.value.detail == "HTTP 409 stale_version"
