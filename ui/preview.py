"""Previews of attachments, straight from decrypted memory.

The plaintext comes from :meth:`app.attachments.AttachmentService.read_bytes` (verified,
audited) and stays in memory: images are decoded from the bytes, PDFs are read by QtPdf
through a :class:`QBuffer` over them. No plaintext file is ever written for a preview.
Closing the window drops the bytes.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, Qt
from PySide6.QtGui import QImage, QKeySequence, QPainter, QPixmap, QWheelEvent
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QAbstractButton,
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from ui.resources import icon

if TYPE_CHECKING:
    from app.book import Book

log = logging.getLogger("otokui.ui.preview")

ZOOM_STEP = 1.25
MIN_ZOOM, MAX_ZOOM = 0.05, 16.0


class ImageView(QGraphicsView):
    """A zoomable image: Ctrl+wheel or the buttons zoom, "fit" shows it whole."""

    def __init__(self, image: QImage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("imageView")
        self._scene = QGraphicsScene(self)
        self.item = QGraphicsPixmapItem(QPixmap.fromImage(image))
        self.item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self._scene.addItem(self.item)
        self.setScene(self._scene)
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setBackgroundBrush(Qt.GlobalColor.darkGray)
        self.fit_mode = True

    @property
    def zoom(self) -> float:
        return self.transform().m11()

    def set_zoom(self, factor: float) -> None:
        factor = max(MIN_ZOOM, min(MAX_ZOOM, factor))
        self.fit_mode = False
        self.resetTransform()
        self.scale(factor, factor)

    def zoom_in(self) -> None:
        self.set_zoom(self.zoom * ZOOM_STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self.zoom / ZOOM_STEP)

    def actual_size(self) -> None:
        self.set_zoom(1.0)

    def fit(self) -> None:
        self.fit_mode = True
        self.fitInView(self.item, Qt.AspectRatioMode.KeepAspectRatio)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            if event.angleDelta().y() > 0:
                self.zoom_in()
            elif event.angleDelta().y() < 0:
                self.zoom_out()
            event.accept()
        else:
            super().wheelEvent(event)

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        if self.fit_mode:
            self.fit()


class PdfViewer(QWidget):
    """All pages, scrolled; zoom and fit to width."""

    def __init__(self, data: bytes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = QPdfDocument(self)
        # The buffer reads the plaintext where it already is, in memory.
        self._bytes = QByteArray(data)
        self.buffer = QBuffer(self._bytes, self)
        self.buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self.buffer)
        self.view = QPdfView(self)
        self.view.setObjectName("pdfView")
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setDocument(self.document)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)

    @property
    def ok(self) -> bool:
        return self.document.status() == QPdfDocument.Status.Ready

    @property
    def page_count(self) -> int:
        return self.document.pageCount()

    def zoom_in(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(min(MAX_ZOOM, self.view.zoomFactor() * ZOOM_STEP))

    def zoom_out(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(max(MIN_ZOOM, self.view.zoomFactor() / ZOOM_STEP))

    def actual_size(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(1.0)

    def fit(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView)

    def release(self) -> None:
        self.document.close()  # the view then shows nothing; its pages are freed
        self.buffer.close()
        self._bytes = QByteArray()


class PreviewWindow(QWidget):
    """A separate window showing one attachment; closing it drops the decrypted bytes."""

    def __init__(self, data: bytes, mime: str, title: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("previewWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(title)
        self.viewer: ImageView | PdfViewer | None = None
        self._data, self._title = b"", title
        self.message = QLabel(self)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.hide()
        toolbar = QToolBar(self)
        toolbar.setObjectName("previewToolbar")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(toolbar)
        if mime == "application/pdf":
            pdf = PdfViewer(data, self)
            if pdf.ok:
                self.viewer = pdf
            else:
                pdf.release()
                pdf.deleteLater()
                self._say(self.tr("This PDF cannot be shown. Save a copy and open it with "
                                  "another program."))
        elif mime.startswith("image/"):
            image = QImage.fromData(data)
            if not image.isNull():
                self.viewer = ImageView(image, self)
            else:
                self._say(self.tr("This image cannot be shown. Save a copy and open it with "
                                  "another program."))
        else:
            self._say(self.tr("There is no preview for this kind of file. Save a copy to "
                              "open it."))
        if self.viewer is not None:
            layout.addWidget(self.viewer, 1)
            viewer = self.viewer
            self.act_zoom_in = toolbar.addAction(icon("zoom-in"), self.tr("Zoom in"),
                                                 viewer.zoom_in)
            self.act_zoom_in.setShortcut(QKeySequence.StandardKey.ZoomIn)
            self.act_zoom_out = toolbar.addAction(icon("zoom-out"), self.tr("Zoom out"),
                                                  viewer.zoom_out)
            self.act_zoom_out.setShortcut(QKeySequence.StandardKey.ZoomOut)
            self.act_fit = toolbar.addAction(icon("fit"), self.tr("Fit to window"), viewer.fit)
            self.act_fit.setShortcut(QKeySequence("Ctrl+0"))
            self.act_actual = toolbar.addAction(icon("actual-size"), self.tr("Actual size"),
                                                viewer.actual_size)
            self.act_actual.setShortcut(QKeySequence("Ctrl+1"))
            toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        close = toolbar.addAction(self.tr("Close"), self.close)
        close.setShortcut(QKeySequence.StandardKey.Close)
        self.addAction(close)
        self.close_button: QAbstractButton
        if self.viewer is None:
            # Only a message: never a dead end. The owner can keep a copy to open
            # elsewhere, as the message says, or close the window.
            toolbar.hide()
            self._data, self._title = data, title
            save = QPushButton(self.tr("Save a copy…"), self)
            save.setObjectName("previewSave")
            save.setEnabled(bool(data))
            save.clicked.connect(self.save_copy)
            self.close_button = QPushButton(self.tr("Close"), self)
            self.close_button.setDefault(True)
            self.close_button.clicked.connect(self.close)
            buttons = QHBoxLayout()
            buttons.addStretch(1)
            buttons.addWidget(save)
            buttons.addWidget(self.close_button)
            buttons.addStretch(1)
            column = QVBoxLayout()
            column.setContentsMargins(24, 24, 24, 24)
            column.addStretch(1)
            column.addWidget(self.message)
            column.addSpacing(12)
            column.addLayout(buttons)
            column.addStretch(1)
            layout.addLayout(column, 1)
            self.resize(480, 260)
            return
        button = toolbar.widgetForAction(close)
        assert isinstance(button, QAbstractButton)
        self.close_button = button
        self.resize(820, 900 if mime == "application/pdf" else 700)

    def save_copy(self) -> None:
        """Write the decrypted bytes where the owner chooses (a copy they asked for)."""
        from pathlib import Path

        from PySide6.QtWidgets import QFileDialog

        path, _f = QFileDialog.getSaveFileName(self, self.tr("Save a copy"),
                                               str(Path.home() / self._title))
        if path:
            try:
                Path(path).write_bytes(self._data)
            except OSError as exc:
                self._say(self.tr("The copy could not be saved: %1").replace(
                    "%1", exc.strerror or type(exc).__name__))

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def closeEvent(self, event: object) -> None:
        if isinstance(self.viewer, PdfViewer):
            self.viewer.release()
        self.viewer = None
        self._data = b""
        super().closeEvent(event)  # type: ignore[arg-type]


def open_preview(parent: QWidget, book: Book, attachment_id: int,
                 on_open: object = None) -> None:
    """Decrypt the attachment in the background, then show it in a preview window."""
    from ui.worker import run_in_background

    att = book.attachments.get(attachment_id)

    def show(data: bytes) -> None:
        window = PreviewWindow(data, att.mime_type, att.file_name, parent)
        window.show()
        if callable(on_open):
            on_open(window)

    label = QCoreApplication.translate("PreviewWindow", "Opening…")
    run_in_background(parent, lambda _p: book.attachments.read_bytes(attachment_id),
                      on_success=show, label=label if att.size > 5_000_000 else None,
                      cancellable=False)
