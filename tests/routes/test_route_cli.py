"""``python main.py route …`` in a real subprocess, against a real relay on loopback."""

from __future__ import annotations

import io
from pathlib import Path

import segno

from app.routes.arrivals import apply as apply_arrival
from app.routes.arrivals import arrival_plaintext
from tests.core.test_cli import otokui
from tests.routes.conftest import ADD_FRIEND, Shop
from tests.sync.support import PASSPHRASE


def test_route_commands(plain_shop: Shop, tmp_path: Path) -> None:
    shop = plain_shop
    profile = shop.book.profile.root
    shop.book.close()

    def run(*args: str) -> str:
        r = otokui(profile, "route", *args, passphrase=PASSPHRASE)
        assert r.returncode == 0, r.stderr
        return r.stdout

    counter = run("add", "カウンターQR", "--tag", "QR来店", "--tag", "新規").splitlines()[-1]
    flyer = run("add", "チラシ").splitlines()[-1]
    assert (counter, flyer) == ("1", "2")
    dup = otokui(profile, "route", "add", "チラシ", passphrase=PASSPHRASE)
    assert dup.returncode == 1 and "流入経路" not in dup.stderr and "name" in dup.stderr

    assert "Published 2 route(s)" in run("publish", "--add-friend-url", ADD_FRIEND)
    url = run("url", counter).strip()
    assert url.startswith(f"{shop.relay.base_url}/r/")
    scan = shop.relay.http.get(url.removeprefix(shop.relay.base_url))
    assert scan.status_code == 303 and scan.headers["location"] == ADD_FRIEND

    png, svg = tmp_path / "counter.png", tmp_path / "counter.svg"
    assert run("qr", counter, str(png)).splitlines()[-1] == url
    assert run("qr", counter, str(svg)).splitlines()[-1] == url
    expected = io.BytesIO()
    segno.make(url, error="m", micro=False).save(expected, kind="png", scale=10, border=4)
    assert png.read_bytes() == expected.getvalue()
    assert b"<svg" in svg.read_bytes() and "カウンターQR" in svg.read_text(encoding="utf-8")
    bad = otokui(profile, "route", "qr", counter, str(tmp_path / "x.gif"),
                 passphrase=PASSPHRASE)
    assert bad.returncode == 2
    missing = otokui(profile, "route", "url", "99", passphrase=PASSPHRASE)
    assert missing.returncode == 1

    # The arrival the scan above sealed comes down with sync; list counts it.
    assert otokui(profile, "sync", "--once", passphrase=PASSPHRASE).returncode == 0
    lines = run("list", "--from", "2000-01-01", "--to", "2100-12-31").splitlines()
    assert lines[0] == "id\tname\ttags\tarrivals\tfriends\tfirst"
    assert lines[1] == "1\tカウンターQR\tQR来店,新規\t1\t0\t0"
    assert lines[2] == "2\tチラシ\t\t0\t0\t0"
    assert otokui(profile, "route", "list", "--from", "2026-13-01",
                  passphrase=PASSPHRASE).returncode == 2

    # Renamed: the URL stays; deleted: with its arrival, and the relay is told at once.
    assert "レジ横QR" in run("rename", counter, "レジ横QR", "--tag", "QR来店")
    assert run("url", counter).strip() == url
    out = run("delete", counter)
    assert "Deleted the route 「レジ横QR」 and its 1 arrival(s)." in out
    assert "Published 1 route(s)" in out
    assert shop.relay.http.get(url.removeprefix(shop.relay.base_url)).status_code == 404
    assert run("list", "--from", "2000-01-01", "--to", "2100-12-31").splitlines()[1:] == [
        "2\tチラシ\t\t0\t0\t0"]


def test_list_counts_a_known_friend_once(plain_shop: Shop) -> None:
    from app.routes.service import RouteService

    book = plain_shop.book
    route = RouteService(book).add("Instagram", ["インスタ"])
    item = arrival_plaintext("a" * 32, route.slug, 1_780_000_000_000, "U" + "1" * 32)
    assert apply_arrival(book, item) == "arrived"
    assert apply_arrival(book, item) == "duplicate"
    profile = book.profile.root
    book.close()
    r = otokui(profile, "route", "list", "--from", "2026-05-01", "--to", "2026-06-30",
               passphrase=PASSPHRASE)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[1] == "1\tInstagram\tインスタ\t1\t1\t1"
    # "route" as a cross tabulation dimension of `report crosstab`.
    r = otokui(profile, "report", "crosstab", "--rows", "route", "--cols", "tag",
               passphrase=PASSPHRASE)
    assert r.returncode == 0, r.stderr
    header, first = r.stdout.splitlines()[:2]
    assert "インスタ" in header.split("\t")
    assert first.split("\t")[0] == "Instagram" and first.split("\t")[-1] == "1"
    # The dashboard's 流入経路 figure, as `report routes` writes it.
    r = otokui(profile, "report", "routes", "--from", "2026-05-01", "--to", "2026-06-30",
               passphrase=PASSPHRASE)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[:2] == ["route_id\troute\tarrivals\tfriends\tfirst_route",
                                         "1\tInstagram\t1\t1\t1"]
