"""Restores and rekeys are written to the audit log, as docs/security.md says."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from app import backup, rekey
from app.audit import AuditAction
from app.profile import Profile
from tests.core.conftest import PASSPHRASE

ROOT = Path(__file__).resolve().parents[2]


def actions(book) -> list[str]:
    return [e.action for e in book.audit.entries()]


def test_a_restore_is_recorded_in_the_restored_book(book, profile: Profile,
                                                    tmp_path: Path) -> None:
    for i in range(3):
        book.customers.create(name=f"復元 {i}")
    target = tmp_path / "b.otkb"
    header = backup.create_backup(book, target)
    book.customers.create(name="バックアップの後")
    book.close()
    backup.restore_backup(profile, target, passphrase=PASSPHRASE)
    with profile.open(PASSPHRASE) as restored:
        [latest, *older] = restored.audit.entries()
        assert latest.action == AuditAction.RESTORE
        assert latest.count == 3 and latest.target == "backup"
        assert latest.detail == {"backup_created_at": header.created_at, "attachments": 0}
        assert AuditAction.BACKUP not in [e.action for e in older]  # taken after the snapshot
    # On another computer (a fresh profile) too.
    other = Profile(tmp_path / "other")
    backup.restore_backup(other, target, passphrase=PASSPHRASE)
    with other.open(PASSPHRASE) as restored:
        assert actions(restored)[0] == AuditAction.RESTORE


def test_a_rekey_is_recorded_in_the_rekeyed_book(book) -> None:
    book.customers.create(name="鍵を替える")
    new = rekey.rekey(book, {"passphrase": PASSPHRASE + " 新"})
    try:
        [latest] = [e for e in new.audit.entries() if e.action == AuditAction.REKEY]
        assert latest.target == "book" and latest.detail == {"slots": ["passphrase"]}
        assert actions(new)[0] == AuditAction.REKEY
    finally:
        new.close()


def test_the_headless_restore_and_rekey_are_recorded(tmp_path: Path) -> None:
    profile = Profile(tmp_path / "profile")
    with profile.create(passphrase=PASSPHRASE) as book:
        book.customers.create(name="コマンドから")
        backup.create_backup(book, tmp_path / "b.otkb")
    env = {**os.environ, "OTOKUI_PASSPHRASE": PASSPHRASE,
           "OTOKUI_NEW_PASSPHRASE": PASSPHRASE + " 新",
           "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    for args in (["restore", str(tmp_path / "b.otkb")], ["rekey"]):
        done = subprocess.run([sys.executable, str(ROOT / "main.py"), "--profile",
                               str(profile.root), *args], cwd=ROOT, env=env,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr
    with profile.open(PASSPHRASE + " 新") as book:
        assert actions(book)[:2] == [AuditAction.REKEY, AuditAction.RESTORE]
