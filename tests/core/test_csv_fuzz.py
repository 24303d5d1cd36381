"""Hypothesis fuzzing of the CSV reader and import: whatever the bytes, the only errors
are the known ones (:class:`OtokuiError`), and an import either stores all of a file or
none of it (nothing half-imported).

Examples per test: ``OTOKUI_FUZZ_EXAMPLES`` (default 2,000 for the reader, a tenth of
that for real imports, which each write to the encrypted book).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from app.book import Book
from app.csvio import import_csv, read_preview
from app.errors import ImportRowsError, OtokuiError
from app.fields import FieldType
from app.profile import Profile
from tests.core.conftest import PASSPHRASE

EXAMPLES = int(os.environ.get("OTOKUI_FUZZ_EXAMPLES", "2000"))
_SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                     suppress_health_check=[HealthCheck.function_scoped_fixture,
                                            HealthCheck.too_slow])
_IMPORT_SETTINGS = settings(_SETTINGS, max_examples=max(50, EXAMPLES // 10))

HEADERS = ["氏名", "ふりがな", "電話番号", "メールアドレス", "誕生日", "タグ", "メモ",
           "LINEユーザーID", "郵便番号", "担当", "来店回数", "", "=HYPERLINK(\"x\")",
           "\ufeff氏名", "name", "tel"]
CELLS = st.one_of(
    st.sampled_from(["", "山田", "090-1234-5678", "090-1234-56789", "a@b.jp", "x",
                     "1990-04-01", "1990-02-30", "VIP;常連", "=1+1", "'=1", "\"", "\r\n",
                     "佐藤", "12", "-5", "U" + "a" * 32, "150-0001", "\ufeff", "\x00"]),
    st.text(max_size=12))
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "cp932", "utf-16", "utf-32"])


@st.composite
def csv_bytes(draw: st.DrawFn) -> bytes:
    """A spreadsheet-like file (likely headers and cells, joined with CSV's own marks)
    or, a fifth of the time, arbitrary bytes."""
    if draw(st.integers(0, 4)) == 0:
        return draw(st.binary(max_size=300))
    width = draw(st.integers(1, 6))
    header = [draw(st.sampled_from(HEADERS)) for _ in range(width)]
    rows = [header, *draw(st.lists(st.lists(CELLS, max_size=width + 1), max_size=6))]
    sep = draw(st.sampled_from([",", "\t", ";"]))
    quote = draw(st.booleans())
    lines = []
    for row in rows:
        cells = [f'"{c}"' if quote else c for c in row]
        lines.append(sep.join(cells))
    text_ = draw(st.sampled_from(["\r\n", "\n", "\r"])).join(lines)
    encoding = draw(ENCODINGS)
    prefix = draw(st.sampled_from([b"", b"\xef\xbb\xbf", b"\xef\xbb\xbf\xef\xbb\xbf"]))
    return prefix + text_.encode(encoding, errors="replace")


@pytest.fixture(scope="module")
def fuzz_book(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Book]:
    root = tmp_path_factory.mktemp("fuzz")
    book = Profile(root / "profile").create(passphrase=PASSPHRASE)
    book.fields.create("担当", FieldType.SINGLE_CHOICE, choices=["佐藤", "鈴木"],
                       required=True)
    book.fields.create("来店回数", FieldType.NUMBER)
    book.customers.create(name="既存", phone="090-1234-5678", email="a@b.jp")
    try:
        yield book
    finally:
        book.close()


_COUNTS = text("SELECT (SELECT count(*) FROM customer), (SELECT count(*) FROM field_value), "
               "(SELECT count(*) FROM customer_tag), (SELECT count(*) FROM tag)")


def _snapshot(book: Book) -> tuple[int, ...]:
    with book.db.read() as s:
        return tuple(int(v) for v in s.execute(_COUNTS).one())


@_SETTINGS
@given(data=csv_bytes())
def test_reading_any_file_raises_only_known_errors(fuzz_book: Book, tmp_path: Path,
                                                   data: bytes) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data)
    before = _snapshot(fuzz_book)
    try:
        preview = read_preview(fuzz_book, path)
        assert all("\ufeff" not in h for h in preview.headers)
        report = import_csv(fuzz_book, path, dry_run=True)
        assert report.created + report.updated <= report.total
    except OtokuiError:
        pass
    assert _snapshot(fuzz_book) == before  # a preview and a dry run never write


@_IMPORT_SETTINGS
@given(data=csv_bytes(), skip=st.booleans())
def test_an_import_stores_all_or_nothing(fuzz_book: Book, tmp_path: Path, data: bytes,
                                         skip: bool) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data)
    skipped = tmp_path / "skipped.csv"
    skipped.unlink(missing_ok=True)
    before = _snapshot(fuzz_book)
    try:
        dry = import_csv(fuzz_book, path, dry_run=True)
    except OtokuiError:
        dry = None
    try:
        report = import_csv(fuzz_book, path, skip_bad_rows=skip,
                            skipped_rows_path=skipped if skip else None)
    except ImportRowsError:
        assert not skip
        assert dry is not None and dry.problems
        assert _snapshot(fuzz_book) == before  # nothing half-imported
        return
    except OtokuiError:
        assert _snapshot(fuzz_book) == before
        return
    assert dry is not None
    # What the check promised is what the import did.
    assert (report.created, report.updated) == (dry.created, dry.updated)
    assert _snapshot(fuzz_book)[0] == before[0] + report.created
    assert bool(report.problems) == bool(dry.problems)
    assert skipped.exists() == bool(skip and report.problems)
