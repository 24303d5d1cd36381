"""Exactly once over an unreliable network: LINE's answers classified, retries with one key.

Reusable by anything that sends to LINE (one customer's push here, multicast batches in the
broadcast engine). The rules, from LINE's documentation of ``X-Line-Retry-Key``:

* a key is a UUID the sender makes and **stores before the first try**; LINE remembers an
  accepted key for 24 hours;
* a timeout, a dropped connection or a 5xx may hide an accepted request: retry **with the
  same key**; if LINE had accepted it, it answers 409 (``x-line-accepted-request-id``, and
  for push the ``sentMessages``): that counts as sent, and nobody receives it twice;
* a 4xx other than 409 and 429 is a refusal: LINE sent nothing, retrying the same request
  cannot help (a new attempt after the owner fixed something may use a new key);
* 429 is either the rate limit (back off, retry with the same key) or the monthly quota
  ("You have reached your monthly limit."): nothing was sent and nothing will be this
  month without a bigger plan.

:func:`deliver` runs one request through that loop; the caller says how to make one try
(``attempt``) and stores the result.
"""

from __future__ import annotations

import json
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

#: LINE honours a retry key this long after it accepted the request.
RETRY_KEY_LIFETIME_S = 24 * 60 * 60
#: Retrying with a stored key later than this after it was made is not safe any more: LINE
#: may have forgotten it (an hour of margin for clocks and slow retries).
RETRY_KEY_SAFE_S = RETRY_KEY_LIFETIME_S - 60 * 60
MONTHLY_LIMIT = "You have reached your monthly limit."
INVALID_REPLY_TOKEN = "Invalid reply token"  # noqa: S105 - LINE's error text
MAX_REASON_CHARS = 500


def new_retry_key() -> str:
    """A canonical lower-case UUID (LINE refuses other spellings with 400)."""
    return str(uuid.uuid4())


def key_still_honoured(key_made_ms: int, now_ms: int) -> bool:
    return now_ms - key_made_ms < RETRY_KEY_SAFE_S * 1000


class Verdict(StrEnum):
    ACCEPTED = "accepted"          # 2xx: sent
    DUPLICATE = "duplicate"        # 409: this key was accepted before: sent (once)
    REFUSED = "refused"            # another 4xx: not sent; retrying as is cannot help
    QUOTA = "quota"                # 429, monthly limit: not sent
    RATE_LIMITED = "rate_limited"  # 429, rate limit: not sent; retry later, same key
    TRANSIENT = "transient"        # 5xx, timeout, dropped answer: MAYBE sent; same key
    UNREACHABLE = "unreachable"    # no connection was made: not sent; retry

    @property
    def sent(self) -> bool:
        return self in (Verdict.ACCEPTED, Verdict.DUPLICATE)

    @property
    def final(self) -> bool:
        """No point trying the same request again."""
        return self in (Verdict.ACCEPTED, Verdict.DUPLICATE, Verdict.REFUSED, Verdict.QUOTA)


@dataclass(frozen=True)
class SentMessage:
    id: str
    quote_token: str | None = None


@dataclass(frozen=True)
class Answer:
    """One try's outcome, with what LINE said (never anything from the request)."""

    verdict: Verdict
    status: int | None = None
    request_id: str | None = None
    #: On 409: the request id LINE gave the request it accepted first.
    accepted_request_id: str | None = None
    sent_messages: tuple[SentMessage, ...] = ()
    #: LINE's own message (and details) on a refusal; an error's type name otherwise.
    reason: str = ""
    #: Seconds from a Retry-After header, when LINE gave one.
    retry_after: float | None = None

    @property
    def is_invalid_reply_token(self) -> bool:
        return self.verdict is Verdict.REFUSED and INVALID_REPLY_TOKEN.lower() in \
            self.reason.lower()


def _header(headers: Any, name: str) -> str | None:
    if not headers:
        return None
    try:
        value = headers.get(name)
        if value is None:
            value = next((v for k, v in dict(headers).items() if k.lower() == name), None)
    except (AttributeError, TypeError):
        return None
    return None if value is None else str(value)


def _body_json(body: Any) -> dict[str, Any]:
    if isinstance(body, bytes | bytearray):
        try:
            body = bytes(body).decode("utf-8")
        except UnicodeDecodeError:
            return {}
    if not isinstance(body, str) or not body:
        return {}
    try:
        data = json.loads(body)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def sent_messages_of(items: Any) -> tuple[SentMessage, ...]:
    out: list[SentMessage] = []
    for item in items or ():
        if isinstance(item, dict):
            mid, quote = item.get("id"), item.get("quoteToken")
        else:  # the SDK's SentMessage model
            mid, quote = getattr(item, "id", None), getattr(item, "quote_token", None)
        if isinstance(mid, str) and mid:
            out.append(SentMessage(mid, quote if isinstance(quote, str) else None))
    return tuple(out)


def reason_of(data: dict[str, Any]) -> str:
    """LINE's error message with its details ("messages[0].text: Length must be ...")."""
    reason = str(data.get("message") or "")
    details = data.get("details")
    if isinstance(details, list):
        parts = []
        for d in details[:10]:
            if isinstance(d, dict):
                prop, msg = d.get("property"), d.get("message")
                parts.append(f"{prop}: {msg}" if prop else str(msg))
        if parts:
            reason = f"{reason} ({'; '.join(parts)})" if reason else "; ".join(parts)
    return reason[:MAX_REASON_CHARS]


def classify(status: int, headers: Any = None, body: Any = None) -> Answer:
    """What an HTTP answer from LINE means for a send."""
    data = _body_json(body)
    request_id = _header(headers, "x-line-request-id")
    retry_after = None
    raw_after = _header(headers, "retry-after")
    if raw_after is not None:
        try:
            retry_after = max(0.0, float(raw_after))
        except ValueError:
            retry_after = None
    reason = reason_of(data)
    if 200 <= status < 300:
        return Answer(Verdict.ACCEPTED, status, request_id,
                      sent_messages=sent_messages_of(data.get("sentMessages")))
    if status == 409:
        return Answer(Verdict.DUPLICATE, status, request_id,
                      accepted_request_id=_header(headers, "x-line-accepted-request-id"),
                      sent_messages=sent_messages_of(data.get("sentMessages")), reason=reason)
    if status == 429:
        verdict = Verdict.QUOTA if "monthly limit" in reason.lower() else Verdict.RATE_LIMITED
        return Answer(verdict, status, request_id, reason=reason, retry_after=retry_after)
    if status >= 500:
        return Answer(Verdict.TRANSIENT, status, request_id, reason=reason or f"HTTP {status}",
                      retry_after=retry_after)
    return Answer(Verdict.REFUSED, status, request_id, reason=reason or f"HTTP {status}")


@dataclass
class RetryPolicy:
    """How often and how patiently one request is tried: ``attempts`` tries in all, waiting
    ``base`` · 2ⁿ seconds (at most ``cap``, from the upper half of the step, so that many
    senders do not retry in step) between them, or LINE's Retry-After when longer."""

    attempts: int = 5
    base: float = 0.5
    cap: float = 8.0
    sleep: Callable[[float], None] = time.sleep

    def delay(self, n: int, retry_after: float | None = None) -> float:
        step = min(self.cap, self.base * (2 ** n))
        wait = random.uniform(step / 2, step)  # noqa: S311 - jitter, not a secret
        if retry_after is not None:
            wait = max(wait, min(retry_after, 60.0))
        return wait


@dataclass
class Delivery:
    """All tries of one request: the last answer decides, the earlier ones qualify it."""

    answers: list[Answer] = field(default_factory=list)

    @property
    def final(self) -> Answer:
        return self.answers[-1]

    @property
    def attempts(self) -> int:
        return len(self.answers)

    @property
    def maybe_accepted(self) -> bool:
        """Some try may have been accepted without us hearing of it (5xx, timeout, drop)."""
        return any(a.verdict is Verdict.TRANSIENT for a in self.answers)

    @property
    def maybe_accepted_before_final(self) -> bool:
        return any(a.verdict is Verdict.TRANSIENT for a in self.answers[:-1])


def deliver(attempt: Callable[[], Answer], policy: RetryPolicy,
            *, keep_going: Callable[[], bool] | None = None) -> Delivery:
    """Try until LINE gives a final answer or the policy's tries run out.

    ``attempt`` makes one HTTP request (with the same retry key every time, for the sends
    that take one) and never raises for network trouble: it answers TRANSIENT or
    UNREACHABLE. ``keep_going`` can stop early between tries (a cancelled broadcast).
    """
    delivery = Delivery()
    for n in range(max(1, policy.attempts)):
        answer = attempt()
        delivery.answers.append(answer)
        if answer.verdict.final or n == policy.attempts - 1:
            break
        if keep_going is not None and not keep_going():
            break
        policy.sleep(policy.delay(n, answer.retry_after))
    return delivery
