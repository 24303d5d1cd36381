"""One process owns a profile at a time (app/profile_lock.py), tested with real processes.

A holder process opens the book as the window or a script does and waits; a second process
(``python main.py …``, as a shop owner's script runs it) is refused with one clear line or
waits; a restore, a rekey or a passphrase change is refused while the holder has the book;
the lock goes with the holder when it exits, and when it is killed (the OS drops it).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app import backup, profile_lock, rekey
from app.errors import ProfileInUseError
from app.profile import Profile
from tests.core.conftest import profile_bytes

PASS = "ひとつの台帳 合言葉 2026"
ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "OTOKUI_PASSPHRASE": PASS, "OTOKUI_NEW_PASSPHRASE": PASS + " new",
       "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
       "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}

HOLDER = """
import sys
from pathlib import Path
from app.profile import Profile

book = Profile(Path(sys.argv[1])).open(sys.argv[2])
book.customers.create(name="持っている側")
print("held", flush=True)
if sys.stdin.readline().strip() == "write":
    book.customers.create(name="あとから書いた客")
    print("written", flush=True)
    sys.stdin.readline()
book.close()
"""


class Holder:
    """A second process that has the book open until told to go (or killed)."""

    def __init__(self, profile: Profile) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(profile.root), PASS], cwd=ROOT, env=ENV,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        assert line == "held\n", self.proc.stderr.read()

    def tell(self, word: str) -> str:
        self.proc.stdin.write(word + "\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline()

    def leave(self) -> int:
        self.proc.stdin.close()
        return self.proc.wait(timeout=60)

    def kill(self) -> int:
        self.proc.send_signal(signal.SIGKILL if os.name != "nt" else signal.SIGTERM)
        return self.proc.wait(timeout=60)

    def __enter__(self) -> Holder:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=60)
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if stream and not stream.closed:
                stream.close()


def otokui(profile: Profile, *args: str, popen: bool = False):
    argv = [sys.executable, str(ROOT / "main.py"), "--profile", str(profile.root), *args]
    if popen:
        return subprocess.Popen(argv, cwd=ROOT, env=ENV, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return subprocess.run(argv, cwd=ROOT, env=ENV, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def profile(tmp_path: Path) -> Profile:
    p = Profile(tmp_path / "profile")
    with p.create(passphrase=PASS) as book:
        book.customers.create(name="最初の客")
    return p


def book_files(profile: Profile) -> dict[str, bytes]:
    """The profile's files but the log (which says what was refused)."""
    return {k: v for k, v in profile_bytes(profile.root).items() if not k.startswith("logs")}


def count(profile: Profile) -> int:
    with profile.open(PASS) as book:
        return book.customers.count()


def test_a_second_process_is_refused_with_one_line(profile: Profile, tmp_path: Path) -> None:
    src = tmp_path / "new.csv"
    src.write_text("氏名,電話番号\n新しい客,090-1111-2222\n", encoding="utf-8")
    with Holder(profile) as holder:
        for args in (["import-csv", str(src)], ["sync", "--once"], ["export-csv",
                                                                   str(tmp_path / "o.csv")]):
            result = otokui(profile, *args)
            assert result.returncode == 1, result.stderr
            [line] = result.stderr.splitlines()
            assert line.startswith("otokui: The customer book is open in another Otokui "
                                   "window or command.")
            assert "--wait" in line
        # The core refuses too, for a script that opens the book itself.
        with pytest.raises(ProfileInUseError):
            profile.open(PASS)
        assert holder.leave() == 0
    assert not (tmp_path / "o.csv").exists()
    assert count(profile) == 2  # the first customer and the holder's; nothing imported


def test_a_command_with_wait_gets_the_book_when_the_holder_leaves(
        profile: Profile, tmp_path: Path) -> None:
    src = tmp_path / "new.csv"
    src.write_text("氏名,電話番号\n待っていた客,090-3333-4444\n", encoding="utf-8")
    log = profile.logs_dir / "otokui.log"
    with Holder(profile) as holder:
        waiting = otokui(profile, "--wait", "300", "import-csv", str(src), popen=True)
        try:
            deadline = time.monotonic() + 120  # a guard against hanging, not a timing check
            while b"waiting up to 300 s" not in (log.read_bytes() if log.exists() else b""):
                assert waiting.poll() is None, waiting.stderr.read()
                assert time.monotonic() < deadline, "the command never started to wait"
                time.sleep(0.02)
            assert waiting.poll() is None  # still waiting while the holder has the book
            assert holder.leave() == 0
            out, err = waiting.communicate(timeout=120)
        finally:
            if waiting.poll() is None:
                waiting.kill()
                waiting.communicate()
    assert waiting.returncode == 0, err
    assert "Imported 1 rows: 1 new" in out
    assert count(profile) == 3


def test_restore_rekey_and_passphrase_change_are_refused_while_another_process_holds_it(
        profile: Profile, tmp_path: Path) -> None:
    target = tmp_path / "b.otkb"
    with profile.open(PASS) as book:
        backup.create_backup(book, target)
    with Holder(profile) as holder:
        before = book_files(profile)
        for args in (["restore", str(target)], ["rekey"], ["change-passphrase"]):
            result = otokui(profile, *args)
            assert result.returncode == 1, result.stderr
            assert "open in another Otokui window or command" in result.stderr
        with pytest.raises(ProfileInUseError):
            backup.restore_backup(profile, target, passphrase=PASS)
        with pytest.raises(ProfileInUseError):
            profile.change_passphrase(PASS, PASS + " 別")
        assert book_files(profile) == before  # nothing swapped, nothing re-written
        # The holder still writes into the one and only book, which stays in place.
        assert holder.tell("write") == "written\n"
        assert holder.leave() == 0
    with profile.open(PASS) as book:
        names = [book.customers.get(i).name for i in range(1, book.customers.count() + 1)]
    assert names == ["最初の客", "持っている側", "あとから書いた客"]


def test_restore_and_rekey_refuse_while_another_book_of_this_process_is_open(
        profile: Profile, tmp_path: Path) -> None:
    target = tmp_path / "b.otkb"
    book = profile.open(PASS)
    try:
        backup.create_backup(book, target)
        with pytest.raises(ProfileInUseError):
            backup.restore_backup(profile, target, passphrase=PASS)
        other = profile.open(PASS)
        with pytest.raises(ProfileInUseError):
            rekey.rekey(book, {"passphrase": PASS})
        other.close()
    finally:
        book.close()
    assert not profile_lock.held(profile.root)


def test_the_lock_goes_with_the_holder_on_exit_and_on_sigkill(profile: Profile) -> None:
    with Holder(profile) as holder:
        assert holder.leave() == 0
    with profile_lock.claim(profile.root):  # free again after a clean exit
        pass
    with Holder(profile) as holder:
        code = holder.kill()
        if os.name != "nt":
            assert code == -signal.SIGKILL
    # No clean-up ran in the killed process: the OS dropped its lock.
    result = otokui(profile, "export-csv", str(profile.root.parent / "after.csv"))
    assert result.returncode == 0, result.stderr
    assert count(profile) == 3  # the first customer and one from each holder


def test_claims_are_counted_within_the_process(profile: Profile) -> None:
    outer = profile_lock.claim(profile.root)
    book = profile.open(PASS)
    assert profile_lock.open_books(profile.root) == 1
    book.close()
    book.close()  # closing twice releases once
    assert profile_lock.held(profile.root)  # the outer claim (the window's) still holds it
    outer.release()
    assert not profile_lock.held(profile.root)
