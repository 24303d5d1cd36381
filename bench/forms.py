"""The form pages: page latency under 50 friends at once, answers per second, page weight.

Run from the repository root::

    .venv/bin/python -m bench.forms                 # 3 rounds
    .venv/bin/python -m bench.forms --rounds 1 --answers 600

The relay runs as in production (``relay.app`` on uvicorn, SQLite in WAL with
``synchronous=FULL``) in its own process, one device paired, a published 15-item form.
The load comes from httpx in this process; on a 2-core machine client and server share
the cores, so wall-clock figures are conservative; ``relay CPU per answer`` (the server
process's user + system time) says what one free core would do.

* ``page``: 50 friends load the form's per-friend page at once, again and again; p50/p95
  per request. ``bare``: the same, for a bare page on the same app (one route returning a
  small fixed HTML with the same headers): the stack's own floor, same run, interleaved.
  Loaded by a minimal keep-alive HTTP/1.1 client (``_load_raw``; ``--httpx`` for httpx,
  whose own CPU per request is larger than the relay's and then dominates on 2 cores).
* ``answers/s``: accepted posts (public link, 8 at once, each with its page's post token
  fetched beforehand): read, token checked, validated, sealed for the device, stored
  durably with its record row, thanked. Rate limits are raised for the run.
* ``relay CPU per request``: the relay process' CPU time over the page rounds and over
  the bare rounds, per request: the page's own cost, whatever else the machine runs.
* ``weight``: the page's HTML plus its CSS and script, without images.
* ``apply``: 1,000 per-friend answers (the same 15-item form, its items going to built-in
  fields, a custom field and tags) applied by the sync's hook into a copy of
  ``bench.book``'s 100,000-customer book: one pulled batch in one write transaction
  (:func:`app.sync.front_items.apply_front_items`), against the same number applied one
  transaction each (:func:`app.forms.apply_form_answer`, how the sync did it before), same
  run. ``--apply-only`` runs just this part.

Targets: page p95 ≤ 50 ms with 50 at once; ≥ 300 answers/s; ≤ 60 KB; 1,000 answers
applied ≤ 2 s.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import dataclasses
import multiprocessing as mp
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != REPO / "bench"]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import httpx  # noqa: E402
from starlette.responses import HTMLResponse  # noqa: E402
from starlette.routing import Route  # noqa: E402

from relay.app import RelayService, create_app  # noqa: E402
from relay.config import Settings  # noqa: E402
from relay.forms import links  # noqa: E402
from relay.forms.page_guard import PageLimits, Rate, page_headers  # noqa: E402
from relay.server import RelayServer  # noqa: E402
from relay.store import Store  # noqa: E402

FORM: dict = {"title": "初回問診票", "description": "ご来店前にご記入ください。", "items": [
    {"key": "h", "type": "heading", "label": "お客様について"},
    {"key": "name", "type": "name", "label": "お名前", "required": True, "furigana": True},
    {"key": "phone", "type": "phone", "label": "電話番号", "required": True},
    {"key": "email", "type": "email", "label": "メールアドレス"},
    {"key": "birthday", "type": "birthday", "label": "生年月日"},
    {"key": "address", "type": "address", "label": "ご住所"},
    {"key": "visits", "type": "number", "label": "ご来店回数", "integer": True},
    {"key": "day", "type": "date", "label": "ご希望の日"},
    {"key": "concern", "type": "choice", "multiple": True, "label": "気になること",
     "choices": ["くせ毛", "白髪", "乾燥", "頭皮", "ダメージ"]},
    {"key": "length", "type": "choice", "label": "髪の長さ",
     "choices": ["ショート", "ミディアム", "ロング"]},
    {"key": "how", "type": "choice", "display": "dropdown", "label": "きっかけ",
     "choices": ["ご紹介", "LINE", "通りがかり", "検索"]},
    {"key": "nick", "type": "text", "label": "呼ばれたいお名前"},
    {"key": "note", "type": "long_text", "label": "ご要望"},
    {"key": "photo", "type": "file", "label": "今の髪型", "accept": ["photo"]},
    {"key": "consent", "type": "consent", "label": "同意します", "required": True}]}
ANSWER = {"name": "山田 花子", "name.furigana": "やまだ はなこ", "phone": "090-1234-5678",
          "email": "hanako@example.jp", "birthday": "1990-04-01",
          "address.postal_code": "150-0001", "address": "東京都渋谷区神宮前1-2-3",
          "visits": "3", "day": "2026-12-24", "concern": ["くせ毛", "白髪"],
          "length": "ロング", "how": "LINE", "nick": "はな", "note": "前髪は短めに。" * 10,
          "consent": "1"}


def _serve(db: str, conn) -> None:  # type: ignore[no-untyped-def]
    """The relay, in its own process (as in production), plus the bare page."""
    import socket

    import uvicorn
    settings = Settings(channel_secret=b"0" * 32, database_url=f"sqlite:///{db}")
    service = RelayService(settings, Store.open(settings.database_url))
    many = Rate(1e9, 1e9)
    service.pages = dataclasses.replace(service.pages, limits=PageLimits(many, many, many))
    app = create_app(service)
    bare_html = ("<!doctype html><html lang=ja><meta charset=utf-8><title>bare</title>"
                 "<p>bare</p></html>")
    headers = page_headers()

    async def bare(request):  # type: ignore[no-untyped-def]
        return HTMLResponse(bare_html, headers=headers)

    app.router.routes.append(Route("/bench/bare", bare))
    config = uvicorn.Config(app, log_config=None, access_log=False, log_level="warning",
                            lifespan="on")
    server = RelayServer(config, service)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    conn.send((f"http://127.0.0.1:{sock.getsockname()[1]}",
               service.store.create_pairing_code(int(time.time() * 1000))))
    server.run(sockets=[sock])


def _cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _load(base: str, path: str, clients: int, per_client: int) -> list[float]:
    times: list[float] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as http:
        async def one() -> None:
            for _ in range(per_client):
                t = time.perf_counter()
                r = await http.get(path)
                times.append(time.perf_counter() - t)
                assert r.status_code == 200, r.status_code

        await asyncio.gather(*(one() for _ in range(clients)))
    return times


async def _load_raw(base: str, path: str, clients: int, per_client: int,
                    expect: bytes = b"</html>") -> list[float]:
    """:func:`_load` with a minimal HTTP/1.1 client (keep-alive, one request at a time per
    connection, the body read by its Content-Length): httpx costs this process several
    milliseconds of CPU a request, more than the relay's own, so on 2 shared cores its
    figures measure the load generator; this one costs a tenth of that."""
    from urllib.parse import urlsplit

    parts = urlsplit(base)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    request = (f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
               "Accept: text/html\r\n\r\n").encode("ascii")
    times: list[float] = []

    async def one() -> None:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            for _ in range(per_client):
                t = time.perf_counter()
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                assert head.startswith(b"HTTP/1.1 200"), head[:40]
                length = int(re.search(rb"(?i)\r\ncontent-length: *(\d+)", head).group(1))
                body = await reader.readexactly(length)
                times.append(time.perf_counter() - t)
                assert expect in body, body[:200]
        finally:
            writer.close()

    await asyncio.gather(*(one() for _ in range(clients)))
    return times


async def _answers(base: str, path: str, count: int, clients: int) -> float:
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as http:
        tokens = []
        for _ in range(count):
            page = (await http.get(path)).text
            tokens.append(re.search(r'name="_csrf" value="([^"]+)"', page).group(1))
        queue = list(tokens)
        from urllib.parse import urlencode

        async def one() -> None:
            while queue:
                token = queue.pop()
                pairs = [(k, x) for k, v in ANSWER.items()
                         for x in (v if isinstance(v, list) else [v])] + [("_csrf", token)]
                r = await http.post(path, content=urlencode(pairs).encode(), headers={
                    "content-type": "application/x-www-form-urlencoded"})
                assert r.status_code == 200, (r.status_code, r.text[:300])

        t = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(clients)))
        return count / (time.perf_counter() - t)


def _apply_form() -> dict:
    """FORM with where each answer goes in the book (the relay ignores ``to``)."""
    to = {"name": "name", "phone": "phone", "email": "email", "birthday": "birthday",
          "address": "address", "visits": "field:来店回数", "note": "memo"}
    form = {**FORM, "tags_on_answer": ["問診票回答済み"],
            "items": [dict(i, **({"to": to[i["key"]]} if i["key"] in to else {}))
                      for i in FORM["items"]]}
    for item in form["items"]:
        if item["key"] == "concern":
            item["choices"] = [{"label": c, "tags": [c]} for c in item["choices"]]
    return form


def _apply_bench(customers: int, answers: int, out: Path | None = None) -> dict[str, float]:
    """Seconds to apply ``answers`` per-friend answers: batched, and one at a time."""
    import json
    import shutil

    from sqlalchemy import select

    from app.forms import apply_form_answer
    from app.profile import Profile
    from app.store.models import Form
    from app.sync.apply import Incoming
    from app.sync.front_items import apply_front_items
    from bench.book import OUT, PASSPHRASE, build_book
    from relay.forms.items import ANSWER_MAGIC

    source = build_book((out or OUT) / f"book-{customers}", customers)
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "book"
        shutil.copytree(source.root, copy)
        profile = Profile(copy)
        book = profile._open_with_key(profile.manifest(), profile.unlock_key(PASSPHRASE))
        try:
            info = book.forms.create(_apply_form())
            book.forms.publish(info.form_id)
            with book.db.read() as s:
                secret = bytes(s.scalar(select(Form.link_secret)
                                        .where(Form.form_id == info.form_id)))
            fields = {k: v if isinstance(v, list) else [v] for k, v in ANSWER.items()}
            now = int(time.time())
            # Friends spread over the book (85% of the book's customers are on LINE).
            users = [f"U{i:032x}" for i in range(7, customers, customers // (2 * answers))]

            def item(user: str) -> dict:
                return {"answer_id": os.urandom(16).hex(), "form_id": info.form_id,
                        "version": 1, "submitted_at": now * 1000,
                        "identity": {"kind": "link",
                                     "token": links.make_token(secret, info.form_id, user,
                                                               now + 86400)},
                        "fields": fields, "files": {}, "replaces": None}

            batch = [Incoming(None, seq=n, front=ANSWER_MAGIC + json.dumps(
                item(u), ensure_ascii=False).encode()) for n, u in enumerate(users[:answers])]
            one_by_one = [item(u) for u in users[answers:2 * answers]]
            # The copied book's 140 MB are still being written back by the kernel: let that
            # finish first, or the batch's one commit (an fsync) waits for the copy's.
            os.sync()
            t, cpu = time.perf_counter(), time.process_time()
            rest = apply_front_items(book, batch)
            batched = time.perf_counter() - t
            batched_cpu = time.process_time() - cpu
            assert rest == [], [r.error for r in rest[:3]]
            t, cpu = time.perf_counter(), time.process_time()
            for answer in one_by_one:
                assert apply_form_answer(book, answer).status == "applied"
            single = time.perf_counter() - t
            single_cpu = time.process_time() - cpu
            assert len(book.forms.answers(info.form_id)) == len(batch) + len(one_by_one)
        finally:
            book.close()
    return {"batched": batched, "single": single, "batched_cpu": batched_cpu,
            "single_cpu": single_cpu, "n": len(batch),
            "n_single": len(one_by_one)}


def _report_apply(r: dict[str, float], customers: int) -> None:
    print(f"apply: {r['n']:.0f} answers into a {customers:,}-customer book in one batch "
          f"{r['batched']:.2f} s = {r['n'] / r['batched']:.0f}/s (target ≤ 2 s for 1,000); "
          f"one transaction each (before): {r['n_single']:.0f} in {r['single']:.2f} s = "
          f"{r['n_single'] / r['single']:.0f}/s; batched/single "
          f"{(r['batched'] / r['n']) / (r['single'] / r['n_single']):.2f}")
    print(f"apply CPU (this process): batch {r['batched_cpu']:.2f} s, one transaction each "
          f"{r['single_cpu']:.2f} s; load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores")


def _p(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--friends", type=int, default=50)
    parser.add_argument("--loads", type=int, default=10, help="page loads per friend a round")
    parser.add_argument("--answers", type=int, default=1000)
    parser.add_argument("--apply-customers", type=int, default=100_000)
    parser.add_argument("--apply-only", action="store_true")
    parser.add_argument("--skip-apply", action="store_true")
    parser.add_argument("--httpx", action="store_true",
                        help="load the pages with httpx (as before) instead of the raw client")
    parser.add_argument("--book-dir", type=Path, default=None,
                        help="where the benchmark book is built or reused (bench/out)")
    args = parser.parse_args()
    if args.apply_only:
        _report_apply(_apply_bench(args.apply_customers, args.answers, args.book_dir),
                      args.apply_customers)
        return
    ctx = mp.get_context("spawn")
    with tempfile.TemporaryDirectory() as tmp:
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_serve, args=(str(Path(tmp) / "relay.db"), child),
                           daemon=True)
        proc.start()
        base, code = parent.recv()
        try:
            http = httpx.Client(base_url=base, timeout=30)
            while True:
                try:
                    http.get("/healthz")
                    break
                except httpx.TransportError:
                    time.sleep(0.05)
            from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

            from relay.sealing import encode_public_key
            key = X25519PrivateKey.generate()
            dev = http.post("/v1/devices", json={"pairing_code": code, "name": "bench",
                                                 "public_key": encode_public_key(
                                                     key.public_key())}).json()
            auth = {"Authorization": f"Bearer {dev['token']}"}
            form_id, secret = os.urandom(8).hex(), os.urandom(32)
            mac = base64.b64encode(links.keys_for(secret, form_id)[0]).decode()
            assert http.put(f"/v1/forms/{form_id}", headers=auth, json={
                "version": 1, "definition": FORM, "link_key": mac}).status_code == 201
            token = links.make_token(secret, form_id, "U" + "a" * 32, int(time.time()) + 86400)
            page_path = f"/f/{form_id}/{token}"
            page = http.get(page_path)
            weight = len(page.content) + sum(
                len(http.get(src).content)
                for src in re.findall(r'(?:href|src)="(/f-assets/[^"]+)"', page.text))
            pages, bares = [], []
            load = _load if args.httpx else _load_raw
            cpu_page, cpu_bare = 0.0, 0.0  # the relay process' CPU seconds for each
            client_cpu = time.process_time()  # the load generator's own (this process)
            for _ in range(args.rounds):
                before = _cpu(proc.pid)
                bares.append(asyncio.run(load(base, "/bench/bare", args.friends, args.loads)))
                middle = _cpu(proc.pid)
                pages.append(asyncio.run(_load(base, page_path, args.friends, args.loads)
                                         if args.httpx else _load_raw(
                    base, page_path, args.friends, args.loads, b'name="_csrf"')))
                cpu_bare += middle - before
                cpu_page += _cpu(proc.pid) - middle
            client_cpu = time.process_time() - client_cpu
            rates, cpu_per_answer = [], []
            for _ in range(args.rounds):
                before = _cpu(proc.pid)
                n = args.answers // args.rounds
                rates.append(asyncio.run(_answers(base, f"/f/{form_id}", n, 8)))
                # includes the untimed GETs that fetched each post's page token
                cpu_per_answer.append((_cpu(proc.pid) - before) / n)
            depth = http.get("/healthz").json()["queue_depth"]
        finally:
            proc.terminate()
            proc.join(30)
    page_p95 = statistics.median(_p(t, 0.95) for t in pages)
    bare_p95 = statistics.median(_p(t, 0.95) for t in bares)
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    print(f"page  (15 items, {args.friends} at once): p50 "
          f"{statistics.median(_p(t, 0.5) for t in pages):.1f} ms, p95 {page_p95:.1f} ms "
          f"(target ≤ 50)")
    print(f"bare  ({args.friends} at once): p50 "
          f"{statistics.median(_p(t, 0.5) for t in bares):.1f} ms, p95 {bare_p95:.1f} ms; "
          f"page/bare p95 {page_p95 / bare_p95:.2f}")
    requests = args.rounds * args.friends * args.loads
    print(f"relay CPU per request: page {cpu_page / requests * 1000:.2f} ms, bare "
          f"{cpu_bare / requests * 1000:.2f} ms: the page's own "
          f"{(cpu_page - cpu_bare) / requests * 1000:.2f} ms (steadier than wall-clock "
          f"on a shared machine); the load generator ({'httpx' if args.httpx else 'raw'}, "
          f"this process) "
          f"{client_cpu / (2 * requests) * 1000:.2f} ms per request")
    cpu = statistics.median(cpu_per_answer)
    print(f"answers: {statistics.median(rates):.0f}/s validated, sealed, stored "
          f"(target ≥ 300); relay CPU {cpu * 1000:.2f} ms per answer incl. its page "
          f"= {1 / cpu:.0f} per CPU-second; queued {depth}")
    print(f"weight: {weight / 1000:.1f} KB without images (target ≤ 60)")
    if not args.skip_apply:
        _report_apply(_apply_bench(args.apply_customers, args.answers, args.book_dir),
                      args.apply_customers)


if __name__ == "__main__":
    main()
