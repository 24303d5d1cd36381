"""The LINE sync in the window: started with a paired book, followed in the status bar,
stopped before the book closes, filling the table live. Real relay and emulator on
loopback, the real sync worker (with short long-polls and quick backoff)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.sync.pairing import connect
from app.sync.worker import SyncState, SyncWorker
from emulator import RunningEmulator, run_in_thread
from relay.app import RelayService
from relay.config import Settings as RelaySettings
from relay.server import build_server
from relay.store import Store
from tests.relay.harness import SECRET, ThreadRelay, assert_nothing_personal, stored_bytes
from tests.sync.support import ACCESS_TOKEN, CHANNEL_SECRET, fast_worker, personal_values
from tests.ui.conftest import PASSPHRASE
from ui.main_window import MainWindow
from ui.sync_controller import SyncController


class RestartableRelay:
    """The real relay on uvicorn in a thread, stopped and started again on the same port
    and database (what a relay restarted by its host looks like to the desktop)."""

    def __init__(self, tmp_path: Path) -> None:
        self.db_url = f"sqlite:///{tmp_path / 'relay.db'}"
        probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.store: Store | None = None
        self._server = None
        self._thread: threading.Thread | None = None
        self._sock: socket.socket | None = None
        self.start()

    def start(self) -> None:
        self.store = Store.open(self.db_url)
        service = RelayService(RelaySettings(channel_secret=SECRET, database_url=self.db_url),
                               self.store)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        self._sock = sock
        self._server = build_server(service, "127.0.0.1", self.port, log_level="warning")
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]},
                                        name="relay-under-test", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started:
            assert self._thread.is_alive() and time.monotonic() < deadline, "relay start"
            time.sleep(0.01)

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.should_exit = True
        assert self._thread is not None and self._sock is not None and self.store is not None
        self._thread.join(30)
        self._sock.close()
        self.store.close()
        self._server = None

    def pairing_code(self) -> str:
        assert self.store is not None
        return self.store.create_pairing_code(int(time.time() * 1000))


@pytest.fixture
def restartable_relay(tmp_path: Path) -> Iterator[RestartableRelay]:
    relay = RestartableRelay(tmp_path)
    yield relay
    relay.stop()


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[ThreadRelay]:
    from tests.relay.harness import ManualClock

    running = ThreadRelay(f"sqlite:///{tmp_path / 'relay.db'}", tmp_path / "relay.log",
                          clock=ManualClock())
    yield running
    running.stop()


@pytest.fixture
def line(relay: ThreadRelay) -> Iterator[RunningEmulator]:
    running = run_in_thread(channel_secret=CHANNEL_SECRET, access_token=ACCESS_TOKEN,
                            webhook_url=f"{relay.base_url}/line/webhook", quota=None, seed=3)
    yield running
    running.stop()


def _window(qtbot, book, settings, **options) -> MainWindow:
    window = MainWindow(book, settings, sync_worker=fast_worker, **options)
    qtbot.addWidget(window)
    window.resize(1300, 800)
    window.show()
    qtbot.waitExposed(window)
    return window


def _label(window: MainWindow) -> str:
    return window.sync_label.text() if window.sync_box.isVisible() else ""


def test_a_book_without_pairing_shows_no_line_status(window) -> None:
    assert window.sync.worker is None
    assert window.sync.status.state == SyncState.NOT_PAIRED
    assert not window.sync_box.isVisible()


def test_status_bar_follows_the_worker_relay_down_and_up(
        qtbot, qapp, book, settings, restartable_relay: RestartableRelay) -> None:
    relay = restartable_relay
    connect(book, relay_url=relay.base_url, pairing_code=relay.pairing_code(),
            access_token=ACCESS_TOKEN, channel_secret=CHANNEL_SECRET, check_token=False)
    window = _window(qtbot, book, settings)
    assert window.sync.is_running()
    qtbot.waitUntil(lambda: _label(window) == "LINE: connected", timeout=20_000)
    tip = window.sync_box.toolTip()
    assert "0 messages received" in tip and ACCESS_TOKEN not in tip

    relay.stop()
    qtbot.waitUntil(lambda: _label(window).startswith("LINE: offline — retrying in "),
                    timeout=20_000)
    assert window.sync.status.detail == "relay-unreachable"
    assert "cannot be reached" in window.sync_box.toolTip()

    # In the owner's language too (the status is worded again as it changes).
    from ui import i18n

    i18n.compile_if_stale()
    i18n.install_translators(qapp, "ja")
    window._show_sync_status()
    assert window.sync_label.text().startswith("LINE：オフライン")
    assert "秒後に再試行" in window.sync_label.text()

    relay.start()
    qtbot.waitUntil(lambda: window.sync_label.text() == "LINE：接続中", timeout=20_000)
    assert window.sync_box.isVisible()
    i18n.uninstall_translators(qapp)

    # Lock: the worker stops before the book closes; unlocking starts it again.
    first = window.sync.worker
    assert window.lock()
    assert window.sync.worker is None and first is not None
    assert first.status.state == SyncState.STOPPED  # done with the book before it closed
    assert not window.sync_box.isVisible()
    qtbot.waitUntil(lambda: not first.is_running(), timeout=20_000)  # its last long-poll
    widget = window.unlock_widget
    widget.field.setText(PASSPHRASE)
    widget.submit()
    qtbot.waitUntil(lambda: not window.locked, timeout=20_000)
    assert window.sync.worker is not None and window.sync.worker is not first
    qtbot.waitUntil(lambda: _label(window) == "LINE: connected", timeout=20_000)

    worker = window.sync.worker
    window.close()
    assert worker.status.state == SyncState.STOPPED and window.book is None


def test_a_revoked_desktop_says_so(qtbot, book, settings,
                                   restartable_relay: RestartableRelay) -> None:
    relay = restartable_relay
    connect(book, relay_url=relay.base_url, pairing_code=relay.pairing_code(),
            access_token=ACCESS_TOKEN, channel_secret=CHANNEL_SECRET, check_token=False)
    window = _window(qtbot, book, settings)
    qtbot.waitUntil(lambda: _label(window) == "LINE: connected", timeout=20_000)
    device = book.line.device()
    assert device is not None and relay.store is not None
    assert relay.store.revoke_device(device.device_id, int(time.time() * 1000))
    qtbot.waitUntil(lambda: _label(window) == "LINE: no longer paired with the relay",
                    timeout=20_000)
    assert "Pair again" in window.sync_box.toolTip()
    window.close()


def test_a_friend_and_a_message_from_line_appear_in_the_table(
        qtbot, book, settings, relay: ThreadRelay, line: RunningEmulator) -> None:
    connect(book, relay_url=relay.base_url, pairing_code=relay.pairing_code(),
            access_token=ACCESS_TOKEN, channel_secret=CHANNEL_SECRET, api_base=line.base_url,
            data_base=line.data_url)
    window = _window(qtbot, book, settings)
    assert window.count_label.text() == "5 customer(s)"
    qtbot.waitUntil(lambda: _label(window) == "LINE: connected", timeout=20_000)

    e = line.emulator
    uid = e.add_user("森 はるか", language="ja")
    qtbot.waitUntil(lambda: window.count_label.text() == "6 customer(s)", timeout=20_000)
    cid = book.customers.by_line_user_id(uid)
    assert cid is not None
    model = window.content.model
    assert model.row_of(cid) is not None
    shown = [model.index(model.row_of(cid), c).data() for c in range(model.columnCount())]
    assert "森 はるか" in shown  # the LINE profile, fetched from the emulator

    e.send_text(uid, "明日の15時に予約できますか")
    qtbot.waitUntil(lambda: [m.text for m in book.messages.messages(cid)
                             if m.type == "text"] == ["明日の15時に予約できますか"],
                    timeout=20_000)
    # The follow and the message: two events, one message received (a follow is not one).
    qtbot.waitUntil(lambda: window.sync.status.events_applied >= 2, timeout=20_000)
    assert window.sync.status.messages_received == 1
    assert window.select_customer(cid)
    assert window.content.detail.customer_id == cid
    tip = window.sync_box.toolTip()
    status = window.sync.status
    assert f"{status.messages_received} messages received" in tip
    assert f"{status.events_applied} events applied" in tip and status.events_applied >= 2
    for personal in (*personal_values(e), ACCESS_TOKEN):
        assert personal not in tip and personal not in window.sync_label.text()
    window.close()
    assert_nothing_personal("the relay's database", stored_bytes(relay.db_url),
                            personal_values(e))


def test_stop_never_waits_longer_than_its_timeout(qtbot, book,
                                                  restartable_relay: RestartableRelay) -> None:
    relay = restartable_relay
    connect(book, relay_url=relay.base_url, pairing_code=relay.pairing_code(),
            access_token=ACCESS_TOKEN, channel_secret=CHANNEL_SECRET, check_token=False)
    made: list[SyncWorker] = []

    def make(b) -> SyncWorker:
        made.append(fast_worker(b))
        return made[-1]

    controller = SyncController(make_worker=make, stop_timeout=0.3)
    seen: list[SyncState] = []
    controller.status_changed.connect(lambda s: seen.append(s.state))
    assert controller.start(book)
    qtbot.waitUntil(lambda: SyncState.CONNECTED in seen, timeout=20_000)
    # The worker is inside the book (as while applying a big batch): stop gives up waiting
    # after its timeout instead of freezing the window, and the worker still ends.
    worker = made[0]
    with worker._book_lock:  # held for the whole stop: returning at all is the timeout
        assert controller.stop() is False
    qtbot.waitUntil(lambda: not worker.is_running(), timeout=20_000)
    assert controller.worker is None and seen[-1] == SyncState.STOPPED


def test_a_report_after_the_controller_is_gone_is_dropped_quietly(
        qtbot, book, restartable_relay: RestartableRelay, caplog) -> None:
    """A window closing deletes its controller while the worker may still report on its
    own thread: that report is dropped, not "RuntimeError: Signal source has been
    deleted"."""
    import logging

    import shiboken6

    from app.sync.worker import SyncStatus

    relay = restartable_relay
    connect(book, relay_url=relay.base_url, pairing_code=relay.pairing_code(),
            access_token=ACCESS_TOKEN, channel_secret=CHANNEL_SECRET, check_token=False)
    made: list[SyncWorker] = []

    def make(b) -> SyncWorker:
        made.append(fast_worker(b))
        return made[-1]

    controller = SyncController(make_worker=make)
    assert controller.start(book)
    qtbot.waitUntil(lambda: controller.status.state == SyncState.CONNECTED, timeout=20_000)
    worker = made[0]
    listener = controller._listener
    assert listener is not None
    shiboken6.delete(controller)  # the Qt side goes; the worker was not stopped
    assert not shiboken6.isValid(controller)
    failures: list[BaseException] = []

    def report() -> None:  # as the worker does, on a thread of its own
        try:
            listener(SyncStatus(SyncState.OFFLINE, detail="relay-unreachable"))
        except BaseException as exc:
            failures.append(exc)
        with caplog.at_level(logging.ERROR, logger="otokui.signals"):
            worker.status_changed.emit(SyncStatus(SyncState.CONNECTED))

    thread = threading.Thread(target=report)
    thread.start()
    thread.join(10)
    try:
        assert failures == []
        assert not [r for r in caplog.records if r.name == "otokui.signals"]
    finally:
        worker.stop(timeout=5)
    assert not worker.is_running()
