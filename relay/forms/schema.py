"""The form definition, and answers checked against it. Used by the relay and the desktop.

A definition is read from JSON (the headless contract's file, the desktop's builder, the
relay's copy of a published version) with :func:`parse_definition`, which refuses anything
it does not understand with a :class:`DefinitionError` naming the item and the property.
:meth:`FormDefinition.to_json` gives it back in one canonical form (every property
present, normalised), which is what is published, stored per version and hashed.

An answer is what a browser posts: each input name with its list of string values (a
multiple choice repeats its key), plus the uploaded files the relay has already checked
(:class:`FileRef`). :func:`validate_answer` turns it into clean, typed values or names
the problems per item, in Japanese (the friend reads them next to the item). The relay
runs it before sealing anything; the desktop runs it again on the sealed raw values
before applying, since it does not trust the relay. Both get the same result.

Nothing here imports the rest of the relay or ``app/``; the standard library only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "DESTINATIONS",
    "ITEM_TYPES",
    "Choice",
    "DefinitionError",
    "FileRef",
    "FormDefinition",
    "Item",
    "Problem",
    "ValidatedAnswer",
    "input_names",
    "parse_definition",
    "validate_answer",
]

JST = dt.timezone(dt.timedelta(hours=9), "JST")

ITEM_TYPES = ("heading", "text", "long_text", "number", "choice", "date", "name", "phone",
              "email", "address", "birthday", "consent", "file")
#: Built-in customer fields an answer may fill; ``field:NAME`` names a custom field.
DESTINATIONS = ("name", "furigana", "phone", "email", "birthday", "address", "memo")
FIELD_PREFIX = "field:"
#: Which item types may fill which built-in field.
DESTINATION_TYPES: dict[str, frozenset[str]] = {
    "name": frozenset({"name", "text"}),
    "furigana": frozenset({"text"}),
    "phone": frozenset({"phone"}),
    "email": frozenset({"email"}),
    "birthday": frozenset({"birthday", "date"}),
    "address": frozenset({"address"}),
    "memo": frozenset({"text", "long_text"}),
}
#: Item types that may fill a custom field (``field:NAME``).
FIELD_ITEM_TYPES = frozenset({"text", "long_text", "number", "choice", "date", "birthday",
                              "phone", "email", "name", "address", "file"})

MAX_ITEMS = 100
MAX_CHOICES = 100
MAX_KEY_CHARS = 40
MAX_LABEL_CHARS = 200
MAX_HELP_CHARS = 1000
MAX_TITLE_CHARS = 100
MAX_DESCRIPTION_CHARS = 5000
MAX_THANK_YOU_CHARS = 2000
#: A LINE text message is at most 5,000 characters; a thank-you needs far fewer.
MAX_LINE_THANK_YOU_CHARS = 500
MAX_TAG_CHARS = 100
MAX_TAGS = 20
#: Text limits: the defaults, and ceilings a definition may not pass (the same as the
#: desktop's custom fields of type text and long text, so any answer fits in one).
TEXT_DEFAULT_MAX, TEXT_CEILING = 200, 1000
LONG_TEXT_DEFAULT_MAX, LONG_TEXT_CEILING = 2000, 20000
NAME_MAX = 100
EMAIL_MAX = 254
ADDRESS_MAX = 300
#: A number has at most this many digits (beyond it a float is no longer exact).
NUMBER_MAX_DIGITS = 15
#: Uploads: kinds, and the most a file may be (the relay checks bytes; this checks refs).
FILE_KINDS = {"photo": ("image/jpeg", "image/png"), "pdf": ("application/pdf",)}
FILE_MAX_BYTES = 10_000_000
FILE_MAX_COUNT = 5
EARLIEST_BIRTHDAY = dt.date(1900, 1, 1)

_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_FILE_ID = re.compile(r"^[0-9a-f]{32}$")
_NUMBER = re.compile(r"^[+-]?(\d+)(?:\.(\d+))?$")
_DATE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")


class DefinitionError(ValueError):
    """A definition is not valid; ``where`` names the item (or "form"), ``what`` says why.

    English, for the owner (the CLI prints it; the desktop wraps it in its own error).
    """

    def __init__(self, where: str, what: str) -> None:
        super().__init__(f"{where}: {what}")
        self.where = where
        self.what = what


@dataclass(frozen=True)
class Choice:
    label: str
    #: Tags added to (``tags``) or removed from (``remove_tags``) whoever picks it.
    tags: tuple[str, ...] = ()
    remove_tags: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"label": self.label, "tags": list(self.tags),
                "remove_tags": list(self.remove_tags)}


@dataclass(frozen=True)
class Item:
    key: str
    type: str
    label: str
    help: str = ""
    required: bool = False
    hidden: bool = False
    default: Any = None
    #: Where the answer goes: a name in DESTINATIONS, "field:NAME", or None (answer only).
    to: str | None = None
    #: When the customer already has a value there: True replaces it, False keeps it.
    overwrite: bool = False
    # Limits, by type (None: not set).
    min_length: int | None = None
    max_length: int | None = None
    min: float | None = None
    max: float | None = None
    integer: bool = False
    min_date: dt.date | None = None
    max_date: dt.date | None = None
    choices: tuple[Choice, ...] = ()
    multiple: bool = False
    display: str = "radio"  # single choice: "radio" or "dropdown"
    min_choices: int | None = None
    max_choices: int | None = None
    furigana: bool = False  # name: ask the furigana too
    link: str | None = None  # consent: the privacy policy page
    accept: tuple[str, ...] = ()  # file: "photo", "pdf"
    max_files: int = 1
    max_bytes: int = FILE_MAX_BYTES

    @property
    def field_name(self) -> str | None:
        """The custom field named by ``to`` ("field:来店回数" → "来店回数"), or None."""
        if self.to and self.to.startswith(FIELD_PREFIX):
            return self.to[len(FIELD_PREFIX):]
        return None

    @property
    def has_value(self) -> bool:
        return self.type != "heading"

    def choice(self, label: str) -> Choice | None:
        return next((c for c in self.choices if c.label == label), None)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "key": self.key, "type": self.type, "label": self.label, "help": self.help,
            "required": self.required, "hidden": self.hidden, "default": self.default,
            "to": self.to, "overwrite": self.overwrite}
        if self.type in ("text", "long_text"):
            out.update(min_length=self.min_length, max_length=self.max_length)
        elif self.type == "number":
            out.update(min=_num_json(self.min), max=_num_json(self.max), integer=self.integer)
        elif self.type == "date":
            out.update(min=_date_json(self.min_date), max=_date_json(self.max_date))
        elif self.type == "choice":
            out.update(multiple=self.multiple, display=self.display,
                       choices=[c.to_json() for c in self.choices],
                       min_choices=self.min_choices, max_choices=self.max_choices)
        elif self.type == "name":
            out.update(furigana=self.furigana)
        elif self.type == "consent":
            out.update(link=self.link)
        elif self.type == "file":
            out.update(accept=list(self.accept), max_files=self.max_files,
                       max_bytes=self.max_bytes)
        return out


@dataclass(frozen=True)
class FormDefinition:
    title: str
    items: tuple[Item, ...]
    description: str = ""
    one_answer_per_friend: bool = False
    may_edit_last_answer: bool = False
    max_answers: int | None = None
    open_from: dt.datetime | None = None
    open_until: dt.datetime | None = None
    thank_you: str = ""
    tags_on_answer: tuple[str, ...] = ()
    #: A message the friend gets in LINE after answering (sent by the desktop on sync);
    #: "" for none. Not shown on the page.
    line_thank_you: str = ""

    def item(self, key: str) -> Item | None:
        return next((i for i in self.items if i.key == key), None)

    def to_json(self) -> dict[str, Any]:
        """The canonical form: every property, normalised; what is published and hashed."""
        return {
            "title": self.title, "description": self.description,
            "one_answer_per_friend": self.one_answer_per_friend,
            "may_edit_last_answer": self.may_edit_last_answer,
            "max_answers": self.max_answers,
            "open_from": None if self.open_from is None else self.open_from.isoformat(),
            "open_until": None if self.open_until is None else self.open_until.isoformat(),
            "thank_you": self.thank_you, "tags_on_answer": list(self.tags_on_answer),
            "items": [i.to_json() for i in self.items],
            # Only when set: forms without one keep the digest they were published with.
            **({"line_thank_you": self.line_thank_you} if self.line_thank_you else {}),
        }

    def canonical_bytes(self) -> bytes:
        return json.dumps(self.to_json(), ensure_ascii=False, sort_keys=True,
                          separators=(",", ":")).encode("utf-8")

    def digest(self) -> str:
        """SHA-256 of the canonical form: two versions are the same form iff equal."""
        return hashlib.sha256(self.canonical_bytes()).hexdigest()

    def is_open(self, now: dt.datetime) -> bool:
        """Whether answers are taken at ``now`` (an aware datetime) by the dates alone."""
        if self.open_from is not None and now < self.open_from:
            return False
        return self.open_until is None or now < self.open_until


# --- parsing a definition -----------------------------------------------------------------

_FORM_KEYS = frozenset({"title", "description", "one_answer_per_friend",
                        "may_edit_last_answer", "max_answers", "open_from", "open_until",
                        "thank_you", "tags_on_answer", "items", "line_thank_you"})
_COMMON_KEYS = frozenset({"key", "type", "label", "help", "required", "hidden", "default",
                          "to", "overwrite"})
_TYPE_KEYS: dict[str, frozenset[str]] = {
    "heading": frozenset(),
    "text": frozenset({"min_length", "max_length"}),
    "long_text": frozenset({"min_length", "max_length"}),
    "number": frozenset({"min", "max", "integer"}),
    "choice": frozenset({"choices", "multiple", "display", "min_choices", "max_choices"}),
    "date": frozenset({"min", "max"}),
    "name": frozenset({"furigana"}),
    "phone": frozenset(),
    "email": frozenset(),
    "address": frozenset(),
    "birthday": frozenset(),
    "consent": frozenset({"link"}),
    "file": frozenset({"accept", "max_files", "max_bytes"}),
}
#: Types whose default is meaningful (a prefilled input).
_DEFAULT_TYPES = frozenset({"text", "long_text", "number", "choice", "date", "consent"})


def parse_definition(data: Any) -> FormDefinition:
    """Read a definition (the parsed JSON object); raise :class:`DefinitionError`.

    Accepts ``bytes``/``str`` too (JSON text). Unknown properties are refused, so a typo
    such as ``"requried"`` is reported rather than silently ignored.
    """
    if isinstance(data, bytes | str):
        try:
            data = json.loads(data, parse_constant=_no_constant)
        except (ValueError, RecursionError) as exc:
            raise DefinitionError("form", f"not JSON ({_short(exc)})") from None
    if not isinstance(data, dict):
        raise DefinitionError("form", "a definition is a JSON object")
    _no_unknown("form", data, _FORM_KEYS)
    title = _text("form", data, "title", MAX_TITLE_CHARS, required=True)
    items_raw = data.get("items")
    if not isinstance(items_raw, list) or not items_raw:
        raise DefinitionError("form", '"items" must be a list with at least one item')
    if len(items_raw) > MAX_ITEMS:
        raise DefinitionError("form", f"at most {MAX_ITEMS} items")
    items: list[Item] = []
    seen: set[str] = set()
    destinations: dict[str, str] = {}
    for n, raw in enumerate(items_raw, start=1):
        item = _parse_item(n, raw)
        if item.key in seen:
            raise DefinitionError(_where(n, item.key), "this key is used by another item")
        seen.add(item.key)
        if item.to is not None:
            taken = destinations.get(item.to)
            if taken is not None:
                raise DefinitionError(_where(n, item.key),
                                      f'"to": "{item.to}" is already filled by item '
                                      f'"{taken}"')
            destinations[item.to] = item.key
        items.append(item)
    if not any(i.has_value for i in items):
        raise DefinitionError("form", "the form asks nothing (only headings)")
    open_from = _datetime("form", data, "open_from")
    open_until = _datetime("form", data, "open_until")
    if open_from is not None and open_until is not None and open_until <= open_from:
        raise DefinitionError("form", '"open_until" must be after "open_from"')
    max_answers = _int("form", data, "max_answers", 1, 1_000_000)
    return FormDefinition(
        title=title, items=tuple(items),
        description=_text("form", data, "description", MAX_DESCRIPTION_CHARS, multiline=True),
        one_answer_per_friend=_bool("form", data, "one_answer_per_friend"),
        may_edit_last_answer=_bool("form", data, "may_edit_last_answer"),
        max_answers=max_answers, open_from=open_from, open_until=open_until,
        thank_you=_text("form", data, "thank_you", MAX_THANK_YOU_CHARS, multiline=True),
        tags_on_answer=_tags("form", data, "tags_on_answer"),
        line_thank_you=_text("form", data, "line_thank_you", MAX_LINE_THANK_YOU_CHARS,
                             multiline=True),
    )


def _parse_item(n: int, raw: Any) -> Item:
    if not isinstance(raw, dict):
        raise DefinitionError(f"item {n}", "an item is a JSON object")
    key = raw.get("key")
    if not isinstance(key, str) or not _KEY.match(key) or len(key) > MAX_KEY_CHARS:
        raise DefinitionError(f"item {n}", '"key" must be 1-40 ASCII letters, digits, "_" '
                              'or "-", starting with a letter (e.g. "phone")')
    where = _where(n, key)
    kind = raw.get("type")
    if kind not in ITEM_TYPES:
        raise DefinitionError(where, f'"type" must be one of {", ".join(ITEM_TYPES)}')
    _no_unknown(where, raw, _COMMON_KEYS | _TYPE_KEYS[kind])
    label = _text(where, raw, "label", MAX_LABEL_CHARS, required=True)
    common: dict[str, Any] = dict(
        key=key, type=kind, label=label,
        help=_text(where, raw, "help", MAX_HELP_CHARS, multiline=True),
        required=_bool(where, raw, "required"), hidden=_bool(where, raw, "hidden"),
        overwrite=_bool(where, raw, "overwrite"))
    to = raw.get("to")
    if to is not None:
        to = _destination(where, kind, to)
    common["to"] = to
    extra: dict[str, Any] = {}
    if kind in ("text", "long_text"):
        ceiling = TEXT_CEILING if kind == "text" else LONG_TEXT_CEILING
        extra["min_length"] = _int(where, raw, "min_length", 1, ceiling)
        extra["max_length"] = _int(where, raw, "max_length", 1, ceiling) or (
            TEXT_DEFAULT_MAX if kind == "text" else LONG_TEXT_DEFAULT_MAX)
        if extra["min_length"] is not None and extra["min_length"] > extra["max_length"]:
            raise DefinitionError(where, '"min_length" is more than "max_length"')
    elif kind == "number":
        extra["min"] = _number(where, raw, "min")
        extra["max"] = _number(where, raw, "max")
        extra["integer"] = _bool(where, raw, "integer")
        if extra["min"] is not None and extra["max"] is not None and extra["min"] > extra["max"]:
            raise DefinitionError(where, '"min" is more than "max"')
    elif kind == "date":
        extra["min_date"] = _date_prop(where, raw, "min")
        extra["max_date"] = _date_prop(where, raw, "max")
        if (extra["min_date"] and extra["max_date"]
                and extra["min_date"] > extra["max_date"]):
            raise DefinitionError(where, '"min" is after "max"')
    elif kind == "choice":
        extra.update(_choice_props(where, raw))
    elif kind == "name":
        extra["furigana"] = _bool(where, raw, "furigana")
    elif kind == "consent":
        link = raw.get("link")
        if link is not None and (not isinstance(link, str) or not re.match(
                r"^https://[^\s<>\"']+$", link) or len(link) > 500):
            raise DefinitionError(where, '"link" must be an https:// address')
        extra["link"] = link
    elif kind == "file":
        accept = raw.get("accept", ["photo", "pdf"])
        if (not isinstance(accept, list) or not accept
                or any(a not in FILE_KINDS for a in accept) or len(set(accept)) != len(accept)):
            raise DefinitionError(where, '"accept" must list "photo" and/or "pdf"')
        extra["accept"] = tuple(accept)
        extra["max_files"] = _int(where, raw, "max_files", 1, FILE_MAX_COUNT) or 1
        extra["max_bytes"] = _int(where, raw, "max_bytes", 1, FILE_MAX_BYTES) or FILE_MAX_BYTES
    if kind == "heading" and (common["required"] or common["hidden"] or to is not None):
        raise DefinitionError(where, 'a heading takes no answer (no required, hidden or "to")')
    item = Item(**common, **extra)
    default = raw.get("default")
    if default is not None:
        if kind not in _DEFAULT_TYPES:
            raise DefinitionError(where, f'a {kind} item takes no "default"')
        default = _check_default(where, item, default)
    if item.hidden and default is None:
        raise DefinitionError(where, 'a hidden item needs a "default" (the value it sends)')
    if item.hidden and item.type in ("file", "consent"):
        raise DefinitionError(where, f"a {kind} item cannot be hidden")
    return Item(**{**item.__dict__, "default": default})


def _choice_props(where: str, raw: Mapping[str, Any]) -> dict[str, Any]:
    choices_raw = raw.get("choices")
    if not isinstance(choices_raw, list) or not choices_raw:
        raise DefinitionError(where, '"choices" must be a list with at least one choice')
    if len(choices_raw) > MAX_CHOICES:
        raise DefinitionError(where, f"at most {MAX_CHOICES} choices")
    choices: list[Choice] = []
    for m, c in enumerate(choices_raw, start=1):
        cwhere = f"{where}, choice {m}"
        if isinstance(c, str):
            c = {"label": c}
        if not isinstance(c, dict):
            raise DefinitionError(cwhere, 'a choice is a text or {"label": …, "tags": […]}')
        _no_unknown(cwhere, c, frozenset({"label", "tags", "remove_tags"}))
        label = _text(cwhere, c, "label", MAX_LABEL_CHARS, required=True)
        if any(x.label == label for x in choices):
            raise DefinitionError(cwhere, f'the label "{label}" is used twice')
        choices.append(Choice(label, _tags(cwhere, c, "tags"), _tags(cwhere, c, "remove_tags")))
    multiple = _bool(where, raw, "multiple")
    display = raw.get("display", "radio")
    if display not in ("radio", "dropdown"):
        raise DefinitionError(where, '"display" must be "radio" or "dropdown"')
    if multiple and display != "radio":
        raise DefinitionError(where, 'a multiple choice is shown as check boxes; leave out '
                              '"display"')
    min_choices = _int(where, raw, "min_choices", 1, len(choices))
    max_choices = _int(where, raw, "max_choices", 1, len(choices))
    if not multiple and (min_choices is not None or max_choices is not None):
        raise DefinitionError(where, '"min_choices"/"max_choices" need "multiple": true')
    if min_choices is not None and max_choices is not None and min_choices > max_choices:
        raise DefinitionError(where, '"min_choices" is more than "max_choices"')
    return {"choices": tuple(choices), "multiple": multiple, "display": display,
            "min_choices": min_choices, "max_choices": max_choices}


def _destination(where: str, kind: str, to: Any) -> str:
    if not isinstance(to, str):
        raise DefinitionError(where, '"to" must be a text such as "phone" or "field:NAME"')
    if to.startswith(FIELD_PREFIX):
        name = to[len(FIELD_PREFIX):].strip()
        if not name or len(name) > 100 or _has_control(name):
            raise DefinitionError(where, '"to": "field:NAME" needs the custom field\'s name')
        if kind not in FIELD_ITEM_TYPES:
            raise DefinitionError(where, f"a {kind} item cannot fill a custom field")
        return FIELD_PREFIX + name
    allowed = DESTINATION_TYPES.get(to)
    if allowed is None:
        raise DefinitionError(where, f'"to" must be one of {", ".join(DESTINATIONS)}, '
                              '"field:NAME", or left out')
    if kind not in allowed:
        raise DefinitionError(where, f'a {kind} item cannot fill "{to}" (it takes '
                              f'{" or ".join(sorted(allowed))} items)')
    return to


def _check_default(where: str, item: Item, default: Any) -> Any:
    """A default must itself be a valid answer to the item."""
    if item.type == "consent":
        if not isinstance(default, bool):
            raise DefinitionError(where, '"default" of a consent item is true or false')
        return default
    if item.type == "choice" and item.multiple:
        values = default if isinstance(default, list) else [default]
    else:
        values = [default]
    if not all(isinstance(v, str | int | float) and not isinstance(v, bool) for v in values):
        raise DefinitionError(where, '"default" has the wrong type')
    problem, value = _clean_item(item.__class__(**{**item.__dict__, "required": False,
                                                   "hidden": False}),
                                 {item.key: [_default_text(v) for v in values]}, {},
                                 dt.date.max)
    if problem is not None:
        raise DefinitionError(where, f'"default" is not a valid answer ({problem.code})')
    return value


def _default_text(value: Any) -> str:
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value)


def _where(n: int, key: str) -> str:
    return f'item {n} ("{key}")'


def _no_unknown(where: str, data: Mapping[str, Any], allowed: frozenset[str]) -> None:
    unknown = sorted(k for k in data if k not in allowed)
    if unknown:
        raise DefinitionError(where, f'unknown property "{unknown[0]}"')


def _text(where: str, data: Mapping[str, Any], name: str, limit: int, *,
          required: bool = False, multiline: bool = False) -> str:
    value = data.get(name)
    if value is None:
        if required:
            raise DefinitionError(where, f'"{name}" is required')
        return ""
    if not isinstance(value, str):
        raise DefinitionError(where, f'"{name}" must be a text')
    value = value.strip()
    if required and not value:
        raise DefinitionError(where, f'"{name}" is empty')
    if len(value) > limit:
        raise DefinitionError(where, f'"{name}" is longer than {limit:,} characters')
    if _has_control(value, allow_newlines=multiline):
        raise DefinitionError(where, f'"{name}" holds control characters')
    return value


def _bool(where: str, data: Mapping[str, Any], name: str) -> bool:
    value = data.get(name, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise DefinitionError(where, f'"{name}" must be true or false')
    return value


def _int(where: str, data: Mapping[str, Any], name: str, low: int, high: int) -> int | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise DefinitionError(where, f'"{name}" must be a whole number from {low:,} to '
                              f'{high:,}')
    return value


def _number(where: str, data: Mapping[str, Any], name: str) -> float | None:
    value = data.get(name)
    if value is None:
        return None
    if (not isinstance(value, int | float) or isinstance(value, bool)
            or not math.isfinite(value) or abs(value) >= 10 ** NUMBER_MAX_DIGITS):
        raise DefinitionError(where, f'"{name}" must be a number')
    return value


def _date_prop(where: str, data: Mapping[str, Any], name: str) -> dt.date | None:
    value = data.get(name)
    if value is None:
        return None
    parsed = _parse_date(value) if isinstance(value, str) else None
    if parsed is None:
        raise DefinitionError(where, f'"{name}" must be a date such as "2026-12-01"')
    return parsed


def _datetime(where: str, data: Mapping[str, Any], name: str) -> dt.datetime | None:
    """ISO 8601 date or date-time; without an offset it is Japan time."""
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, str):
        day = _parse_date(value)
        if day is not None:
            return dt.datetime.combine(day, dt.time(), JST)
        try:
            parsed = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            parsed = None
        if parsed is not None:
            return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=JST)
    raise DefinitionError(where, f'"{name}" must be a date or time such as '
                          '"2026-12-01" or "2026-12-01T10:00+09:00"')


def _tags(where: str, data: Mapping[str, Any], name: str) -> tuple[str, ...]:
    value = data.get(name)
    if value is None:
        return ()
    if not isinstance(value, list) or len(value) > MAX_TAGS:
        raise DefinitionError(where, f'"{name}" must be a list of at most {MAX_TAGS} tag '
                              'names')
    tags: list[str] = []
    for tag in value:
        if (not isinstance(tag, str) or not tag.strip() or len(tag.strip()) > MAX_TAG_CHARS
                or _has_control(tag)):
            raise DefinitionError(where, f'"{name}" holds an empty or invalid tag name')
        if tag.strip() not in tags:
            tags.append(tag.strip())
    return tuple(tags)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _short(exc: BaseException) -> str:
    return str(exc)[:120]


def _num_json(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _date_json(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


# --- answers ------------------------------------------------------------------------------

@dataclass(frozen=True)
class FileRef:
    """An uploaded file as the relay checked it (type from its bytes, size, hash)."""

    file_id: str        # 32 lowercase hex digits, the sealed file item's id
    name: str           # the file's name as the phone sent it (shown, never trusted)
    content_type: str   # from the bytes: image/jpeg, image/png, application/pdf
    size: int
    sha256: str

    def to_json(self) -> dict[str, Any]:
        return {"file_id": self.file_id, "name": self.name,
                "content_type": self.content_type, "size": self.size, "sha256": self.sha256}

    @classmethod
    def from_json(cls, data: Any) -> FileRef | None:
        """A file reference from a sealed answer, or None when it is not one."""
        if not isinstance(data, dict):
            return None
        fid, name, ctype = data.get("file_id"), data.get("name"), data.get("content_type")
        size, digest = data.get("size"), data.get("sha256")
        if not (isinstance(fid, str) and _FILE_ID.match(fid) and isinstance(name, str)
                and len(name) <= 255 and isinstance(ctype, str) and len(ctype) <= 100
                and isinstance(size, int) and not isinstance(size, bool) and size >= 0
                and isinstance(digest, str) and _HEX64.match(digest)):
            return None
        return cls(fid, name, ctype, size, digest)


@dataclass(frozen=True)
class Problem:
    """Why one answer was refused: a stable ``code`` and the sentence the friend reads."""

    code: str
    message: str


@dataclass
class ValidatedAnswer:
    """Clean values by item key (unanswered optional items are left out), or problems.

    ``problems`` maps an item key to its problem; problems not about one item (a key the
    form does not have) are under ``""``. ``ok`` is true when there are none.
    """

    values: dict[str, Any] = field(default_factory=dict)
    problems: dict[str, Problem] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


# Japanese, as the friend reads them next to the item.
def _p(code: str, message: str) -> Problem:
    return Problem(code, message)


REQUIRED = _p("required", "必須項目です。")
NOT_A_NUMBER = _p("not_a_number", "数字で入力してください。")
NOT_WHOLE = _p("not_whole", "整数で入力してください。")
NOT_A_DATE = _p("not_a_date", "日付を「2026-12-01」の形で入力してください。")
BAD_PHONE = _p("bad_phone", "電話番号を数字で入力してください（例: 090-1234-5678）。")
BAD_EMAIL = _p("bad_email", "メールアドレスの形式が正しくありません（例: name@example.jp）。")
BAD_POSTAL = _p("bad_postal", "郵便番号は7桁の数字で入力してください（例: 150-0001）。")
NOT_A_CHOICE = _p("not_a_choice", "選択肢から選んでください。")
ONE_VALUE = _p("one_value", "この項目に送れる値は1つです。ページを開き直してください。")
BAD_CHARS = _p("bad_chars", "使えない文字が含まれています。")
NO_NEWLINE = _p("no_newline", "改行は入れられません。")
HIDDEN_CHANGED = _p("hidden_changed",
                    "ページの内容が変わっています。ページを開き直してからもう一度送信してください。")
UNKNOWN_FIELD = _p("unknown_field",
                   "このフォームにない項目が送られました。ページを開き直してください。")
CONSENT_NEEDED = _p("consent_needed", "同意いただけない場合は送信できません。")
BAD_BIRTHDAY = _p("bad_birthday", "生年月日は1900年1月1日から今日までの日付で入力してください。")
BAD_FILE = _p("bad_file", "ファイルを受け取れませんでした。もう一度選んでください。")
#: A raw value longer than this is refused before it is looked at (100,000-character posts).
MAX_RAW_CHARS = LONG_TEXT_CEILING


def input_names(item: Item) -> tuple[str, ...]:
    """The names of the HTML inputs an item posts (the relay's page uses exactly these).

    Most items post their ``key``; a name with furigana also ``key.furigana``; an address
    ``key.postal_code`` (the postal code) and ``key`` (the rest of the address). A file
    item's files come separately, as :class:`FileRef` under the item's key.
    """
    if item.type == "heading":
        return ()
    if item.type == "name" and item.furigana:
        return (item.key, f"{item.key}.furigana")
    if item.type == "address":
        return (f"{item.key}.postal_code", item.key)
    return (item.key,)


def validate_answer(definition: FormDefinition, fields: object,
                    files: object = None, *,
                    today: dt.date | None = None) -> ValidatedAnswer:
    """Check a posted answer against ``definition``; never raises for any input.

    ``fields``: each input name with its values as posted (strings). Names the form does
    not have are refused (the relay removes its own, such as the CSRF token, first).
    ``files``: the uploads per file item. ``today`` (Japan's date by default) bounds
    birthdays. Both are typed ``object``: whatever was posted is checked here.
    """
    files = files or {}
    today = today or dt.datetime.now(JST).date()
    result = ValidatedAnswer()
    known: set[str] = set()
    for item in definition.items:
        known.update(input_names(item))
    file_keys = {i.key for i in definition.items if i.type == "file"}
    if not isinstance(fields, Mapping) or not isinstance(files, Mapping):
        result.problems[""] = UNKNOWN_FIELD
        return result
    if any(not isinstance(k, str) or k not in known or k in file_keys for k in fields) \
            or any(k not in file_keys for k in files):
        result.problems[""] = UNKNOWN_FIELD
    for item in definition.items:
        if not item.has_value:
            continue
        problem, value = _clean_item(item, fields, files, today)
        if problem is not None:
            result.problems[item.key] = problem
        elif value is not None:
            result.values[item.key] = value
    return result


def _clean_item(item: Item, fields: Mapping[str, Sequence[str]],
                files: Mapping[str, Sequence[FileRef]],
                today: dt.date) -> tuple[Problem | None, Any]:
    if item.type == "file":
        return _clean_files(item, files.get(item.key, ()))
    raw: dict[str, str | None] = {}
    for name in input_names(item):
        values = fields.get(name, ())
        if isinstance(values, str) or not isinstance(values, Sequence):
            return ONE_VALUE, None
        if not all(isinstance(v, str) for v in values):
            return ONE_VALUE, None
        if any(len(v) > MAX_RAW_CHARS for v in values):
            return _too_long(item), None
        if any(_has_bad_chars(v) for v in values):
            return BAD_CHARS, None
        if item.type == "choice" and item.multiple and name == item.key:
            raw[name] = "\x00".join(values) if values else None  # unpacked below
            continue
        if len(values) > 1:
            return ONE_VALUE, None
        raw[name] = values[0] if values else None
    if item.hidden:
        expected = item.default
        posted = raw.get(item.key)
        if posted is None or (_default_text(expected) != posted and not (
                isinstance(expected, list) and posted == "\x00".join(expected))):
            return HIDDEN_CHANGED, None
        return None, expected
    main = raw.get(item.key)
    if item.type == "choice" and item.multiple:
        chosen = [] if main is None else [v for v in main.split("\x00") if v != ""]
        return _clean_multi(item, chosen)
    if item.type == "address":
        return _clean_address(item, raw.get(f"{item.key}.postal_code"), main)
    if item.type == "name":
        return _clean_name(item, main, raw.get(f"{item.key}.furigana"))
    if item.type == "consent":
        if main is None or main.strip() == "":
            return (CONSENT_NEEDED, None) if item.required else (None, None)
        return None, True
    text = "" if main is None else main.strip()
    if text == "":
        return (REQUIRED, None) if item.required else (None, None)
    cleaner = _CLEANERS[item.type]
    return cleaner(item, text, today)


def _too_long(item: Item) -> Problem:
    if item.type in ("text", "long_text") and item.max_length is not None:
        return _p("too_long", f"{item.max_length:,}文字以内で入力してください。")
    return _p("too_long", "入力が長すぎます。")


def _has_control(text: str, *, allow_newlines: bool = False) -> bool:
    for ch in text:
        if allow_newlines and ch in "\n\r\t":
            continue
        if unicodedata.category(ch) in ("Cc", "Cs"):
            return True
    return False


def _has_bad_chars(text: str) -> bool:
    """Control characters other than line ends and tabs, lone surrogates, NUL."""
    return _has_control(text, allow_newlines=True)


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _clean_text(item: Item, text: str, today: dt.date) -> tuple[Problem | None, Any]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if item.type == "text" and "\n" in text:
        return NO_NEWLINE, None
    if item.max_length is not None and len(text) > item.max_length:
        return _p("too_long", f"{item.max_length:,}文字以内で入力してください。"), None
    if item.min_length is not None and len(text) < item.min_length:
        return _p("too_short", f"{item.min_length:,}文字以上で入力してください。"), None
    return None, text


def _clean_number(item: Item, text: str, today: dt.date) -> tuple[Problem | None, Any]:
    text = _nfkc(text).replace(",", "").replace(" ", "")
    m = _NUMBER.match(text)
    if m is None or len(m[1]) + len(m[2] or "") > NUMBER_MAX_DIGITS:
        return NOT_A_NUMBER, None
    if m[2] is not None and int(m[2]) != 0:
        if item.integer:
            return NOT_WHOLE, None
        value: float | int = float(text)
    else:
        value = int(text.split(".")[0])
    if item.min is not None and value < item.min:
        return _range(item), None
    if item.max is not None and value > item.max:
        return _range(item), None
    return None, value


def _range(item: Item) -> Problem:
    low, high = _num_json(item.min), _num_json(item.max)
    if low is not None and high is not None:
        return _p("out_of_range", f"{low}から{high}までの数で入力してください。")
    if low is not None:
        return _p("out_of_range", f"{low}以上の数で入力してください。")
    return _p("out_of_range", f"{high}以下の数で入力してください。")


def _parse_date(text: str) -> dt.date | None:
    m = _DATE.match(_nfkc(text))
    if m is None:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _clean_date(item: Item, text: str, today: dt.date) -> tuple[Problem | None, Any]:
    day = _parse_date(text)
    if day is None:
        return NOT_A_DATE, None
    if item.min_date is not None and day < item.min_date:
        return _p("out_of_range", f"{_ja_date(item.min_date)}以降の日付を入力してください。"), None
    if item.max_date is not None and day > item.max_date:
        return _p("out_of_range", f"{_ja_date(item.max_date)}までの日付を入力してください。"), None
    return None, day.isoformat()


def _ja_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"  # strftime's %-m is not on Windows


def _clean_birthday(item: Item, text: str, today: dt.date) -> tuple[Problem | None, Any]:
    day = _parse_date(text)
    if day is None:
        return NOT_A_DATE, None
    if not EARLIEST_BIRTHDAY <= day <= today:
        return BAD_BIRTHDAY, None
    return None, day.isoformat()


def _clean_phone(item: Item, text: str, today: dt.date) -> tuple[Problem | None, Any]:
    text = _nfkc(text).replace("ー", "-").replace("−", "-")
    if not re.fullmatch(r"\+?[0-9()\- ]+", text) or "+" in text[1:]:
        return BAD_PHONE, None
    digits = re.sub(r"\D", "", text)
    if text.startswith("+"):
        if not 8 <= len(digits) <= 15:
            return BAD_PHONE, None
    elif not (digits.startswith("0") and 10 <= len(digits) <= 11):
        return BAD_PHONE, None
    return None, text


def _clean_email(item: Item, text: str, today: dt.date) -> tuple[Problem | None, Any]:
    text = _nfkc(text)
    if len(text) > EMAIL_MAX or not _EMAIL.match(text):
        return BAD_EMAIL, None
    return None, text


def _clean_choice(item: Item, text: str, today: dt.date) -> tuple[Problem | None, Any]:
    if item.choice(text) is None:
        return NOT_A_CHOICE, None
    return None, text


def _clean_multi(item: Item, chosen: list[str]) -> tuple[Problem | None, Any]:
    if not chosen:
        return (REQUIRED, None) if item.required else (None, None)
    if len(set(chosen)) != len(chosen) or any(item.choice(c) is None for c in chosen):
        return NOT_A_CHOICE, None
    if item.min_choices is not None and len(chosen) < item.min_choices:
        return _p("too_few", f"{item.min_choices}個以上選んでください。"), None
    if item.max_choices is not None and len(chosen) > item.max_choices:
        return _p("too_many", f"{item.max_choices}個まで選んでください。"), None
    return None, [c.label for c in item.choices if c.label in chosen]


def _clean_name(item: Item, name: str | None,
                furigana: str | None) -> tuple[Problem | None, Any]:
    name = (name or "").strip()
    kana = (furigana or "").strip()
    if not name:
        return (REQUIRED, None) if item.required or kana else (None, None)
    for text in (name, kana):
        if "\n" in text or "\r" in text:
            return NO_NEWLINE, None
        if len(text) > NAME_MAX:
            return _p("too_long", f"{NAME_MAX}文字以内で入力してください。"), None
    return None, {"name": name, "furigana": kana}


def _clean_address(item: Item, postal: str | None,
                   address: str | None) -> tuple[Problem | None, Any]:
    postal = _nfkc(postal or "").replace("〒", "").strip()
    address = (address or "").strip()
    if not postal and not address:
        return (REQUIRED, None) if item.required else (None, None)
    code = ""
    if postal:
        digits = re.sub(r"[-ー−\s]", "", postal)
        if not re.fullmatch(r"\d{7}", digits):
            return BAD_POSTAL, None
        code = f"{digits[:3]}-{digits[3:]}"
    elif item.required:
        return BAD_POSTAL, None
    if item.required and not address:
        return REQUIRED, None
    if "\n" in address or "\r" in address:
        return NO_NEWLINE, None
    if len(address) > ADDRESS_MAX:
        return _p("too_long", f"{ADDRESS_MAX}文字以内で入力してください。"), None
    return None, {"postal_code": code, "address": address}


def _clean_files(item: Item, refs: object) -> tuple[Problem | None, Any]:
    if isinstance(refs, str | bytes) or not isinstance(refs, Sequence):
        return BAD_FILE, None
    if not refs:
        return (REQUIRED, None) if item.required else (None, None)
    if len(refs) > item.max_files:
        return _p("too_many_files", f"ファイルは{item.max_files}個まで送れます。"), None
    allowed = {t for kind in item.accept for t in FILE_KINDS[kind]}
    for ref in refs:
        if not isinstance(ref, FileRef):
            return BAD_FILE, None
        if ref.content_type not in allowed:
            what = "・".join({"photo": "写真（JPEG・PNG）", "pdf": "PDF"}[k] for k in item.accept)
            return _p("wrong_file_type", f"{what}を選んでください。"), None
        if not 0 < ref.size <= item.max_bytes:
            return _p("file_too_large",
                      f"ファイルが大きすぎます（{item.max_bytes / 1_000_000:g}MBまで）。"), None
    if len({r.file_id for r in refs}) != len(refs):
        return BAD_FILE, None
    return None, [r.to_json() for r in refs]


_CLEANERS = {
    "text": _clean_text, "long_text": _clean_text, "number": _clean_number,
    "date": _clean_date, "birthday": _clean_birthday, "phone": _clean_phone,
    "email": _clean_email, "choice": _clean_choice,
}
