"""PDF documents the book writes (receipts 領収書, the privacy policy …), Qt-free.

fpdf2 (pure Python) with the IPAex Gothic font shipped in ``resources/fonts`` (IPA Font
License, see IPAexfont-LICENSE.txt): a Japanese font must be embedded, since a PDF
viewer on the buyer's phone may have none, and fpdf2 embeds only the glyphs used (a
receipt is tens of KB, not the font's 6 MB). The documents are written to memory; the
caller decides where the bytes go (a file the owner chose, an attachment, a message), so
no plaintext lands in a temporary file.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fpdf import FPDF

FONT = "IPAexGothic"


def fonts_dir() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    root = Path(bundle) if bundle else Path(__file__).resolve().parent.parent
    return root / "resources" / "fonts"


def new_document(*, title: str, author: str = "") -> FPDF:
    """An A4 portrait document in millimetres with the Japanese font selected (10.5 pt)."""
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_title(title)
    if author:
        pdf.set_author(author)
    pdf.set_creator("Otokui")
    pdf.add_font(FONT, "", str(fonts_dir() / "ipaexg.ttf"))
    pdf.set_font(FONT, size=10.5)
    pdf.set_auto_page_break(auto=True, margin=15)
    return pdf


def to_bytes(pdf: FPDF) -> bytes:
    return bytes(pdf.output())
