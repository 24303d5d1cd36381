"""``python main.py form …`` in a real subprocess, publishing to a real relay on loopback."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app.line.connection import Device as BookDevice
from app.profile import Profile
from app.store.models import Form
from relay.forms import links
from tests.core.test_cli import PASS, otokui
from tests.forms.conftest import EXAMPLE_PATH
from tests.relay.harness import ManualClock, ThreadRelay

USER = "U" + "0123456789abcdef" * 2


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[ThreadRelay]:
    running = ThreadRelay(f"sqlite:///{tmp_path / 'relay.db'}", tmp_path / "relay.log",
                          clock=ManualClock())
    yield running
    running.stop()


@pytest.fixture
def inited(tmp_path: Path) -> Path:
    profile = tmp_path / "profile"
    assert otokui(profile, "init").returncode == 0
    return profile


def pair_book(profile: Path, relay: ThreadRelay) -> None:
    """What `connect` leaves in the book, for a device the relay really paired."""
    device = relay.pair()
    raw = device.key.private_bytes_raw()
    with Profile(profile).open(PASS) as book:
        book.line.save_pairing(relay.base_url, BookDevice(
            device_id=device.device_id, token=device.token, name="test", private_key_raw=raw,
            paired_at=dt.datetime.now(dt.UTC).isoformat()))


def last_line(text: str) -> str:
    return text.strip().splitlines()[-1]


def test_import_publish_link_and_export(inited: Path, relay: ThreadRelay,
                                       tmp_path: Path) -> None:
    imported = otokui(inited, "form", "import", str(EXAMPLE_PATH))
    assert imported.returncode == 0, imported.stderr
    form_id = last_line(imported.stdout)
    assert links.is_form_id(form_id)

    alone = otokui(inited, "form", "publish", form_id)
    assert alone.returncode == 0, alone.stderr
    assert "version 1" in alone.stdout and "Not connected" in alone.stdout
    no_relay = otokui(inited, "form", "link", form_id, "--line-user-id", USER)
    assert no_relay.returncode == 1 and no_relay.stderr.count("\n") == 1
    assert "relay" in no_relay.stderr

    pair_book(inited, relay)
    published = otokui(inited, "form", "publish", form_id)
    assert published.returncode == 0, published.stderr
    assert "No changes since version 1" in published.stdout
    assert last_line(published.stdout) == "The relay has version 1."
    on_relay = relay.service.forms.get(form_id)
    assert on_relay is not None and on_relay.version == 1
    assert on_relay.definition.title == "初回問診票"
    with Profile(inited).open(PASS) as book:
        with book.db.read() as s:
            secret = bytes(s.scalar(select(Form.link_secret)))
        assert book.forms.get(form_id).relay_version == 1
    assert on_relay.link_mac_key == links.keys_for(secret, form_id)[0]

    made = otokui(inited, "form", "link", form_id, "--line-user-id", USER, "--days", "7")
    assert made.returncode == 0, made.stderr
    assert "Note" not in made.stderr  # the relay has the newest version
    url = last_line(made.stdout)
    prefix = f"{relay.base_url}/f/{form_id}/"
    assert url.startswith(prefix) and USER not in url
    token = url[len(prefix):]
    claims = links.verify_token(token, form_id, on_relay.link_mac_key, int(time.time()))
    assert 6 * 86400 < claims.expires_at - time.time() <= 7 * 86400
    assert links.friend_of(token, form_id, secret)[0] == USER
    public = otokui(inited, "form", "public-link", form_id)
    assert last_line(public.stdout) == f"{relay.base_url}/f/{form_id}"

    with Profile(inited).open(PASS) as book:
        from app.forms import apply_form_answer

        apply_form_answer(book, {
            "answer_id": secrets.token_hex(16), "form_id": form_id, "version": 1,
            "submitted_at": int(time.time() * 1000), "identity": {"kind": "link",
                                                                  "token": token},
            "fields": {"name": ["山田 花子"], "phone": ["090-1234-5678"],
                       "consent": ["on"], "note": ["=1+1"]}, "files": {}, "replaces": None})
    out = tmp_path / "answers.csv"
    exported = otokui(inited, "form", "export-answers", form_id, str(out))
    assert exported.returncode == 0, exported.stderr
    assert "Exported 1 answers" in exported.stdout
    text = out.read_bytes().decode("utf-8-sig")
    assert "山田 花子" in text and "'=1+1" in text

    listed = otokui(inited, "form", "list")
    assert form_id in listed.stdout and "v1" in listed.stdout

    # A changed definition on the relay side is a new version; the old one stays there.
    with Profile(inited).open(PASS) as book:
        changed = json.loads(EXAMPLE_PATH.read_text(encoding="utf-8"))
        changed["title"] = "初回問診票（改）"
        book.forms.update(form_id, changed)
    again = otokui(inited, "form", "publish", form_id)
    assert "Published as version 2" in again.stdout
    assert relay.service.forms.get(form_id).version == 2  # type: ignore[union-attr]
    assert relay.service.forms.get(form_id, 1).definition.title == "初回問診票"  # type: ignore[union-attr]


def test_bad_input_is_one_clear_line(inited: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"title": "x", "items": [
        {"key": "visits", "type": "number", "label": "回数", "max": "ten"}]}),
        encoding="utf-8")
    result = otokui(inited, "form", "import", str(broken))
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert 'item 1 ("visits")' in result.stderr and '"max"' in result.stderr
    missing = otokui(inited, "form", "import", str(tmp_path / "nope.json"))
    assert missing.returncode == 1 and "cannot be read" in missing.stderr
    not_json = tmp_path / "x.json"
    not_json.write_bytes(b"\x89PNG not a form")
    assert otokui(inited, "form", "import", str(not_json)).returncode == 1
    unknown = otokui(inited, "form", "publish", "0123456789abcdef")
    assert unknown.returncode == 1 and "no such form" in unknown.stderr
    form_id = last_line(otokui(inited, "form", "import", str(EXAMPLE_PATH)).stdout)
    unpublished = otokui(inited, "form", "public-link", form_id)
    assert unpublished.returncode == 1 and "not been published" in unpublished.stderr
    otokui(inited, "form", "publish", form_id)
    with Profile(inited).open(PASS) as book:
        book.line.save_pairing("https://relay.example.jp", BookDevice(
            device_id="0" * 16, token="t", name="test", private_key_raw=b"\x01" * 32,
            paired_at=""))
    offline = otokui(inited, "form", "public-link", form_id)
    assert offline.returncode == 0
    assert last_line(offline.stdout) == f"https://relay.example.jp/f/{form_id}"
    assert "does not have version 1" in offline.stderr
    bad_user = otokui(inited, "form", "link", form_id, "--line-user-id", "山田さん")
    assert bad_user.returncode == 1 and "LINE user ID" in bad_user.stderr
    assert "Traceback" not in bad_user.stderr + unpublished.stderr + result.stderr
