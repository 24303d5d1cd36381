"""One vocabulary: a source text means one Japanese text, and glossary terms keep one form.

Reads every .ts catalog and docs/glossary.md (see there for the rules).
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = sorted((ROOT / "resources" / "translations").glob("*.ts"))


@dataclass(frozen=True)
class Entry:
    catalog: str
    context: str
    source: str
    comment: str
    translation: str


@dataclass(frozen=True)
class Term:
    english: str
    japanese: str
    never: tuple[str, ...]
    everywhere: bool


def entries() -> list[Entry]:
    out = []
    for path in CATALOGS:
        # Our own catalogs, not untrusted input.
        for ctx in ET.parse(path).getroot().iter("context"):  # noqa: S314
            name = ctx.findtext("name") or ""
            for m in ctx.iter("message"):
                tr = m.find("translation")
                if tr is None or tr.get("type") in ("vanished", "obsolete"):
                    continue
                forms = tr.findall("numerusform")
                text = "|".join(f.text or "" for f in forms) if forms else (tr.text or "")
                out.append(Entry(path.name, name, m.findtext("source") or "",
                                 m.findtext("comment") or "", text))
    return out


def glossary() -> list[Term]:
    terms = []
    for line in (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 5 or cells[0] in ("English", "") or set(cells[0]) <= {"-"}:
            continue
        never = tuple(v for v in re.split(r"[、,]", cells[2]) if v.strip())
        terms.append(Term(cells[0], cells[1], never, cells[3] == "everywhere"))
    return terms


def test_the_catalogs_and_the_glossary_are_read() -> None:
    assert len(entries()) > 900
    names = {t.english for t in glossary()}
    assert {"customer", "furigana", "custom field", "photo", "Otokui"} <= names


def test_every_source_text_has_one_japanese() -> None:
    seen: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for e in entries():
        if e.translation:
            seen[(e.source, e.comment)][e.translation].append(f"{e.catalog}:{e.context}")
    twice = {f"{src!r} ({comment})" if comment else repr(src): dict(found)
             for (src, comment), found in seen.items() if len(found) > 1}
    assert twice == {}


def test_nothing_is_left_untranslated() -> None:
    missing = [f"{e.catalog}:{e.context}: {e.source!r}" for e in entries()
               if not e.translation.strip("|")]
    assert missing == []


def _outside_placeholders(text: str) -> str:
    return re.sub(r"[{｛][^}｝]*[}｝]", "", html.unescape(text))


def test_no_translation_uses_a_forbidden_variant() -> None:
    found = []
    for term in glossary():
        english = re.compile(rf"\b{re.escape(term.english)}", re.IGNORECASE)
        for e in entries():
            if not term.everywhere and not english.search(e.source):
                continue
            text = _outside_placeholders(e.translation)
            found += [f"{e.catalog}:{e.context}: {e.source!r} → {e.translation} ({v})"
                      for v in term.never if v in text]
    assert found == []


def test_a_variant_in_a_translation_is_caught(tmp_path: Path) -> None:
    """The check itself fails when it should (a forbidden variant, a second form)."""
    term = Term("furigana", "ふりがな", ("フリガナ",), True)
    assert any(v in _outside_placeholders("フリガナを入力") for v in term.never)
    assert not any(v in _outside_placeholders("{フリガナ} は使えます") for v in term.never)
