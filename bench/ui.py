"""The customer book window on 100,000 customers: start, search, scroll, memory.

Run from the repository root (offscreen by default; under Xvfb set QT_QPA_PLATFORM=xcb)::

    .venv/bin/python -m bench.ui                    # 100,000 customers (built once, reused)
    .venv/bin/python -m bench.ui --customers 20000

The book comes from ``bench.book.build_book`` (``bench/out/book-N``). Measured in one run,
each against a baseline measured in the same run:

* start to the first painted table: Qt and looks, unlocking the book (Argon2id, as a
  passphrase start), building the window, the first paint of the table's rows; baseline:
  a bare QTableView over an empty model, shown and painted;
* a keystroke in the search box to the repainted table (the debounce of 150 ms not
  counted; it is reported separately), for 1-, 2-, 3+-character and phone queries;
  baseline: the core's search alone (``book.search.ids``);
* scrolling from the top to the bottom a page at a time, painting every page; baseline:
  reading the same rows from the core in the model's pages without painting;
* peak memory (the process's maximum resident set size).

Figures are printed and written to ``docs/performance-ui.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance-ui.md"
TARGETS = {"first_paint_s": 1.5, "search_ms": 100, "peak_mb": 300}
QUERIES = ["田", "佐藤", "さとう", "ヤマダ", "090-12", "user123", "前髪", "存在しない名前"]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _current_rss_mb() -> float:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return _rss_mb()


class PaintWatch:
    """Records when a widget has painted (an event filter that never filters)."""

    def __init__(self, widget) -> None:
        from PySide6.QtCore import QEvent, QObject

        self.painted_at: float | None = None
        self.count = 0
        outer = self

        class _Filter(QObject):
            def eventFilter(self, _obj, event) -> bool:
                if event.type() == QEvent.Type.Paint:
                    outer.painted_at = time.perf_counter()
                    outer.count += 1
                return False

        self._filter = _Filter()
        widget.installEventFilter(self._filter)

    def reset(self) -> None:
        self.painted_at = None

    def wait(self, app, timeout: float = 10.0) -> float:
        deadline = time.perf_counter() + timeout
        while self.painted_at is None and time.perf_counter() < deadline:
            app.processEvents()
        if self.painted_at is None:
            raise RuntimeError("the table never painted")
        return self.painted_at


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--no-doc", action="store_true", help="print only")
    parser.add_argument("--scroll-pages", type=int, default=0,
                        help="page steps to scroll (0: top to bottom)")
    parser.add_argument("--whole-list", action="store_true",
                        help="the baseline model: every id of the query read before the paint")
    parser.add_argument("--peak-mb", type=int, default=TARGETS["peak_mb"],
                        help="memory target (issue 11 allows 400 MB at 1,000,000)")
    args = parser.parse_args(argv)

    from bench.book import OUT, PASSPHRASE, build_book

    t_build = time.perf_counter()
    profile = build_book(OUT / f"book-{args.customers}", args.customers, attachments=False)
    build_s = time.perf_counter() - t_build
    # The clock for "start" restarts here: building the test book is not part of it.
    t0 = time.perf_counter()

    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QStandardItemModel
    from PySide6.QtWidgets import QTableView

    from ui.app import choose_font, create_application
    from ui.resources import style_sheet

    app = create_application([sys.argv[0]])
    from ui import i18n

    i18n.compile_if_stale()
    i18n.install_translators(app, "ja")
    app.setStyleSheet(style_sheet())
    choose_font(app)
    t_qt = time.perf_counter()

    # Baseline: Qt's own cost of showing and painting an empty table.
    bare = QTableView()
    bare.setModel(QStandardItemModel(0, 7))
    bare.resize(1000, 700)
    watch_bare = PaintWatch(bare.viewport())
    tb = time.perf_counter()
    bare.show()
    baseline_paint_ms = (watch_bare.wait(app) - tb) * 1000
    bare.close()

    t_unlock = time.perf_counter()
    book = profile.open(PASSPHRASE)
    unlock_s = time.perf_counter() - t_unlock
    rss_book = _current_rss_mb()

    import tempfile

    from ui.main_window import MainWindow
    from ui.models import customer_table

    if args.whole_list:  # what the table did before it read large books in chunks
        customer_table.WINDOW_FROM = 10**12
    from ui.settings import Settings

    settings_file = Path(tempfile.mkdtemp()) / "bench-settings.ini"
    settings = Settings(QSettings(str(settings_file), QSettings.Format.IniFormat))
    t_window = time.perf_counter()
    window = MainWindow(book, settings)
    model = window.content.model
    window.resize(1400, 860)
    watch = PaintWatch(window.content.view.viewport())
    window.show()
    first_paint = watch.wait(app)
    window_s = first_paint - t_window
    start_s = first_paint - t0
    rows = window.content.model.rowCount()
    assert rows == args.customers, rows
    ids_read_at_paint = len(window.content.model._ids)

    # --- search: keystroke to repainted table -------------------------------------------------
    search = window.content.search
    ui_ms: list[float] = []
    core_ms: list[float] = []
    clear_ms: list[float] = []
    per_query: list[tuple[str, int, float, float]] = []
    from dataclasses import replace

    for rnd in range(3):
        for q in [*QUERIES, ""]:
            query = replace(window.current_query(), text=q)
            tc = time.perf_counter()
            if book.search.pageable(query) and book.search.count(query) > model.window_from:
                book.search.page(query, None, model.chunk)  # what the model reads first
            else:
                book.search.ids(query)
            core = (time.perf_counter() - tc) * 1000
            watch.reset()
            tk = time.perf_counter()
            search.setText(q)  # the keystroke's text
            window.apply_search()  # what the debounce timer fires
            window.content.view.viewport().update()
            done = watch.wait(app)
            ui = (done - tk) * 1000
            if rnd > 0 and q:  # the first round warms the caches, as typing does
                ui_ms.append(ui)
                core_ms.append(core)
            elif rnd > 0:
                clear_ms.append(ui)
            if rnd == 2:
                per_query.append((q or "(cleared: all)", model.rowCount(), core, ui))
    search.setText("")
    window.apply_search()

    # --- scrolling top to bottom ------------------------------------------------------------
    view = window.content.view
    bar = view.verticalScrollBar()
    bar.setValue(0)
    app.processEvents()
    model._rows.clear()
    fetches_before = model.fetches
    step_ms: list[float] = []
    ts = time.perf_counter()
    value = 0
    while not args.scroll_pages or len(step_ms) < args.scroll_pages:
        value = min(bar.maximum(), value + bar.pageStep())
        t = time.perf_counter()
        bar.setValue(value)
        view.viewport().repaint()
        step_ms.append((time.perf_counter() - t) * 1000)
        if value >= bar.maximum():
            break
    scroll_s = time.perf_counter() - ts
    pages = len(step_ms)
    fetches = model.fetches - fetches_before
    last_row = view.rowAt(view.viewport().height() - 2)
    # Baseline: the same rows read from the core, page by page, nothing painted.
    ids = model.ids_at(range(last_row + 1))
    tr = time.perf_counter()
    for start in range(0, len(ids), 200):
        book.customers.rows(ids[start:start + 200])
    rows_s = time.perf_counter() - tr

    # The worst case of reading ids as needed: the scroll bar dragged to the very bottom
    # (every id before the last row is read, in chunks); baseline: the whole-list model's
    # query of every id, which it ran before its first paint.
    watch.reset()
    tj = time.perf_counter()
    bar.setValue(bar.maximum())
    view.viewport().repaint()
    jump_s = time.perf_counter() - tj
    bottom_row = view.rowAt(view.viewport().height() - 2)
    peak_mb = _rss_mb()  # the window's peak; the baseline below is not the window's memory
    tw = time.perf_counter()
    whole = book.search.ids(replace(window.current_query(), text=""))
    whole_s = time.perf_counter() - tw
    assert whole[bottom_row] == model.id_at(bottom_row)
    del whole

    # The passphrase's key derivation alone (what a start with the key in the OS keyring
    # does not pay).
    tk = time.perf_counter()
    profile.unlock_key(PASSPHRASE)
    kdf_s = time.perf_counter() - tk
    window.close()
    app.processEvents()

    search_p50, search_p95 = statistics.median(ui_ms), _p(ui_ms, 0.95)
    core_p50 = statistics.median(core_ms)
    ok = {
        "first paint (passphrase start)": start_s <= TARGETS["first_paint_s"],
        "first paint (keyring start)": start_s - kdf_s <= TARGETS["first_paint_s"],
        "search (typed queries, p95)": search_p95 <= TARGETS["search_ms"],
        "memory": peak_mb <= args.peak_mb,
    }
    lines = [
        f"# Customer book window: performance on {args.customers:,} customers"
        + (" (whole-list model)" if args.whole_list else ""),
        "",
        f"Measured by `bench/ui.py` on {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, Qt platform "
        f"`{os.environ.get('QT_QPA_PLATFORM')}`; the book from `bench.book.build_book` "
        f"(built or reused in {build_s:.1f} s, not counted).",
        "",
        "| What | Measured | Target | Baseline in the same run | Ratio |",
        "|---|---|---|---|---|",
        f"| Start to first painted table | {start_s:.2f} s | ≤ {TARGETS['first_paint_s']} s | "
        f"bare QTableView shown and painted: {baseline_paint_ms:.0f} ms | "
        f"{start_s * 1000 / baseline_paint_ms:.1f}× |",
        f"| · Qt, style sheet, translations, font | {(t_qt - t0) * 1000:.0f} ms | | | |",
        f"| · unlock with the passphrase (Argon2id) and open | {unlock_s * 1000:.0f} ms | "
        "| | |",
        f"| · window built and table painted ({ids_read_at_paint:,} ids read) | "
        f"{window_s * 1000:.0f} ms | | | |",
        f"| Start without the passphrase's Argon2id ({kdf_s * 1000:.0f} ms), as when the "
        f"key is in the OS keyring | {start_s - kdf_s:.2f} s | ≤ {TARGETS['first_paint_s']} s"
        " | | |",
        f"| Keystroke in search to repainted table, p50 / p95 | {search_p50:.1f} / "
        f"{search_p95:.1f} ms | ≤ {TARGETS['search_ms']} ms | core search alone p50: "
        f"{core_p50:.1f} ms | {search_p50 / max(core_p50, 0.01):.1f}× |",
        f"| · with the 150 ms typing debounce | {search_p50 + 150:.0f} / "
        f"{search_p95 + 150:.0f} ms | | | |",
        f"| Clearing the search (all {args.customers:,} back), p50 | "
        f"{statistics.median(clear_ms):.0f} ms | | | |",
        f"| Scroll {'from the top' if args.scroll_pages else 'top to bottom'}, a page at "
        f"a time ({pages:,} pages painted, "
        f"{fetches} row fetches) | {scroll_s:.2f} s | | rows read from the core, no "
        f"painting: {rows_s:.2f} s | {scroll_s / max(rows_s, 0.001):.1f}× |",
        f"| Scroll bar dragged to the bottom (every id read, in chunks) | {jump_s:.2f} s | | "
        f"the whole-list model's query of every id: {whole_s:.2f} s | "
        f"{jump_s / max(whole_s, 0.001):.1f}× |",
        f"| · one page step (fetch if needed + paint), p50 / p95 / max | "
        f"{statistics.median(step_ms):.1f} / {_p(step_ms, 0.95):.1f} / {max(step_ms):.1f} ms"
        " | | | |",
        f"| Peak memory (max RSS) | {peak_mb:.0f} MB | ≤ {args.peak_mb} MB | "
        f"after opening the book, before the window: {rss_book:.0f} MB | "
        f"{peak_mb / rss_book:.1f}× |",
        "",
        "Per query (last round; rows found, core search, keystroke to repainted table):",
        "",
        "| Query | Rows | Core | Window |",
        "|---|---|---|---|",
        *[f"| {q} | {n:,} | {c:.1f} ms | {u:.1f} ms |" for q, n, c, u in per_query],
        "",
        "Targets: " + ", ".join(f"{k} {'met' if v else 'NOT met'}" for k, v in ok.items())
        + f". Last row reached: {last_row + 1:,} of {rows:,}.",
        "",
        "Notes:",
        "",
        "* The machine is shared with other work: the same script run twice within an hour "
        "has given figures up to about 40% apart (start 0.98 s and 1.37 s). Compare the "
        "ratios to their baselines rather than single figures across runs.",
        "* Search is measured from the text being in the box to the repainted table; "
        "typing waits 150 ms for the owner to pause first (the debounce), shown separately. "
        "Clearing the box brings all customers back: on a book of more than "
        f"{model.window_from:,} customers that is a count and the first {model.chunk:,} ids "
        "along the sort column's index (its column \"Core\"), the rest being read as the "
        "view reaches them; on a smaller book, the query of every id.",
        "* The scroll forces a full repaint of every page (worst case). Wheel scrolling "
        "moves the painted rows and repaints only the rows that come into view; rows are "
        f"fetched {200} at a time and at most 6,000 are kept, so memory stays flat.",
        "",
    ]
    report = "\n".join(lines)
    print(report)
    if not args.no_doc:
        DOC.parent.mkdir(parents=True, exist_ok=True)
        DOC.write_text(report, encoding="utf-8")
        print(f"written to {DOC.relative_to(ROOT)}")
    book.close()
    return 0 if all(ok.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
