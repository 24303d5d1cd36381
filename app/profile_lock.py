"""One process owns a profile at a time: an OS file lock on ``otokui.lock`` in the profile.

Why: a restore (or a rekey) swaps ``book.db`` for another file. A second process that still
had the old file open (the window, a ``sync``, a script) would go on writing into the copy
set aside, and ``sync`` would even acknowledge to the relay events it wrote there, so the
relay deletes them for good. With one owner per profile that cannot happen.

The lock is ``filelock``'s platform lock (``fcntl.flock`` on macOS and Linux,
``msvcrt.locking`` on Windows): the operating system drops it when the process ends, however
it ends (a crash, SIGKILL, a power cut), so there is never a stale lock to clear by hand.

Within the process the claim is counted: the window claims the profile for its whole life
(through locks and unlocks of the book), every open :class:`~app.book.Book` claims it, and
the OS lock is let go when the last claim is released. Restore and rekey additionally need
that no other book of this process is open on the profile (:func:`exclusive`).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from app import fsutil
from app.errors import ProfileInUseError

log = logging.getLogger("otokui.profile")

LOCK_NAME = "otokui.lock"


@dataclass
class _Entry:
    lock: FileLock
    claims: int = 0
    books: int = 0
    #: The file system has no OS locks (some network shares): the profile is used unlocked.
    unlocked: bool = False


_entries: dict[str, _Entry] = {}
_guard = threading.Lock()


def _key(root: Path) -> str:
    return str(Path(root).expanduser().resolve())


def lock_path(root: Path) -> Path:
    return Path(root) / LOCK_NAME


class Claim:
    """This process's hold on one profile; :meth:`release` once (later calls do nothing)."""

    def __init__(self, key: str, *, book: bool) -> None:
        self._key = key
        self._book = book
        self._released = False

    @property
    def released(self) -> bool:
        return self._released

    def release(self) -> None:
        with _guard:
            if self._released:
                return
            self._released = True
            entry = _entries[self._key]
            entry.claims -= 1
            if self._book:
                entry.books -= 1
            if entry.claims == 0:
                if not entry.unlocked:
                    entry.lock.release()
                del _entries[self._key]

    def __enter__(self) -> Claim:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def claim(root: Path, *, wait: float = 0.0, book: bool = False) -> Claim:
    """Claim the profile in ``root`` for this process (created owner-only if missing).

    Another process holding it: wait up to ``wait`` seconds, then
    :class:`ProfileInUseError`. ``book=True`` counts the claim as an open book (see
    :func:`exclusive`).
    """
    key = _key(root)
    with _guard:
        entry = _entries.get(key)
        if entry is None:
            fsutil.ensure_private_dir(Path(key))
            entry = _Entry(FileLock(str(lock_path(Path(key))), mode=0o600, thread_local=False,
                                    fallback_to_soft=False))
            try:
                try:
                    entry.lock.acquire(blocking=False)
                except Timeout:
                    if wait <= 0:
                        raise
                    # Said in the log so that a script's owner (and a test) sees the wait.
                    log.info("the profile is held by another process; waiting up to %.0f s",
                             wait)
                    entry.lock.acquire(timeout=wait, poll_interval=0.1)
            except Timeout:
                log.info("the profile is held by another process")
                raise ProfileInUseError() from None
            except OSError as exc:
                if exc.errno not in (errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
                    raise
                # A file system without locks: better an unguarded book than none at all.
                log.warning("this file system cannot lock the profile (%s); going on without",
                            errno.errorcode.get(exc.errno or 0, "?"))
                entry.unlocked = True
            _entries[key] = entry
        entry.claims += 1
        if book:
            entry.books += 1
        return Claim(key, book=book)


def held(root: Path) -> bool:
    """Whether this process holds the profile in ``root``."""
    with _guard:
        return _key(root) in _entries


def open_books(root: Path) -> int:
    """How many books this process has open on the profile in ``root``."""
    with _guard:
        entry = _entries.get(_key(root))
        return entry.books if entry else 0


@contextlib.contextmanager
def exclusive(root: Path, *, books_allowed: int = 0) -> Iterator[Claim]:
    """Hold the profile for a restore, a rekey or a passphrase change.

    No other process may hold it (:class:`ProfileInUseError` at once: these are never
    queued behind a window that may stay open all day), and at most ``books_allowed`` books
    of this process may be open on it (a rekey's own book: 1; a restore: none).
    """
    with claim(root) as held_claim:
        if open_books(root) > books_allowed:
            log.warning("refusing: a book of this process is still open on the profile")
            raise ProfileInUseError()
        yield held_claim
