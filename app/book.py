"""The open customer book: one object the UI, the CLI and the sync worker talk to.

``Book`` owns the database and groups the domain services. Every write announces what
changed on :attr:`Book.changed` (a plain-Python signal) so views refresh, as Anki's
operations announce their changes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.signals import Signal

if TYPE_CHECKING:
    from app.profile import Manifest, Profile
    from app.profile_lock import Claim
    from app.store.db import Database

log = logging.getLogger("otokui.book")


@dataclass(frozen=True)
class Change:
    """What a write changed: ``kind`` names the area, ``ids`` the rows (empty: many)."""

    #: "customers", "tags", "fields", "attachments", "audit", "settings", "messages" (ids:
    #: the customers whose conversations changed), "line" (connection settings),
    #: "templates" (定型文), "segments", "broadcasts" (ids: broadcast ids), "forms" (ids:
    #: form numbers; answers applied announce "forms" and "customers")
    kind: str
    ids: tuple[int, ...] = field(default_factory=tuple)


class Book:
    def __init__(self, profile: Profile, db: Database, manifest: Manifest,
                 claim: Claim | None = None) -> None:
        from app.attachments import AttachmentService
        from app.audit import AuditService
        from app.broadcast import BroadcastService
        from app.coupons import CouponService
        from app.customers import CustomerService
        from app.fields import FieldService
        from app.forms import FormService
        from app.line.connection import LineConnection
        from app.line.send import SendService
        from app.messages import MessageService
        from app.purchases.service import PurchaseService
        from app.search import SearchService
        from app.segments import SegmentService
        from app.sequences import SequenceService
        from app.settings_store import BookSettings
        from app.tags import TagService
        from app.templates import TemplateService

        self.profile = profile
        self.db = db
        #: This process's hold on the profile (app/profile_lock.py), released on close.
        self._claim = claim
        self.book_id = manifest.book_id
        self.changed = Signal()
        self.audit = AuditService(self)
        self.fields = FieldService(self)
        self.tags = TagService(self)
        self.search = SearchService(self)
        self.customers = CustomerService(self)
        self.attachments = AttachmentService(self)
        self.settings = BookSettings(self)
        self.messages = MessageService(self)
        self.line = LineConnection(self)
        self.sending = SendService(self)
        self.templates = TemplateService(self)
        self.segments = SegmentService(self)
        self.broadcasts = BroadcastService(self)
        self.forms = FormService(self)
        self.sequences = SequenceService(self)
        self.coupons = CouponService(self)
        self.purchases = PurchaseService(self)

    def announce(self, kind: str, ids: tuple[int, ...] | list[int] = ()) -> None:
        self.changed.emit(Change(kind, tuple(ids)))

    def close(self) -> None:
        try:
            self.db.close()
        finally:
            if self._claim is not None:
                self._claim.release()

    def __enter__(self) -> Book:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
