"""``python main.py booking …`` in a real subprocess on a real book."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

from app.booking.service import BookingService
from app.profile import Profile
from tests.booking.conftest import EXAMPLE_PATH
from tests.core.test_cli import PASS, otokui


def test_setup_slots_list_and_csv(tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    assert otokui(profile, "init").returncode == 0
    done = otokui(profile, "booking", "setup", str(EXAMPLE_PATH))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "Saved: 3 menus, 2 staff, 1 classes."
    slots = otokui(profile, "booking", "slots", "--from", "2026-12-07", "--menu", "color")
    assert slots.stdout.splitlines()[0] == "2026-12-07 10:00\tcolor\tsato\t1"
    with Profile(profile).open(PASS) as book:
        cid = book.customers.create(name="コマンド 四郎")
        BookingService(book).make(menu_id="color", start=dt.datetime(2026, 12, 7, 10),
                                  customer_id=cid)
    listed = otokui(profile, "booking", "list", "--from", "2026-12-01", "--to", "2026-12-31")
    assert listed.returncode == 0
    assert listed.stdout.strip().split("\t")[1:] == ["2026-12-07 10:00", "color", "sato",
                                                     "予約済み"]
    out = tmp_path / "b.csv"
    exported = otokui(profile, "booking", "list", "--from", "2026-12-07", "--to",
                      "2026-12-07", "--csv", str(out))
    assert exported.stdout.strip().splitlines()[-1] == f"Wrote 1 bookings to {out}"
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert rows[1][1:8] == ["2026-12-07 10:00", "11:30", "カラー", "佐藤", "コマンド 四郎",
                            "予約済み", "7700"]


def test_bad_setup_is_one_line_and_saves_nothing(tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    assert otokui(profile, "init").returncode == 0
    bad = json.loads(EXAMPLE_PATH.read_text(encoding="utf-8"))
    bad["menus"][0]["duration"] = "60"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    done = otokui(profile, "booking", "setup", str(path))
    assert done.returncode == 1 and "menus[0].duration" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    slots = otokui(profile, "booking", "slots", "--from", "2026-12-07")
    assert slots.returncode == 1 and slots.stdout == ""
    assert len(slots.stderr.strip().splitlines()) == 1  # not set up yet


def test_publish_sends_free_capacity_to_a_real_relay(tmp_path: Path) -> None:
    from relay.booking import holds
    from relay.store import Store
    from tests.forms.test_cli import pair_book
    from tests.relay.harness import ManualClock, ThreadRelay

    relay = ThreadRelay(f"sqlite:///{tmp_path / 'relay.db'}", tmp_path / "relay.log",
                        clock=ManualClock())
    try:
        profile = tmp_path / "profile"
        assert otokui(profile, "init").returncode == 0
        assert otokui(profile, "booking", "setup", str(EXAMPLE_PATH)).returncode == 0
        pair_book(profile, relay)
        done = otokui(profile, "booking", "publish")
        assert done.returncode == 0, done.stderr
        count = int(done.stdout.strip().splitlines()[-1].split()[1])
        assert count > 100
        store = Store.open(relay.db_url)
        try:
            free = holds.free(store, "default")
        finally:
            store.close()
        assert len(free) == count
        keys = list(free)
        assert all(k.count("|") == 2 for k in keys)
        # Per resource and step (a menu's window is computed by the pages), classes per
        # session; hidden menus are not published at all.
        assert any(k.startswith("*|sato|") for k in keys)
        assert any(k.startswith("lesson|-|") for k in keys)
        assert not any(k.startswith(("spa|", "color|")) for k in keys)

        # A friend's own booking page: the URL on the last line, nothing personal in it.
        uid = "U" + "4af4980629" * 3 + "12"
        made = otokui(profile, "booking", "link", "--line-user-id", uid)
        assert made.returncode == 0, made.stderr
        url = made.stdout.strip().splitlines()[-1]
        assert url.startswith(relay.base_url + "/b/") and uid not in url
        import httpx

        page = httpx.get(url)
        assert page.status_code == 200 and "カット" in page.text
        bad = otokui(profile, "booking", "link", "--line-user-id", "nobody")
        assert bad.returncode == 1 and bad.stderr.strip().count("\n") == 0
    finally:
        relay.stop()


def test_link_without_a_friend_prints_the_shops_liff_url(tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    assert otokui(profile, "init").returncode == 0
    missing = otokui(profile, "booking", "link")
    assert missing.returncode == 1 and "--liff-id" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1
    bad = otokui(profile, "booking", "link", "--liff-id", "not an id")
    assert bad.returncode == 1
    done = otokui(profile, "booking", "link", "--liff-id", "1234567890-AbCdEfGh")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "https://liff.line.me/1234567890-AbCdEfGh/b"
    again = otokui(profile, "booking", "link", "--mine")  # remembered
    assert again.stdout.strip().splitlines()[-1] == \
        "https://liff.line.me/1234567890-AbCdEfGh/b/mine"
