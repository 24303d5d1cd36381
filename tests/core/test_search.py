"""Japanese search: substring, width, kana, phone punctuation; tag filters; sorting."""

from __future__ import annotations

import pytest

from app import textnorm
from app.search import CustomerQuery


@pytest.fixture
def people(book):
    ids = {
        "tanaka": book.customers.create(name="田中 太郎", furigana="タナカ タロウ",
                                        phone="090-1234-5678", email="Taro.Tanaka@Example.jp"),
        "yamada": book.customers.create(name="山田 花子", furigana="やまだ はなこ",
                                        phone="０３（１１１１）２２２２", memo="ｶﾗｰ希望"),
        "suzuki": book.customers.create(display_name="すずき", name="鈴木 一郎",
                                        furigana="すずき いちろう", address="東京都渋谷区"),
        "tanabe": book.customers.create(name="田辺 誠", furigana="たなべ まこと"),
    }
    return ids


@pytest.mark.parametrize(("query", "expected"), [
    ("田中", ["tanaka"]),                 # two characters: the short-query path
    ("田", ["tanaka", "yamada", "tanabe"]),  # one character (山田 too)
    ("田中太郎", ["tanaka"]),             # the space in the name does not matter
    ("たなか", ["tanaka"]),               # hiragana finds katakana furigana
    ("タナ", ["tanaka", "tanabe"]),       # katakana finds hiragana furigana
    ("ﾔﾏﾀﾞ", ["yamada"]),                # half-width katakana
    ("０９０-1234", ["tanaka"]),          # full-width digits and a hyphen
    ("09012345678", ["tanaka"]),
    ("1234-5678", ["tanaka"]),
    ("03-1111", ["yamada"]),              # stored with full-width brackets
    ("taro.tanaka@example", ["tanaka"]),  # e-mail, case folded
    ("カラー", ["yamada"]),               # memo written in half-width kana
    ("渋谷", ["suzuki"]),
    ("存在しない名前", []),
    ("", ["tanaka", "yamada", "suzuki", "tanabe"]),
])
def test_search(book, people, query, expected) -> None:
    found = book.search.ids(CustomerQuery(text=query))
    assert sorted(found) == sorted(people[k] for k in expected)
    assert book.search.count(CustomerQuery(text=query)) == len(expected)


def test_search_follows_edits_and_text_fields(book, people) -> None:
    book.customers.update(people["tanabe"], furigana="わたなべ まこと")
    assert book.search.ids(CustomerQuery(text="ワタナベ")) == [people["tanabe"]]
    field = book.fields.create("趣味", "text")
    book.fields.set_value(people["suzuki"], field, "ゴルフ")
    assert book.search.ids(CustomerQuery(text="ごるふ")) == [people["suzuki"]]
    book.customers.delete([people["suzuki"]])
    assert book.search.ids(CustomerQuery(text="ゴルフ")) == []


def test_fts_query_syntax_is_never_interpreted(book, people) -> None:
    for q in ('"', 'AND OR NOT', "田中*", "a:b", "((", "NEAR(田中)"):
        assert isinstance(book.search.ids(CustomerQuery(text=q)), list)


def test_tag_filters_and_views(book, people) -> None:
    vip = book.tags.create("VIP")
    new = book.tags.create("新規")
    book.tags.add([people["tanaka"], people["yamada"]], [vip])
    book.tags.add([people["yamada"], people["suzuki"]], [new])
    ids = book.search.ids
    assert sorted(ids(CustomerQuery(tags_all=(vip, new)))) == [people["yamada"]]
    assert sorted(ids(CustomerQuery(tags_any=(vip, new)))) == sorted(
        [people["tanaka"], people["yamada"], people["suzuki"]])
    assert ids(CustomerQuery(tags_all=(vip,), tags_none=(new,))) == [people["tanaka"]]
    book.customers.update(people["tanaka"], line_user_id="U" + "a" * 32,
                          blocked_at="2026-11-01 10:00")
    assert ids(CustomerQuery(view="blocked")) == [people["tanaka"]]
    assert people["tanaka"] not in ids(CustomerQuery(view="not_on_line"))


def test_sorting(book, people) -> None:
    order = book.search.ids(CustomerQuery(sort="furigana"))
    assert order[0] == people["suzuki"]  # す < た < や in kana order
    assert book.search.ids(CustomerQuery(sort="furigana", descending=True))[0] == \
        people["yamada"]
    field = book.fields.create("来店回数", "number")
    book.fields.set_value(people["tanabe"], field, 3)
    book.fields.set_value(people["tanaka"], field, 10)
    by_field = book.search.ids(CustomerQuery(sort=f"field:{field}", descending=True))
    assert by_field[:2] == [people["tanaka"], people["tanabe"]]


def test_normalisation_helpers() -> None:
    assert textnorm.normalize("ＡＢＣ　タナカ") == "abcたなか"
    assert textnorm.phone_digits("０９０‐１２３４‐５６７８") == "09012345678"
    assert textnorm.looks_like_phone("090-12")
    assert not textnorm.looks_like_phone("田中")


@pytest.mark.parametrize("query", ["田", "田中", "たなか", "1234", "カラー", "090-12"])
def test_a_search_alone_comes_in_id_order_like_a_filtered_one(book, people, query) -> None:
    """A search with no other filter reads the FTS5 index straight in rowid order; it must
    give what the general path (candidates joined to the customers) gives, both ways."""
    for descending in (False, True):
        alone = book.search.ids(CustomerQuery(text=query, descending=descending))
        joined = book.search.ids(CustomerQuery(text=query, descending=descending,
                                               extra_where=(("1 = 1", {}),)))
        assert alone == sorted(alone, reverse=descending) and alone == joined and alone
