"""``self-test``: prove this installation (or PyInstaller bundle) has every piece it needs.

It checks the libraries (SQLCipher with FTS5 trigram, cryptography's HPKE, Argon2, keyring,
the LINE SDK; Qt with its PDF module and translations through the check ``main.py``
registers from ``ui/selftest.py``) and then exercises a throwaway
encrypted book in a temporary folder: create, write, search, attach, back up, restore.
Nothing personal is involved and the folder is removed afterwards.
"""

from __future__ import annotations

import importlib
import secrets
import shutil
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path


def _check_sqlcipher() -> str:
    import sqlcipher3.dbapi2 as sqlcipher

    conn = sqlcipher.connect(":memory:")
    version = conn.execute("PRAGMA cipher_version").fetchone()
    if not version or not version[0]:
        raise RuntimeError("SQLCipher is not compiled in")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='trigram')")
    conn.close()
    return f"SQLCipher {version[0]} (SQLite {sqlcipher.sqlite_version}), FTS5 trigram"


def _check_crypto() -> str:
    import argon2.low_level  # noqa: F401
    import cryptography
    from cryptography.hazmat.primitives import hpke  # noqa: F401

    return f"cryptography {cryptography.__version__} with HPKE, Argon2id"


def _check_keyring() -> str:
    from app import keys

    backend = keys.keyring_backend()
    return f"keyring backend: {backend or 'none (passphrase mode)'}"


def _check_modules() -> str:
    names = ["sqlalchemy", "alembic", "platformdirs", "linebot.v3.messaging",
             "linebot.v3.webhook"]
    for name in names:
        importlib.import_module(name)
    return "SQLAlchemy, Alembic, platformdirs, line-bot-sdk"


def _check_book() -> str:
    from app import backup
    from app.profile import Profile
    from app.search import CustomerQuery

    tmp = Path(tempfile.mkdtemp(prefix="otokui-selftest-"))
    passphrase = secrets.token_urlsafe(16)  # throwaway: the book is deleted afterwards
    try:
        profile = Profile(tmp / "profile")
        book = profile.create(passphrase=passphrase)
        with book:
            cid = book.customers.create(name="試験 太郎", furigana="しけん たろう",
                                        phone="090-0000-0000")
            if book.search.ids(CustomerQuery(text="シケン")) != [cid]:
                raise RuntimeError("search failed")
            doc = tmp / "note.txt"
            doc.write_bytes(b"self-test attachment")
            att = book.attachments.add(cid, doc)
            if book.attachments.read_bytes(att, audit=False) != b"self-test attachment":
                raise RuntimeError("attachment round trip failed")
            backup.create_backup(book, tmp / "b.otokui-backup")
        restored = Profile(tmp / "restored")
        backup.restore_backup(restored, tmp / "b.otokui-backup",
                              passphrase=passphrase)
        with restored.open(passphrase) as again:
            if again.customers.count() != 1:
                raise RuntimeError("restore lost data")
        return "encrypted book: create, search, attachment, backup and restore"
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


CHECKS: list[tuple[str, Callable[[], str]]] = [
    ("libraries", _check_modules),
    ("sqlcipher", _check_sqlcipher),
    ("crypto", _check_crypto),
    ("keyring", _check_keyring),
    ("book", _check_book),
]


def register(name: str, check: Callable[[], str]) -> None:
    """Add a check from outside the core (``main.py`` adds the window's Qt check), so the
    core itself never imports Qt."""
    CHECKS.insert(len(CHECKS) - 1, (name, check))


def run(out: Callable[[str], None]) -> bool:
    ok = True
    for name, check in CHECKS:
        try:
            out(f"ok    {name}: {check()}")
        except Exception as exc:
            ok = False
            out(f"FAIL  {name}: {type(exc).__name__}: {exc}")
            out("".join(traceback.format_exception_only(type(exc), exc)).strip())
    out("self-test passed" if ok else "self-test FAILED")
    return ok
