"""The privacy feature's tables (migrations 0015_privacy, 0019_privacy_incidents): policy
versions, consents, erasures and leak incidents."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.store.models import Base, utcnow


class PrivacyPolicyVersion(Base):
    """One published version of the shop's privacy policy: the settings it was generated
    from (so the text of any version can be produced again) and its dates."""

    __tablename__ = "privacy_policy_version"

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    effective_date: Mapped[str] = mapped_column(String(10))  # YYYY-MM-DD (JST)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    published_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    #: When the relay took this version (None: not uploaded yet).
    on_relay_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class PrivacyConsent(Base):
    """A customer agreed to a version of the policy (a form's consent item), when."""

    __tablename__ = "privacy_consent"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    agreed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    #: Where: "form:<form_id>".
    source: Mapped[str] = mapped_column(String(64), default="")


class PrivacyErasure(Base):
    """A LINE friend deleted on request: events about them pulled later but dated before
    the deletion are dropped by sync instead of re-creating them (app.privacy.erase). Only
    a SHA-256 of the LINE user id is kept, and no name."""

    __tablename__ = "privacy_erasure"

    user_hash: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    erased_at_ms: Mapped[int] = mapped_column(BigInteger)


class PrivacyIncident(Base):
    """A leak (漏えい等) or a suspected one, recorded when the shop learns of it
    (migration 0019_privacy_incidents): the dates the PPC's deadlines run from, the four
    facts that make it reportable, and the report's items (app.privacy.incidents)."""

    __tablename__ = "privacy_incident"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(Text, default="")
    #: The day the shop learned of it (JST): the deadlines count from it.
    discovered_on: Mapped[dt.date] = mapped_column(Date)
    #: The range of days when the data may have been accessed (JST, inclusive).
    occurred_from: Mapped[dt.date | None] = mapped_column(Date)
    occurred_to: Mapped[dt.date | None] = mapped_column(Date)
    malicious: Mapped[bool] = mapped_column(Boolean, default=False)  # 不正の目的
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False)  # 要配慮個人情報
    financial: Mapped[bool] = mapped_column(Boolean, default=False)  # 財産的被害
    #: 本人の数 as the shop states it (None: the "who is affected" count is used).
    persons: Mapped[int | None] = mapped_column(Integer)
    #: The report's text items by key (app.privacy.incidents.ITEMS).
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prompt_reported_on: Mapped[dt.date | None] = mapped_column(Date)  # 速報
    final_reported_on: Mapped[dt.date | None] = mapped_column(Date)  # 確報
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
