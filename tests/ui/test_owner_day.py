"""Issue 9 ("the owner's day") in the window: the wheel never edits, values in the
timeline, tag chips that wrap, drops that name the customer, the view's export and
broadcast, the empty book's guidance. Real encrypted books (tests/ui/conftest.py)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QWidget

from ui.widgets.field_editors import ChoiceEditor, DateEditor, NumberEditor


def _wheel(widget: QWidget, ticks: int = 2) -> None:
    """``ticks`` notches of the wheel (down) with the pointer over ``widget``."""
    centre = QPointF(widget.rect().center())
    for _ in range(ticks):
        event = QWheelEvent(centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(0, 0),
                            QPoint(0, -120), Qt.MouseButton.NoButton,
                            Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
                            False)
        QApplication.sendEvent(widget, event)


def _pane(window, seeded, who: str = "田中"):
    assert window.select_customer(seeded.customers[who])
    return window.content.detail


def test_the_wheel_scrolls_the_pane_and_edits_nothing(window, seeded) -> None:
    pane = _pane(window, seeded)
    cid = seeded.customers["田中"]
    book = seeded.book
    window.resize(1300, 520)  # short: the pane scrolls
    QApplication.processEvents()
    before_values = book.fields.values_of(cid)
    before = book.customers.get(cid)
    timeline = len(book.audit.timeline(cid))
    rank = pane.custom[seeded.fields["会員ランク"]]
    visits = pane.custom[seeded.fields["来店回数"]]
    anniversary = pane.custom[seeded.fields["記念日"]]
    birthday = pane.builtin["birthday"]
    assert isinstance(rank, ChoiceEditor) and isinstance(visits, NumberEditor)
    assert isinstance(anniversary, DateEditor) and isinstance(birthday, DateEditor)
    bar = pane.scroll_area.verticalScrollBar()
    assert bar.maximum() > 0
    for target in (rank.combo, visits.spin, visits.spin.lineEdit(), anniversary.edit,
                   birthday.edit, birthday.edit.lineEdit()):
        bar.setValue(0)
        _wheel(target)
        assert bar.value() > 0, target  # the pane scrolled instead
    assert rank.value() == "ゴールド" and visits.value() == 12
    assert birthday.value() is None and anniversary.value() is None
    assert book.fields.values_of(cid) == before_values
    assert book.customers.get(cid).birthday == before.birthday is None
    assert len(book.audit.timeline(cid)) == timeline  # nothing saved


def test_a_focused_field_takes_the_wheel_and_an_empty_date_starts_today(window, seeded,
                                                                       qtbot) -> None:
    import datetime as dt

    pane = _pane(window, seeded)
    rank = pane.custom[seeded.fields["会員ランク"]]
    rank.combo.setFocus()
    qtbot.waitUntil(rank.combo.hasFocus)
    _wheel(rank.combo, 1)
    assert rank.combo.currentText() != "ゴールド"  # the owner chose to scroll this one
    birthday = pane.builtin["birthday"]
    birthday.edit.setFocus()
    qtbot.waitUntil(birthday.edit.hasFocus)
    birthday.edit.stepBy(2)  # an arrow key, or the wheel over the focused field
    assert birthday.value() == dt.date.today()  # not 1902-01-01


def test_wheel_focus_is_never_given_by_the_wheel(window, seeded) -> None:
    pane = _pane(window, seeded)
    for editor in (pane.custom[seeded.fields["会員ランク"]].combo,
                   pane.custom[seeded.fields["来店回数"]].spin, pane.builtin["birthday"].edit):
        assert editor.focusPolicy() == Qt.FocusPolicy.StrongFocus


def test_the_timeline_says_old_and_new_values(window, seeded) -> None:
    pane = _pane(window, seeded)
    rank = pane.custom[seeded.fields["会員ランク"]]
    rank.combo.setCurrentIndex(rank.combo.findData("シルバー"))
    rank.commit()
    window.content.events.flush()
    texts = [pane.timeline.item(i).text() for i in range(pane.timeline.count())]
    assert any(t.endswith("Changed: 会員ランク: ゴールド → シルバー") for t in texts), texts


# --- 配信 from the toolbar: to the view ------------------------------------------------------

raises_windows = __import__("pytest").mark.qt_log_ignore(
    r"This plugin does not support raise\(\)", extend=True)


@raises_windows
def test_broadcast_from_the_toolbar_preselects_the_viewed_segment(window, seeded, book,
                                                                  qtbot) -> None:
    from app.segments import Group, TagCondition

    regulars = book.segments.save("常連さん", Group(items=(
        TagCondition("any", (seeded.tags["常連"],)),)))
    window.content.events.flush()
    sidebar = window.content.sidebar
    qtbot.waitUntil(lambda: sidebar.select_key(f"segment:{regulars}"))
    integration = window.broadcasts
    integration.act_new.trigger()
    composer = integration.composer
    assert composer.recipients_box.rb_segment.isChecked()
    assert composer.recipients_box.segment_combo.currentData() == regulars
    composer.close()
    integration.composer = None
    composer.deleteLater()
    assert sidebar.select_key(f"tag:{seeded.tags['VIP']}")
    integration.act_new.trigger()
    composer = integration.composer
    assert composer.recipients_box.rb_tag.isChecked() and \
        composer.recipients_box.tag_combo.currentData() == seeded.tags["VIP"]
    # An open draft keeps the recipients it has.
    assert sidebar.select_key(f"segment:{regulars}")
    integration.act_new.trigger()
    assert integration.composer is composer and composer.recipients_box.rb_tag.isChecked()


@raises_windows
def test_broadcast_from_the_toolbar_takes_a_selection_of_several(window, seeded) -> None:
    window.content.view.selectAll()
    window.broadcasts.act_new.trigger()
    assert window.broadcasts.composer.recipients_box.rb_selected.isChecked()


# --- files dropped on a row: whose they become -----------------------------------------------

def test_a_drop_on_a_row_highlights_it_and_names_the_customer(window, seeded, qtbot,
                                                              tmp_path) -> None:
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
    from PySide6.QtWidgets import QDialogButtonBox

    from tests.ui.helpers import file_mime, write_png

    assert window.select_customer(seeded.customers["田中"])  # another customer is shown
    png = write_png(tmp_path / "photo.png")
    model, view = window.content.model, window.content.view
    row = model.row_of(seeded.customers["山田"])
    pos = view.visualRect(model.index(row, 1)).center()
    mime = file_mime(png)
    actions = Qt.DropAction.CopyAction
    enter = QDragEnterEvent(pos, actions, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view.viewport(), enter)
    move = QDragMoveEvent(pos, actions, mime, Qt.MouseButton.LeftButton,
                          Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view.viewport(), move)
    assert move.isAccepted()
    assert view.drop_row == row  # highlighted while the files are over it
    assert "山田 花子" in window.statusBar().currentMessage()
    drop = QDropEvent(QPointF(pos), actions, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view.viewport(), drop)
    assert drop.isAccepted() and view.drop_row is None
    pane = window.content.detail
    assert pane.customer_id == seeded.customers["山田"]  # the pane shows whose they become
    dialog = pane.last_attach_dialog
    qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible())
    assert dialog.customer_label.text() == "Attach to: 山田 花子"
    assert "山田 花子" in dialog.windowTitle()
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    cid = seeded.customers["山田"]
    qtbot.waitUntil(lambda: len(seeded.book.attachments.list(cid)) == 1, timeout=5000)
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() ==
                    "1 file(s) attached to 山田 花子.", timeout=5000)
    assert seeded.book.attachments.list(seeded.customers["田中"]) == []


# --- tag chips wrap, never overlap ----------------------------------------------------------

def _chips_laid_out(pane) -> None:
    chips = list(pane.tags.chips)  # the chips shown now (old ones are gone from the list)
    box = pane.tags.chips_box.rect()
    for i, chip in enumerate(chips):
        assert box.contains(chip.geometry()), (chip.geometry(), box)  # not clipped
        for other in chips[i + 1:]:
            assert not chip.geometry().intersects(other.geometry()), (chip.geometry(),
                                                                      other.geometry())
    # The chips' box is as tall as its rows (the tag field below is not drawn over them).
    assert pane.tags.chips_box.height() >= max(c.geometry().bottom() for c in chips)


def test_tag_chips_wrap_without_overlapping(window, seeded, qtbot, settings) -> None:
    pane = _pane(window, seeded)
    names = ["カラー希望", "ロング", "平日午前", "紹介あり", "学生", "ヘッドスパ常連", "DM不要"]
    for name in names:
        pane.add_tag(name)
        _chips_laid_out(pane)  # at once; the old chips, not yet deleted, are out of the way
    rows = {c.geometry().top() for c in pane.tags.chips}
    assert len(rows) >= 2  # wrapped
    window.resize(900, 800)  # a narrower pane: more rows, still inside
    QApplication.processEvents()
    _chips_laid_out(pane)
    # After a restart (a new window on the same book) they are laid out as well.
    window.close()
    from ui.main_window import MainWindow

    reopened = seeded.profile.open(seeded.passphrase)
    again = MainWindow(reopened, settings)
    qtbot.addWidget(again)
    again.resize(1300, 800)
    again.show()
    qtbot.waitExposed(again)
    assert again.select_customer(seeded.customers["田中"])
    QApplication.processEvents()
    _chips_laid_out(again.content.detail)
    assert len(again.content.detail.tags.chips) == 2 + len(names)
    again.close()


# --- required fields when a customer is added ------------------------------------------------

def test_the_new_customer_dialog_asks_required_fields(qtbot, book) -> None:
    from app.fields import FieldType
    from ui.dialogs.customer_dialog import NewCustomerDialog

    staff = book.fields.create("担当", FieldType.SINGLE_CHOICE, choices=["佐藤", "鈴木"],
                               required=True)
    book.fields.create("メモ2", FieldType.TEXT)  # not required: not asked here
    before = book.customers.count()
    dialog = NewCustomerDialog(book)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert list(dialog.required) == [staff]
    assert dialog.required_legend.isVisible()  # what the * means is said (QA finding)
    dialog.set_values(name="中村 さくら")
    dialog.save_button.click()
    editor = dialog.required[staff]
    assert editor.has_error and editor.error_label.text() == "This field is required."
    assert dialog.isVisible() and book.customers.count() == before
    assert dialog.values()["name"] == "中村 さくら"  # nothing typed is lost
    editor.combo.setCurrentIndex(editor.combo.findData("鈴木"))
    with qtbot.waitSignal(dialog.accepted):
        dialog.save_button.click()
    assert book.fields.values_of(dialog.customer_id)[staff] == "鈴木"


def test_the_star_of_required_fields_is_explained_only_where_there_is_one(qtbot, book) -> None:
    from app.fields import FieldType
    from ui.dialogs.customer_dialog import NewCustomerDialog

    dialog = NewCustomerDialog(book)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert not dialog.required and not dialog.required_legend.isVisible()
    book.fields.create("担当", FieldType.TEXT, required=True)
    again = NewCustomerDialog(book)
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    assert again.required_legend.isVisible()
    assert again.required_legend.text().startswith("*")


# --- a phone number cut by the window's edge does not pass for whole --------------------------

def test_columns_cut_at_the_edge_fade_out(window, seeded) -> None:
    view, model = window.content.view, window.content.model
    window.content.splitter.setSizes([200, 420, 600])
    QApplication.processEvents()
    assert view.continues_right()
    phone = next(i for i, c in enumerate(model.columns) if c.key == "phone")
    row = model.row_of(seeded.customers["佐藤"])  # 080-5555-0000, not the selected row
    # Scroll so that the window's edge cuts the phone number 30 px into its column.
    bar = view.horizontalScrollBar()
    bar.setValue(bar.value() + view.columnViewportPosition(phone) + 30
                 - view.viewport().width())
    QApplication.processEvents()
    assert view.continues_right()
    image = view.viewport().grab().toImage()
    ratio = image.devicePixelRatio()
    y0 = int(view.rowViewportPosition(row) * ratio)
    y1 = int((view.rowViewportPosition(row) + view.rowHeight(row)) * ratio)
    darkest = min(image.pixelColor(x, y).lightness()
                  for x in range(image.width() - int(6 * ratio), image.width())
                  for y in range(y0, y1))
    assert darkest > 200  # no digit shows at the edge: it fades out
    bar.setValue(bar.maximum())
    assert not view.continues_right()  # scrolled to the end: nothing is cut, no fade


# --- export, the empty book, the tag controls ------------------------------------------------

def test_export_defaults_to_the_view(window, seeded) -> None:
    assert window.content.sidebar.select_key(f"tag:{seeded.tags['VIP']}")
    window.apply_search()
    assert window.select_customer(seeded.customers["田中"])
    box, shown, selected = window.export_choice(window.selected_ids())
    assert box.defaultButton() is shown
    assert "2" in shown.text()  # the two VIP customers on screen
    assert "1" in selected.text()
    box.deleteLater()


def test_the_empty_book_shows_next_steps(qtbot, settings, tmp_path, monkeypatch) -> None:
    from app.profile import Profile
    from tests.ui.conftest import PASSPHRASE
    from ui.main_window import MainWindow

    book = Profile(tmp_path / "empty").create(passphrase=PASSPHRASE)
    window = MainWindow(book, settings)
    qtbot.addWidget(window)
    window.resize(1300, 800)
    window.show()
    qtbot.waitExposed(window)
    guide = window.empty_guide
    assert guide.isVisible()
    assert guide.geometry() == window.content.view.viewport().rect()
    asked: list[str] = []
    monkeypatch.setattr(window, "new_customer", lambda: asked.append("new"))
    monkeypatch.setattr(window, "import_csv", lambda: asked.append("import"))
    guide.add_button.click()
    guide.import_button.click()
    assert asked == ["new", "import"]
    sidebar = window.content.sidebar
    assert sidebar.tags_title.text() == "Tags" and sidebar.tags_title.isVisible()
    assert sidebar.new_tag_button.text() == "＋ Tag" and sidebar.new_tag_button.isVisible()
    assert sidebar.new_folder_button.text() == "Folder"
    assert sidebar.new_tag_button.width() > 40  # words, not a bare 16 px icon
    # A search that finds nobody is not an empty book; a first customer hides the guide.
    window.content.search.setText("だれもいない")
    window.apply_search()
    window.create_customer("最初のお客様")
    window.content.events.flush()
    assert not guide.isVisible()
    window.close()


def test_the_detail_pane_explains_the_star_when_a_field_is_required(qtbot, book) -> None:
    from app.fields import FieldType
    from ui.widgets.detail_pane import DetailPane

    customer = book.customers.create(name="中村 さくら")
    pane = DetailPane(book)
    qtbot.addWidget(pane)
    pane.show()
    pane.show_customer(customer)
    assert not pane.required_legend.isVisibleTo(pane)
    book.fields.create("担当", FieldType.TEXT, required=True)
    pane2 = DetailPane(book)
    qtbot.addWidget(pane2)
    pane2.show()
    pane2.show_customer(customer)
    assert pane2.required_legend.isVisibleTo(pane2)
