"""The relay's copy of published form definitions (``relay_forms``, ``relay_form_versions``).

A desktop publishes a form with ``PUT /v1/forms/{id}`` (:mod:`relay.forms.http`): the
definition (not personal: the shop's own titles, labels and choices), its version, and the
MAC key that verifies the form's per-friend links. Versions are immutable: publishing a
version again with the same definition changes nothing; with another definition it is
refused, and so is a version older than the newest. The relay's public pages (built on
this) render the newest version and seal answers naming it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, and_, delete, func, insert, select
from sqlalchemy import update as sa_update

from relay.forms.items import AnswerItem, FileItem, answer_plaintext, file_plaintext
from relay.forms.links import friend_ref_hash
from relay.forms.schema import DefinitionError, FormDefinition, parse_definition
from relay.group_commit import GroupCommit
from relay.schema import DEFAULT_SHOP, devices, form_answers, form_versions, forms
from relay.store import Store

OPEN = "open"
DELETED = "deleted"
#: How long the pages trust a form read from the database (see FormStore.recent).
RECENT_SECONDS = 1.0


class VersionExists(Exception):
    """This version was published before with another definition (versions are immutable)."""


class StaleVersion(Exception):
    """A newer version of the form is published already."""

    def __init__(self, current: int) -> None:
        super().__init__(f"version {current} is published")
        self.current = current


class FormDeleted(Exception):
    """The form was deleted; its id is not used again."""


class DeviceGone(Exception):
    """The device was revoked after it authenticated."""


class OtherShops(Exception):
    """The form id is another shop's form (on a relay serving several shops)."""


class FormGone(Exception):
    """The form is unknown or was deleted (a friend may still have its page open)."""


class FormClosed(Exception):
    """The form takes no answers now: before ``open_from``, from ``open_until`` on, or it
    has its ``max_answers``."""


class AlreadyAnswered(Exception):
    """This friend answered this form already and it takes one answer per friend."""


class NoDevice(Exception):
    """No paired device to seal the answer for: nothing was stored."""


@dataclass(frozen=True)
class Published:
    form_id: str
    version: int
    digest: str
    created: bool  # False when this exact version was there already


@dataclass(frozen=True)
class PublishedForm:
    form_id: str
    version: int
    digest: str
    definition: FormDefinition
    link_mac_key: bytes | None
    state: str
    #: The shop of the device that published it (its page links that shop's policy).
    shop_id: str = DEFAULT_SHOP


class FormStore:
    def __init__(self, store: Store) -> None:
        self._store = store
        #: The pages' answers, many per durable commit (relay/group_commit.py): one fsync
        #: each had capped a relay at the disk's commits per second.
        self.commits = GroupCommit(store, "relay-form-answers")
        #: Newest versions read for the pages, by form id: (when read, the form).
        self._recent: dict[str, tuple[float, PublishedForm | None]] = {}
        self._recent_lock = threading.Lock()

    def recent(self, form_id: str) -> PublishedForm | None:
        """:meth:`get` as read at most :data:`RECENT_SECONDS` ago (the pages read the
        same form for every friend who opens it). Publishing or deleting through this
        relay forgets it at once; another relay instance on the same database is seen
        within that time, and an answer is checked against the database anyway
        (:meth:`accept_answer_in`), so a form deleted there takes no answer."""
        known, found = self.peek(form_id)
        if known:
            return found
        now = time.monotonic()
        found = self.get(form_id)
        with self._recent_lock:
            if len(self._recent) >= _PARSED_MAX:
                self._recent.clear()
            self._recent[form_id] = (now, found)
        return found

    def peek(self, form_id: str) -> tuple[bool, PublishedForm | None]:
        """(True, the form) when :meth:`recent` knows it without reading the database
        (the event loop may call this); else (False, None)."""
        with self._recent_lock:
            hit = self._recent.get(form_id)
        if hit is not None and time.monotonic() - hit[0] < RECENT_SECONDS:
            return True, hit[1]
        return False, None

    def _forget(self, form_id: str) -> None:
        with self._recent_lock:
            self._recent.pop(form_id, None)

    async def accept(self, answer: AnswerItem, files: Sequence[FileItem],
                     friend_ref: str | None, now_ms: int,
                     also: Callable[[Connection], None] | None = None,
                     ) -> tuple[AnswerItem, list[int]]:
        """:meth:`accept_answer` in a transaction shared with other pages' answers; it
        returns (or raises) once that transaction is committed."""
        return await self.commits.run(
            lambda conn: self.accept_answer_in(conn, answer, files, friend_ref, now_ms, also))

    def close(self) -> None:
        """Finish the answers being written (at the relay's stop)."""
        self.commits.stop()

    def publish(self, device_id: str, form_id: str, version: int, definition: FormDefinition,
                link_mac_key: bytes | None, now_ms: int) -> Published:
        try:
            return self._publish(device_id, form_id, version, definition, link_mac_key,
                                 now_ms)
        finally:
            self._forget(form_id)  # the pages read it again

    def _publish(self, device_id: str, form_id: str, version: int,
                 definition: FormDefinition, link_mac_key: bytes | None,
                 now_ms: int) -> Published:
        digest = definition.digest()
        with self._store.write_transaction() as conn:
            if conn.execute(select(devices.c.id).where(
                    devices.c.id == device_id, devices.c.revoked_at.is_(None))).first() is None:
                raise DeviceGone
            row = conn.execute(select(forms.c.version, forms.c.state, forms.c.device_id)
                               .where(forms.c.form_id == form_id).with_for_update()).first()
            if row is not None and _shop_of(conn, row.device_id) != _shop_of(conn, device_id):
                raise OtherShops  # a form belongs to the shop whose device published it
            if row is not None and row.state == DELETED:
                raise FormDeleted
            existing = conn.execute(select(form_versions.c.digest).where(
                form_versions.c.form_id == form_id,
                form_versions.c.version == version)).scalar()
            if existing is not None:
                if existing != digest:
                    raise VersionExists
                if link_mac_key is not None:
                    conn.execute(sa_update(forms).where(forms.c.form_id == form_id)
                                 .values(link_mac_key=link_mac_key, updated_at=now_ms))
                return Published(form_id, version, digest, created=False)
            if row is not None and version < row.version:
                raise StaleVersion(row.version)
            conn.execute(insert(form_versions).values(
                form_id=form_id, version=version, digest=digest,
                definition=definition.canonical_bytes(), published_at=now_ms))
            if row is None:
                conn.execute(insert(forms).values(
                    form_id=form_id, device_id=device_id, link_mac_key=link_mac_key,
                    version=version, state=OPEN, created_at=now_ms, updated_at=now_ms))
            else:
                values: dict[str, object] = {"version": version, "updated_at": now_ms,
                                             "device_id": device_id}
                if link_mac_key is not None:
                    values["link_mac_key"] = link_mac_key
                conn.execute(sa_update(forms).where(forms.c.form_id == form_id).values(**values))
        return Published(form_id, version, digest, created=True)

    def shop_of_device(self, device_id: str) -> str:
        with self._store.read_transaction() as conn:
            return _shop_of(conn, device_id)

    def get(self, form_id: str, version: int | None = None, *,
            shop_id: str | None = None) -> PublishedForm | None:
        """The form at ``version`` (default: the newest), or None when unknown (or, with
        ``shop_id``, when it is another shop's)."""
        with self._store.read_transaction() as conn:
            # One read of the form with its shop; a published version never changes (it
            # is refused), so its parsed definition is kept by digest and its JSON read
            # only the first time: the page's own cost per request stays small.
            row = conn.execute(
                select(forms.c.version, forms.c.state, forms.c.link_mac_key,
                       devices.c.shop_id, form_versions.c.digest)
                .select_from(forms.outerjoin(devices, devices.c.id == forms.c.device_id)
                             .outerjoin(form_versions, and_(
                                 form_versions.c.form_id == forms.c.form_id,
                                 form_versions.c.version == forms.c.version)))
                .where(forms.c.form_id == form_id)).first()
            if row is None:
                return None
            owner = str(row.shop_id or DEFAULT_SHOP)
            if shop_id is not None and owner != shop_id:
                return None
            if row.state == DELETED:
                return PublishedForm(form_id, row.version, "", _EMPTY, None, DELETED, owner)
            wanted = row.version if version is None else version
            where = (form_versions.c.form_id == form_id, form_versions.c.version == wanted)
            digest = row.digest if wanted == row.version else conn.execute(
                select(form_versions.c.digest).where(*where)).scalar()
            if digest is None:
                return None
            definition = _PARSED.get((form_id, wanted, digest))
            if definition is None:
                blob = conn.execute(select(form_versions.c.definition).where(*where)).scalar()
                try:
                    definition = parse_definition(json.loads(bytes(blob or b"")))
                except (DefinitionError, ValueError):  # stored by us, checked before: a bug
                    raise RuntimeError(
                        f"form {form_id} version {wanted} no longer parses") from None
                if len(_PARSED) >= _PARSED_MAX:
                    _PARSED.clear()
                _PARSED[(form_id, wanted, digest)] = definition
        return PublishedForm(form_id, wanted, digest, definition, row.link_mac_key,
                             row.state, owner)

    def delete(self, form_id: str, now_ms: int, *, shop_id: str | None = None) -> bool:
        """Take a form down: its versions are deleted, its id stays refused. With
        ``shop_id``, only that shop's form (False for another shop's)."""
        try:
            return self._delete(form_id, now_ms, shop_id)
        finally:
            self._forget(form_id)  # the pages read it again

    def _delete(self, form_id: str, now_ms: int, shop_id: str | None) -> bool:
        with self._store.write_transaction() as conn:
            if shop_id is not None:
                owner = conn.execute(select(forms.c.device_id).where(
                    forms.c.form_id == form_id)).scalar()
                if owner is None or _shop_of(conn, owner) != shop_id:
                    return False
            done = conn.execute(sa_update(forms).where(
                forms.c.form_id == form_id, forms.c.state == OPEN)
                .values(state=DELETED, link_mac_key=None, updated_at=now_ms)).rowcount
            conn.execute(delete(form_versions).where(form_versions.c.form_id == form_id))
            conn.execute(delete(form_answers).where(form_answers.c.form_id == form_id))
        return bool(done)

    def accept_answer(self, answer: AnswerItem, files: Sequence[FileItem],
                      friend_ref: str | None, now_ms: int,
                      also: Callable[[Connection], None] | None = None
                      ) -> tuple[AnswerItem, list[int]]:
        """Take an answer already checked (link and :func:`validate_answer`) against the
        version it names: in one durable transaction, check that the form still
        takes answers, keep one answer per friend (``friend_ref`` from the link's
        :class:`~relay.forms.links.LinkClaims`, None for a public link), count it, and
        seal and queue it with its files (files first) for every paired device.

        When the form lets a friend edit their last answer, a second answer ``replaces``
        the first (set here). Returns the answer as sealed and its queue seqs. Raises
        :class:`FormGone`, :class:`FormClosed`, :class:`AlreadyAnswered` or
        :class:`NoDevice`; nothing is stored then. ``also`` writes in the same
        transaction (the autopilot's claim on the thank-you, relay.autopilot_pages).
        """
        with self._store.write_transaction() as conn:
            return self.accept_answer_in(conn, answer, files, friend_ref, now_ms, also)

    def accept_answer_in(self, conn: Connection, answer: AnswerItem,
                         files: Sequence[FileItem], friend_ref: str | None, now_ms: int,
                         also: Callable[[Connection], None] | None = None,
                         ) -> tuple[AnswerItem, list[int]]:
        """:meth:`accept_answer` inside the caller's write transaction; ``also`` runs last
        in it (the autopilot's claim on the thank-you: relay/autopilot_pages.py)."""
        row = conn.execute(select(forms.c.version, forms.c.state, forms.c.device_id)
                           .where(forms.c.form_id == answer.form_id)
                           .with_for_update()).first()
        if row is None or row.state != OPEN:
            raise FormGone
        # The answer goes to the devices of the shop whose device published the form.
        shop_id = _shop_of(conn, row.device_id)
        # An older version's page still open when a newer one was published: its
        # answer is taken against that version (versions stay, immutable).
        where = (form_versions.c.form_id == answer.form_id,
                 form_versions.c.version == answer.version)
        digest = conn.execute(select(form_versions.c.digest).where(*where)).scalar()
        if digest is None:
            raise FormGone
        definition = _PARSED.get((answer.form_id, answer.version, digest))
        if definition is None:
            definition = parse_definition(json.loads(bytes(conn.execute(
                select(form_versions.c.definition).where(*where)).scalar_one())))
        now = dt.datetime.fromtimestamp(now_ms / 1000, dt.UTC)
        if not definition.is_open(now):
            raise FormClosed
        if definition.max_answers is not None and conn.execute(
                select(func.count()).select_from(form_answers).where(
                    form_answers.c.form_id == answer.form_id)).scalar_one() \
                >= definition.max_answers:
            raise FormClosed
        friend_hash = None if friend_ref is None else friend_ref_hash(answer.form_id,
                                                                      friend_ref)
        if friend_hash is not None and definition.one_answer_per_friend:
            earlier = conn.execute(
                select(form_answers.c.answer_id).where(
                    form_answers.c.form_id == answer.form_id,
                    form_answers.c.friend_hash == friend_hash)
                .order_by(form_answers.c.received_at.desc()).limit(1)).scalar()
            if earlier is not None:
                if not definition.may_edit_last_answer:
                    raise AlreadyAnswered
                answer = dataclasses.replace(answer, replaces=earlier)
        plaintexts = [file_plaintext(f) for f in files] + [answer_plaintext(answer)]
        seqs = self._store.queue_items_in(conn, plaintexts, now_ms, shop_id)
        if seqs is None:
            raise NoDevice
        conn.execute(insert(form_answers).values(
            answer_id=answer.answer_id, form_id=answer.form_id, friend_hash=friend_hash,
            received_at=now_ms))
        if also is not None:
            also(conn)
        return answer, seqs


_EMPTY = FormDefinition(title="", items=())
#: Parsed published versions by (form id, version, digest); immutable, so never stale.
_PARSED: dict[tuple[str, int, str], FormDefinition] = {}
_PARSED_MAX = 256


def _shop_of(conn: Connection, device_id: str) -> str:
    """The shop of a device (revoked or not: a form stays its shop's)."""
    return str(conn.execute(select(devices.c.shop_id).where(devices.c.id == device_id))
               .scalar() or DEFAULT_SHOP)


def queue_answer(store: Store, answer: AnswerItem, files: Sequence[FileItem],
                 now_ms: int) -> list[int] | None:
    """Seal an accepted answer and its files for every paired device and queue them, files
    first, in one durable transaction (the pages call this once the answer passed
    :func:`relay.forms.schema.validate_answer`). Their seqs, or None when no device is
    paired (then nothing is stored and the friend must be told to try later). The caller
    wakes waiting long-polls (``RelayService.new_events.notify``)."""
    plaintexts = [file_plaintext(f) for f in files] + [answer_plaintext(answer)]
    return store.queue_items(plaintexts, now_ms)
