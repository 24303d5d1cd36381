"""Wrong pairing codes counted per client address, so one client cannot void the code.

The open pairing code used to lock after five wrong tries from anyone: a stranger could
keep a shop from ever pairing by sending five guesses every time the owner ran ``pair``
(issue 10). Now an *address* that sent :data:`MAX_FAILED_TRIES` wrong codes is refused
for :data:`LOCK_SECONDS` (answered 429 without its code even being looked at), while
the code stays open for everyone else. What still bounds guessing as a whole is the
code's 50 bits, its 10-minute life, and the store's lock after
:data:`relay.credentials.CODE_MAX_FAILED_TRIES` wrong tries in total.

Addresses are the TCP peer's, or, when ``RELAY_TRUSTED_PROXIES`` names the proxy in
front, the client address that proxy reports in ``X-Forwarded-For`` (uvicorn's proxy
headers middleware does that rewriting). IPv6 clients are counted per /64 network, the
block one subscriber usually gets, so an attacker cannot walk through its own
addresses. The counts live in this process's memory only: they never reach the disk,
and after a restart everyone starts afresh.
"""

from __future__ import annotations

import ipaddress
from collections import OrderedDict
from dataclasses import dataclass

MAX_FAILED_TRIES = 5
LOCK_SECONDS = 10 * 60.0  # as long as a pairing code lives
MAX_TRACKED = 10_000  # addresses remembered at once (memory stays bounded)


@dataclass
class _Entry:
    failures: int
    last_at: float


class PairingTries:
    """Per-address counts of pairing attempts. Call on the event loop only (not locked)."""

    def __init__(self, max_failures: int = MAX_FAILED_TRIES, lock_seconds: float = LOCK_SECONDS,
                 max_tracked: int = MAX_TRACKED) -> None:
        self.max_failures = max_failures
        self.lock_seconds = lock_seconds
        self.max_tracked = max_tracked
        self._entries: OrderedDict[str, _Entry] = OrderedDict()

    def begin(self, address: str | None, now: float) -> float | None:
        """Count one attempt from ``address`` before it is checked; None if it may go on,
        else the seconds until it may try again.

        Counting first (and undoing it on success) means a burst of parallel guesses
        from one address cannot all pass before the first failure is recorded.
        """
        key = network_of(address)
        entry = self._entries.get(key)
        if entry is not None and now - entry.last_at >= self.lock_seconds:
            entry = None  # its tries are old enough to be forgotten
        if entry is not None and entry.failures >= self.max_failures:
            return max(1.0, entry.last_at + self.lock_seconds - now)
        if entry is None:
            entry = _Entry(0, now)
        entry.failures += 1
        entry.last_at = now
        self._entries[key] = entry
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_tracked:
            self._entries.popitem(last=False)  # the address heard from longest ago
        return None

    def succeeded(self, address: str | None) -> None:
        """The attempt was right (or not a guess at all): it does not count."""
        key = network_of(address)
        entry = self._entries.get(key)
        if entry is not None:
            entry.failures -= 1
            if entry.failures <= 0:
                del self._entries[key]

    def just_locked(self, address: str | None) -> bool:
        entry = self._entries.get(network_of(address))
        return entry is not None and entry.failures == self.max_failures


def network_of(address: str | None) -> str:
    """What is counted: the IPv4 address, or the /64 of an IPv6 one."""
    if not address:
        return "unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address  # not an IP (a Unix socket path): counted as it is
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def is_loopback(address: str | None) -> bool:
    try:
        return address is not None and ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False
