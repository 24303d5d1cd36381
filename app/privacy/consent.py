"""Consent records: which version of the privacy policy a customer agreed to, and when.

A form's consent item links the relay's ``/privacy`` page (unless the form names another
page); the version the friend read is the newest one the relay had when they sent the
answer, i.e. the newest version uploaded before the answer's submission time. Recorded in
the transaction that applies the answer (app.forms.apply), so an answer is never applied
without its consent, nor a consent recorded for an answer that was not.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.store.models_privacy import PrivacyConsent, PrivacyPolicyVersion


@dataclass(frozen=True)
class ConsentInfo:
    version: int
    agreed_at: dt.datetime
    source: str


def version_shown_at(s: Session, when: dt.datetime) -> int:
    """The policy version the relay showed at ``when`` (0: none was published)."""
    v = s.scalar(select(func.max(PrivacyPolicyVersion.version))
                 .where(PrivacyPolicyVersion.on_relay_at.is_not(None),
                        PrivacyPolicyVersion.on_relay_at <= when))
    return int(v or 0)


def record_from_answer(s: Session, definition: Any, values: dict[str, Any],
                       customer_id: int, form_id: str, submitted_at: dt.datetime) -> None:
    """Record consent when the answer has a consent item ticked that links the shop's
    policy page (a consent to another page is not a consent to this policy)."""
    for item in definition.items:
        if item.type != "consent" or item.link or not values.get(item.key):
            continue
        version = version_shown_at(s, submitted_at)
        if version:
            s.add(PrivacyConsent(customer_id=customer_id, version=version,
                                 agreed_at=submitted_at, source=f"form:{form_id}"[:64]))
        return


def latest(s: Session, customer_id: int) -> ConsentInfo | None:
    row = s.scalars(select(PrivacyConsent).where(PrivacyConsent.customer_id == customer_id)
                    .order_by(PrivacyConsent.version.desc(), PrivacyConsent.agreed_at.desc())
                    .limit(1)).first()
    return None if row is None else ConsentInfo(row.version, row.agreed_at, row.source)
