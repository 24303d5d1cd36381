"""The CSV import wizard: preview and assignment, row errors that block the import,
a good file imported, encodings, and cancelling that keeps nothing."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWizard

from app.search import CustomerQuery
from ui.dialogs.import_wizard import ImportWizard

HEADER = "氏名,ふりがな,電話番号,メールアドレス,誕生日,タグ,会員ランク,備考欄\n"
GOOD = HEADER + (
    "中村 さくら,なかむら さくら,090-1111-2222,sakura@example.jp,1990/4/1,VIP;春キャンペーン,"
    "シルバー,窓側の席が好き\n"
    "小林 健太,こばやし けんた,080-3333-4444,,,春キャンペーン,,\n"
    "加藤 美穂,かとう みほ,,miho@example.jp,1988年12月3日,,ブロンズ,\n"
    # 佐藤 健 is already in the book (same phone): updated, nothing erased.
    "佐藤 健,,080-5555-0000,ken@example.jp,,常連,,\n"
)
BAD = HEADER + (
    "中村 さくら,なかむら さくら,090-1111-2222,sakura.example.jp,1990/4/1,,,\n"
    "小林 健太,こばやし けんた,080-3333-4444,,1990/02/30,,,\n"
    "加藤 美穂,かとう みほ,,miho@example.jp,,,ダイヤモンド,\n"
    "正しい 行,ただしい ぎょう,070-1234-0000,,,,,\n"
)


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _wizard(qtbot, book, path: Path, encoding: str = "auto") -> ImportWizard:
    wizard = ImportWizard(book)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    wizard.set_path(path, encoding)
    return wizard


def _to_mapping(qtbot, wizard: ImportWizard) -> None:
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.mapping_page, timeout=20_000)


def _to_check(qtbot, wizard: ImportWizard) -> None:
    _to_mapping(qtbot, wizard)
    wizard.next()
    assert wizard.currentPage() is wizard.check_page
    qtbot.waitUntil(lambda: not wizard.check_page.running, timeout=30_000)


def _commit_button(wizard: ImportWizard):
    return wizard.button(QWizard.WizardButton.CommitButton)


def test_a_good_file_is_previewed_checked_and_imported(qtbot, book, seeded, tmp_path) -> None:
    before = book.customers.count()
    wizard = _wizard(qtbot, book, _write(tmp_path, "customers.csv", GOOD))
    _to_mapping(qtbot, wizard)
    page = wizard.mapping_page
    # The guess from the headers: built-ins, tags, the custom field by its name, and the
    # unknown column left out.
    assert page.mapping() == {0: "name", 1: "furigana", 2: "phone", 3: "email",
                              4: "birthday", 5: "tags",
                              6: f"field:{seeded.fields['会員ランク']}", 7: None}
    assert page.preview_table.rowCount() == 4
    assert page.preview_table.item(0, 0).text() == "中村 さくら"
    assert page.mapping_table.item(2, 2).text().startswith("090-1111-2222")

    wizard.next()
    qtbot.waitUntil(lambda: not wizard.check_page.running, timeout=30_000)
    check = wizard.check_page
    assert (check.report.created, check.report.updated, check.report.problems) == (3, 1, [])
    assert "春キャンペーン" in check.details.text()  # a tag the import creates
    assert "備考欄" in check.details.text()  # a column left out
    assert not check.problems_table.isVisible()
    assert _commit_button(wizard).isVisible() and _commit_button(wizard).isEnabled()
    assert book.customers.count() == before  # the check wrote nothing

    _commit_button(wizard).click()
    assert wizard.currentPage() is wizard.result_page
    qtbot.waitUntil(lambda: not wizard.result_page.running, timeout=30_000)
    report = wizard.result_page.report
    assert (report.created, report.updated) == (3, 1)
    assert book.customers.count() == before + 3
    sato = book.customers.get(seeded.customers["佐藤"])
    assert (sato.email, sato.name, sato.furigana) == ("ken@example.jp", "佐藤 健", "サトウ ケン")
    sakura = book.search.ids(CustomerQuery(text="なかむら"))
    assert len(sakura) == 1
    assert book.fields.values_of(sakura[0])[seeded.fields["会員ランク"]] == "シルバー"
    assert wizard.button(QWizard.WizardButton.FinishButton).isEnabled()


def test_row_errors_are_listed_block_the_import_and_commit_nothing(
        qtbot, book, tmp_path) -> None:
    before = book.customers.count()
    wizard = _wizard(qtbot, book, _write(tmp_path, "bad.csv", BAD))
    _to_check(qtbot, wizard)
    check = wizard.check_page
    problems = check.report.problems
    assert {p.row for p in problems} == {2, 3, 4}
    table = check.problems_table
    assert table.isVisible() and table.rowCount() == len(problems)
    cells = {(table.item(r, 0).text(), table.item(r, 1).text()): (table.item(r, 2).text(),
                                                                  table.item(r, 3).text())
             for r in range(table.rowCount())}
    assert cells[("2", "メールアドレス")] == (QCoreApplication.translate(
        "customers", "This is not an email address."), "sakura.example.jp")
    assert cells[("3", "誕生日")][1] == "1990/02/30"
    assert cells[("4", "会員ランク")] == (QCoreApplication.translate(
        "fields", "This is not one of the choices."), "ダイヤモンド")
    # Nothing can be imported until the file is fixed, and the owner is told so.
    assert not _commit_button(wizard).isEnabled()
    assert check.message.isVisible() and check.message.property("kind") == "error"
    assert "3" in check.message.text()

    saved = tmp_path / "bad-errors.csv"
    check.save_problems(saved)
    rows = list(csv.reader(saved.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0] == check.problem_headers()
    assert sorted(r[0] for r in rows[1:]) == ["2", "3", "4"]

    wizard.reject()
    assert not wizard.isVisible()
    assert book.customers.count() == before


def test_assignment_problems_and_leaving_a_column_out(qtbot, book, tmp_path) -> None:
    wizard = _wizard(qtbot, book, _write(tmp_path, "customers.csv", GOOD))
    _to_mapping(qtbot, wizard)
    page = wizard.mapping_page
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    page.set_target(1, "name")  # two columns into 氏名
    assert not next_button.isEnabled() and page.message.isVisible()
    page.set_target(1, None)
    assert next_button.isEnabled() and not page.message.isVisible()
    for i in range(len(page.combos)):
        page.set_target(i, None)
    assert not next_button.isEnabled()
    page.set_target(0, "name")
    page.set_target(2, "phone")
    page.set_target(3, None)  # the email column is left out
    wizard.next()
    qtbot.waitUntil(lambda: not wizard.check_page.running, timeout=30_000)
    _commit_button(wizard).click()
    qtbot.waitUntil(lambda: not wizard.result_page.running, timeout=30_000)
    sakura = book.search.ids(CustomerQuery(text="中村"))
    assert len(sakura) == 1
    customer = book.customers.get(sakura[0])
    assert (customer.email, customer.furigana) == ("", "")


def test_shift_jis_is_read_automatically_and_a_wrong_choice_is_explained(
        qtbot, book, tmp_path) -> None:
    path = _write(tmp_path, "excel.csv", GOOD.replace("\n", "\r\n"), "cp932")
    wizard = _wizard(qtbot, book, path, encoding="utf-8")
    wizard.next()
    qtbot.waitUntil(lambda: not wizard.file_page._loading, timeout=20_000)
    assert wizard.currentPage() is wizard.file_page
    assert wizard.file_page.message.property("kind") == "error"
    assert wizard.file_page.message.text().startswith(QCoreApplication.translate(
        "csv", "The file is not in the chosen text encoding."))

    wizard.set_path(path, "auto")
    assert not wizard.file_page.message.isVisible()
    _to_mapping(qtbot, wizard)
    assert wizard.preview.encoding == "cp932"
    assert wizard.mapping_page.preview_table.item(0, 0).text() == "中村 さくら"


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 an excel workbook", b"\x00\x01\x02"])
def test_files_that_are_not_csv_stay_on_the_first_page(qtbot, book, tmp_path,
                                                        content) -> None:
    path = tmp_path / "not.csv"
    path.write_bytes(content)
    wizard = _wizard(qtbot, book, path)
    wizard.next()
    qtbot.waitUntil(lambda: not wizard.file_page._loading, timeout=20_000)
    assert wizard.currentPage() is wizard.file_page
    assert wizard.file_page.message.property("kind") == "error"


def test_cancelling_the_import_keeps_nothing(qtbot, book, tmp_path) -> None:
    rows = "".join(f"顧客 {i},,070-{i // 10000:04d}-{i % 10000:04d},,,,,\n" for i in range(3000))
    wizard = _wizard(qtbot, book, _write(tmp_path, "big.csv", HEADER + rows))
    before = book.customers.count()
    _to_check(qtbot, wizard)
    assert wizard.check_page.report.created == 3000
    _commit_button(wizard).click()
    assert wizard.result_page.running
    wizard.reject()  # the window's close: stops the import, then closes
    assert wizard.isVisible()  # still open until the import has stopped
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=30_000)
    assert wizard.result_page.report is None
    assert book.customers.count() == before


def test_stop_button_keeps_nothing_and_says_so(qtbot, book, tmp_path) -> None:
    rows = "".join(f"顧客 {i},,070-{i // 10000:04d}-{i % 10000:04d},,,,,\n" for i in range(3000))
    wizard = _wizard(qtbot, book, _write(tmp_path, "big.csv", HEADER + rows))
    before = book.customers.count()
    _to_check(qtbot, wizard)
    _commit_button(wizard).click()
    wizard.result_page.stop_button.click()
    qtbot.waitUntil(lambda: not wizard.result_page.running, timeout=30_000)
    assert wizard.result_page.summary.text() == wizard.result_page.tr(
        "The import was stopped.")
    assert book.customers.count() == before


def test_importing_the_good_rows_and_writing_the_skipped_ones(qtbot, book, tmp_path) -> None:
    before = book.customers.count()
    wizard = _wizard(qtbot, book, _write(tmp_path, "bad.csv", BAD))
    _to_check(qtbot, wizard)
    check = wizard.check_page
    assert check.skip_box.isVisible() and not check.skip_box.isChecked()
    assert "3" in check.skip_box.text()
    assert not _commit_button(wizard).isEnabled()  # all or nothing stays the default
    skipped = tmp_path / "bad-skipped.csv"
    check.set_skipped_path(skipped)
    assert check.skip_box.isChecked() and _commit_button(wizard).isEnabled()
    assert "audit" in check.skip_note.text() and str(skipped) in check.skip_note.text()
    check.skip_box.setChecked(False)  # changed their mind: blocked again
    assert not _commit_button(wizard).isEnabled() and wizard.skipped_path is None
    check.set_skipped_path(skipped)
    _commit_button(wizard).click()
    qtbot.waitUntil(lambda: not wizard.result_page.running, timeout=30_000)
    report = wizard.result_page.report
    assert (report.created, report.updated) == (1, 0)
    assert book.customers.count() == before + 1
    assert str(skipped) in wizard.result_page.message.text()
    rows = list(csv.reader(skipped.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0] == [*HEADER.strip().split(","), "Problem"]
    assert [r[0] for r in rows[1:]] == ["中村 さくら", "小林 健太", "加藤 美穂"]
    assert rows[1][-1].startswith("メールアドレス: ")


def test_skipping_is_not_offered_when_no_row_is_good(qtbot, book, tmp_path) -> None:
    bad_only = HEADER + "中村 さくら,,090-1111-2222,sakura.example.jp,,,,\n"
    wizard = _wizard(qtbot, book, _write(tmp_path, "all-bad.csv", bad_only))
    _to_check(qtbot, wizard)
    check = wizard.check_page
    assert check.good_rows() == 0 and not check.skip_box.isVisible()
    check.set_skipped_path(tmp_path / "skipped.csv")
    assert not _commit_button(wizard).isEnabled()  # nothing good to import
    wizard.reject()
