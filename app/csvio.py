"""CSV import and export of the customer book, in files that Excel reads and writes.

Export writes UTF-8 with a BOM and CRLF line ends (what Excel needs to show Japanese text
and to open the file with a double click), quoting cells only where needed. Headers are
Japanese by default (:data:`TARGETS`), English on request; custom fields use their names.
Image and file fields are not exported. Points fields export their balance.

Import reads UTF-8 (with or without BOM) and CP932 (Excel's "Shift_JIS"), detected
automatically. It is all or nothing: every row is validated first, and one bad row means
:class:`ImportRowsError` with every problem listed and nothing stored. The rules:

* Row numbers are the ones a spreadsheet shows: the header is row 1.
* A row updates an existing customer when it matches by LINE user ID, else by phone
  number (digits only, so ０９０-1234-5678 matches 09012345678), else by email (ignoring
  case). A customer who has another LINE user ID than the row is never matched. A row
  with none of the three always makes a new customer. Two customers sharing the row's
  phone (or email) with nothing to tell them apart is an error row, never a guess.
* **Empty cells never erase**: on update only the non-empty cells change the customer.
  Tags in the file are added; the customer's other tags stay.
* The same customer twice in one file is an error (both rows would update one person).
* Unknown tag names are created. Unknown columns are ignored and listed once in
  :attr:`ImportReport.ignored_columns`, never reported per row.
* Importing a points value sets the balance; the difference goes into the points history
  with the reason "CSV".
* Every required custom field (:func:`app.fields.required_on_create`) must be filled for
  a new customer: an empty cell, or no column for it at all, makes the row a problem.
* All or nothing is the default; ``skip_bad_rows`` imports the good rows and writes the
  bad ones, with their problems, to a CSV file the owner chose (docs/csv.md).
* Byte order marks before the header (some tools add a second one) are removed; UTF-32
  and UTF-16 files are refused by name.
* Each created or changed customer gets one "imported" timeline entry; the audit log gets
  one IMPORT_CSV entry with the counts (and every export an EXPORT_CSV entry).

Cells that Excel would run as a formula (starting with ``= + - @``, tab or CR) are written
with a leading apostrophe, because LINE display names are chosen by strangers and a
display name such as ``=HYPERLINK(...)`` must not become a live formula on the owner's PC.
Header cells are guarded the same way (custom field names are the owner's text).
Import removes that apostrophe again, so files round-trip unchanged.

Speed: the match keys are loaded once, validation remembers repeated cell values, rows go
in with bulk ``executemany`` statements 1,000 at a time, and the search index is rebuilt
per chunk with :func:`app.search.reindex`. The whole import, checks included, runs in one
write transaction (so a crash keeps none of it); other writers wait meanwhile.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import json
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app import fsutil, search, textnorm
from app.audit import AuditAction, AuditService
from app.customers import clean_value
from app.errors import (
    CancelledError,
    CsvError,
    DiskFullError,
    ImportDiskFullError,
    ImportRowsError,
    ValidationError,
)
from app.fields import (
    ATTACHMENT_TYPES,
    REQUIRED_MESSAGE,
    SEARCHED_TYPES,
    FieldType,
    display,
    from_row,
    required_on_create,
    to_columns,
    validate,
)
from app.i18n import QT_TRANSLATE_NOOP
from app.store.models import (
    Customer,
    CustomField,
    Tag,
    TimelineEvent,
    utcnow,
)
from app.tags import TagService

if TYPE_CHECKING:
    from app.book import Book

log = logging.getLogger("otokui.csv")

_CTX = "csv"

Progress = Callable[[int, int], object]
Cancel = Callable[[], bool]


@dataclass(frozen=True)
class Target:
    """A built-in column: its key, and its header in Japanese and in English."""

    key: str
    ja: str
    en: str


#: Built-in columns in the order exported; ``ja`` is the default header.
TARGETS: list[Target] = [
    Target("line_user_id", "LINEユーザーID", "line_user_id"),
    Target("display_name", "表示名", "display_name"),
    Target("name", "氏名", "name"),
    Target("furigana", "ふりがな", "furigana"),
    Target("phone", "電話番号", "phone"),
    Target("email", "メールアドレス", "email"),
    Target("postal_code", "郵便番号", "postal_code"),
    Target("address", "住所", "address"),
    Target("birthday", "誕生日", "birthday"),
    Target("memo", "メモ", "memo"),
    Target("tags", "タグ", "tags"),
]
_TARGET_KEYS = frozenset(t.key for t in TARGETS)
#: Other headers owners' spreadsheets use for the same columns.
HEADER_VARIANTS: dict[str, str] = {
    "フリガナ": "furigana",
    "名前": "name",
    "お名前": "name",
    "電話": "phone",
    "tel": "phone",
    "メール": "email",
    "eメール": "email",
    "e-mail": "email",
    "生年月日": "birthday",
    "備考": "memo",
    "〒": "postal_code",
    "タグ名": "tags",
    "tag": "tags",
}

FIELD_PREFIX = "field:"
TAG_SEPARATOR = ";"
#: Reason written into the points history for balances set by an import.
POINTS_REASON = "CSV"
#: Bigger files are refused before reading: 100,000 customers take about 20 MB.
MAX_FILE_BYTES = 256 * 1024 * 1024
#: Customers read per chunk while exporting.
EXPORT_CHUNK = 1000
#: Rows per write chunk: big enough for bulk inserts, small enough to cancel promptly.
CHUNK = 1000
#: Page cache while an import writes (KiB); the connection's own size comes back after.
IMPORT_CACHE_KIB = 64 * 1024
#: How often (in rows) validation reports progress and polls cancel.
_POLL_EVERY = 500
#: First characters that make Excel treat a cell as a formula.
_FORMULA_START = frozenset("=+-@\t\r")
_GUARD = "'"
_MIDNIGHT = re.compile(r"[ T]+0?0:00(?::00)?$")
_BOM = b"\xef\xbb\xbf"
_VALUE_CHARS = 40
_ENCODINGS = {
    "auto": "auto",
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "utf-8-sig": "utf-8-sig",
    "cp932": "cp932",
    "ms932": "cp932",
    "windows-31j": "cp932",
    # Excel's "Shift_JIS" is Microsoft's CP932 (it has ①, ㈱, 髙 and friends).
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
}
_CUSTOMER_COLUMNS = ("line_user_id", "display_name", "name", "furigana", "phone", "email",
                     "postal_code", "address", "birthday", "memo")
_SEARCHED = frozenset({"display_name", "name", "furigana", "phone", "email", "memo",
                       "address"})


# --- results --------------------------------------------------------------------------------

@dataclass
class RowProblem:
    """Why one row (or one cell of it) cannot be imported."""

    row: int  # as a spreadsheet numbers it: the header is row 1
    column: str  # the header of the cell, "" for the whole row
    reason: str  # English source text marked for translation (context "csv", or the
    #              context of the validation message)
    value: str  # the cell as written, at most 40 characters
    #: For a customer met twice: the row where they first appear.
    related_row: int | None = None


@dataclass
class CsvPreview:
    encoding: str
    headers: list[str]
    rows: list[list[str]]
    #: Column index → target key ("name", "tags", "field:<id>"), None to ignore it.
    mapping: dict[int, str | None]


@dataclass
class ImportReport:
    total: int  # data rows read (blank rows not counted)
    created: int
    updated: int  # matched rows that changed something; the rest were unchanged
    problems: list[RowProblem]
    ignored_columns: list[str]
    dry_run: bool
    #: Tags the import creates (dry run: would create).
    new_tags: list[str] = field(default_factory=list)


# --- reading files ----------------------------------------------------------------------------

def _csv_error(message: str, detail: str = "") -> CsvError:
    return CsvError(detail, message=message)


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _check_not_binary(data: bytes) -> None:
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise _csv_error(QT_TRANSLATE_NOOP(
            _CTX, "This is an Excel workbook, not a CSV file. In Excel, choose "
            "File → Save As → CSV UTF-8, then import that file."))
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        # Checked before UTF-16: a UTF-32 little-endian file starts with UTF-16's mark too.
        raise _csv_error(QT_TRANSLATE_NOOP(
            _CTX, "This file is saved as UTF-32. Save it as CSV UTF-8 instead."))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _csv_error(QT_TRANSLATE_NOOP(
            _CTX, "This file is saved as UTF-16 (Unicode text). Save it as CSV UTF-8 "
            "instead."))
    if b"\x00" in data:
        raise _csv_error(QT_TRANSLATE_NOOP(
            _CTX, "This is not a text file. Choose a CSV file."))


def detect_encoding(data: bytes) -> str:
    """``"utf-8-sig"`` (UTF-8 with BOM), ``"utf-8"`` or ``"cp932"`` (Shift_JIS).

    UTF-8 is tried before CP932 because Japanese text in CP932 is almost never valid
    UTF-8, while the reverse happens often. Raises :class:`CsvError` when neither fits.
    """
    if data.startswith(_BOM):
        return "utf-8-sig"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        data.decode("cp932")
        return "cp932"
    except UnicodeDecodeError:
        pass
    raise _csv_error(QT_TRANSLATE_NOOP(
        _CTX, "The file is neither UTF-8 nor Shift_JIS text."),
        f"line {_line_of(data, utf8_error.start)}")


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _csv_error(QT_TRANSLATE_NOOP(
                _CTX, "The file is too big to import (more than 256 MB)."))
        with path.open("rb") as f:
            return f.read(MAX_FILE_BYTES + 1)
    except IsADirectoryError:
        raise _csv_error(QT_TRANSLATE_NOOP(_CTX, "This is a folder, not a CSV file.")) from None
    except OSError as exc:
        raise _csv_error(QT_TRANSLATE_NOOP(_CTX, "The file cannot be opened."),
                         exc.strerror or type(exc).__name__) from None


def _decode(data: bytes, encoding: str) -> tuple[str, str]:
    """The file's text and the encoding used."""
    chosen = _ENCODINGS.get(encoding.strip().lower().replace(" ", ""))
    if chosen is None:
        raise _csv_error(QT_TRANSLATE_NOOP(_CTX, "Unknown text encoding."), encoding[:20])
    _check_not_binary(data)
    if chosen == "auto":
        chosen = detect_encoding(data)
    elif chosen == "utf-8" and data.startswith(_BOM):
        chosen = "utf-8-sig"
    try:
        content = data.decode(chosen)
    except UnicodeDecodeError as exc:
        raise _csv_error(QT_TRANSLATE_NOOP(
            _CTX, "The file is not in the chosen text encoding."),
            f"line {_line_of(data, exc.start)}") from None
    # A file saved twice by tools that each add a byte order mark starts with two (or
    # more); the marks are not text, and left in they would glue onto the first header
    # ("\ufeff氏名" names no column, and the row imports as a nameless customer).
    content = content.lstrip("\ufeff")
    if not content.strip():
        raise _csv_error(QT_TRANSLATE_NOOP(_CTX, "The file is empty."))
    return content, chosen


def _records(content: str) -> Iterable[tuple[int, list[str]]]:
    """(row number, cells) for every record, blank ones included, as a spreadsheet counts."""
    end = content.find("\n")
    first_line = content if end < 0 else content[:end]
    # Excel's "Unicode text" and some exports separate by tabs; CSV proper by commas.
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter, strict=True)
    row = 0
    while True:
        row += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "end of data" in str(exc):
                reason = QT_TRANSLATE_NOOP(
                    _CTX, "A quotation mark (\") is opened but never closed.")
            elif "field larger" in str(exc):
                reason = QT_TRANSLATE_NOOP(_CTX, "A cell is too long.")
            else:
                reason = QT_TRANSLATE_NOOP(
                    _CTX, "A cell has text after its closing quotation mark (\").")
            raise _csv_error(reason, f"row {row}") from None
        yield row, cells


def _load(path: Path, encoding: str) -> tuple[str, list[str], Iterable[tuple[int, list[str]]]]:
    """Encoding, headers (the first row that is not blank), and the data records."""
    content, used = _decode(_read_bytes(Path(path)), encoding)
    records = iter(_records(content))
    for _row, cells in records:
        if any(c.strip() for c in cells):
            # A byte order mark inside a header cell (pasted from another file) is dropped
            # too; export's apostrophe before a formula-like header is undone.
            return used, [_unguard(c.replace("\ufeff", "").strip()) for c in cells], records
    raise _csv_error(QT_TRANSLATE_NOOP(_CTX, "The file is empty."))


# --- columns ---------------------------------------------------------------------------------

def header_key(header: str) -> str:
    """A header as compared: NFKC, case folded, without spaces, ``_`` or ``-``."""
    norm = unicodedata.normalize("NFKC", header).strip().casefold()
    return "".join(ch for ch in norm if not ch.isspace() and ch not in "_-")


_PRIMARY = {header_key(name): t.key for t in TARGETS for name in (t.ja, t.en, t.key)}
_VARIANTS = {header_key(name): key for name, key in HEADER_VARIANTS.items()}


def auto_mapping(headers: list[str], fields: list[CustomField]) -> dict[int, str | None]:
    """Guess what each column holds from its header.

    Exact built-in headers win, then custom field names, then the common variants. A
    target already taken falls through to the next rule, so an export of a book with a
    custom field called メモ (two メモ columns) reads back the way it was written.
    """
    by_name: dict[str, int] = {}
    for f in fields:
        if FieldType(f.type) not in ATTACHMENT_TYPES:
            by_name.setdefault(header_key(f.name), f.id)
    keys = [header_key(h) for h in headers]
    mapping: dict[int, str | None] = dict.fromkeys(range(len(headers)))
    taken: set[str] = set()
    lookups: list[Callable[[str], str | None]] = [
        _PRIMARY.get,
        lambda k: f"{FIELD_PREFIX}{by_name[k]}" if k in by_name else None,
        _VARIANTS.get,
    ]
    for lookup in lookups:
        for i, k in enumerate(keys):
            if mapping[i] is not None or not k:
                continue
            target = lookup(k)
            if target is not None and target not in taken:
                mapping[i] = target
                taken.add(target)
    return mapping


@dataclass
class _Column:
    index: int
    header: str
    key: str  # built-in key, "tags", or "field:<id>"
    field: CustomField | None = None


def _plan(headers: list[str], mapping: dict[int, str | None],
          fields: list[CustomField]) -> list[_Column]:
    by_id = {f.id: f for f in fields}
    columns: list[_Column] = []
    seen: set[str] = set()
    for index, target in sorted(mapping.items()):
        if target is None:
            continue
        if not isinstance(index, int) or not 0 <= index < len(headers):
            raise _csv_error(QT_TRANSLATE_NOOP(
                _CTX, "The column assignment names a column the file does not have."),
                str(index)[:20])
        if target in seen:
            raise _csv_error(QT_TRANSLATE_NOOP(
                _CTX, "Two columns are assigned to the same field."), target[:40])
        seen.add(target)
        if target in _TARGET_KEYS:
            columns.append(_Column(index, headers[index], target))
            continue
        f = None
        if target.startswith(FIELD_PREFIX):
            with contextlib.suppress(ValueError):
                f = by_id.get(int(target[len(FIELD_PREFIX):]))
        if f is None or FieldType(f.type) in ATTACHMENT_TYPES:
            raise _csv_error(QT_TRANSLATE_NOOP(
                _CTX, "A column is assigned to a field that cannot be imported."), target[:40])
        columns.append(_Column(index, headers[index], target, f))
    if not columns:
        raise _csv_error(QT_TRANSLATE_NOOP(
            _CTX, "The first row does not name any column Otokui knows (for example 氏名, "
            "電話番号, メールアドレス). Add a header row, or assign the columns."))
    return columns


def _unguard(value: str) -> str:
    """Undo the apostrophe export puts before formula-like cells."""
    if len(value) > 1 and value[0] == _GUARD and value[1] in _FORMULA_START:
        return value[1:]
    return value


def _guard(value: str) -> str:
    return _GUARD + value if value and value[0] in _FORMULA_START else value


# --- preview -----------------------------------------------------------------------------------

def read_preview(book: Book, path: Path, *, encoding: str = "auto",
                 limit: int = 20) -> CsvPreview:
    """The header, the first ``limit`` data rows and the guessed column assignment."""
    used, headers, records = _load(path, encoding)
    rows: list[list[str]] = []
    for _row, cells in records:
        if len(rows) >= limit:
            break
        if any(c.strip() for c in cells):
            rows.append(cells + [""] * (len(headers) - len(cells)))
    return CsvPreview(encoding=used, headers=headers, rows=rows,
                      mapping=auto_mapping(headers, book.fields.list()))


# --- import ---------------------------------------------------------------------------------------

@dataclass
class _Op:
    """What one valid row does."""

    row: int
    customer_id: int | None  # None: a new customer
    builtins: dict[str, Any]
    values: dict[int, Any]  # field id -> validated value (None never stored)
    tags: list[str]
    phone_digits: str
    email_key: str


@dataclass
class _Index:
    """Existing customers by the keys rows are matched on."""

    by_line: dict[str, int] = field(default_factory=dict)
    by_phone: dict[str, list[int]] = field(default_factory=dict)
    by_email: dict[str, list[int]] = field(default_factory=dict)
    has_line: set[int] = field(default_factory=set)

    @classmethod
    def load(cls, s: Session) -> _Index:
        index = cls()
        for cid, line, phone, email in s.connection().execute(text(
                "SELECT id, line_user_id, phone_digits, email_key FROM customer")):
            if line:
                index.by_line[line] = cid
                index.has_line.add(cid)
            if phone:
                index.by_phone.setdefault(phone, []).append(cid)
            if email:
                index.by_email.setdefault(email, []).append(cid)
        return index


_AMBIGUOUS_PHONE = QT_TRANSLATE_NOOP(
    _CTX, "Several customers have this phone number; add the LINE user ID or the email "
    "address to say which one.")
_AMBIGUOUS_EMAIL = QT_TRANSLATE_NOOP(
    _CTX, "Several customers have this email address; add the LINE user ID to say which one.")
_DUPLICATE = QT_TRANSLATE_NOOP(
    _CTX, "The same customer is already in an earlier row of this file.")


class _Ambiguous(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _match(index: _Index, line: str | None, phone: str, email: str
           ) -> tuple[int | None, str]:
    """The existing customer a row updates (None: a new one) and the key that found them."""
    if line and line in index.by_line:
        return index.by_line[line], "line_user_id"

    def candidates(ids: list[int]) -> list[int]:
        # A row with a LINE user ID is never someone who has another one.
        return [i for i in ids if i not in index.has_line] if line else ids

    by_email = candidates(index.by_email.get(email, [])) if email else []
    if phone:
        by_phone = candidates(index.by_phone.get(phone, []))
        if len(by_phone) == 1:
            return by_phone[0], "phone"
        if len(by_phone) > 1:
            both = [i for i in by_phone if i in by_email]
            if len(both) == 1:
                return both[0], "email"
            raise _Ambiguous("phone")
    if len(by_email) == 1:
        return by_email[0], "email"
    if len(by_email) > 1:
        raise _Ambiguous("email")
    return None, ""


@dataclass
class _Seen:
    """Keys of the rows read so far, to find one customer written twice."""

    ids: dict[int, int] = field(default_factory=dict)
    line: dict[str, int] = field(default_factory=dict)
    phone: dict[str, tuple[int, str | None]] = field(default_factory=dict)
    email: dict[str, tuple[int, str | None]] = field(default_factory=dict)

    def earlier(self, cid: int | None, found_by: str, line: str | None, phone: str,
                email: str) -> tuple[int | None, str]:
        """(row number of an earlier row for the same customer, key that matched)."""
        if cid is not None and cid in self.ids:
            return self.ids[cid], found_by
        if line and line in self.line:
            return self.line[line], "line_user_id"
        for key, seen, name in ((phone, self.phone, "phone"), (email, self.email, "email")):
            if key and key in seen:
                row, other_line = seen[key]
                if not (line and other_line and line != other_line):
                    return row, name
        return None, ""

    def add(self, row: int, cid: int | None, line: str | None, phone: str,
            email: str) -> None:
        if cid is not None:
            self.ids[cid] = row
        if line:
            self.line.setdefault(line, row)
        if phone:
            self.phone.setdefault(phone, (row, line))
        if email:
            self.email.setdefault(email, (row, line))


@dataclass(frozen=True)
class _Invalid:
    reason: str


_UNSEEN = object()
#: Distinct values remembered per column (names and phones are all different: stop there).
_MEMO_LIMIT = 5000


def _problem(row: int, column: str, reason: str, value: str,
             related_row: int | None = None) -> RowProblem:
    return RowProblem(row=row, column=column, reason=reason, value=value[:_VALUE_CHARS],
                      related_row=related_row)


class _Checker:
    """Validates rows and resolves who they are, without writing anything."""

    def __init__(self, s: Session, headers: list[str], columns: list[_Column],
                 absent_required: list[CustomField] | None = None) -> None:
        self.index = _Index.load(s)
        #: Required fields the file has no column for: a new customer would lack them.
        self.absent_required = [f.name for f in absent_required or []]
        self.seen = _Seen()
        self.problems: list[RowProblem] = []
        self.ops: list[_Op] = []
        self.total = 0
        self.width = len(headers)
        self.key_header = {c.key: c.header for c in columns}
        # One flat tuple per column: this loop runs once per cell of the file. The key is
        # the built-in's name (str) or, when the column has a field, the field's id (int).
        self.plan: list[tuple[int, str, Any, CustomField | None, bool, dict[str, Any]]] = [
            (c.index, c.header, c.key if c.field is None else c.field.id, c.field,
             c.field is not None and c.field.required, {}) for c in columns]

    def check(self, row: int, cells: list[str]) -> None:
        if not "".join(cells).strip():
            return  # blank rows are skipped, as Excel leaves them
        self.total += 1
        problems = self.problems
        before = len(problems)
        if len(cells) > self.width:
            extra = [c for c in cells[self.width:] if c.strip()]
            if extra:
                problems.append(_problem(row, "", QT_TRANSLATE_NOOP(
                    _CTX, "This row has more cells than the header row."), extra[0]))
        builtins: dict[str, Any] = {}
        values: dict[int, Any] = {}
        tags: list[str] = []
        empty_required: list[str] = []
        width = len(cells)
        for index, header, key, fld, required, seen in self.plan:
            cell = cells[index].strip() if index < width else ""
            if not cell:
                if required:
                    empty_required.append(header)
                continue
            # Validation is a pure function of the text, and columns such as choices,
            # dates, points or tags repeat the same few values: remember the answers.
            result = seen.get(cell, _UNSEEN)
            if result is _UNSEEN:
                result = self._convert(key, fld, cell)
                if len(seen) < _MEMO_LIMIT:
                    seen[cell] = result
            if type(result) is _Invalid:
                problems.append(_problem(row, header, result.reason, cell))
            elif fld is not None:
                values[key] = result
            elif key == "tags":
                tags = result
            else:
                builtins[key] = result
        if len(problems) > before:
            return
        if not builtins and not values and not tags:
            problems.append(_problem(row, "", QT_TRANSLATE_NOOP(
                _CTX, "This row has no value in any imported column."), ""))
            return
        line = builtins.get("line_user_id")
        phone = textnorm.phone_digits(builtins.get("phone"))
        email = textnorm.email_key(builtins.get("email"))
        try:
            cid, found_by = _match(self.index, line, phone, email)
        except _Ambiguous as exc:
            reason = _AMBIGUOUS_PHONE if exc.key == "phone" else _AMBIGUOUS_EMAIL
            problems.append(_problem(row, self.key_header.get(exc.key, ""), reason,
                                     builtins.get(exc.key, "")))
            return
        earlier, key = self.seen.earlier(cid, found_by, line, phone, email)
        if earlier is not None:
            column = self.key_header.get(key, "")
            problems.append(_problem(row, column, _DUPLICATE,
                                     str(builtins.get(key, "") or ""), earlier))
            return
        self.seen.add(row, cid, line, phone, email)
        if cid is None and (empty_required or self.absent_required):
            for header in empty_required + self.absent_required:
                problems.append(_problem(row, header, REQUIRED_MESSAGE, ""))
            return
        self.ops.append(_Op(row, cid, builtins, values, tags, phone, email))

    @staticmethod
    def _convert(key: str | int, fld: CustomField | None, cell: str) -> Any:
        """The value of one non-empty cell, or :class:`_Invalid` with the reason."""
        if "\r" in cell:  # line breaks in a cell become LF, as Excel writes them
            cell = cell.replace("\r\n", "\n").replace("\r", "\n")
        cell = _unguard(cell)
        if key == "birthday" or (fld is not None and fld.type == FieldType.DATE):
            # Excel writes a date cell formatted with its time as "2026/11/29 0:00".
            cell = _MIDNIGHT.sub("", cell)
        try:
            if fld is not None:
                return validate(fld, cell)
            if key == "tags":
                return [t.strip() for t in cell.replace("；", TAG_SEPARATOR)
                        .split(TAG_SEPARATOR) if t.strip()]
            return clean_value(str(key), cell)
        except ValidationError as exc:
            return _Invalid(exc.message)


def _json_ids(ids: list[int]) -> str:
    return json.dumps(ids)


# Ids go in as one JSON array (``json_each``), so one statement serves any number of them.
_SELECT_CUSTOMERS = (
    "SELECT id, line_user_id, display_name, name, furigana, phone, email, postal_code, "
    "address, birthday, memo FROM customer WHERE id IN (SELECT value FROM json_each(?))")
_SELECT_VALUES = (
    "SELECT customer_id, field_id, text_value, num_value, date_value FROM field_value "
    "WHERE customer_id IN (SELECT value FROM json_each(?)) "
    "AND field_id IN (SELECT value FROM json_each(?))")
_SELECT_TAGS = (
    "SELECT customer_id, tag_id FROM customer_tag "
    "WHERE customer_id IN (SELECT value FROM json_each(?))")


@dataclass
class _Existing:
    """What matched customers hold now, as stored, for telling changes from repeats."""

    customers: dict[int, dict[str, Any]] = field(default_factory=dict)
    #: (customer id, field id) → (text_value, num_value, date_value)
    values: dict[tuple[int, int], tuple[Any, Any, Any]] = field(default_factory=dict)
    tags: set[tuple[int, int]] = field(default_factory=set)

    @classmethod
    def load(cls, s: Session, ids: list[int], fields: dict[int, CustomField]) -> _Existing:
        ex = cls()
        if not ids:
            return ex
        cur = s.connection().connection.cursor()
        try:
            wanted = _json_ids(ids)
            for r in cur.execute(_SELECT_CUSTOMERS, (wanted,)):
                ex.customers[r[0]] = dict(zip(_CUSTOMER_COLUMNS, r[1:], strict=True))
            if fields:
                for cid, fid, *stored in cur.execute(_SELECT_VALUES,
                                                     (wanted, _json_ids(list(fields)))):
                    ex.values[(cid, fid)] = tuple(stored)
            ex.tags.update(cur.execute(_SELECT_TAGS, (wanted,)))
        finally:
            cur.close()
        return ex


def _stored(f: CustomField, value: Any) -> tuple[Any, Any, Any]:
    cols = to_columns(f, value)
    return cols["text_value"], cols["num_value"], cols["date_value"]


def _same(name: str, stored: Any, new: Any) -> bool:
    """Whether the built-in ``name`` holding ``stored`` (as in the database) equals ``new``."""
    if name == "phone":
        return textnorm.phone_digits(stored) == textnorm.phone_digits(new)
    if name == "email":
        return textnorm.email_key(stored) == textnorm.email_key(new)
    if name == "birthday":
        return bool(stored == (new.isoformat() if new else None))
    return bool(stored == new)


@dataclass
class _Change:
    builtins: list[str]
    values: list[int]  # field ids
    tags: list[str]  # names not on the customer yet

    def __bool__(self) -> bool:
        return bool(self.builtins or self.values or self.tags)


def _change(op: _Op, existing: _Existing, fields: dict[int, CustomField],
            tag_ids: dict[str, int]) -> _Change:
    """What a matched row changes (empty cells never reach here: they change nothing)."""
    cid = op.customer_id
    assert cid is not None  # only rows that matched a customer change one
    current = existing.customers[cid]
    added: dict[object, str] = {}  # by tag id: ＶＩＰ and VIP are one tag
    for name in op.tags:
        tid = tag_ids.get(name)
        if tid is None:
            added.setdefault(("new", name), name)
        elif (cid, tid) not in existing.tags:
            added.setdefault(tid, name)
    return _Change(
        builtins=[n for n, v in op.builtins.items() if not _same(n, current[n], v)],
        values=[fid for fid, v in op.values.items() if v is not None
                and existing.values.get((cid, fid)) != _stored(fields[fid], v)],
        tags=list(added.values()))


# Bulk writes go straight to the driver with tuples: SQLAlchemy's per-row parameter
# processing costs more than SQLite's own work at 100,000 rows. Values are converted with
# the same SQLAlchemy type processors the models use, so rows look alike whoever wrote them.
_INSERT_CUSTOMER = (
    "INSERT INTO customer (id, line_user_id, display_name, name, furigana, furigana_key, "
    "phone, phone_digits, email, email_key, postal_code, address, birthday, memo, "
    "is_owner, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)")
_UPDATE_CUSTOMER = (
    "UPDATE customer SET line_user_id = ?, display_name = ?, name = ?, furigana = ?, "
    "phone = ?, email = ?, postal_code = ?, address = ?, birthday = ?, memo = ?, "
    "furigana_key = ?, phone_digits = ?, email_key = ?, updated_at = ? WHERE id = ?")
_INSERT_VALUE = (
    "INSERT INTO field_value (customer_id, field_id, text_value, num_value, date_value, "
    "updated_at) VALUES (?, ?, ?, ?, ?, ?)")
_UPSERT_VALUE = _INSERT_VALUE + (
    " ON CONFLICT (customer_id, field_id) DO UPDATE SET "
    "text_value = excluded.text_value, num_value = excluded.num_value, "
    "date_value = excluded.date_value, updated_at = excluded.updated_at")
_INSERT_POINTS = (
    "INSERT INTO points_entry (customer_id, field_id, delta, reason, at) "
    "VALUES (?, ?, ?, ?, ?)")
_INSERT_TAG = "INSERT INTO customer_tag (customer_id, tag_id, added_at) VALUES (?, ?, ?)"
_INSERT_EVENT = "INSERT INTO timeline_event (customer_id, at, kind, data) VALUES (?, ?, ?, ?)"


def _processor(column: Any, dialect: Any) -> Callable[[Any], Any]:
    return column.type.dialect_impl(dialect).bind_processor(dialect) or (lambda v: v)


@dataclass
class _Batch:
    """Rows of one chunk, per statement."""

    customers: list[tuple[Any, ...]] = field(default_factory=list)
    updates: list[tuple[Any, ...]] = field(default_factory=list)
    new_values: list[tuple[Any, ...]] = field(default_factory=list)
    values: list[tuple[Any, ...]] = field(default_factory=list)
    points: list[tuple[Any, ...]] = field(default_factory=list)
    pairs: list[tuple[Any, ...]] = field(default_factory=list)
    events: list[tuple[Any, ...]] = field(default_factory=list)
    reindex: list[int] = field(default_factory=list)


class _Writer:
    """Writes the checked rows with bulk statements inside the import's transaction."""

    def __init__(self, s: Session, fields: dict[int, CustomField],
                 tag_ids: dict[str, int], existing: _Existing) -> None:
        self.s = s
        self.conn = s.connection()
        dialect = self.conn.dialect
        self.date = _processor(Customer.__table__.c.birthday, dialect)
        self.json = _processor(TimelineEvent.__table__.c.data, dialect)
        self.now = _processor(Customer.__table__.c.updated_at, dialect)(utcnow())
        self.fields = fields
        self.tag_ids = tag_ids
        self.existing = existing
        self.next_id = int(self.conn.execute(
            text("SELECT coalesce(max(id), 0) FROM customer")).scalar_one()) + 1
        self.created_event = self.json({"created": True})
        self.created = 0
        self.updated = 0

    def write(self, ops: list[_Op]) -> None:
        """Write one chunk of rows (new customers and updates alike)."""
        w = _Batch()
        for op in ops:
            if op.customer_id is None:
                self._create(op, w)
            else:
                self._update(op, w)
        run = self.conn.exec_driver_sql
        for sql, rows in ((_INSERT_CUSTOMER, w.customers), (_UPDATE_CUSTOMER, w.updates),
                          (_INSERT_VALUE, w.new_values), (_UPSERT_VALUE, w.values),
                          (_INSERT_POINTS, w.points), (_INSERT_TAG, w.pairs),
                          (_INSERT_EVENT, w.events)):
            if rows:
                run(sql, rows)
        search.reindex(self.s, w.reindex)

    def _create(self, op: _Op, w: _Batch) -> None:
        cid = self.next_id
        self.next_id += 1
        b = op.builtins
        furigana = b.get("furigana", "")
        w.customers.append((
            cid, b.get("line_user_id"), b.get("display_name", ""), b.get("name", ""),
            furigana, textnorm.normalize(furigana), b.get("phone", ""), op.phone_digits,
            b.get("email", ""), op.email_key, b.get("postal_code", ""), b.get("address", ""),
            self.date(b.get("birthday")), b.get("memo", ""), self.now, self.now))
        for fid, value in op.values.items():
            if value is None:
                continue
            f = self.fields[fid]
            w.new_values.append((cid, fid, *_stored(f, value), self.now))
            if f.type == FieldType.POINTS and value:
                w.points.append((cid, fid, int(value), POINTS_REASON, self.now))
        for tid in dict.fromkeys(self.tag_ids[name] for name in op.tags):
            w.pairs.append((cid, tid, self.now))
        w.events.append((cid, self.now, "imported", self.created_event))
        w.reindex.append(cid)
        self.created += 1

    def _update(self, op: _Op, w: _Batch) -> None:
        cid = op.customer_id
        assert cid is not None
        change = _change(op, self.existing, self.fields, self.tag_ids)
        if not change:
            return
        searched = bool(_SEARCHED.intersection(change.builtins))
        for fid in change.values:
            f, value = self.fields[fid], op.values[fid]
            w.values.append((cid, fid, *_stored(f, value), self.now))
            if f.type == FieldType.POINTS:
                old = self.existing.values.get((cid, fid), (None, None, None))[1]
                w.points.append((cid, fid, int(value) - int(old or 0), POINTS_REASON,
                                 self.now))
            searched = searched or FieldType(f.type) in SEARCHED_TYPES
        for name in change.tags:
            w.pairs.append((cid, self.tag_ids[name], self.now))
        row = dict(self.existing.customers[cid])
        for name in change.builtins:
            value = op.builtins[name]
            row[name] = self.date(value) if name == "birthday" else value
        w.updates.append((
            *(row[n] for n in _CUSTOMER_COLUMNS), textnorm.normalize(row["furigana"]),
            textnorm.phone_digits(row["phone"]), textnorm.email_key(row["email"]), self.now,
            cid))
        data: dict[str, Any] = {
            "fields": change.builtins + [self.fields[fid].name for fid in change.values]}
        if change.tags:
            data["tags"] = change.tags
        w.events.append((cid, self.now, "imported", self.json(data)))
        if searched:
            w.reindex.append(cid)
        self.updated += 1


def _resolve_tags(s: Session, ops: list[_Op]) -> tuple[dict[str, int], dict[str, str]]:
    """Tags named in ``ops``: existing ones (name → id) and new ones (name → name to create).

    A name also finds a tag spelled the same after NFKC (ＶＩＰ finds VIP), and two
    spellings of one new tag create it once, under the first spelling met.
    """
    existing = {name: tid for tid, name in s.connection().execute(select(Tag.id, Tag.name))}
    by_norm: dict[str, int] = {}
    for name, tid in existing.items():
        by_norm.setdefault(unicodedata.normalize("NFKC", name), tid)
    found: dict[str, int] = {}
    new: dict[str, str] = {}
    new_by_norm: dict[str, str] = {}
    for name in dict.fromkeys(name for op in ops for name in op.tags):
        norm = unicodedata.normalize("NFKC", name)
        known = existing.get(name) or by_norm.get(norm)
        if known is not None:
            found[name] = known
        else:
            new[name] = new_by_norm.setdefault(norm, name)
    return found, new


@contextlib.contextmanager
def _big_cache(s: Session) -> Iterator[None]:
    """A bigger page cache on this connection while an import writes.

    A large import touches every index of several tables; with SQLite's default 2 MB
    cache, pages are evicted and re-read (and decrypted) over and over.
    """
    conn = s.connection()
    previous = int(conn.exec_driver_sql("PRAGMA cache_size").scalar_one())
    conn.exec_driver_sql(f"PRAGMA cache_size = {-IMPORT_CACHE_KIB:d}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {previous:d}")


def import_csv(book: Book, path: Path, *, encoding: str = "auto",
               mapping: dict[int, str | None] | None = None, dry_run: bool = False,
               progress: Progress | None = None, cancel: Cancel | None = None,
               skip_bad_rows: bool = False, skipped_rows_path: Path | None = None,
               problem_header: str = "problem",
               reason_text: Callable[[str], str] = str) -> ImportReport:
    """Import customers from ``path``, all or nothing by default (see :func:`_import_csv`).

    A full disk (SQLite's SQLITE_FULL, ENOSPC) rolls the one transaction back and is
    reported as :class:`ImportDiskFullError`: what happened, that nothing was imported,
    what to do.
    """
    try:
        return _import_csv(book, path, encoding=encoding, mapping=mapping, dry_run=dry_run,
                           progress=progress, cancel=cancel, skip_bad_rows=skip_bad_rows,
                           skipped_rows_path=skipped_rows_path,
                           problem_header=problem_header, reason_text=reason_text)
    except DiskFullError:
        log.warning("CSV import refused: the disk is full (rolled back)")
        raise ImportDiskFullError() from None


def _import_csv(book: Book, path: Path, *, encoding: str,
                mapping: dict[int, str | None] | None, dry_run: bool,
                progress: Progress | None, cancel: Cancel | None, skip_bad_rows: bool,
                skipped_rows_path: Path | None, problem_header: str,
                reason_text: Callable[[str], str]) -> ImportReport:
    """Import customers from ``path``, all or nothing (by default).

    ``mapping`` assigns columns (index → target key, None to ignore); by default it is
    guessed from the headers (:func:`auto_mapping`). A dry run validates everything and
    reports what would happen without writing. A real import with any bad row raises
    :class:`ImportRowsError` carrying the problems, and stores nothing.

    ``progress(done, total)`` counts steps: every row is checked once and, on a real
    import, written once, so ``total`` is twice the rows (once for a dry run). ``cancel()``
    is polled between chunks; when it returns true, :class:`CancelledError` is raised and
    nothing is stored.

    ``skip_bad_rows`` (the owner's explicit choice) imports the good rows and leaves the
    bad ones out; ``skipped_rows_path`` then receives the rows left out, with the file's
    own columns plus ``problem_header`` (each reason through ``reason_text``), so they can
    be fixed and imported again (:func:`app.csv_problems.write_skipped_rows`). That file
    is written inside the import's transaction: if it cannot be written, nothing is
    imported. It is recorded in the audit log like an export.
    """
    used, headers, records = _load(path, encoding)
    rows = list(records)
    fields = [f for f in book.fields.list() if FieldType(f.type) not in ATTACHMENT_TYPES]
    if mapping is None:
        mapping = auto_mapping(headers, fields)
    columns = _plan(headers, mapping, fields)
    mapped = {c.index for c in columns}
    mapped_fields = {c.field.id for c in columns if c.field is not None}
    absent_required = [f for f in required_on_create(fields) if f.id not in mapped_fields]
    ignored_columns = _ignored(headers, mapped, rows)
    steps = len(rows) if dry_run else 2 * len(rows)

    def tick(done: int) -> None:
        if cancel is not None and cancel():
            raise CancelledError()
        if progress is not None:
            progress(done, steps)

    fields_by_id = {c.field.id: c.field for c in columns if c.field is not None}
    session = book.db.read() if dry_run else book.db.write()
    with session as s:
        checker = _Checker(s, headers, columns, absent_required)
        for i, (row, cells) in enumerate(rows, start=1):
            checker.check(row, cells)
            if i % _POLL_EVERY == 0:
                tick(i)
        tick(len(rows))
        ops = checker.ops
        tag_ids, to_create = _resolve_tags(s, ops)
        new_tags = list(dict.fromkeys(to_create.values()))
        matched = [op.customer_id for op in ops if op.customer_id is not None]
        existing = _Existing.load(s, matched, fields_by_id)
        if dry_run:
            return ImportReport(total=checker.total, created=len(ops) - len(matched),
                                updated=sum(1 for op in ops if op.customer_id is not None
                                            and _change(op, existing, fields_by_id, tag_ids)),
                                problems=checker.problems, ignored_columns=ignored_columns,
                                dry_run=True, new_tags=new_tags)
        if checker.problems and not skip_bad_rows:
            log.info("CSV import refused: %d problems in %d rows", len(checker.problems),
                     checker.total)
            raise ImportRowsError(checker.problems)
        created = {name: tid for tid, name in TagService.ensure_in(s, new_tags).items()}
        tag_ids.update({name: created[canonical] for name, canonical in to_create.items()})
        writer = _Writer(s, fields_by_id, tag_ids, existing)
        done = len(rows)
        with _big_cache(s):
            for start in range(0, len(ops), CHUNK):
                chunk = ops[start:start + CHUNK]
                writer.write(chunk)
                done += len(chunk)
                tick(done)
        skipped = len({p.row for p in checker.problems})
        if skipped and skipped_rows_path is not None:
            from app.csv_problems import write_skipped_rows

            write_skipped_rows(headers, rows, checker.problems, Path(skipped_rows_path),
                               problem_header=problem_header, reason_text=reason_text)
            AuditService.add(s, AuditAction.EXPORT_SKIPPED_ROWS, target="customers",
                             count=skipped)
        AuditService.add(s, AuditAction.IMPORT_CSV, target="customers", count=checker.total,
                         created=writer.created, updated=writer.updated, encoding=used,
                         skipped=skipped)
        tick(steps)
    log.info("CSV import: %d rows, %d created, %d updated, %d skipped", checker.total,
             writer.created, writer.updated, skipped)
    book.announce("customers")
    book.announce("tags")
    book.announce("audit")
    return ImportReport(total=checker.total, created=writer.created, updated=writer.updated,
                        problems=list(checker.problems), ignored_columns=ignored_columns,
                        dry_run=False, new_tags=new_tags)


def _ignored(headers: list[str], mapped: set[int], rows: list[tuple[int, list[str]]]
             ) -> list[str]:
    """Headers of the columns left out; a column without a header only if it holds data."""
    ignored: list[str] = []
    for i, header in enumerate(headers):
        if i in mapped:
            continue
        if header:
            ignored.append(header)
        elif any(i < len(cells) and cells[i].strip() for _row, cells in rows):
            ignored.append(f"#{i + 1}")
    return ignored


# --- export ---------------------------------------------------------------------------------------

class _Stored(NamedTuple):
    """A ``field_value`` row's value columns, as :func:`app.fields.from_row` reads them."""

    text_value: str | None
    num_value: float | None
    date_value: str | None


class _CellFormat:
    """Turns a stored value of one field into its CSV text (remembering repeated values)."""

    def __init__(self, f: CustomField) -> None:
        self.field = f
        ftype = FieldType(f.type)
        # Numbers and dates are never guarded: a negative number is a number, not a formula.
        self.guarded = ftype not in (FieldType.NUMBER, FieldType.POINTS, FieldType.DATE,
                                     FieldType.DATETIME)
        self.datetime = ftype is FieldType.DATETIME
        self.memo: dict[_Stored, str] = {}

    def __call__(self, stored: _Stored | None) -> str:
        if stored is None:
            return ""
        out = self.memo.get(stored)
        if out is None:
            value = from_row(self.field, stored)
            if self.datetime and value is not None and value.second:
                out = value.strftime("%Y-%m-%d %H:%M:%S")  # display() drops seconds
            else:
                out = display(self.field, value)
            if self.guarded:
                out = _guard(out)
            if len(self.memo) < _MEMO_LIMIT:
                self.memo[stored] = out
        return out


_EXPORT_CUSTOMERS = (
    "SELECT id, line_user_id, display_name, name, furigana, phone, email, postal_code, "
    "address, birthday, memo FROM customer WHERE id IN (SELECT value FROM json_each(?))")
_EXPORT_TAGS = (
    "SELECT ct.customer_id, t.name FROM customer_tag ct JOIN tag t ON t.id = ct.tag_id "
    "WHERE ct.customer_id IN (SELECT value FROM json_each(?)) ORDER BY t.position, t.id")


def export_csv(book: Book, path: Path, *, customer_ids: list[int] | None = None,
               english_headers: bool = False, progress: Progress | None = None,
               cancel: Cancel | None = None) -> int:
    """Write customers (all, or ``customer_ids`` in that order) to ``path``; rows written.

    The file appears only when complete (a temporary file beside it is renamed), readable
    by the owner only. Every export is recorded in the audit log (how many rows, no names).
    ``progress(done, total)`` counts customers; ``cancel()`` is polled between chunks and
    stops the export with :class:`CancelledError`, leaving no file behind.
    """
    path = Path(path)
    fields = [f for f in book.fields.list() if FieldType(f.type) not in ATTACHMENT_TYPES]
    # Header cells are guarded like data cells: a custom field can be named
    # "=HYPERLINK(...)" and Excel runs a formula in the first row as readily as anywhere.
    headers = [_guard(t.en if english_headers else t.ja) for t in TARGETS] + [
        _guard(f.name) for f in fields]
    columns = [(f.id, _CellFormat(f)) for f in fields]
    field_ids = _json_ids([f.id for f in fields])
    rows_written = 0
    try:
        with book.db.read() as s, fsutil.atomic_write(path) as out:
            cur = s.connection().connection.cursor()
            if customer_ids is None:
                ids = [r[0] for r in cur.execute("SELECT id FROM customer ORDER BY id")]
            else:
                ids = list(dict.fromkeys(int(i) for i in customer_ids))
            out.write(_BOM)
            buf = io.StringIO()
            writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
            writer.writerow(headers)
            for start in range(0, len(ids), EXPORT_CHUNK):
                if cancel is not None and cancel():
                    raise CancelledError()
                chunk = ids[start:start + EXPORT_CHUNK]
                wanted = _json_ids(chunk)
                found = {r[0]: r for r in cur.execute(_EXPORT_CUSTOMERS, (wanted,))}
                tags: dict[int, list[str]] = {}
                for cid, name in cur.execute(_EXPORT_TAGS, (wanted,)):
                    tags.setdefault(cid, []).append(name)
                values: dict[int, dict[int, _Stored]] = {}
                if fields:
                    for cid, fid, *stored in cur.execute(_SELECT_VALUES, (wanted, field_ids)):
                        values.setdefault(cid, {})[fid] = _Stored(*stored)
                for cid in chunk:
                    r = found.get(cid)
                    if r is None:
                        continue  # deleted since it was selected
                    # id, LINE id … address, birthday (ISO text as stored), memo
                    cells = [_guard(v or "") for v in r[1:9]]
                    cells += [r[9] or "", _guard(r[10]),
                              _guard(TAG_SEPARATOR.join(tags.get(cid, ())))]
                    mine = values.get(cid, {})
                    cells += [fmt(mine.get(fid)) for fid, fmt in columns]
                    writer.writerow(cells)
                    rows_written += 1
                out.write(buf.getvalue().encode("utf-8"))
                buf.seek(0)
                buf.truncate()
                if progress is not None:
                    progress(start + len(chunk), len(ids))
            out.write(buf.getvalue().encode("utf-8"))
            cur.close()
            # Recorded before the file appears: an export without its audit entry would be
            # worse than an entry for an export that failed at the very last step.
            with book.db.write() as w:
                AuditService.add(w, AuditAction.EXPORT_CSV, target="customers",
                                 count=rows_written, selection=customer_ids is not None,
                                 english_headers=english_headers)
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise DiskFullError() from None
        raise CsvError(exc.strerror or type(exc).__name__, message=QT_TRANSLATE_NOOP(
            _CTX, "The CSV file cannot be written."), advice=QT_TRANSLATE_NOOP(
            _CTX, "Choose another folder, or close the file if Excel has it open.")) from None
    log.info("CSV export: %d rows", rows_written)
    book.announce("audit")
    return rows_written
