"""Purchases (app/purchases): order import, a customer's history, sales per month.

Run from the repository root::

    .venv/bin/python -m bench.purchases

Targets (issue 15): import 10,000 orders ≤ 5 s; the history of a customer with 1,000
orders ≤ 100 ms; sales per month over 100,000 orders ≤ 200 ms. Baselines measured in the
same run on the same book: reading the 10,000-row CSV alone (csv module), and a bare
``SELECT count(*)`` over the orders, so the ratios say what our code adds.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
import time
from pathlib import Path

from sqlalchemy import text


def _csv(path: Path, n: int, *, start: int = 0) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["注文番号", "日時", "電話番号", "商品名", "数量", "単価", "税率"])
        for i in range(start, start + n):
            day = dt.date(2024, 1, 1) + dt.timedelta(days=i % 700)
            w.writerow([f"B{i:07d}", f"{day:%Y/%m/%d} 10:00", f"0901000{i % 2000:04d}",
                        "商品", 1 + i % 3, "¥1,980", "10%" if i % 2 else "8%"])


def _timed(fn):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=10_000, help="orders per imported file")
    ap.add_argument("--files", type=int, default=10, help="files imported in all")
    args = ap.parse_args()
    n_orders = args.orders
    from app.profile import Profile
    from app.purchases.service import SaleLine

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        book = Profile(root / "p").create(passphrase="ベンチ用の合言葉 2026 ok")  # noqa: S106
        with book.db.write() as s:
            from app.customers import CustomerService

            for i in range(2000):
                CustomerService.create_in(s, {"name": f"客{i}", "phone": f"0901000{i:04d}"})
        print("book ready", flush=True)
        f = root / "orders.csv"
        _csv(f, n_orders)
        base, _ = _timed(lambda: sum(1 for _ in csv.reader(f.open(encoding="utf-8"))))
        took, report = _timed(lambda: book.purchases.import_orders(f))
        print(f"import {n_orders:,} orders: {took:.2f} s (target ≤ 5 s; {report.matched} matched); "
              f"reading the CSV alone {base * 1000:.0f} ms")
        cid = book.customers.create(name="常連")
        with book.db.write() as s:
            from app.store.models_purchases import OrderLine

            for i in range(1000):
                book.purchases.record_in(
                    s, number=f"H{i:05d}", customer_id=cid, source="counter",
                    at=dt.datetime(2025, 1, 1) + dt.timedelta(hours=i), summaries=False,
                    lines=[OrderLine(name="カット", unit_price=4400, quantity=1, tax_rate=10)])
        book.purchases.quick_sale(cid, [SaleLine(name="x", unit_price=1)])
        runs = [_timed(lambda: book.purchases.history(cid))[0] for _ in range(5)]
        print(f"history of a customer with 1,001 orders: {sorted(runs)[2] * 1000:.0f} ms "
              "(median of 5; target ≤ 100 ms)")
        for k in range(args.files - 1):
            g = root / f"more{k}.csv"
            _csv(g, n_orders, start=n_orders * (k + 1))
            book.purchases.import_orders(g)
        with book.db.read() as s:
            n = s.execute(text("SELECT count(*) FROM shop_order")).scalar_one()
            bare = sorted(_timed(lambda: s.execute(text(
                "SELECT count(*), sum(total) FROM shop_order")).all())[0] for _ in range(5))[2]
        runs = [_timed(book.purchases.sales_by_month)[0] for _ in range(5)]
        print(f"sales per month over {n:,} orders: {sorted(runs)[2] * 1000:.0f} ms "
              f"(median of 5; target ≤ 200 ms); a bare count+sum {bare * 1000:.0f} ms")
        book.close()


if __name__ == "__main__":
    main()
