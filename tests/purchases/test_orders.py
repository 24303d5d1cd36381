"""Purchases core on a real encrypted book: catalogue, counter sales, CSV import, refunds,
tags, summary fields in segments, events, CSV export, receipts."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from sqlalchemy import select

from app import domain_events
from app.errors import ImportRowsError, ValidationError
from app.purchases.amounts import parse_yen
from app.purchases.receipt import receipt_content, set_issuer
from app.purchases.service import (
    FIELD_LAST,
    FIELD_TOTAL,
    TAG_BUYER,
    TAG_REPEATER,
    SaleLine,
    tax_in,
)
from app.store.models import DomainEvent
from tests.core.test_cli import otokui

AT = dt.datetime(2026, 12, 1, 3, 0)


def tag_names(book, cid: int) -> set[str]:
    names = {t.id: t.name for t in book.tags.list()}
    return {names[t] for t in book.customers.tag_ids_of(cid)}


def test_amounts_accept_yen_marks_and_full_width_and_refuse_letters() -> None:
    assert parse_yen("¥1,980") == 1980
    assert parse_yen("１，９８０円") == 1980
    assert parse_yen("￥３００") == 300
    with pytest.raises(ValidationError):
        parse_yen("1,98O")
    with pytest.raises(ValidationError):
        parse_yen("")


def test_quick_sale_tags_fields_events_and_history(book) -> None:
    cid = book.customers.create(name="山田 花子")
    coffee = book.purchases.add_product("C1", "コーヒー豆", 1980, tax_rate=8, stock=3)
    cut = book.purchases.add_product("S1", "カット", 4400)
    first = book.purchases.quick_sale(cid, [SaleLine(coffee, 2), SaleLine(cut)], at=AT)
    order = book.purchases.get(first)
    assert order.total == 1980 * 2 + 4400 and order.status == "paid"
    assert order.totals_by_rate() == {8: 3960, 10: 4400}
    assert tag_names(book, cid) == {TAG_BUYER}
    assert [p.stock for p in book.purchases.products() if p.code == "C1"] == [1]
    with pytest.raises(ValidationError):
        book.purchases.quick_sale(cid, [SaleLine(coffee, 2)])
    book.purchases.quick_sale(cid, [SaleLine(name="物販", unit_price=500)],
                              at=AT + dt.timedelta(days=3))
    assert tag_names(book, cid) == {TAG_BUYER, TAG_REPEATER}
    hist = book.purchases.history(cid)
    assert [o.total for o in hist] == [500, 8360]
    summary = book.purchases.summary(cid)
    assert (summary.orders, summary.total) == (2, 8860)
    by_name = book.fields.by_name()
    values = book.fields.values_of(cid)
    assert values[by_name[FIELD_TOTAL].id] == 8860
    assert values[by_name[FIELD_LAST].id] == (AT + dt.timedelta(days=3)).date()
    with book.db.read() as s:
        kinds = [e.kind for e in s.scalars(select(DomainEvent).order_by(DomainEvent.id))
                 if e.kind.startswith("order.")]
    assert kinds == [domain_events.ORDER_PAID, domain_events.ORDER_PAID]
    timeline = [e.kind for e in book.audit.timeline(cid)]
    assert timeline.count("order_paid") == 2


def test_summary_fields_work_in_segments(book) -> None:
    from app.segments.model import FieldCondition, Group

    big = book.customers.create(name="たくさん")
    small = book.customers.create(name="すこし")
    book.purchases.quick_sale(big, [SaleLine(name="A", unit_price=30000)], at=AT)
    book.purchases.quick_sale(small, [SaleLine(name="B", unit_price=1000)], at=AT)
    fid = book.fields.by_name()[FIELD_TOTAL].id
    found = book.segments.ids(Group(items=(FieldCondition(fid, "gte", 10000),)))
    assert list(found) == [big]


def test_refunds_partial_full_and_too_large(book) -> None:
    cid = book.customers.create(name="返金さん")
    oid = book.purchases.quick_sale(cid, [SaleLine(name="A", unit_price=3000)], at=AT)
    with pytest.raises(ValidationError):
        book.purchases.refund(oid, 3001)
    assert book.purchases.refund(oid, 1000).status == "partially_refunded"
    with pytest.raises(ValidationError):
        book.purchases.refund(oid, 2001)
    done = book.purchases.refund(oid)
    assert (done.status, done.refunded) == ("refunded", 3000)
    assert book.purchases.summary(cid).total == 0
    with book.db.read() as s:
        kinds = [e.kind for e in s.scalars(select(DomainEvent))]
    assert kinds.count(domain_events.ORDER_REFUNDED) == 2


ORDERS_CSV = """注文番号,購入日時,LINE ID,会員番号,電話番号,メール,商品名,数量,単価,税率
A-1,2026/11/03 10:30,Uaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,,,,カット,1,"¥4,400",10%
A-1,2026/11/03 10:30,,,,,コーヒー豆,２,"１，９８０",8%
A-2,2026-11-05,,,090-1111-2222,,シャンプー,1,2200,
A-3,2026-11-06,,,,HANA@example.jp,トリートメント,1,3300,10
A-4,2026-11-07,,,,nobody@example.jp,ギフト,1,1000,10
"""


def test_order_import_matches_groups_and_is_idempotent(book, tmp_path: Path) -> None:
    a = book.customers.create(name="A", line_user_id="U" + "a" * 32)
    b = book.customers.create(name="B", phone="09011112222", email="hana@example.jp")
    f = tmp_path / "orders.csv"
    f.write_text(ORDERS_CSV, encoding="utf-8")
    dry = book.purchases.import_orders(f, dry_run=True)
    assert (dry.orders, dry.matched, dry.unmatched) == (4, 3, [(6, "A-4")])
    assert book.purchases.list() == []
    report = book.purchases.import_orders(f)
    assert (report.orders, report.matched) == (4, 3)
    a1 = book.purchases.by_number("A-1")
    assert a1.customer_id == a and a1.total == 4400 + 3960
    assert a1.ordered_at == dt.datetime(2026, 11, 3, 1, 30)  # JST → UTC
    assert [o.number for o in book.purchases.history(b)] == ["A-3", "A-2"]
    assert tag_names(book, b) == {TAG_BUYER, TAG_REPEATER}
    with book.db.read() as s:
        paid = [e.data["order_id"] for e in s.scalars(select(DomainEvent))
                if e.kind == domain_events.ORDER_PAID]
    assert sorted(paid) == ["A-1", "A-2", "A-3"]  # the unmatched A-4 has no customer
    again = book.purchases.import_orders(f)
    assert (again.orders, sorted(again.already)) == (0, ["A-1", "A-2", "A-3", "A-4"])
    assert book.purchases.sales_by_month() == [("2026-11", 4, 4400 + 3960 + 2200 + 3300 + 1000)]


def test_order_import_refuses_a_bad_amount_naming_the_row(book, tmp_path: Path) -> None:
    f = tmp_path / "bad.csv"
    f.write_text("注文番号,日時,商品名,単価\nB-1,2026-11-01,A,100\nB-2,2026-11-01,B,\"1,98O\"\n",
                 encoding="cp932")
    with pytest.raises(ImportRowsError) as err:
        book.purchases.import_orders(f)
    [problem] = err.value.problems
    assert (problem.row, problem.column, problem.value) == (3, "単価", "1,98O")
    assert book.purchases.list() == []  # all or nothing


def test_product_import_and_hidden(book, tmp_path: Path) -> None:
    f = tmp_path / "products.csv"
    f.write_text("コード,商品名,価格,税率,表示,在庫\nP1,豆,\"¥1,980\",8%,表示,10\n"
                 "P2,カット,4400,10,非表示,\n", encoding="utf-8")
    assert book.purchases.import_products(f) == 2
    assert [(p.code, p.price, p.tax_rate, p.stock) for p in book.purchases.products()] == [
        ("P1", 1980, 8, 10), ("P2", 4400, 10, None)]
    assert [p.code for p in book.purchases.products(shown_only=True)] == ["P1"]
    f.write_text("コード,商品名,価格\nP3,x,abc\n", encoding="utf-8")
    with pytest.raises(ImportRowsError):
        book.purchases.import_products(f)


def test_receipt_is_a_qualified_invoice(book) -> None:
    cid = book.customers.create(name="山田 花子")
    oid = book.purchases.quick_sale(cid, [
        SaleLine(name="コーヒー豆", unit_price=1980, quantity=2, tax_rate=8),
        SaleLine(name="カット", unit_price=4400)], at=AT)
    with pytest.raises(ValidationError):
        book.purchases.receipt_pdf(oid)
    with pytest.raises(ValidationError):
        set_issuer(book, "ヘアサロン花", "T123")
    set_issuer(book, "ヘアサロン花", "Ｔ１２３４５６７８９０１２３")
    pdf = book.purchases.receipt_pdf(oid)
    assert pdf.startswith(b"%PDF-") and b"/FontFile2" in pdf
    text = repr(receipt_content(book, book.purchases.get(oid)))
    assert "領収書" in text and "T1234567890123" in text and "ヘアサロン花" in text
    assert f"10%対象 ¥4,400（内消費税 ¥{tax_in(4400, 10):,}）" in text
    assert f"8%対象 ¥3,960（内消費税 ¥{tax_in(3960, 8):,}）" in text
    assert tax_in(4400, 10) == 400 and tax_in(3960, 8) == 293
    assert "コーヒー豆※" in text and "山田 花子 様" in text


def test_order_list_csv(book, tmp_path: Path) -> None:
    cid = book.customers.create(name="=危ない名前")
    book.purchases.quick_sale(cid, [SaleLine(name="A", unit_price=1100)], at=AT)
    out = tmp_path / "orders.csv"
    assert book.purchases.export_orders(out) == 1
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[0][0] == "注文番号"
    assert rows[1][1] == "2026-12-01 12:00" and rows[1][3] == "'=危ない名前"
    assert rows[1][6] == "1100"


def test_cli_contract(inited: Path, tmp_path: Path) -> None:
    f = tmp_path / "orders.csv"
    f.write_text(ORDERS_CSV, encoding="utf-8")
    dry = otokui(inited, "order", "import", str(f), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "unmatched: row 2, order A-1" in dry.stdout and dry.stdout.splitlines()[-1] == "4"
    real = otokui(inited, "order", "import", str(f))
    assert real.stdout.splitlines()[-1] == "4"
    out = tmp_path / "list.csv"
    listed = otokui(inited, "order", "list", "--csv", str(out))
    assert listed.stdout.splitlines()[-1] == "4" and out.exists()
    bad = tmp_path / "bad.csv"
    bad.write_text("注文番号,日時,商品名,単価\nB-1,2026-11-01,A,\"1,98O\"\n", encoding="utf-8")
    refused = otokui(inited, "order", "import", str(bad))
    assert refused.returncode == 1 and "row 2, column 単価" in refused.stderr
    products = tmp_path / "p.csv"
    products.write_text("code,name,price\nP1,豆,1980\n", encoding="utf-8")
    assert otokui(inited, "product", "import", str(products)).stdout.splitlines()[-1] == "1"
