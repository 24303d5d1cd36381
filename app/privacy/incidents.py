"""Leak readiness (漏えい等への備え): a checklist, dated incident records, the PPC's 速報 and
確報 report templates filled from an incident, and "who is affected" by an access range.

The law (個人情報保護法 26条, 施行規則 7–8条) asks a shop that leaks personal data — or may
have — to report to the PPC (個人情報保護委員会) when the data includes 要配慮個人情報, when
financial harm may follow, when it was done with a wrongful purpose (不正アクセス等), or
when more than 1,000 people are concerned: a prompt report (速報, "速やかに": about 3–5
days) and a full one (確報) within 30 days, 60 for a wrongful purpose, both counted from the
day the shop learned of it (the day itself not counted, as for any period in Japanese law).
"""

from __future__ import annotations

import csv
import datetime as dt
import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from app.i18n import QT_TRANSLATE_NOOP
from app.store.models import Attachment, AuditEntry, Customer, utcnow
from app.store.models_privacy import PrivacyIncident

if TYPE_CHECKING:
    from app.book import Book

_CTX = "privacy"
JST = dt.timezone(dt.timedelta(hours=9))
CHECKLIST_KEY = "privacy.readiness"

#: The readiness checklist (APPI's 安全管理措置 and the PPC's guidance for small
#: businesses, plus what to have ready before a leak). Key, text (translated in the UI).
CHECKLIST: list[tuple[str, str]] = [
    ("responsible", QT_TRANSLATE_NOOP(_CTX, "A person responsible for customer data is named")),
    ("rules", QT_TRANSLATE_NOOP(_CTX, "Basic rules for handling customer data are written "
                                      "down (who may see what, where it is kept)")),
    ("staff", QT_TRANSLATE_NOOP(_CTX, "Staff who use the book know the rules and keep them "
                                      "secret, also after leaving")),
    ("access", QT_TRANSLATE_NOOP(_CTX, "The book's passphrase is known only to those who "
                                       "need it; former staff cannot open it")),
    ("devices", QT_TRANSLATE_NOOP(_CTX, "Computers are updated, have antivirus, lock "
                                        "themselves and are not left unattended")),
    ("backups", QT_TRANSLATE_NOOP(_CTX, "Backups are kept in a known place, and old ones "
                                        "are deleted")),
    ("entrusted", QT_TRANSLATE_NOOP(_CTX, "Entrusted parties (LINE, the relay's host) are "
                                          "known and overseen")),
    ("contact", QT_TRANSLATE_NOOP(_CTX, "How to report to the PPC is checked (the PPC's "
                                        "online report form)")),
    ("plan", QT_TRANSLATE_NOOP(_CTX, "Who does what when a leak is found is decided: stop "
                                     "it, record it here, find who is affected, report")),
    ("notice", QT_TRANSLATE_NOOP(_CTX, "A way to tell affected customers is ready (LINE "
                                       "message, phone, notice in the shop)")),
]

#: The report's items, in the PPC's order (施行規則 8条1項), with the Japanese heading the
#: report uses (the report itself is always Japanese, like the policy).
ITEMS: list[tuple[str, str]] = [
    ("summary", "概要"),
    ("data_items", "漏えい等が発生し、又は発生したおそれがある個人データの項目"),
    ("persons", "漏えい等が発生し、又は発生したおそれがある個人データに係る本人の数"),
    ("cause", "原因"),
    ("secondary", "二次被害又はそのおそれの有無及びその内容"),
    ("response", "本人への対応の実施状況"),
    ("publication", "公表の実施状況"),
    ("prevention", "再発防止のための措置"),
    ("other", "その他参考となる事項"),
]
ITEM_KEYS = [k for k, _ in ITEMS]
#: Text items (本人の数 is a number, from the incident or the affected count).
TEXT_KEYS = [k for k in ITEM_KEYS if k != "persons"]

PROMPT_DAYS = (3, 5)  # 速報: 速やかに, in practice about 3–5 days
FINAL_DAYS = 30
FINAL_DAYS_MALICIOUS = 60


# --- the checklist -----------------------------------------------------------------------
def checklist(book: Book) -> dict[str, str]:
    """Checked items: key → the day (YYYY-MM-DD) it was ticked."""
    value = book.settings.get(CHECKLIST_KEY)
    known = {k for k, _ in CHECKLIST}
    if not isinstance(value, dict):
        return {}
    return {k: str(v) for k, v in value.items() if k in known and v}


def set_checked(book: Book, key: str, checked: bool, *, today: dt.date | None = None) -> None:
    if key not in {k for k, _ in CHECKLIST}:
        raise KeyError(key)
    state = checklist(book)
    if checked:
        state.setdefault(key, (today or jst_today()).isoformat())
    else:
        state.pop(key, None)
    book.settings.set(CHECKLIST_KEY, state)


def jst_today(now: dt.datetime | None = None) -> dt.date:
    return (now or utcnow()).replace(tzinfo=dt.UTC).astimezone(JST).date()


# --- incidents ---------------------------------------------------------------------------
@dataclass
class Incident:
    id: int
    title: str
    discovered_on: dt.date
    occurred_from: dt.date | None = None
    occurred_to: dt.date | None = None
    malicious: bool = False
    sensitive: bool = False
    financial: bool = False
    persons: int | None = None
    answers: dict[str, str] = field(default_factory=dict)
    prompt_reported_on: dt.date | None = None
    final_reported_on: dt.date | None = None

    @property
    def prompt_due(self) -> tuple[dt.date, dt.date]:
        """速報: the window of about 3–5 days after the discovery."""
        return (self.discovered_on + dt.timedelta(days=PROMPT_DAYS[0]),
                self.discovered_on + dt.timedelta(days=PROMPT_DAYS[1]))

    @property
    def final_due(self) -> dt.date:
        """確報: 30 days after the discovery, 60 when done with a wrongful purpose."""
        days = FINAL_DAYS_MALICIOUS if self.malicious else FINAL_DAYS
        return self.discovered_on + dt.timedelta(days=days)

    def reasons(self, persons: int | None = None) -> list[str]:
        """Why the PPC must be told (empty: no duty to report, though it may be wise)."""
        out = []
        if self.sensitive:
            out.append("要配慮個人情報が含まれる個人データの漏えい等（のおそれ）")
        if self.financial:
            out.append("不正に利用されることにより財産的被害が生じるおそれがある個人データの"
                       "漏えい等（のおそれ）")
        if self.malicious:
            out.append("不正の目的をもって行われたおそれがある個人データの漏えい等（のおそれ）")
        count = self.persons if self.persons is not None else persons
        if count is not None and count > 1000:
            out.append("個人データに係る本人の数が1,000人を超える漏えい等（のおそれ）")
        return out


_FIELDS = ("title", "discovered_on", "occurred_from", "occurred_to", "malicious", "sensitive",
           "financial", "persons", "prompt_reported_on", "final_reported_on")


def _to_incident(row: PrivacyIncident) -> Incident:
    return Incident(row.id, row.title, row.discovered_on, row.occurred_from, row.occurred_to,
                    row.malicious, row.sensitive, row.financial, row.persons,
                    {k: str(v) for k, v in (row.answers or {}).items() if k in TEXT_KEYS},
                    row.prompt_reported_on, row.final_reported_on)


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in values.items():
        if k in ("discovered_on", "occurred_from", "occurred_to", "prompt_reported_on",
                 "final_reported_on"):
            out[k] = dt.date.fromisoformat(v) if isinstance(v, str) and v else (v or None)
        elif k in ("malicious", "sensitive", "financial"):
            out[k] = bool(v)
        elif k == "persons":
            out[k] = int(v) if v not in (None, "") else None
        elif k == "title":
            out[k] = str(v)
        elif k == "answers":
            out[k] = {a: str(t) for a, t in (v or {}).items() if a in TEXT_KEYS and t}
        else:
            raise KeyError(k)
    return out


def record(book: Book, *, title: str, discovered_on: dt.date, **values: Any) -> int:
    """Record a new incident (audited); returns its number."""
    data = _clean({"title": title, "discovered_on": discovered_on, **values})
    with book.db.write() as s:
        row = PrivacyIncident(**{"answers": {}, **data}, created_at=utcnow(),
                              updated_at=utcnow())
        s.add(row)
        s.flush()
        book.audit.add(s, "privacy_incident_recorded", target=f"incident:{row.id}",
                       discovered_on=row.discovered_on.isoformat())
        new_id = row.id
    book.announce("audit")
    return new_id


def update(book: Book, incident_id: int, **values: Any) -> Incident:
    """Change an incident's facts or report items (audited with the keys changed)."""
    data = _clean(values)
    with book.db.write() as s:
        row = s.get(PrivacyIncident, incident_id)
        if row is None:
            raise KeyError(incident_id)
        if "answers" in data:
            data["answers"] = {**(row.answers or {}), **data["answers"]}
            for k, v in values.get("answers", {}).items():
                if not v:
                    data["answers"].pop(k, None)
        changed = sorted(k for k, v in data.items() if getattr(row, k) != v)
        for k, v in data.items():
            setattr(row, k, v)
        row.updated_at = utcnow()
        if changed:
            book.audit.add(s, "privacy_incident_updated", target=f"incident:{incident_id}",
                           changed=changed)
        out = _to_incident(row)
    book.announce("audit")
    return out


def get(book: Book, incident_id: int) -> Incident:
    with book.db.read() as s:
        row = s.get(PrivacyIncident, incident_id)
        if row is None:
            raise KeyError(incident_id)
        return _to_incident(row)


def all_incidents(book: Book) -> list[Incident]:
    with book.db.read() as s:
        return [_to_incident(r) for r in s.scalars(
            select(PrivacyIncident).order_by(PrivacyIncident.discovered_on.desc(),
                                             PrivacyIncident.id.desc()))]


# --- who is affected ----------------------------------------------------------------------
#: Audit targets that stand for the whole book (or all its customers) leaving it.
WHOLE_BOOK_TARGETS = ("customers", "backup", "book", "orders", "members")


@dataclass
class AffectedPerson:
    customer_id: int
    name: str
    line_name: str
    phone: str
    in_book_since: dt.datetime
    #: Audit actions in the range that name this customer (their record or their files).
    named_in: list[str] = field(default_factory=list)


@dataclass
class Affected:
    start: dt.date
    end: dt.date
    people: list[AffectedPerson]
    #: Audit entries in the range that carried the whole book or a whole list out
    #: (CSV exports, backups, restores): (when, action, target, count).
    whole_book: list[tuple[dt.datetime, str, str, int]]
    #: Customers deleted since the range began: they may have been held in it, but the
    #: book no longer knows who they were (only how many).
    deleted_since: int

    @property
    def named(self) -> list[AffectedPerson]:
        return [p for p in self.people if p.named_in]


def _utc(day: dt.date) -> dt.datetime:
    """The start of a JST day as naive UTC (the book's timestamps)."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=JST).astimezone(dt.UTC) \
        .replace(tzinfo=None)


def affected(book: Book, start: dt.date, end: dt.date) -> Affected:
    """Who is affected by a leak of the book's data during the days ``start``–``end``
    (JST, inclusive).

    Definition (docs/privacy.md): everyone whose record was in the book at any time in the
    range — created before the range's end and still in the book — because whoever read
    the book (or a copy) in that range could read them. Each is marked with the audit
    entries in the range that name them (their record or one of their files opened, saved,
    disclosed), which says whose data was certainly touched; entries that carried the
    whole list out (CSV exports, backups) are listed apart. Customers deleted since the
    range began are counted only: their identities are gone with them.
    """
    if end < start:
        start, end = end, start
    since, until = _utc(start), _utc(end + dt.timedelta(days=1))
    with book.db.read() as s:
        # Only the columns needed: the log may hold hundreds of thousands of entries.
        entries = s.execute(select(AuditEntry.at, AuditEntry.action, AuditEntry.target,
                                   AuditEntry.count)
                            .where(AuditEntry.at >= since, AuditEntry.at < until)
                            .order_by(AuditEntry.id)).all()
        named: dict[int, list[str]] = {}
        whole: list[tuple[dt.datetime, str, str, int]] = []
        attachment_ids: dict[int, list[str]] = {}
        for at, action, target, count in entries:
            kind, _, ident = target.partition(":")
            if kind == "customer" and ident.isdigit():
                named.setdefault(int(ident), []).append(action)
            elif kind == "attachment" and ident.isdigit():
                attachment_ids.setdefault(int(ident), []).append(action)
            elif ((target in WHOLE_BOOK_TARGETS and not action.startswith("import"))
                  or (kind == "form" and action.startswith("export"))):
                whole.append((at, action, target, count))
        if attachment_ids:
            wanted = list(attachment_ids)
            for start_at in range(0, len(wanted), 900):
                for aid, cid in s.execute(
                        select(Attachment.id, Attachment.customer_id)
                        .where(Attachment.id.in_(wanted[start_at:start_at + 900]))):
                    named.setdefault(cid, []).extend(attachment_ids[aid])
        people = [AffectedPerson(cid, name, line_name, phone, created,
                                 sorted(set(named.get(cid, []))))
                  for cid, name, line_name, phone, created in s.execute(
                      select(Customer.id, Customer.name, Customer.display_name,
                             Customer.phone, Customer.created_at)
                      .where(Customer.created_at < until, Customer.is_owner.is_(False))
                      .order_by(Customer.id))]
        deleted = 0
        for action, count in s.execute(select(AuditEntry.action, AuditEntry.count).where(
                AuditEntry.at >= since, AuditEntry.action.in_(
                    ("privacy_deleted", "retention_deleted", "customers_deleted")))):
            deleted += count if action == "customers_deleted" else 1
    return Affected(start, end, people, whole, deleted)


def write_affected_csv(book: Book, found: Affected, path: Path) -> int:
    """The affected customers as CSV (UTF-8 with BOM, for Excel); audited as an export:
    the file holds personal data."""
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        w = csv.writer(out)
        w.writerow(["customer_id", "name", "line_name", "phone", "in_book_since_utc",
                    "named_in_audit"])
        for p in found.people:
            w.writerow([p.customer_id, p.name, p.line_name, p.phone,
                        p.in_book_since.isoformat(sep=" ", timespec="seconds"),
                        ";".join(p.named_in)])
    book.audit.record("privacy_affected_listed", target="customers", count=len(found.people),
                      start=found.start.isoformat(), end=found.end.isoformat())
    return len(found.people)


# --- the reports ---------------------------------------------------------------------------
PROMPT, FINAL = "prompt", "final"


@dataclass
class Report:
    kind: str  # PROMPT (速報) or FINAL (確報)
    title: str
    due: str
    rows: list[tuple[str, str]]  # (heading, text) in the PPC's order, then the facts
    missing: list[str]  # headings of items left empty
    html: str


def report(book: Book, incident_id: int, kind: str = PROMPT, *,
           today: dt.date | None = None, audit: bool = True) -> Report:
    """The 速報 or 確報 filled from the incident (and the shop's policy details: who
    reports). In a 速報, items not known yet read 「調査中」 (the PPC takes what is known);
    in a 確報 they are listed as missing."""
    from app.privacy.service import PrivacyService

    inc = get(book, incident_id)
    shop = PrivacyService(book).settings()
    count = inc.persons
    counted = ""
    if count is None and inc.occurred_from is not None:
        found = affected(book, inc.occurred_from, inc.occurred_to or inc.discovered_on)
        count = len(found.people)
        counted = "（Otokui の記録から：期間中に顧客台帳にあった人数"
        if found.deleted_since:
            counted += f"。ほかに、その後削除した {found.deleted_since} 人"
        counted += "）"
    pending = "調査中" if kind == PROMPT else ""
    rows: list[tuple[str, str]] = []
    missing: list[str] = []
    for key, heading in ITEMS:
        if key == "persons":
            text = f"{count:,}人{counted}" if count is not None else pending
        else:
            text = inc.answers.get(key, "").strip() or pending
        if not text or text == pending:
            missing.append(heading)
        rows.append((heading, text))
    title = ("個人データの漏えい等の事案に関する報告（"
             + ("速報" if kind == PROMPT else "確報") + "）")
    if kind == PROMPT:
        lo, hi = inc.prompt_due
        due = f"速報の目安：{lo.isoformat()}〜{hi.isoformat()}（発覚日から3〜5日以内）"
    else:
        days = FINAL_DAYS_MALICIOUS if inc.malicious else FINAL_DAYS
        due = f"確報の期限：{inc.final_due.isoformat()}（発覚日から{days}日以内）"
    reasons = inc.reasons(count) or ["（報告対象の事態に当たらない可能性があります。"
                                     "個人情報保護委員会のガイドラインで確認してください）"]
    occurred = "不明"
    if inc.occurred_from is not None:
        occurred = inc.occurred_from.isoformat()
        if inc.occurred_to is not None and inc.occurred_to != inc.occurred_from:
            occurred += "〜" + inc.occurred_to.isoformat()
    facts = [
        ("報告者", "\n".join(x for x in (shop.business_name, shop.address,
                                         f"代表者：{shop.representative}"
                                         if shop.representative else "",
                                         f"連絡先：{shop.contact}" if shop.contact else "")
                           if x) or "（プライバシーポリシーの事業者情報が未記入です）"),
        ("報告日", (today or jst_today()).isoformat()),
        ("事案の名称", inc.title),
        ("発覚日", inc.discovered_on.isoformat()),
        ("発生日（期間）", occurred),
        ("報告対象となる事態", "\n".join(reasons)),
    ]
    e = html.escape

    def cell(text: str) -> str:
        return "<br>".join(e(line) for line in text.splitlines()) or "&nbsp;"
    parts = ["<!doctype html>", '<html lang="ja"><head><meta charset="utf-8">',
             f"<title>{e(title)}</title>",
             "<style>body{font-family:sans-serif;max-width:50em;margin:2em auto;padding:0 1em;"
             "line-height:1.6}table{border-collapse:collapse;width:100%}th,td{border:1px "
             "solid #888;padding:.4em .6em;vertical-align:top;text-align:left}th{width:30%;"
             "background:#f3f3f3}.due{font-weight:bold}.missing{color:#b00}</style>",
             "</head><body>", f"<h1>{e(title)}</h1>", f'<p class="due">{e(due)}</p>',
             "<p>個人情報保護委員会への報告の下書きです。委員会のウェブサイトの報告フォームに"
             "転記してください。</p>", "<table>"]
    for heading, text in facts + rows:
        parts.append(f"<tr><th>{e(heading)}</th><td>{cell(text)}</td></tr>")
    parts.append("</table>")
    if missing and kind == FINAL:
        parts.append('<p class="missing">未記入の項目：' + e("、".join(missing)) + "</p>")
    parts.append("</body></html>")
    if audit:  # an export; the window's preview is not
        book.audit.record("privacy_incident_report", target=f"incident:{incident_id}",
                          kind=kind)
    return Report(kind, title, due, facts + rows, missing, "\n".join(parts) + "\n")
