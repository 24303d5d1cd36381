"""The 流入経路 dialog: the routes with this month's counts; add one, save its QR code,
copy its URL, publish the routes to the relay (in the background). app/routes does the
work; this is the thin window over it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app.errors import OtokuiError

if TYPE_CHECKING:
    from app.book import Book
    from app.routes.service import RouteInfo
    from ui.main_window import MainWindow

COLUMNS = 5


class RoutesDialog(QDialog):
    def __init__(self, window: MainWindow, book: Book) -> None:
        super().__init__(window)
        from app.routes.service import RouteService

        self.window_ = window
        self.routes = RouteService(book)
        self.book = book
        self.setObjectName("routesDialog")
        self.setWindowTitle(self.tr("Inflow routes"))
        self.resize(760, 420)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr(
            "Each route has its own URL and QR code. A friend who scans it passes the "
            "relay's page, which records the route, then adds the shop as a friend.")))
        self.table = QTableWidget(0, COLUMNS, self)
        self.table.setObjectName("routesTable")
        self.table.setHorizontalHeaderLabels([
            self.tr("Route name"), self.tr("Tags added on arrival"),
            self.tr("Arrivals this month"), self.tr("Friends arrived this month"),
            self.tr("Published to the relay")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table)
        buttons = QHBoxLayout()
        self.btn_add = QPushButton(self.tr("Add a route…"))
        self.btn_rename = QPushButton(self.tr("Rename…"))
        self.btn_delete = QPushButton(self.tr("Delete…"))
        self.btn_qr = QPushButton(self.tr("Save the QR code…"))
        self.btn_copy = QPushButton(self.tr("Copy the route's URL"))
        self.btn_publish = QPushButton(self.tr("Publish the routes"))
        for b in (self.btn_add, self.btn_rename, self.btn_delete, self.btn_qr, self.btn_copy,
                  self.btn_publish):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.btn_add.clicked.connect(lambda _c=False: self.add())
        self.btn_rename.clicked.connect(lambda _c=False: self.rename())
        self.btn_delete.clicked.connect(lambda _c=False: self.delete())
        self.btn_qr.clicked.connect(lambda _c=False: self.save_qr())
        self.btn_copy.clicked.connect(lambda _c=False: self.copy_url())
        self.btn_publish.clicked.connect(lambda _c=False: self.publish())
        self._infos: list[RouteInfo] = []
        self.refresh()

    def refresh(self) -> None:
        from app.analytics.period import JST, Period
        from app.routes.figures import route_counts

        self._infos = self.routes.list()
        month = Period.this_month(dt.datetime.now(JST).date())
        with self.book.db.read() as s:
            counts = {c.route_id: c for c in route_counts(s, month)}
        self.table.setRowCount(len(self._infos))
        for row, info in enumerate(self._infos):
            c = counts.get(info.id)
            cells = [info.name, "、".join(info.tags), str(c.arrivals if c else 0),
                     str(c.friends if c else 0),
                     self.tr("Published") if info.published else self.tr("Not published yet")]
            for col, text in enumerate(cells):
                self.table.setItem(row, col, QTableWidgetItem(text))
        has = bool(self._infos)
        self.btn_rename.setEnabled(has)
        self.btn_delete.setEnabled(has)
        self.btn_qr.setEnabled(has)
        self.btn_copy.setEnabled(has)
        self.btn_publish.setEnabled(has)
        if has and self.table.currentRow() < 0:
            self.table.selectRow(0)

    def selected(self) -> RouteInfo | None:
        row = self.table.currentRow()
        return self._infos[row] if 0 <= row < len(self._infos) else None

    def add(self, name: str | None = None, tags: list[str] | None = None) -> RouteInfo | None:
        if name is None:
            name, ok = QInputDialog.getText(self, self.tr("Add a route"), self.tr(
                "Route name (e.g. カウンターQR, Instagram, チラシ):"))
            if not ok or not name.strip():
                return None
            text, ok = QInputDialog.getText(self, self.tr("Add a route"), self.tr(
                "Tags added on arrival, separated by commas (may be empty):"))
            if not ok:
                return None
            tags = [t.strip() for t in text.replace("、", ",").split(",") if t.strip()]
        try:
            info = self.routes.add(name, tags or [])
        except OtokuiError as exc:  # shown in the owner's words
            self._show_error(exc)
            return None
        self.refresh()
        self.table.selectRow(len(self._infos) - 1)
        return info

    def rename(self, name: str | None = None) -> RouteInfo | None:
        """A new name; the URL and the printed QR code stay the same."""
        info = self.selected()
        if info is None:
            return None
        if name is None:
            name, ok = QInputDialog.getText(
                self, self.tr("Rename the route"),
                self.tr("New name (the URL and the QR code stay the same):"), text=info.name)
            if not ok or not name.strip() or name.strip() == info.name:
                return None
        try:
            renamed = self.routes.rename(info.id, name)
        except OtokuiError as exc:
            self._show_error(exc)
            return None
        row = self.table.currentRow()
        self.refresh()
        self.table.selectRow(row)
        return renamed

    def delete(self, confirm: bool = True) -> RouteInfo | None:
        """Delete the selected route, after saying what goes with it; then tell the relay
        (when it had the route), so that its QR code stops counting."""
        info = self.selected()
        if info is None:
            return None
        if confirm:
            arrivals = self.routes.arrivals(info.id)
            answer = QMessageBox.question(
                self, self.tr("Delete the route"),
                self.tr("Delete the route 「%1」? Its %2 recorded arrival(s) and which "
                        "customers first came by it are deleted with it (their tags stay). "
                        "Its printed QR code will no longer be counted.")
                .replace("%1", info.name).replace("%2", str(arrivals)),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel)
            if answer != QMessageBox.StandardButton.Yes:
                return None
        try:
            gone = self.routes.delete(info.id)
        except OtokuiError as exc:
            self._show_error(exc)
            return None
        self.refresh()
        self.window_.statusBar().showMessage(
            self.tr("The route 「%1」 was deleted.").replace("%1", gone.name), 8000)
        if gone.published and self.book.line.relay_url:
            self.publish()
        return gone

    def save_qr(self, path: Path | None = None) -> str | None:
        info = self.selected()
        if info is None:
            return None
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self, self.tr("Save the QR code"), str(Path.home() / f"route-{info.id}.png"),
                "PNG (*.png);;SVG (*.svg)")
            if not chosen:
                return None
            path = Path(chosen)
            if path.suffix.lower() not in (".png", ".svg"):
                path = path.with_suffix(".png")
        try:
            url = self.routes.qr(info.id, path)
        except (OtokuiError, OSError) as exc:
            self._show_error(exc)
            return None
        self.window_.statusBar().showMessage(self.tr("QR code saved."), 5000)
        return url

    def copy_url(self) -> str | None:
        info = self.selected()
        if info is None:
            return None
        try:
            url = self.routes.url(info.id)
        except OtokuiError as exc:
            self._show_error(exc)
            return None
        QApplication.clipboard().setText(url)
        self.window_.statusBar().showMessage(self.tr("The route's URL was copied."), 5000)
        return url

    def publish(self) -> Any:
        routes = self.routes

        def work(_p: Any) -> Any:
            return routes.publish()

        def done(count: Any) -> None:
            self.refresh()
            self.window_.statusBar().showMessage(
                self.tr("Routes published to the relay: %1.").replace("%1", str(count)), 8000)
        return self.window_._run(work, label=self.tr("Publishing the routes…"),
                                 cancellable=False, on_success=done)

    def _show_error(self, exc: Exception) -> None:
        from ui.errors import show_error

        show_error(self, exc)
