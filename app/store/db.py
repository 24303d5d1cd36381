"""Opening the encrypted book: SQLCipher connections under SQLAlchemy.

Every connection starts with the raw key (validated hex, never text from outside), then
``cipher_compatibility = 4`` so a future SQLCipher cannot silently read or write another
format, then a read that proves the key, and only then WAL, foreign keys and in-memory temp
storage. SQLAlchemy's ``sqlite+pysqlcipher://`` URL is not used because it pastes the key
into the pragma as text and cannot set the compatibility.

Writes are serialised on purpose: :meth:`Database.write` takes a process-wide lock and
starts ``BEGIN IMMEDIATE``, so two writers queue instead of failing with "database is
locked"; readers never wait thanks to WAL.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import Connection, CursorResult, Engine, Result, create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from app import fsutil
from app.errors import BookBusyError, DamagedBookError, DiskFullError, WrongKeyError
from app.store import sqlfunctions

log = logging.getLogger("otokui.store")

KEY_BYTES = 32
_HEX_KEY = re.compile(r"^[0-9a-f]{64}$")
#: How long a writer from another process may hold the book before we give up (ms).
BUSY_TIMEOUT_MS = 30_000
#: How long a write waits for another write of this process (an import, a sync batch) by
#: default before it gives up with BookBusyError, rather than waiting without end.
WRITE_WAIT_S = BUSY_TIMEOUT_MS / 1000
#: The same for the window's thread (:attr:`Database.interactive_thread`): an edit waits
#: this long at most, then says the book is busy, rather than freezing the window. Longer
#: than a sync batch holds the book (a fraction of a second), shorter than an import.
INTERACTIVE_WAIT_S = 2.0
#: Page cache per connection (KiB); see connect_raw.
CACHE_KIB = 32 * 1024


def key_pragma(key: bytes) -> str:
    """The ``PRAGMA key`` statement for a raw 32-byte key, built from validated hex only."""
    if not isinstance(key, bytes | bytearray) or len(key) != KEY_BYTES:
        raise ValueError("the book key must be 32 bytes")
    hexkey = bytes(key).hex()
    if not _HEX_KEY.match(hexkey):  # cannot fail for bytes.hex(); kept as the guard it is
        raise ValueError("invalid key")
    return f"PRAGMA key = \"x'{hexkey}'\""


def _is_not_a_database(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "file is not a database" in text or "not a database" in text


SQLITE_FULL = 13


def is_disk_full(exc: BaseException) -> bool:
    """SQLite's SQLITE_FULL (also when SQLAlchemy wraps it), or an OSError ENOSPC."""
    for item in (exc, getattr(exc, "orig", None), exc.__cause__, exc.__context__):
        if isinstance(item, OSError) and item.errno == errno.ENOSPC:
            return True
        code = getattr(item, "sqlite_errorcode", None)
        if isinstance(code, int) and code & 0xFF == SQLITE_FULL:
            return True
    return False


def _is_damage(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "malformed" in text or "disk image" in text or _is_not_a_database(exc)


def connect_raw(path: Path, key: bytes, *, readonly: bool = False) -> sqlcipher.Connection:
    """A DB-API connection to the book, keyed and proven; raises WrongKeyError otherwise.

    The caller tells a wrong key from a damaged file with the key check in the profile's
    manifest (see :mod:`app.keys`); here both surface as ``WrongKeyError`` when SQLCipher
    cannot decrypt the first page.
    """
    uri = f"file:{path}?mode=ro" if readonly else str(path)
    conn = sqlcipher.connect(uri, uri=readonly, isolation_level=None,
                             check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        conn.execute(key_pragma(key))
        conn.execute("PRAGMA cipher_compatibility = 4")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher.DatabaseError as exc:
        conn.close()
        if _is_not_a_database(exc):
            raise WrongKeyError() from None
        raise DamagedBookError(type(exc).__name__) from None
    sqlfunctions.register(conn)  # before anything writes: the schema's triggers call them
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA temp_store = MEMORY")
    # SQLCipher decrypts a page each time it leaves SQLite's page cache: a larger cache
    # (grown only as pages are read) keeps a shop's working set decrypted in memory.
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    if not readonly:
        conn.execute("PRAGMA journal_mode = WAL")
        # FULL: a committed change survives a power cut, not only a crash of Otokui.
        conn.execute("PRAGMA synchronous = FULL")
    return conn


class Database:
    """The open book: an engine, a session factory and the single-writer discipline."""

    def __init__(self, path: Path, key: bytes) -> None:
        self.path = path
        # Prove the key once, with a clear error, before the pool exists.
        first = connect_raw(path, key)
        first.close()
        self._key = bytes(key)
        self._write_lock = threading.RLock()
        #: The thread that draws the window: its writes wait INTERACTIVE_WAIT_S at most
        #: (set by the UI; None for scripts, whose writes wait WRITE_WAIT_S).
        self.interactive_thread: threading.Thread | None = None
        # The dialect is SQLAlchemy's stock pysqlite one; only connections come from SQLCipher
        # (creator=). Driver errors therefore reach us as sqlcipher3 exceptions, not wrapped
        # in sqlalchemy.exc: read() and write() translate them into known errors.
        self.engine: Engine = create_engine(
            "sqlite://",
            creator=lambda: connect_raw(self.path, self._key),
            poolclass=QueuePool,
            pool_size=3,
            max_overflow=6,
            # LIFO: the connection used last (whose page cache holds decrypted pages) is
            # handed out again, instead of rotating through cold ones.
            pool_use_lifo=True,
            # Errors never carry the bound values (names, phones, message texts) into a
            # message that could reach a log (app/logs.py redacts them too).
            hide_parameters=True,
        )
        self._install_transaction_hooks(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        for suffix in ("", "-wal", "-shm"):
            fsutil.restrict(Path(f"{path}{suffix}"))

    @staticmethod
    def _install_transaction_hooks(engine: Engine) -> None:
        # pysqlite-style drivers begin transactions lazily and badly; take control so that
        # writes begin IMMEDIATE (take the write lock up front) and reads begin DEFERRED.
        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            if conn.get_execution_options().get("otokui_write"):
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                conn.exec_driver_sql("BEGIN")

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session on a consistent snapshot.

        Closing (not rolling back) ends it, so objects read stay usable, detached.
        """
        with self._sessions() as session:
            try:
                yield session
            except sqlcipher.DatabaseError as exc:
                raise self._translate(exc) from exc

    @contextlib.contextmanager
    def write(self, wait: float | None = None) -> Iterator[Session]:
        """A write transaction: committed on success, rolled back on any error.

        Writes of this process take turns (one lock); one that cannot start within
        ``wait`` seconds (by default WRITE_WAIT_S, or INTERACTIVE_WAIT_S on the window's
        thread), because another has held the book that long, raises
        :class:`BookBusyError` having changed nothing: the owner hears "busy, try again"
        rather than meeting a frozen window.
        """
        if wait is None:
            wait = (INTERACTIVE_WAIT_S if threading.current_thread() is self.interactive_thread
                    else WRITE_WAIT_S)
        if not self._write_lock.acquire(timeout=max(0.0, wait)):
            raise BookBusyError()
        try:
            conn = self.engine.connect().execution_options(otokui_write=True)
            try:
                with Session(bind=conn, expire_on_commit=False) as session:
                    try:
                        yield session
                        session.commit()
                    except BaseException:
                        session.rollback()
                        raise
            except Exception as exc:
                if is_disk_full(exc):
                    # Rolled back above: nothing of this write is in the book.
                    log.warning("a write failed: the disk is full")
                    raise DiskFullError() from None
                if isinstance(exc, sqlcipher.OperationalError) and (
                        "locked" in str(exc).lower() or "busy" in str(exc).lower()):
                    raise BookBusyError() from exc
                if isinstance(exc, sqlcipher.DatabaseError):
                    raise self._translate(exc) from exc
                raise
            finally:
                conn.close()
        finally:
            self._write_lock.release()

    @staticmethod
    def _translate(exc: BaseException) -> BaseException:
        if _is_damage(exc):
            return DamagedBookError(type(exc).__name__)
        return exc

    def checkpoint(self) -> None:
        """Fold the WAL into the main file (before a backup copy or a rekey)."""
        with self._write_lock, self.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    def raw_connection(self) -> sqlcipher.Connection:
        """A fresh keyed DB-API connection (for SQLite's online backup and exports)."""
        return connect_raw(self.path, self._key)

    def close(self) -> None:
        self.engine.dispose()
        self._key = b""


def create_empty(path: Path, key: bytes) -> None:
    """Create a new, empty encrypted database file with owner-only permissions."""
    fsutil.ensure_private_dir(path.parent)
    # Create the file ourselves so it is owner-only from its first byte; SQLite gives the
    # -wal and -shm files the same mode as the main file.
    fsutil.open_private(path, "xb").close()
    conn = connect_raw(path, key)
    try:
        conn.execute("CREATE TABLE IF NOT EXISTS otokui_created (at TEXT)")
        conn.execute("DROP TABLE otokui_created")
    finally:
        conn.close()
    log.info("created a new encrypted book")


def rowcount(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE run through ``Session.execute`` touched (the
    session types its answer as a plain Result; for DML it is a cursor's)."""
    assert isinstance(result, CursorResult)
    return result.rowcount


def driver_cursor(s: Session) -> Any:
    """A DB-API cursor on the session's own connection, in its transaction: hot paths
    read and write tuples without SQLAlchemy's per-row work."""
    driver = s.connection().connection.driver_connection
    assert driver is not None  # (None only once the pooled connection was invalidated)
    return driver.cursor()
