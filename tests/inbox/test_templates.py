"""Templates (定型文) in the book, and placeholders rendered per customer."""

from __future__ import annotations

import pytest

from app import placeholders
from app.book import Book
from app.errors import NotFoundError, ValidationError
from app.placeholders import CustomerValues, Kind
from app.profile import Profile
from tests.sync.support import PASSPHRASE


def test_templates_crud_and_order_survive_reopening(book: Book, profile: Profile) -> None:
    changes = []
    book.changed.connect(changes.append)
    a = book.templates.create("予約確認", "{名前}様\nご予約ありがとうございます。")
    b = book.templates.create("  定休日  ", "毎週水曜日は定休日です。")
    c = book.templates.create("ポイント", "{名前}様のポイントは{field:ポイント}点です。")
    assert [t.title for t in book.templates.list()] == ["予約確認", "定休日", "ポイント"]
    book.templates.update(b, text="毎週水曜日と第3火曜日は定休日です。")
    book.templates.reorder([c, a])
    book.templates.delete(a)
    assert {ch.kind for ch in changes} == {"templates"}
    book.close()
    reopened = profile.open(PASSPHRASE)
    try:
        assert [(t.id, t.title) for t in reopened.templates.list()] == [
            (c, "ポイント"), (b, "定休日")]
        assert reopened.templates.get(b).text == "毎週水曜日と第3火曜日は定休日です。"
        with pytest.raises(NotFoundError):
            reopened.templates.get(a)
        with pytest.raises(NotFoundError):
            reopened.templates.update(a, title="x")
        with pytest.raises(NotFoundError):
            reopened.templates.reorder([a])
        with pytest.raises(ValidationError):
            reopened.templates.reorder([b, b])
    finally:
        reopened.close()


def test_bad_templates_are_refused(book: Book) -> None:
    for title, text in [("", "本文"), ("   ", "本文"), ("x" * 101, "本文"), ("題", ""),
                        ("題", " \n "), ("題", "😀" * 2501)]:
        with pytest.raises(ValidationError):
            book.templates.create(title, text)
    assert book.templates.list() == []
    ok = book.templates.create("題", "😀" * 2500)  # exactly 5,000 UTF-16 units
    with pytest.raises(ValidationError):
        book.templates.update(ok, text="")
    assert book.templates.get(ok).text == "😀" * 2500


def test_render_for_a_customer(book: Book) -> None:
    points = book.fields.create("ポイント", "points")
    visit = book.fields.create("来店日", "date")
    book.fields.create("会員番号", "text")
    cid = book.customers.create(display_name="はなこ🌸", name="山田 花子",
                                furigana="やまだ はなこ")
    book.fields.add_points(cid, points, 120)
    book.fields.set_value(cid, visit, "2026-11-03")
    r = book.templates.render(
        "{名前}様（{ふりがな}）\n{表示名}さん、{field:ポイント}点 / 前回 {field：来店日}"
        " / 会員 {field:会員番号} / {誕生日} / {field:旧項目}", cid)
    assert r.text == ("山田 花子様（やまだ はなこ）\nはなこ🌸さん、120点 / 前回 2026-11-03"
                      " / 会員  / {誕生日} / {field:旧項目}")
    assert r.unknown == ("{誕生日}", "{field:旧項目}")
    assert r.empty == ("{field:会員番号}",)
    assert not r.complete
    assert book.templates.unknown_placeholders("{name} {field:会員番号} {fieldx}") == [
        "{fieldx}"]
    with pytest.raises(NotFoundError):
        book.templates.render("{名前}", 999)


def test_name_falls_back_to_the_line_display_name(book: Book) -> None:
    cid = book.customers.create(display_name="たろう", line_user_id="U" + "ab" * 16)
    t = book.templates.create("挨拶", "｛お名前｝様、{氏名}様")  # full-width braces from an IME
    r = book.templates.render_template(t, cid)
    assert r.text == "たろう様、様"
    assert r.empty == ("{氏名}",) and r.unknown == ()


def test_placeholder_parsing_edge_cases() -> None:
    values = CustomerValues(display_name="D", name="N", furigana="F", fields={"Ｐｔ": "3"})
    assert placeholders.render("{NAME} {Display_Name} {LINE名} {field: Pt }",
                               values).text == "N D D 3"
    # Not placeholders: empty, nested, unbalanced, multi-line, very long; left as written.
    odd = "{} {{名前}} {名前 {x\n} {" + "a" * 81 + "}"
    r = placeholders.render(odd, values)
    assert r.text == "{} {N} {名前 {x\n} {" + "a" * 81 + "}"
    assert [p.kind for p in placeholders.find("{field:}{名前}")] == [Kind.UNKNOWN, Kind.NAME]
    assert placeholders.is_personal("{名前}様") and not placeholders.is_personal("{誕生日}")
    assert not placeholders.is_personal("セール開催中")


def test_values_load_in_bulk(book: Book) -> None:
    fid = book.fields.create("ランク", "single_choice", choices=["金", "銀"])
    ids = [book.customers.create(name=f"客{i}") for i in range(3)]
    book.fields.set_value(ids[1], fid, "金")
    with book.db.read() as s:
        values = placeholders.load_values(s, ids)
    assert [values[i].fields["ランク"] for i in ids] == ["", "金", ""]
    assert [placeholders.render("{名前}:{field:ランク}", values[i]).text for i in ids] == [
        "客0:", "客1:金", "客2:"]
