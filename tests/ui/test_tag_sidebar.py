"""The tag views: counts, filtering, managing tags and folders, tagging by drop."""

from __future__ import annotations

from PySide6.QtCore import QMimeData

from app.search import CustomerQuery
from tests.ui.helpers import drag_and_drop
from ui.models.customer_table import CUSTOMER_IDS_MIME
from ui.widgets.tag_sidebar import ALL_KEY, BLOCKED_KEY, COUNT_ROLE, KEY_ROLE


def _count(sidebar, key: str) -> int | None:
    index = sidebar._find(key)
    return None if index is None else index.data(COUNT_ROLE)


def _label(sidebar, key: str) -> str | None:
    index = sidebar._find(key)
    return None if index is None else index.data()


def test_sidebar_model_passes_qt_model_tester(window, qtmodeltester) -> None:
    qtmodeltester.check(window.content.sidebar.model, force_py=False)


def test_views_folders_and_tags_with_live_counts(window, seeded) -> None:
    sidebar = window.content.sidebar
    keys = [sidebar.model.item(r).data(KEY_ROLE) for r in range(sidebar.model.rowCount())]
    assert keys == [ALL_KEY, BLOCKED_KEY, f"folder:{seeded.folders['来店']}",
                    f"tag:{seeded.tags['新規']}"]
    assert _count(sidebar, ALL_KEY) == 5
    assert _count(sidebar, BLOCKED_KEY) == 1
    assert _count(sidebar, f"tag:{seeded.tags['VIP']}") == 2
    seeded.book.tags.add([seeded.customers["佐藤"]], [seeded.tags["VIP"]])
    window.content.events.flush()
    assert _count(sidebar, f"tag:{seeded.tags['VIP']}") == 3


def test_choosing_a_view_tag_or_folder_filters_the_table(window, seeded) -> None:
    sidebar, model = window.content.sidebar, window.content.model
    c = seeded.customers
    sidebar.select_key(BLOCKED_KEY)
    assert model.ids() == [c["山田"]]
    sidebar.select_key(f"tag:{seeded.tags['常連']}")
    assert model.ids() == [c["田中"]]
    sidebar.select_key(f"folder:{seeded.folders['来店']}")  # any tag in the folder
    assert sorted(model.ids()) == sorted([c["田中"], c["山田"]])
    window.content.search.setText("山田")
    window.apply_search()  # the search and the view combine
    assert model.ids() == [c["山田"]]
    sidebar.select_key(ALL_KEY)
    assert model.ids() == [c["山田"]]
    assert window.count_label.text() == "1 customer(s)"


def test_create_rename_recolour_move_and_delete(window, seeded) -> None:
    sidebar, book = window.content.sidebar, seeded.book
    folder = sidebar.create_folder("イベント")
    tag = sidebar.create_tag("夏祭り", folder_id=folder)
    assert tag is not None and sidebar.current_key() == f"tag:{tag}"
    sidebar.rename_tag(tag, "夏祭り2026")
    sidebar.recolour_tag(tag, "#a142f4")
    window.content.events.flush()
    assert _label(sidebar, f"tag:{tag}") == "夏祭り2026"
    assert book.tags.get(tag).color == "#A142F4"
    sidebar.rename_folder(folder, "催し")
    window.content.events.flush()
    assert _label(sidebar, f"folder:{folder}") == "催し"
    # Reorder: 新規 (no folder) moves up among the tags without a folder; folders too.
    vip, regular = seeded.tags["VIP"], seeded.tags["常連"]
    sidebar.move_item(f"tag:{regular}", -1)
    window.content.events.flush()
    assert [t.id for t in book.tags.list() if t.folder_id == seeded.folders["来店"]] == [
        regular, vip]
    sidebar.move_item(f"folder:{folder}", -1)
    window.content.events.flush()
    assert [f.id for f in book.tags.folders()] == [folder, seeded.folders["来店"]]
    sidebar.move_tag_to_folder(seeded.tags["新規"], folder)
    window.content.events.flush()
    assert book.tags.get(seeded.tags["新規"]).folder_id == folder
    sidebar.delete_folder(folder)  # its tags stay, out of the folder
    sidebar.delete_tag(vip)
    window.content.events.flush()
    assert _label(sidebar, f"folder:{folder}") is None
    assert _label(sidebar, f"tag:{vip}") is None
    assert book.tags.get(seeded.tags["新規"]).folder_id is None
    # A choice that disappears falls back to everyone.
    assert sidebar.current_key() == ALL_KEY or sidebar.current_key().startswith("tag:")


def test_deleting_the_chosen_tag_shows_everyone(window, seeded) -> None:
    sidebar = window.content.sidebar
    sidebar.select_key(f"tag:{seeded.tags['VIP']}")
    sidebar.delete_tag(seeded.tags["VIP"])
    window.content.events.flush()
    assert sidebar.current_key() == ALL_KEY
    assert window.content.model.rowCount() == 5


def test_invalid_names_are_refused_with_a_message(window, seeded, qtbot, monkeypatch) -> None:
    shown: list[BaseException] = []
    monkeypatch.setattr("ui.widgets.tag_sidebar.show_error", lambda _w, e: shown.append(e))
    assert window.content.sidebar.create_tag("VIP") is None  # exists already
    assert window.content.sidebar.create_tag("a;b") is None
    assert len(shown) == 2
    assert [t.name for t in seeded.book.tags.list()].count("VIP") == 1


def test_bulk_tagging_the_selection(window, seeded, qtbot) -> None:
    view = window.content.view
    view.selectAll()
    op = window.tag_selected(seeded.tags["新規"], add=True)
    with qtbot.waitSignal(op.finished, timeout=5000):
        pass
    window.content.events.flush()
    assert seeded.book.tags.get(seeded.tags["新規"]).count == 5
    assert _count(window.content.sidebar, f"tag:{seeded.tags['新規']}") == 5
    assert len(view.selected_ids()) == 5  # the selection survived the refresh
    op = window.tag_selected(seeded.tags["VIP"], add=False)
    with qtbot.waitSignal(op.finished, timeout=5000):
        pass
    assert seeded.book.tags.get(seeded.tags["VIP"]).count == 0
    actions = [e.action for e in seeded.book.audit.entries()]
    assert "bulk_tag_add" in actions and "bulk_tag_remove" in actions


def test_dropping_customer_rows_on_a_tag_tags_them(window, seeded, qtbot) -> None:
    sidebar, model = window.content.sidebar, window.content.model
    c = seeded.customers
    rows = [model.row_of(c["佐藤"]), model.row_of(c["高橋"])]
    mime = model.mimeData([model.index(r, 1) for r in rows])
    tree = sidebar.tree
    target = sidebar._find(f"tag:{seeded.tags['常連']}")
    pos = tree.visualRect(target).center()
    with qtbot.waitSignal(sidebar.tagged, timeout=5000) as blocker:
        assert drag_and_drop(tree.viewport(), mime, pos)
    assert blocker.args == [2, "常連"]
    assert set(seeded.book.search.ids(CustomerQuery(tags_any=(seeded.tags["常連"],)))) == {
        c["田中"], c["佐藤"], c["高橋"]}
    window.content.events.flush()
    assert _count(sidebar, f"tag:{seeded.tags['常連']}") == 3


def test_drops_on_non_tags_or_with_forged_data_change_nothing(window, seeded) -> None:
    sidebar, model = window.content.sidebar, window.content.model
    tree = sidebar.tree
    mime = model.mimeData([model.index(0, 1)])
    folder_pos = tree.visualRect(sidebar._find(f"folder:{seeded.folders['来店']}")).center()
    all_pos = tree.visualRect(sidebar._find(ALL_KEY)).center()
    assert not drag_and_drop(tree.viewport(), mime, folder_pos)
    assert not drag_and_drop(tree.viewport(), mime, all_pos)
    forged = QMimeData()
    forged.setData(CUSTOMER_IDS_MIME, b"[\"DROP TABLE\"]")
    tag_pos = tree.visualRect(sidebar._find(f"tag:{seeded.tags['新規']}")).center()
    assert not drag_and_drop(tree.viewport(), forged, tag_pos)
    assert seeded.book.tags.get(seeded.tags["新規"]).count == 0


def test_context_menu_offers_the_actions(window, seeded) -> None:
    sidebar = window.content.sidebar
    tag_menu = sidebar.context_menu_for(f"tag:{seeded.tags['VIP']}")
    texts = [a.text() for a in tag_menu.actions() if a.text()]
    assert {"New tag…", "New folder…", "Rename…", "Change colour…", "Move up",
            "Move down", "Delete…"} <= set(texts)
    empty_menu = sidebar.context_menu_for(None)
    assert [a.text() for a in empty_menu.actions()] == ["New tag…", "New folder…"]
