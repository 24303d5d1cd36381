"""A disclosure request (開示請求, APPI art. 33): everything the book holds about one customer.

:func:`disclose` writes one zip file where the owner chose:

* ``開示内容.html``: a readable summary in Japanese (the card, tags, custom fields, the
  conversation, attachments, form answers, the history of changes, the audit entries);
* ``data/<table>.csv`` (Excel-ready, UTF-8 with BOM) and ``data/<table>.json``: the rows of
  every table with something about them (:func:`app.privacy.schema.personal_tables`: read
  from the schema, so a table added later is included too) and the audit entries naming
  them; binary values are written as files and referred to by name;
* ``files/``: their attachments, decrypted, under their own names.

The zip is what the shop hands over, so it is plaintext by nature: it is written only to
the path given (a ``.part`` file beside it, renamed when complete; nothing in temporary
folders), and the UI and CLI warn that it holds personal data.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import logging
import os
import re
import time
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import text

from app.errors import OtokuiError
from app.i18n import QT_TRANSLATE_NOOP
from app.privacy.schema import AUDIT_TABLE, NOT_DISCLOSED, audit_where, personal_tables
from app.store.models import Base

if TYPE_CHECKING:
    from app.book import Book

log = logging.getLogger("otokui.privacy")

_CTX = "privacy"
SUMMARY = "開示内容.html"
#: Rows shown in the summary's tables (all of them are in data/ whatever their number).
SUMMARY_ROWS = 2_000


class DisclosureWriteError(OtokuiError):
    code = "disclosure-write"
    message = QT_TRANSLATE_NOOP(_CTX, "The disclosure file could not be written.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Check that the folder exists and has free space, "
                                     "then try again. Nothing was changed in the book.")


@dataclass(frozen=True)
class DisclosureReport:
    path: Path
    #: Rows written per table (tables without rows about them included, as 0).
    rows: dict[str, int]
    files: int
    size: int


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return None  # written as a file; see _rows_of
    return value


def _safe(name: str) -> str:
    """A file name safe inside a zip on every system (no folders, no reserved signs)."""
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", name).strip(" .")
    return cleaned[:120] or "file"


def _csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(columns)
    for row in rows:
        w.writerow(["" if v is None else (json.dumps(v, ensure_ascii=False)
                                          if isinstance(v, dict | list) else v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def disclose(book: Book, customer_id: int, path: Path) -> DisclosureReport:
    """Write everything about ``customer_id`` into the zip file ``path``."""
    from app.audit import AuditAction

    customer = book.customers.get(customer_id)  # NotFoundError when there is none
    path = Path(path)
    part = path.with_name(path.name + ".part")
    params = {"cid": customer_id, "uid": customer.line_user_id or ""}
    counts: dict[str, int] = {}
    sections: list[tuple[str, list[str], list[list[Any]]]] = []
    files = 0
    try:
        with zipfile.ZipFile(part, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            with book.db.read() as s:
                conn = s.connection()
                tables = [(t.name, t.where) for t in personal_tables(Base.metadata)]
                tables.append((AUDIT_TABLE, audit_where()))
                for name, where in tables:
                    hidden = NOT_DISCLOSED.get(name, frozenset())
                    listed = ", ".join(c.name for c in Base.metadata.tables[name].columns
                                       if c.name not in hidden)
                    result = conn.execute(text(
                        f"SELECT {listed} FROM {name} WHERE {where}"), params)  # noqa: S608
                    columns = list(result.keys())
                    rows: list[list[Any]] = []
                    for n, raw in enumerate(result):
                        row = [_plain(v) for v in raw]
                        for i, v in enumerate(raw):
                            if isinstance(v, bytes | memoryview) and v:
                                ref = f"files/{name}/{n + 1}_{columns[i]}.bin"
                                zf.writestr(ref, bytes(v))
                                row[i] = ref
                                files += 1
                        rows.append(row)
                    counts[name] = len(rows)
                    zf.writestr(f"data/{name}.csv", _csv(columns, rows))
                    zf.writestr(f"data/{name}.json", json.dumps(
                        [dict(zip(columns, r, strict=True)) for r in rows],
                        ensure_ascii=False, indent=1, default=str))
                    sections.append((name, columns, rows))
            for att in book.attachments.list(customer_id):
                entry = zipfile.ZipInfo(f"files/attachments/{att.id}_{_safe(att.file_name)}",
                                        time.localtime()[:6])
                # Photos and PDFs are compressed already: stored as they are.
                entry.compress_type = zipfile.ZIP_STORED
                with zf.open(entry, "w") as f:
                    for chunk in book.attachments.iter_plaintext(att.id):
                        f.write(chunk)
                files += 1
            zf.writestr(SUMMARY, _summary(book, customer_id, sections))
        os.replace(part, path)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise DisclosureWriteError(type(exc).__name__) from None
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    book.audit.record(AuditAction.PRIVACY_DISCLOSED, target="customer", count=1,
                      customer_id=customer_id)
    log.info("disclosure written: %d tables, %d files", len(counts), files)
    return DisclosureReport(path, counts, files, path.stat().st_size)


_INTRO = ("作成。当店が保有する、このお客様に関するすべての情報です。"
          "data フォルダに表ごとの CSV と JSON、files フォルダに添付ファイルがあります。")
_TITLES = {
    "customer": "お客様の基本情報", "customer_tag": "タグ", "field_value": "カスタム項目の値",
    "message": "メッセージ", "conversation": "会話", "attachment": "添付ファイル",
    "form_answer": "フォームの回答", "form_answer_file": "フォームで受け取ったファイル",
    "timeline_event": "変更の履歴", "line_event": "LINEから届いたイベント",
    "broadcast_recipient": "一斉配信の宛先", "points_entry": "ポイントの記録",
    "domain_event": "自動処理の記録", AUDIT_TABLE: "監査記録（このお客様について）",
}


def _summary(book: Book, customer_id: int, sections: list[tuple[str, list[str],
                                                                   list[list[Any]]]]) -> str:
    c = book.customers.get(customer_id)
    tag_names = {t.id: t.name for t in book.tags.list()}
    tags = "、".join(tag_names.get(t, str(t)) for t in book.customers.tag_ids_of(customer_id))
    e = html.escape
    card = [("お名前", c.name), ("ふりがな", c.furigana), ("LINEの表示名", c.display_name),
            ("電話番号", c.phone), ("メールアドレス", c.email), ("郵便番号", c.postal_code),
            ("住所", c.address), ("誕生日", c.birthday.isoformat() if c.birthday else ""),
            ("メモ", c.memo), ("タグ", tags)]
    parts = [
        "<!doctype html><html lang='ja'><head><meta charset='utf-8'>",
        f"<title>{e('開示内容')}</title><style>body{{font-family:sans-serif;margin:2em}}"
        "table{border-collapse:collapse;margin-bottom:2em}td,th{border:1px solid #999;"
        "padding:2px 6px;font-size:90%;vertical-align:top}th{background:#eee}</style>"
        "</head><body>",
        f"<h1>{e('保有個人データの開示')}</h1>",
        f"<p>{e(dt.date.today().isoformat())} {e(_INTRO)}</p>",
        "<h2>お客様カード</h2><table>",
        *(f"<tr><th>{e(k)}</th><td>{e(str(v or ''))}</td></tr>" for k, v in card),
        "</table>",
    ]
    for name, columns, rows in sections:
        if name == "customer":
            continue
        parts.append(f"<h2>{e(_TITLES.get(name, name))}（{len(rows)}件）</h2>")
        if not rows:
            continue
        parts.append("<table><tr>" + "".join(f"<th>{e(c)}</th>" for c in columns) + "</tr>")
        for row in rows[:SUMMARY_ROWS]:
            parts.append("<tr>" + "".join(
                f"<td>{e('' if v is None else str(v))}</td>" for v in row) + "</tr>")
        parts.append("</table>")
        if len(rows) > SUMMARY_ROWS:
            rest = f"ほか {len(rows) - SUMMARY_ROWS} 件は data/{name}.csv にあります。"
            parts.append(f"<p>{e(rest)}</p>")
    parts.append("</body></html>")
    return "\n".join(parts)
