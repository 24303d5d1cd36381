"""Setting up the webhook through the API, with the real SDK over HTTP: set, read back, and
LINE's test, which really calls the webhook and reports what it answered."""

from __future__ import annotations

import pytest
from linebot.v3.messaging import SetWebhookEndpointRequest
from linebot.v3.messaging import TestWebhookEndpointRequest as WebhookTestRequest
from linebot.v3.messaging.exceptions import ApiException
from linebot.v3.webhook import WebhookParser

from emulator import RunningEmulator
from emulator.server import bind
from tests.emulator.conftest import SECRET, TIMEOUT, Receiver, Sdk, make_sdk


def test_set_and_read_back_the_webhook_endpoint(api_only: RunningEmulator,
                                                receiver: Receiver) -> None:
    sdk, client = make_sdk(api_only)
    with client:
        before = sdk.api.get_webhook_endpoint(**TIMEOUT)
        assert (before.endpoint, before.active) == ("", False)
        sdk.api.set_webhook_endpoint(SetWebhookEndpointRequest(endpoint=receiver.url),
                                     **TIMEOUT)
        after = sdk.api.get_webhook_endpoint(**TIMEOUT)
        assert (after.endpoint, after.active) == (receiver.url, True)
    # From now on events go there.
    uid = api_only.emulator.add_user("山田 花子")
    receiver.wait_for(1)
    assert receiver.events()[0].source.user_id == uid


@pytest.mark.parametrize("endpoint, problem", [
    ("http://relay.example.jp/line/webhook", "must be a valid HTTPS URL"),
    ("ftp://127.0.0.1/x", "must be a valid HTTPS URL"),
    ("https://" + "a" * 500 + ".jp", "size must be between 0 and 500"),
])
def test_an_unusable_endpoint_is_400_with_details(api_only: RunningEmulator, http,  # type: ignore[no-untyped-def]
                                                  endpoint: str, problem: str) -> None:
    response = http.put(f"{api_only.base_url}/v2/bot/channel/webhook/endpoint",
                        json={"endpoint": endpoint},
                        headers={"authorization": "Bearer emulator-test-access-token"})
    assert response.status_code == 400
    assert response.json()["details"] == [{"message": problem, "property": "endpoint"}]


def test_the_webhook_test_really_posts_a_signed_empty_webhook(line: RunningEmulator,
                                                              sdk: Sdk,
                                                              receiver: Receiver) -> None:
    result = sdk.api.test_webhook_endpoint(**TIMEOUT)
    assert (result.success, result.status_code, result.reason, result.detail) == \
        (True, 200, "OK", "200")
    assert result.timestamp
    receiver.wait_for(1)
    received = receiver.received[0]
    assert WebhookParser(SECRET).parse(received.body.decode(), received.signature) == []
    assert received.headers["user-agent"] == "LineBotWebhook/2.0"


def test_the_webhook_test_reports_an_error_status(line: RunningEmulator, sdk: Sdk,
                                                  receiver: Receiver) -> None:
    receiver.fail_next = 1
    result = sdk.api.test_webhook_endpoint(**TIMEOUT)
    assert (result.success, result.status_code, result.reason, result.detail) == \
        (False, 500, "ERROR_STATUS_CODE", "500")


def test_the_webhook_test_reports_a_receiver_that_is_not_there(api_only: RunningEmulator
                                                               ) -> None:
    sock = bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    sdk, client = make_sdk(api_only)
    with client:
        result = sdk.api.test_webhook_endpoint(WebhookTestRequest(
            endpoint=f"http://127.0.0.1:{port}/line/webhook"), **TIMEOUT)
    assert (result.success, result.status_code, result.reason) == \
        (False, 0, "COULD_NOT_CONNECT")


def test_the_webhook_test_without_any_endpoint_is_400(api_only: RunningEmulator) -> None:
    sdk, client = make_sdk(api_only)
    with client, pytest.raises(ApiException) as raised:
        sdk.api.test_webhook_endpoint(**TIMEOUT)
    assert raised.value.status == 400


def test_use_webhook_off_sends_nothing_but_the_test_still_works(line: RunningEmulator,
                                                                sdk: Sdk,
                                                                receiver: Receiver) -> None:
    line.emulator.configure(webhook_active=False)
    assert sdk.api.get_webhook_endpoint(**TIMEOUT).active is False
    line.emulator.add_user("佐藤 一郎")
    line.emulator.wait_for_deliveries()
    assert receiver.received == []
    assert sdk.api.test_webhook_endpoint(**TIMEOUT).success is True


def test_a_wrong_token_is_401_on_these_paths(line: RunningEmulator) -> None:
    sdk, client = make_sdk(line, token="not-the-token")
    with client:
        for call in (sdk.api.get_webhook_endpoint, sdk.api.test_webhook_endpoint,
                     sdk.api.get_bot_info):
            with pytest.raises(ApiException) as raised:
                call(**TIMEOUT)
            assert raised.value.status == 401
