"""The rules' tables (migrations 0011_rules, 0034_rule_send_images; see app/automation/)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.store.models import Base, utcnow


class Rule(Base):
    """An automation rule: When (trigger) / If (condition) / Then (actions), as JSON
    (app/automation/model.py), with its counts."""

    __tablename__ = "rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    spec: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: How many events it acted on, and how many actions it carried out.
    fired: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    actions_done: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class RuleSend(Base):
    """A message a rule decided to send, stored with the event's handling (same
    transaction) and sent after it commits. ``key`` (event × rule × action) makes it once;
    state: pending → sending → sent/failed. A row left "sending" by a crash is never sent
    again (at most once: the inbox's own resume finishes what it had stored)."""

    __tablename__ = "rule_send"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(240), unique=True)
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("rule.id", ondelete="SET NULL"))
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    #: The photos as the rule said them when it fired (``[{"blob", "type", "name"}]``,
    #: see app/automation/images.py); None: text only.
    images: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, nullable=True)
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    via: Mapped[str | None] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class RuleImage(Base):
    """A photo a rule's ``send`` carries: the ciphertext in the profile's attachments
    folder (``blob_name``), its key here (safe: the book itself is encrypted). Kept while
    a rule or an unsent ``rule_send`` names it (app/automation/images.py: prune)."""

    __tablename__ = "rule_image"

    id: Mapped[int] = mapped_column(primary_key=True)
    blob_name: Mapped[str] = mapped_column(String(64), unique=True)
    file_key: Mapped[bytes] = mapped_column(LargeBinary)
    content_type: Mapped[str] = mapped_column(String(32))
    file_name: Mapped[str] = mapped_column(Text, default="")
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
