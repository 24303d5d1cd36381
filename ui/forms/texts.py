"""Words of the forms screens: item types, destinations, states, answer statuses, and the
definition checks of :mod:`relay.forms.schema` (English there) in the owner's language."""

from __future__ import annotations

import datetime as dt
import re

from PySide6.QtCore import QCoreApplication

from app.forms.service import FormInfo
from relay.forms.schema import JST


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Marks ``text`` for lupdate (which reads calls by this name) and returns it as it is:
    PySide6's own is typed to return ``object``; app.i18n's would record these window
    texts among the core's."""
    return text


_CTX = "FormTexts"


def tr(text: str) -> str:
    return QCoreApplication.translate(_CTX, text)


_TYPES = {
    "heading": QT_TRANSLATE_NOOP("FormTexts", "Heading and text"),
    "text": QT_TRANSLATE_NOOP("FormTexts", "Short text"),
    "long_text": QT_TRANSLATE_NOOP("FormTexts", "Long text"),
    "number": QT_TRANSLATE_NOOP("FormTexts", "Number"),
    "choice": QT_TRANSLATE_NOOP("FormTexts", "Choice"),
    "date": QT_TRANSLATE_NOOP("FormTexts", "Date"),
    "name": QT_TRANSLATE_NOOP("FormTexts", "Name"),
    "phone": QT_TRANSLATE_NOOP("FormTexts", "Phone"),
    "email": QT_TRANSLATE_NOOP("FormTexts", "E-mail"),
    "address": QT_TRANSLATE_NOOP("FormTexts", "Postal code and address"),
    "birthday": QT_TRANSLATE_NOOP("FormTexts", "Birthday"),
    "consent": QT_TRANSLATE_NOOP("FormTexts", "Consent"),
    "file": QT_TRANSLATE_NOOP("FormTexts", "Photo or PDF"),
}
_DESTINATIONS = {
    "name": QT_TRANSLATE_NOOP("FormTexts", "Name"),
    "furigana": QT_TRANSLATE_NOOP("FormTexts", "Furigana"),
    "phone": QT_TRANSLATE_NOOP("FormTexts", "Phone"),
    "email": QT_TRANSLATE_NOOP("FormTexts", "E-mail"),
    "birthday": QT_TRANSLATE_NOOP("FormTexts", "Birthday"),
    "address": QT_TRANSLATE_NOOP("FormTexts", "Address"),
    "memo": QT_TRANSLATE_NOOP("FormTexts", "Memo"),
}
_STATUSES = {
    "applied": QT_TRANSLATE_NOOP("FormTexts", "Applied"),
    "pending": QT_TRANSLATE_NOOP("FormTexts", "Waiting for you"),
    "refused": QT_TRANSLATE_NOOP("FormTexts", "Refused"),
    "replaced": QT_TRANSLATE_NOOP("FormTexts", "Replaced"),
}


def type_label(kind: str) -> str:
    return tr(_TYPES[kind]) if kind in _TYPES else kind


def destination_label(to: str) -> str:
    return tr(_DESTINATIONS[to]) if to in _DESTINATIONS else to


def state_label(info: FormInfo, now: dt.datetime | None = None) -> str:
    """下書き (never published), 公開中 (published and open), 締切 (published, closed)."""
    if info.published_version is None:
        return QCoreApplication.translate("FormTexts", "Draft")
    full = info.draft.max_answers is not None and info.answers >= info.draft.max_answers
    if full or not info.draft.is_open(now or dt.datetime.now(JST)):
        return QCoreApplication.translate("FormTexts", "Closed")
    return QCoreApplication.translate("FormTexts", "Published")


def status_label(status: str) -> str:
    return tr(_STATUSES[status]) if status in _STATUSES else status


def unmatched() -> str:
    return QCoreApplication.translate("FormTexts", "Not matched")


# --- the definition's checks, in the owner's words ----------------------------------------
# relay.forms.schema.DefinitionError says where ("form", 'item 3 ("visits")', 'item 3
# ("visits"), choice 2') and what, in English (the CLI prints it). The builder shows the
# what next to the item; these patterns cover what the builder can produce.
_WHAT: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r'^"(\w+)" is required$'),
     QT_TRANSLATE_NOOP("FormTexts", "%1 is required.")),
    (re.compile(r'^"(\w+)" is empty$'),
     QT_TRANSLATE_NOOP("FormTexts", "%1 is empty.")),
    (re.compile(r'^"(\w+)" is longer than ([\d,]+) characters$'),
     QT_TRANSLATE_NOOP("FormTexts", "%1 is longer than %2 characters.")),
    (re.compile(r'^"(\w+)" holds control characters$'),
     QT_TRANSLATE_NOOP("FormTexts", "%1 holds characters that cannot be "
                                                      "shown.")),
    (re.compile(r'^"key" must be 1-40 ASCII letters'),
     QT_TRANSLATE_NOOP("FormTexts", "The key must be 1-40 letters, digits, "
                                                      "_ or -, starting with a letter.")),
    (re.compile(r"^this key is used by another item$"),
     QT_TRANSLATE_NOOP("FormTexts", "This key is used by another item.")),
    (re.compile(r'^"min_length" is more than "max_length"$'),
     QT_TRANSLATE_NOOP("FormTexts", "The shortest length is more than the longest.")),
    (re.compile(r'^"min" is more than "max"$'),
     QT_TRANSLATE_NOOP("FormTexts", "The smallest number is more than the "
                                                "largest.")),
    (re.compile(r'^"min" is after "max"$'),
     QT_TRANSLATE_NOOP("FormTexts", "The earliest date is after the latest.")),
    (re.compile(r'^"link" must be an https:// address$'),
     QT_TRANSLATE_NOOP("FormTexts", "The privacy policy's address must start with https://.")),
    (re.compile(r'^"accept" must list'),
     QT_TRANSLATE_NOOP("FormTexts", "Choose photos, PDF or both.")),
    (re.compile(r"^a heading takes no answer"),
     QT_TRANSLATE_NOOP("FormTexts", "A heading takes no answer.")),
    (re.compile(r'^a (\w+) item takes no "default"$'),
     QT_TRANSLATE_NOOP("FormTexts", "This kind of item takes no default.")),
    (re.compile(r'^a hidden item needs a "default"'),
     QT_TRANSLATE_NOOP("FormTexts", "A hidden item needs a default (the value it sends).")),
    (re.compile(r"^a (\w+) item cannot be hidden$"),
     QT_TRANSLATE_NOOP("FormTexts", "This kind of item cannot be hidden.")),
    (re.compile(r'^"choices" must be a list with at least one choice$'),
     QT_TRANSLATE_NOOP("FormTexts", "Add at least one choice.")),
    (re.compile(r"^at most (\d+) choices$"),
     QT_TRANSLATE_NOOP("FormTexts", "At most %1 choices.")),
    (re.compile(r'^the label "(.*)" is used twice$'),
     QT_TRANSLATE_NOOP("FormTexts", "The choice \u201c%1\u201d is there "
                                                      "twice.")),
    (re.compile(r'^"min_choices" is more than "max_choices"$'),
     QT_TRANSLATE_NOOP("FormTexts", "The fewest choices is more than the most.")),
    (re.compile(r"^a (\w+) item cannot fill a custom field$"),
     QT_TRANSLATE_NOOP("FormTexts", "This kind of item cannot fill a custom field.")),
    (re.compile(r'^a (\w+) item cannot fill "(\w+)"'),
     QT_TRANSLATE_NOOP("FormTexts", "This kind of item cannot fill that customer detail.")),
    (re.compile(r'^"default" is not a valid answer'),
     QT_TRANSLATE_NOOP("FormTexts", "The default is not a valid answer.")),
    (re.compile(r'^"default" has the wrong type$'),
     QT_TRANSLATE_NOOP("FormTexts", "The default is not a valid answer.")),
    (re.compile(r'^"default" of a consent item'),
     QT_TRANSLATE_NOOP("FormTexts", "The default is not a valid answer.")),
    (re.compile(r'^"(\w+)" must be a whole number from ([\d,]+) to ([\d,]+)$'),
     QT_TRANSLATE_NOOP("FormTexts", "%1 must be a whole number from %2 to %3.")),
    (re.compile(r'^"(\w+)" must be a number$'),
     QT_TRANSLATE_NOOP("FormTexts", "%1 must be a number.")),
    (re.compile(r'^"(\w+)" must be a date such as'),
     QT_TRANSLATE_NOOP("FormTexts", "%1 must be a date such as 2026-12-01.")),
    (re.compile(r'^"(\w+)" must be a date or time such as'),
     QT_TRANSLATE_NOOP("FormTexts", "%1 must be a date such as 2026-12-01.")),
    (re.compile(r'^"(\w+)" must be a list of at most (\d+) tag'),
     QT_TRANSLATE_NOOP("FormTexts", "%1: at most %2 tags.")),
    (re.compile(r'^"(\w+)" holds an empty or invalid tag name$'),
     QT_TRANSLATE_NOOP("FormTexts", "%1 holds an empty or invalid tag name.")),
    (re.compile(r'^"open_until" must be after "open_from"$'),
     QT_TRANSLATE_NOOP("FormTexts", "The closing time must be after the opening time.")),
    (re.compile(r"^the form asks nothing \(only headings\)$"),
     QT_TRANSLATE_NOOP("FormTexts", "The form asks nothing: add an item other than a heading.")),
    (re.compile(r'^"items" must be a list with at least one item$'),
     QT_TRANSLATE_NOOP("FormTexts", "Add at least one item.")),
    (re.compile(r"^at most (\d+) items$"),
     QT_TRANSLATE_NOOP("FormTexts", "At most %1 items.")),
]

#: Property names as the owner knows them.
_PROPS = {
    "title": QT_TRANSLATE_NOOP("FormTexts", "Title"),
    "description": QT_TRANSLATE_NOOP("FormTexts", "Description"),
    "label": QT_TRANSLATE_NOOP("FormTexts", "Question"),
    "help": QT_TRANSLATE_NOOP("FormTexts", "Help"),
    "key": QT_TRANSLATE_NOOP("FormTexts", "Key"),
    "min_length": QT_TRANSLATE_NOOP("FormTexts", "Shortest length"),
    "max_length": QT_TRANSLATE_NOOP("FormTexts", "Longest length"),
    "min": QT_TRANSLATE_NOOP("FormTexts", "Smallest"),
    "max": QT_TRANSLATE_NOOP("FormTexts", "Largest"),
    "min_choices": QT_TRANSLATE_NOOP("FormTexts", "Fewest choices"),
    "max_choices": QT_TRANSLATE_NOOP("FormTexts", "Most choices"),
    "max_files": QT_TRANSLATE_NOOP("FormTexts", "Number of files"),
    "max_answers": QT_TRANSLATE_NOOP("FormTexts", "Maximum answers"),
    "thank_you": QT_TRANSLATE_NOOP("FormTexts", "Thank-you text"),
    "tags_on_answer": QT_TRANSLATE_NOOP("FormTexts", "Tags on answer"),
    "tags": QT_TRANSLATE_NOOP("FormTexts", "Tags"),
    "remove_tags": QT_TRANSLATE_NOOP("FormTexts", "Tags removed"),
    "open_from": QT_TRANSLATE_NOOP("FormTexts", "Open from"),
    "open_until": QT_TRANSLATE_NOOP("FormTexts", "Open until"),
    "max_bytes": QT_TRANSLATE_NOOP("FormTexts", "File size"),
}
_WHERE = re.compile(r"^item (\d+)(?: \(\"[^\"]*\"\))?(?:, choice (\d+))?$")



def where_item(where: str) -> int | None:
    """The item's index (0-based) an error is about, or None for the form itself."""
    m = _WHERE.match(where)
    return int(m.group(1)) - 1 if m else None


def explain(where: str, what: str) -> str:
    """One definition check, translated; the English when no pattern knows it."""
    for pattern, text in _WHAT:
        m = pattern.match(what)
        if m is None:
            continue
        out = tr(text)
        for n, group in enumerate(m.groups(), start=1):
            out = out.replace(f"%{n}", tr(_PROPS[group]) if group in _PROPS else group)
        choice = _WHERE.match(where)
        if choice and choice.group(2):
            out = QCoreApplication.translate("FormTexts", "Choice %1: %2").replace(
                "%1", choice.group(2)).replace("%2", out)
        return out
    return what
