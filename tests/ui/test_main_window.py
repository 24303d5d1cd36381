"""The main window: menus and shortcuts, customers, export, backup and restore, start-up."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.profile import Profile


def _wait(qtbot, op, timeout: int = 20_000) -> None:
    assert op is not None
    if op.running:
        with qtbot.waitSignal(op.finished, timeout=timeout):
            pass


def test_menus_toolbar_and_shortcuts(window) -> None:
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["&File", "&Customers", "&Broadcasts", "F&orms", "Sa&les", "Re&servations",
                     "&Analytics", "&Tools",
                     "&Help"]
    shortcuts = {a.objectName(): a.shortcut().toString() for a in window.actions()}
    assert shortcuts["actLock"] == "Ctrl+L"
    assert shortcuts["actNewCustomer"] == "Ctrl+N"
    assert shortcuts["actImport"] == "Ctrl+I"
    assert shortcuts["actExport"] == "Ctrl+E"
    assert shortcuts["actFind"] == "Ctrl+F"
    toolbar = [a.objectName() for a in window.toolbar.actions() if a.objectName()]
    for name in ("actNewCustomer", "actAddTag", "actRemoveTag", "actImport", "actExport",
                 "actBackup", "actSettings", "actLock"):
        assert name in toolbar
    for action in (window.act_new, window.act_lock, window.act_export, window.act_backup):
        assert not action.icon().isNull()


def test_counts_in_the_status_bar(window) -> None:
    assert window.count_label.text() == "5 customer(s)"
    assert window.selection_label.text() == ""
    assert not window.act_delete.isEnabled()  # nothing selected


def test_tab_order_runs_sidebar_search_table_detail(window) -> None:
    content = window.content
    chain = []
    widget = content.sidebar.tree
    for _ in range(40):
        widget = widget.nextInFocusChain()
        chain.append(widget)
    order = [chain.index(w) for w in (content.search, content.view)]
    assert order == sorted(order)
    detail_first = next(i for i, w in enumerate(chain)
                        if content.detail.isAncestorOf(w) or w is content.detail)
    assert detail_first > order[1]


def test_new_customer_is_created_selected_and_ready_to_edit(window, seeded) -> None:
    window.content.search.setText("田中")
    window.apply_search()
    cid = window.create_customer("新井 さくら")
    assert cid is not None
    assert window.content.search.text() == ""  # shown even though a search was active
    assert window.content.view.selected_ids() == [cid]
    assert window.content.detail.customer_id == cid
    assert window.content.detail.title.text() == "新井 さくら"
    assert window.count_label.text() == "6 customer(s)"


def test_delete_selected_customers_is_audited(window, seeded, qtbot) -> None:
    c = seeded.customers
    _wait(qtbot, window.delete_customers([c["佐藤"], c["高橋"]]))
    window.content.events.flush()
    assert window.content.model.rowCount() == 3
    assert seeded.book.customers.count() == 3
    entry = next(e for e in seeded.book.audit.entries() if e.action == "customers_deleted")
    assert entry.count == 2


def test_export_all_and_selection_in_the_background(window, seeded, qtbot,
                                                    tmp_path: Path) -> None:
    everyone = tmp_path / "all.csv"
    _wait(qtbot, window.export_to(everyone, None))
    with open(everyone, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert len(rows) == 1 + 5
    some = tmp_path / "some.csv"
    _wait(qtbot, window.export_to(some, [seeded.customers["山田"]]))
    with open(some, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert len(rows) == 2 and any("山田 花子" in cell for cell in rows[1])
    assert any(e.action == "export_csv" for e in seeded.book.audit.entries())


def test_backup_then_restore_brings_the_old_book_back(window, seeded, qtbot,
                                                      tmp_path: Path) -> None:
    backup = tmp_path / "book.otkb"
    _wait(qtbot, window.backup_to(backup))
    assert backup.stat().st_size > 0
    _wait(qtbot, window.delete_customers([seeded.customers["高橋"]]))
    assert seeded.book.customers.count() == 4
    window.restore_from(backup, seeded.passphrase)
    assert window.locked  # the book is closed while the backup replaces it
    qtbot.waitUntil(lambda: window.unlock_widget is not None
                    and window.unlock_widget.stack.currentIndex() == 1, timeout=30_000)
    window.unlock_widget.field.setText(seeded.passphrase)
    window.unlock_widget.submit()
    qtbot.waitUntil(lambda: not window.locked, timeout=10_000)
    assert window.book.customers.count() == 5
    assert window.content.model.rowCount() == 5


def test_a_damaged_backup_is_refused_and_the_book_reopens(window, seeded, qtbot,
                                                          tmp_path: Path,
                                                          monkeypatch) -> None:
    shown: list[BaseException] = []
    monkeypatch.setattr("ui.main_window.show_error", lambda _w, e: shown.append(e))
    bad = tmp_path / "bad.otkb"
    bad.write_bytes(b"OTKB\x01" + b"\x00" * 64)
    window.restore_from(bad, seeded.passphrase)
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    from app.errors import BackupError

    assert isinstance(shown[0], BackupError)
    qtbot.waitUntil(lambda: window.unlock_widget is not None
                    and window.unlock_widget.stack.currentIndex() == 1, timeout=10_000)
    window.unlock_widget.field.setText(seeded.passphrase)
    window.unlock_widget.submit()
    qtbot.waitUntil(lambda: not window.locked, timeout=10_000)
    assert window.book.customers.count() == 5


def test_column_widths_and_geometry_are_remembered(window, settings) -> None:
    model, view = window.content.model, window.content.view
    view.setColumnWidth(model.column_index("phone"), 222)
    window.close()
    assert "phone=222" in settings.column_widths
    assert settings.window_geometry


def test_start_up_opens_a_keyring_book_without_a_question(qtbot, tmp_path: Path,
                                                          settings) -> None:
    from ui.app import open_book_window

    profile = Profile(tmp_path / "kr")
    profile.create().close()  # key in the (test) keyring
    window = open_book_window(profile, settings)
    assert window is not None
    qtbot.addWidget(window)
    assert window.book is not None and window.book.customers.count() == 0
    assert settings.last_profile == str(profile.root)
    window.close()


def test_prepare_sets_looks_logging_and_handlers(qapp, tmp_path: Path, settings) -> None:
    import logging
    import sys

    from app.logs import log_path, setup_logging
    from ui import crash, i18n, qtlog
    from ui.app import prepare

    profile = Profile(tmp_path / "p")
    profile.ensure_dirs()
    (profile.root / "otokui.json").write_text("{}")  # looks like a profile for the logs
    hook = sys.excepthook
    try:
        prepare(qapp, settings, profile)
        assert "QTableView#customerTable" in qapp.styleSheet()
        assert log_path() == profile.logs_dir / "otokui.log"
        assert sys.excepthook is not hook
        assert settings.settings_version == settings.VERSION
        logging.getLogger("otokui.test").info("hello")
        assert "hello" in (profile.logs_dir / "otokui.log").read_text()
    finally:
        qtlog.uninstall()
        crash.uninstall_crash_handler()
        i18n.install_translators(qapp, "en")
        qapp.setStyleSheet("")
        setup_logging(None)
    assert sys.excepthook is hook
    assert QApplication.instance() is qapp


@pytest.fixture
def in_japanese(qapp):
    from ui import i18n

    if i18n._tool("lrelease") is None:
        pytest.skip("pyside6-lrelease is needed to build the translations")
    i18n.compile_if_stale()
    i18n.install_translators(qapp, "ja")
    yield
    i18n.install_translators(qapp, "en")


def test_the_window_speaks_japanese_by_default(in_japanese, book, settings, seeded,
                                               qtbot) -> None:
    from ui.main_window import MainWindow
    from ui.widgets.tag_sidebar import ALL_KEY

    window = MainWindow(book, settings)
    qtbot.addWidget(window)
    assert [a.text() for a in window.menuBar().actions()] == [
        "ファイル(&F)", "お客様(&C)", "配信(&B)", "フォーム(&O)", "販売(&L)", "予約(&S)",
        "分析(&A)", "ツール(&T)", "ヘルプ(&H)"]
    assert window.act_lock.text() == "今すぐロック(&L)"
    assert window.count_label.text() == "5人"
    assert window.content.sidebar._find(ALL_KEY).data() == "すべての友だち"
    model = window.content.model
    assert model.headerData(model.column_index("name"), Qt.Orientation.Horizontal) == "氏名"
    row = model.row_of(seeded.customers["田中"])
    assert model.data(model.index(row, model.column_index("followed_at"))) == "2026年4月1日"
    window.select_customer(seeded.customers["田中"])
    assert window.content.detail.status.text() == "友だち"
    window.close()


@pytest.fixture
def real_looks(qapp):
    """The style sheet and Japanese font the app starts with (``ui.app.prepare``): the
    toolbar's room depends on them."""
    from ui.app import choose_font
    from ui.resources import style_sheet

    font = qapp.font()
    qapp.setStyleSheet(style_sheet())
    choose_font(qapp)
    yield
    qapp.setStyleSheet("")
    qapp.setFont(font)


@pytest.mark.parametrize("width", [1440, 1280])
def test_every_toolbar_action_fits_in_japanese(in_japanese, real_looks, book, settings,
                                               qtbot, width: int) -> None:
    """Nothing goes into the toolbar's overflow (its ≫ button): 今すぐロック above all."""
    from PySide6.QtWidgets import QToolButton

    from ui.main_window import MainWindow

    window = MainWindow(book, settings)
    qtbot.addWidget(window)
    window.resize(width, 800)
    window.show()
    qtbot.waitExposed(window)
    bar = window.toolbar
    assert bar.width() <= width
    lock = bar.widgetForAction(window.act_lock)
    assert lock is not None and lock.isVisible()
    assert bar.rect().contains(lock.geometry())
    for action in bar.actions():
        if action.isSeparator() or not action.isVisible():
            continue
        widget = bar.widgetForAction(action)
        assert widget is not None and widget.isVisible(), action.objectName() or action.text()
        assert bar.rect().contains(widget.geometry()), action.objectName()
        if isinstance(widget, QToolButton) and \
                widget.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly:
            assert action.toolTip().strip()  # icon-only buttons say what they do on hover
    extension = bar.findChild(QToolButton, "qt_toolbar_ext_button")
    assert extension is None or not extension.isVisible()
    window.close()


def test_toolbar_overflow_button_is_drawn_when_it_appears(in_japanese, real_looks, book,
                                                          settings, qtbot) -> None:
    """When not every button fits, the overflow button shows an icon and is
    wide enough to click (the style sheet left Fusion's arrow no room: it drew nothing)."""
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QToolButton

    from ui.main_window import MainWindow
    from ui.resources import icon

    window = MainWindow(book, settings)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    assert window.act_lock.iconText() == "ロック"
    assert "CSVを取り込む" in window.act_import.toolTip()
    import_button = window.toolbar.widgetForAction(window.act_import)
    assert import_button.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly
    # Buttons added later (as the 配信 one was) leave no room for every button.
    for n in range(4):
        extra = QAction(icon("people"), f"とても長い名前の新しいボタン {n}", window)
        window.toolbar.insertAction(window.act_import, extra)
    qtbot.waitUntil(lambda: window.toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
                    is not None and window.toolbar.findChild(
                        QToolButton, "qt_toolbar_ext_button").isVisible())
    extension = window.toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
    assert not extension.icon().isNull()
    assert extension.width() >= 24
    window.close()
