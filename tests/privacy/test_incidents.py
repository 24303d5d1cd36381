"""Leak readiness: incidents with their deadlines, the 速報/確報 filled from them, the
checklist, and "who is affected" by a range of days of access."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import update

from app.book import Book
from app.privacy import incidents as inc
from app.privacy.policy import PolicySettings
from app.privacy.service import PrivacyService
from app.store.models import AuditEntry, Customer


def _at(day: str, hour: int = 3) -> dt.datetime:  # naive UTC, 12:00 JST
    return dt.datetime.fromisoformat(day).replace(hour=hour)


def test_deadlines_count_from_the_discovery(book: Book) -> None:
    plain = inc.record(book, title="USBメモリ紛失", discovered_on=dt.date(2026, 11, 2))
    bad = inc.record(book, title="不正アクセス", discovered_on=dt.date(2026, 11, 2),
                     malicious=True)
    a, b = inc.get(book, plain), inc.get(book, bad)
    assert a.prompt_due == (dt.date(2026, 11, 5), dt.date(2026, 11, 7))
    assert a.final_due == dt.date(2026, 12, 2)
    assert b.final_due == dt.date(2027, 1, 1)
    assert a.reasons() == [] and len(b.reasons()) == 1
    assert len(inc.Incident(0, "", dt.date(2026, 1, 1), persons=1001).reasons()) == 1
    assert [i.id for i in inc.all_incidents(book)] == [bad, plain]
    audit = [(e.action, e.target) for e in book.audit.entries()]
    assert ("privacy_incident_recorded", f"incident:{plain}") in audit


def test_reports_carry_the_ppc_items(book: Book) -> None:
    PrivacyService(book).save_settings(PolicySettings(business_name="ヘアサロン木漏れ日",
                                                      representative="山田 花子"))
    iid = inc.record(book, title="ノートPCの盗難", discovered_on=dt.date(2026, 11, 2),
                     persons=12, answers={"summary": "店舗で<PC>が盗まれた",
                                          "cause": "施錠忘れ"})
    prompt = inc.report(book, iid, inc.PROMPT, today=dt.date(2026, 11, 3))
    headings = [h for h, _ in prompt.rows]
    for _, heading in inc.ITEMS:
        assert heading in headings
    texts = dict(prompt.rows)
    assert texts["概要"] == "店舗で<PC>が盗まれた"
    assert texts["原因"] == "施錠忘れ" and texts["再発防止のための措置"] == "調査中"
    assert texts["漏えい等が発生し、又は発生したおそれがある個人データに係る本人の数"] == "12人"
    assert "ヘアサロン木漏れ日" in texts["報告者"] and "2026-11-05" in prompt.due
    assert "店舗で&lt;PC&gt;が盗まれた" in prompt.html and "<PC>" not in prompt.html
    inc.update(book, iid, answers={"prevention": "退店時の施錠確認"}, malicious=True)
    final = inc.report(book, iid, inc.FINAL)
    assert "2027-01-01" in final.due and "60日" in final.due
    assert "再発防止のための措置" not in final.missing
    assert "公表の実施状況" in final.missing and "未記入の項目" in final.html
    actions = [e.action for e in book.audit.entries()]
    assert actions.count("privacy_incident_report") == 2
    assert "privacy_incident_updated" in actions


def test_checklist_keeps_the_day_ticked(book: Book) -> None:
    inc.set_checked(book, "backups", True, today=dt.date(2026, 12, 1))
    inc.set_checked(book, "backups", True, today=dt.date(2026, 12, 5))
    inc.set_checked(book, "plan", True)
    inc.set_checked(book, "plan", False)
    assert inc.checklist(book) == {"backups": "2026-12-01"}


def _people(book: Book) -> dict[str, int]:
    ids = {n: book.customers.create(name=n, phone="090-1111-2222")
           for n in ("before", "during", "after", "opened")}
    with book.db.write() as s:
        for n, day in (("before", "2026-10-01"), ("during", "2026-11-10"),
                       ("after", "2026-11-25"), ("opened", "2026-09-01")):
            s.execute(update(Customer).where(Customer.id == ids[n])
                      .values(created_at=_at(day)))
    att = book.attachments.add_bytes(ids["opened"], b"x" * 10, file_name="a.txt")
    with book.db.write() as s:
        s.add(AuditEntry(action="attachment_opened", target=f"attachment:{att}",
                         at=_at("2026-11-12")))
        s.add(AuditEntry(action="privacy_disclosed", target=f"customer:{ids['before']}",
                         at=_at("2026-12-01")))  # after the range: not named
        s.add(AuditEntry(action="export_csv", target="customers", count=4,
                         at=_at("2026-11-15")))
        s.add(AuditEntry(action="privacy_deleted", target="customer:999",
                         at=_at("2026-11-20")))
    return ids


def test_who_is_affected(book: Book) -> None:
    ids = _people(book)
    found = inc.affected(book, dt.date(2026, 11, 1), dt.date(2026, 11, 20))
    assert [p.customer_id for p in found.people] == sorted(
        [ids["before"], ids["during"], ids["opened"]])
    assert [(p.customer_id, p.named_in) for p in found.named] == [
        (ids["opened"], ["attachment_opened"])]
    assert [(w[1], w[2]) for w in found.whole_book] == [("export_csv", "customers")]
    assert found.deleted_since == 1
    # the range's last day counts whole (JST): created on 11-25 12:00 JST is in 11-25's
    assert ids["after"] in [p.customer_id for p in
                            inc.affected(book, dt.date(2026, 11, 25),
                                         dt.date(2026, 11, 25)).people]
    # the report counts them when no number was given
    iid = inc.record(book, title="t", discovered_on=dt.date(2026, 11, 21),
                     occurred_from=dt.date(2026, 11, 1), occurred_to=dt.date(2026, 11, 20))
    text = dict(inc.report(book, iid, audit=False).rows)[
        "漏えい等が発生し、又は発生したおそれがある個人データに係る本人の数"]
    assert text.startswith("3人") and "1 人" in text


def test_cli_incident_and_affected(book: Book, tmp_path: Path) -> None:
    from tests.sync.conftest import PASSPHRASE

    _people(book)
    root = book.profile.root
    book.close()

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "main.py", "--profile", str(root), "privacy", *args],
            capture_output=True, text=True, check=False, cwd=Path(__file__).parents[2],
            env={**os.environ, "OTOKUI_PASSPHRASE": PASSPHRASE})
        assert done.returncode == 0, done.stderr
        return done
    items = tmp_path / "items.json"
    items.write_text('{"summary": "誤送信", "answers": {"cause": "宛先の選び間違い"}}',
                     encoding="utf-8")
    out = cli("incident", "new", "--title", "誤送信", "--discovered", "2026-11-21",
              "--from", "2026-11-01", "--to", "2026-11-20", "--json", str(items))
    iid = out.stdout.strip().splitlines()[-1]
    assert "確報 due 2026-12-21" in out.stdout
    assert cli("incident", "list").stdout.strip().splitlines()[-1] == "1"
    report = tmp_path / "r.html"
    cli("incident", "report", iid, "--html", str(report), "--final")
    page = report.read_text(encoding="utf-8")
    assert "確報" in page and "誤送信" in page and "宛先の選び間違い" in page
    listing = tmp_path / "a.csv"
    out = cli("affected", "--from", "2026-11-01", "--to", "2026-11-20", "--csv", str(listing))
    assert out.stdout.strip().splitlines()[-1] == "3"
    rows = listing.read_text(encoding="utf-8-sig").splitlines()
    assert rows[0].startswith("customer_id,name") and len(rows) == 4
    assert any(r.endswith("attachment_opened") for r in rows)
