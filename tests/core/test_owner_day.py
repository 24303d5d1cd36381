"""Issue 9 ("the owner's day") and issue 10 in the core: phone numbers, old → new values
in the timeline, required fields on create and import, importing the good rows only,
CSV headers guarded, byte order marks and UTF-32."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from app.audit import AuditAction
from app.book import Book
from app.csvio import export_csv, import_csv, read_preview
from app.errors import CsvError, ImportRowsError, ValidationError
from app.fields import REQUIRED_MESSAGE, FieldType
from app.phones import NOT_INTERNATIONAL, NOT_JAPANESE, check_phone


def _write(path: Path, rows: list[list[str]], *, prefix: bytes = b"\xef\xbb\xbf") -> Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path.write_bytes(prefix + buf.getvalue().encode("utf-8"))
    return path


def _read(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


# --- phone numbers ---------------------------------------------------------------------------

@pytest.mark.parametrize("number", ["090-1234-5678", "03-1234-5678", "０３（１１１１）２２２２",
                                    "0120-123-456", "050-1234-5678", "090-0000-0000",
                                    "+1 212 555 0100", "+44 20 7946 0958", "+81 90-1234-5678"])
def test_phone_numbers_that_are_kept(number: str) -> None:
    assert check_phone(f"  {number} ") == number


@pytest.mark.parametrize(("number", "message"), [
    ("090-1234-56789", NOT_JAPANESE),   # 12 digits: the case
    ("12", NOT_JAPANESE),
    ("9012345678", NOT_JAPANESE),        # a domestic number starts with 0
    ("090-1234-abcd", NOT_JAPANESE),
    ("+1 212", NOT_INTERNATIONAL),
    ("+999 1234 5678", NOT_INTERNATIONAL),
])
def test_phone_numbers_that_are_refused(number: str, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        check_phone(number)
    assert info.value.message == message


def test_the_customer_book_refuses_a_twelve_digit_phone(book: Book) -> None:
    cid = book.customers.create(name="山田", phone="090-1234-5678")
    with pytest.raises(ValidationError):
        book.customers.update(cid, phone="090-1234-56789")
    assert book.customers.get(cid).phone == "090-1234-5678"
    book.customers.update(cid, phone="+1 212 555 0100")  # abroad: kept as typed
    assert book.customers.get(cid).phone == "+1 212 555 0100"


# --- the timeline says old → new -------------------------------------------------------------

def test_timeline_records_old_and_new_values(book: Book) -> None:
    staff = book.fields.create("担当", FieldType.SINGLE_CHOICE, choices=["佐藤", "鈴木"])
    cid = book.customers.create(name="山田")
    book.fields.set_value(cid, staff, "佐藤")
    book.fields.set_value(cid, staff, "鈴木")
    book.customers.update(cid, birthday=dt.date(1990, 4, 1))
    book.customers.update(cid, birthday=None)
    changes = [(e.data["field"], e.data["old"], e.data["new"])
               for e in reversed(book.audit.timeline(cid)) if e.kind == "field_changed"]
    assert changes == [("担当", "", "佐藤"), ("担当", "佐藤", "鈴木"),
                       ("birthday", "", "1990-04-01"), ("birthday", "1990-04-01", "")]


def test_timeline_values_are_not_logged(book: Book, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG")
    cid = book.customers.create(name="山田")
    book.customers.update(cid, memo="ひみつの相談内容")
    assert "ひみつ" not in caplog.text


# --- required fields on create -------------------------------------------------------------

def test_required_fields_are_enforced_when_the_owner_adds_a_customer(book: Book) -> None:
    staff = book.fields.create("担当", FieldType.SINGLE_CHOICE, choices=["佐藤"], required=True)
    book.fields.create("ポイント", FieldType.POINTS, required=True)  # has a balance anyway
    with pytest.raises(ValidationError) as info:
        book.customers.create(name="山田", check_required=True)
    assert info.value.message == REQUIRED_MESSAGE
    assert book.customers.count() == 0
    with pytest.raises(ValidationError):
        book.customers.create(name="山田", check_required=True, field_values={staff: " "})
    assert book.customers.count() == 0
    cid = book.customers.create(name="山田", check_required=True, field_values={staff: "佐藤"})
    assert book.fields.values_of(cid)[staff] == "佐藤"
    # A friend arriving from LINE cannot fill the shop's fields: no check there.
    assert book.customers.create(display_name="LINEの人")


def test_import_refuses_new_customers_without_a_required_column(book: Book,
                                                                 tmp_path: Path) -> None:
    book.fields.create("担当", FieldType.TEXT, required=True)
    existing = book.customers.create(name="山田", phone="090-1111-2222", check_required=False)
    src = _write(tmp_path / "in.csv", [["氏名", "電話番号"], ["山田 更新", "090-1111-2222"],
                                       ["新しい人", "090-3333-4444"]])
    report = import_csv(book, src, dry_run=True)
    assert [(p.row, p.column, p.reason) for p in report.problems] == [
        (3, "担当", REQUIRED_MESSAGE)]
    with pytest.raises(ImportRowsError):
        import_csv(book, src)
    assert book.customers.count() == 1
    assert book.customers.get(existing).name == "山田"


# --- importing the good rows only ------------------------------------------------------------

def test_skip_bad_rows_imports_the_good_ones_and_writes_the_rest(book: Book,
                                                                 tmp_path: Path) -> None:
    src = _write(tmp_path / "in.csv", [
        ["氏名", "電話番号", "メモ", "好きな色"],
        ["良い人", "090-1111-2222", "=1+1", "青"],
        ["悪い電話", "090-1234-56789", "メモ", "赤"],
        ["良い人2", "", "", ""],
        ["悪いメール", "", "", ""],
    ])
    # An email column with a bad address in row 5.
    rows = _read(src)
    rows[0].append("メールアドレス")
    for r in rows[1:]:
        r.append("")
    rows[4][-1] = "not-an-email"
    _write(src, rows)
    out = tmp_path / "skipped.csv"

    with pytest.raises(ImportRowsError):
        import_csv(book, src)  # the default stays all or nothing
    assert book.customers.count() == 0

    report = import_csv(book, src, skip_bad_rows=True, skipped_rows_path=out,
                        problem_header="問題", reason_text=lambda r: f"<{r}>")
    assert (report.created, report.updated) == (2, 0)
    assert sorted({p.row for p in report.problems}) == [3, 5]
    assert sorted(book.customers.get(c).name for c in _ids(book)) == ["良い人", "良い人2"]
    written = _read(out)
    assert written[0] == ["氏名", "電話番号", "メモ", "好きな色", "メールアドレス", "問題"]
    assert written[1][:5] == ["悪い電話", "090-1234-56789", "メモ", "赤", ""]
    assert written[1][5] == f"電話番号: <{NOT_JAPANESE}>"
    assert written[2][0] == "悪いメール" and written[2][5].startswith("メールアドレス: <")
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    actions = [e.action for e in book.audit.entries()]
    assert AuditAction.EXPORT_SKIPPED_ROWS in actions

    # The fixed file imports again (the problem column is ignored).
    written[1][1] = "090-1234-5678"
    written[2][4] = "ok@example.jp"
    _write(out, written)
    again = import_csv(book, out)
    assert again.created == 2 and again.ignored_columns == ["好きな色", "問題"]


def test_skipped_rows_file_that_cannot_be_written_imports_nothing(book: Book,
                                                                  tmp_path: Path) -> None:
    src = _write(tmp_path / "in.csv", [["氏名", "電話番号"], ["良い人", ""], ["悪い", "12"]])
    with pytest.raises(CsvError):
        import_csv(book, src, skip_bad_rows=True,
                   skipped_rows_path=tmp_path / "missing-folder" / "skipped.csv")
    assert book.customers.count() == 0


def _ids(book: Book) -> list[int]:
    with book.db.read() as s:
        from sqlalchemy import text
        return [r[0] for r in s.execute(text("SELECT id FROM customer"))]


# --- headers, byte order marks, UTF-32 ----------------------------------------------------

def test_export_guards_formula_headers_and_import_reads_them_back(book: Book,
                                                                  tmp_path: Path) -> None:
    evil = '=HYPERLINK("http://x","y")'
    fid = book.fields.create(evil, FieldType.TEXT)
    cid = book.customers.create(name="山田")
    book.fields.set_value(cid, fid, "値")
    out = tmp_path / "out.csv"
    export_csv(book, out)
    header = _read(out)[0]
    assert header[-1] == "'" + evil
    assert all(not h.startswith(("=", "+", "-", "@")) for h in header)
    preview = read_preview(book, out)
    assert preview.headers[-1] == evil
    assert preview.mapping[len(header) - 1] == f"field:{fid}"


def test_a_double_byte_order_mark_is_normalised(book: Book, tmp_path: Path) -> None:
    src = _write(tmp_path / "in.csv", [["氏名", "電話番号"], ["山田", "090-1111-2222"]],
                 prefix=b"\xef\xbb\xbf\xef\xbb\xbf")
    report = import_csv(book, src)
    assert report.created == 1
    assert book.customers.get(_ids(book)[0]).name == "山田"


def test_utf32_is_named_as_utf32(book: Book, tmp_path: Path) -> None:
    for codec in ("utf-32", "utf-32-be"):
        path = tmp_path / f"{codec}.csv"
        text = "氏名\r\n山田\r\n"
        data = text.encode(codec)
        if codec == "utf-32-be":
            data = b"\x00\x00\xfe\xff" + data
        path.write_bytes(data)
        with pytest.raises(CsvError) as info:
            import_csv(book, path)
        assert "UTF-32" in info.value.message
    assert book.customers.count() == 0
