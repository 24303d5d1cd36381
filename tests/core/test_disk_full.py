"""A full disk during a CSV import: a known error in the owner's words, nothing imported.

The profile lives on a real, small file system (a tmpfs mounted for the test; root on
Linux), filled up to a few pages before the import, so SQLite really meets SQLITE_FULL.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.csvio import import_csv
from app.errors import ImportDiskFullError
from app.profile import Profile

PASS = "満杯のディスク 合言葉"
ROOT = Path(__file__).resolve().parents[2]
ROWS = 20_000


@pytest.fixture
def small_disk(tmp_path: Path):
    if not sys.platform.startswith("linux") or os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("needs a small real file system: mount -t tmpfs, as root on Linux")
    mnt = tmp_path / "disk"
    mnt.mkdir()
    # Room for the 20,000 customers once the filler goes (the analytics' timeline index
    # made 16 MB too small); the filler then leaves only 256 KB, whatever the size.
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=32m,mode=0700", "tmpfs",
                           str(mnt)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def fill(disk: Path, leave: int) -> Path:
    """Take all but ``leave`` bytes of the file system."""
    st = os.statvfs(disk)
    free = st.f_bavail * st.f_frsize
    filler = disk / "filler"
    with open(filler, "wb") as f:
        f.write(b"\0" * max(0, free - leave))
    return filler


def write_csv(path: Path) -> None:
    lines = ["氏名,電話番号,メモ"] + [
        f"満杯 {i},080-{i // 10000:04d}-{i % 10000:04d},ディスクがいっぱいの時の取り込み {i}"
        for i in range(ROWS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_import_on_a_full_disk_says_so_and_imports_nothing(small_disk: Path,
                                                           tmp_path: Path) -> None:
    profile = Profile(small_disk / "profile")
    with profile.create(passphrase=PASS) as book:
        book.customers.create(name="前からいる客")
    src = tmp_path / "many.csv"  # on the big disk: only the book is short of space
    write_csv(src)
    filler = fill(small_disk, 256 * 1024)

    env = {**os.environ, "OTOKUI_PASSPHRASE": PASS,
           "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "--profile",
                             str(profile.root), "import-csv", str(src)], cwd=ROOT, env=env,
                            stdin=subprocess.DEVNULL, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines() == [
        "otokui: The disk is full, so the import could not be saved. Nothing was imported. "
        "Free some space on the disk (move or delete large files you no longer need, empty "
        "the trash), then import the file again."]

    with profile.open(PASS) as book:
        assert book.customers.count() == 1
        with pytest.raises(ImportDiskFullError):  # the same through the core, in-process
            import_csv(book, src)
        assert book.customers.count() == 1
        conn = book.db.raw_connection()
        try:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        finally:
            conn.close()
        filler.unlink()  # the owner frees some space, and imports again
        report = import_csv(book, src)
        assert report.created == ROWS and book.customers.count() == ROWS + 1
