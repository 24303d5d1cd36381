"""Hypothesis fuzzing of the forms' parsers and checks: no crash, only known outcomes.

Whatever a browser posts (or a hostile relay seals), :func:`validate_answer` returns
clean values or problems with known codes, never raises; whatever a definition file
holds, :func:`parse_definition` returns a definition or a DefinitionError; whatever a
sealed item holds, reading it gives an item or an ItemFormatError, and applying it to a
real book stores it or refuses it as not an answer. Derandomised (deterministic);
``OTOKUI_FUZZ_EXAMPLES`` raises the number of examples.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import secrets
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.book import Book
from app.forms import apply_form_answer
from relay.forms import schema
from relay.forms.items import ANSWER_MAGIC, FILE_MAGIC, ItemFormatError, read_answer, read_file
from relay.forms.schema import DefinitionError, parse_definition, validate_answer

EXAMPLES = int(os.environ.get("OTOKUI_FUZZ_EXAMPLES", "300"))
fuzz = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])

KNOWN_CODES = {
    "required", "not_a_number", "not_whole", "not_a_date", "bad_phone", "bad_email",
    "bad_postal", "not_a_choice", "one_value", "bad_chars", "no_newline", "hidden_changed",
    "unknown_field", "consent_needed", "bad_birthday", "bad_file", "too_long", "too_short",
    "out_of_range", "too_few", "too_many", "too_many_files", "wrong_file_type",
    "file_too_large"}

ALL_TYPES = parse_definition({"title": "全部", "items": [
    {"key": "h", "type": "heading", "label": "見出し"},
    {"key": "t", "type": "text", "label": "t", "required": True, "max_length": 50},
    {"key": "lt", "type": "long_text", "label": "lt"},
    {"key": "n", "type": "number", "label": "n", "min": -5, "max": 500, "integer": True},
    {"key": "c", "type": "choice", "label": "c", "choices": ["赤", "青"]},
    {"key": "m", "type": "choice", "multiple": True, "label": "m", "choices": ["A", "B", "C"],
     "max_choices": 2},
    {"key": "d", "type": "date", "label": "d", "min": "2020-01-01"},
    {"key": "nm", "type": "name", "label": "nm", "furigana": True},
    {"key": "p", "type": "phone", "label": "p"},
    {"key": "e", "type": "email", "label": "e"},
    {"key": "ad", "type": "address", "label": "ad"},
    {"key": "b", "type": "birthday", "label": "b"},
    {"key": "ok", "type": "consent", "label": "ok", "required": True},
    {"key": "f", "type": "file", "label": "f"},
    {"key": "src", "type": "text", "label": "src", "hidden": True, "default": "チラシ"}]})
NAMES = ["t", "lt", "n", "c", "m", "d", "nm", "nm.furigana", "p", "e", "ad", "ad.postal_code",
         "b", "ok", "f", "src", "h", "", "zzz", "_csrf"]

texts = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", " ", "０９０-１２３４-５６７８", "1,000", "1e9", "NaN", "-0", "2026-02-29",
                     "2024-02-29", "150-0001", "a@b.c", "赤", "A", "チラシ", "\ud800", "\x00",
                     "\r\n", "9" * 40]),
    st.builds(lambda c, n: c * n, st.sampled_from(["あ", "1", "\n"]),
              st.integers(0, 25_000)))
posted = st.dictionaries(st.sampled_from(NAMES) | st.text(max_size=5),
                         st.lists(texts, max_size=4) | texts, max_size=10)


def _check(result: Any) -> None:
    assert set(result.problems) <= {"", *(i.key for i in ALL_TYPES.items)}
    for problem in result.problems.values():
        assert problem.code in KNOWN_CODES and problem.message
    assert not (set(result.values) & set(result.problems))
    json.dumps(result.values, ensure_ascii=False)  # clean values are JSON, always


@fuzz
@given(posted, st.dates(dt.date(1990, 1, 1), dt.date(2100, 1, 1)))
def test_any_post_gives_values_or_known_problems(fields: dict[str, Any], today: dt.date) -> None:
    result = validate_answer(ALL_TYPES, fields, {}, today=today)
    _check(result)
    if result.ok:  # what passes once passes again: the desktop re-checks the same raw values
        assert validate_answer(ALL_TYPES, fields, {}, today=today).values == result.values


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=20)
item_keys = st.sampled_from(["key", "type", "label", "required", "hidden", "default", "to",
                             "overwrite", "min", "max", "choices", "multiple", "max_length",
                             "min_length", "furigana", "accept", "display", "link"])
items = st.fixed_dictionaries(
    {"key": st.sampled_from(["a", "b", "1", "", "a" * 50]),
     "type": st.sampled_from([*schema.ITEM_TYPES, "colour", 3]),
     "label": st.text(max_size=5) | st.none()},
    optional={k: json_values for k in ["required", "hidden", "default", "to", "overwrite",
                                       "min", "max", "choices", "multiple", "max_length",
                                       "furigana", "accept", "display"]})


@fuzz
@given(st.lists(items, max_size=4) | json_values, json_values)
def test_any_definition_parses_or_says_why(item_list: Any, title: Any) -> None:
    try:
        definition = parse_definition({"title": title, "items": item_list})
    except DefinitionError as exc:
        assert exc.where and exc.what
        return
    assert parse_definition(definition.to_json()) == definition
    result = validate_answer(definition, {}, {})
    _check_codes(result)


def _check_codes(result: Any) -> None:
    for problem in result.problems.values():
        assert problem.code in KNOWN_CODES


@fuzz
@given(st.binary(max_size=300) | st.builds(
    lambda d: json.dumps(d).encode(), json_values))
def test_any_sealed_plaintext_reads_or_is_refused(body: bytes) -> None:
    for reader, magic in ((read_answer, ANSWER_MAGIC), (read_file, FILE_MAGIC)):
        for plaintext in (body, magic + body):
            with contextlib.suppress(ItemFormatError):
                reader(plaintext)


def test_fuzzed_answers_into_a_real_book(book: Book) -> None:
    info = book.forms.create(ALL_TYPES)
    book.forms.publish(info.form_id)
    seen: set[str] = set()

    @settings(max_examples=max(20, EXAMPLES // 10), derandomize=True, deadline=None,
              database=None, suppress_health_check=list(HealthCheck))
    @given(posted)
    def apply(fields: dict[str, Any]) -> None:
        item = {"answer_id": secrets.token_hex(16), "form_id": info.form_id, "version": 1,
                "submitted_at": 1_800_000_000_000, "identity": {"kind": "public"},
                "fields": fields, "files": {}, "replaces": None}
        try:
            result = apply_form_answer(book, item)
        except ItemFormatError:  # not an answer at all (e.g. a value that is not a list)
            return
        assert result.status in ("applied", "refused", "pending")
        seen.add(result.status)

    apply()
    assert len(book.forms.answers(info.form_id)) >= 1
