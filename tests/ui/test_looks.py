"""The looks the owner met in their first day (issue 9, 13): Qt's own dialogs in
Japanese and with room, no old theme icons on dialog buttons, a disabled send button that
can be read, numbers on the right under their headers, toolbar buttons visibly off while
locked."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QTreeView,
    QWidget,
)

from ui import i18n


@pytest.fixture
def looks(qapp):
    """Japanese, the app's style, style sheet and font, as ``ui.app`` starts them."""
    from ui.app import choose_font
    from ui.resources import style_sheet
    from ui.style import OtokuiStyle

    i18n.compile_if_stale()
    i18n.install_translators(qapp, "ja")
    font, sheet = qapp.font(), qapp.styleSheet()
    qapp.setStyle(OtokuiStyle())
    qapp.setStyleSheet(style_sheet())
    choose_font(qapp)
    yield qapp
    qapp.setStyleSheet(sheet)
    qapp.setFont(font)
    qapp.setStyle("Fusion")
    i18n.uninstall_translators(qapp)


def _luminance(c: QColor) -> float:
    def channel(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4
    return 0.2126 * channel(c.red()) + 0.7152 * channel(c.green()) + 0.0722 * channel(c.blue())


def _contrast(a: QColor, b: QColor) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _text_contrast(widget: QWidget) -> float:
    """The contrast of the text drawn on a widget: its commonest colour (the background)
    against the pixel that differs most from it (the text's strokes)."""
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    counts: dict[int, int] = {}
    w, h = image.width(), image.height()
    inner = [(x, y) for y in range(h // 4, 3 * h // 4) for x in range(w // 8, 7 * w // 8)]
    for x, y in inner:
        rgb = image.pixel(x, y)
        counts[rgb] = counts.get(rgb, 0) + 1
    background = QColor.fromRgb(max(counts, key=counts.__getitem__))
    return max(_contrast(background, QColor.fromRgb(image.pixel(x, y))) for x, y in inner)


def test_qt_file_dialog_speaks_japanese_and_has_room(looks, qtbot, tmp_path) -> None:
    """Qt's own dialog (Linux without a native one): no English label left (Qt 6.11's
    "&Look in:" / "Files of &type:" were missing from qtbase_ja), and room for Japanese."""
    from ui import file_dialogs

    (tmp_path / "お客様一覧_2026年12月.csv").write_text("x")
    sizer = file_dialogs.install(looks)
    try:
        for mode in (QFileDialog.AcceptMode.AcceptOpen, QFileDialog.AcceptMode.AcceptSave):
            dialog = QFileDialog(None, "CSV", str(tmp_path), "CSVファイル (*.csv)")
            dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
            dialog.setAcceptMode(mode)
            qtbot.addWidget(dialog)
            dialog.show()
            english = [w.text() for w in dialog.findChildren(QLabel)
                       if re.search(r"[A-Za-z]{3,}", w.text())]
            assert english == []
            assert dialog.width() >= file_dialogs.MIN_SIZE[0]
            tree = dialog.findChild(QTreeView, "treeView")
            header = tree.header()
            wanted = tree.fontMetrics().horizontalAdvance("CSV ドキュメント")
            assert header.sectionSize(2) > wanted
            dialog.reject()
    finally:
        looks.removeEventFilter(sizer)


def test_dialog_buttons_have_no_theme_icons(looks, qtbot) -> None:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                           | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "キャンセル"
    assert all(b.icon().isNull() for b in box.buttons())
    message = QMessageBox(QMessageBox.Icon.Question, "t", "?",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    qtbot.addWidget(message)
    assert all(b.icon().isNull() for b in message.buttons())


def test_a_disabled_send_button_can_be_read(looks, qtbot, book, seeded) -> None:
    from ui.inbox.composer import Composer

    composer = Composer(book)
    qtbot.addWidget(composer)
    composer.set_customer(seeded.customers["田中"])
    composer.resize(640, 200)
    composer.show()
    qtbot.waitExposed(composer)
    button = composer.send_button
    assert not button.isEnabled() and button.text()  # nothing written yet
    assert _text_contrast(button) >= 4.5
    # The style sheet's other disabled default buttons too (the broadcast's send).
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
    qtbot.addWidget(box)
    ok = box.button(QDialogButtonBox.StandardButton.Ok)
    ok.setDefault(True)
    ok.setEnabled(False)
    box.show()
    qtbot.waitExposed(box)
    assert _text_contrast(ok) >= 4.5


def test_numbers_are_right_aligned_under_their_headers(qtbot, book, seeded) -> None:
    from app.search import CustomerQuery
    from ui.models.customer_table import CustomerTableModel
    from ui.settings import DEFAULT_COLUMNS

    visits = book.fields.create("施術回数", "number", show_in_list=True)
    book.fields.set_value(seeded.customers["田中"], visits, 12)
    model = CustomerTableModel(book, list(DEFAULT_COLUMNS))
    model.set_query(CustomerQuery())
    column = next(i for i in range(model.columnCount())
                  if model.headerData(i, Qt.Orientation.Horizontal) == "施術回数")
    right = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    left = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    align = Qt.ItemDataRole.TextAlignmentRole
    assert model.headerData(column, Qt.Orientation.Horizontal, align) == right
    assert model.data(model.index(0, column), align) == right
    name = model.column_index("name")
    assert model.headerData(name, Qt.Orientation.Horizontal, align) == left
    assert model.data(model.index(0, name), align) is None  # text: the view's left

    from ui.broadcast.history import BroadcastListModel

    history = BroadcastListModel.__new__(BroadcastListModel)
    for i, key in enumerate(BroadcastListModel.COLUMNS):
        want = right if key in ("sent", "failed", "skipped", "not_sent", "cost") else left
        assert BroadcastListModel.headerData(history, i, Qt.Orientation.Horizontal,
                                             align) == want, key


def test_toolbar_buttons_look_off_while_locked(looks, qtbot, book, settings) -> None:
    from ui.main_window import MainWindow

    window = MainWindow(book, settings)
    qtbot.addWidget(window)
    window.resize(1440, 800)
    window.show()
    qtbot.waitExposed(window)
    button = window.toolbar.widgetForAction(window.act_new)
    switch = window.inbox.customers_button if hasattr(window, "inbox") else None
    before = _text_contrast(button)
    switch_before = _text_contrast(switch) if switch is not None else None
    assert window.lock()
    qtbot.waitUntil(lambda: not window.act_new.isEnabled())
    after = _text_contrast(button)
    assert before >= 4.5 and after < 3.0, (before, after)  # off at a glance
    if switch is not None:
        assert not switch.isEnabled()
        assert _text_contrast(switch) < switch_before
