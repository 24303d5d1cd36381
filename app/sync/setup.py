"""Connecting a shop's LINE account, step by step: the connection wizard's core (no Qt).

The owner gives four things once: the relay's address, a pairing code (from the relay's
admin page), the channel secret and the channel access token (LINE Developers console).
Each is checked before the next step, and each failure is a known error that names what
is wrong (see :mod:`app.sync.errors`, :mod:`app.line.errors`):

1. :func:`check_relay` — the address answers as an Otokui relay (``GET /healthz``);
2. :func:`check_channel_secret` (its form: 32 hexadecimal characters) and
   :func:`check_account` (``GET /v2/bot/info`` with the token: 401 means LINE refused
   it; the answer names the account, so the owner sees it is the right one);
3. :func:`connect_and_configure` — pairs with the relay (sending the channel secret,
   which a relay serving several shops keeps sealed for this shop), keeps the pairing,
   token in the book (the secret once LINE's test has proved it), then does the console's
   webhook steps through the API:
   sets the webhook URL (``PUT /v2/bot/channel/webhook/endpoint``), has LINE test it
   (``POST /v2/bot/channel/webhook/test``: LINE really calls the relay, which checks the
   signature with the channel secret, so a wrong secret shows up here), and reads back
   whether *Use webhook* is on (no API can turn it on: the owner is told where to click).

A book that is already paired skips the pairing and sends the secret to the relay again
(``PUT /v1/channel-secret``), so fixing a wrong secret needs no new pairing code.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.errors import ValidationError
from app.i18n import QT_TRANSLATE_NOOP
from app.line.connection import Device, utc_now_text
from app.line.gateway import BotInfo, LineGateway, WebhookTest
from app.sync.errors import (
    AlreadyPairedError,
    ChannelSecretNotThisChannelError,
    ChannelSecretRejectedError,
    RelayShopUnknownError,
    WebhookNotReadyError,
    WebhookRefusedError,
    WebhookTimeoutError,
    WebhookUnreachableError,
)
from app.sync.pairing import MAX_NAME_CHARS, default_device_name
from app.sync.relay_client import Health, RelayClient, normalize_relay_url
from app.sync.sealing import encode_public_key, new_private_key, raw_private_key

if TYPE_CHECKING:
    from app.book import Book

log = logging.getLogger("otokui.sync")

_SECRET = re.compile(r"[0-9a-f]{32}")
WEBHOOK_PATH = "/line/webhook"

#: The steps of :func:`connect_and_configure`, in order, as reported to ``progress``.
STEP_PAIR = "pair"
STEP_WEBHOOK = "webhook"
STEP_TEST = "test"
STEP_ACTIVE = "active"
STEPS = (STEP_PAIR, STEP_WEBHOOK, STEP_TEST, STEP_ACTIVE)


@dataclass(frozen=True)
class SetupReport:
    account: BotInfo
    webhook_url: str
    test: WebhookTest
    #: The console's "Use webhook" switch: when False, LINE sends nothing yet.
    webhook_active: bool


def webhook_url(relay_url: str) -> str:
    """The webhook URL of the relay (of the shop, for a ``…/shops/<id>`` address)."""
    return normalize_relay_url(relay_url) + WEBHOOK_PATH


def check_relay(relay_url: str) -> Health:
    """Step 1: the address answers as an Otokui relay."""
    with RelayClient(normalize_relay_url(relay_url)) as relay:
        return relay.health()


def check_channel_secret(text: str) -> str:
    """Step 2a: a LINE channel secret is 32 hexadecimal characters; returns it tidied."""
    cleaned = "".join((text or "").split()).lower()
    if not _SECRET.fullmatch(cleaned):
        raise ValidationError("channel secret", message=QT_TRANSLATE_NOOP(
            "sync", "A channel secret is 32 letters and digits (0-9 and a-f). Copy it again "
            "from the LINE Developers console: Basic settings → Channel secret."))
    return cleaned


def check_account(access_token: str, api_base: str | None = None) -> BotInfo:
    """Step 2b: which LINE account the token belongs to (401: LINE refused the token)."""
    token = (access_token or "").strip()
    if not token:
        raise ValidationError("access token", message=QT_TRANSLATE_NOOP(
            "sync", "Paste the channel access token (LINE Developers console: Messaging API "
            "→ Channel access token)."))
    from app.line.errors import LineTokenRejectedError

    with LineGateway(token, api_base=_base(api_base)) as gateway:
        try:
            return gateway.bot_info()
        except LineTokenRejectedError:
            raise LineTokenRejectedError("HTTP 401") from None  # named for the owner


def connect_and_configure(book: Book, *, relay_url: str, pairing_code: str | None,
                          channel_secret: str, access_token: str,
                          api_base: str | None = None, device_name: str | None = None,
                          use_keyring: bool | None = None,
                          progress: Callable[[str], None] | None = None) -> SetupReport:
    """Step 3: pair (unless paired already), keep what the book needs, and set up and test
    the webhook. ``progress(step)`` is called as each step of :data:`STEPS` starts.

    Raises the step's known error; what was done before it stays done (a pairing is kept,
    so running this again after fixing the secret needs no new code)."""
    say = progress or (lambda _step: None)
    secret = check_channel_secret(channel_secret)
    token = (access_token or "").strip()
    base = _base(api_base)
    account = check_account(token, base)

    say(STEP_PAIR)
    if book.line.is_paired():
        url = book.line.relay_url or ""
        if pairing_code and normalize_relay_url(relay_url) != url:
            raise AlreadyPairedError()
        with book.line.relay_client() as relay:
            secret_answer = relay.set_channel_secret(secret)
    else:
        url = normalize_relay_url(relay_url)
        code = (pairing_code or "").strip()
        if not code or len(code) > 64:
            raise ValidationError("pairing code", message=QT_TRANSLATE_NOOP(
                "sync", "Enter the pairing code from the relay's admin page."))
        name = (device_name or "").strip()[:MAX_NAME_CHARS] or default_device_name()
        key = new_private_key()
        with RelayClient(url) as relay:
            paired = relay.pair(code, name, encode_public_key(key.public_key()),
                                channel_secret=secret)
        book.line.save_pairing(url, Device(device_id=paired.device_id, token=paired.token,
                                           name=name, private_key_raw=raw_private_key(key),
                                           paired_at=utc_now_text()))
        secret_answer = paired.channel_secret or "not_stored"
    book.line.set_api_base(base)
    book.line.set_access_token(token, use_keyring=use_keyring)
    log.info("relay paired; the relay %s the channel secret", secret_answer)

    hook = webhook_url(url)
    say(STEP_WEBHOOK)
    with LineGateway(token, api_base=base) as gateway:
        gateway.set_webhook_endpoint(hook)
        say(STEP_TEST)
        test = gateway.test_webhook(hook)
        _judge(test, secret_answer)
        # Kept only once LINE's own signature has proved it (the desktop checks webhooks
        # with it too): a wrong secret never replaces a right one in the book.
        book.line.set_channel_secret(secret)
        say(STEP_ACTIVE)
        active = gateway.webhook_endpoint().active
    return SetupReport(account=account, webhook_url=hook, test=test, webhook_active=active)


def recheck_webhook(book: Book) -> SetupReport:
    """Test the paired book's webhook again (after the owner turned *Use webhook* on)."""
    from app.line.errors import LineTokenMissingError

    url = book.line.relay_url
    gateway = book.line.gateway()
    if gateway is None or not url:
        raise LineTokenMissingError()
    with gateway:
        account = gateway.bot_info()
        hook = webhook_url(url)
        test = gateway.test_webhook(hook)
        _judge(test, "stored")
        active = gateway.webhook_endpoint().active
    return SetupReport(account=account, webhook_url=hook, test=test, webhook_active=active)


def _judge(test: WebhookTest, secret_answer: str) -> None:
    """Turn LINE's test result into the owner's words (or return when all is well)."""
    detail = f"HTTP {test.status_code}" if test.status_code > 0 else test.reason
    if test.success:
        if secret_answer == "differs":  # noqa: S105 - an answer, not a secret
            # The relay checks with its own LINE_CHANNEL_SECRET, and that one worked.
            raise ChannelSecretNotThisChannelError()
        return
    if test.status_code == 401:
        raise ChannelSecretRejectedError(detail)
    if test.status_code == 404:
        raise RelayShopUnknownError(detail)
    if test.status_code == 503:
        raise WebhookNotReadyError(detail)
    if test.reason == "REQUEST_TIMEOUT":
        raise WebhookTimeoutError(detail)
    if test.status_code <= 0:
        raise WebhookUnreachableError(detail)
    raise WebhookRefusedError(detail)


def _base(api_base: str | None) -> str | None:
    return (api_base or "").strip().rstrip("/") or None
