"""Saved segments in the sidebar: listed with counts, filtering the table to exactly their
recipients, following the book's changes, managed from the menu, asking for broadcasts."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.search import CustomerQuery
from app.segments import AND, OR, Group, LineCondition, TagCondition
from ui.segments.builder import SegmentBuilderDialog
from ui.widgets.tag_sidebar import ALL_KEY, COUNT_ROLE, KEY_ROLE, TagSidebar


def segment_keys(sidebar) -> list[str]:
    model = sidebar.segments.model
    return [model.item(r).data(KEY_ROLE) for r in range(model.rowCount())]


def settled(qtbot, sidebar) -> None:
    qtbot.waitUntil(lambda: not sidebar.segments.counting
                    and not sidebar.segments._reload_timer.isActive(), timeout=5000)


def count_of(sidebar, key: str) -> int | None:
    index = sidebar._find(key)
    return None if index is None else index.data(COUNT_ROLE)


_timers: list[QTimer] = []


def answer_next_question(button: QMessageBox.StandardButton) -> list[str]:
    """Click ``button`` on the next message box once it is shown; returns its texts."""
    seen: list[str] = []
    timer = QTimer()

    def look() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            timer.stop()
            seen.append(box.text())
            box.button(button).click()

    timer.timeout.connect(look)
    timer.start(20)
    _timers.append(timer)  # kept alive until it has answered
    return seen


def vip_or_line(seeded) -> Group:
    return Group(OR, (TagCondition("any", (seeded.tags["VIP"],)), LineCondition(True)))


def test_saved_segments_are_listed_with_their_counts(window, seeded, qtbot,
                                                     qtmodeltester) -> None:
    book, sidebar = seeded.book, window.content.sidebar
    assert segment_keys(sidebar) == []
    assert not sidebar.segments.empty_hint.isHidden()
    first = book.segments.save("LINEの友だち", Group(AND, (LineCondition(True),)))
    second = book.segments.save("VIPかLINE", vip_or_line(seeded))
    qtbot.waitUntil(lambda: len(segment_keys(sidebar)) == 2, timeout=5000)
    settled(qtbot, sidebar)
    assert segment_keys(sidebar) == [f"segment:{first}", f"segment:{second}"]
    assert sidebar.segments.empty_hint.isHidden()
    rows = book.customers.rows(book.search.ids(CustomerQuery()))
    line_friends = [r for r in rows.values() if r.line_user_id and not r.blocked_at]
    assert count_of(sidebar, f"segment:{first}") == len(line_friends) == 2
    assert count_of(sidebar, f"segment:{second}") == 2  # 田中, 鈴木 (山田 is blocked)
    assert sidebar._find(f"segment:{first}").data() == "LINEの友だち"
    qtmodeltester.check(sidebar.segments.model, force_py=False)
    # The tags are where they were (the section is a list of its own).
    assert [sidebar.model.item(r).data(KEY_ROLE) for r in range(2)] == [
        ALL_KEY, "view:blocked"]

    # Counts follow the customers: 佐藤 gets VIP.
    book.tags.add([seeded.customers["佐藤"]], [seeded.tags["VIP"]])
    window.content.events.flush()
    settled(qtbot, sidebar)
    assert count_of(sidebar, f"segment:{second}") == 3


def test_choosing_a_segment_filters_the_table_to_its_ids(window, seeded, qtbot) -> None:
    book, sidebar, model = seeded.book, window.content.sidebar, window.content.model
    cond = vip_or_line(seeded)
    sid = book.segments.save("VIPかLINE", cond)
    qtbot.waitUntil(lambda: sidebar._find(f"segment:{sid}") is not None, timeout=5000)
    with qtbot.waitSignal(sidebar.chosen) as chosen:
        sidebar.select_key(f"segment:{sid}")
    assert chosen.args[0].segment_id == sid
    assert sidebar.current_key() == f"segment:{sid}"
    assert not sidebar.tree.currentIndex().isValid()  # one current entry across both
    assert sorted(model.ids()) == book.segments.ids(cond) == sorted(
        [seeded.customers["田中"], seeded.customers["鈴木"]])
    assert window.count_label.text() == "2 customer(s)"
    # The search runs inside the segment.
    window.content.search.setText("鈴木")
    window.apply_search()
    assert model.ids() == [seeded.customers["鈴木"]]
    window.content.search.setText("")
    window.apply_search()
    # Choosing a tag replaces the segment (its clause does not linger in the query).
    sidebar.select_key(f"tag:{seeded.tags['VIP']}")
    assert sidebar.segments.current_key() is None
    assert sorted(model.ids()) == sorted([seeded.customers["田中"], seeded.customers["山田"]])
    assert model.query.extra_where == ()
    # Clicking the segment entry (the list's own current) chooses it again.
    sidebar.segments.list.setCurrentIndex(sidebar._find(f"segment:{sid}"))
    assert sorted(model.ids()) == book.segments.ids(cond)
    assert not sidebar.tree.currentIndex().isValid()


def test_the_chosen_segment_follows_edits_and_deletion(window, seeded, qtbot) -> None:
    book, sidebar, model = seeded.book, window.content.sidebar, window.content.model
    sid = book.segments.save("LINE", Group(AND, (LineCondition(True),)))
    qtbot.waitUntil(lambda: sidebar._find(f"segment:{sid}") is not None, timeout=5000)
    sidebar.select_key(f"segment:{sid}")
    assert sorted(model.ids()) == sorted([seeded.customers["田中"], seeded.customers["鈴木"]])
    off_line = Group(AND, (LineCondition(False),))
    book.segments.update(sid, cond=off_line, name="LINEなし")
    qtbot.waitUntil(lambda: sorted(model.ids()) == book.segments.ids(off_line), timeout=5000)
    assert sidebar._find(f"segment:{sid}").data() == "LINEなし"
    assert sidebar.current_key() == f"segment:{sid}"
    book.segments.delete(sid)
    qtbot.waitUntil(lambda: sidebar.current_key() == ALL_KEY, timeout=5000)
    assert model.rowCount() == 5
    assert segment_keys(sidebar) == []


def test_delete_asks_first(window, seeded, qtbot) -> None:
    book, sidebar = seeded.book, window.content.sidebar
    sid = book.segments.save("LINE", Group(AND, (LineCondition(True),)))
    qtbot.waitUntil(lambda: sidebar._find(f"segment:{sid}") is not None, timeout=5000)
    seen = answer_next_question(QMessageBox.StandardButton.No)
    assert sidebar.segments.ask_delete(sid) is False
    assert "“LINE”" in seen[0]
    assert [s.id for s in book.segments.list()] == [sid]
    answer_next_question(QMessageBox.StandardButton.Yes)
    assert sidebar.segments.ask_delete(sid) is True
    assert book.segments.list() == []
    qtbot.waitUntil(lambda: segment_keys(sidebar) == [], timeout=5000)


def test_menus_rename_and_ask_for_broadcasts(seeded, qtbot) -> None:
    # A sidebar of its own: in the window the broadcast composer answers these signals.
    book = seeded.book
    sidebar = TagSidebar(book)
    qtbot.addWidget(sidebar)
    sid = book.segments.save("LINE", Group(AND, (LineCondition(True),)))
    qtbot.waitUntil(lambda: sidebar._find(f"segment:{sid}") is not None, timeout=5000)
    menu = sidebar.segments.context_menu_for(f"segment:{sid}")
    actions = {a.text(): a for a in menu.actions() if a.text()}
    assert list(actions) == ["Edit…", "Rename…", "Broadcast to this segment…", "Delete…",
                             "New segment…"]
    with qtbot.waitSignal(sidebar.segment_broadcast_requested) as asked:
        actions["Broadcast to this segment…"].trigger()
    assert asked.args == [sid]
    empty = sidebar.segments.context_menu_for(None)
    assert [a.text() for a in empty.actions()] == ["New segment…"]

    tag_menu = sidebar.context_menu_for(f"tag:{seeded.tags['常連']}")
    tag_actions = {a.text(): a for a in tag_menu.actions() if a.text()}
    with qtbot.waitSignal(sidebar.tag_broadcast_requested) as asked:
        tag_actions["Broadcast to this tag…"].trigger()
    assert asked.args == [seeded.tags["常連"]]
    folder_menu = sidebar.context_menu_for(f"folder:{seeded.folders['来店']}")
    assert "Broadcast to this tag…" not in [a.text() for a in folder_menu.actions()]

    assert sidebar.segments.rename_segment(sid, "LINEの友だち")
    qtbot.waitUntil(lambda: sidebar._find(f"segment:{sid}").data() == "LINEの友だち",
                    timeout=5000)
    shown: list[BaseException] = []
    other = book.segments.save("ほか", Group(AND, (LineCondition(False),)))
    import ui.segments.sidebar as section_module

    original = section_module.show_error
    section_module.show_error = lambda _w, e: shown.append(e)
    try:
        assert not sidebar.segments.rename_segment(other, "LINEの友だち")  # taken
    finally:
        section_module.show_error = original
    assert len(shown) == 1 and book.segments.get(other).name == "ほか"


def test_a_segment_naming_a_deleted_tag_is_marked_and_shows_nobody(window, seeded,
                                                                  qtbot) -> None:
    book, sidebar, model = seeded.book, window.content.sidebar, window.content.model
    sid = book.segments.save("新規", Group(AND, (TagCondition("any", (seeded.tags["新規"],)),)))
    book.tags.delete(seeded.tags["新規"])
    window.content.events.flush()
    qtbot.waitUntil(lambda: sidebar._find(f"segment:{sid}") is not None
                    and not book.segments.get(sid).valid, timeout=5000)
    settled(qtbot, sidebar)
    index = sidebar._find(f"segment:{sid}")
    assert index.data(COUNT_ROLE) is None
    # The tooltip: its full name, then why it cannot be used.
    assert index.data(3) == "新規\nThis condition names a tag that was deleted."
    sidebar.select_key(f"segment:{sid}")
    assert model.rowCount() == 0
    menu = sidebar.segments.context_menu_for(f"segment:{sid}")
    send = next(a for a in menu.actions() if a.text() == "Broadcast to this segment…")
    assert not send.isEnabled()


def test_new_segment_from_the_plus_button_is_chosen_after_saving(window, seeded,
                                                                 qtbot) -> None:
    book, sidebar, model = seeded.book, window.content.sidebar, window.content.model
    sidebar.segments.new_button.click()
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(),
                                       SegmentBuilderDialog), timeout=5000)
    dialog = QApplication.activeModalWidget()
    assert dialog.windowTitle() == "New segment"
    dialog.root.items()[0].set_kind("line")
    dialog.name.setText("LINEの友だち")
    qtbot.waitUntil(lambda: not dialog.counter.busy, timeout=5000)
    sid = dialog.save()
    assert sid is not None
    assert sidebar.current_key() == f"segment:{sid}"
    assert sorted(model.ids()) == book.segments.ids(Group(AND, (LineCondition(True),)))
    settled(qtbot, sidebar)
    assert count_of(sidebar, f"segment:{sid}") == 2

    # Edit… opens the same builder on the saved segment.
    editor = sidebar.segments.open_builder(sid)
    assert editor is not None and editor.name.text() == "LINEの友だち"
    assert editor.condition() == book.segments.get(sid).condition
    qtbot.waitUntil(lambda: not editor.counter.busy, timeout=5000)
    editor.reject()


def test_a_segment_choice_replaces_only_its_own_clause(seeded) -> None:
    """Clauses others put in the query stay; the previous segment's goes."""
    from ui.widgets.tag_sidebar import SidebarChoice

    book = seeded.book
    line = book.segments.save("LINE", Group(AND, (LineCondition(True),)))
    off = book.segments.save("LINEなし", Group(AND, (LineCondition(False),)))
    foreign = ("c.id <> :not_this", {"not_this": seeded.customers["佐藤"]})
    q = CustomerQuery(extra_where=(foreign,))
    q = SidebarChoice(f"segment:{line}", segment_id=line, segments=book.segments).apply(q)
    assert len(q.extra_where) == 2 and q.extra_where[0] == foreign
    q = SidebarChoice(f"segment:{off}", segment_id=off, segments=book.segments).apply(q)
    assert len(q.extra_where) == 2 and q.extra_where[0] == foreign
    assert book.search.ids(q) == [seeded.customers["高橋"]]  # not on LINE, minus 佐藤
    q = SidebarChoice(ALL_KEY).apply(q)
    assert q.extra_where == (foreign,)


def test_a_segment_can_start_from_a_tag(window, seeded, qtbot) -> None:
    sidebar, model = window.content.sidebar, window.content.model
    vip = seeded.tags["VIP"]
    menu = sidebar.context_menu_for(f"tag:{vip}")
    action = next(a for a in menu.actions() if a.text() == "New segment from this tag…")
    action.trigger()
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(),
                                       SegmentBuilderDialog), timeout=5000)
    dialog = QApplication.activeModalWidget()
    assert dialog.condition() == Group(AND, (TagCondition("any", (vip,)),))
    dialog.root.add_condition(kind="line")  # VIP on LINE
    dialog.name.setText("LINEのVIP")
    qtbot.waitUntil(lambda: not dialog.counter.busy, timeout=5000)
    assert (dialog.last_counts.recipients, dialog.last_counts.blocked) == (1, 1)
    sid = dialog.save()
    assert sidebar.current_key() == f"segment:{sid}"
    assert model.ids() == [seeded.customers["田中"]]
    settled(qtbot, sidebar)


def test_a_long_name_is_elided_and_its_count_stays_in_view(seeded, settings, qtbot) -> None:
    """From the window's first show: no sideways scrolling, every entry within the list's
    width (its count drawn at the right edge), the full name in the tooltip."""
    from PySide6.QtCore import Qt

    from ui.main_window import MainWindow

    long_name = "カラーとパーマに興味のある常連のお客様（VIP・ゴールド会員・東京都と神奈川県）"
    assert len(long_name) == 40
    # Listed second (below a short name), as in the demo.
    seeded.book.segments.save("LINEの友だち", Group(AND, (LineCondition(True),)))
    sid = seeded.book.segments.save(long_name, vip_or_line(seeded))
    window = MainWindow(seeded.book, settings)
    qtbot.addWidget(window)
    window.resize(1300, 800)
    window.show()
    qtbot.waitExposed(window)
    sidebar = window.content.sidebar
    settled(qtbot, sidebar)
    QApplication.processEvents()
    view = sidebar.segments.list
    assert view.horizontalScrollBar().maximum() == 0
    assert not view.horizontalScrollBar().isVisible()
    index = sidebar._find(f"segment:{sid}")
    assert index.data(COUNT_ROLE) == 2
    width = view.viewport().width()
    for row in range(sidebar.segments.model.rowCount()):
        rect = view.visualRect(sidebar.segments.model.index(row, 0))
        assert rect.left() >= 0 and rect.right() < width, (rect, width)
    assert index.data(Qt.ItemDataRole.ToolTipRole) == long_name
    # Narrowing the sidebar keeps it so.
    window.content.splitter.setSizes([160, 900, 240])
    QApplication.processEvents()
    assert view.horizontalScrollBar().maximum() == 0
    assert view.visualRect(index).right() < view.viewport().width()
    window.close()
