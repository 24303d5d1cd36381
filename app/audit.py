"""The append-only audit log and the per-customer timeline.

Audit entries record exports and imports, attachments opened or saved, deletions, bulk
changes, backups, restores (written into the restored book, app/backup.py) and rekeys
(into the rekeyed one, app/rekey.py): when, what, how many, never a person's name. The
timeline records what happened to one customer (created, tag added, field changed,
attachment added, later: messages).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.store.models import AuditEntry, TimelineEvent, utcnow

if TYPE_CHECKING:
    from app.book import Book


class AuditAction:
    EXPORT_CSV = "export_csv"
    IMPORT_CSV = "import_csv"
    ATTACHMENT_OPENED = "attachment_opened"
    ATTACHMENT_SAVED = "attachment_saved"
    ATTACHMENT_DELETED = "attachment_deleted"
    CUSTOMERS_DELETED = "customers_deleted"
    BULK_TAG_ADD = "bulk_tag_add"
    BULK_TAG_REMOVE = "bulk_tag_remove"
    BACKUP = "backup"
    RESTORE = "restore"
    REKEY = "rekey"
    FIELD_DELETED = "field_deleted"
    TAG_DELETED = "tag_deleted"
    FORM_DELETED = "form_deleted"
    ROUTE_DELETED = "route_deleted"
    #: The rows an import skipped, written to a CSV file the owner chose (like an export).
    EXPORT_SKIPPED_ROWS = "export_skipped_rows"


#: Characters of an old or new value kept in a timeline entry (a memo can be long).
CHANGE_CHARS = 100


def _change_text(value: Any) -> str:
    if value is None or value == [] or value == "":
        return ""
    if isinstance(value, list):
        text = ";".join(str(v) for v in value)
    elif isinstance(value, float) and value == int(value):
        text = str(int(value))
    elif hasattr(value, "isoformat"):
        text = value.isoformat(sep=" ", timespec="minutes") if hasattr(value, "hour") \
            else value.isoformat()
    else:
        text = str(value)
    return text if len(text) <= CHANGE_CHARS else text[:CHANGE_CHARS - 1] + "…"


def change_data(old: Any, new: Any) -> dict[str, str]:
    """``old`` and ``new`` as timeline text (empty for no value), for a field_changed entry.

    Timeline entries live in the encrypted book, shown to the owner only; they are never
    written to the log file.
    """
    return {"old": _change_text(old), "new": _change_text(new)}


class AuditService:
    def __init__(self, book: Book) -> None:
        self._book = book

    @staticmethod
    def add(session: Session, action: str, *, target: str = "", count: int = 0,
            **detail: Any) -> None:
        """Record an entry inside the caller's write transaction (so it commits with it)."""
        session.add(AuditEntry(action=action, target=target, count=count, detail=detail,
                               at=utcnow()))

    def record(self, action: str, *, target: str = "", count: int = 0, **detail: Any) -> None:
        with self._book.db.write() as s:
            self.add(s, action, target=target, count=count, **detail)
        self._book.announce("audit")

    def entries(self, limit: int = 500) -> list[AuditEntry]:
        with self._book.db.read() as s:
            return list(s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())
                                  .limit(limit)))

    @staticmethod
    def timeline_add(session: Session, customer_id: int, kind: str, **data: Any) -> None:
        session.add(TimelineEvent(customer_id=customer_id, kind=kind, data=data, at=utcnow()))

    def timeline(self, customer_id: int, limit: int = 1000) -> list[TimelineEvent]:
        with self._book.db.read() as s:
            return list(s.scalars(
                select(TimelineEvent).where(TimelineEvent.customer_id == customer_id)
                .order_by(TimelineEvent.at.desc(), TimelineEvent.id.desc()).limit(limit)))
