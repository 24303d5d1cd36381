"""The rules' notices to the owner (app/automation/notices.py) on a real encrypted book:
a ``notify`` fired by the sync is one unseen notice with the friend's name and the text,
once per event; marking seen never goes back; the read uses its partial index."""

from __future__ import annotations

from sqlalchemy import select, text

from app import domain_events as de
from app.automation import notices
from app.automation.engine import run_pending
from app.automation.service import RuleService
from app.store.models import NOTICE_WHERE, DomainEvent
from tests.sync.conftest import Connected
from tests.sync.support import fast_worker

KEYWORD = {"name": "予約の問い合わせ", "enabled": True,
           "when": {"kind": "keyword", "words": ["予約", "よやく"], "match": "any"},
           "then": [{"kind": "add_tag", "tag": "予約希望"},
                    {"kind": "notify", "text": "予約の問い合わせがありました"}]}


def test_a_keyword_rule_fired_by_the_sync_leaves_one_unseen_notice(connected: Connected
                                                                    ) -> None:
    book, e = connected.book, connected.emulator
    RuleService(book).save(KEYWORD)
    heard: list[str] = []
    book.changed.connect(lambda change: heard.append(change.kind))
    uid = e.add_user("山田 花子")
    e.send_text(uid, "来週、ヨヤクできますか")
    other = e.add_user("小林 彩")
    e.send_text(other, "営業時間は?")  # no keyword: no notice
    e.wait_for_deliveries(4)
    fast_worker(book).run_once()  # the sync worker runs the rules after its batch
    cid = book.customers.by_line_user_id(uid)
    [notice] = notices.listing(book)
    assert (notice.customer_id, notice.customer, notice.text, notice.rule, notice.seen) == \
        (cid, "山田 花子", "予約の問い合わせがありました", "予約の問い合わせ", False)
    assert notices.unseen_count(book) == 1
    assert "notices" in heard  # the window refreshes its bar

    # The same LINE events again (the relay's items pulled again after a crash): not
    # emitted again, and the rules run again find nothing: still one notice.
    with book.db.write() as s:
        again = [de.emit(s, d.kind, key=d.key, customer_id=d.customer_id, data=d.data)
                 for d in s.scalars(select(DomainEvent))]
    assert again and not any(again)
    assert run_pending(book, send=False).fired == 0
    fast_worker(book).run_once()
    assert [n.id for n in notices.listing(book, unseen_only=False)] == [notice.id]

    notices.mark_seen(book, notice.id)
    assert notices.listing(book) == [] and notices.unseen_count(book) == 0
    assert notices.listing(book, unseen_only=False)[0].seen


def test_two_events_two_notices_newest_first_and_seen_never_goes_back(book) -> None:
    rules = RuleService(book)
    named = book.customers.create(name="山田 花子", display_name="hanako")
    line_only = book.customers.create(display_name="あやちゃん")
    visit = book.tags.create("来店")
    rules.save({"name": "来店のお知らせ", "enabled": True,
                "when": {"kind": "tag_added", "tag": "来店"},
                "then": [{"kind": "notify", "text": "ご来店です"}]})
    book.tags.add([named], [visit])
    run_pending(book, send=False)
    book.tags.add([line_only], [visit])
    run_pending(book, send=False)
    newest, oldest = notices.listing(book)
    assert [(n.customer_id, n.customer, n.text) for n in (newest, oldest)] == \
        [(line_only, "あやちゃん", "ご来店です"), (named, "山田 花子", "ご来店です")]
    assert [n.id for n in notices.listing(book, oldest_first=True)] == [oldest.id, newest.id]
    assert notices.newest_id(book) == newest.id

    heard: list[str] = []
    book.changed.connect(lambda change: heard.append(change.kind))
    notices.mark_seen(book, oldest.id)  # the one the window showed: the newer stays unseen
    assert [n.id for n in notices.listing(book)] == [newest.id]
    assert heard == ["notices"]
    notices.mark_seen(book, newest.id)
    notices.mark_seen(book, oldest.id)  # late (another window, the CLI): not unseen again
    assert notices.unseen_count(book) == 0
    assert [n.seen for n in notices.listing(book, unseen_only=False)] == [True, True]

    # A deleted customer's notices go with their timeline.
    book.customers.delete([line_only])
    assert [n.customer_id for n in notices.listing(book, unseen_only=False)] == [named]


def test_the_reads_use_the_partial_index(book) -> None:
    # INDEXED BY (as the module's reads say) fails to prepare when the index is missing
    # or its WHERE no longer matches the query's.
    with book.db.read() as s:
        plan = " ".join(str(r[-1]) for r in s.execute(text(
            "EXPLAIN QUERY PLAN SELECT count(*) FROM timeline_event INDEXED BY "  # noqa: S608
            f"ix_timeline_notice WHERE {NOTICE_WHERE} AND id > 0")))
    assert "ix_timeline_notice" in plan
    assert notices.unseen_count(book) == 0 and notices.newest_id(book) == 0


def test_rule_notices_lists_the_unseen_and_marks_them_seen(tmp_path) -> None:
    from app.profile import Profile
    from tests.core.test_cli import PASS, otokui

    profile = tmp_path / "profile"
    assert otokui(profile, "init").returncode == 0
    with Profile(profile).open(PASS) as book:
        cid = book.customers.create(name="山田 花子")
        visit = book.tags.create("来店")
        RuleService(book).save({"name": "来店のお知らせ", "enabled": True,
                                "when": {"kind": "tag_added", "tag": "来店"},
                                "then": [{"kind": "notify", "text": "ご来店です"}]})
        book.tags.add([cid], [visit])
    ran = otokui(profile, "rule", "run")  # headless: the notice waits in the book
    assert ran.returncode == 0, ran.stderr
    listed = otokui(profile, "rule", "notices")
    assert listed.returncode == 0, listed.stderr
    [line] = listed.stdout.splitlines()
    assert line.split("\t")[1:] == ["山田 花子さん", "ルール「来店のお知らせ」", "ご来店です"]
    seen = otokui(profile, "rule", "notices", "--seen")
    assert seen.stdout.splitlines()[-1] == "Marked as seen: 1."
    assert otokui(profile, "rule", "notices").stdout == "No new notices from rules.\n"
    every = otokui(profile, "rule", "notices", "--all")
    assert every.stdout.splitlines()[0].endswith("ご来店です\tseen")
