"""The broadcast engine's public values: who receives it, the plan, reports, history rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from app.line.send.bubbles import CheckedImage
from app.segments import Group

# Job states.
SCHEDULED = "scheduled"   # waits for its time (see BroadcastService.due / missed)
READY = "ready"           # stored, not started
SENDING = "sending"       # started; unfinished batches are resumed by run() / resume_all()
DONE = "done"
CANCELLED = "cancelled"
STOPPED = "stopped"       # the month's quota ran out: the rest was not sent
FINAL_STATES = (DONE, CANCELLED, STOPPED)

# Batch and recipient states.
PENDING = "pending"
TRYING = "sending"        # a batch that may have been tried: only ever retried with its key
SENT = "sent"
FAILED = "failed"
SKIPPED = "skipped"
NOT_SENT = "not_sent"

# Reasons stored with a recipient (a 4xx refusal stores LINE's own message instead).
REASON_QUOTA = "quota"
REASON_CANCELLED = "cancelled"
REASON_BLOCKED = "blocked"
REASON_NOT_ON_LINE = "not_on_line"
REASON_UNKNOWN = "unknown"  # tried, key too old to retry: it may have arrived
REASON_IMAGES_EXPIRED = "images_expired"  # the relay no longer serves the images

MULTICAST = "multicast"
PUSH = "push"


@dataclass(frozen=True)
class Recipients:
    """Who a broadcast goes to. Blocked customers and those without a LINE id never do."""

    kind: str
    segment_id: int | None = None
    condition: Group | None = None
    tag_id: int | None = None
    customer_ids: tuple[int, ...] = ()

    @classmethod
    def segment(cls, segment_id: int) -> Recipients:
        return cls("segment", segment_id=int(segment_id))

    @classmethod
    def matching(cls, condition: Group) -> Recipients:
        return cls("condition", condition=condition)

    @classmethod
    def tag(cls, tag_id: int) -> Recipients:
        return cls("tag", tag_id=int(tag_id))

    @classmethod
    def customers(cls, customer_ids: list[int] | tuple[int, ...]) -> Recipients:
        return cls("customers", customer_ids=tuple(dict.fromkeys(int(i) for i in customer_ids)))

    @classmethod
    def all_friends(cls) -> Recipients:
        return cls("all")

    def describe(self) -> dict[str, Any]:
        """What the history shows of the choice (no condition tree, no customer list)."""
        out: dict[str, Any] = {"kind": self.kind}
        if self.segment_id is not None:
            out["segment_id"] = self.segment_id
        if self.tag_id is not None:
            out["tag_id"] = self.tag_id
        if self.kind == "customers":
            out["selected"] = len(self.customer_ids)
        return out


@dataclass(frozen=True)
class BroadcastPlan:
    """What sending would do, before anything is stored (the composer's summary)."""

    #: The text bubbles as written (placeholders unrendered), in order.
    texts: tuple[str, ...]
    recipients: Recipients
    #: (customer id, LINE user id) of every recipient, ascending by id.
    targets: tuple[tuple[int, str], ...] = field(repr=False)
    name: str
    at: dt.datetime | None
    #: True: a placeholder differs per customer, so it goes by push, one per recipient.
    personal: bool
    #: Messages this costs: one per recipient per request, whatever the number of bubbles.
    cost: int
    #: This month's remaining messages (None: the plan has no limit).
    quota_remaining: int | None
    #: Placeholders nobody can fill (left as written): the composer should warn.
    unknown_placeholders: tuple[str, ...] = ()
    #: Every bubble in order: a text, or an image read and checked (uploaded by create()).
    items: tuple[str | CheckedImage, ...] = field(default=(), repr=False)

    @property
    def images(self) -> int:
        """How many image bubbles it has."""
        return sum(1 for i in self.items if not isinstance(i, str))

    @property
    def count(self) -> int:
        return len(self.targets)

    @property
    def endpoint(self) -> str:
        return PUSH if self.personal else MULTICAST

    @property
    def exceeds_quota(self) -> bool:
        return self.quota_remaining is not None and self.cost > self.quota_remaining

    @property
    def batches(self) -> int:
        return self.count if self.personal else -(-self.count // 500)

    def sending(self, trim_to_quota: bool = False) -> int:
        """How many it would actually be sent to: everyone, or (over the month's quota and
        trimmed) only as many as remain."""
        if self.exceeds_quota and trim_to_quota:
            return min(self.count, int(self.quota_remaining or 0))
        return self.count


@dataclass(frozen=True)
class Counts:
    recipients: int = 0
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    not_sent: int = 0
    pending: int = 0


@dataclass(frozen=True)
class BroadcastImage:
    """An image bubble of a stored broadcast; its bytes: ``BroadcastService.image()``."""

    position: int
    content_type: str
    size: int
    url: str
    preview_url: str
    #: When the relay stops serving it (ms since the epoch); the book's copy stays.
    expires_at_ms: int


@dataclass(frozen=True)
class BroadcastInfo:
    """One broadcast in the history."""

    id: int
    name: str
    state: str
    endpoint: str
    texts: tuple[str, ...]
    audience: dict[str, Any]
    scheduled_at: dt.datetime | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    cost: int
    counts: Counts
    error: str | None = None
    #: Every bubble in order: a text as written, or an image.
    bubbles: tuple[str | BroadcastImage, ...] = ()

    @property
    def planned(self) -> bool:
        """Nothing has been sent yet: ``cost`` is what it will use, not what it used."""
        return self.state in (SCHEDULED, READY)

    @property
    def used(self) -> int:
        """Messages of the month it actually used: one per recipient LINE accepted it for
        (a cancelled or stopped job used only what went before; ``cost`` is the plan)."""
        return 0 if self.planned else self.counts.sent


@dataclass(frozen=True)
class RecipientResult:
    customer_id: int
    state: str
    reason: str | None


@dataclass(frozen=True)
class BroadcastReport:
    """What one :meth:`run` achieved; ``state`` "interrupted" means run() it again later."""

    broadcast_id: int
    state: str
    counts: Counts
    batches_sent: int = 0
    error: str | None = None

    @property
    def finished(self) -> bool:
        return self.state in FINAL_STATES
