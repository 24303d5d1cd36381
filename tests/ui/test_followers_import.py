"""Settings → LINE → 友だちを取り込む: the import runs in the background with progress,
results on the main thread; an unverified account is told why friends arrive one by one."""

from __future__ import annotations

from app.line.followers import saved_state
from app.sync.pairing import connect
from emulator import RunningEmulator
from tests.relay.harness import ThreadRelay
from tests.sync.support import ACCESS_TOKEN
from tests.ui.test_line_settings import _idle, _tab, line, relay  # noqa: F401 - fixtures


def _paired(book, relay: ThreadRelay, line: RunningEmulator) -> None:  # noqa: F811
    connect(book, relay_url=relay.base_url, pairing_code=relay.pairing_code(),
            access_token=ACCESS_TOKEN, api_base=line.base_url, data_base=line.data_url,
            use_keyring=False)


def test_import_friends_from_the_settings(qtbot, book, settings, relay: ThreadRelay,  # noqa: F811
                                          line: RunningEmulator) -> None:  # noqa: F811
    uids = [line.emulator.add_user(f"常連{i}", notify=False) for i in range(30)]
    _paired(book, relay, line)
    before = book.customers.count()
    _dialog, tab = _tab(qtbot, book, settings)
    assert tab.followers_group.isVisible()
    assert "Other accounts do not get the list of friends" in tab.followers_note.text()
    assert tab.import_button.text() == "Import friends"
    tab.import_button.click()
    assert tab.importing and tab.busy and tab.import_progress.isVisible()
    assert tab.cancel_import_button.isVisible() and not tab.unpair_button.isEnabled()
    qtbot.waitUntil(lambda: not tab.importing, timeout=30_000)
    qtbot.waitUntil(lambda: not tab.import_progress.isVisible(), timeout=5_000)
    assert tab.import_status.text() == ("Done: 30 friend(s) added, 0 already in the "
                                        "customer book, 0 no longer friends.")
    assert book.customers.count() == before + 30
    assert all(book.customers.by_line_user_id(u) for u in uids)
    assert tab.import_button.isVisible() and tab.unpair_button.isEnabled()
    state = saved_state(book)
    assert state is not None and state.done


def test_unverified_account_is_told_why(qtbot, book, settings, relay: ThreadRelay,  # noqa: F811
                                       line: RunningEmulator) -> None:  # noqa: F811
    line.emulator.add_user("常連", notify=False)
    line.emulator.configure(followers_api=False)
    _paired(book, relay, line)
    before = book.customers.count()
    _dialog, tab = _tab(qtbot, book, settings)
    tab.import_button.click()
    qtbot.waitUntil(lambda: not tab.importing, timeout=30_000)
    qtbot.waitUntil(lambda: not tab.import_progress.isVisible(), timeout=5_000)
    text = tab.import_status.text()
    assert "only to verified and premium accounts" in text
    assert "joins the customer book by themselves" in text
    assert book.customers.count() == before


def test_stopped_import_goes_on_later(qtbot, book, settings, relay: ThreadRelay,  # noqa: F811
                                      line: RunningEmulator) -> None:  # noqa: F811
    for i in range(5):
        line.emulator.add_user(f"常連{i}", notify=False)
    _paired(book, relay, line)
    before = book.customers.count()
    _dialog, tab = _tab(qtbot, book, settings)
    tab.import_button.click()
    tab.cancel_import_button.click()
    qtbot.waitUntil(lambda: not tab.importing, timeout=30_000)
    qtbot.waitUntil(lambda: not tab.import_progress.isVisible(), timeout=5_000)
    assert tab.import_status.text() == ("Stopped. Nothing is lost: Import friends goes on "
                                        "from there.")
    assert tab.import_button.text() == "Continue importing"
    assert book.customers.count() == before
    tab.import_button.click()
    qtbot.waitUntil(lambda: not tab.importing, timeout=30_000)
    assert book.customers.count() == before + 5
