"""Shops: the LINE channels one relay serves, each kept apart from the others.

A relay may serve several shops (a helper, an agency or Otokui itself running one relay for
many): one database, and for each shop its own webhook path
(``/shops/{id}/line/webhook``), channel secret, pairing codes and paired devices. Events of
one shop are sealed only to that shop's devices, and a device's token works only under its
own shop's address. A relay serving one shop needs none of this: everything belongs to the
``default`` shop, whose address is the relay's own (``/line/webhook``, ``/v1/...``).

Channel secrets reach the relay from the shop's desktop (the connection wizard sends the
one the owner pasted) and are kept sealed in the database with a key derived from
``RELAY_ADMIN_SECRET``, so a copy of the database alone cannot forge a shop's webhooks. The
default shop may instead use ``LINE_CHANNEL_SECRET`` from the environment, which then wins.
"""

from __future__ import annotations

import hmac
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from relay.schema import DEFAULT_SHOP

_SHOP_ID = re.compile(r"[0-9a-f]{10}")
_CHANNEL_SECRET = re.compile(r"[0-9a-f]{32}")
MAX_SHOP_NAME_CHARS = 100
#: How long a shop's secret is trusted from memory before the database is read again (other
#: relay instances on the same database may have changed it).
SECRET_CACHE_SECONDS = 30.0
#: A signature that fails with a secret read this long ago or more is checked once more
#: against a fresh read before the webhook is refused.
RECHECK_AFTER_SECONDS = 2.0


class UnknownShop(Exception):
    """No shop has this id."""


def new_shop_id() -> str:
    """Ten hex characters: short enough for an address, not meant to be guessed."""
    return secrets.token_hex(5)


def is_shop_id(value: str) -> bool:
    return value == DEFAULT_SHOP or _SHOP_ID.fullmatch(value) is not None


def normalize_channel_secret(value: object) -> bytes | None:
    """A LINE channel secret (32 hexadecimal characters) as the bytes LINE signs with."""
    if not isinstance(value, str):
        return None
    cleaned = value.strip().lower()
    return cleaned.encode("ascii") if _CHANNEL_SECRET.fullmatch(cleaned) else None


class SecretBox:
    """Seals channel secrets at rest (AES-256-GCM, key from RELAY_ADMIN_SECRET, the shop
    id as associated data so a sealed secret cannot be moved to another shop)."""

    _INFO = b"otokui relay channel secrets v1"

    def __init__(self, admin_secret: bytes) -> None:
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                   info=self._INFO).derive(admin_secret)
        self._aead = AESGCM(key)

    def seal(self, shop_id: str, secret: bytes) -> bytes:
        nonce = secrets.token_bytes(12)
        return nonce + self._aead.encrypt(nonce, secret, shop_id.encode("ascii"))

    def open(self, shop_id: str, sealed: bytes) -> bytes | None:
        """The secret, or None when it was sealed under another RELAY_ADMIN_SECRET."""
        try:
            return self._aead.decrypt(sealed[:12], sealed[12:], shop_id.encode("ascii"))
        except (InvalidTag, ValueError):
            return None


@dataclass(frozen=True)
class SecretOutcome:
    """What became of a channel secret a desktop sent (answered as ``channel_secret``).

    ``stored``: kept (sealed) as this shop's secret; ``matches`` / ``differs``: the relay
    uses LINE_CHANNEL_SECRET for this shop and compared the two; ``not_stored``: the relay
    has no RELAY_ADMIN_SECRET to seal it with and keeps none.
    """

    answer: str
    sealed: bytes | None


class ShopSecrets:
    """Which secret checks each shop's webhooks, read through a short-lived cache."""

    def __init__(self, load: Callable[[str], bytes | None], *, env_secret: bytes | None,
                 box: SecretBox | None, monotonic: Callable[[], float] = time.monotonic
                 ) -> None:
        """``load(shop_id)`` returns the sealed secret stored for the shop, None when there
        is none, and raises :class:`UnknownShop` when there is no such shop."""
        self._load = load
        self._env = env_secret
        self._box = box
        self.monotonic = monotonic
        self._cache: dict[str, tuple[float, bytes | None]] = {}
        self._lock = threading.Lock()

    def uses_env(self, shop_id: str) -> bool:
        return shop_id == DEFAULT_SHOP and self._env is not None

    def secret_for(self, shop_id: str, *, fresh_after: float | None = None) -> bytes | None:
        """The shop's channel secret (None: none known yet). Raises :class:`UnknownShop`.

        ``fresh_after``: re-read the database if the cached value is at least this old.
        """
        if self.uses_env(shop_id):
            return self._env
        now = self.monotonic()
        limit = SECRET_CACHE_SECONDS if fresh_after is None else fresh_after
        with self._lock:
            cached = self._cache.get(shop_id)
        if cached is not None and now - cached[0] < limit:
            return cached[1]
        sealed = self._load(shop_id)
        secret = None
        if sealed is not None and self._box is not None:
            secret = self._box.open(shop_id, sealed)
        with self._lock:
            self._cache[shop_id] = (now, secret)
        return secret

    def peek(self, shop_id: str) -> tuple[bool, bytes | None]:
        """(True, secret) when it is known without reading the database; else (False, None)."""
        if self.uses_env(shop_id):
            return True, self._env
        with self._lock:
            cached = self._cache.get(shop_id)
        if cached is not None and self.monotonic() - cached[0] < SECRET_CACHE_SECONDS:
            return True, cached[1]
        return False, None

    def age(self, shop_id: str) -> float:
        with self._lock:
            cached = self._cache.get(shop_id)
        return float("inf") if cached is None else self.monotonic() - cached[0]

    def forget(self, shop_id: str) -> None:
        with self._lock:
            self._cache.pop(shop_id, None)

    def offered(self, shop_id: str, secret: bytes) -> SecretOutcome:
        """What to do with a channel secret a desktop of ``shop_id`` sent."""
        if self.uses_env(shop_id):
            assert self._env is not None
            same = hmac.compare_digest(self._env, secret)
            return SecretOutcome("matches" if same else "differs", None)
        if self._box is None:
            return SecretOutcome("not_stored", None)
        return SecretOutcome("stored", self._box.seal(shop_id, secret))
