"""Disclosure request (開示請求): everything the book holds about one customer, in one zip.

The tables are found from the schema, not listed by hand: every table with a foreign key
to ``customer.id`` or a ``customer_id`` column, and every table with a foreign key to one of
those (a form answer's files, through its attachment). A table a later feature adds is
therefore disclosed without a change here (tests/privacy/test_disclose.py checks the schema
against the zip). The zip holds:

* ``summary.html``: a readable summary (the person's details, tags, fields, consent,
  timeline, messages) in Japanese;
* ``data/<table>.csv`` (UTF-8 with BOM, for Excel) and ``data.json``: every row;
* ``files/<id>_<name>``: the attachments, decrypted (streamed into the zip: no plaintext
  lands anywhere but the zip the owner chose);
* ``audit.csv``: the audit entries about the customer or their files.

The zip holds personal data: the caller (CLI, window) says so to the owner.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Column, Table, select

from app.privacy.errors import PrivacyCustomerNotFoundError
from app.store.models import AuditEntry, Base, Customer

if TYPE_CHECKING:
    from app.book import Book

#: Columns that are keys, not data about the person (never written out).
SECRET_COLUMNS = {"file_key", "link_secret", "key", "blob_name"}


def _customer_column(table: Table) -> Column[Any] | None:
    for fk in table.foreign_keys:
        if fk.column.table.name == "customer" and fk.column.name == "id":
            return fk.parent
    col = table.c.get("customer_id")
    return col if col is not None and table.name != "customer" else None


def customer_tables(metadata: Any = Base.metadata) -> dict[str, str]:
    """table → how its rows are found: ``"customer_id"`` (a column naming the customer)
    or ``"via:<table>.<column>"`` (a foreign key to a table that does)."""
    direct = {t.name: c.name for t in metadata.sorted_tables
              if (c := _customer_column(t)) is not None}
    out = dict(direct)
    for t in metadata.sorted_tables:
        if t.name in out or t.name == "customer":
            continue
        for fk in t.foreign_keys:
            if fk.column.table.name in direct:
                out[t.name] = f"via:{fk.column.table.name}.{fk.parent.name}"
                break
    return out


@dataclass(frozen=True)
class Disclosure:
    path: Path
    tables: dict[str, int]  # rows per table
    files: int


def _value(v: Any) -> Any:
    if isinstance(v, dt.datetime | dt.date):
        return v.isoformat()
    if isinstance(v, bytes | memoryview):
        return f"<{len(bytes(v))} bytes>"
    return v


def _rows(s: Any, table: Table, where: Any) -> list[dict[str, Any]]:
    cols = [c for c in table.c if c.name not in SECRET_COLUMNS]
    return [{c.name: _value(v) for c, v in zip(cols, row, strict=True)}
            for row in s.execute(select(*cols).where(where)).all()]


def _csv(rows: list[dict[str, Any]], table: Table) -> bytes:
    buf = io.StringIO()
    names = [c.name for c in table.c if c.name not in SECRET_COLUMNS]
    w = csv.DictWriter(buf, fieldnames=names)
    w.writeheader()
    for r in rows:
        w.writerow({k: json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v
                    for k, v in r.items()})
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def disclose(book: Book, customer_id: int, destination: Path) -> Disclosure:
    tables = customer_tables()
    meta = Base.metadata.tables
    data: dict[str, list[dict[str, Any]]] = {}
    with book.db.read() as s:
        if s.get(Customer, customer_id) is None:
            raise PrivacyCustomerNotFoundError(str(customer_id))
        data["customer"] = _rows(s, meta["customer"], meta["customer"].c.id == customer_id)
        for name, how in tables.items():
            if how.startswith("via:"):
                continue
            data[name] = _rows(s, meta[name], meta[name].c[how] == customer_id)
        for name, how in tables.items():
            if not how.startswith("via:"):
                continue
            parent, column = how[4:].split(".")
            ids = [r["id"] for r in data.get(parent, []) if "id" in r]
            data[name] = [r for start in range(0, len(ids), 500)
                          for r in _rows(s, meta[name],
                                         meta[name].c[column].in_(ids[start:start + 500]))]
        attachments = [(int(r["id"]), str(r.get("file_name") or "file"))
                       for r in data.get("attachment", [])]
        audit = _audit_rows(s, customer_id, {a for a, _ in attachments})
        names = _names(s, data)
    destination.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(destination, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("summary.html", summary_html(data, names, len(attachments)))
        z.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=1))
        for name, rows in data.items():
            z.writestr(f"data/{name}.csv", _csv(rows, meta[name]))
        z.writestr("audit.csv", _csv(audit, AuditEntry.__table__))  # type: ignore[arg-type]
        for att_id, file_name in attachments:
            safe = "".join(ch if ch not in '/\\:*?"<>|' else "_" for ch in file_name)[:120]
            with z.open(f"files/{att_id}_{safe}", "w", force_zip64=True) as out:
                for chunk in book.attachments.iter_plaintext(att_id):
                    out.write(chunk)
    book.audit.record("privacy_disclosed", target=f"customer:{customer_id}",
                      count=len(attachments))
    return Disclosure(destination, {k: len(v) for k, v in data.items()}, len(attachments))


def _audit_rows(s: Any, customer_id: int, attachment_ids: set[int]) -> list[dict[str, Any]]:
    targets = {f"customer:{customer_id}"} | {f"attachment:{a}" for a in attachment_ids}
    out = []
    table = AuditEntry.__table__
    for row in s.execute(select(table)).mappings():
        detail = row["detail"] or {}
        ids = detail.get("ids") if isinstance(detail, dict) else None
        if row["target"] in targets or (isinstance(ids, list) and customer_id in ids):
            out.append({k: _value(v) for k, v in row.items()})
    return out


def _names(s: Any, data: dict[str, list[dict[str, Any]]]) -> dict[str, dict[int, str]]:
    """Names of the tags and fields the customer's rows refer to (for the summary)."""
    meta = Base.metadata.tables
    tag_ids = [r["tag_id"] for r in data.get("customer_tag", [])]
    field_ids = [r["field_id"] for r in data.get("field_value", [])]
    tags = dict(s.execute(select(meta["tag"].c.id, meta["tag"].c.name)
                          .where(meta["tag"].c.id.in_(tag_ids))).all()) if tag_ids else {}
    fields = dict(s.execute(select(meta["custom_field"].c.id, meta["custom_field"].c.name)
                            .where(meta["custom_field"].c.id.in_(field_ids))).all()) \
        if field_ids else {}
    return {"tags": tags, "fields": fields}


_CUSTOMER_LABELS = {"name": "お名前", "furigana": "フリガナ", "display_name": "LINEの表示名",
                    "phone": "電話番号", "email": "メールアドレス", "postal_code": "郵便番号",
                    "address": "ご住所", "birthday": "お誕生日", "memo": "メモ",
                    "followed_at": "友だち追加", "blocked_at": "ブロック",
                    "created_at": "登録日時"}


def summary_html(data: dict[str, list[dict[str, Any]]], names: dict[str, dict[int, str]],
                 files: int) -> str:
    e = html.escape
    c = data["customer"][0]
    out = ["<!doctype html>", '<html lang="ja"><head><meta charset="utf-8">',
           "<title>保有個人データの開示</title>",
           "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}"
           "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;"
           "vertical-align:top;text-align:left}</style></head><body>",
           "<h1>保有個人データの開示</h1>",
           f"<p>作成日時：{e(dt.datetime.now().isoformat(timespec='minutes'))}"
           "　このファイルには個人情報が含まれます。ご本人以外に渡さないでください。</p>",
           "<h2>基本情報</h2><table>"]
    for key, label in _CUSTOMER_LABELS.items():
        if c.get(key) not in (None, ""):
            out.append(f"<tr><th>{e(label)}</th><td>{e(str(c[key]))}</td></tr>")
    out.append("</table>")
    tags = [names["tags"].get(r["tag_id"], "") for r in data.get("customer_tag", [])]
    out.append(f"<h2>タグ</h2><p>{e('、'.join(tags) or 'なし')}</p>")
    _table(out, "項目", [(names["fields"].get(r["field_id"], str(r["field_id"])),
                         "；".join(str(v) for k, v in r.items()
                                  if k.endswith("_value") and v not in (None, "")))
                        for r in data.get("field_value", [])], ("項目", "内容"))
    _table(out, "プライバシーポリシーへの同意", [
        (f"第{r['version']}版", str(r["agreed_at"]), str(r.get("source", "")))
        for r in data.get("privacy_consent", [])], ("版", "日時", "経路"))
    _table(out, "フォームへのご回答", [
        (str(r.get("submitted_at")), json.dumps(r.get("answer_values"), ensure_ascii=False))
        for r in data.get("form_answer", [])], ("日時", "内容"))
    _table(out, "履歴", [(str(r.get("at")), str(r.get("kind")),
                         json.dumps(r.get("data"), ensure_ascii=False))
                        for r in data.get("timeline_event", [])], ("日時", "内容", "詳細"))
    _table(out, "メッセージ", [
        (dt.datetime.fromtimestamp((r.get("at_ms") or 0) / 1000).isoformat(timespec="minutes"),
         "お客様から" if r.get("direction") == "in" else "お店から",
         str(r.get("text") or r.get("type") or ""))
        for r in data.get("message", [])], ("日時", "向き", "内容"))
    out.append(f"<h2>添付ファイル</h2><p>{files}件（files フォルダに元のファイルがあります）</p>")
    out.append("<h2>すべてのデータ</h2><p>data フォルダ（表ごとの CSV）と data.json に、"
               "保有しているすべての行があります。</p></body></html>")
    return "\n".join(out)


def _table(out: list[str], title: str, rows: Iterable[tuple[str, ...]],
           header: tuple[str, ...]) -> None:
    e = html.escape
    rows = list(rows)
    out.append(f"<h2>{e(title)}</h2>")
    if not rows:
        out.append("<p>なし</p>")
        return
    out.append("<table><tr>" + "".join(f"<th>{e(h)}</th>" for h in header) + "</tr>")
    out.extend("<tr>" + "".join(f"<td>{e(v)}</td>" for v in r) + "</tr>" for r in rows)
    out.append("</table>")
