"""Tags in folders, with colour and description, and tagging customers in bulk."""

from __future__ import annotations

import builtins
import json
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.errors import NotFoundError, ValidationError
from app.i18n import QT_TRANSLATE_NOOP
from app.store.models import Tag, TagFolder, utcnow

if TYPE_CHECKING:
    from app.book import Book

_CTX = "tags"
#: Calm colours offered for new tags (the owner can choose any).
PALETTE = ("#4C8BF5", "#34A853", "#F9AB00", "#EA4335", "#A142F4", "#24C1E0", "#F06292",
           "#8D6E63", "#5F6368", "#00897B")


@dataclass(frozen=True)
class TagInfo:
    id: int
    name: str
    color: str
    description: str
    folder_id: int | None
    position: int
    count: int


@dataclass(frozen=True)
class FolderInfo:
    id: int
    name: str
    position: int


def _check_color(color: str) -> str:
    c = color.strip()
    if len(c) not in (7, 9) or not c.startswith("#") or any(
            ch not in "0123456789abcdefABCDEF" for ch in c[1:]):
        raise ValidationError(c[:12], message=QT_TRANSLATE_NOOP(
            _CTX, "A colour is written like #4C8BF5."))
    return c.upper()


def _check_name(name: str) -> str:
    name = name.strip()
    if not name or ";" in name:
        raise ValidationError(name[:40], message=QT_TRANSLATE_NOOP(
            _CTX, "A tag needs a name without semicolons (;)."))
    return name


class TagService:
    def __init__(self, book: Book) -> None:
        self._book = book

    # --- folders ---------------------------------------------------------------------------
    def folders(self) -> list[FolderInfo]:
        with self._book.db.read() as s:
            return [FolderInfo(f.id, f.name, f.position) for f in s.scalars(
                select(TagFolder).order_by(TagFolder.position, TagFolder.id))]

    def create_folder(self, name: str) -> int:
        name = name.strip()
        if not name:
            raise ValidationError(message=QT_TRANSLATE_NOOP(_CTX, "A folder needs a name."))
        with self._book.db.write() as s:
            pos = (s.scalar(select(func.max(TagFolder.position))) or 0) + 1
            folder = TagFolder(name=name, position=pos, created_at=utcnow())
            s.add(folder)
            s.flush()
            fid = folder.id
        self._book.announce("tags")
        return fid

    def rename_folder(self, folder_id: int, name: str) -> None:
        name = name.strip()
        if not name:
            raise ValidationError(message=QT_TRANSLATE_NOOP(_CTX, "A folder needs a name."))
        with self._book.db.write() as s:
            folder = s.get(TagFolder, folder_id)
            if folder is None:
                raise NotFoundError(f"folder {folder_id}")
            folder.name = name
        self._book.announce("tags")

    def delete_folder(self, folder_id: int, *, delete_tags: bool = False) -> None:
        """Delete a folder; its tags move out of it, or are deleted with it."""
        with self._book.db.write() as s:
            folder = s.get(TagFolder, folder_id)
            if folder is None:
                raise NotFoundError(f"folder {folder_id}")
            if delete_tags:
                for tag in s.scalars(select(Tag).where(Tag.folder_id == folder_id)):
                    self._delete_tag_in(s, tag)
            s.delete(folder)
        self._book.announce("tags")
        self._book.announce("customers")

    def reorder_folders(self, folder_ids: list[int]) -> None:
        with self._book.db.write() as s:
            for pos, fid in enumerate(folder_ids, start=1):
                folder = s.get(TagFolder, fid)
                if folder:
                    folder.position = pos
        self._book.announce("tags")

    # --- tags --------------------------------------------------------------------------------
    def list(self) -> list[TagInfo]:
        with self._book.db.read() as s:
            return [TagInfo(t.id, t.name, t.color, t.description, t.folder_id, t.position,
                            t.customer_count)
                    for t in s.scalars(select(Tag).order_by(Tag.position, Tag.id))]

    def counts(self) -> dict[int, int]:
        """Customers per tag, for every tag (kept exact by triggers, so this is cheap)."""
        with self._book.db.read() as s:
            return {r[0]: r[1] for r in s.execute(text("SELECT id, customer_count FROM tag"))}

    def get(self, tag_id: int) -> TagInfo:
        for t in self.list():
            if t.id == tag_id:
                return t
        raise NotFoundError(f"tag {tag_id}")

    def create(self, name: str, *, folder_id: int | None = None, color: str | None = None,
               description: str = "") -> int:
        with self._book.db.write() as s:
            tag = self.create_in(s, name, folder_id=folder_id, color=color,
                                 description=description)
            tid = tag.id
        self._book.announce("tags", [tid])
        return tid

    @staticmethod
    def create_in(s: Session, name: str, *, folder_id: int | None = None,
                  color: str | None = None, description: str = "") -> Tag:
        name = _check_name(name)
        if s.scalar(select(Tag.id).where(Tag.name == name)):
            raise ValidationError(name[:40], message=QT_TRANSLATE_NOOP(
                _CTX, "A tag with this name already exists."))
        count = s.scalar(select(func.count()).select_from(Tag)) or 0
        pos = (s.scalar(select(func.max(Tag.position))) or 0) + 1
        tag = Tag(name=name, folder_id=folder_id,
                  color=_check_color(color) if color else PALETTE[count % len(PALETTE)],
                  description=description, position=pos, customer_count=0,
                  created_at=utcnow())
        s.add(tag)
        s.flush()
        return tag

    def update(self, tag_id: int, *, name: str | None = None, color: str | None = None,
               description: str | None = None, folder_id: object = ...) -> None:
        """Change a tag; ``folder_id=None`` moves it out of its folder."""
        with self._book.db.write() as s:
            tag = s.get(Tag, tag_id)
            if tag is None:
                raise NotFoundError(f"tag {tag_id}")
            if name is not None and name.strip() != tag.name:
                name = _check_name(name)
                if s.scalar(select(Tag.id).where(Tag.name == name)):
                    raise ValidationError(name[:40], message=QT_TRANSLATE_NOOP(
                        _CTX, "A tag with this name already exists."))
                tag.name = name
            if color is not None:
                tag.color = _check_color(color)
            if description is not None:
                tag.description = description
            if folder_id is not ...:
                tag.folder_id = folder_id  # type: ignore[assignment]
        self._book.announce("tags", [tag_id])
        self._book.announce("customers")

    def reorder(self, tag_ids: builtins.list[int]) -> None:
        with self._book.db.write() as s:
            for pos, tid in enumerate(tag_ids, start=1):
                tag = s.get(Tag, tid)
                if tag:
                    tag.position = pos
        self._book.announce("tags")

    def delete(self, tag_id: int) -> None:
        with self._book.db.write() as s:
            tag = s.get(Tag, tag_id)
            if tag is None:
                raise NotFoundError(f"tag {tag_id}")
            self._delete_tag_in(s, tag)
        self._book.announce("tags", [tag_id])
        self._book.announce("customers")

    @staticmethod
    def _delete_tag_in(s: Session, tag: Tag) -> None:
        from app.audit import AuditAction, AuditService

        AuditService.add(s, AuditAction.TAG_DELETED, target=f"tag:{tag.id}",
                         count=tag.customer_count)
        s.execute(text("DELETE FROM customer_tag WHERE tag_id = :t"), {"t": tag.id})
        s.delete(tag)

    # --- tagging ---------------------------------------------------------------------------
    def add(self, customer_ids: builtins.list[int], tag_ids: builtins.list[int]) -> int:
        """Tag customers; returns how many new (customer, tag) pairs were made."""
        return self._bulk(customer_ids, tag_ids, add=True)

    def remove(self, customer_ids: builtins.list[int], tag_ids: builtins.list[int]) -> int:
        return self._bulk(customer_ids, tag_ids, add=False)

    def _bulk(self, customer_ids: builtins.list[int], tag_ids: builtins.list[int], *,
              add: bool) -> int:
        from app.audit import AuditAction, AuditService

        cids = sorted({int(c) for c in customer_ids})
        tids = sorted({int(t) for t in tag_ids})
        if not cids or not tids:
            return 0
        with self._book.db.write() as s:
            rows = s.execute(select(Tag.id, Tag.name).where(Tag.id.in_(tids)))
            names = {r[0]: r[1] for r in rows}
            if len(names) != len(tids):
                raise NotFoundError("tag")
            changed = self.apply_in(s, cids, {t: names[t] for t in tids}, add=add)
            if len(cids) > 1:
                AuditService.add(s, AuditAction.BULK_TAG_ADD if add
                                 else AuditAction.BULK_TAG_REMOVE,
                                 target="tags:" + ",".join(str(t) for t in tids),
                                 count=changed)
        self._book.announce("customers", cids)
        self._book.announce("tags", tids)
        return changed

    @staticmethod
    def apply_in(s: Session, cids: builtins.list[int], tags: dict[int, str], *, add: bool,
                 depth: int = 0) -> int:
        """Add or remove ``tags`` (id → name) on customers inside a write transaction.

        Emits one ``tag.added``/``tag.removed`` domain event per pair changed (same
        transaction); ``depth`` > 0 when a rule's action does it."""
        from app.domain_events import TAG_ADDED, TAG_REMOVED

        conn = s.connection()
        now = utcnow().isoformat(sep=" ")
        # The driver's own SQL (exec_driver_sql): the ids are written into the statements,
        # so each is new to SQLAlchemy's compile cache, which only cost time (rules tag
        # one customer at a time, thousands of times: docs/performance-automation.md).
        # One token per call: the events' keys name this happening, never the clock alone.
        token = uuid.uuid4().hex
        changed = 0
        for tid, tag_name in tags.items():
            data = json.dumps({"tag": tag_name}, ensure_ascii=False)
            for start in range(0, len(cids), 500):
                chunk = cids[start:start + 500]
                marks = ",".join(str(c) for c in chunk)
                if add:
                    touched = list(conn.exec_driver_sql(
                        "INSERT OR IGNORE INTO customer_tag(customer_id, tag_id, added_at) "
                        f"SELECT id, :t, :at FROM customer WHERE id IN ({marks}) "
                        "RETURNING customer_id", {"t": tid, "at": now}).scalars())
                    kind = "tag_added"
                else:
                    touched = list(conn.exec_driver_sql(
                        "DELETE FROM customer_tag WHERE tag_id = :t "
                        f"AND customer_id IN ({marks}) RETURNING customer_id",
                        {"t": tid}).scalars())
                    kind = "tag_removed"
                if touched:
                    conn.exec_driver_sql(
                        "INSERT INTO timeline_event(customer_id, at, kind, data) "
                        "VALUES (:c, :at, :k, :d)",
                        [{"c": c, "at": now, "k": kind, "d": data} for c in touched])
                    dkind, sign = (TAG_ADDED, "+") if add else (TAG_REMOVED, "-")
                    ddata = json.dumps({"tag_id": tid})
                    conn.exec_driver_sql(
                        "INSERT OR IGNORE INTO domain_event(key, kind, customer_id, data, "
                        "depth, at) VALUES (:key, :k, :c, :d, :depth, :at)",
                        [{"key": f"tag{sign}:{c}:{tid}:{token}", "k": dkind, "c": c,
                          "d": ddata, "depth": depth, "at": now} for c in touched])
                    tmarks = ",".join(str(c) for c in touched)
                    conn.exec_driver_sql(
                        f"UPDATE customer SET updated_at = :at WHERE id IN ({tmarks})",
                        {"at": now})
                changed += len(touched)
        return changed

    @classmethod
    def ensure_in(cls, s: Session, names: builtins.list[str]) -> dict[int, str]:
        """Tags called ``names`` (id → name), creating missing ones, inside a write."""
        found: dict[int, str] = {}
        for name in names:
            name = _check_name(name)
            tid = s.scalar(select(Tag.id).where(Tag.name == name))
            if tid is None:
                tid = cls.create_in(s, name).id
            found[tid] = name
        return found
