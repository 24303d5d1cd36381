"""``python main.py sequence …`` and ``coupon use``: the headless contract of docs/sequences.md."""

from __future__ import annotations

import json
from pathlib import Path

from app.profile import Profile
from tests.sequences.conftest import THREE_STEPS, Shop
from tests.sequences.test_kill import otokui


def test_import_start_by_tag_list_and_coupon_use(friends: Shop, profile: Profile,
                                                 tmp_path: Path) -> None:
    shop, b = friends, friends.book
    tag = b.tags.create("新規")
    b.tags.add([cid for cid, _ in shop.friends[:5]], [tag])
    cid = shop.friends[0][0]
    code = b.coupons.issue(cid, "手渡し", title="ドリンク1杯")
    path = tmp_path / "seq.json"
    path.write_text(json.dumps(THREE_STEPS, ensure_ascii=False), encoding="utf-8")
    with shop.closed():
        imported = otokui(profile, "sequence", "import", str(path))
        assert imported.returncode == 0, imported.stderr
        sid = imported.stdout.strip().splitlines()[-1]
        started = otokui(profile, "sequence", "start", sid, "--tag", "新規")
        assert started.returncode == 0, started.stderr
        assert started.stdout.strip().splitlines()[-1] == "5"
        again = otokui(profile, "sequence", "start", THREE_STEPS["name"], "--tag", "新規")
        assert again.stdout.strip().splitlines()[-1] == "0"  # running: not restarted
        listed = otokui(profile, "sequence", "list")
        assert f"{sid}\t3 steps\t5 running\t0 done\t0 stopped" in listed.stdout
        used = otokui(profile, "coupon", "use", code)
        assert used.returncode == 0 and used.stdout.strip().splitlines()[-1] == code
        twice = otokui(profile, "coupon", "use", code)
        assert twice.returncode == 1 and "used already" in twice.stderr
        for args in (["sequence", "start", sid, "--tag", "無いタグ"],
                     ["sequence", "start", "999", "--tag", "新規"],
                     ["coupon", "use", "NOSUCH00"]):
            bad = otokui(profile, *args)
            assert bad.returncode == 1 and bad.stderr.startswith("otokui:"), (args, bad)
    assert shop.book.coupons.get(code).status == "used"
