"""Settings → LINE: the token's home, pairing, unpairing, revoked or wrong relay tokens."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import httpx
import keyring
import pytest

from app.book import Book
from app.line.connection import KEY_DEVICE, masked
from app.line.errors import LineTokenMissingError, LineTokenRejectedError
from app.logs import setup_logging
from app.sync.errors import (
    AlreadyPairedError,
    NotPairedError,
    PairingRefusedError,
    PairingTooManyTriesError,
    RelayUnauthorizedError,
    RelayUnreachableError,
    RelayUrlError,
)
from app.sync.pairing import connect, relay_health, unpair
from app.sync.relay_client import normalize_relay_url
from app.sync.sealing import encode_public_key
from app.sync.worker import SyncState
from emulator import RunningEmulator
from tests.relay.harness import ThreadRelay, free_port
from tests.support.keyrings import MemoryKeyring
from tests.sync.conftest import Connected
from tests.sync.support import ACCESS_TOKEN, fast_worker, wait_until
from tests.sync.test_durability import otokui


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


def test_token_goes_to_the_keyring_when_there_is_one(
        book: Book, memory_keyring: MemoryKeyring) -> None:
    assert book.line.set_access_token(ACCESS_TOKEN) == "keyring"
    assert list(memory_keyring.entries.values()) == [ACCESS_TOKEN]
    assert book.settings.get("line.access_token") is None
    assert book.line.access_token() == ACCESS_TOKEN
    assert book.line.masked_token() == "••••••••" + ACCESS_TOKEN[-4:]
    book.line.clear_access_token()
    assert memory_keyring.entries == {}
    with pytest.raises(LineTokenMissingError):
        book.line.access_token()
    # The demo keeps its throwaway token out of the owner's keyring.
    assert book.line.set_access_token(ACCESS_TOKEN, use_keyring=False) == "book"
    assert memory_keyring.entries == {}


def test_token_stays_in_the_encrypted_book_without_a_keyring(book: Book) -> None:
    setup_logging(book.profile.logs_dir)
    try:
        assert book.line.set_access_token(f"  {ACCESS_TOKEN}\n") == "book"
        assert book.line.access_token() == ACCESS_TOKEN
        info = book.line.info()
        assert info.token_masked.endswith(ACCESS_TOKEN[-4:]) and ACCESS_TOKEN not in repr(info)
        with pytest.raises(Exception, match="channel access token"):
            book.line.set_access_token("two words")
    finally:
        setup_logging(None)  # the profile's log handler off again
    book.db.checkpoint()
    log_text = (book.profile.logs_dir / "otokui.log").read_text(encoding="utf-8")
    assert "LINE channel access token saved (in the book)" in log_text
    on_disk = b"".join(p.read_bytes() for p in book.profile.root.rglob("*") if p.is_file())
    assert ACCESS_TOKEN.encode() not in on_disk
    assert masked("short") == "••••••••" and masked(None) == ""


def test_connect_pair_health_unpair(book: Book, relay: ThreadRelay,
                                    line: RunningEmulator) -> None:
    with pytest.raises(PairingRefusedError):
        connect(book, relay_url=relay.base_url, pairing_code="000000-WRONG",
                access_token=ACCESS_TOKEN, api_base=line.base_url,
            data_base=line.data_url)
    with pytest.raises(LineTokenRejectedError):  # checked before a pairing code is spent
        connect(book, relay_url=relay.base_url, pairing_code=relay.pairing_code(),
                access_token="not-the-token", api_base=line.base_url,
            data_base=line.data_url)
    assert not book.line.is_paired() and not book.line.has_access_token()

    result = connect(book, relay_url=relay.base_url + "/", pairing_code=relay.pairing_code(),
                     access_token=ACCESS_TOKEN, api_base=line.base_url, data_base=line.data_url,
                     device_name="受付PC")
    assert (result.token_store, result.bot_basic_id) == ("book", "@123otoku")
    device = book.line.device()
    assert device is not None and device.device_id == result.device_id
    assert book.line.relay_url == relay.base_url and book.line.api_base == line.base_url
    assert device.token not in repr(device)
    # The public key the relay holds is the one of the private key in the book.
    assert _public_key(relay) == encode_public_key(device.private_key().public_key())
    assert relay.store.list_devices()[0].name == "受付PC"
    assert relay_health(relay.base_url).status == "ok"
    with pytest.raises(AlreadyPairedError):
        connect(book, relay_url=relay.base_url, pairing_code=relay.pairing_code())

    unpair(book)
    assert not book.line.is_paired()
    response = httpx.get(f"{relay.base_url}/v1/events",
                         headers={"Authorization": f"Bearer {device.token}"})
    assert response.status_code == 401  # revoked at the relay
    with pytest.raises(NotPairedError):
        unpair(book)
    with pytest.raises(NotPairedError):
        fast_worker(book).run_once()


def _public_key(relay: ThreadRelay) -> str:
    from sqlalchemy import select

    from relay.schema import devices

    with relay.store._engine.connect() as conn:
        raw = conn.execute(select(devices.c.public_key)).scalar_one()
    return base64.b64encode(bytes(raw)).decode()


def test_relay_addresses_are_checked() -> None:
    assert normalize_relay_url(" https://relay.example.jp/ ") == "https://relay.example.jp"
    assert normalize_relay_url("http://127.0.0.1:8080") == "http://127.0.0.1:8080"
    for bad in ("http://relay.example.jp", "ftp://relay.example.jp", "relay.example.jp",
                "https://user:pw@relay.example.jp", "https://relay.example.jp/?x=1",
                "https://relay.example.jp:99999", ""):
        with pytest.raises(RelayUrlError):
            normalize_relay_url(bad)
    with pytest.raises(RelayUnreachableError):
        relay_health(f"http://127.0.0.1:{free_port()}")


def test_revoked_token_stops_the_worker_as_unpaired(connected: Connected,
                                                    tmp_path: Path) -> None:
    book, relay = connected.book, connected.relay
    worker = fast_worker(book)
    states: list[SyncState] = []
    worker.status_changed.connect(lambda status: states.append(status.state))
    worker.start()
    try:
        wait_until(lambda: worker.status.state == SyncState.CONNECTED, what="connected")
        device = book.line.device()
        assert device is not None
        assert relay.store.revoke_device(device.device_id, int(relay.clock() * 1000))
        wait_until(lambda: not worker.is_running(), what="the worker to stop")
    finally:
        worker.stop()
    assert worker.status.state == SyncState.UNPAIRED
    assert worker.status.detail == "relay-unpaired"
    assert states[-1] == SyncState.UNPAIRED

    # The headless sync says so in one clear line and fails.
    book.close()
    result = otokui(book.profile.root, "sync")
    assert result.returncode == 1
    assert "no longer paired" in result.stderr and "python -m relay pair" in result.stderr


def test_wrong_token_is_refused(connected: Connected) -> None:
    book, relay = connected.book, connected.relay
    device = book.line.device()
    assert device is not None
    forged = {**device.to_json(), "token": device.token[:-4] + "AAAA"}
    book.settings.set(KEY_DEVICE, forged)
    with pytest.raises(RelayUnauthorizedError):
        fast_worker(book).run_once()
    for headers in ({"Authorization": "Bearer " + forged["token"]}, {}):
        assert httpx.get(f"{relay.base_url}/v1/events", headers=headers).status_code == 401
        assert httpx.post(f"{relay.base_url}/v1/events/ack", json={"upto": 1},
                          headers=headers).status_code == 401


def test_too_many_wrong_codes_from_here_says_so_and_how_long_to_wait(
        book: Book, relay: ThreadRelay, line: RunningEmulator) -> None:
    """Issue 10: the relay's per-address lock (429) is not "the relay cannot be reached"."""
    code = relay.pairing_code()
    wrong = code[:-1] + ("A" if code[-1] != "A" else "B")
    for _ in range(5):
        with pytest.raises(PairingRefusedError):
            connect(book, relay_url=relay.base_url, pairing_code=wrong,
                    access_token=ACCESS_TOKEN, api_base=line.base_url,
                    data_base=line.data_url)
    with pytest.raises(PairingTooManyTriesError) as refused:
        connect(book, relay_url=relay.base_url, pairing_code=code,
                access_token=ACCESS_TOKEN, api_base=line.base_url, data_base=line.data_url)
    assert 1 <= refused.value.minutes <= 10
    assert "Too many wrong pairing codes" in refused.value.one_line()
    assert not book.line.is_paired()
    relay.clock.advance(10 * 60 + 1)  # the lock is over (and the code with it): a new one
    connect(book, relay_url=relay.base_url, pairing_code=relay.pairing_code(),
            access_token=ACCESS_TOKEN,
            api_base=line.base_url, data_base=line.data_url)
    assert book.line.is_paired()
