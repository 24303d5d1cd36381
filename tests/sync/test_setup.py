"""The connection wizard's core (app.sync.setup) with real parts: a relay on loopback, the
LINE emulator over HTTP through the official SDK, and an encrypted book. Each failure
must come out as the known error that names it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.book import Book
from app.errors import ValidationError
from app.line.errors import LineTokenRejectedError
from app.sync import setup
from app.sync.errors import (
    ChannelSecretNotThisChannelError,
    ChannelSecretRejectedError,
    PairingRefusedError,
    RelayShopUnknownError,
    RelayUnreachableError,
    WebhookUnreachableError,
)
from emulator import RunningEmulator, run_in_thread
from tests.relay.harness import ManualClock, ThreadRelay, free_port
from tests.sync.support import ACCESS_TOKEN, CHANNEL_SECRET, fast_worker

ADMIN = b"admin-secret-for-tests-0123456789"
OTHER_SECRET = "fedcba9876543210fedcba9876543210"


@pytest.fixture
def api(relay: ThreadRelay) -> Iterator[RunningEmulator]:
    """LINE with no webhook URL set yet, as a fresh channel is."""
    running = run_in_thread(channel_secret=CHANNEL_SECRET, access_token=ACCESS_TOKEN,
                            quota=None, seed=3, bot_display_name="花屋さくら")
    yield running
    running.stop()


@pytest.fixture
def shop_relay(tmp_path: Path) -> Iterator[ThreadRelay]:
    """A relay deployed with only RELAY_ADMIN_SECRET: desktops hand over their secrets."""
    running = ThreadRelay(f"sqlite:///{tmp_path / 'shops.db'}", tmp_path / "shops.log",
                          clock=ManualClock(), channel_secret=None, admin_secret=ADMIN)
    yield running
    running.stop()


def _connect(book: Book, relay: ThreadRelay, api: RunningEmulator, *, url: str | None = None,
             code: str | None = "", secret: str = CHANNEL_SECRET,
             token: str = ACCESS_TOKEN, **kw) -> setup.SetupReport:  # type: ignore[no-untyped-def]
    return setup.connect_and_configure(
        book, relay_url=url or relay.base_url,
        pairing_code=relay.pairing_code() if code == "" else code,
        channel_secret=secret, access_token=token, api_base=api.base_url,
        use_keyring=False, **kw)


def test_everything_right_sets_and_tests_the_webhook(book: Book, relay: ThreadRelay,
                                                     api: RunningEmulator) -> None:
    steps: list[str] = []
    report = _connect(book, relay, api, secret=CHANNEL_SECRET.upper(), progress=steps.append)
    assert steps == list(setup.STEPS)
    assert report.account.display_name == "花屋さくら"
    assert report.webhook_url == f"{relay.base_url}/line/webhook"
    assert (report.test.success, report.test.status_code) == (True, 200)
    assert report.webhook_active is True
    assert api.emulator.settings_dict()["webhook_url"] == report.webhook_url
    assert book.line.is_paired() and book.line.channel_secret() == CHANNEL_SECRET.encode()
    # LINE now delivers to the relay, and the book gets the new friend.
    uid = api.emulator.add_user("山田 花子")
    api.emulator.wait_for_deliveries()
    assert fast_worker(book).run_once().applied == 1
    assert book.customers.get(book.customers.by_line_user_id(uid)).display_name == "山田 花子"


def test_a_wrong_token_is_named_before_the_code_is_spent(book: Book, relay: ThreadRelay,
                                                         api: RunningEmulator) -> None:
    with pytest.raises(LineTokenRejectedError):
        setup.check_account("not-the-token", api.base_url)
    code = relay.pairing_code()
    with pytest.raises(LineTokenRejectedError):
        _connect(book, relay, api, code=code, token="not-the-token")
    assert not book.line.is_paired()
    _connect(book, relay, api, code=code)  # the code still works


def test_a_malformed_secret_is_refused_before_anything_else(book: Book, relay: ThreadRelay,
                                                            api: RunningEmulator) -> None:
    for text in ("", "0123", CHANNEL_SECRET + "0", "g" * 32):
        with pytest.raises(ValidationError):
            setup.check_channel_secret(text)
    with pytest.raises(ValidationError):
        _connect(book, relay, api, secret="xyz")
    assert not book.line.is_paired()


def test_a_wrong_secret_fails_the_webhook_test_and_is_fixed_without_a_new_code(
        book: Book, shop_relay: ThreadRelay, api: RunningEmulator) -> None:
    with pytest.raises(ChannelSecretRejectedError) as raised:
        _connect(book, shop_relay, api, secret=OTHER_SECRET)
    assert raised.value.detail == "HTTP 401"
    assert book.line.is_paired()  # the pairing is kept
    assert book.line.channel_secret() is None  # an unproven secret is not kept
    report = _connect(book, shop_relay, api, code=None, secret=CHANNEL_SECRET)
    assert report.test.success
    assert book.line.channel_secret() == CHANNEL_SECRET.encode()


def test_a_secret_that_differs_from_the_relays_own_is_named(book: Book, relay: ThreadRelay,
                                                            api: RunningEmulator) -> None:
    # relay: LINE_CHANNEL_SECRET is the right one; the owner pasted another channel's.
    with pytest.raises(ChannelSecretNotThisChannelError):
        _connect(book, relay, api, secret=OTHER_SECRET)


def test_an_unreachable_relay_is_named(book: Book, relay: ThreadRelay,
                                       api: RunningEmulator) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(RelayUnreachableError):
        setup.check_relay(nowhere)
    with pytest.raises(RelayUnreachableError):
        _connect(book, relay, api, url=nowhere, code="ABCDE-FGHJK")
    assert not book.line.is_paired()


def test_line_that_cannot_reach_the_relay_is_named(book: Book, relay: ThreadRelay,
                                                   api: RunningEmulator) -> None:
    def relay_goes_down(step: str) -> None:
        if step == setup.STEP_WEBHOOK:
            relay.stop()  # e.g. an address only this computer can reach

    with pytest.raises(WebhookUnreachableError):
        _connect(book, relay, api, progress=relay_goes_down)


def test_a_wrong_code_is_named(book: Book, relay: ThreadRelay, api: RunningEmulator) -> None:
    relay.pairing_code()
    with pytest.raises(PairingRefusedError):
        _connect(book, relay, api, code="ABCDE-FGHJK")


def test_use_webhook_off_is_reported_and_rechecked(book: Book, relay: ThreadRelay,
                                                   api: RunningEmulator) -> None:
    api.emulator.configure(webhook_active=False)
    report = _connect(book, relay, api)
    assert report.test.success and report.webhook_active is False
    api.emulator.configure(webhook_active=True)  # the owner clicks "Use webhook"
    assert setup.recheck_webhook(book).webhook_active is True


def test_a_shop_on_a_relay_serving_several(book: Book, shop_relay: ThreadRelay,
                                           api: RunningEmulator) -> None:
    shop = shop_relay.store.add_shop("花屋さくら", int(shop_relay.clock() * 1000))
    address = f"{shop_relay.base_url}/shops/{shop}"
    assert setup.check_relay(address).queue_depth == 0
    with pytest.raises(RelayShopUnknownError):
        setup.check_relay(f"{shop_relay.base_url}/shops/0123456789")
    code = shop_relay.store.create_pairing_code(int(shop_relay.clock() * 1000), shop)
    report = _connect(book, shop_relay, api, url=address, code=code)
    assert report.webhook_url == f"{address}/line/webhook"
    assert report.test.success
    uid = api.emulator.add_user("佐藤 一郎")
    api.emulator.wait_for_deliveries()
    assert fast_worker(book).run_once().applied == 1
    assert book.customers.get(book.customers.by_line_user_id(uid)).display_name == "佐藤 一郎"


def test_the_headless_connect_does_the_same_with_the_channel_secret(
        tmp_path: Path, relay: ThreadRelay, api: RunningEmulator) -> None:
    from tests.sync.test_durability import otokui

    profile = tmp_path / "cli-profile"
    assert otokui(profile, "init", "--use-passphrase").returncode == 0
    done = otokui(profile, "connect", "--set-webhook", "--relay", relay.base_url,
                  "--code", relay.pairing_code(), "--api-base", api.base_url,
                  OTOKUI_LINE_ACCESS_TOKEN=ACCESS_TOKEN,
                  OTOKUI_LINE_CHANNEL_SECRET=CHANNEL_SECRET)
    assert done.returncode == 0, done.stderr
    assert "花屋さくら" in done.stdout and "LINE's test reached it" in done.stdout
    assert api.emulator.settings_dict()["webhook_url"] == f"{relay.base_url}/line/webhook"
    wrong = otokui(profile, "connect", "--set-webhook", "--relay", relay.base_url,
                   "--code", "x",
                   "--api-base", api.base_url, OTOKUI_LINE_ACCESS_TOKEN=ACCESS_TOKEN,
                   OTOKUI_LINE_CHANNEL_SECRET="fedcba9876543210fedcba9876543210")
    assert wrong.returncode == 1
    assert "not this LINE channel's" in wrong.stderr


def test_two_shops_on_one_relay_each_get_only_their_own_friends(
        tmp_path: Path, shop_relay: ThreadRelay) -> None:
    """Two LINE channels, two shops on one relay, two books: each wizard run connects its
    own; the friends of one shop never reach the other's book."""
    from app.profile import Profile
    from tests.sync.support import PASSPHRASE

    secret_b = "00112233445566778899aabbccddeeff"
    now = int(shop_relay.clock() * 1000)
    shops = [shop_relay.store.add_shop("花屋さくら", now),
             shop_relay.store.add_shop("カフェ青空", now)]
    lines = [run_in_thread(channel_secret=CHANNEL_SECRET, access_token=ACCESS_TOKEN,
                           quota=None, seed=21, bot_display_name="花屋さくら"),
             run_in_thread(channel_secret=secret_b, access_token="token-of-the-cafe",
                           quota=None, seed=22, bot_display_name="カフェ青空")]
    books = [Profile(tmp_path / f"shop-{i}").create(passphrase=PASSPHRASE) for i in (0, 1)]
    try:
        for shop, line, book, secret, token in zip(
                shops, lines, books, (CHANNEL_SECRET, secret_b),
                (ACCESS_TOKEN, "token-of-the-cafe"), strict=True):
            report = setup.connect_and_configure(
                book, relay_url=f"{shop_relay.base_url}/shops/{shop}",
                pairing_code=shop_relay.store.create_pairing_code(now, shop),
                channel_secret=secret, access_token=token, api_base=line.base_url,
                use_keyring=False)
            assert report.test.success
        sakura = lines[0].emulator.add_user("山田 花子")
        cafe = lines[1].emulator.add_user("佐藤 一郎")
        for line in lines:
            line.emulator.wait_for_deliveries()
        for book in books:
            fast_worker(book).run_once()
        assert books[0].customers.by_line_user_id(sakura) is not None
        assert books[0].customers.by_line_user_id(cafe) is None
        assert books[1].customers.by_line_user_id(cafe) is not None
        assert books[1].customers.by_line_user_id(sakura) is None
    finally:
        for book in books:
            book.close()
        for line in lines:
            line.stop()
