"""The receipt (領収書) of an order as a PDF meeting Japan's qualified invoice rules.

A qualified (simplified) invoice — 適格簡易請求書, what a retailer may issue — must show:
the issuer's name and registration number (T + 13 digits); the date; what was sold, with
the reduced-rate items marked (※); the total per tax rate (tax included); and the tax per
rate (or the rate). Tax is worked out once per rate on the receipt, rounded down
(:func:`app.purchases.service.tax_in`), never per line.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import TYPE_CHECKING, Any

from app.errors import ValidationError
from app.i18n import QT_TRANSLATE_NOOP

if TYPE_CHECKING:
    from app.book import Book
    from app.purchases.service import OrderInfo

_CTX = "purchases"
SHOP_NAME = "purchases.shop_name"
REGISTRATION = "purchases.registration_number"
_REG = re.compile(r"T\d{13}")


def check_registration(value: str) -> str:
    norm = unicodedata.normalize("NFKC", value).strip().upper().replace("-", "")
    if not _REG.fullmatch(norm):
        raise ValidationError(value[:20], message=QT_TRANSLATE_NOOP(
            _CTX, "The registration number is T followed by 13 digits."))
    return norm


def set_issuer(book: Book, shop_name: str, registration_number: str) -> None:
    """The shop's name and 適格請求書発行事業者 registration number, printed on receipts."""
    if not shop_name.strip():
        raise ValidationError(message=QT_TRANSLATE_NOOP(
            _CTX, "The receipt needs the shop's name."))
    book.settings.set(SHOP_NAME, shop_name.strip())
    book.settings.set(REGISTRATION, check_registration(registration_number))


def receipt_content(book: Book, order: OrderInfo) -> dict[str, Any]:
    """What the receipt says, as data (the PDF lays it out; tests read it here, since a
    PDF's embedded-font text is glyph ids)."""
    from app.purchases.csvimport import JST
    from app.purchases.service import tax_in

    shop = book.settings.get_str(SHOP_NAME)
    reg = book.settings.get_str(REGISTRATION)
    if not shop or not reg:
        raise ValidationError(message=QT_TRANSLATE_NOOP(
            _CTX, "Set the shop's name and registration number before making receipts."))
    buyer = ""
    if order.customer_id is not None:
        c = book.customers.get(order.customer_id)
        buyer = c.name or c.display_name
    local = order.ordered_at.replace(tzinfo=dt.UTC).astimezone(JST)
    by_rate = order.totals_by_rate()
    notes = [f"{rate}%対象 ¥{amount:,}（内消費税 ¥{tax_in(amount, rate):,}）"
             for rate, amount in sorted(by_rate.items(), reverse=True)]
    if 8 in by_rate:
        notes.append("※は軽減税率（8%）対象品目です")
    if order.refunded:
        notes.append(f"返金済み ¥{order.refunded:,}（合計 ¥{order.total:,} のうち）")
    return {
        "title": "領収書",
        "buyer": f"{buyer} 様" if buyer else "",
        "header": f"発行日 {local:%Y年%m月%d日}　注文番号 {order.number}",
        "amount": f"金額 ¥{order.total - order.refunded:,}-（税込）",
        "lines": [(f"{ln.name}{'※' if ln.tax_rate == 8 else ''}", f"¥{ln.unit_price:,}",
                   str(ln.quantity), f"¥{ln.amount:,}") for ln in order.lines],
        "notes": notes,
        "issuer": [shop, f"登録番号 {reg}"],
    }


def receipt_pdf(book: Book, order: OrderInfo) -> bytes:
    from app.pdf import new_document, to_bytes

    c = receipt_content(book, order)
    pdf = new_document(title=f"領収書 {order.number}", author=c["issuer"][0])
    pdf.add_page()

    def line(text: str) -> None:
        pdf.cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")

    pdf.set_font_size(20)
    pdf.cell(0, 14, c["title"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font_size(10.5)
    line(c["buyer"])
    line(c["header"])
    pdf.ln(3)
    pdf.set_font_size(16)
    pdf.cell(0, 12, c["amount"], new_x="LMARGIN", new_y="NEXT")
    pdf.set_font_size(10.5)
    line("但し お品代として　上記正に領収いたしました")
    pdf.ln(3)
    widths = (95, 30, 20, 35)
    for text, w in zip(("品名", "単価", "数量", "金額"), widths, strict=True):
        pdf.cell(w, 7, text, border=1, align="C")
    pdf.ln()
    for cells in c["lines"]:
        for i, (text, w) in enumerate(zip(cells, widths, strict=True)):
            pdf.cell(w, 7, text, border=1, align="L" if i == 0 else "R")
        pdf.ln()
    pdf.ln(2)
    for note in c["notes"]:
        line(note)
    pdf.ln(4)
    for text in c["issuer"]:
        line(text)
    return to_bytes(pdf)
