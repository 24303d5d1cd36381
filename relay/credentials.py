"""Pairing codes, device tokens and device ids: how they are made and how they are stored.

Both secrets are stored only as SHA-256 hashes. A device token is 256 random bits, so a
plain hash is enough (nothing to brute-force); a pairing code is short enough to type, so
what protects it is its 10-minute life, single use, the limit of 5 wrong tries per client
address (relay.pairing_tries), and a lock after CODE_MAX_FAILED_TRIES wrong tries in all.
"""

from __future__ import annotations

import hashlib
import secrets

#: Crockford's base32: no I, L, O or U, so a code read aloud or typed is hard to get wrong.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10  # 50 bits; with 5 tries per code, guessing is hopeless
CODE_TTL_MS = 10 * 60 * 1000
#: Wrong tries, from all addresses together, after which the open code is void. Each
#: address gets 5 (relay.pairing_tries), so voiding the code takes 200 addresses (IPv6:
#: /64 networks); guessing it within those tries succeeds with odds of 1000 / 2**50.
CODE_MAX_FAILED_TRIES = 1000
TOKEN_BYTES = 32  # 256 bits
_MAX_TOKEN_CHARS = 256

_CONFUSABLE = str.maketrans({"I": "1", "L": "1", "O": "0"})


def new_pairing_code() -> str:
    """A fresh code, shown as two groups of five: ``7KQ2M-XF9RD``."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def normalize_pairing_code(code: str) -> str:
    """Uppercase, drop separators, and read I/L as 1 and O as 0, as Crockford intends."""
    cleaned = "".join(ch for ch in code.upper() if ch not in "- \t")
    return cleaned.translate(_CONFUSABLE)


def hash_pairing_code(code: str) -> bytes:
    return hashlib.sha256(b"otokui-relay-pairing-code:" +
                          normalize_pairing_code(code).encode("utf-8")).digest()


def new_device_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_device_token(token: str) -> bytes | None:
    """SHA-256 of a presented token, or None when it cannot be one of ours (too long)."""
    if not token or len(token) > _MAX_TOKEN_CHARS:
        return None
    return hashlib.sha256(token.encode("utf-8")).digest()


def new_device_id() -> str:
    return secrets.token_hex(8)


def is_device_id(value: str) -> bool:
    return len(value) == 16 and all(ch in "0123456789abcdef" for ch in value)
