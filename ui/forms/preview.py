"""The form as a friend sees it on a phone, drawn with Qt at a phone's width (390 px).

The relay renders the real page (server-side HTML); until that renderer is on this branch
the builder draws the same items here: title, description, each visible item with its
label, 必須 mark, help and its kind of input, the consent link, and the send button.
Hidden items are left out, as the page leaves them out of sight. It reads the builder's
working definition (a dict), so it shows what is typed even while a check fails.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

#: The width of a common phone's page (CSS pixels), as the relay's page tests use.
PHONE_WIDTH = 390

_PAGE_STYLE = """
QWidget#phonePage { background: #FFFFFF; }
QWidget#phonePage QLabel { color: #1F2328; }
QLabel#previewTitle { font-size: 20px; font-weight: bold; }
QLabel#previewHelp { color: #5F6368; font-size: 12px; }
QLabel#previewRequired { color: #FFFFFF; background: #D93025; border-radius: 3px;
                         padding: 0 4px; font-size: 11px; }
QLabel#previewHeading { font-size: 16px; font-weight: bold; }
QPushButton#previewSend { background: #06C755; color: #FFFFFF; border: none;
                          border-radius: 6px; padding: 10px; font-weight: bold; }
QLineEdit, QPlainTextEdit, QComboBox { background: #FFFFFF; border: 1px solid #C4C7C5;
                                       border-radius: 4px; padding: 6px; }
"""


class FormPreview(QScrollArea):
    """A phone-width page of the definition; :meth:`show_definition` redraws it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("formPreview")
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFixedWidth(PHONE_WIDTH + self.verticalScrollBar().sizeHint().width() + 4)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.page: QWidget | None = None
        #: The labels of the items shown, in order (tests read it).
        self.shown_labels: list[str] = []

    def show_definition(self, data: dict[str, Any]) -> None:
        page = QWidget()
        page.setObjectName("phonePage")
        page.setStyleSheet(_PAGE_STYLE)
        page.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        column = QVBoxLayout(page)
        column.setContentsMargins(16, 20, 16, 24)
        column.setSpacing(14)
        title = QLabel(str(data.get("title") or ""), page)
        title.setObjectName("previewTitle")
        title.setWordWrap(True)
        column.addWidget(title)
        if data.get("description"):
            column.addWidget(self._wrapped(str(data["description"]), page))
        self.shown_labels = []
        for item in data.get("items") or []:
            if not isinstance(item, dict) or item.get("hidden"):
                continue
            column.addWidget(self._item(item, page))
            self.shown_labels.append(str(item.get("label") or ""))
        send = QPushButton(self.tr("Send"), page)
        send.setObjectName("previewSend")
        send.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        column.addWidget(send)
        column.addStretch(1)
        old = self.takeWidget()
        if old is not None:
            old.deleteLater()
        self.setWidget(page)
        self.page = page

    @staticmethod
    def _wrapped(text: str, parent: QWidget, name: str = "") -> QLabel:
        label = QLabel(text, parent)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        if name:
            label.setObjectName(name)
        return label

    def _item(self, item: dict[str, Any], parent: QWidget) -> QWidget:
        box = QWidget(parent)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        kind = item.get("type")
        label_text = str(item.get("label") or "")
        if kind == "heading":
            column.addWidget(self._wrapped(label_text, box, "previewHeading"))
            if item.get("help"):
                column.addWidget(self._wrapped(str(item["help"]), box))
            return box
        if kind != "consent":
            head = QHBoxLayout()
            head.setSpacing(6)
            head.addWidget(self._wrapped(label_text, box), 1)
            if item.get("required"):
                mark = QLabel(self.tr("Required (mark)"), box)
                mark.setObjectName("previewRequired")
                head.addWidget(mark, 0, Qt.AlignmentFlag.AlignTop)
            column.addLayout(head)
        if item.get("help"):
            column.addWidget(self._wrapped(str(item["help"]), box, "previewHelp"))
        for widget in self._inputs(item, box):
            column.addWidget(widget)
        return box

    def _inputs(self, item: dict[str, Any], parent: QWidget) -> list[QWidget]:
        kind = item.get("type")
        default = item.get("default")

        def line(placeholder: str = "", text: str = "") -> QLineEdit:
            edit = QLineEdit(text, parent)
            edit.setPlaceholderText(placeholder)
            edit.setReadOnly(True)
            return edit

        if kind == "long_text":
            edit = QPlainTextEdit(str(default or ""), parent)
            edit.setReadOnly(True)
            edit.setFixedHeight(90)
            return [edit]
        if kind in ("text", "number"):
            return [line(text="" if default is None else str(default))]
        if kind in ("date", "birthday"):
            return [line("2026-01-31" if kind == "date" else "1990-01-31",
                         str(default or ""))]
        if kind == "phone":
            return [line("090-1234-5678")]
        if kind == "email":
            return [line("name@example.jp")]
        if kind == "name":
            out: list[QWidget] = [line(self.tr("e.g. Yamada Hanako"))]
            if item.get("furigana"):
                out += [self._wrapped(self.tr("Furigana"), parent, "previewHelp"),
                        line(self.tr("e.g. Yamada Hanako (kana)"))]
            return out
        if kind == "address":
            return [self._wrapped(self.tr("Postal code"), parent, "previewHelp"),
                    line("150-0001"),
                    self._wrapped(self.tr("Address"), parent, "previewHelp"), line()]
        if kind == "consent":
            box = QCheckBox(str(item.get("label") or ""), parent)
            box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            out = [box]
            if item.get("link"):
                words = self.tr("Privacy policy")
                link = QLabel(f'<a href="{_attr(item["link"])}">{words}</a>', parent)
                out.append(link)
            return out
        if kind == "file":
            accept = item.get("accept") or []
            text = self.tr("Choose a photo") if list(accept) == ["photo"] else \
                self.tr("Choose a file")
            button = QPushButton(text, parent)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            return [button]
        if kind == "choice":
            labels = [str(x) for x in (c.get("label") if isinstance(c, dict) else c
                                       for c in item.get("choices") or []) if x]
            if item.get("multiple"):
                return [QCheckBox(x, parent) for x in labels]
            if item.get("display") == "dropdown":
                combo = QComboBox(parent)
                combo.addItems([self.tr("Choose one"), *labels])
                return [combo]
            out = []
            for x in labels:
                radio = QRadioButton(x, parent)
                radio.setChecked(x == default)
                radio.setAutoExclusive(False)
                out.append(radio)
            return out
        return []


def _attr(text: Any) -> str:
    return str(text).replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
