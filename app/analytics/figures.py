"""The dashboard's figures (docs/analytics.md), each a plain function of a read session.

Friends' follow, block and unblock times are the ``line_followed`` / ``line_blocked`` /
``line_unblocked`` timeline events the sync writes (app/sync/apply.py); a customer's
``followed_at`` / ``blocked_at`` only keep the latest state, not the history. Queries
select a few columns and bucket in Python: on a period's rows this is fast enough (see
docs/performance-analytics.md) and portable between SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.analytics import summaries
from app.analytics.period import Period, bucket_of, buckets, local_date
from app.messages import IN, NOT_COUNTED
from app.store.models import (
    Broadcast,
    BroadcastRecipient,
    Conversation,
    Customer,
    CustomerTag,
    Form,
    FormAnswer,
    FormVersion,
    Tag,
    TimelineEvent,
)

FOLLOWED = "line_followed"
BLOCKED = "line_blocked"
UNBLOCKED = "line_unblocked"
DAY_MS = 86_400_000
JST_MS = 9 * 3_600_000


# --- friends -------------------------------------------------------------------------------

@dataclass(frozen=True)
class FriendsRow:
    bucket: dt.date
    added: int
    blocked: int
    unblocked: int

    @property
    def net(self) -> int:
        return self.added + self.unblocked - self.blocked


@dataclass(frozen=True)
class FriendsFigure:
    period: Period
    grain: str
    rows: list[FriendsRow]

    def total(self) -> FriendsRow:
        return FriendsRow(self.period.start, sum(r.added for r in self.rows),
                          sum(r.blocked for r in self.rows),
                          sum(r.unblocked for r in self.rows))


def friends(s: Session, period: Period, grain: str = "day") -> FriendsFigure:
    """Friends added, blocked, unblocked (and net) per day, week or month."""
    lo, hi = period.utc_bounds()
    counts: dict[tuple[dt.date, str], int] = Counter()
    rows = s.execute(select(TimelineEvent.at, TimelineEvent.kind).where(
        TimelineEvent.kind.in_((FOLLOWED, BLOCKED, UNBLOCKED)),
        TimelineEvent.at >= lo, TimelineEvent.at < hi))
    for at, kind in rows:
        counts[(bucket_of(local_date(at), grain), kind)] += 1
    return FriendsFigure(period, grain, [
        FriendsRow(b, counts[(b, FOLLOWED)], counts[(b, BLOCKED)], counts[(b, UNBLOCKED)])
        for b in buckets(period, grain)])


# --- blocks after broadcasts -----------------------------------------------------------------

@dataclass(frozen=True)
class BroadcastBlocks:
    broadcast_id: int
    name: str
    started_at: dt.datetime
    delivered: int
    blocked_24h: int

    @property
    def rate(self) -> float:
        return self.blocked_24h / self.delivered if self.delivered else 0.0


def block_after_broadcasts(s: Session, period: Period) -> list[BroadcastBlocks]:
    """For each broadcast started in the period: of the friends it reached, how many
    blocked the account within 24 hours of its start."""
    lo, hi = period.utc_bounds()
    casts = s.execute(select(Broadcast.id, Broadcast.name, Broadcast.started_at).where(
        Broadcast.started_at >= lo, Broadcast.started_at < hi).order_by(
        Broadcast.started_at, Broadcast.id)).all()
    out: list[BroadcastBlocks] = []
    for bid, name, started in casts:
        if started is None:  # excluded by the query; for the type checker
            continue
        delivered = s.scalar(select(func.count()).select_from(BroadcastRecipient).where(
            BroadcastRecipient.broadcast_id == bid, BroadcastRecipient.state == "sent")) or 0
        blocked = s.scalar(
            select(func.count(func.distinct(TimelineEvent.customer_id))).where(
                TimelineEvent.kind == BLOCKED, TimelineEvent.at >= started,
                TimelineEvent.at < started + dt.timedelta(hours=24),
                TimelineEvent.customer_id.in_(select(BroadcastRecipient.customer_id).where(
                    BroadcastRecipient.broadcast_id == bid,
                    BroadcastRecipient.state == "sent")))) or 0
        out.append(BroadcastBlocks(bid, name, started, delivered, blocked))
    return out


# --- tags ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class TagShare:
    tag_id: int
    name: str
    customers: int
    share: float  # of all customers (the owner's own entry excluded)


def owner_ids(s: Session) -> list[int]:
    """The owner's own entry (or entries), from its partial index (ix_customer_owner)."""
    return list(s.scalars(select(Customer.id).where(text("customer.is_owner = 1"))))


def tag_distribution(s: Session) -> list[TagShare]:
    """How many customers carry each tag, most first (now: tags have no history).

    Counted from the (tag, customer) index alone, minus the owner's own entry: joining
    customers to leave the owner out read every customer's page."""
    owners = owner_ids(s)
    total = (s.scalar(select(func.count()).select_from(Customer)) or 0) - len(owners)
    per_tag: Counter[int] = Counter({tid: n for tid, n in s.execute(
        select(CustomerTag.tag_id, func.count()).group_by(CustomerTag.tag_id))})
    if owners:
        per_tag.subtract(list(s.scalars(select(CustomerTag.tag_id).where(
            CustomerTag.customer_id.in_(owners)))))
    shares = [TagShare(tid, name, per_tag[tid], per_tag[tid] / total if total else 0.0)
              for tid, name in s.execute(select(Tag.id, Tag.name))]
    return sorted(shares, key=lambda t: (-t.customers, t.name))


# --- messages ------------------------------------------------------------------------------

@dataclass(frozen=True)
class MessagesRow:
    bucket: dt.date
    received: int
    sent: int


@dataclass(frozen=True)
class MessagesFigure:
    period: Period
    grain: str
    rows: list[MessagesRow]
    #: Seconds from a friend's first unanswered message to the owner's next reply.
    response_median_s: float | None
    response_p90_s: float | None
    responses: int
    unanswered_chats: int


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..1) of ``values``; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def messages(s: Session, period: Period, grain: str = "day",
             unanswered: int | None = None) -> MessagesFigure:
    """Messages received and sent, the owner's response time, unanswered chats.

    Counted: what friends wrote (system lines and postbacks excluded, unsent ones too) and
    what the shop sent one to one (broadcasts are their own figure). A response time runs
    from a friend's message that the shop had not answered yet (the first of a run of
    theirs, looking at all their messages, not only the period's) to the shop's next
    message; it belongs to the period it started in and counts when the shop answered
    within 30 days after the period. Both come from the book's summaries
    (app/analytics/summaries.py), not from the period's messages. ``unanswered`` (a count
    of now, the same for every period) may be passed when already known.
    """
    lo, hi = period.ms_bounds()
    received: Counter[dt.date] = Counter()
    sent: Counter[dt.date] = Counter()
    epoch = dt.date(1970, 1, 1)
    for day, direction, n in summaries.day_counts(s, (lo + JST_MS) // DAY_MS,
                                                  (hi + JST_MS) // DAY_MS):
        b = bucket_of(epoch + dt.timedelta(days=day), grain)
        (received if direction == IN else sent)[b] += n
    waits = [ms / 1000 for ms in summaries.waits(s, lo, hi, hi + 30 * DAY_MS)]
    if unanswered is None:
        unanswered = unanswered_chats(s)
    return MessagesFigure(
        period, grain,
        [MessagesRow(b, received[b], sent[b]) for b in buckets(period, grain)],
        percentile(waits, 0.5), percentile(waits, 0.9), len(waits), unanswered)


def unanswered_chats(s: Session) -> int:
    """Chats whose newest counted line is the friend's (now, whatever the period)."""
    return s.scalar(select(func.count()).select_from(Conversation).where(
        Conversation.last_direction == IN,
        Conversation.last_type.not_in(NOT_COUNTED))) or 0


# --- broadcasts ----------------------------------------------------------------------------

@dataclass(frozen=True)
class BroadcastResult:
    broadcast_id: int
    name: str
    state: str
    started_at: dt.datetime | None
    recipients: int
    sent: int
    failed: int
    skipped: int
    not_sent: int


@dataclass(frozen=True)
class BroadcastsFigure:
    period: Period
    results: list[BroadcastResult]
    #: Messages the book's broadcasts delivered in the calendar month of the period's end
    #: (LINE counts each delivered message against the plan's monthly quota).
    month_used: int
    #: The plan's monthly limit when known (asked from LINE by the caller), else None.
    month_limit: int | None = None

    @property
    def month_share(self) -> float | None:
        return self.month_used / self.month_limit if self.month_limit else None


def broadcasts(s: Session, period: Period, month_limit: int | None = None) -> BroadcastsFigure:
    lo, hi = period.utc_bounds()
    results = [BroadcastResult(*row) for row in s.execute(
        select(Broadcast.id, Broadcast.name, Broadcast.state, Broadcast.started_at,
               Broadcast.recipients, Broadcast.sent, Broadcast.failed, Broadcast.skipped,
               Broadcast.not_sent)
        .where(Broadcast.started_at >= lo, Broadcast.started_at < hi)
        .order_by(Broadcast.started_at, Broadcast.id))]
    month = Period.this_month(period.end)
    mlo, mhi = month.utc_bounds()
    used = s.scalar(select(func.coalesce(func.sum(Broadcast.sent), 0)).where(
        Broadcast.started_at >= mlo, Broadcast.started_at < mhi)) or 0
    return BroadcastsFigure(period, results, int(used), month_limit)


# --- forms ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class ChoiceShare:
    label: str
    count: int
    share: float  # of the answers that answered the item


@dataclass(frozen=True)
class ChoiceItem:
    key: str
    label: str
    answered: int
    choices: list[ChoiceShare]


@dataclass(frozen=True)
class FormFigure:
    form_id: str
    title: str
    answers: int
    items: list[ChoiceItem] = field(default_factory=list)


def _choice_items(definition: dict[str, Any]) -> list[tuple[str, str, list[str]]]:
    out = []
    for item in definition.get("items", []):
        if isinstance(item, dict) and item.get("type") == "choice":
            labels = [c.get("label", "") if isinstance(c, dict) else str(c)
                      for c in item.get("choices", [])]
            out.append((str(item.get("key", "")), str(item.get("label", "")), labels))
    return out


def forms(s: Session, period: Period) -> list[FormFigure]:
    """Per form: answers submitted in the period and each choice's share (choices of the
    latest version; a label no longer offered still counts, after them)."""
    lo, hi = period.utc_bounds()
    figures = []
    for pk, form_id, title in s.execute(
            select(Form.id, Form.form_id, Form.title).order_by(Form.id)):
        definition = s.scalar(select(FormVersion.definition).where(
            FormVersion.form_pk == pk).order_by(FormVersion.version.desc()).limit(1))
        items = _choice_items(definition or {})
        values = s.scalars(select(FormAnswer.answer_values).where(
            FormAnswer.form_pk == pk, FormAnswer.submitted_at >= lo,
            FormAnswer.submitted_at < hi, FormAnswer.replaces.is_(None))).all()
        choice_figs = []
        for key, label, labels in items:
            counts: Counter[str] = Counter()
            answered = 0
            for v in values:
                got = v.get(key) if isinstance(v, dict) else None
                picked = got if isinstance(got, list) else [got] if got not in (None, "") else []
                if picked:
                    answered += 1
                    counts.update(str(p) for p in picked)
            order = labels + sorted(k for k in counts if k not in labels)
            choice_figs.append(ChoiceItem(key, label, answered, [
                ChoiceShare(c, counts[c], counts[c] / answered if answered else 0.0)
                for c in order]))
        figures.append(FormFigure(form_id, title, len(values), choice_figs))
    return figures


# --- the dashboard together ----------------------------------------------------------------

@dataclass(frozen=True)
class Dashboard:
    friends: FriendsFigure
    friends_before: FriendsFigure
    blocks: list[BroadcastBlocks]
    tags: list[TagShare]
    messages: MessagesFigure
    messages_before: MessagesFigure
    broadcasts: BroadcastsFigure
    forms: list[FormFigure]


def dashboard(s: Session, period: Period, grain: str = "day",
              month_limit: int | None = None) -> Dashboard:
    """Every figure of the dashboard, with the previous period for comparison."""
    before = period.previous()
    unanswered = unanswered_chats(s)
    return Dashboard(friends(s, period, grain), friends(s, before, grain),
                     block_after_broadcasts(s, period), tag_distribution(s),
                     messages(s, period, grain, unanswered),
                     messages(s, before, grain, unanswered),
                     broadcasts(s, period, month_limit), forms(s, period))
