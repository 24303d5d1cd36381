"""No customer data reaches the log through an exception's message.

Distinctive customer data is written through every failing path that logs an exception (a
change listener, the sync loop, a headless command's unexpected error, a database error with
its bound values), then every log file is searched for it. The exception's type must be
there (the log is still useful); its personal content must not.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import pytest
from sqlalchemy import insert

from app import cli
from app.logs import describe, redact, setup_logging
from app.profile import Profile
from app.store.models import Customer

PASS = "ログの合言葉 2026"
NAME = "漏洩確認 花子"
NAME_ASCII = "Hanako Leakcheck"
PHONE = "090-8765-4321"
EMAIL = "hanako.leakcheck@example.jp"
LINE_ID = "U" + "7e" * 16
MEMO = "右肩の古傷に注意"
PERSONAL = [NAME, NAME_ASCII, PHONE, "09087654321", EMAIL, LINE_ID, MEMO]


class CustomerDataError(Exception):
    """A bug whose message carries what the code was handling, as real bugs' do."""


def _message() -> str:
    return (f"could not handle {NAME!r} / {NAME_ASCII!r}, phone {PHONE} (09087654321), "
            f"{EMAIL}, {LINE_ID}: 「{MEMO}」")


@pytest.fixture
def logged(tmp_path: Path):
    logs = tmp_path / "profile" / "logs"
    setup_logging(logs)
    yield logs
    setup_logging(None)


def log_text(logs: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return "".join(p.read_text(encoding="utf-8") for p in sorted(logs.glob("otokui.log*")))


def assert_nothing_personal(text: str) -> None:
    for value in PERSONAL:
        assert value not in text, value


@pytest.fixture
def book(tmp_path: Path, logged: Path):
    b = Profile(tmp_path / "profile").create(passphrase=PASS)
    yield b
    b.close()


def test_a_failing_change_listener(book, logged: Path) -> None:
    def listener(_change) -> None:
        raise CustomerDataError(_message())

    book.changed.connect(listener)
    book.customers.create(name=NAME, phone=PHONE, email=EMAIL, memo=MEMO)
    text = log_text(logged)
    assert "a change listener failed" in text and "CustomerDataError" in text
    assert "test_log_privacy.py" in text  # the traceback's code locations stay
    assert_nothing_personal(text)


def test_a_database_error_with_bound_values(book, logged: Path) -> None:
    with book.db.write() as s:
        s.execute(insert(Customer), {"name": NAME, "phone": PHONE, "line_user_id": LINE_ID})
    try:
        with book.db.write() as s:  # the same LINE id again: UNIQUE fails
            s.execute(insert(Customer), {"name": NAME_ASCII, "email": EMAIL,
                                         "line_user_id": LINE_ID, "memo": MEMO})
    except Exception:
        logging.getLogger("otokui.test").exception("a write failed")
    text = log_text(logged)
    assert "IntegrityError" in text
    assert_nothing_personal(text)


def test_the_sync_loop(book, logged: Path) -> None:
    from app.sync.worker import SyncWorker

    book.line.set_channel_secret("0123456789abcdef0123456789abcdef")  # the loop pulls
    worker = SyncWorker(book)

    class Relay:  # a bug inside the loop: nothing else can make one carry these words
        def pull(self, *_a, **_k):
            worker._stop.set()  # one turn of the loop, then it ends
            raise CustomerDataError(_message())

    worker._loop(Relay(), "device", None, None, None)  # type: ignore[arg-type]
    text = log_text(logged)
    assert "sync failed; will try again" in text and "CustomerDataError" in text
    assert_nothing_personal(text)


def test_a_headless_command_s_unexpected_error(book, logged: Path, capsys,
                                               monkeypatch) -> None:
    book.close()

    def broken(_args, _profile) -> int:
        raise CustomerDataError(_message())

    monkeypatch.setitem(cli.COMMANDS, "export-csv", broken)
    args = cli.build_parser().parse_args(
        ["--profile", str(logged.parent), "export-csv", str(logged.parent / "out.csv")])
    assert isinstance(args, argparse.Namespace)
    assert cli.run(args) == 3
    err = capsys.readouterr().err
    assert "an unexpected error (CustomerDataError)" in err
    text = log_text(logged)
    assert "command export-csv failed" in text and "CustomerDataError" in text
    assert_nothing_personal(text + err)


def test_redaction_keeps_what_helps() -> None:
    assert redact("applied a batch of 12 events in 0.25 s; device 3f2cdeacf6706cb3") == \
        "applied a batch of 12 events in 0.25 s; device 3f2cdeacf6706cb3"
    assert redact("〒150-0001 東京都渋谷区 03-1234-5678") == "…[postcode] … [phone]"
    assert describe(KeyError(NAME)) == "KeyError: '…'"
    assert describe(CustomerDataError(_message())).startswith(
        "tests.core.test_log_privacy.CustomerDataError: could not handle '…' / '…', "
        "phone [phone] ([phone]), [e-mail], [line-id]: '…'")
