"""File dialogs: the platform's own where there is one, Qt's own sized for Japanese.

Otokui asks for files with ``QFileDialog``'s static functions and never sets
``DontUseNativeDialog``: on Windows and macOS, and on Linux desktops whose Qt platform
theme offers one (GNOME through the gtk3 theme), the owner gets the system's dialog, in
the system's language. Elsewhere (other Linux desktops, a bare X server) Qt draws its own:
its words come from ``qtbase_ja.qm`` plus ``otokui_qt_ja.ts`` for the labels Qt 6.11
renamed, and its default size (about 650 × 440) cut Japanese names, kinds and dates
("CS…ント"). :class:`FileDialogSizer`, installed on the application, gives Qt's own dialog
room when it is first shown; a size the owner chose later is kept (Qt remembers it).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QFileDialog, QHeaderView, QSplitter, QTreeView

#: Qt's own dialog at least this big (fits in a 1366 × 768 screen with the taskbar).
MIN_SIZE = (880, 540)
#: The places sidebar at least this wide ("コンピュータ", a folder name).
SIDEBAR = 180
_SIZED = "_otokuiSized"


def size_file_dialog(dialog: QFileDialog) -> bool:
    """Give Qt's own file dialog room for Japanese; False for a native one (no widgets)."""
    tree = dialog.findChild(QTreeView, "treeView")
    if tree is None:
        return False
    if dialog.width() < MIN_SIZE[0] or dialog.height() < MIN_SIZE[1]:
        dialog.resize(max(dialog.width(), MIN_SIZE[0]), max(dialog.height(), MIN_SIZE[1]))
    splitter = dialog.findChild(QSplitter, "splitter")
    if splitter is not None and splitter.count() == 2 and splitter.sizes()[0] < SIDEBAR:
        total = sum(splitter.sizes())
        splitter.setSizes([SIDEBAR, max(0, total - SIDEBAR)])
    header = tree.header()
    metrics = tree.fontMetrics()
    # Size, kind and date as wide as their longest usual text; the name takes the rest.
    for column, sample in ((1, "1,023.9 KB"), (2, "CSV ドキュメント"), (3, "2026/12/31 23:59")):
        if column < header.count():
            wanted = metrics.horizontalAdvance(sample) + 28
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            if header.sectionSize(column) < wanted:
                header.resizeSection(column, wanted)
    header.setStretchLastSection(False)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    return True


class FileDialogSizer(QObject):
    """Sizes every Qt-drawn file dialog the first time it is shown (an application filter)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.Show and isinstance(watched, QFileDialog)
                and not watched.property(_SIZED)):
            watched.setProperty(_SIZED, True)
            size_file_dialog(watched)
        return False


def install(app: QApplication) -> FileDialogSizer:
    sizer = FileDialogSizer(app)
    app.installEventFilter(sizer)
    return sizer
