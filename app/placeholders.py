"""Placeholders in message texts: ``{名前}様、ご予約ありがとうございます`` for each customer.

Shared by the inbox composer's templates (:mod:`app.templates`) and the broadcast engine,
which renders one text for thousands of customers (:func:`load_values` reads them in bulk)
and sends a text without per-customer placeholders by multicast (:func:`is_personal`).

What the owner can write (braces half- or full-width, ``{}`` or ``｛｝``, since a Japanese
IME types the full-width ones; names compared after NFKC, so ``field：`` works too):

=========================================  ================================================
``{名前}`` ``{お名前}`` ``{name}``          氏名 when the owner filled it in, else the LINE
                                           display name (a typed name is the one the shop
                                           knows the customer by; the display name is what
                                           the customer chose to show, e.g. "はなこ🌸")
``{氏名}`` ``{full_name}``                  氏名 only
``{ふりがな}`` ``{フリガナ}`` ``{furigana}``  ふりがな
``{表示名}`` ``{LINE名}`` ``{display_name}``  the LINE display name only
``{項目:<field name>}``                    a custom field's value as the book shows it
``{field:<field name>}``                   (both forms, for good: templates and broadcasts
                                           stored before ``項目:`` existed say ``field:``)
=========================================  ================================================

What Otokui itself inserts (the composers' menus) is the Japanese form, :func:`field_placeholder`.

Anything else in braces is not a placeholder Otokui knows: it is left in the text exactly
as written and reported in :attr:`Rendered.unknown`, so the composer can warn before it
goes out. A known placeholder with no value for this customer becomes empty and is
reported in :attr:`Rendered.empty` ("{氏名}様" for a customer without a name would read
"様").
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import fields as fieldmod
from app.store.models import Customer, CustomField, FieldValue

#: One placeholder: braces (either width) around 1-80 characters without braces or breaks.
PLACEHOLDER_RE = re.compile(r"[{｛]([^{}｛｝\r\n]{1,80})[}｝]")
FIELD_PREFIX = "field:"
#: The Japanese form of :data:`FIELD_PREFIX` (compared after NFKC: ``項目：`` works too).
FIELD_PREFIX_JA = "項目:"
FIELD_PREFIXES = (FIELD_PREFIX, FIELD_PREFIX_JA)


class Kind(StrEnum):
    NAME = "name"                  # 氏名, else the display name
    FULL_NAME = "full_name"        # 氏名
    FURIGANA = "furigana"
    DISPLAY_NAME = "display_name"  # LINE display name
    FIELD = "field"                # a custom field, by name
    UNKNOWN = "unknown"


_ALIASES: dict[str, Kind] = {
    "名前": Kind.NAME, "お名前": Kind.NAME, "name": Kind.NAME,
    "氏名": Kind.FULL_NAME, "full_name": Kind.FULL_NAME,
    "ふりがな": Kind.FURIGANA, "フリガナ": Kind.FURIGANA, "furigana": Kind.FURIGANA,
    "表示名": Kind.DISPLAY_NAME, "line名": Kind.DISPLAY_NAME,
    "display_name": Kind.DISPLAY_NAME,
}


def _norm(name: str) -> str:
    """NFKC (full-width letters, colon and spaces become plain), trimmed; ASCII lower-cased."""
    value = unicodedata.normalize("NFKC", name).strip()
    # "LINE名" must match "line名": lower-case only ASCII letters (str.lower() is Unicode-wide).
    return "".join(ch.lower() if ch.isascii() else ch for ch in value)


@dataclass(frozen=True)
class Placeholder:
    raw: str            # as written, braces included: "{field：会員番号}"
    kind: Kind
    field_name: str = ""  # for Kind.FIELD: the field's name as written (trimmed, NFKC)
    start: int = 0
    end: int = 0


def find(text: str) -> list[Placeholder]:
    """Every brace pair in ``text`` that could be a placeholder, known or not, in order."""
    out: list[Placeholder] = []
    for m in PLACEHOLDER_RE.finditer(text):
        key = _norm(m.group(1))
        prefix = next((p for p in FIELD_PREFIXES if key.startswith(p)), None)
        if prefix is not None:
            name = unicodedata.normalize("NFKC", m.group(1)).strip()[len(prefix):].strip()
            kind = Kind.FIELD if name else Kind.UNKNOWN
            out.append(Placeholder(m.group(0), kind, name, m.start(), m.end()))
        else:
            out.append(Placeholder(m.group(0), _ALIASES.get(key, Kind.UNKNOWN), "",
                                   m.start(), m.end()))
    return out


def field_placeholder(field_name: str) -> str:
    """The placeholder the composers insert for a custom field: ``{項目:来店回数}``."""
    return "{" + FIELD_PREFIX_JA + field_name + "}"


def _field_key(name: str) -> str:
    return unicodedata.normalize("NFKC", name).strip()


def unknown_in(text: str, field_names: Iterable[str]) -> list[str]:
    """Placeholders the book cannot fill (for the template editor, before any customer)."""
    known = {_field_key(n) for n in field_names}
    return [p.raw for p in find(text)
            if p.kind is Kind.UNKNOWN or (p.kind is Kind.FIELD
                                          and _field_key(p.field_name) not in known)]


def is_personal(text: str) -> bool:
    """True when the text says something different to each customer (a known placeholder).

    The broadcast engine sends a text that is not personal to everyone by multicast; an
    unknown placeholder is printed as written, the same for everyone.
    """
    return any(p.kind is not Kind.UNKNOWN for p in find(text))


@dataclass(frozen=True)
class CustomerValues:
    """What placeholders read for one customer; ``fields`` by field name, as display text."""

    display_name: str = ""
    name: str = ""
    furigana: str = ""
    fields: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Rendered:
    text: str
    #: Placeholders Otokui does not know (left in the text as written).
    unknown: tuple[str, ...] = ()
    #: Known placeholders with no value for this customer (rendered as nothing).
    empty: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return not self.unknown and not self.empty


def render(text: str, values: CustomerValues) -> Rendered:
    """``text`` with every known placeholder replaced by this customer's value."""
    fields_by_key = {_field_key(k): v for k, v in values.fields.items()}
    unknown: list[str] = []
    empty: list[str] = []
    parts: list[str] = []
    pos = 0
    for p in find(text):
        parts.append(text[pos:p.start])
        pos = p.end
        if p.kind is Kind.NAME:
            value = values.name.strip() or values.display_name.strip()
        elif p.kind is Kind.FULL_NAME:
            value = values.name.strip()
        elif p.kind is Kind.FURIGANA:
            value = values.furigana.strip()
        elif p.kind is Kind.DISPLAY_NAME:
            value = values.display_name.strip()
        elif p.kind is Kind.FIELD and _field_key(p.field_name) in fields_by_key:
            value = fields_by_key[_field_key(p.field_name)]
        else:
            unknown.append(p.raw)
            parts.append(p.raw)
            continue
        if not value:
            empty.append(p.raw)
        parts.append(value)
    parts.append(text[pos:])
    return Rendered("".join(parts), tuple(dict.fromkeys(unknown)), tuple(dict.fromkeys(empty)))


@functools.lru_cache(maxsize=256)
def reads_fields(text: str) -> bool:
    """Whether ``text`` has a custom field's placeholder (else only the customer's names
    are read: :func:`load_values` with ``fields=False`` fills it the same)."""
    return any(p.kind is Kind.FIELD for p in find(text))


def load_values(s: Session, customer_ids: Iterable[int], *, fields: bool = True
                ) -> dict[int, CustomerValues]:
    """Placeholder values for many customers at once (500 per query), inside a session.

    Every custom field known to the book gets an entry (empty text when the customer has
    no value), so a field placeholder is "empty" rather than "unknown" for them.
    ``fields=False``: the names only (for a text that :func:`reads_fields` says needs no
    more: two queries fewer).
    """
    ids = [int(i) for i in customer_ids]
    defs = {f.id: f for f in s.scalars(select(CustomField))
            if fieldmod.FieldType(f.type) not in fieldmod.ATTACHMENT_TYPES} if fields else {}
    out: dict[int, CustomerValues] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        texts: dict[int, dict[str, str]] = {cid: {f.name: "" for f in defs.values()}
                                            for cid in chunk}
        for row in s.scalars(select(FieldValue).where(
                FieldValue.customer_id.in_(chunk), FieldValue.field_id.in_(list(defs)))
                ) if defs else ():
            f = defs[row.field_id]
            texts[row.customer_id][f.name] = fieldmod.display(f, fieldmod.from_row(f, row))
        for cid, display_name, name, furigana in s.execute(
                select(Customer.id, Customer.display_name, Customer.name, Customer.furigana)
                .where(Customer.id.in_(chunk))):
            out[cid] = CustomerValues(display_name=display_name or "", name=name or "",
                                      furigana=furigana or "", fields=texts[cid])
    return out
