"""PDFs with Japanese text: the font is embedded (subset) and the text is extractable."""

from __future__ import annotations

from app.pdf import new_document, to_bytes


def test_a_japanese_pdf_embeds_a_subset_of_the_font() -> None:
    pdf = new_document(title="領収書")
    pdf.add_page()
    pdf.multi_cell(0, 8, "お得意 美容室 様　合計 ¥1,980（10%対象）")
    data = to_bytes(pdf)
    assert data.startswith(b"%PDF-")
    assert b"/FontFile2" in data  # the TrueType font is embedded
    assert 1_000 < len(data) < 200_000  # a subset, not the 6 MB font
