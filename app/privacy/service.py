"""The privacy policy in the book: its settings, versions (with dates), exports and the
copy on the relay (``PUT /v1/privacy-policy``, shown at the relay's ``GET /privacy``)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from app.privacy.policy import PolicyDocument, PolicySettings, generate
from app.store.models import utcnow
from app.store.models_privacy import PrivacyPolicyVersion

if TYPE_CHECKING:
    from app.book import Book

log = logging.getLogger("otokui.privacy")

SETTINGS_KEY = "privacy.policy"
JST = dt.timezone(dt.timedelta(hours=9))


class PrivacyService:
    def __init__(self, book: Book) -> None:
        self._book = book

    # --- settings ---------------------------------------------------------------------
    def settings(self) -> PolicySettings:
        value = self._book.settings.get(SETTINGS_KEY)
        return PolicySettings.from_dict(value if isinstance(value, dict) else None)

    def save_settings(self, settings: PolicySettings) -> None:
        self._book.settings.set(SETTINGS_KEY, settings.to_dict())

    # --- versions ---------------------------------------------------------------------
    def newest_version(self) -> int | None:
        with self._book.db.read() as s:
            v: int | None = s.scalar(select(func.max(PrivacyPolicyVersion.version)))
            return v

    def versions(self) -> list[tuple[int, str, dt.datetime, dt.datetime | None]]:
        """(version, effective date, published at, on the relay at), newest first."""
        with self._book.db.read() as s:
            return [(r.version, r.effective_date, r.published_at, r.on_relay_at)
                    for r in s.scalars(select(PrivacyPolicyVersion)
                                       .order_by(PrivacyPolicyVersion.version.desc()))]

    def publish(self, *, now: dt.datetime | None = None) -> tuple[int, bool]:
        """Record the current settings as a new version dated today (JST), unless they are
        the newest version's already. Returns (version, created)."""
        current = self.settings().to_dict()
        when = now or utcnow()
        with self._book.db.write() as s:
            newest = s.scalars(select(PrivacyPolicyVersion)
                               .order_by(PrivacyPolicyVersion.version.desc()).limit(1)).first()
            if newest is not None and newest.settings == current:
                return newest.version, False
            version = 1 if newest is None else newest.version + 1
            day = when.replace(tzinfo=dt.UTC).astimezone(JST).date().isoformat()
            s.add(PrivacyPolicyVersion(version=version, effective_date=day, settings=current,
                                       published_at=when))
            self._book.audit.add(s, "privacy_policy_published", target=f"v{version}")
        self._book.announce("settings")
        return version, True

    def document(self, version: int | None = None) -> PolicyDocument:
        """The policy of a published version (default: the newest); with none published,
        a draft from the current settings (version 0, dated today)."""
        with self._book.db.read() as s:
            q = select(PrivacyPolicyVersion)
            q = q.where(PrivacyPolicyVersion.version == version) if version is not None \
                else q.order_by(PrivacyPolicyVersion.version.desc()).limit(1)
            row = s.scalars(q).first()
            if row is None and version is not None:
                raise KeyError(version)
            if row is not None:
                return generate(PolicySettings.from_dict(row.settings), version=row.version,
                                effective_date=row.effective_date)
        today = utcnow().replace(tzinfo=dt.UTC).astimezone(JST).date().isoformat()
        return generate(self.settings(), version=0, effective_date=today)

    def upload(self) -> int:
        """Send the newest version to the relay; returns the version the relay has."""
        doc = self.document()
        if doc.version == 0:
            from app.privacy.errors import PolicyNotPublishedError
            raise PolicyNotPublishedError()
        with self._book.line.relay_client() as relay:
            publish_policy(relay, doc.to_json())
        with self._book.db.write() as s:
            row = s.get(PrivacyPolicyVersion, doc.version)
            if row is not None and row.on_relay_at is None:
                row.on_relay_at = utcnow()
        log.info("privacy policy version %d is on the relay", doc.version)
        return doc.version

    def relay_version(self) -> int | None:
        with self._book.db.read() as s:
            v: int | None = s.scalar(select(func.max(PrivacyPolicyVersion.version))
                                     .where(PrivacyPolicyVersion.on_relay_at.is_not(None)))
            return v


def publish_policy(relay: Any, document: dict[str, Any]) -> None:
    """``PUT /v1/privacy-policy`` with the relay client's own request (limits, auth)."""
    from app.sync.errors import RelayProtocolError

    response = relay._request("PUT", "/v1/privacy-policy", json=document)
    if response.status_code in (200, 201):
        return
    if response.status_code == 404:
        from app.privacy.errors import RelayPrivacyUnsupportedError
        raise RelayPrivacyUnsupportedError()
    raise RelayProtocolError(f"HTTP {response.status_code}")


def consent_of(book: Book, customer_id: int) -> Any:
    """The newest consent of a customer (app.privacy.consent.ConsentInfo), or None."""
    from app.privacy import consent

    with book.db.read() as s:
        return consent.latest(s, customer_id)
