"""What guards a form page: its one-time post token, rate limits, and strict headers.

**The post token** (``_csrf`` in the form): ``{issued}.{nonce}.{mac}``, the MAC an
HMAC-SHA256 under a key derived from the relay's channel secret over the form id, the
link's token (or nothing, for a public link), the issue time and a random nonce. It needs
no cookie (LINE's in-app browser may refuse them): the page carries it. It proves the post
comes from a page this relay rendered for this very link within ``TOKEN_TTL_S``, and its
nonce becomes the answer's id, recorded once (``relay_form_answers``): a replay is refused.
Cross-site posting is refused by the ``Origin`` check as well; there is no session a
forged post could borrow (who the friend is travels in the URL or an ID token).

**Rate limits**: token buckets in memory, per client address (every page request) and per
link (posts), on the service's clock. Behind a proxy, the address is what uvicorn's proxy
headers handling gives (``--forwarded-allow-ips``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

#: How long a rendered page may be left open before its post is refused (re-rendered).
TOKEN_TTL_S = 24 * 3600


class TokenError(Exception):
    """A post's token is missing, malformed, forged or too old."""


class PostTokens:
    def __init__(self, channel_secret: bytes) -> None:
        self._key = HKDF(hashes.SHA256(), 32, None, b"otokui form page token v1").derive(
            channel_secret or b"\0")

    def issue(self, form_id: str, link: str, now_s: int) -> str:
        nonce = secrets.token_hex(16)
        return f"{now_s}.{nonce}.{self._mac(form_id, link, now_s, nonce)}"

    def check(self, token: str | None, form_id: str, link: str, now_s: int) -> str:
        """The token's nonce (32 hex), or :class:`TokenError`."""
        if not token or len(token) > 100 or token.count(".") != 2:
            raise TokenError("missing")
        issued_text, nonce, mac = token.split(".")
        if not (issued_text.isascii() and issued_text.isdigit() and len(issued_text) <= 12
                and len(nonce) == 32 and all(c in "0123456789abcdef" for c in nonce)):
            raise TokenError("malformed")
        issued = int(issued_text)
        if not hmac.compare_digest(mac, self._mac(form_id, link, issued, nonce)):
            raise TokenError("forged")
        if not issued - 300 <= now_s <= issued + TOKEN_TTL_S:
            raise TokenError("expired")
        return nonce

    def _mac(self, form_id: str, link: str, issued: int, nonce: str) -> str:
        message = f"{form_id}\0{link}\0{issued}\0{nonce}".encode()
        digest = hmac.new(self._key, message, hashlib.sha256).digest()[:18]
        return base64.urlsafe_b64encode(digest).decode("ascii")


@dataclass(frozen=True)
class Rate:
    burst: float     # requests at once
    per_second: float


@dataclass(frozen=True)
class PageLimits:
    #: Every page request (GET or POST) from one address.
    per_address: Rate = Rate(60, 1.0)
    #: Posts to one per-friend link (a friend correcting mistakes posts a few times).
    per_link: Rate = Rate(10, 1 / 30)
    #: Posts to one form's public link, from everyone together.
    per_public_form: Rate = Rate(300, 5.0)


class RateLimiter:
    """Token buckets by key; the least recently used are forgotten past ``max_keys``."""

    def __init__(self, clock: Callable[[], float], max_keys: int = 100_000) -> None:
        self._clock = clock
        self._max = max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, key: str, rate: Rate) -> float:
        """0 when allowed (and counted), else the seconds until it would be."""
        now = self._clock()
        with self._lock:
            tokens, at = self._buckets.pop(key, (rate.burst, now))
            tokens = min(rate.burst, tokens + max(0.0, now - at) * rate.per_second)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                wait = 0.0
            else:
                self._buckets[key] = (tokens, now)
                wait = (1 - tokens) / rate.per_second
            while len(self._buckets) > self._max:
                self._buckets.popitem(last=False)
        return wait


def page_headers(*, script_origins: tuple[str, ...] = (),
                 connect_origins: tuple[str, ...] = ()) -> dict[str, str]:
    """Strict headers for every page: no inline script or style, nothing third-party but
    the LIFF SDK where a LIFF page loads it, no framing, no referrer (URLs hold tokens)."""
    script = " ".join(("'self'", *script_origins))
    connect = " ".join(("'self'", *connect_origins))
    csp = ("default-src 'none'; "
           f"script-src {script}; style-src 'self'; img-src 'self' data:; "
           f"connect-src {connect}; form-action 'self'; base-uri 'none'; "
           "frame-ancestors 'none'")
    return {
        "Content-Security-Policy": csp,
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Cache-Control": "no-store",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    }
