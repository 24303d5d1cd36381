"""Disclosure (開示請求) of one customer with 10,000 messages and 100 attachments.

Run from the repository root::

    .venv/bin/python -m bench.privacy            # 3 rounds
    .venv/bin/python -m bench.privacy --rounds 1

A real SQLCipher book in a temporary profile: one customer with 10,000 text messages and
100 attachments of 200 KB each (20 MB, stored encrypted), plus 2,000 other customers.

* ``disclose``: ``app.privacy.disclose.disclose`` writing the zip (summary HTML, every
  table as CSV and JSON, the attachments decrypted into the zip).
* ``baseline``: the floor, same run: the customer's message rows read with one query and
  every attachment decrypted (``iter_plaintext``) into a zip stored without compression.

Target: disclose ≤ 5 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != REPO / "bench"]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from sqlalchemy import insert, select  # noqa: E402

from app.privacy.disclose import disclose  # noqa: E402
from app.profile import Profile  # noqa: E402
from app.store.models import Customer, Message  # noqa: E402

MESSAGES, FILES, FILE_BYTES, OTHERS = 10_000, 100, 200_000, 2_000


def build(root: Path) -> tuple[object, int]:
    book = Profile(root / "profile").create(passphrase="bench passphrase 1234")  # noqa: S106
    cid = book.customers.create(name="開示 太郎", phone="090-1234-5678", memo="ベンチ")
    with book.db.write() as s:
        s.execute(insert(Customer), [{"name": f"他 {i}", "display_name": "", "furigana": "",
                                      "furigana_key": "", "phone": "", "phone_digits": "",
                                      "email": "", "email_key": "", "postal_code": "",
                                      "address": "", "memo": ""} for i in range(OTHERS)])
        s.execute(insert(Message), [{"customer_id": cid, "direction": "in" if i % 2 else "out",
                                     "type": "text", "text": f"メッセージ {i} です。よろしく",
                                     "payload": {}, "at_ms": 1_700_000_000_000 + i * 60_000}
                                    for i in range(MESSAGES)])
    for i in range(FILES):
        book.attachments.add_bytes(cid, os.urandom(FILE_BYTES), file_name=f"photo{i}.jpg")
    return book, cid


def baseline(book: object, cid: int, out: Path) -> None:
    b = book  # type: ignore[assignment]
    with b.db.read() as s:  # type: ignore[attr-defined]
        list(s.execute(select(Message.id, Message.text).where(Message.customer_id == cid)))
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as z:
        for att in b.attachments.list(cid):  # type: ignore[attr-defined]
            with z.open(f"f{att.id}", "w") as f:
                for chunk in b.attachments.iter_plaintext(att.id):  # type: ignore[attr-defined]
                    f.write(chunk)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-privacy-") as tmp:
        root = Path(tmp)
        t0 = time.perf_counter()
        book, cid = build(root)
        print(f"built in {time.perf_counter() - t0:.1f} s: {MESSAGES} messages, {FILES} files "
              f"of {FILE_BYTES // 1000} KB, {OTHERS} other customers")
        d_times, b_times = [], []
        for r in range(args.rounds):
            t = time.perf_counter()
            baseline(book, cid, root / f"base{r}.zip")
            b_times.append(time.perf_counter() - t)
            t = time.perf_counter()
            done = disclose(book, cid, root / f"d{r}.zip")  # type: ignore[arg-type]
            d_times.append(time.perf_counter() - t)
        size = (root / "d0.zip").stat().st_size
        d, b = statistics.median(d_times), statistics.median(b_times)
        print(f"disclose  median {d:.2f} s over {args.rounds} rounds "
              f"(target ≤ 5 s): zip {size / 1e6:.1f} MB, {sum(done.tables.values())} rows")
        print(f"baseline  median {b:.2f} s   ratio {d / b:.1f}×")
        book.close()  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
