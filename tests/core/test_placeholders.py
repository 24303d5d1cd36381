"""Custom-field placeholders in both forms: ``{項目:来店回数}`` (what Otokui inserts) and
``{field:来店回数}`` (what stored templates and broadcasts say), in either brace width."""

from __future__ import annotations

import pytest

from app import placeholders
from app.placeholders import CustomerValues, Kind

VALUES = CustomerValues(display_name="はなこ", name="山田 花子",
                        fields={"来店回数": "12", "会員番号": ""})


@pytest.mark.parametrize("written", [
    "{項目:来店回数}", "{項目：来店回数}", "｛項目：来店回数｝", "{ 項目: 来店回数 }",
    "{field:来店回数}", "{field：来店回数}", "｛ｆｉｅｌｄ：来店回数｝", "{Field:来店回数}",
])
def test_both_forms_render_a_field(written: str) -> None:
    r = placeholders.render(f"{{名前}}様、ご来店{written}回目です", VALUES)
    assert r.text == "山田 花子様、ご来店12回目です"
    assert r.unknown == () and r.empty == ()
    [found] = [p for p in placeholders.find(written)]
    assert found.kind is Kind.FIELD and found.field_name == "来店回数"
    assert placeholders.is_personal(written)


def test_the_inserted_form_is_japanese_and_round_trips() -> None:
    inserted = placeholders.field_placeholder("来店回数")
    assert inserted == "{項目:来店回数}"
    assert "field" not in inserted
    assert placeholders.render(inserted, VALUES).text == "12"


def test_unknown_and_empty_fields_in_either_form() -> None:
    known = ["来店回数", "会員番号"]
    text = "{項目:来店回数}{項目:旧項目}{field:旧項目}{項目:}{項目}{field:}{項目:会員番号}"
    assert placeholders.unknown_in(text, known) == [
        "{項目:旧項目}", "{field:旧項目}", "{項目:}", "{項目}", "{field:}"]
    r = placeholders.render(text, VALUES)
    assert r.text == "12{項目:旧項目}{field:旧項目}{項目:}{項目}{field:}"
    assert r.unknown == ("{項目:旧項目}", "{field:旧項目}", "{項目:}", "{項目}", "{field:}")
    assert r.empty == ("{項目:会員番号}",)
    # Not a field placeholder: the prefix must start the name.
    assert [p.kind for p in placeholders.find("{旧項目:来店回数}")] == [Kind.UNKNOWN]
    assert not placeholders.is_personal("{項目:}")


def test_a_field_named_like_a_prefix_still_works() -> None:
    values = CustomerValues(fields={"項目:A": "x", "field": "y"})
    assert placeholders.render("{項目:項目:A}/{項目:field}", values).text == "x/y"
