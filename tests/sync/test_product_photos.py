"""A product's photo from the book to the friend's product page: set in the book (JPEG or
PNG by its bytes, 300 KB at most; a disguised or oversized file refused, nothing changed),
sent with `order online`, shown on the relay's page and served as itself."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from app.errors import ValidationError
from app.purchases import online
from app.purchases.service import PHOTO_MAX_BYTES
from tests.sync.conftest import PASSPHRASE, Connected
from tests.sync.support import fast_worker
from tests.sync.test_payments import SK, WHSEC, relay, stripe_api  # noqa: F401

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89" + secrets.token_bytes(300))


def test_a_photo_goes_from_the_book_to_the_page(connected: Connected, tmp_path: Path) -> None:
    book, e = connected.book, connected.emulator
    uid = e.add_user("はなこ")
    e.wait_for_deliveries(1)
    fast_worker(book).run_once()
    book.purchases.add_product("P1", "コーヒー豆", 1980, tax_rate=8)
    book.purchases.add_product("P2", "カット", 4400)
    with pytest.raises(ValidationError):  # an .exe named .jpg
        book.purchases.set_photo("P1", b"MZ\x90\x00" + secrets.token_bytes(100))
    with pytest.raises(ValidationError):  # too big for a phone's page
        book.purchases.set_photo("P1", PNG + b"\x00" * PHOTO_MAX_BYTES)
    with pytest.raises(ValidationError):
        book.purchases.set_photo("NOPE", PNG)
    assert all(p.photo is None for p in book.purchases.products())  # nothing half-stored

    # The CLI sets it from a file (last line: the product's code).
    root = book.profile.root
    picture = tmp_path / "beans.png"
    picture.write_bytes(PNG)
    book.close()
    done = subprocess.run([sys.executable, "main.py", "--profile", str(root), "product",
                           "photo", "P1", str(picture)], capture_output=True, text=True,
                          env={**os.environ, "OTOKUI_PASSPHRASE": PASSPHRASE}, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "P1"
    book = book.profile.open(PASSPHRASE)
    try:
        assert [p.photo for p in book.purchases.products()] == [PNG, None]
        assert online.switch_on(book, SK, WHSEC) == 2
        url = online.link(book, uid, days=7)
        with httpx.Client() as client:
            page = client.get(url)
            assert page.status_code == 200
            src = next(part.split('"')[0] for part in page.text.split('src="')[1:]
                       if "/photo/" in part)
            photo = client.get(connected.relay.base_url + src)
        assert photo.status_code == 200 and photo.content == PNG
        assert photo.headers["content-type"] == "image/png"
        assert page.text.count("product-photo") == 1  # カット has none
    finally:
        book.close()
