"""The privacy feature's tables (migration 0015_privacy): policy versions and consents."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Integer, LargeBinary, String
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
