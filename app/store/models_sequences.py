"""Tables of step sequences (ステップ配信) and coupons (migration 0012_sequences)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.store.models import Base, utcnow


class StepSequence(Base):
    """A sequence: its steps (JSON list, see app/sequences/model.py) and stop conditions."""

    __tablename__ = "step_sequence"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    #: Raised on every edit; a friend's progress counts steps, not versions.
    version: Mapped[int] = mapped_column(Integer, default=1)
    steps: Mapped[list[Any]] = mapped_column(JSON, default=list)
    #: {"tags": [tag ids], "block": bool, "reply": bool}
    stop_on: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class SequenceRun(Base):
    """One friend's progress through one sequence (restarting reuses the row)."""

    __tablename__ = "sequence_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    sequence_id: Mapped[int] = mapped_column(
        ForeignKey("step_sequence.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    #: "running", "done" or "stopped".
    state: Mapped[str] = mapped_column(String(16))
    #: Which start this is (1, 2 …): a send is keyed by (run, round, step).
    round: Mapped[int] = mapped_column(Integer, default=1)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime)  # UTC
    #: Steps settled so far (sent, or failed for good): the next one is ``steps[next_step]``.
    next_step: Mapped[int] = mapped_column(Integer, default=0)
    cause: Mapped[str] = mapped_column(Text, default="")
    stop_reason: Mapped[str | None] = mapped_column(Text)
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    __table_args__ = (UniqueConstraint("sequence_id", "customer_id"),
                      Index("ix_sequence_run_state", "state"))


class SequenceSend(Base):
    """One step to one friend: stored with its retry key before the first try."""

    __tablename__ = "sequence_send"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("sequence_run.id", ondelete="CASCADE"))
    round: Mapped[int] = mapped_column(Integer)
    step: Mapped[int] = mapped_column(Integer)
    #: "sending" (may have been tried: only retried with its key), "sent", "failed".
    state: Mapped[str] = mapped_column(String(16))
    retry_key: Mapped[str] = mapped_column(String(36), unique=True)
    key_made_ms: Mapped[int] = mapped_column(BigInteger)
    messages: Mapped[list[Any]] = mapped_column(JSON, default=list)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    request_id: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("run_id", "round", "step"),)


class Coupon(Base):
    """A coupon code given to one customer (birthday, broadcast, rule)."""

    __tablename__ = "coupon"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"),
                                             index=True)
    #: What it is for ("birthday:2026", "broadcast:12" …): one coupon per customer and purpose.
    purpose: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text, default="")
    expires_on: Mapped[dt.date | None] = mapped_column(Date)
    #: "issued" or "used" (an expired one is "issued" past expires_on).
    status: Mapped[str] = mapped_column(String(16), default="issued")
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("customer_id", "purpose"),)
