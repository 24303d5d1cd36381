"""``book.forms``: forms the owner builds, publishes and sends, and the answers that came.

The definition itself (items, settings, checks) is :mod:`relay.forms.schema`, shared with
the relay. Here: the book's tables (``form``, ``form_version``, ``form_answer``,
``form_answer_file``), versions, links, answers and their CSV export. Applying an answer
that came through the sync is :mod:`app.forms.apply`.

Versions: the owner edits a draft; :meth:`FormService.publish` records it as a new,
immutable version when it differs from the newest one (otherwise it is that version).
Answers name the version they were given under and are always read against it.
"""

from __future__ import annotations

import base64
import builtins
import datetime as dt
import logging
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import OtokuiError
from app.forms.errors import (
    FormAnswerNotFoundError,
    FormDefinitionError,
    FormFileError,
    FormLinkUserError,
    FormNeedsRelayError,
    FormNotFoundError,
    FormNotPublishedError,
)
from app.i18n import QT_TRANSLATE_NOOP
from app.store.models import Form, FormAnswer, FormVersion, utcnow
from relay.forms import links
from relay.forms.schema import DefinitionError, FormDefinition, parse_definition

if TYPE_CHECKING:
    from app.book import Book

log = logging.getLogger("otokui.forms")

#: Per-friend links work this long unless the caller says otherwise.
DEFAULT_LINK_DAYS = 30
MAX_LINK_DAYS = 366
#: A definition file larger than this is not a form (100 items of 100 choices fit).
MAX_DEFINITION_BYTES = 1_000_000
USER_ID_CHARS = 33


@dataclass(frozen=True)
class FormInfo:
    id: int
    form_id: str
    title: str
    draft: FormDefinition
    published_version: int | None
    relay_version: int | None
    answers: int
    pending: int
    created_at: dt.datetime
    updated_at: dt.datetime
    #: Whether publishing now would make a new version.
    draft_changed: bool


@dataclass(frozen=True)
class AnswerInfo:
    answer_id: str
    form_id: str
    version: int
    customer_id: int | None
    identity: str
    status: str
    submitted_at: dt.datetime
    values: dict[str, Any]
    problems: dict[str, Any]
    notes: list[dict[str, Any]]
    candidates: list[int]


@dataclass(frozen=True)
class Published:
    version: int
    created: bool  # False: the draft was already the newest version


def parse_or_explain(data: Any) -> FormDefinition:
    """The definition, or :class:`FormDefinitionError` naming the item (detail)."""
    try:
        return parse_definition(data)
    except DefinitionError as exc:
        raise FormDefinitionError(str(exc)) from None


class FormService:
    def __init__(self, book: Book) -> None:
        self._book = book

    # --- forms -------------------------------------------------------------------------------
    def create(self, definition: Mapping[str, Any] | FormDefinition) -> FormInfo:
        parsed = definition if isinstance(definition, FormDefinition) \
            else parse_or_explain(definition)
        with self._book.db.write() as s:
            form_id = secrets.token_hex(8)
            while s.scalar(select(Form.id).where(Form.form_id == form_id)) is not None:
                form_id = secrets.token_hex(8)
            form = Form(form_id=form_id, title=parsed.title, draft=parsed.to_json(),
                        link_secret=secrets.token_bytes(links.LINK_SECRET_BYTES),
                        published_version=None, relay_version=None, created_at=utcnow(),
                        updated_at=utcnow())
            s.add(form)
            s.flush()
            pk = form.id
        log.info("form %d created (%d items)", pk, len(parsed.items))
        self._book.announce("forms", [pk])
        return self.get(pk)

    def import_file(self, path: Path) -> FormInfo:
        """Create a form from a definition file (JSON, UTF-8, with or without a BOM)."""
        try:
            with open(path, "rb") as f:
                data = f.read(MAX_DEFINITION_BYTES + 1)
        except OSError as exc:
            raise FormFileError(Path(path).name) from exc
        if len(data) > MAX_DEFINITION_BYTES:
            raise FormDefinitionError(f"the file is larger than {MAX_DEFINITION_BYTES:,} "
                                      "bytes")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FormFileError(f"{Path(path).name}: not UTF-8") from None
        return self.create(parse_or_explain(text))

    def update(self, ref: int | str, definition: Mapping[str, Any] | FormDefinition) -> None:
        """Replace the draft. Published versions stay as they are."""
        parsed = definition if isinstance(definition, FormDefinition) \
            else parse_or_explain(definition)
        with self._book.db.write() as s:
            form = self._form(s, ref)
            form.draft = parsed.to_json()
            form.title = parsed.title
            form.updated_at = utcnow()
            pk = form.id
        self._book.announce("forms", [pk])

    def list(self) -> builtins.list[FormInfo]:
        with self._book.db.read() as s:
            forms = builtins.list(s.scalars(select(Form).order_by(Form.id)))
            return [self._info(s, f) for f in forms]

    def get(self, ref: int | str) -> FormInfo:
        with self._book.db.read() as s:
            return self._info(s, self._form(s, ref))

    def definition(self, ref: int | str, version: int | None = None) -> FormDefinition:
        """A published version's definition (the newest when ``version`` is None)."""
        with self._book.db.read() as s:
            form = self._form(s, ref)
            wanted = form.published_version if version is None else version
            if wanted is None:
                raise FormNotPublishedError(form.form_id)
            row = s.get(FormVersion, (form.id, wanted))
            if row is None:
                raise FormNotPublishedError(f"{form.form_id} v{wanted}")
            return parse_definition(row.definition)

    def delete(self, ref: int | str) -> None:
        """Delete a form with its versions. Its answers stay (with the values they filled),
        readable against the definition copied into them."""
        from app.audit import AuditAction, AuditService

        with self._book.db.write() as s:
            form = self._form(s, ref)
            pk, form_id = form.id, form.form_id
            count = s.scalar(select(func.count()).select_from(FormAnswer)
                             .where(FormAnswer.form_pk == pk)) or 0
            s.delete(form)
            AuditService.add(s, AuditAction.FORM_DELETED, target=f"form:{form_id}", count=count)
        self._book.announce("forms", [pk])

    # --- publishing ---------------------------------------------------------------------------
    def publish(self, ref: int | str) -> Published:
        """Record the draft as the next version, unless it is the newest one already."""
        with self._book.db.write() as s:
            form = self._form(s, ref)
            draft = parse_definition(form.draft)
            if form.published_version is not None:
                newest = s.get(FormVersion, (form.id, form.published_version))
                if newest is not None and newest.digest == draft.digest():
                    return Published(form.published_version, created=False)
            version = (form.published_version or 0) + 1
            s.add(FormVersion(form_pk=form.id, version=version, definition=draft.to_json(),
                              digest=draft.digest(), published_at=utcnow()))
            form.published_version = version
            form.updated_at = utcnow()
            pk = form.id
        log.info("form %d published as version %d", pk, version)
        self._book.announce("forms", [pk])
        return Published(version, created=True)

    def upload(self, ref: int | str) -> int:
        """Send the newest published version to the relay (``PUT /v1/forms/{id}``), with
        the MAC key of the form's links. Returns the version the relay now has."""
        with self._book.db.read() as s:
            form = self._form(s, ref)
            if form.published_version is None:
                raise FormNotPublishedError(form.form_id)
            row = s.get(FormVersion, (form.id, form.published_version))
            assert row is not None
            pk, form_id, version = form.id, form.form_id, form.published_version
            definition, secret = dict(row.definition), bytes(form.link_secret)
        mac_key, _ = links.keys_for(secret, form_id)
        with self._book.line.relay_client() as relay:
            relay.publish_form(form_id, version, definition,
                               base64.b64encode(mac_key).decode("ascii"))
        with self._book.db.write() as s:
            stored = s.get(Form, pk)
            if stored is not None and (stored.relay_version or 0) < version:
                stored.relay_version = version
        log.info("form %d version %d is on the relay", pk, version)
        self._book.announce("forms", [pk])
        from app.autopilot.pages import publish_if_on

        publish_if_on(self._book)  # with the autopilot on, the relay learns its friend key
        return version

    # --- links ------------------------------------------------------------------------------
    def link(self, ref: int | str, line_user_id: str, *, days: int = DEFAULT_LINK_DAYS,
             now: float | None = None) -> str:
        """A per-friend URL: ``{relay}/f/{form_id}/{token}`` (relay.forms.links)."""
        user = (line_user_id or "").strip()
        if not (user.startswith("U") and len(user) == USER_ID_CHARS and user.isascii()
                and user[1:].isalnum()):
            raise FormLinkUserError()
        if not 1 <= days <= MAX_LINK_DAYS:
            raise OtokuiError(str(days), message=_LINK_DAYS, advice=_LINK_DAYS_ADVICE)
        with self._book.db.read() as s:
            form = self._form(s, ref)
            if form.published_version is None:
                raise FormNotPublishedError(form.form_id)
            form_id, secret = form.form_id, bytes(form.link_secret)
        base = self._relay_base()
        expires = int((time.time() if now is None else now) + days * 86400)
        token = links.make_token(secret, form_id, user, expires)
        return f"{base}/f/{form_id}/{token}"

    def public_link(self, ref: int | str) -> str:
        """The URL anyone may open: ``{relay}/f/{form_id}`` (answers matched later)."""
        with self._book.db.read() as s:
            form = self._form(s, ref)
            if form.published_version is None:
                raise FormNotPublishedError(form.form_id)
            form_id = form.form_id
        return f"{self._relay_base()}/f/{form_id}"

    def _relay_base(self) -> str:
        url = self._book.line.relay_url
        if not url:
            raise FormNeedsRelayError()
        return url.rstrip("/")

    # --- answers ---------------------------------------------------------------------------
    def answers(self, ref: int | str) -> builtins.list[AnswerInfo]:
        with self._book.db.read() as s:
            form = self._form(s, ref)
            rows = s.scalars(select(FormAnswer).where(FormAnswer.form_pk == form.id)
                             .order_by(FormAnswer.submitted_at, FormAnswer.id))
            return [_answer_info(r) for r in rows]

    def answer(self, answer_id: str) -> AnswerInfo:
        with self._book.db.read() as s:
            row = s.scalar(select(FormAnswer).where(FormAnswer.answer_id == answer_id))
            if row is None:
                raise FormAnswerNotFoundError()
            return _answer_info(row)

    def pending(self) -> builtins.list[AnswerInfo]:
        """Public answers that matched several customers: the owner decides."""
        with self._book.db.read() as s:
            rows = s.scalars(select(FormAnswer).where(FormAnswer.status == "pending")
                             .order_by(FormAnswer.submitted_at, FormAnswer.id))
            return [_answer_info(r) for r in rows]

    def export_answers(self, ref: int | str, path: Path) -> int:
        from app.forms.export import export_answers

        return export_answers(self._book, ref, Path(path))

    # --- helpers ----------------------------------------------------------------------------
    @staticmethod
    def _form(s: Session, ref: int | str) -> Form:
        """A form by its public id (16 hex digits) or its number in this book."""
        form = None
        text = str(ref).strip()
        if links.is_form_id(text):
            form = s.scalar(select(Form).where(Form.form_id == text))
        elif text.isdigit():
            form = s.get(Form, int(text))
        if form is None:
            raise FormNotFoundError(text[:20])
        return form

    @staticmethod
    def _info(s: Session, form: Form) -> FormInfo:
        counts = dict(s.execute(
            select(FormAnswer.status, func.count()).where(FormAnswer.form_pk == form.id)
            .group_by(FormAnswer.status)).all())
        draft = parse_definition(form.draft)
        newest = None if form.published_version is None else s.get(
            FormVersion, (form.id, form.published_version))
        return FormInfo(id=form.id, form_id=form.form_id, title=form.title, draft=draft,
                        published_version=form.published_version,
                        relay_version=form.relay_version,
                        answers=sum(counts.values()), pending=counts.get("pending", 0),
                        created_at=form.created_at, updated_at=form.updated_at,
                        draft_changed=newest is None or newest.digest != draft.digest())


def _answer_info(row: FormAnswer) -> AnswerInfo:
    return AnswerInfo(answer_id=row.answer_id, form_id=row.form_id, version=row.version,
                      customer_id=row.customer_id, identity=row.identity, status=row.status,
                      submitted_at=row.submitted_at, values=dict(row.answer_values or {}),
                      problems=dict(row.problems or {}), notes=list(row.notes or []),
                      candidates=list(row.candidates or []))


_LINK_DAYS = QT_TRANSLATE_NOOP("forms", "A link can work for 1 to 366 days.")
_LINK_DAYS_ADVICE = QT_TRANSLATE_NOOP("forms", "Choose a number of days in that range.")
