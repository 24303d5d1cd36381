# ruff: noqa: F811 - the fixtures imported below are parameters by name
"""Photos in a rule's send, with the real parts: the encrypted book, the relay (hosting
the images on an https name, as tests/inbox does) and the LINE emulator."""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.automation import images
from app.automation.engine import run_pending, send_pending
from app.automation.service import RuleService
from app.errors import OtokuiError, ValidationError
from app.profile import Profile
from app.store.models_rules import RuleImage, RuleSend
from emulator import run_in_thread
from tests.inbox.conftest import PUBLIC_URL, fetch_public, quick, relay, sync  # noqa: F401
from tests.relay.harness import ThreadRelay
from tests.sync.conftest import Connected, book, connected, emulator, line, profile  # noqa: F401
from tests.sync.support import ACCESS_TOKEN, CHANNEL_SECRET, PASSPHRASE
from tests.sync.test_durability import otokui


def png(width: int = 4, height: int = 3, fill: bytes = b"\xe0\xa0\x30", pad: int = 0) -> bytes:
    """A real PNG (RGB, one colour); ``pad`` bytes of an ancillary chunk make it larger."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + fill * width for _ in range(height))
    out = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                              0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw)))
    if pad:
        out += chunk(b"teXt", b"pad\x00" + b"x" * pad)
    return out + chunk(b"IEND", b"")


def _greeting(photos: list[str], text: str = "友だち追加ありがとうございます!クーポンです"
              ) -> dict:
    return {"name": "クーポン", "enabled": True, "when": {"kind": "follow"},
            "then": [{"kind": "send", "text": text, "images": photos}]}


def _count(book, model) -> int:
    with book.db.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def _blobs(book) -> set[str]:
    folder = book.attachments.folder
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def test_an_imported_rule_greets_with_its_photo_in_one_reply(relay: ThreadRelay,
                                                             tmp_path: Path) -> None:
    profile_dir = tmp_path / "profile"
    Profile(profile_dir).create(passphrase=PASSPHRASE).close()
    folder = tmp_path / "rules"
    folder.mkdir()
    photo = png(6, 5)
    (folder / "coupon.png").write_bytes(photo)
    rule_file = folder / "greeting.json"
    rule_file.write_text(json.dumps(_greeting(["coupon.png"]), ensure_ascii=False),
                         encoding="utf-8")
    with run_in_thread(channel_secret=CHANNEL_SECRET, access_token=ACCESS_TOKEN, quota=None,
                       webhook_url=f"{relay.base_url}/line/webhook") as running:
        e = running.emulator
        done = otokui(profile_dir, "connect", "--relay", relay.base_url, "--code",
                      relay.pairing_code(), "--api-base", running.base_url,
                      "--data-base", running.data_url, "--name", "レジ横",
                      OTOKUI_LINE_ACCESS_TOKEN=ACCESS_TOKEN,
                      OTOKUI_LINE_CHANNEL_SECRET=CHANNEL_SECRET)
        assert done.returncode == 0, done.stderr
        # From another folder: the photo's path is the rule file's folder's.
        imported = otokui(profile_dir, "rule", "import", str(rule_file))
        assert imported.returncode == 0, imported.stderr
        rid = int(imported.stdout.strip().splitlines()[-1])

        uid = e.add_user("渡辺 直樹")
        e.wait_for_deliveries(10)
        synced = otokui(profile_dir, "sync", "--once")
        assert synced.returncode == 0, synced.stderr

        sent = e.sent()
        assert [s["endpoint"] for s in sent].count("push") == 0
        (reply,) = [s for s in sent if "reply" in s["endpoint"]]
        text, image = reply["messages"]
        assert text == {"type": "text", "text": "友だち追加ありがとうございます!クーポンです"}
        assert image["type"] == "image"
        assert image["originalContentUrl"].startswith(PUBLIC_URL + "/")
        assert image["previewImageUrl"].startswith(PUBLIC_URL + "/")
        assert fetch_public(relay, image["originalContentUrl"]).content == photo

        tried = otokui(profile_dir, "rule", "try", str(rid), "--line-user-id", uid)
        assert tried.returncode == 0, tried.stderr
        assert "(写真1枚)" in tried.stdout

    # Never in plaintext on disk: not in any file of the profile (the book, the
    # attachments folder, logs), whole or in part.
    for path in profile_dir.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            assert photo not in content, path
            assert photo[-40:] not in content, path


def test_refused_photos_leave_nothing(book, tmp_path: Path) -> None:
    rules = RuleService(book)
    text_file = tmp_path / "memo.jpg"
    text_file.write_text("これは写真ではありません", encoding="utf-8")
    big = tmp_path / "big.png"
    big.write_bytes(png(pad=1_100_000))  # over 1 MB: LINE would need a preview
    huge = tmp_path / "huge.png"
    huge.write_bytes(png(pad=10_100_000))  # over LINE's 10 MB
    good = tmp_path / "ok.png"
    good.write_bytes(png())
    cases = [
        ([str(good), str(text_file)], "LINE can send only JPEG and PNG images"),
        ([str(big)], "at most 1 MB"),
        ([str(huge)], "larger than 10 MB"),
        ([str(good)] * 5, "at most five bubbles"),  # the text and five photos: six
        ([str(tmp_path / "missing.png")], "cannot be read"),
        ([{"blob": "0" * 32 + ".otk"}], "no longer in the book"),
    ]
    for photos, words in cases:
        with pytest.raises(ValidationError) as info:
            rules.save(_greeting(photos))
        assert words in str(info.value.message), (photos, info.value.message)
    with pytest.raises(ValidationError):  # neither a text nor a photo
        rules.save(_greeting([], text=" "))
    assert rules.list() == []
    assert _count(book, RuleImage) == 0
    assert _blobs(book) == set()
    # Five photos without a text are five bubbles: taken.
    rid = rules.save(_greeting([str(good)] * 5, text=""))
    assert len(rules.get(rid).spec["then"][0]["images"]) == 5
    assert len(_blobs(book)) == 5


def test_photos_are_kept_while_a_send_needs_them(book, tmp_path: Path) -> None:
    rules = RuleService(book)
    first, second = tmp_path / "a.png", tmp_path / "b.jpg"
    first.write_bytes(png(fill=b"\x10\x20\x30"))
    second.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 64 + b"\xff\xd9")
    rid = rules.save(_greeting([str(first)]))
    (kept,) = _blobs(book)
    # Replaced: the old photo goes at once (nothing pending needs it).
    spec = rules.get(rid).spec
    rules.save({"name": "クーポン", "when": spec["when"], "then": [
        {"kind": "send", "text": "新しいクーポン", "images": [str(second)]}]}, rule_id=rid)
    (now,) = _blobs(book)
    assert now != kept
    stored = rules.get(rid).spec["then"][0]["images"]
    assert stored == [{"blob": now, "type": "image/jpeg", "name": "b.jpg"}]
    # Saved again as the editor gives it back (stored references): the photo stays.
    rules.save({"name": "クーポン", "enabled": True, "when": spec["when"],
                "then": rules.get(rid).spec["then"]}, rule_id=rid)
    assert _blobs(book) == {now}
    assert "(写真1枚)" in rules.try_on(rid, book.customers.create(display_name="試し")).actions[0]

    # It fires; the message waits to be sent; the rule is deleted: the photo stays.
    cid = book.customers.create(display_name="佐藤 花子")
    from app import domain_events

    with book.db.write() as s:
        domain_events.emit(s, domain_events.FRIEND_FOLLOWED, key="t-follow", customer_id=cid,
                           data={"again": False})
    assert run_pending(book, send=False).fired == 1
    with book.db.read() as s:
        (row,) = s.scalars(select(RuleSend))
        assert row.images == stored and row.state == "pending"
    rules.delete(rid)
    assert _blobs(book) == {now} and _count(book, RuleImage) == 1
    # Sent (here it fails: the book is not connected): nothing needs the photo any more.
    send_pending(book)
    with book.db.read() as s:
        assert s.scalar(select(RuleSend.state)) == "failed"
    assert _blobs(book) == set() and _count(book, RuleImage) == 0


def test_a_missing_photo_fails_that_send_alone(connected: Connected, tmp_path: Path) -> None:
    b, e = connected.book, connected.emulator
    quick(b, connected.relay)
    photo = tmp_path / "coupon.png"
    photo.write_bytes(png())
    rules = RuleService(b)
    rules.save(_greeting([str(photo)]))
    rules.save({"name": "あいさつ", "enabled": True, "when": {"kind": "follow"},
                "then": [{"kind": "send", "text": "ようこそ"}]})
    b.sending.clock = connected.relay.clock
    # The photo's file is removed behind Otokui's back before the rule fires.
    for blob in _blobs(b):
        b.attachments.blob_path(blob).unlink()
    e.add_user("小林 彩")
    sync(connected)
    with b.db.read() as s:
        states = {r.text: (r.state, r.error) for r in s.scalars(select(RuleSend))}
    assert states["ようこそ"] == ("sent", None)
    assert states["友だち追加ありがとうございます!クーポンです"] == (
        "failed", images.MISSING)
    texts = [m["text"] for s in e.sent() for m in s["messages"]]
    assert texts == ["ようこそ"]


def test_the_missing_photo_error_speaks_to_the_owner() -> None:
    from app.automation.engine import MissingImageError

    err = MissingImageError("1 photos")
    assert isinstance(err, OtokuiError) and err.code == images.MISSING
    assert "add the photo again" in str(err.advice)


def test_a_backup_keeps_the_rules_photos(book, tmp_path: Path) -> None:
    from app import backup

    photo = png(fill=b"\x01\x02\x03")
    (tmp_path / "coupon.png").write_bytes(photo)
    rid = RuleService(book).save(_greeting([str(tmp_path / "coupon.png")]))
    target = tmp_path / "backup.otokui"
    backup.create_backup(book, target)
    other = Profile(tmp_path / "other")
    backup.restore_backup(other, target, passphrase=PASSPHRASE)
    with other.open(PASSPHRASE) as restored:
        refs = RuleService(restored).get(rid).spec["then"][0]["images"]
        with restored.db.read() as s:
            assert images.read(restored, s, refs) == [photo]
