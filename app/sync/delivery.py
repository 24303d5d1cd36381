"""What a sealed item holds, and whether LINE really sent it.

The relay seals each LINE webhook delivery whole, as LINE sent it (relay sealed-item
format 2, mirrored from ``relay.sealing.delivery_plaintext``)::

    b"otokui-line-delivery/1\\n" + x-line-signature + b"\\n" + the raw body

The desktop checks the signature itself, HMAC-SHA256 of the raw body under the channel
secret it keeps in the book, compared in constant time, before anything of it is
applied. Whoever controls the relay (or its database) can seal anything to this
desktop's public key, but cannot sign as LINE: an item that is not signed, or whose
signature does not match, is set aside and never applied (docs/security.md).

After the check, the body is read as strict JSON (no ``NaN``/``Infinity``, no key twice:
two readers must never disagree about what a signed body says) and split into its
events, each with the body's ``destination`` added, in the body's order.

Relays before format 2 sealed one event object per item, unsigned; those are recognised
(``legacy``) and set aside as unsigned too.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from typing import Any

from app.sync.apply import UNVERIFIED, Incoming

DELIVERY_MAGIC = b"otokui-line-delivery/1\n"
MAX_SIGNATURE_CHARS = 128

#: Why an item was set aside without being applied (``line_event.error``); the diagnostics
#: view explains each in the owner's words (:mod:`app.sync.set_aside`).
BAD_SIGNATURE = "bad-signature"
UNSIGNED = "unsigned"
MALFORMED = "malformed-delivery"


class NotAnItem(ValueError):
    """The plaintext is neither a signed delivery nor an old relay's event object."""


@dataclass(frozen=True)
class SignedDelivery:
    """One webhook delivery as LINE sent it: not trusted until :func:`verify` says so."""

    signature: str
    body: bytes

    def to_json(self) -> dict[str, str]:
        """Kept in the book when set aside, so it can be checked again later."""
        return {"signature": self.signature,
                "body": base64.b64encode(self.body).decode("ascii")}

    @classmethod
    def from_json(cls, value: Any) -> SignedDelivery | None:
        if not isinstance(value, dict):
            return None
        sig, body = value.get("signature"), value.get("body")
        if not isinstance(sig, str) or not isinstance(body, str):
            return None
        try:
            return cls(sig, base64.b64decode(body, validate=True))
        except (binascii.Error, ValueError):
            return None


def read_plaintext(plaintext: bytes) -> SignedDelivery | dict[str, Any]:
    """A signed delivery, or (from an older relay) one unsigned event object."""
    if plaintext.startswith(DELIVERY_MAGIC):
        sig, newline, body = plaintext[len(DELIVERY_MAGIC):].partition(b"\n")
        if not newline or not 0 < len(sig) <= MAX_SIGNATURE_CHARS or not sig.isascii():
            raise NotAnItem("a sealed delivery without a signature line")
        return SignedDelivery(sig.decode("ascii"), body)
    try:
        event = strict_json(plaintext)
    except (ValueError, RecursionError):
        raise NotAnItem("neither a signed delivery nor an event") from None
    if not isinstance(event, dict):
        raise NotAnItem("neither a signed delivery nor an event")
    return event


def verify(delivery: SignedDelivery, channel_secret: bytes) -> bool:
    """LINE's signature: base64(HMAC-SHA256(channel secret, raw body)), constant time."""
    expected = base64.b64encode(
        hmac.new(channel_secret, delivery.body, hashlib.sha256).digest())
    try:
        presented = delivery.signature.strip().encode("ascii")
    except UnicodeEncodeError:
        return False
    return hmac.compare_digest(expected, presented)


def events_of(delivery: SignedDelivery) -> list[dict[str, Any]]:
    """The events of a verified delivery, each with the body's ``destination`` added.

    Raises :class:`NotAnItem` when the body is not ``{"destination": str, "events":
    [object, ...]}`` in strict JSON.
    """
    try:
        data = strict_json(delivery.body)
    except (ValueError, RecursionError):
        raise NotAnItem("the delivery's body is not JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("events"), list):
        raise NotAnItem("the delivery's body is not a webhook")
    destination = data.get("destination")
    events = data["events"]
    if not all(isinstance(event, dict) for event in events):
        raise NotAnItem("an event of the delivery is not an object")
    if isinstance(destination, str):
        return [{**event, "destination": destination} for event in events]
    return list(events)


def _refuse_constant(name: str) -> Any:
    raise ValueError("NaN and Infinity are not JSON")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise ValueError("a key appears twice")
    return obj


#: A ``\\uD800``-``\\uDFFF`` escape: the only way a lone surrogate gets into parsed JSON.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def strict_json(data: bytes) -> Any:
    """RFC 8259 JSON in UTF-8: no NaN/Infinity, no key twice (Python's json allows both).

    A lone surrogate (valid JSON as an escape, but not text: the book cannot store it) is
    replaced by "?", so that what is applied can always be written.
    """
    value = json.loads(data.decode("utf-8"), parse_constant=_refuse_constant,
                       object_pairs_hook=_no_duplicate_keys)
    return _scrub(value) if _SURROGATE_ESCAPE.search(data) else value


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    if isinstance(value, dict):
        return {_scrub(k): _scrub(v) for k, v in value.items()}
    return value


def items_of(plaintext: bytes, *, seq: int | None, received_ms: int | None,
             channel_secret: bytes, sealed: str | None = None) -> list[Incoming]:
    """What one opened item becomes: its events if LINE signed it, else one item set aside."""
    try:
        item = read_plaintext(plaintext)
    except NotAnItem as exc:
        return [Incoming(None, seq=seq, received_ms=received_ms, sealed=sealed,
                         error=str(exc))]
    if isinstance(item, dict):  # an older relay's unsigned event: nothing proves it
        kind = item.get("type")
        return [Incoming(None, seq=seq, received_ms=received_ms, status=UNVERIFIED,
                         kept={"unsigned": item}, error=UNSIGNED,
                         kind=kind if isinstance(kind, str) else "?")]
    return delivery_items(item, channel_secret, seq=seq, received_ms=received_ms)


def delivery_items(delivery: SignedDelivery, channel_secret: bytes, *, seq: int | None,
                   received_ms: int | None) -> list[Incoming]:
    """The events of a delivery whose signature matches, else the delivery set aside."""
    def set_aside(reason: str) -> list[Incoming]:
        return [Incoming(None, seq=seq, received_ms=received_ms, status=UNVERIFIED,
                         kept={"delivery": delivery.to_json()}, error=reason,
                         kind="delivery")]

    if not verify(delivery, channel_secret):
        return set_aside(BAD_SIGNATURE)
    try:
        events = events_of(delivery)
    except NotAnItem:
        return set_aside(MALFORMED)
    return [Incoming(event, seq=seq, received_ms=received_ms) for event in events]
