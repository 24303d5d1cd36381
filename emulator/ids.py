"""Identifiers in the shapes LINE uses: user ids, message ids, ULIDs, tokens, request ids.

All of them come from one seeded random generator so a run with a fixed seed is
reproducible. None of them is a secret: this is an emulator.
"""

from __future__ import annotations

import random
import re
import string
import uuid

USER_ID_RE = re.compile(r"^U[0-9a-f]{32}$")
# LINE asks for "a hexadecimal UUID" in the canonical 8-4-4-4-12 form.
UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_TOKEN_CHARS = string.ascii_letters + string.digits


def ulid_from(ms: int, randomness: int) -> str:
    """A ULID: 48 bits of milliseconds then 80 random bits, Crockford base 32."""
    value = ((ms & ((1 << 48) - 1)) << 80) | (randomness & ((1 << 80) - 1))
    chars = []
    for _ in range(26):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return "".join(reversed(chars))


class IdFactory:
    """Makes every id and token. Not thread-safe: the emulator calls it under its lock."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        # LINE message ids are increasing 18-digit decimal strings.
        self._message_seq = 500_000_000_000_000_000 + rng.randrange(10**15)

    def hex(self, digits: int) -> str:
        return f"{self._rng.getrandbits(digits * 4):0{digits}x}"

    def user_id(self) -> str:
        return "U" + self.hex(32)

    def message_id(self) -> str:
        self._message_seq += self._rng.randrange(1, 1000)
        return str(self._message_seq)

    def ulid(self, ms: int) -> str:
        return ulid_from(ms, self._rng.getrandbits(80))

    def reply_token(self) -> str:
        return self.hex(32)

    def token(self, length: int) -> str:
        return "".join(self._rng.choice(_TOKEN_CHARS) for _ in range(length))

    def quote_token(self) -> str:
        return self.token(64)

    def mark_as_read_token(self) -> str:
        return self.token(48)

    def link_token(self) -> str:
        return self.token(32)

    def request_id(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))
