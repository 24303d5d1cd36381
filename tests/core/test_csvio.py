"""CSV import and export (app/csvio.py) with real files and real encrypted books.

Two books are created once for the module (Argon2 costs ~0.3 s a book) and emptied before
each test through the book's own API; audit entries are append-only, so tests compare
them against what was there before.
"""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import csvio
from app.audit import AuditAction
from app.book import Book, Change
from app.csvio import (
    TARGETS,
    CsvPreview,
    ImportReport,
    RowProblem,
    detect_encoding,
    export_csv,
    import_csv,
    read_preview,
)
from app.errors import CancelledError, CsvError, ImportRowsError
from app.fields import FieldType
from app.phones import NOT_JAPANESE
from app.profile import Profile
from app.search import CustomerQuery

PASS = "帳簿のCSVテスト 2026"
JA = [t.ja for t in TARGETS]
EN = [t.en for t in TARGETS]
LINE_A = "U" + "a" * 32
LINE_B = "U" + "b" * 32
LINE_C = "U" + "c" * 32


# --- fixtures and helpers -------------------------------------------------------------------

@pytest.fixture(scope="module")
def _books(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Book, Book]]:
    root = tmp_path_factory.mktemp("csv-books")
    first = Profile(root / "first").create(passphrase=PASS)
    second = Profile(root / "second").create(passphrase=PASS)
    try:
        yield first, second
    finally:
        first.close()
        second.close()


def _empty(book: Book) -> None:
    book.customers.delete(book.search.ids(CustomerQuery()))
    for t in book.tags.list():
        book.tags.delete(t.id)
    for f in book.fields.list():
        book.fields.delete(f.id)
    assert book.customers.count() == 0 and not book.tags.list() and not book.fields.list()


@pytest.fixture
def cbook(_books: tuple[Book, Book]) -> Book:
    _empty(_books[0])
    return _books[0]


@pytest.fixture
def other(_books: tuple[Book, Book]) -> Book:
    _empty(_books[1])
    return _books[1]


def csv_text(rows: list[list[str]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return buf.getvalue()


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8-sig") -> Path:
    path.write_bytes(csv_text(rows).encode(encoding))
    return path


def all_ids(book: Book) -> list[int]:
    return book.search.ids(CustomerQuery())


def audit_actions(book: Book) -> list[str]:
    return [e.action for e in book.audit.entries()]


def customer_data(book: Book, cid: int) -> dict:
    """Everything CSV carries about a customer, keyed by names (ids differ between books)."""
    c = book.customers.get(cid)
    fields = {f.id: f.name for f in book.fields.list()}
    tags = {t.id: t.name for t in book.tags.list()}
    return {
        **{k: getattr(c, k) for k in ("line_user_id", "display_name", "name", "furigana",
                                      "phone", "email", "postal_code", "address", "birthday",
                                      "memo")},
        "values": {fields[fid]: v for fid, v in book.fields.values_of(cid).items()},
        "tags": sorted(tags[t] for t in book.customers.tag_ids_of(cid)),
    }


def problems_of(report_or_error: ImportReport | ImportRowsError) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.reason) for p in report_or_error.problems]


# --- export ---------------------------------------------------------------------------------------

def test_export_is_what_excel_opens(cbook: Book, tmp_path: Path) -> None:
    visits = cbook.fields.create("来店回数", FieldType.NUMBER)
    a = cbook.customers.create(name="田中 太郎", furigana="たなか たろう", phone="090-1234-5678",
                               memo="一行目\n二行目, \"引用\" です",
                               display_name='=HYPERLINK("http://evil.example","click")')
    b = cbook.customers.create(name="山田 花子", phone="+81 90-0000-1111")
    cbook.fields.set_value(a, visits, "-5")
    vip = cbook.tags.create("VIP")
    cbook.tags.add([a, b], [vip])
    before = audit_actions(cbook)
    out = tmp_path / "顧客.csv"

    assert export_csv(cbook, out) == 2

    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to read UTF-8
    assert data.endswith(b"\r\n")
    header = data[3:].split(b"\r\n", 1)[0].decode("utf-8")
    assert header.split(",") == [*JA, "来店回数"]
    # Every record ends with CRLF; the only bare LF is the one inside the quoted memo.
    assert data.count(b"\n") == data.count(b"\r\n") + 1
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))
    assert len(rows) == 3
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["メモ"] == "一行目\n二行目, \"引用\" です"
    assert first["表示名"] == "'" + '=HYPERLINK("http://evil.example","click")'  # no formula
    assert first["来店回数"] == "-5"  # a number stays a number
    assert first["タグ"] == "VIP"
    second = dict(zip(rows[0], rows[2], strict=True))
    assert second["電話番号"] == "'+81 90-0000-1111"
    if os.name != "nt":
        assert stat.S_IMODE(out.stat().st_mode) == 0o600  # personal data: owner only
    assert [p.name for p in tmp_path.iterdir()] == ["顧客.csv"]  # no temp file left

    entries = cbook.audit.entries()
    assert audit_actions(cbook)[: len(entries) - len(before)] == [AuditAction.EXPORT_CSV]
    entry = entries[0]
    assert entry.count == 2
    text = json.dumps({"t": entry.target, "d": entry.detail}, ensure_ascii=False)
    assert "田中" not in text and "山田" not in text and "090" not in text


def test_export_english_headers_and_selection_in_order(cbook: Book, tmp_path: Path) -> None:
    ids = [cbook.customers.create(name=f"客{i}") for i in range(3)]
    out = tmp_path / "sel.csv"

    written = export_csv(cbook, out, customer_ids=[ids[2], ids[0], 999_999, ids[2]],
                         english_headers=True)

    assert written == 2
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"), newline="")))
    assert rows[0] == EN
    assert [r[EN.index("name")] for r in rows[1:]] == ["客2", "客0"]
    assert cbook.audit.entries()[0].detail["selection"] is True


def test_export_to_missing_folder_is_a_known_error(cbook: Book, tmp_path: Path) -> None:
    cbook.customers.create(name="田中")
    with pytest.raises(CsvError, match="cannot be written"):
        export_csv(cbook, tmp_path / "no" / "such" / "dir.csv")


def test_export_cancel_leaves_no_file_and_no_audit(cbook: Book, tmp_path: Path) -> None:
    # Three export chunks of customers, then cancel after the first chunk.
    src = write_csv(tmp_path / "many.csv", [["氏名"]] + [[f"客{i}"] for i in range(2500)])
    import_csv(cbook, src)
    before = cbook.audit.entries()
    seen: list[int] = []
    out = tmp_path / "out" / "cancelled.csv"
    out.parent.mkdir()

    with pytest.raises(CancelledError):
        export_csv(cbook, out, progress=lambda d, t: seen.append(d), cancel=lambda: bool(seen))

    assert seen == [csvio.EXPORT_CHUNK]
    assert list(out.parent.iterdir()) == []
    assert len(cbook.audit.entries()) == len(before)


# --- round trip -----------------------------------------------------------------------------------

def _define_fields(book: Book, *, with_image: bool) -> None:
    book.fields.create("メモ2", FieldType.TEXT)
    book.fields.create("詳細", FieldType.LONG_TEXT)
    book.fields.create("来店回数", FieldType.NUMBER)
    book.fields.create("記念日", FieldType.DATE)
    book.fields.create("次回予約", FieldType.DATETIME)
    book.fields.create("コース", FieldType.SINGLE_CHOICE, choices=["松", "竹", "梅"])
    book.fields.create("趣味", FieldType.MULTI_CHOICE, choices=["釣り", "読書", "旅行"])
    book.fields.create("ポイント", FieldType.POINTS)
    # A custom field named like a built-in header: export writes two メモ columns.
    book.fields.create("メモ", FieldType.TEXT)
    if with_image:
        book.fields.create("写真", FieldType.IMAGE)


def test_round_trip_into_a_fresh_book(cbook: Book, other: Book, tmp_path: Path) -> None:
    _define_fields(cbook, with_image=True)
    _define_fields(other, with_image=False)
    f = {x.name: x.id for x in cbook.fields.list()}
    a = cbook.customers.create(
        line_user_id=LINE_A, display_name="=1+1", name="田中 太郎", furigana="タナカ タロウ",
        phone="090-1234-5678", email="Taro@Example.jp", postal_code="1500001",
        address="東京都渋谷区神宮前1-2-3, 4F", birthday="1980-02-29",
        memo="改行あり\n\"引用\"とカンマ, も")
    b = cbook.customers.create(name="@山田", phone="03-1111-2222")
    c = cbook.customers.create(name="佐藤")  # almost empty
    for field, value in [("メモ2", "-辛口"), ("詳細", "一行目\n二行目"), ("来店回数", "3.5"),
                         ("記念日", "2026-11-29"), ("次回予約", "2026-12-01 14:30:15"),
                         ("コース", "竹"), ("趣味", "旅行;釣り"), ("ポイント", "1200"),
                         ("メモ", "カスタム")]:
        cbook.fields.set_value(a, f[field], value)
    cbook.fields.set_value(b, f["ポイント"], "-30")
    cbook.fields.set_value(b, f["来店回数"], "0")
    t1, t2 = cbook.tags.create("VIP"), cbook.tags.create("常連さん")
    cbook.tags.add([a, b], [t1])
    cbook.tags.add([a], [t2])
    first = tmp_path / "first.csv"
    assert export_csv(cbook, first) == 3
    assert "写真" not in first.read_text(encoding="utf-8-sig").split("\r\n")[0]

    report = import_csv(other, first)

    assert (report.total, report.created, report.updated, report.problems) == (3, 3, 0, [])
    assert report.ignored_columns == []
    assert sorted(report.new_tags) == ["VIP", "常連さん"]
    source = [customer_data(cbook, i) for i in (a, b, c)]
    target = [customer_data(other, i) for i in all_ids(other)]
    assert target == source
    # The balance came in through the points history, with the reason "CSV".
    points = {x.name: x.id for x in other.fields.list()}["ポイント"]
    history = other.fields.points_history(all_ids(other)[0], points)
    assert [(h.delta, h.reason) for h in history] == [(1200, "CSV")]
    # Exporting the imported book gives the same file, byte for byte.
    second = tmp_path / "second.csv"
    export_csv(other, second)
    assert second.read_bytes() == first.read_bytes()
    # Importing it again changes nobody who has a key to match on; 佐藤 has no LINE user
    # ID, phone or email, so that row is a new customer (as documented).
    again = import_csv(other, second)
    assert (again.created, again.updated) == (1, 0)
    assert other.customers.count() == 4


def test_imported_customers_are_searchable_and_sort_by_furigana(cbook: Book,
                                                                tmp_path: Path) -> None:
    src = write_csv(tmp_path / "s.csv", [
        ["氏名", "ふりがな", "電話番号", "メモ"],
        ["渡辺 陽菜", "ワタナベ ヒナ", "080-2222-3333", "辛いもの好き"],
        ["安藤 翔", "あんどう しょう", "", ""],
        ["小林 さくら", "コバヤシ サクラ", "", ""],
    ])
    import_csv(cbook, src)
    [watanabe] = cbook.search.ids(CustomerQuery(text="わたなべ"))
    assert cbook.customers.get(watanabe).name == "渡辺 陽菜"
    assert cbook.search.ids(CustomerQuery(text="08022223333")) == [watanabe]
    assert cbook.search.ids(CustomerQuery(text="辛いもの")) == [watanabe]
    names = [cbook.customers.get(i).name
             for i in cbook.search.ids(CustomerQuery(sort="furigana"))]
    assert names == ["安藤 翔", "小林 さくら", "渡辺 陽菜"]


# --- encodings ------------------------------------------------------------------------------------

ROWS_JA = [["氏名", "ふりがな", "住所", "メモ"],
           ["髙橋 ①郎", "ﾀｶﾊｼ", "東京都千代田区丸の内１－１", "㈱お得意 様"],
           ["斎藤 はな", "さいとう", "大阪府", "～波ダッシュ～"]]


def test_cp932_is_detected_and_imported(cbook: Book, tmp_path: Path) -> None:
    src = write_csv(tmp_path / "sjis.csv", ROWS_JA, encoding="cp932")
    assert detect_encoding(src.read_bytes()) == "cp932"
    preview = read_preview(cbook, src)
    assert preview.encoding == "cp932"
    assert preview.headers == ROWS_JA[0]
    assert preview.rows == ROWS_JA[1:]

    report = import_csv(cbook, src)

    assert report.created == 2
    got = sorted((c.name, c.furigana, c.memo) for c in map(cbook.customers.get, all_ids(cbook)))
    assert got == [("斎藤 はな", "さいとう", "～波ダッシュ～"), ("髙橋 ①郎", "ﾀｶﾊｼ", "㈱お得意 様")]


def test_cp932_with_forced_encodings(cbook: Book, tmp_path: Path) -> None:
    src = write_csv(tmp_path / "sjis.csv", ROWS_JA, encoding="cp932")
    with pytest.raises(CsvError, match="chosen text encoding") as err:
        import_csv(cbook, src, encoding="utf-8")
    assert err.value.detail == "line 1"  # the header is Japanese already
    assert cbook.customers.count() == 0
    assert import_csv(cbook, src, encoding="Shift_JIS").created == 2


@pytest.mark.parametrize(("encoding", "detected"), [("utf-8-sig", "utf-8-sig"),
                                                    ("utf-8", "utf-8")])
def test_utf8_with_and_without_bom(cbook: Book, tmp_path: Path, encoding: str,
                                   detected: str) -> None:
    src = write_csv(tmp_path / "u.csv", ROWS_JA, encoding=encoding)
    assert detect_encoding(src.read_bytes()) == detected
    preview = read_preview(cbook, src)
    assert preview.encoding == detected
    assert preview.mapping == {0: "name", 1: "furigana", 2: "address", 3: "memo"}

    assert import_csv(cbook, src).created == 2
    assert sorted(cbook.customers.get(i).name for i in all_ids(cbook)) == ["斎藤 はな",
                                                                          "髙橋 ①郎"]
    # Forcing UTF-8 reads a file with a BOM too (the BOM never becomes part of a header).
    forced = read_preview(cbook, src, encoding="utf-8")
    assert forced.headers[0] == "氏名" and forced.mapping[0] == "name"


def test_tab_separated_text_from_excel(cbook: Book, tmp_path: Path) -> None:
    src = tmp_path / "t.txt"
    src.write_bytes("氏名\t電話番号\r\n田中\t090-1234-5678\r\n".encode("cp932"))
    assert import_csv(cbook, src).created == 1
    assert cbook.customers.get(all_ids(cbook)[0]).phone == "090-1234-5678"


# --- bad rows -------------------------------------------------------------------------------------

def test_bad_rows_are_all_reported_and_nothing_is_stored(cbook: Book, tmp_path: Path) -> None:
    cbook.fields.create("コース", FieldType.SINGLE_CHOICE, choices=["松", "竹"])
    cbook.fields.create("来店回数", FieldType.NUMBER)
    cbook.customers.create(name="既存")
    before_audit = len(cbook.audit.entries())
    long_email = "x" * 100
    src = write_csv(tmp_path / "bad.csv", [
        ["氏名", "誕生日", "コース", "電話番号", "メールアドレス", "郵便番号", "来店回数",
         "好きな色", "タグ"],
        ["良い 行", "", "松", "", "", "", "", "赤", "新しいタグ"],  # row 2 is fine
        ["複数行\nの名前", "2026/13/40", "", "", "", "", "", "", ""],  # row 3 (two lines)
        ["選択肢", "", "梅", "", "", "", "", "", ""],
        ["電話", "", "", "12", "", "", "", "", ""],
        ["メール", "", "", "", long_email, "", "", "", ""],
        ["郵便", "", "", "", "", "123", "", "", ""],
        ["数", "", "", "", "", "", "abc", "", ""],
        ["多い", "", "", "", "", "", "", "", "", "余分"],
        ["", "", "", "", "", "", "", "青", ""],  # data only in an ignored column
        [],  # a blank row is skipped, but still counted as a row
        ["二つ", "1990-02-30", "竹", "", "not-an-email", "", "", "", ""],
    ])
    expected = [
        (3, "誕生日", "This is not a valid date (for example 2026-11-29)."),
        (4, "コース", "This is not one of the choices."),
        (5, "電話番号", NOT_JAPANESE),
        (6, "メールアドレス", "This is not an email address."),
        (7, "郵便番号", "A postal code has 7 digits (for example 150-0001)."),
        (8, "来店回数", "This is not a number."),
        (9, "", "This row has more cells than the header row."),
        (10, "", "This row has no value in any imported column."),
        (12, "誕生日", "This is not a valid date (for example 2026-11-29)."),
        (12, "メールアドレス", "This is not an email address."),
    ]

    dry = import_csv(cbook, src, dry_run=True)

    assert dry.dry_run is True
    assert problems_of(dry) == expected
    assert dry.ignored_columns == ["好きな色"]  # once, as a warning, not per row
    assert (dry.total, dry.created) == (10, 1)  # the blank row is not a customer
    assert dry.new_tags == ["新しいタグ"]
    by_row = {p.row: p for p in dry.problems}
    assert by_row[6].value == "x" * 40  # values are cut to 40 characters
    assert by_row[9].value == "余分"

    with pytest.raises(ImportRowsError) as err:
        import_csv(cbook, src)

    assert problems_of(err.value) == expected
    assert all(isinstance(p, RowProblem) for p in err.value.problems)
    assert cbook.customers.count() == 1
    assert cbook.tags.list() == []
    assert len(cbook.audit.entries()) == before_audit


def test_required_fields_are_needed_for_new_customers_only(cbook: Book,
                                                            tmp_path: Path) -> None:
    member = cbook.fields.create("会員番号", FieldType.TEXT, required=True)
    known = cbook.customers.create(name="既存", phone="090-0000-0001")
    src = write_csv(tmp_path / "r.csv", [["氏名", "電話番号", "会員番号"],
                                         ["既存さん", "09000000001", ""],
                                         ["新規", "090-0000-0002", ""],
                                         ["新規2", "090-0000-0003", "A-1"]])
    report = import_csv(cbook, src, dry_run=True)
    assert problems_of(report) == [(3, "会員番号", "This field is required.")]
    src = write_csv(tmp_path / "r2.csv", [["氏名", "電話番号", "会員番号"],
                                          ["既存さん", "09000000001", ""],
                                          ["新規2", "090-0000-0003", "A-1"]])
    report = import_csv(cbook, src)
    assert (report.created, report.updated) == (1, 1)
    assert cbook.customers.get(known).name == "既存さん"
    assert member not in cbook.fields.values_of(known)


# --- matching -------------------------------------------------------------------------------------

def test_matching_by_line_id_phone_and_email(cbook: Book, tmp_path: Path) -> None:
    a = cbook.customers.create(line_user_id=LINE_A, name="LINE の人", memo="残すメモ",
                               phone="03-0000-0000")
    b = cbook.customers.create(name="電話の人", phone="090-1111-2222")
    c = cbook.customers.create(name="メールの人", email="Hanako@Example.JP")
    src = write_csv(tmp_path / "m.csv", [
        ["LINEユーザーID", "氏名", "ふりがな", "電話番号", "メールアドレス", "メモ", "誕生日"],
        [LINE_A, "LINE の人（更新）", "", "", "", "", ""],
        ["", "", "でんわのひと", "０９０１１１１２２２２", "", "", ""],
        ["", "", "", "", "hanako@example.jp", "", "2026/11/29"],
        ["", "新しい人", "", "070-9999-8888", "", "", ""],
    ])

    report = import_csv(cbook, src)

    assert (report.total, report.created, report.updated) == (4, 1, 3)
    assert cbook.customers.count() == 4
    ca, cb, cc = (cbook.customers.get(i) for i in (a, b, c))
    assert ca.name == "LINE の人（更新）"
    assert ca.memo == "残すメモ" and ca.phone == "03-0000-0000"  # empty cells never erase
    assert cb.furigana == "でんわのひと"
    assert cb.phone == "090-1111-2222"  # same digits: the owner's formatting is kept
    assert cc.birthday.isoformat() == "2026-11-29"
    assert cc.email == "Hanako@Example.JP"
    kinds = [e.kind for e in cbook.audit.timeline(a)]
    assert kinds[0] == "imported"
    assert cbook.audit.timeline(a)[0].data == {"fields": ["name"]}


def test_customer_with_another_line_id_is_a_different_person(cbook: Book,
                                                             tmp_path: Path) -> None:
    sibling = cbook.customers.create(line_user_id=LINE_A, name="兄", phone="090-1234-0000")
    src = write_csv(tmp_path / "l.csv", [["LINEユーザーID", "氏名", "電話番号"],
                                         [LINE_B, "弟", "090-1234-0000"]])
    report = import_csv(cbook, src)
    assert (report.created, report.updated) == (1, 0)
    assert cbook.customers.get(sibling).name == "兄"
    assert cbook.customers.by_line_user_id(LINE_B) not in (None, sibling)


def test_ambiguous_phone_needs_another_key(cbook: Book, tmp_path: Path) -> None:
    cbook.customers.create(name="母", phone="03-5555-0000", email="mother@example.jp")
    child = cbook.customers.create(name="娘", phone="03-5555-0000", email="child@example.jp")
    src = write_csv(tmp_path / "a.csv", [["氏名", "電話番号", "メールアドレス"],
                                         ["だれ", "0355550000", ""]])
    assert problems_of(import_csv(cbook, src, dry_run=True)) == [(2, "電話番号", (
        "Several customers have this phone number; add the LINE user ID or the email "
        "address to say which one."))]
    src = write_csv(tmp_path / "b.csv", [["氏名", "電話番号", "メールアドレス"],
                                         ["娘（更新）", "0355550000", "CHILD@example.jp"]])
    assert import_csv(cbook, src).updated == 1
    assert cbook.customers.get(child).name == "娘（更新）"


@pytest.mark.parametrize("rows", [
    [["電話番号", "氏名"], ["090-1234-5678", "一回目"], ["０９０（１２３４）５６７８", "二回目"]],
    [["LINEユーザーID", "氏名"], [LINE_C, "一回目"], [LINE_C, "二回目"]],
    [["メールアドレス", "氏名"], ["a@example.jp", "一回目"], ["A@Example.JP", "二回目"]],
])
def test_same_customer_twice_in_one_file(cbook: Book, tmp_path: Path,
                                         rows: list[list[str]]) -> None:
    src = write_csv(tmp_path / "d.csv", rows)
    with pytest.raises(ImportRowsError) as err:
        import_csv(cbook, src)
    [problem] = err.value.problems
    assert (problem.row, problem.related_row, problem.column) == (3, 2, rows[0][0])
    assert problem.reason == "The same customer is already in an earlier row of this file."
    assert cbook.customers.count() == 0


def test_two_rows_for_one_existing_customer(cbook: Book, tmp_path: Path) -> None:
    cbook.customers.create(name="既存", phone="090-1234-5678", email="k@example.jp")
    src = write_csv(tmp_path / "e.csv", [["氏名", "電話番号", "メールアドレス"],
                                         ["電話で", "09012345678", ""],
                                         ["メールで", "", "K@example.jp"]])
    report = import_csv(cbook, src, dry_run=True)
    assert [(p.row, p.related_row, p.column, p.value) for p in report.problems] == [
        (3, 2, "メールアドレス", "K@example.jp")]


# --- values ---------------------------------------------------------------------------------------

def test_excel_style_dates_and_numbers(cbook: Book, tmp_path: Path) -> None:
    day = cbook.fields.create("記念日", FieldType.DATE)
    when = cbook.fields.create("予約", FieldType.DATETIME)
    visits = cbook.fields.create("来店回数", FieldType.NUMBER)
    src = write_csv(tmp_path / "x.csv", [
        ["氏名", "誕生日", "記念日", "予約", "来店回数"],
        ["一", "2026/11/29", "2026/1/5", "2026/11/29 9:05", "1,234"],
        ["二", "2026年1月5日", "２０２６／１２／３１", "2026-11-29T14:30", "１２"],
        ["三", "2026/2/3 0:00", "2026/12/31 00:00:00", "", ""],  # date cells with a time
    ])
    import_csv(cbook, src)
    one, two, three = all_ids(cbook)
    assert str(cbook.customers.get(one).birthday) == "2026-11-29"
    assert str(cbook.customers.get(two).birthday) == "2026-01-05"
    v1, v2 = cbook.fields.values_of(one), cbook.fields.values_of(two)
    assert (str(v1[day]), str(v1[when]), v1[visits]) == ("2026-01-05", "2026-11-29 09:05:00",
                                                         1234.0)
    assert (str(v2[day]), str(v2[when]), v2[visits]) == ("2026-12-31", "2026-11-29 14:30:00",
                                                         12.0)
    assert str(cbook.customers.get(three).birthday) == "2026-02-03"
    assert str(cbook.fields.values_of(three)[day]) == "2026-12-31"
    bad = write_csv(tmp_path / "y.csv", [["氏名", "誕生日"], ["四", "2026/2/3 9:30"]])
    assert problems_of(import_csv(cbook, bad, dry_run=True)) == [
        (2, "誕生日", "This is not a valid date (for example 2026-11-29).")]


def test_points_value_sets_the_balance_with_history(cbook: Book, tmp_path: Path) -> None:
    points = cbook.fields.create("ポイント", FieldType.POINTS)
    cid = cbook.customers.create(name="常連", phone="090-0000-1234")
    cbook.fields.add_points(cid, points, 100, "来店")
    src = write_csv(tmp_path / "p.csv", [["電話番号", "ポイント"], ["090-0000-1234", "250"]])

    assert import_csv(cbook, src).updated == 1
    assert cbook.fields.values_of(cid)[points] == 250
    history = cbook.fields.points_history(cid, points)
    assert [(h.delta, h.reason) for h in history] == [(100, "来店"), (150, "CSV")]
    # The same balance again is no change and no new history.
    assert import_csv(cbook, src).updated == 0
    assert len(cbook.fields.points_history(cid, points)) == 2


def test_tags_are_created_added_and_never_removed(cbook: Book, tmp_path: Path) -> None:
    regular = cbook.tags.create("常連")
    vip = cbook.tags.create("VIP")
    cid = cbook.customers.create(name="客", phone="090-1000-2000")
    cbook.tags.add([cid], [regular])
    src = write_csv(tmp_path / "t.csv", [["電話番号", "タグ"],
                                         ["090-1000-2000", "ＶＩＰ；新規; VIP ;"],
                                         ["090-1000-3000", "新規"]])

    report = import_csv(cbook, src)

    assert report.new_tags == ["新規"]
    names = {t.id: t.name for t in cbook.tags.list()}
    assert sorted(names[t] for t in cbook.customers.tag_ids_of(cid)) == ["VIP", "常連", "新規"]
    counts = {names[t]: n for t, n in cbook.tags.counts().items()}
    assert counts == {"常連": 1, "VIP": 1, "新規": 2}
    assert vip in cbook.customers.tag_ids_of(cid)


# --- columns and preview --------------------------------------------------------------------------

def test_preview_maps_header_variants_and_custom_fields(cbook: Book, tmp_path: Path) -> None:
    visits = cbook.fields.create("来店回数", FieldType.NUMBER)
    cbook.fields.create("写真", FieldType.IMAGE)
    headers = ["ＬＩＮＥユーザーＩＤ", "名前", "フリガナ", "電話", "Ｅメール", "〒", "生年月日",
               "備考", " タグ ", "来店回数", "写真", "好きな色", "表示名"]
    rows = [headers] + [[str(i)] * len(headers) for i in range(5)]
    src = write_csv(tmp_path / "v.csv", rows)

    preview = read_preview(cbook, src, limit=2)

    assert isinstance(preview, CsvPreview)
    assert preview.headers[8] == "タグ"
    assert preview.mapping == {
        0: "line_user_id", 1: "name", 2: "furigana", 3: "phone", 4: "email",
        5: "postal_code", 6: "birthday", 7: "memo", 8: "tags", 9: f"field:{visits}",
        10: None, 11: None, 12: "display_name"}
    assert preview.rows == [["0"] * len(headers), ["1"] * len(headers)]


def test_english_headers_are_accepted(cbook: Book, tmp_path: Path) -> None:
    src = write_csv(tmp_path / "en.csv", [
        ["Display Name", "name", "E-mail", "phone", "postal_code", "birthday", "tags", "Note"],
        ["taro", "Taro", "t@example.jp", "090-1234-5678", "150-0001", "1990-01-01",
         "VIP;new", "x"]])
    report = import_csv(cbook, src)
    assert report.ignored_columns == ["Note"]
    c = cbook.customers.get(all_ids(cbook)[0])
    assert (c.display_name, c.name, c.email, c.postal_code) == ("taro", "Taro",
                                                                "t@example.jp", "150-0001")
    assert sorted(t.name for t in cbook.tags.list()) == ["VIP", "new"]


def test_explicit_mapping(cbook: Book, tmp_path: Path) -> None:
    photo = cbook.fields.create("写真", FieldType.IMAGE)
    src = write_csv(tmp_path / "x.csv", [["お客様", "連絡先", "その他"],
                                         ["田中", "090-1234-5678", "無視"]])
    with pytest.raises(CsvError, match="does not name any column"):
        import_csv(cbook, src)
    for bad, reason in [({0: "nope"}, "cannot be imported"),
                        ({0: "name", 1: "name"}, "same field"),
                        ({0: f"field:{photo}"}, "cannot be imported"),
                        ({7: "name"}, "does not have")]:
        with pytest.raises(CsvError, match=reason):
            import_csv(cbook, src, mapping=bad)
    report = import_csv(cbook, src, mapping={0: "name", 1: "phone", 2: None})
    assert report.created == 1 and report.ignored_columns == ["その他"]
    assert cbook.customers.get(all_ids(cbook)[0]).phone == "090-1234-5678"


def test_header_only_file_imports_nothing(cbook: Book, tmp_path: Path) -> None:
    src = write_csv(tmp_path / "h.csv", [JA])
    report = import_csv(cbook, src)
    assert (report.total, report.created, report.updated) == (0, 0, 0)
    assert cbook.audit.entries()[0].action == AuditAction.IMPORT_CSV
    assert cbook.audit.entries()[0].count == 0


# --- malformed files ------------------------------------------------------------------------------

MALFORMED = [
    ("unterminated-quote", "氏名,メモ\r\n田中,\"閉じない\r\n山田,x\r\n".encode(), "auto",
     "never closed", "row 2"),
    ("text-after-quote", "氏名\r\n\"田中\"様\r\n".encode(), "auto", "after its closing",
     "row 2"),
    ("binary", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "auto", "not a text file", ""),
    ("xlsx", b"PK\x03\x04\x14\x00\x06\x00" + bytes(64), "auto", "Excel workbook", ""),
    ("utf-16", "氏名\r\n田中\r\n".encode("utf-16"), "auto", "UTF-16", ""),
    ("empty", b"", "auto", "empty", ""),
    ("only-bom-and-blank-lines", b"\xef\xbb\xbf\r\n\r\n,,\r\n", "auto", "empty", ""),
    ("no-header", "田中,090-1234-5678\r\n山田,03-1111-2222\r\n".encode(), "auto",
     "does not name any column", ""),
    ("neither-utf8-nor-cp932", b"name\r\n\x85\x40\r\n", "auto", "neither UTF-8 nor", "line 2"),
    ("forced-utf8-on-cp932", "氏名\r\n田中\r\n".encode("cp932"), "utf-8",
     "chosen text encoding", "line 1"),
    ("unknown-encoding", "氏名\r\n田中\r\n".encode(), "latin-9", "Unknown text encoding",
     "latin-9"),
]


@pytest.mark.parametrize(("data", "encoding", "message", "detail"),
                         [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED])
def test_malformed_files_are_known_errors(cbook: Book, tmp_path: Path, data: bytes,
                                          encoding: str, message: str, detail: str) -> None:
    src = tmp_path / "bad.csv"
    src.write_bytes(data)
    for call in (lambda: import_csv(cbook, src, encoding=encoding),
                 lambda: import_csv(cbook, src, encoding=encoding, dry_run=True)):
        with pytest.raises(CsvError, match=message) as err:
            call()
        assert err.value.detail == detail
    if message == "does not name any column":
        # The preview still shows the file, so the owner can assign the columns by hand.
        preview = read_preview(cbook, src, encoding=encoding)
        assert set(preview.mapping.values()) == {None} and len(preview.rows) == 1
    elif message != "never closed":  # (the preview reads only the first rows)
        with pytest.raises(CsvError, match=message):
            read_preview(cbook, src, encoding=encoding)
    assert cbook.customers.count() == 0


def test_missing_folder_and_huge_files(cbook: Book, tmp_path: Path) -> None:
    with pytest.raises(CsvError, match="cannot be opened"):
        import_csv(cbook, tmp_path / "nowhere.csv")
    with pytest.raises(CsvError, match="folder"):
        import_csv(cbook, tmp_path)
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as f:  # sparse: refused by its size before any byte is read
        f.truncate(csvio.MAX_FILE_BYTES + 1)
    with pytest.raises(CsvError, match="too big"):
        import_csv(cbook, huge)


def test_long_cell_and_many_columns(cbook: Book, tmp_path: Path) -> None:
    memo = "長" * 5000
    headers = ["氏名", "メモ"] + [f"列{i}" for i in range(300)]
    src = write_csv(tmp_path / "w.csv", [headers, ["田中", memo] + ["x"] * 300])
    report = import_csv(cbook, src)
    assert report.created == 1 and len(report.ignored_columns) == 300
    assert cbook.customers.get(all_ids(cbook)[0]).memo == memo
    src.write_text("氏名\r\n\"" + "x" * 200_000 + "\"\r\n", encoding="utf-8")
    with pytest.raises(CsvError, match="too long"):
        import_csv(cbook, src)


# --- cancel, progress, audit ---------------------------------------------------------------------

def _many(tmp_path: Path, n: int) -> Path:
    return write_csv(tmp_path / "many.csv", [["氏名", "電話番号", "タグ"]] + [
        [f"客{i}", f"090-{i // 10000:04d}-{i % 10000:04d}", "大量"] for i in range(n)])


@pytest.mark.parametrize("phase", ["checking", "writing"])
def test_cancel_stores_nothing(cbook: Book, tmp_path: Path, phase: str) -> None:
    n = 3 * csvio.CHUNK
    src = _many(tmp_path, n)
    before = len(cbook.audit.entries())
    calls: list[tuple[int, int]] = []
    # Checking counts rows 0…n, writing n…2n: cancel after the first report of the phase.
    threshold = 0 if phase == "checking" else n

    def cancel() -> bool:
        return any(done > threshold for done, _total in calls)

    with pytest.raises(CancelledError):
        import_csv(cbook, src, progress=lambda d, t: calls.append((d, t)), cancel=cancel)

    assert calls and all(total == 2 * n for _done, total in calls)
    assert max(d for d, _t in calls) < 2 * n
    assert cbook.customers.count() == 0
    assert cbook.tags.list() == []
    assert len(cbook.audit.entries()) == before
    # The book takes the same import afterwards.
    assert import_csv(cbook, src).created == n


def test_progress_reaches_the_total(cbook: Book, tmp_path: Path) -> None:
    src = _many(tmp_path, 1200)
    calls: list[tuple[int, int]] = []
    import_csv(cbook, src, progress=lambda d, t: calls.append((d, t)))
    done = [d for d, _t in calls]
    assert done == sorted(done) and calls[-1] == (2400, 2400)
    calls.clear()
    import_csv(cbook, src, dry_run=True, progress=lambda d, t: calls.append((d, t)))
    assert calls[-1] == (1200, 1200)


def test_audit_and_change_announcements(cbook: Book, tmp_path: Path) -> None:
    cbook.customers.create(name="既存", phone="090-0000-0000")
    src = write_csv(tmp_path / "a.csv", [["氏名", "電話番号", "タグ"],
                                         ["既存さん", "090-0000-0000", ""],
                                         ["新規", "090-0000-0001", "VIP"]])
    changes: list[Change] = []
    cbook.changed.connect(changes.append)
    try:
        before = len(cbook.audit.entries())
        import_csv(cbook, src, dry_run=True)
        assert changes == [] and len(cbook.audit.entries()) == before

        import_csv(cbook, src)
    finally:
        cbook.changed.disconnect(changes.append)

    assert {c.kind for c in changes} >= {"customers", "tags"}
    entry = cbook.audit.entries()[0]
    assert (entry.action, entry.count) == (AuditAction.IMPORT_CSV, 2)
    assert (entry.detail["created"], entry.detail["updated"]) == (1, 1)
    assert "既存" not in json.dumps(entry.detail, ensure_ascii=False)
