"""Where the book's key lives: the OS keyring, or passphrase slots in a key file.

The book key is 32 random bytes used as SQLCipher's raw key. It is kept

* in the OS keyring (Windows Credential Manager, macOS Keychain, Secret Service, KWallet)
  when a real backend exists: the manifest records *which* backend, and a later start with a
  different backend is refused (as Signal Desktop does) instead of creating an empty book;
* and/or wrapped by passphrases (Argon2id + AEAD, see :mod:`app.crypto.keywrap`) in the key
  file: the owner's passphrase on machines without a keyring, and a recovery passphrase
  that opens the book on another computer.

Keyring calls may hang on Linux without a D-Bus session, so every call runs on a worker
thread with a timeout.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable
from typing import TypeVar

from app.errors import NoKeyringError

log = logging.getLogger("otokui.keys")

SERVICE = "Otokui"
KEYRING_TIMEOUT_S = 10.0
T = TypeVar("T")

# Backends that hold nothing, fail on purpose, or keep secrets in plaintext: never chosen
# silently for the book's key.
_NOT_REAL_MODULES = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")


def new_book_key() -> bytes:
    return secrets.token_bytes(32)


def key_check(key: bytes, book_id: str) -> str:
    """A short value that tells the right key from a wrong one without revealing it.

    It lets us say "wrong key" rather than "damaged book" when SQLCipher refuses a file.
    """
    return hmac.new(key, f"otokui key check {book_id}".encode(), hashlib.sha256).hexdigest()[:32]


def _call(fn: Callable[[], T], timeout: float = KEYRING_TIMEOUT_S) -> T:
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="keyring")
    try:
        future = pool.submit(fn)
        try:
            return future.result(timeout=timeout)
        except concurrent.futures.TimeoutError:
            log.warning("the password store did not answer within %.0f s", timeout)
            raise NoKeyringError("timeout") from None
    finally:
        pool.shutdown(wait=False)


def _backend_identity(backend: object) -> str:
    cls = type(backend)
    name = f"{cls.__module__}.{cls.__qualname__}"
    inner = getattr(backend, "backends", None)  # keyring's ChainerBackend
    if inner:
        name += "[" + ",".join(_backend_identity(b) for b in inner) + "]"
    return name


def keyring_backend() -> str | None:
    """The identity of the real keyring backend available here, or None."""

    def probe() -> str | None:
        import keyring

        backend = keyring.get_keyring()
        ident = _backend_identity(backend)
        if ident.startswith(_NOT_REAL_MODULES):
            return None
        inner = getattr(backend, "backends", None)
        if inner is not None and not inner:  # a chain of nothing
            return None
        return ident

    try:
        return _call(probe)
    except NoKeyringError:
        return None
    except Exception:  # a broken backend is the same as none for choosing a mode
        log.exception("the password store could not be probed")
        return None


def _username(book_id: str, pending: bool) -> str:
    return f"book-key-next:{book_id}" if pending else f"book-key:{book_id}"


def keyring_get(book_id: str, *, pending: bool = False) -> bytes | None:
    def get() -> str | None:
        import keyring

        return keyring.get_password(SERVICE, _username(book_id, pending))

    value = _call(get)
    if value is None:
        return None
    try:
        key = bytes.fromhex(value)
    except ValueError:
        return None
    return key if len(key) == 32 else None


def keyring_set(book_id: str, key: bytes, *, pending: bool = False) -> None:
    def put() -> None:
        import keyring

        keyring.set_password(SERVICE, _username(book_id, pending), key.hex())

    try:
        _call(put)
    except NoKeyringError:
        raise
    except Exception as exc:
        raise NoKeyringError(type(exc).__name__) from None


def keyring_delete(book_id: str, *, pending: bool = False) -> None:
    def delete() -> None:
        import keyring
        import keyring.errors

        with contextlib.suppress(keyring.errors.PasswordDeleteError):
            keyring.delete_password(SERVICE, _username(book_id, pending))

    _call(delete)
