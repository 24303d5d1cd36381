"""The form definition (relay.forms.schema): parsing, every item type, answers and limits."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from relay.forms.schema import (
    DefinitionError,
    FileRef,
    input_names,
    parse_definition,
    validate_answer,
)

TODAY = dt.date(2026, 12, 5)


def form(*items: dict[str, Any], **settings: Any) -> Any:
    return parse_definition({"title": "テスト", "items": list(items), **settings})


def check(definition: Any, fields: dict[str, list[str]], files: Any = None) -> Any:
    return validate_answer(definition, fields, files, today=TODAY)


# --- the issue's file ----------------------------------------------------------------------

def test_the_issue_example_is_read_exactly_as_written(example: dict[str, Any]) -> None:
    d = parse_definition(example)
    assert d.title == "初回問診票" and d.description == "…"
    assert d.one_answer_per_friend is True and d.tags_on_answer == ("問診票回答済み",)
    assert [(i.key, i.type, i.to, i.required) for i in d.items] == [
        ("name", "name", "name", True), ("furigana", "text", "furigana", False),
        ("phone", "phone", "phone", True), ("birthday", "date", "birthday", False),
        ("concern", "choice", None, False), ("visits", "number", "field:来店回数", False),
        ("note", "long_text", "memo", False), ("consent", "consent", None, True)]
    concern = d.item("concern")
    assert concern is not None and concern.multiple
    assert [(c.label, c.tags) for c in concern.choices] == [("くせ毛", ("くせ毛",)),
                                                            ("白髪", ("白髪",))]
    assert d.item("visits").field_name == "来店回数"  # type: ignore[union-attr]
    # The canonical form reads back to the same definition, with the same digest.
    again = parse_definition(json.loads(json.dumps(d.to_json())))
    assert again == d and again.digest() == d.digest()
    assert parse_definition(json.dumps(example)) == d  # JSON text is accepted too


def test_a_valid_answer_to_the_example(example: dict[str, Any]) -> None:
    d = parse_definition(example)
    result = check(d, {"name": ["山田 花子"], "furigana": ["ヤマダ ハナコ"],
                       "phone": ["０９０-1234-5678"], "birthday": ["1990/4/1"],
                       "concern": ["白髪", "くせ毛"], "visits": ["３"], "note": ["よろしく\r\nね"],
                       "consent": ["on"]})
    assert result.ok, result.problems
    assert result.values == {
        "name": {"name": "山田 花子", "furigana": ""}, "furigana": "ヤマダ ハナコ",
        "phone": "090-1234-5678", "birthday": "1990-04-01",
        "concern": ["くせ毛", "白髪"],  # in the form's order, not the order posted
        "visits": 3, "note": "よろしく\nね", "consent": True}


def test_missing_required_items_are_named_in_japanese(example: dict[str, Any]) -> None:
    result = check(parse_definition(example), {"name": [""], "phone": []})
    assert set(result.problems) == {"name", "phone", "consent"}
    assert result.problems["name"].message == "必須項目です。"
    assert result.problems["consent"].code == "consent_needed"
    assert result.values == {}


# --- definitions refused, naming the item ----------------------------------------------------

@pytest.mark.parametrize(("items", "where", "what"), [
    ([{"key": "a", "type": "colour", "label": "色"}], 'item 1 ("a")', '"type"'),
    ([{"key": "1a", "type": "text", "label": "x"}], "item 1", '"key"'),
    ([{"key": "a", "type": "text", "label": "x"}, {"key": "a", "type": "text", "label": "y"}],
     'item 2 ("a")', "another item"),
    ([{"key": "a", "type": "text", "label": "x", "requried": True}], 'item 1 ("a")',
     '"requried"'),
    ([{"key": "a", "type": "text"}], 'item 1 ("a")', '"label" is required'),
    ([{"key": "a", "type": "number", "label": "x", "to": "phone"}], 'item 1 ("a")',
     "cannot fill"),
    ([{"key": "a", "type": "text", "label": "x", "to": "field:"}], 'item 1 ("a")', "field"),
    ([{"key": "a", "type": "text", "label": "x", "to": "nickname"}], 'item 1 ("a")', '"to"'),
    ([{"key": "a", "type": "consent", "label": "x", "to": "field:同意"}], 'item 1 ("a")',
     "custom field"),
    ([{"key": "a", "type": "text", "label": "x", "to": "memo"},
      {"key": "b", "type": "long_text", "label": "y", "to": "memo"}], 'item 2 ("b")',
     "already filled"),
    ([{"key": "a", "type": "text", "label": "x", "hidden": True}], 'item 1 ("a")',
     "hidden item needs"),
    ([{"key": "a", "type": "number", "label": "x", "default": "many"}], 'item 1 ("a")',
     "default"),
    ([{"key": "a", "type": "number", "label": "x", "min": 5, "max": 1}], 'item 1 ("a")',
     '"min"'),
    ([{"key": "a", "type": "choice", "label": "x", "choices": ["A", "A"]}],
     'item 1 ("a"), choice 2', "twice"),
    ([{"key": "a", "type": "choice", "label": "x", "choices": []}], 'item 1 ("a")',
     '"choices"'),
    ([{"key": "a", "type": "heading", "label": "x", "required": True}], 'item 1 ("a")',
     "heading"),
    ([{"key": "a", "type": "heading", "label": "x"}], "form", "asks nothing"),
    ([{"key": "a", "type": "file", "label": "x", "accept": ["exe"]}], 'item 1 ("a")',
     '"accept"'),
    ([{"key": "a", "type": "text", "label": "x", "max_length": 5000}], 'item 1 ("a")',
     '"max_length"'),
    ([{"key": "a", "type": "consent", "label": "x", "link": "javascript:alert(1)"}],
     'item 1 ("a")', '"link"'),
])
def test_bad_definitions_name_the_item(items: list[Any], where: str, what: str) -> None:
    with pytest.raises(DefinitionError) as caught:
        form(*items)
    assert caught.value.where == where
    assert what in caught.value.what


@pytest.mark.parametrize(("data", "what"), [
    ("not json", "not JSON"), ('{"title": NaN, "items": []}', "not JSON"), ([], "object"),
    ({"items": [{"key": "a", "type": "text", "label": "x"}]}, '"title" is required'),
    ({"title": "t", "items": []}, '"items"'),
    ({"title": "t", "items": [{"key": "a", "type": "text", "label": "x"}], "extra": 1},
     '"extra"'),
    ({"title": "t", "items": [{"key": "a", "type": "text", "label": "x"}],
      "open_from": "2026-12-10", "open_until": "2026-12-01"}, "after"),
    ({"title": "t", "items": [{"key": "a", "type": "text", "label": "x"}],
      "max_answers": 0}, '"max_answers"'),
    ({"title": "t", "items": [{"key": "a", "type": "text", "label": "x"}],
      "tags_on_answer": [""]}, "tag"),
])
def test_bad_forms_say_why(data: Any, what: str) -> None:
    with pytest.raises(DefinitionError) as caught:
        parse_definition(data)
    assert what in str(caught.value)


def test_settings_are_read_and_normalised() -> None:
    d = form({"key": "a", "type": "text", "label": "x"}, open_from="2026-12-01",
             open_until="2026-12-31T18:00:00+09:00", max_answers=100, thank_you="ありがとう",
             may_edit_last_answer=True)
    assert d.open_from == dt.datetime(2026, 12, 1, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    assert d.to_json()["open_from"] == "2026-12-01T00:00:00+09:00"
    assert d.is_open(dt.datetime(2026, 12, 10, tzinfo=dt.UTC))
    assert not d.is_open(dt.datetime(2026, 11, 30, 14, 59, tzinfo=dt.UTC))
    assert not d.is_open(dt.datetime(2026, 12, 31, 9, 0, tzinfo=dt.UTC))
    assert d.max_answers == 100 and d.may_edit_last_answer and d.thank_you == "ありがとう"


# --- every item type: valid and invalid answers -------------------------------------------------

CASES: list[tuple[dict[str, Any], dict[str, list[str]], Any, str | None]] = [
    # (item, posted fields, clean value or None, problem code or None)
    ({"type": "text", "max_length": 5}, {"k": ["あいうえお"]}, "あいうえお", None),
    ({"type": "text", "max_length": 5}, {"k": ["あいうえおか"]}, None, "too_long"),
    ({"type": "text", "min_length": 2}, {"k": ["あ"]}, None, "too_short"),
    ({"type": "text"}, {"k": ["一行目\n二行目"]}, None, "no_newline"),
    ({"type": "text"}, {"k": ["制御\x07文字"]}, None, "bad_chars"),
    ({"type": "long_text"}, {"k": ["一行目\n二行目"]}, "一行目\n二行目", None),
    ({"type": "number"}, {"k": ["1,200"]}, 1200, None),
    ({"type": "number"}, {"k": ["１２.５"]}, 12.5, None),
    ({"type": "number"}, {"k": ["12個"]}, None, "not_a_number"),
    ({"type": "number"}, {"k": ["1e5"]}, None, "not_a_number"),
    ({"type": "number"}, {"k": ["NaN"]}, None, "not_a_number"),
    ({"type": "number", "integer": True}, {"k": ["2.5"]}, None, "not_whole"),
    ({"type": "number", "min": 0, "max": 10}, {"k": ["11"]}, None, "out_of_range"),
    ({"type": "number", "min": 0}, {"k": ["-1"]}, None, "out_of_range"),
    ({"type": "number"}, {"k": ["9" * 16]}, None, "not_a_number"),
    ({"type": "choice", "choices": ["A", "B"]}, {"k": ["B"]}, "B", None),
    ({"type": "choice", "choices": ["A", "B"], "display": "dropdown"}, {"k": ["C"]}, None,
     "not_a_choice"),
    ({"type": "choice", "choices": ["A", "B"]}, {"k": ["A", "B"]}, None, "one_value"),
    ({"type": "choice", "multiple": True, "choices": ["A", "B", "C"]}, {"k": ["C", "A"]},
     ["A", "C"], None),
    ({"type": "choice", "multiple": True, "choices": ["A", "B"]}, {"k": ["A", "A"]}, None,
     "not_a_choice"),
    ({"type": "choice", "multiple": True, "choices": ["A", "B", "C"], "max_choices": 1},
     {"k": ["A", "B"]}, None, "too_many"),
    ({"type": "choice", "multiple": True, "choices": ["A", "B", "C"], "min_choices": 2},
     {"k": ["A"]}, None, "too_few"),
    ({"type": "date"}, {"k": ["2026-12-24"]}, "2026-12-24", None),
    ({"type": "date"}, {"k": ["2026-02-30"]}, None, "not_a_date"),
    ({"type": "date"}, {"k": ["来週"]}, None, "not_a_date"),
    ({"type": "date", "min": "2026-12-01", "max": "2026-12-31"}, {"k": ["2027-01-01"]},
     None, "out_of_range"),
    ({"type": "birthday"}, {"k": ["2000-01-31"]}, "2000-01-31", None),
    ({"type": "birthday"}, {"k": ["2027-01-01"]}, None, "bad_birthday"),
    ({"type": "birthday"}, {"k": ["1899-12-31"]}, None, "bad_birthday"),
    ({"type": "name"}, {"k": ["山田 花子"]}, {"name": "山田 花子", "furigana": ""}, None),
    ({"type": "name", "furigana": True}, {"k": ["山田"], "k.furigana": ["やまだ"]},
     {"name": "山田", "furigana": "やまだ"}, None),
    ({"type": "name", "furigana": True}, {"k": [""], "k.furigana": ["やまだ"]}, None,
     "required"),
    ({"type": "phone"}, {"k": ["03-1234-5678"]}, "03-1234-5678", None),
    ({"type": "phone"}, {"k": ["+81 90 1234 5678"]}, "+81 90 1234 5678", None),
    ({"type": "phone"}, {"k": ["1234"]}, None, "bad_phone"),
    ({"type": "phone"}, {"k": ["090-1234-567a"]}, None, "bad_phone"),
    ({"type": "email"}, {"k": ["hanako@example.jp"]}, "hanako@example.jp", None),
    ({"type": "email"}, {"k": ["ｈａｎａｋｏ＠example.jp"]}, "hanako@example.jp", None),
    ({"type": "email"}, {"k": ["hanako@example"]}, None, "bad_email"),
    ({"type": "email"}, {"k": ["a b@example.jp"]}, None, "bad_email"),
    ({"type": "address"}, {"k.postal_code": ["〒1500001"], "k": ["東京都渋谷区神宮前1-1"]},
     {"postal_code": "150-0001", "address": "東京都渋谷区神宮前1-1"}, None),
    ({"type": "address"}, {"k.postal_code": ["150-001"], "k": ["東京都"]}, None, "bad_postal"),
    ({"type": "consent"}, {"k": ["yes"]}, True, None),
    ({"type": "consent", "required": True}, {}, None, "consent_needed"),
    ({"type": "text", "hidden": True, "default": "チラシ"}, {"k": ["チラシ"]}, "チラシ", None),
    ({"type": "text", "hidden": True, "default": "チラシ"}, {"k": ["改ざん"]}, None,
     "hidden_changed"),
    ({"type": "text", "hidden": True, "default": "チラシ"}, {}, None, "hidden_changed"),
]


@pytest.mark.parametrize(("spec", "fields", "value", "code"), CASES)
def test_every_item_type(spec: dict[str, Any], fields: dict[str, list[str]], value: Any,
                         code: str | None) -> None:
    d = form({"key": "k", "label": "項目", **spec})
    result = check(d, fields)
    if code is None:
        assert result.ok, result.problems
        assert result.values == {"k": value}
    else:
        assert result.problems["k"].code == code
        assert result.problems["k"].message  # a sentence for the friend
        assert "k" not in result.values


def test_optional_items_left_empty_are_left_out() -> None:
    d = form({"key": "a", "type": "text", "label": "x"},
             {"key": "b", "type": "choice", "multiple": True, "label": "y", "choices": ["A"]},
             {"key": "c", "type": "address", "label": "z"})
    result = check(d, {"a": ["  "], "b": []})
    assert result.ok and result.values == {}


def test_files_are_checked_by_their_references() -> None:
    d = form({"key": "photo", "type": "file", "label": "写真", "accept": ["photo"],
              "max_files": 2, "required": True})
    jpeg = FileRef("a" * 32, "髪.jpg", "image/jpeg", 1000, "0" * 64)
    pdf = FileRef("b" * 32, "x.pdf", "application/pdf", 1000, "0" * 64)
    big = FileRef("c" * 32, "big.jpg", "image/jpeg", 10_000_001, "0" * 64)
    assert check(d, {}, {"photo": [jpeg]}).values == {"photo": [jpeg.to_json()]}
    assert check(d, {}, {}).problems["photo"].code == "required"
    assert check(d, {}, {"photo": [pdf]}).problems["photo"].code == "wrong_file_type"
    assert check(d, {}, {"photo": [big]}).problems["photo"].code == "file_too_large"
    assert check(d, {}, {"photo": [jpeg, jpeg]}).problems["photo"].code == "bad_file"
    assert check(d, {}, {"photo": [jpeg] * 3}).problems["photo"].code == "too_many_files"
    # A file posted as a text field is an unknown field.
    assert check(d, {"photo": ["x"]}, {"photo": [jpeg]}).problems[""].code == "unknown_field"


# --- limits and hostile input ----------------------------------------------------------------

def test_a_hundred_thousand_characters_are_refused_for_any_item(
        example: dict[str, Any]) -> None:
    d = parse_definition(example)
    huge = "あ" * 100_000
    for key in ("name", "furigana", "phone", "visits", "note", "concern", "birthday"):
        result = check(d, {key: [huge]})
        assert result.problems[key].code == "too_long", key
        assert key not in result.values


def test_unknown_keys_and_wrong_shapes_are_refused(example: dict[str, Any]) -> None:
    d = parse_definition(example)
    good = {"name": ["山田"], "phone": ["09012345678"], "consent": ["on"]}
    assert check(d, good).ok
    assert check(d, {**good, "admin": ["1"]}).problems[""].code == "unknown_field"
    assert check(d, {**good, "name": ["山田", "佐藤"]}).problems["name"].code == "one_value"
    assert check(d, {**good, "name": "山田"}).problems["name"].code == "one_value"  # type: ignore[dict-item]
    assert check(d, {**good, "name": [1]}).problems["name"].code == "one_value"  # type: ignore[list-item]
    assert check(d, {**good, "name": ["\ud800"]}).problems["name"].code == "bad_chars"
    assert not validate_answer(d, "not a mapping", today=TODAY).ok  # type: ignore[arg-type]


def test_input_names_are_what_the_page_posts() -> None:
    d = form({"key": "h", "type": "heading", "label": "ごあいさつ"},
             {"key": "n", "type": "name", "label": "お名前", "furigana": True},
             {"key": "ad", "type": "address", "label": "ご住所"},
             {"key": "c", "type": "choice", "multiple": True, "label": "c", "choices": ["A"]})
    assert [input_names(i) for i in d.items] == [(), ("n", "n.furigana"),
                                                 ("ad.postal_code", "ad"), ("c",)]


# --- versions: the canonical form and its digest ----------------------------------------------

def test_any_change_is_a_new_digest_and_the_same_form_the_same(
        example: dict[str, Any]) -> None:
    d = parse_definition(example)
    reordered = {**example, "items": list(example["items"])}
    assert parse_definition(reordered).digest() == d.digest()
    renamed = json.loads(json.dumps(example))
    renamed["items"][0]["label"] = "氏名"
    assert parse_definition(renamed).digest() != d.digest()
    spelled_out = json.loads(json.dumps(example))
    spelled_out["items"][1]["required"] = False  # the default, written out
    assert parse_definition(spelled_out).digest() == d.digest()
