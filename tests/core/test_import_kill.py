"""A CSV import killed with SIGKILL half-way leaves the book with none or all of it.

A child process opens the book with its passphrase (as scripts do, from
``OTOKUI_PASSPHRASE``) and imports 50,000 rows; its progress callback drops a marker file
once the write transaction is well under way, and the test kills it there. The book must
then open, pass SQLite's and FTS5's integrity checks, hold either none or all of the
import, and take the same import again.
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from app.csvio import import_csv
from app.profile import Profile
from app.search import CustomerQuery

PASS = "killed import 合言葉 2026"
N = 50_000
ROOT = Path(__file__).resolve().parents[2]

CHILD = """
import os, sys
from pathlib import Path
from app.csvio import import_csv
from app.profile import Profile

profile, src, marker = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
book = Profile(profile).open(os.environ["OTOKUI_PASSPHRASE"])

def progress(done, total):
    # The second half of the steps is the write transaction: mark a point inside it.
    if done >= total // 2 + 5000 and not marker.exists():
        # Written aside, then renamed: the parent never sees the file without its number.
        Path(str(marker) + ".tmp").write_text(str(done))
        os.replace(str(marker) + ".tmp", marker)

import_csv(book, src, progress=progress)
Path(str(marker) + ".committed").write_text("yes")
"""


def _write_rows(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(["氏名", "ふりがな", "電話番号", "メールアドレス", "メモ", "タグ"])
        for i in range(n):
            w.writerow([f"顧客 {i}", "こきゃく", f"080-{i // 10000:04d}-{i % 10000:04d}",
                        f"c{i}@example.jp", "途中で止める取り込み", "大量;CSV"])


def _wait_for(marker: Path, proc: subprocess.Popen, limit_s: float = 240) -> None:
    deadline = time.monotonic() + limit_s  # a guard against hanging, not a timing check
    while not marker.exists():
        if proc.poll() is not None:
            raise AssertionError(f"child ended early ({proc.returncode}): "
                                 f"{proc.stderr.read().decode(errors='replace')[-2000:]}")
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError("the import never reached its write phase")
        time.sleep(0.005)


def test_sigkill_during_import_keeps_none_or_all(tmp_path: Path) -> None:
    profile = Profile(tmp_path / "profile")
    with profile.create(passphrase=PASS) as book:
        book.customers.create(name="前からいる客", phone="090-0000-0000")
        before = book.customers.count()
    src = tmp_path / "large.csv"
    _write_rows(src, N)
    marker = tmp_path / "writing"
    env = {**os.environ, "OTOKUI_PASSPHRASE": PASS,
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT),
                                                       os.environ.get("PYTHONPATH")]))}

    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(profile.root), str(src),
                             str(marker)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    try:
        _wait_for(marker, proc)
        proc.kill()  # SIGKILL on POSIX: no handler, no cleanup, no rollback by Python
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stderr.close()

    if os.name != "nt":
        assert proc.returncode == -signal.SIGKILL
    assert int(marker.read_text()) < 2 * N  # killed inside the write phase
    with profile.open(PASS) as book:
        count = book.customers.count()
        assert count in (before, before + N)
        if not Path(f"{marker}.committed").exists():
            assert count == before  # it died before COMMIT: nothing of it may show
        conn = book.db.raw_connection()
        try:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
            fts = conn.execute("SELECT count(*) FROM customer_fts").fetchone()[0]
            tagged = conn.execute("SELECT count(*) FROM customer_tag").fetchone()[0]
            counted = conn.execute("SELECT coalesce(sum(customer_count), 0) FROM tag"
                                   ).fetchone()[0]
        finally:
            conn.close()
        assert fts == count  # one search row per customer, no orphans from the dead import
        assert counted == tagged  # tag counts agree with the tagging left behind
        with book.db.write() as s:  # FTS5's own consistency check (it needs a write)
            s.connection().exec_driver_sql(
                "INSERT INTO customer_fts(customer_fts) VALUES ('integrity-check')")

        # The book is not left locked or half-written: the same import now goes through.
        if count == before:
            report = import_csv(book, src)
            assert report.created == N
            assert book.customers.count() == before + N
            assert book.search.count(CustomerQuery(text="c49999@example.jp")) == 1
