"""Applying a form answer that came from the relay: once, checked again, never lost.

The relay seals each answer (and each uploaded file) for every paired desktop
(:mod:`relay.forms.items`); the sync opens it and calls :func:`apply_form_answer`.
The desktop trusts no relay, so before anything is filled:

1. **Once.** An ``answer_id`` the book holds already is a duplicate: nothing happens.
2. **Checked again** against the book's own copy of the version the answer names
   (:func:`relay.forms.schema.validate_answer` on the raw values as posted). An answer
   that does not pass, names a form or version this book does not have, or comes with a
   per-friend link whose MAC or friend part does not open with the form's link secret
   (or that had expired when it was sent) is kept as ``refused`` with the reason, and
   nothing else changes.
3. **Who.** A per-friend link names the friend (their LINE user id, decrypted here); a
   friend not yet in the book becomes a customer. A public answer is matched by the phone
   numbers and e-mail addresses it gives: exactly one customer → that one; none → a new
   customer; several → ``pending``, for the owner to decide (:func:`assign_pending`).
4. **Filled**, in one write transaction with the answer's row: built-in fields and custom
   fields (``field:NAME`` is created with the item's type if missing), keeping existing
   values unless the item says ``overwrite``; tags of the chosen choices and the form's
   ``tags_on_answer`` (choices may remove tags too); uploaded files become attachments;
   a timeline entry. What could not be filled is noted on the answer (``notes``), in the
   owner's words, and the rest still applies.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app import domain_events, search, textnorm
from app.attachments import AttachmentService, StoredBlob
from app.audit import AuditService, change_data
from app.customers import CustomerService, apply_fields
from app.errors import ValidationError
from app.fields import SEARCHED_TYPES, FieldType, from_row, to_columns
from app.fields import validate as validate_field
from app.forms.errors import FormAnswerNotFoundError, FormAnswerNotPendingError
from app.i18n import QT_TRANSLATE_NOOP
from app.privacy import consent
from app.store.models import (
    BookSetting,
    Customer,
    CustomField,
    DomainEvent,
    FieldValue,
    Form,
    FormAnswer,
    FormAnswerFile,
    FormVersion,
    Tag,
    TimelineEvent,
    utcnow,
)
from app.store.models_privacy import PrivacyConsent, PrivacyPolicyVersion
from app.sync.front_items import FrontEffects
from app.tags import TagService
from relay.forms import links
from relay.forms.items import (
    ANSWER_MAGIC,
    AnswerItem,
    FileItem,
    ItemFormatError,
    read_answer,
    sniff_content_type,
)
from relay.forms.schema import (
    FILE_KINDS,
    FILE_MAX_BYTES,
    JST,
    DefinitionError,
    FormDefinition,
    Item,
    parse_definition,
    validate_answer,
)

if TYPE_CHECKING:
    from sqlalchemy import CursorResult

    from app.book import Book

log = logging.getLogger("otokui.forms")
_CTX = "forms"

APPLIED, PENDING, REFUSED, REPLACED, DUPLICATE = (
    "applied", "pending", "refused", "replaced", "duplicate")
#: A refused answer beyond the cap: not stored, only counted (see MAX_REFUSED_ANSWERS).
OVERFLOW = "overflow"
#: At most this many refused answers are kept in the book (as set-aside events are, at most
#: 100): a relay in the wrong hands could otherwise fill the book with answers that fill
#: nothing. More are only counted, in the book setting KEY_REFUSED_OVERFLOW.
MAX_REFUSED_ANSWERS = 100
KEY_REFUSED_OVERFLOW = "forms.refused_overflow"

#: What applying could not do, by code; ``%1`` is the item's label, ``%2`` a name.
NOTE_TEXTS = {
    "unknown_form": QT_TRANSLATE_NOOP(
        _CTX, "This answer is for a form this book does not have (deleted, or made on "
        "another computer). It is kept here; nothing was filled in."),
    "unknown_version": QT_TRANSLATE_NOOP(
        _CTX, "This answer is for a version of the form this book does not have. It is "
        "kept here; nothing was filled in."),
    "invalid": QT_TRANSLATE_NOOP(
        _CTX, "This answer did not pass the form's checks on this computer, so nothing "
        "was filled in. It is kept here as it was sent."),
    "forged_link": QT_TRANSLATE_NOOP(
        _CTX, "This answer came with a link this book did not make (or one that was "
        "changed), so nothing was filled in. It is kept here as it was sent."),
    "expired_link": QT_TRANSLATE_NOOP(
        _CTX, "This answer was sent after its link had expired, so nothing was filled "
        "in. It is kept here as it was sent."),
    "several_match": QT_TRANSLATE_NOOP(
        _CTX, "Several customers have this phone number or e-mail address. Choose who "
        "sent it."),
    "new_customer": QT_TRANSLATE_NOOP(
        _CTX, "No customer matched, so a new customer was added."),
    "kept": QT_TRANSLATE_NOOP(
        _CTX, "%1: the customer already had a value, which was kept."),
    "not_valid_here": QT_TRANSLATE_NOOP(
        _CTX, "%1: the answer does not fit the customer's field, so it is kept with the "
        "answer only."),
    "field_type": QT_TRANSLATE_NOOP(
        _CTX, "%1: the custom field %2 is of another kind, so the answer is kept with the "
        "answer only."),
    "not_a_choice": QT_TRANSLATE_NOOP(
        _CTX, "%1: the custom field %2 has no such choice, so the answer is kept with the "
        "answer only."),
    "file_missing": QT_TRANSLATE_NOOP(
        _CTX, "%1: a file has not arrived yet; it will be attached when it does."),
}

#: The custom field type made for an item type, when ``field:NAME`` does not exist yet.
_FIELD_TYPE_FOR = {
    "text": FieldType.TEXT, "long_text": FieldType.LONG_TEXT, "number": FieldType.NUMBER,
    "date": FieldType.DATE, "birthday": FieldType.DATE, "phone": FieldType.TEXT,
    "email": FieldType.TEXT, "name": FieldType.TEXT, "address": FieldType.TEXT,
}


def note_text(note: Mapping[str, Any]) -> str:
    """A stored note as English source text with its names filled in (the UI translates
    the source first, in the "forms" context)."""
    text = NOTE_TEXTS.get(str(note.get("code")), str(note.get("code")))
    return text.replace("%1", str(note.get("label", ""))).replace("%2",
                                                                  str(note.get("name", "")))


@dataclass
class ApplyResult:
    status: str
    answer_id: str
    customer_id: int | None = None
    created_customer: bool = False
    notes: list[dict[str, Any]] = field(default_factory=list)


def apply_form_answer(book: Book, item: AnswerItem | Mapping[str, Any] | bytes) -> ApplyResult:
    """Apply one sealed answer (its plaintext, the JSON object after the magic line, or
    the parsed :class:`AnswerItem`) in its own write transaction. Idempotent by
    ``answer_id``.

    Raises :class:`relay.forms.items.ItemFormatError` when it is not an answer at all
    (the sync sets such an item aside); every other outcome is stored.
    """
    answer = _as_item(item)
    effects = FrontEffects()
    try:
        with book.db.write() as s:
            result = apply_form_answer_in(book, s, answer, effects)
    except BaseException:
        book.attachments.remove_blobs(effects.blobs)
        raise
    effects.announce(book)
    return result


def apply_form_answer_in(book: Book, s: Session,
                         item: AnswerItem | Mapping[str, Any] | bytes,
                         effects: FrontEffects, *,
                         max_refused: int = MAX_REFUSED_ANSWERS,
                         batch: Batch | None = None) -> ApplyResult:
    """:func:`apply_form_answer` inside the caller's write transaction (the sync applies
    a pulled batch's answers in one). Blobs stored and what to announce go to
    ``effects``: the caller removes the blobs if the transaction is rolled back, and
    announces after it commits. A refused answer beyond ``max_refused`` kept is only
    counted (OVERFLOW).

    With ``batch`` (:class:`Batch`, the sync's pulled batch), look-ups are shared by the
    batch's answers and the timeline, domain events, tags and search index are written
    for all of them at once by :meth:`Batch.finish`; otherwise they are written here."""
    answer = _as_item(item)
    alone = batch is None
    if batch is None:
        batch = Batch(s, [answer])
    if batch.known_answer(s, answer.answer_id):
        return ApplyResult(DUPLICATE, answer.answer_id)
    # With a pulled batch, the caller holds each item's savepoint (app.sync.front_items);
    # alone, this one takes back what a failing answer wrote before it failed.
    savepoint = s.begin_nested() if alone else None
    batch.start_item(answer.answer_id)
    try:
        result = _apply(book, s, answer, effects.blobs, batch)
    except BaseException:
        if savepoint is not None:
            batch.settle(False)
            if savepoint.is_active:
                savepoint.rollback()
        raise
    if result.status == REFUSED and batch.refused_count(s) + 1 > max_refused:
        # A refused answer writes nothing but its own row, which is still in the batch's
        # memory (written by Batch.finish): dropping the item drops it.
        batch.drop_item()
        _count_overflow(s)
        log.warning("a refused form answer was only counted: %d are kept already",
                    max_refused)
        if savepoint is not None:
            savepoint.commit()
        return ApplyResult(OVERFLOW, answer.answer_id)
    if savepoint is not None:
        batch.settle(True)
        batch.finish(s)
        savepoint.commit()
    log.debug("form answer applied: %s%s", result.status,
              f" (customer {result.customer_id})" if result.customer_id else "")
    effects.add("forms")
    if result.customer_id is not None:
        effects.add("customers", result.customer_id)
    return result


def _count_overflow(s: Session) -> None:
    row = s.get(BookSetting, KEY_REFUSED_OVERFLOW)
    value = dict(row.value) if row is not None and isinstance(row.value, dict) else {}
    stored = value.get("count")
    now = utcnow().isoformat(timespec="seconds")
    s.merge(BookSetting(key=KEY_REFUSED_OVERFLOW, value={
        "count": (stored if isinstance(stored, int) else 0) + 1,
        "first": value.get("first") or now, "last": now}))


def store_form_file(book: Book, item: FileItem) -> bool:
    """Keep an uploaded file (it arrives before its answer) in its own write transaction.
    If its answer is already applied to a customer, it becomes their attachment now.
    False for a duplicate."""
    effects = FrontEffects()
    try:
        with book.db.write() as s:
            stored = store_form_file_in(book, s, item, effects)
    except BaseException:
        book.attachments.remove_blobs(effects.blobs)
        raise
    effects.announce(book)
    return stored


def store_form_file_in(book: Book, s: Session, item: FileItem, effects: FrontEffects,
                       batch: Batch | None = None) -> bool:
    """:func:`store_form_file` inside the caller's write transaction (see
    :func:`apply_form_answer_in`); with the pulled ``batch``, its answers not yet written
    are looked at too."""
    if sniff_content_type(item.data) != item.content_type or item.content_type not in {
            t for kinds in FILE_KINDS.values() for t in kinds} \
            or not 0 < len(item.data) <= FILE_MAX_BYTES:
        # Checked again here: the relay says what the bytes are; the bytes must agree.
        raise ItemFormatError("form file is not the photo or PDF it claims to be")
    if s.get(FormAnswerFile, item.file_id) is not None:
        return False
    s.add(FormAnswerFile(file_id=item.file_id, answer_id=item.answer_id,
                         item_key=item.key[:40], file_name=item.name[:255],
                         content_type=item.content_type, size=len(item.data),
                         sha256=item.sha256, data=item.data, received_at=utcnow()))
    s.flush()
    answer = batch.pending_answer(item.answer_id) if batch is not None else None
    if answer is None:
        answer = s.scalar(select(FormAnswer).where(FormAnswer.answer_id == item.answer_id))
    if answer is not None and answer.status == APPLIED and answer.customer_id:
        customer_id = answer.customer_id
        fields = _field_ids_for_files(s, answer)
        _attach_files(book, s, answer, customer_id, fields, effects.blobs, notes=None)
        effects.add("customers", customer_id)
    return True


def assign_pending(book: Book, answer_id: str, customer_id: int | None) -> int:
    """The owner's decision for a pending answer: apply it to ``customer_id``, or to a new
    customer (None). Returns the customer's id."""
    blobs: list[str] = []
    try:
        with book.db.write() as s:
            row = s.scalar(select(FormAnswer).where(FormAnswer.answer_id == answer_id))
            if row is None:
                raise FormAnswerNotFoundError()
            if row.status != PENDING:
                raise FormAnswerNotPendingError()
            definition = _version(s, row)
            assert definition is not None  # a pending answer was checked against it
            created = False
            if customer_id is None:
                customer = CustomerService.create_in(s, {})
                AuditService.timeline_add(s, customer.id, "created")
                created = True
            else:
                found = s.get(Customer, customer_id)
                if found is None:
                    from app.errors import NotFoundError

                    raise NotFoundError(f"customer {customer_id}")
                customer = found
            notes = [n for n in row.notes if n.get("code") != "several_match"]
            if created:
                notes.append({"code": "new_customer"})
            _fill(book, s, row, definition, customer, notes, blobs)
            row.status, row.customer_id, row.candidates, row.notes = (
                APPLIED, customer.id, [], notes)
            cid = customer.id
    except BaseException:
        book.attachments.remove_blobs(blobs)
        raise
    book.announce("forms")
    book.announce("customers", [cid])
    return cid


# --- the steps ------------------------------------------------------------------------------

def _as_item(item: AnswerItem | Mapping[str, Any] | bytes) -> AnswerItem:
    if isinstance(item, AnswerItem):
        return item
    if isinstance(item, bytes):
        return read_answer(item)
    if not isinstance(item, Mapping):
        raise ItemFormatError("not a form answer")
    try:
        plaintext = ANSWER_MAGIC + json.dumps(dict(item), ensure_ascii=False).encode("utf-8")
    except (TypeError, ValueError):
        raise ItemFormatError("not a form answer") from None
    return read_answer(plaintext)


def _apply(book: Book, s: Session, answer: AnswerItem, blobs: list[str],
           batch: Batch) -> ApplyResult:
    # The answer's row is not an ORM object in the session: the batch writes every
    # answer's row at once (Batch.finish), one executemany instead of a flush per answer.
    row = cast(FormAnswer, _AnswerRow(
        answer_id=answer.answer_id, form_id=answer.form_id, form_pk=None,
        version=answer.version, customer_id=None,
        identity=answer.identity.get("kind", "public"), status=REFUSED,
        submitted_at=dt.datetime.fromtimestamp(answer.submitted_at / 1000, dt.UTC)
        .replace(tzinfo=None),
        received_at=utcnow(), answer_values={},
        raw={"fields": answer.fields,
             "files": {k: [r.to_json() for r in v] for k, v in answer.files.items()}},
        problems={}, notes=[], candidates=[], replaces=answer.replaces))
    deferred = batch.add_answer(row)
    result = ApplyResult(REFUSED, answer.answer_id)

    def refuse(code: str) -> ApplyResult:
        row.notes = [{"code": code}]
        result.notes = row.notes
        return result

    form = batch.form(s, answer.form_id)
    if form is None:
        return refuse("unknown_form")
    row.form_pk = form.id
    definition = batch.version(s, row)
    if definition is None:
        return refuse("unknown_version")
    # The friend's date when they sent it bounds birthdays, as it did on the relay.
    sent_day = dt.datetime.fromtimestamp(answer.submitted_at / 1000, JST).date()
    checked = validate_answer(definition, answer.fields, answer.files, today=sent_day)
    if not checked.ok:
        row.problems = {k: {"code": p.code, "message": p.message}
                        for k, p in checked.problems.items()}
        return refuse("invalid")
    row.answer_values = checked.values

    customer: _Person | None = None
    created = False
    notes: list[dict[str, Any]] = []
    if answer.identity.get("kind") in ("link", "liff"):
        if answer.identity["kind"] == "liff":
            # Verified by the relay with LINE Login (the ID token itself expires within
            # the hour, so the desktop cannot check it again): the shop's relay is trusted
            # for this one fact, as it is for the LINE deliveries it verifies.
            user_id = answer.identity["user_id"]
        else:
            try:
                user_id, claims = batch.friend_of(
                    answer.link_token or "", answer.form_id, bytes(form.link_secret))
            except links.LinkError:
                return refuse("forged_link")
            if answer.submitted_at > claims.expires_at * 1000:
                return refuse("expired_link")
        customer = batch.friend(s, user_id)
        if customer is None:
            customer = batch.new_customer(s, {"line_user_id": user_id})
            created = True
    else:
        candidates = batch.matches(s, definition, checked.values)
        if len(candidates) > 1:
            row.status, row.candidates = PENDING, candidates
            row.notes = [{"code": "several_match"}]
            result.status, result.notes = PENDING, row.notes
            return result
        if candidates:
            customer = batch.person(s, candidates[0])
        if customer is None:
            customer = batch.new_customer(s, {})
            created = True
            notes.append({"code": "new_customer"})
    batch.touch(customer)
    _fill(book, s, row, definition, cast(Customer, customer), notes, blobs, deferred, batch,
          instant=answer.instant)
    row.status, row.customer_id, row.notes = APPLIED, customer.id, notes
    if answer.replaces:
        deferred.replaced.append({"a": answer.replaces, "f": answer.form_id,
                                  "c": customer.id})
    return ApplyResult(APPLIED, answer.answer_id, customer.id, created, notes)


def _version(s: Session, row: FormAnswer) -> FormDefinition | None:
    if row.form_pk is None:
        return None
    version = s.get(FormVersion, (row.form_pk, row.version))
    if version is None:
        return None
    parsed = _PARSED.get(version.digest)
    if parsed is not None:
        return parsed
    try:
        parsed = parse_definition(version.definition)
    except DefinitionError:  # stored by this book after the same check: a bug
        log.exception("form version %d of form %d no longer parses", row.version,
                      row.form_pk)
        return None
    if len(_PARSED) >= 64:
        _PARSED.clear()
    _PARSED[version.digest] = parsed
    return parsed


#: Parsed published versions by digest (a published version never changes: a trigger
#: refuses it): parsing a 15-item definition again for each answer of a batch cost about
#: as much as applying the answer.
_PARSED: dict[str, FormDefinition] = {}


def _match_keys(definition: FormDefinition, values: Mapping[str, Any],
                ) -> tuple[set[str], set[str]]:
    """The phone numbers (digits) and e-mail addresses (keys) a public answer gives."""
    digits: set[str] = set()
    emails: set[str] = set()
    for item in definition.items:
        value = values.get(item.key)
        if item.type == "phone" and isinstance(value, str):
            d = textnorm.phone_digits(value)
            if d:
                digits.add(d)
        elif item.type == "email" and isinstance(value, str):
            e = textnorm.email_key(value)
            if e:
                emails.add(e)
    return digits, emails


def _fill(book: Book, s: Session, row: FormAnswer, definition: FormDefinition,
          customer: Customer, notes: list[dict[str, Any]], blobs: list[str],
          deferred: _Deferred | None = None, batch: Batch | None = None, *,
          instant: bool = False) -> None:
    """Fill the customer from the answer. The timeline, domain events, tags and search
    index go to ``deferred`` (written at once for a whole batch); without it, here."""
    now_deferred = deferred is None
    if deferred is None:
        deferred = _Deferred()
    values = row.answer_values or {}
    builtin: dict[str, Any] = {}
    field_items: list[Item] = []
    for item in definition.items:
        if item.key not in values or item.to is None:
            continue
        if item.field_name is not None:
            field_items.append(item)
            continue
        for name, value in _builtin_values(item, values[item.key]).items():
            current = getattr(customer, name)
            if current not in (None, "") and not item.overwrite:
                if current != _comparable(name, value):
                    notes.append({"code": "kept", "item": item.key, "label": item.label})
                continue
            try:
                apply_fields(customer, {name: value})
            except ValidationError:
                notes.append({"code": "not_valid_here", "item": item.key,
                              "label": item.label})
                continue
            builtin[name] = value
    changed = [n for n in builtin]
    for name in changed:
        deferred.timeline_add(customer.id, "field_changed", field=name)
        deferred.emit(domain_events.FIELD_CHANGED,
                      key=f"field:{customer.id}:{name}:{uuid.uuid4().hex}",
                      customer_id=customer.id, data={"field": name})
    if changed:
        customer.updated_at = utcnow()
        deferred.reindex.add(customer.id)
    fields_by_key = _custom_fields(s, field_items, notes, batch)
    for item in field_items:
        fld = fields_by_key.get(item.key)
        if fld is None or item.type == "file":
            continue
        _set_custom(s, customer.id, item, fld, values[item.key], notes, deferred, batch)
    add, remove = _tag_changes(definition, values)
    if batch is not None:
        deferred.tags.append((customer.id, batch.tags(s, add, create=True),
                              batch.tags(s, remove, create=False)))
    else:
        deferred.tags.append((customer.id, TagService.ensure_in(s, list(add)) if add else {},
                              _existing_tags(s, remove)))
    if any(item.type == "file" for item in definition.items):
        _attach_files(book, s, row, customer.id,
                      {k: f.id for k, f in fields_by_key.items()}, blobs, notes=notes,
                      definition=definition)
    deferred.answered.append({"customer_id": customer.id, "kind": "form_answered",
                              "data": {"form": definition.title, "form_id": row.form_id,
                                       "answer_id": row.answer_id, "version": row.version}})
    if any(item.type == "consent" and not item.link and values.get(item.key)
           for item in definition.items):
        if batch is not None:
            batch.record_consent(s, definition, values, customer.id, row.form_id,
                                 row.submitted_at)
        else:
            consent.record_from_answer(s, definition, values, customer.id, row.form_id,
                                       row.submitted_at)
    # The chosen labels are the shop's own words (not personal): rules match on them.
    chosen: list[str] = []
    for item in definition.items:
        if item.type == "choice" and item.key in values:
            picked = values[item.key]
            chosen += [str(v) for v in (picked if isinstance(picked, list) else [picked])]
    deferred.emit(domain_events.FORM_ANSWERED, key=f"form:{row.answer_id}",
                  customer_id=customer.id,
                  data={"form_id": row.form_id, "answer_id": row.answer_id,
                        "choices": chosen[:50]})
    if instant and definition.line_thank_you:
        from app.autopilot.pages import expect_in

        # The relay's autopilot sends it (app/autopilot/pages.py): its word settles it.
        expect_in(s, f"form:{row.answer_id}", customer.id, definition.line_thank_you,
                  f"フォームのお礼 {row.form_id} {row.answer_id}")
    elif definition.line_thank_you and customer.line_user_id:
        from app.members.messages import owe_in

        # Owed in this transaction, sent after the batch by the broadcasts' exactly-once
        # engine (app/members/messages.py): once per answer, whatever crashes.
        owe_in(s, f"form:{row.answer_id}", customer.id, definition.line_thank_you,
               f"フォームのお礼 {row.form_id} {row.answer_id}")
    if now_deferred:
        deferred.flush(s)


def _comparable(name: str, value: Any) -> Any:
    if name == "birthday" and isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


def _builtin_values(item: Item, value: Any) -> dict[str, Any]:
    """The built-in customer fields an item's clean value fills."""
    to = item.to
    if to == "name" and isinstance(value, dict):
        out = {"name": value.get("name", "")}
        if value.get("furigana"):
            out["furigana"] = value["furigana"]
        return out
    if to == "address" and isinstance(value, dict):
        out = {"address": value.get("address", "")}
        if value.get("postal_code"):
            out["postal_code"] = value["postal_code"]
        return {k: v for k, v in out.items() if v}
    if to in ("name", "furigana", "phone", "email", "birthday", "memo") \
            and isinstance(value, str):
        return {to: value}
    return {}


def _custom_fields(s: Session, items: list[Item], notes: list[dict[str, Any]],
                   batch: Batch | None = None) -> dict[str, CustomField]:
    """The custom field of each ``field:NAME`` item, created if missing."""
    found: dict[str, CustomField] = {}
    for item in items:
        name = item.field_name
        assert name is not None
        fld = batch.custom_field(s, name) if batch is not None else s.scalar(
            select(CustomField).where(CustomField.name == name))
        if fld is None:
            ftype = _new_field_type(item)
            choices = [c.label for c in item.choices] if item.type == "choice" else []
            position = (s.scalar(select(func.max(CustomField.position))) or 0) + 1
            fld = CustomField(name=name, type=ftype.value, choices=choices, required=False,
                              show_in_list=False, position=position, created_at=utcnow())
            s.add(fld)
            s.flush()
            log.info("custom field %d created for a form answer", fld.id)
        if not _compatible(item, FieldType(fld.type)):
            notes.append({"code": "field_type", "item": item.key, "label": item.label,
                          "name": name})
            continue
        found[item.key] = fld
    return found


def _new_field_type(item: Item) -> FieldType:
    if item.type == "choice":
        return FieldType.MULTI_CHOICE if item.multiple else FieldType.SINGLE_CHOICE
    if item.type == "file":
        return FieldType.IMAGE if item.accept == ("photo",) else FieldType.FILE
    return _FIELD_TYPE_FOR[item.type]


def _compatible(item: Item, ftype: FieldType) -> bool:
    if ftype in (FieldType.TEXT, FieldType.LONG_TEXT):
        return item.type not in ("file", "choice") or (item.type == "choice"
                                                       and not item.multiple)
    if ftype is FieldType.NUMBER:
        return item.type == "number"
    if ftype in (FieldType.DATE, FieldType.DATETIME):
        return item.type in ("date", "birthday")
    if ftype is FieldType.SINGLE_CHOICE:
        return item.type == "choice" and not item.multiple
    if ftype is FieldType.MULTI_CHOICE:
        return item.type == "choice"
    if ftype in (FieldType.IMAGE, FieldType.FILE):
        return item.type == "file"
    return False  # points: a balance, not something a friend types


def _field_value(item: Item, value: Any) -> Any:
    if item.type == "name" and isinstance(value, dict):
        kana = value.get("furigana")
        return f"{value.get('name', '')}（{kana}）" if kana else value.get("name", "")
    if item.type == "address" and isinstance(value, dict):
        postal = value.get("postal_code")
        return f"〒{postal} {value.get('address', '')}".strip() if postal \
            else value.get("address", "")
    return value


def _set_custom(s: Session, customer_id: int, item: Item, fld: CustomField,
                value: Any, notes: list[dict[str, Any]], deferred: _Deferred,
                batch: Batch | None = None) -> None:
    row: Any
    if batch is not None:
        # Read for the whole batch at once; written by Batch.finish.
        row = batch.field_value(s, customer_id, fld.id)
    else:
        # Nothing pending in the session is this value (one destination per form), so
        # the look-up need not flush the answer's other changes first.
        with s.no_autoflush:
            row = s.get(FieldValue, (customer_id, fld.id))
    if row is not None and not item.overwrite:
        notes.append({"code": "kept", "item": item.key, "label": item.label})
        return
    raw = _field_value(item, value)
    ftype = FieldType(fld.type)
    if ftype is FieldType.MULTI_CHOICE and isinstance(raw, str):
        raw = [raw]
    if ftype in (FieldType.SINGLE_CHOICE, FieldType.MULTI_CHOICE):
        chosen = raw if isinstance(raw, list) else [raw]
        if any(c not in fld.choices for c in chosen):
            notes.append({"code": "not_a_choice", "item": item.key, "label": item.label,
                          "name": fld.name})
            return
    try:
        value = validate_field(fld, raw)
    except ValidationError:
        notes.append({"code": "not_valid_here", "item": item.key, "label": item.label})
        return
    # What FieldService.set_value_in does (a form never fills points), with its timeline
    # entry, domain event and touch of the customer deferred to be written in bulk.
    before = from_row(fld, row)
    cols = to_columns(fld, value)
    if batch is not None:
        deferred.values[(customer_id, fld.id)] = None if value is None else cols
    elif value is None:
        if row is not None:
            s.delete(row)
    elif row is None:
        s.add(FieldValue(customer_id=customer_id, field_id=fld.id, updated_at=utcnow(),
                         **cols))
    else:
        for k, v in cols.items():
            setattr(row, k, v)
        row.updated_at = utcnow()
    deferred.timeline_add(customer_id, "field_changed", field=fld.name,
                          **change_data(before, value))
    if before != value:
        deferred.emit(domain_events.FIELD_CHANGED,
                      key=f"field:{customer_id}:custom:{fld.id}:{uuid.uuid4().hex}",
                      customer_id=customer_id, data={"field": f"custom:{fld.id}"})
    deferred.touch.add(customer_id)
    if ftype in SEARCHED_TYPES:
        deferred.reindex.add(customer_id)


def _tag_changes(definition: FormDefinition, values: Mapping[str, Any],
                 ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The tags an answer adds and removes (adding wins when both name a tag)."""
    add: list[str] = list(definition.tags_on_answer)
    remove: list[str] = []
    for item in definition.items:
        if item.type != "choice" or item.key not in values:
            continue
        chosen = values[item.key] if isinstance(values[item.key], list) else [values[item.key]]
        for label in chosen:
            choice = item.choice(label)
            if choice is not None:
                add += [t for t in choice.tags if t not in add]
                remove += [t for t in choice.remove_tags if t not in remove]
    remove = [t for t in remove if t not in add]  # both: adding wins
    return tuple(add), tuple(remove)


def _existing_tags(s: Session, names: tuple[str, ...]) -> dict[int, str]:
    if not names:
        return {}
    return {r[0]: r[1] for r in s.execute(select(Tag.id, Tag.name).where(Tag.name.in_(names)))}


def _field_ids_for_files(s: Session, answer: FormAnswer) -> dict[str, int]:
    definition = _version(s, answer)
    out: dict[str, int] = {}
    if definition is None:
        return out
    for item in definition.items:
        if item.type == "file" and item.field_name:
            fid = s.scalar(select(CustomField.id).where(CustomField.name == item.field_name,
                                                         CustomField.type.in_(
                                                             ("image", "file"))))
            if fid is not None:
                out[item.key] = fid
    return out


def _attach_files(book: Book, s: Session, answer: FormAnswer, customer_id: int,
                  field_ids: Mapping[str, int], blobs: list[str],
                  notes: list[dict[str, Any]] | None,
                  definition: FormDefinition | None = None) -> None:
    """Turn the answer's received files into the customer's attachments."""
    refs = (answer.answer_values or {})
    wanted: dict[str, tuple[str, str]] = {}  # file_id -> (item key, sha256)
    if definition is None:
        definition = _version(s, answer)
    if definition is None:
        return
    labels = {i.key: i.label for i in definition.items}
    for item in definition.items:
        if item.type != "file":
            continue
        for ref in refs.get(item.key, []) or []:
            if isinstance(ref, dict) and isinstance(ref.get("file_id"), str):
                wanted[ref["file_id"]] = (item.key, str(ref.get("sha256", "")))
    if not wanted:
        return
    rows = {f.file_id: f for f in s.scalars(select(FormAnswerFile).where(
        FormAnswerFile.file_id.in_(sorted(wanted))).execution_options(populate_existing=True))}
    missing_noted: set[str] = set()
    for file_id, (key, digest) in wanted.items():
        frow = rows.get(file_id)
        if frow is None or frow.sha256 != digest:
            if notes is not None and key not in missing_noted:
                notes.append({"code": "file_missing", "item": key, "label": labels.get(key)})
                missing_noted.add(key)
            continue
        if frow.attachment_id is not None or frow.data is None:
            continue
        blob: StoredBlob = book.attachments.store_stream(io.BytesIO(frow.data))
        blobs.append(blob.blob_name)
        frow.attachment_id = AttachmentService.insert_in(
            s, customer_id, blob, file_name=frow.file_name or "file",
            mime_type=frow.content_type, field_id=field_ids.get(key),
            note=labels.get(key) or "")
        frow.data = None


# --- writing a batch at once -----------------------------------------------------------------

@dataclass
class _Deferred:
    """Rows an applied answer adds besides its own: written together, in bulk, by
    :meth:`flush` (once per pulled batch, or at the end of a lone answer)."""

    timeline: list[dict[str, Any]] = field(default_factory=list)
    #: the answers' own timeline entries: written last (after the tags), stamped then
    answered: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    reindex: set[int] = field(default_factory=set)
    #: customers whose ``updated_at`` is set when written (custom fields changed)
    touch: set[int] = field(default_factory=set)
    #: (customer, tags to add, tags to remove), in the answers' order
    tags: list[tuple[int, dict[int, str], dict[int, str]]] = field(default_factory=list)
    # Written by Batch.finish only (a batch's answers):
    #: the answers' own rows (transient: never added to the session)
    answers: list[FormAnswer] = field(default_factory=list)
    #: custom field values by (customer, field): the columns, or None to delete
    values: dict[tuple[int, int], dict[str, Any] | None] = field(default_factory=dict)
    #: earlier answers an edit replaces: {"a": answer id, "f": form id, "c": customer}
    replaced: list[dict[str, Any]] = field(default_factory=list)

    def timeline_add(self, customer_id: int, kind: str, **data: Any) -> None:
        self.timeline.append({"customer_id": customer_id, "kind": kind, "data": data,
                              "at": utcnow()})

    def emit(self, kind: str, *, key: str, customer_id: int, data: dict[str, Any]) -> None:
        if kind not in domain_events.KINDS or not 0 < len(key) <= domain_events.KEY_MAX:
            raise ValueError(f"bad domain event {kind!r}")
        self.events.append({"key": key, "kind": kind, "customer_id": customer_id,
                            "data": data, "depth": 0, "at": utcnow()})

    def merge(self, other: _Deferred) -> None:
        self.timeline += other.timeline
        self.answered += other.answered
        self.events += other.events
        self.reindex |= other.reindex
        self.touch |= other.touch
        self.tags += other.tags
        self.answers += other.answers
        self.values.update(other.values)
        self.replaced += other.replaced

    def flush(self, s: Session) -> None:
        if self.timeline:
            s.execute(insert(cast(Table, TimelineEvent.__table__)), self.timeline)
        if self.touch:
            s.flush()
            now = utcnow()
            ids = sorted(self.touch)
            for start in range(0, len(ids), 500):
                s.execute(update(cast(Table, Customer.__table__)).where(
                    Customer.__table__.c.id.in_(ids[start:start + 500]))
                    .values(updated_at=now))
        if self.events:
            s.execute(sqlite_insert(cast(Table, DomainEvent.__table__)).on_conflict_do_nothing(
                index_elements=["key"]), self.events)
        self._flush_tags(s)
        if self.answered:
            now = utcnow()
            s.execute(insert(cast(Table, TimelineEvent.__table__)),
                      [dict(row, at=now) for row in self.answered])
        if self.reindex:
            s.flush()  # the customers' new values, which the index reads
            search.reindex(s, sorted(self.reindex))
        self.timeline, self.answered, self.events, self.reindex, self.touch, self.tags = (
            [], [], [], set(), set(), [])

    def _flush_tags(self, s: Session) -> None:
        """Tags in the answers' order: customers are grouped by tag (one statement per tag
        and 500 customers), and a customer met twice starts a new round, so two answers
        of one friend that add and remove the same tag end as they would one by one."""
        round_: dict[int, tuple[dict[int, str], dict[int, str]]] = {}

        def run() -> None:
            for add in (True, False):
                by_tag: dict[tuple[int, str], list[int]] = {}
                for cid, changes in round_.items():
                    for tid, name in changes[0 if add else 1].items():
                        by_tag.setdefault((tid, name), []).append(cid)
                for (tid, name), cids in by_tag.items():
                    TagService.apply_in(s, cids, {tid: name}, add=add)
            round_.clear()

        for cid, add, remove in self.tags:
            if cid in round_:
                run()
            round_[cid] = (add, remove)
        run()


#: The customer table's columns (a _Person has one attribute for each).
_CUSTOMER_COLUMNS = tuple(c.key for c in cast(Table, Customer.__table__).columns)
#: The form answer table's columns the batch writes (all but the id).
_ANSWER_COLUMNS = tuple(c.key for c in cast(Table, FormAnswer.__table__).columns
                        if c.key != "id")


class _Person:
    """A customer's row as a plain object, read once for a batch: the answers change it
    in memory (``apply_fields`` works on it as on the ORM object) and :class:`Batch`
    writes what changed in bulk. ``stored`` is the row as it is in the book."""

    id: int
    line_user_id: str | None

    def __init__(self, values: Mapping[str, Any]) -> None:
        self.__dict__.update({k: values.get(k) for k in _CUSTOMER_COLUMNS})
        self.stored = self.state()

    def state(self) -> dict[str, Any]:
        return {k: self.__dict__.get(k) for k in _CUSTOMER_COLUMNS}

    def restore(self, state: Mapping[str, Any]) -> None:
        self.__dict__.update(state)

    def changes(self) -> dict[str, Any]:
        return {k: v for k, v in self.state().items() if v != self.stored[k]}


class _AnswerRow:
    """A form answer's row before it is written: the columns of :class:`FormAnswer`
    as plain attributes (an ORM instance each cost as much as the rest of its row)."""

    def __init__(self, **columns: Any) -> None:
        self.__dict__.update(columns)


class _Values:
    """A custom field value's columns (what :func:`app.fields.from_row` reads)."""

    def __init__(self, cols: Mapping[str, Any]) -> None:
        self.text_value = cols.get("text_value")
        self.num_value = cols.get("num_value")
        self.date_value = cols.get("date_value")


class Batch:
    """Answers applied in one write transaction, set-based (the sync's pulled batch,
    :mod:`app.sync.front_items`, or one answer alone): answer ids, forms, versions, the
    customers of every per-friend answer, their custom field values and tags are read
    once for the batch; the answers' rows, the customers' changes, custom field values,
    timeline, domain events, tags and search index are written in bulk by :meth:`finish`
    (an ``executemany`` each), before the transaction commits. A friend not yet in the
    book is inserted at once (one statement; the row's index and timeline wait for
    :meth:`finish`).

    Each answer still runs in its own savepoint: :meth:`settle` keeps what it deferred
    (and what it changed in memory) when the savepoint was committed, and takes it back
    when it was rolled back (the answer is set aside), so the batch ends exactly as
    applying the answers one by one would. Later answers of the batch see what earlier
    ones did (the customers in memory, values, tags, matching by phone and e-mail)."""

    def __init__(self, s: Session, answers: list[AnswerItem]) -> None:
        self._forms: dict[str, Form | None] = {}
        self._versions: dict[tuple[int, int], FormDefinition | None] = {}
        self._people: dict[int, _Person] = {}
        self._by_line: dict[str, int] = {}
        self._absent: set[str] = set()  # LINE user ids looked up and not in the book
        self._fields: dict[str, CustomField] = {}
        self._values: dict[tuple[int, int], dict[str, Any] | None] = {}
        self._values_read: set[int] = set()
        self._tags: dict[str, int] = {}
        self._new_tags: dict[str, int] = {}
        self._known: set[str] = set()
        self._links: dict[tuple[str, str], tuple[str, links.LinkClaims] | Exception] = {}
        self._policies: list[tuple[dt.datetime, int]] | None = None
        self._refused: int | None = None
        #: customers changed by kept answers (matching looks at them in memory)
        self._changed: set[int] = set()
        self._pending = _Deferred()
        self._current: _Deferred | None = None
        self._current_id: str | None = None
        self._undo: dict[int, dict[str, Any]] = {}  # the current answer's people, before
        self._born: list[_Person] = []  # customers the current answer inserted
        ids = sorted({a.answer_id for a in answers})
        users: set[str] = set()
        for answer in answers:
            kind = answer.identity.get("kind")
            if kind == "liff" and isinstance(answer.identity.get("user_id"), str):
                users.add(answer.identity["user_id"])
            elif kind == "link":
                form = self.form(s, answer.form_id)
                if form is None:
                    continue
                try:
                    users.add(self.friend_of(answer.link_token or "", answer.form_id,
                                             bytes(form.link_secret))[0])
                except (links.LinkError, ValueError):
                    continue  # refused when it is applied
        for start in range(0, len(ids), 500):
            self._known.update(s.scalars(select(FormAnswer.answer_id).where(
                FormAnswer.answer_id.in_(ids[start:start + 500]))))
        wanted = sorted(users)
        table = cast(Table, Customer.__table__)
        for start in range(0, len(wanted), 500):
            for found in s.execute(select(table).where(
                    table.c.line_user_id.in_(wanted[start:start + 500]))).mappings():
                self._remember(_Person(dict(found)))
        self._absent = users - set(self._by_line)

    def _remember(self, person: _Person) -> None:
        self._people[person.id] = person
        if person.line_user_id:
            self._by_line[person.line_user_id] = person.id

    def friend_of(self, token: str, form_id: str, link_secret: bytes,
                  ) -> tuple[str, links.LinkClaims]:
        """:func:`relay.forms.links.friend_of`, once per token (it is checked twice)."""
        key = (form_id, token)
        if key not in self._links:
            try:
                self._links[key] = links.friend_of(token, form_id, link_secret)
            except (links.LinkError, ValueError) as exc:
                self._links[key] = exc
        found = self._links[key]
        if isinstance(found, Exception):
            raise found
        return found

    # --- customers ---------------------------------------------------------------------

    def friend(self, s: Session, line_user_id: str) -> _Person | None:
        """The customer with this LINE user id (None: not in the book)."""
        cid = self._by_line.get(line_user_id)
        if cid is not None:
            return self._people[cid]
        if line_user_id in self._absent:
            return None
        table = cast(Table, Customer.__table__)
        found = s.execute(select(table).where(table.c.line_user_id == line_user_id)
                          ).mappings().first()
        if found is None:
            return None
        person = _Person(dict(found))
        self._remember(person)
        return person

    def person(self, s: Session, customer_id: int) -> _Person | None:
        person = self._people.get(customer_id)
        if person is None:
            table = cast(Table, Customer.__table__)
            found = s.execute(select(table).where(table.c.id == customer_id)
                              ).mappings().first()
            if found is None:
                return None
            person = _Person(dict(found))
            self._remember(person)
        return person

    def new_customer(self, s: Session, data: dict[str, Any]) -> _Person:
        """A new customer, as :meth:`CustomerService.create_in` makes one, inserted now
        (one statement; later answers and other rows may name it); its timeline entry
        and search index are deferred with the answer's."""
        now = utcnow()
        values: dict[str, Any] = {
            "display_name": "", "name": "", "furigana": "", "furigana_key": "", "phone": "",
            "phone_digits": "", "email": "", "email_key": "", "postal_code": "",
            "address": "", "memo": "", "is_owner": False, "created_at": now,
            "updated_at": now}
        person = _Person(values)
        apply_fields(cast(Customer, person), data)
        keep = set(values) | set(data)
        values = {k: v for k, v in person.state().items() if k in keep}
        inserted = cast("CursorResult[Any]", s.execute(
            insert(cast(Table, Customer.__table__)).values(values))).inserted_primary_key
        assert inserted is not None
        cid = inserted[0]
        person = _Person({**values, "id": cid})
        self._born.append(person)
        self._undo[person.id] = person.state()
        self._values.update({(person.id, fid): None for fid in self._values_read})
        assert self._current is not None
        self._current.timeline_add(person.id, "created")
        self._current.reindex.add(person.id)
        return person

    def touch(self, person: _Person) -> None:
        """The current answer is about to change ``person`` (undone if set aside)."""
        self._undo.setdefault(person.id, person.state())

    def matches(self, s: Session, definition: FormDefinition,
                values: Mapping[str, Any]) -> list[int]:
        """Customers with a phone number or e-mail address the answer gives: the book's,
        as earlier answers of the batch left them."""
        digits, emails = _match_keys(definition, values)
        conditions = []
        if digits:
            conditions.append(Customer.phone_digits.in_(sorted(digits)))
        if emails:
            conditions.append(Customer.email_key.in_(sorted(emails)))
        if not conditions:
            return []
        found = set(s.scalars(select(Customer.id).where(or_(*conditions))))
        for cid in self._changed:
            person = self._people[cid]
            if person.__dict__.get("phone_digits") in digits \
                    or person.__dict__.get("email_key") in emails:
                found.add(cid)
            else:
                found.discard(cid)
        return sorted(found)

    # --- custom fields and values --------------------------------------------------------

    def custom_field(self, s: Session, name: str) -> CustomField | None:
        """Only fields found are kept: one made by an answer that is then set aside
        is rolled back with it."""
        fld = self._fields.get(name)
        if fld is None:
            fld = s.scalar(select(CustomField).where(CustomField.name == name))
            if fld is not None and not s.is_modified(fld) and fld not in s.new:
                self._fields[name] = fld
        return fld

    def field_value(self, s: Session, customer_id: int, field_id: int) -> _Values | None:
        """A customer's value of a custom field as the batch left it so far; the field's
        values for every customer the batch knows are read at the first ask."""
        if field_id not in self._values_read:
            self._values_read.add(field_id)
            ids = sorted(self._people)
            table = cast(Table, FieldValue.__table__)
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                self._values.update({(cid, field_id): None for cid in chunk})
                for r in s.execute(select(table.c.customer_id, table.c.text_value,
                                          table.c.num_value, table.c.date_value).where(
                        table.c.field_id == field_id,
                        table.c.customer_id.in_(chunk))).mappings():
                    self._values[(r["customer_id"], field_id)] = dict(r)
        key = (customer_id, field_id)
        if key not in self._values:
            table = cast(Table, FieldValue.__table__)
            found = s.execute(select(table.c.text_value, table.c.num_value,
                                     table.c.date_value).where(
                table.c.customer_id == customer_id, table.c.field_id == field_id)
            ).mappings().first()
            self._values[key] = dict(found) if found is not None else None
        cols = self._values[key]
        return None if cols is None else _Values(cols)

    def tags(self, s: Session, names: tuple[str, ...], *, create: bool) -> dict[int, str]:
        out: dict[int, str] = {}
        missing = [n for n in names if n not in self._tags and n not in self._new_tags]
        if missing:
            found = {r[0]: r[1] for r in s.execute(
                select(Tag.name, Tag.id).where(Tag.name.in_(missing)))}
            self._tags.update(found)
            if create:
                made = TagService.ensure_in(s, [n for n in missing if n not in found])
                self._new_tags.update({name: tid for tid, name in made.items()})
        for name in names:
            tid = self._tags.get(name, self._new_tags.get(name))
            if tid is not None:
                out[tid] = name
        return out

    # --- the rest ----------------------------------------------------------------------

    def record_consent(self, s: Session, definition: FormDefinition,
                       values: Mapping[str, Any], customer_id: int, form_id: str,
                       submitted_at: dt.datetime) -> None:
        """:func:`app.privacy.consent.record_from_answer` with the policy versions read
        once for the batch."""
        if self._policies is None:
            self._policies = sorted(
                (at, int(v)) for v, at in s.execute(
                    select(PrivacyPolicyVersion.version, PrivacyPolicyVersion.on_relay_at)
                    .where(PrivacyPolicyVersion.on_relay_at.is_not(None))) if at is not None)
        for item in definition.items:
            if item.type != "consent" or item.link or not values.get(item.key):
                continue
            version = max((v for at, v in self._policies if at <= submitted_at), default=0)
            if version:
                s.add(PrivacyConsent(customer_id=customer_id, version=version,
                                     agreed_at=submitted_at, source=f"form:{form_id}"[:64]))
            return

    def known_answer(self, s: Session, answer_id: str) -> bool:
        return answer_id in self._known

    def refused_count(self, s: Session) -> int:
        """Refused answers kept: in the book, and by this batch so far."""
        if self._refused is None:
            self._refused = s.scalar(select(func.count()).select_from(FormAnswer)
                                     .where(FormAnswer.status == REFUSED)) or 0
        return self._refused

    def form(self, s: Session, form_id: str) -> Form | None:
        if form_id not in self._forms:
            self._forms[form_id] = s.scalar(select(Form).where(Form.form_id == form_id))
        return self._forms[form_id]

    def version(self, s: Session, row: FormAnswer) -> FormDefinition | None:
        if row.form_pk is None:
            return None
        key = (row.form_pk, row.version)
        if key not in self._versions:
            self._versions[key] = _version(s, row)
        return self._versions[key]

    def pending_answer(self, answer_id: str) -> FormAnswer | None:
        """An answer kept by this batch and not written yet."""
        for row in self._pending.answers:
            if row.answer_id == answer_id:
                return row
        return None

    # --- one answer after the other -------------------------------------------------------

    def start_item(self, answer_id: str) -> _Deferred:
        self._current, self._current_id = _Deferred(), answer_id
        self._undo, self._born = {}, []
        return self._current

    def add_answer(self, row: FormAnswer) -> _Deferred:
        assert self._current is not None
        self._current.answers.append(row)
        return self._current

    def drop_item(self) -> None:
        """Forget the current answer (an overflowing refused one: it wrote nothing)."""
        self._current = self._current_id = None

    def settle(self, kept: bool) -> None:
        """The current item's savepoint was committed (``kept``) or rolled back."""
        if kept:
            current = self._current
            if current is not None:
                self._pending.merge(current)
                self._values.update(current.values)
                if self._refused is not None:
                    self._refused += sum(1 for r in current.answers if r.status == REFUSED)
                self._changed.update(self._undo)
            for person in self._born:
                self._remember(person)
            if self._current_id is not None:
                self._known.add(self._current_id)
            self._tags.update(self._new_tags)
        else:
            for cid, state in self._undo.items():
                if cid in self._people:
                    self._people[cid].restore(state)
            for person in self._born:
                self._values = {k: v for k, v in self._values.items() if k[0] != person.id}
        self._new_tags.clear()
        self._undo, self._born = {}, []
        self.drop_item()

    def finish(self, s: Session) -> None:
        """Write what the kept answers did (inside the batch's transaction): the
        customers' changes, the answers' rows, custom field values, then the timeline,
        domain events, tags and search index."""
        pending = self._pending
        by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for cid in sorted(self._changed):
            person = self._people[cid]
            changes = person.changes()
            if changes:
                by_columns.setdefault(tuple(sorted(changes)), []).append(
                    {"_id": cid, **changes})
                person.stored = person.state()
        table = cast(Table, Customer.__table__)
        for columns, rows in by_columns.items():
            s.execute(update(table).where(table.c.id == bindparam("_id"))
                      .values({c: bindparam(c) for c in columns}), rows)
        if pending.answers:
            s.execute(insert(cast(Table, FormAnswer.__table__)), [
                {c: getattr(row, c) for c in _ANSWER_COLUMNS} for row in pending.answers])
        if pending.replaced:
            answers = cast(Table, FormAnswer.__table__)
            s.execute(update(answers).where(
                answers.c.answer_id == bindparam("a"), answers.c.form_id == bindparam("f"),
                answers.c.customer_id == bindparam("c")).values(status=REPLACED),
                pending.replaced)
        if pending.values:
            values = cast(Table, FieldValue.__table__)
            now = utcnow()
            keys = sorted(pending.values)
            s.execute(delete(values).where(values.c.customer_id == bindparam("c"),
                                           values.c.field_id == bindparam("f")),
                      [{"c": c, "f": f} for c, f in keys])
            rows = [{"customer_id": c, "field_id": f, "updated_at": now, **cols}
                    for (c, f), cols in ((k, pending.values[k]) for k in keys)
                    if cols is not None]
            if rows:
                s.execute(insert(values), rows)
        pending.answers, pending.values, pending.replaced = [], {}, []
        self._changed.clear()
        pending.flush(s)
