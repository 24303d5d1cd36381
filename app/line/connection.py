"""Settings → LINE: what this book keeps to talk to LINE and to its relay.

Where each secret lives:

* the channel access token: in the OS keyring when there is a real one (entry
  ``line-access-token:<book id>``), otherwise in the book, which is encrypted; it is never
  shown again in full (:func:`masked`);
* the relay's address, this desktop's device id and relay token, and its X25519 private
  key: in the book (encrypted, and travelling with its backups);
* the channel secret (LINE Developers console, *Basic settings*): in the book. The desktop
  checks LINE's signature on every delivery the relay hands over with it, so that a relay
  (or whoever controls its queue) cannot make up events (docs/security.md);
* the sync cursor (the relay sequence number applied last) in the book too, written in the
  same transaction as the events it covers.

``book.line`` is this object. The network side (pairing, health) is in
:mod:`app.sync.pairing`; this module only reads and writes the book and the keyring.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from app import keys
from app.errors import NoKeyringError, ValidationError
from app.i18n import QT_TRANSLATE_NOOP
from app.line.errors import LineTokenMissingError
from app.store.models import BookSetting

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    from app.book import Book
    from app.line.gateway import LineGateway
    from app.sync.relay_client import RelayClient, RelayLimits

log = logging.getLogger("otokui.line")

KEY_RELAY_URL = "line.relay_url"
KEY_API_BASE = "line.api_base"
KEY_DATA_BASE = "line.data_base"
KEY_DEVICE = "line.device"
KEY_TOKEN_STORE = "line.token_store"  # noqa: S105 - a settings key
KEY_TOKEN = "line.access_token"  # noqa: S105 - a settings key, not a secret
KEY_CURSOR = "sync.cursor"
KEY_CHANNEL_SECRET = "line.channel_secret"  # noqa: S105 - a settings key, not a secret
TOKEN_IN_KEYRING = "keyring"  # noqa: S105
TOKEN_IN_BOOK = "book"  # noqa: S105
MAX_TOKEN_CHARS = 2000
#: LINE issues channel secrets as 32 hexadecimal characters.
CHANNEL_SECRET_RE = re.compile(r"^[0-9a-fA-F]{32}$")


def masked(secret: str | None, shown: int = 4) -> str:
    """``••••••••abcd``: enough to recognise a token, never enough to use it."""
    if not secret:
        return ""
    if len(secret) <= shown * 3:
        return "•" * 8
    return "•" * 8 + secret[-shown:]


@dataclass(frozen=True)
class Device:
    """This desktop as the relay knows it."""

    device_id: str
    token: str = field(repr=False)
    name: str
    private_key_raw: bytes = field(repr=False)
    paired_at: str

    def private_key(self) -> X25519PrivateKey:
        from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

        return X25519PrivateKey.from_private_bytes(self.private_key_raw)

    def to_json(self) -> dict[str, Any]:
        return {"device_id": self.device_id, "token": self.token, "name": self.name,
                "private_key": base64.b64encode(self.private_key_raw).decode("ascii"),
                "paired_at": self.paired_at}

    @classmethod
    def from_json(cls, value: Any) -> Device | None:
        if not isinstance(value, dict):
            return None
        try:
            key = base64.b64decode(value["private_key"], validate=True)
            if len(key) != 32:
                return None
            return cls(device_id=str(value["device_id"]), token=str(value["token"]),
                       name=str(value.get("name", "")), private_key_raw=key,
                       paired_at=str(value.get("paired_at", "")))
        except (KeyError, TypeError, ValueError, binascii.Error):
            return None


@dataclass(frozen=True)
class ConnectionInfo:
    """What Settings → LINE shows (nothing secret in it)."""

    relay_url: str | None
    api_base: str | None
    paired: bool
    device_id: str | None
    device_name: str | None
    paired_at: str | None
    token_masked: str
    token_store: str | None
    #: Whether the channel secret is kept (it is never shown again).
    channel_secret_set: bool = False
    data_base: str | None = None


class LineConnection:
    def __init__(self, book: Book) -> None:
        self._book = book

    # --- the channel access token -----------------------------------------------------------

    def _keyring_user(self) -> str:
        return f"line-access-token:{self._book.book_id}"

    def set_access_token(self, token: str, *, use_keyring: bool | None = None) -> str:
        """Keep the channel access token; returns where ("keyring" or "book").

        ``use_keyring=None`` uses the OS keyring when there is a real one; False keeps it
        in the (encrypted) book, as the throwaway demo profile does.
        """
        token = (token or "").strip()
        if not token or len(token) > MAX_TOKEN_CHARS or any(c.isspace() for c in token):
            raise ValidationError("access token", message=QT_TRANSLATE_NOOP(
                "line", "This does not look like a channel access token."))
        if use_keyring is None:
            use_keyring = keys.keyring_backend() is not None
        where = TOKEN_IN_BOOK
        if use_keyring:
            try:
                self._keyring_set(token)
                where = TOKEN_IN_KEYRING
            except NoKeyringError:
                log.warning("the password store refused the LINE token; keeping it in the book")
        with self._book.db.write() as s:
            _put(s, KEY_TOKEN_STORE, where)
            _put(s, KEY_TOKEN, token if where == TOKEN_IN_BOOK else None)
        if where == TOKEN_IN_BOOK:
            self._keyring_delete_quietly()
        log.info("LINE channel access token saved (in the %s)", where)
        self._book.announce("line")
        return where

    def token_store(self) -> str | None:
        return self._book.settings.get_str(KEY_TOKEN_STORE)

    def access_token(self) -> str:
        """The token; :class:`LineTokenMissingError` when none is kept (or the keyring lost it)."""
        where = self.token_store()
        token: str | None = None
        if where == TOKEN_IN_BOOK:
            token = self._book.settings.get(KEY_TOKEN)
        elif where == TOKEN_IN_KEYRING:
            try:
                token = self._keyring_get()
            except NoKeyringError:
                token = None
        if not token:
            raise LineTokenMissingError()
        return token

    def has_access_token(self) -> bool:
        try:
            self.access_token()
        except LineTokenMissingError:
            return False
        return True

    def masked_token(self) -> str:
        try:
            return masked(self.access_token())
        except LineTokenMissingError:
            return ""

    def clear_access_token(self) -> None:
        self._keyring_delete_quietly()
        with self._book.db.write() as s:
            _put(s, KEY_TOKEN_STORE, None)
            _put(s, KEY_TOKEN, None)
        self._book.announce("line")

    def _keyring_get(self) -> str | None:
        def get() -> str | None:
            import keyring

            return keyring.get_password(keys.SERVICE, self._keyring_user())

        try:
            return keys._call(get)
        except NoKeyringError:
            raise
        except Exception as exc:  # a broken backend: the same as no token there
            raise NoKeyringError(type(exc).__name__) from None

    def _keyring_set(self, token: str) -> None:
        def put() -> None:
            import keyring

            keyring.set_password(keys.SERVICE, self._keyring_user(), token)

        try:
            keys._call(put)
        except NoKeyringError:
            raise
        except Exception as exc:
            raise NoKeyringError(type(exc).__name__) from None

    def _keyring_delete_quietly(self) -> None:
        if keys.keyring_backend() is None:
            return

        def delete() -> None:
            import keyring
            import keyring.errors

            with contextlib.suppress(keyring.errors.PasswordDeleteError):
                keyring.delete_password(keys.SERVICE, self._keyring_user())

        try:
            keys._call(delete)
        except Exception:  # nothing there to delete, or no store: both fine
            log.info("no LINE token to remove from the password store")

    # --- the channel secret -----------------------------------------------------------------

    def set_channel_secret(self, secret: str) -> None:
        """Keep the channel secret in the (encrypted) book; :class:`ValidationError` if it is
        not 32 hexadecimal characters (a pasted access token, say)."""
        secret = (secret or "").strip()
        if not CHANNEL_SECRET_RE.match(secret):
            raise ValidationError("channel secret", message=QT_TRANSLATE_NOOP(
                "line", "This does not look like a channel secret (32 letters and digits, "
                "0-9 and a-f, under Basic settings in the LINE Developers console)."))
        with self._book.db.write() as s:
            _put(s, KEY_CHANNEL_SECRET, secret)
        log.info("LINE channel secret saved (in the book)")
        self._book.announce("line")

    def channel_secret(self) -> bytes | None:
        """The channel secret as the HMAC key LINE signs with, or None when not set."""
        value = self._book.settings.get(KEY_CHANNEL_SECRET)
        return value.encode("ascii") if isinstance(value, str) and value else None

    def has_channel_secret(self) -> bool:
        return self.channel_secret() is not None

    def clear_channel_secret(self) -> None:
        with self._book.db.write() as s:
            _put(s, KEY_CHANNEL_SECRET, None)
        self._book.announce("line")

    # --- addresses --------------------------------------------------------------------------

    @property
    def relay_url(self) -> str | None:
        return self._book.settings.get_str(KEY_RELAY_URL)

    @property
    def api_base(self) -> str | None:
        """None: LINE's own hosts; else one base URL for every API call (the emulator)."""
        return self._book.settings.get_str(KEY_API_BASE)

    def set_api_base(self, api_base: str | None) -> None:
        self._book.settings.set(KEY_API_BASE, (api_base or "").rstrip("/") or None)

    @property
    def data_base(self) -> str | None:
        """None: LINE's content host (``api-data.line.me``), or the API base of a book
        set up before the two were kept apart; else the base URL for content."""
        return self._book.settings.get_str(KEY_DATA_BASE)

    def set_data_base(self, data_base: str | None) -> None:
        self._book.settings.set(KEY_DATA_BASE, (data_base or "").rstrip("/") or None)

    # --- the pairing ------------------------------------------------------------------------

    def device(self) -> Device | None:
        return Device.from_json(self._book.settings.get(KEY_DEVICE))

    def is_paired(self) -> bool:
        return self.device() is not None and bool(self.relay_url)

    def save_pairing(self, relay_url: str, device: Device) -> None:
        """Record a new pairing; the sync starts from the beginning of its queue."""
        with self._book.db.write() as s:
            _put(s, KEY_RELAY_URL, relay_url)
            _put(s, KEY_DEVICE, device.to_json())
            _put(s, KEY_CURSOR, {"device_id": device.device_id, "seq": 0})
        log.info("paired with the relay as device %s", device.device_id)
        self._book.announce("line")

    def forget_pairing(self) -> None:
        with self._book.db.write() as s:
            _put(s, KEY_DEVICE, None)
            _put(s, KEY_CURSOR, None)
        log.info("pairing forgotten")
        self._book.announce("line")

    def info(self) -> ConnectionInfo:
        device = self.device()
        return ConnectionInfo(
            relay_url=self.relay_url, api_base=self.api_base, paired=device is not None,
            device_id=device.device_id if device else None,
            device_name=device.name if device else None,
            paired_at=device.paired_at if device else None,
            token_masked=self.masked_token(), token_store=self.token_store(),
            channel_secret_set=self.has_channel_secret(), data_base=self.data_base)

    # --- the sync cursor --------------------------------------------------------------------

    def cursor(self) -> int:
        """The relay sequence number of the last event this device applied (0: none)."""
        device = self.device()
        value = self._book.settings.get(KEY_CURSOR)
        if device is None or not isinstance(value, dict) \
                or value.get("device_id") != device.device_id:
            return 0
        seq = value.get("seq")
        return seq if isinstance(seq, int) and seq >= 0 else 0

    @staticmethod
    def set_cursor_in(s: Session, device_id: str, seq: int) -> None:
        """Move the cursor inside the write transaction that applied events up to ``seq``."""
        _put(s, KEY_CURSOR, {"device_id": device_id, "seq": int(seq)})

    # --- clients ----------------------------------------------------------------------------

    def gateway(self) -> LineGateway | None:
        """The Messaging API client, or None when no token is kept."""
        try:
            token = self.access_token()
        except LineTokenMissingError:
            return None
        from app.line.gateway import LineGateway

        return LineGateway(token, api_base=self.api_base, data_base=self.data_base)

    def relay_client(self, limits: RelayLimits | None = None) -> RelayClient:
        from app.sync.errors import NotPairedError
        from app.sync.relay_client import RelayClient

        device = self.device()
        if device is None or not self.relay_url:
            raise NotPairedError()
        return RelayClient(self.relay_url, token=device.token, limits=limits)


def _put(s: Session, key: str, value: Any) -> None:
    if value is None:
        row = s.get(BookSetting, key)
        if row is not None:
            s.delete(row)
        return
    s.merge(BookSetting(key=key, value=value))


def utc_now_text() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
