"""PUT/GET/DELETE /v1/forms/{id}: a desktop publishes a form's definition to the relay.

Real HTTP on loopback, SQLite and PostgreSQL; the definition is the issue's example file.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import pytest

from relay.forms.items import AnswerItem, read_answer
from relay.forms.links import keys_for
from relay.forms.schema import parse_definition
from relay.forms.store import AlreadyAnswered, FormClosed, FormGone, NoDevice
from relay.sealing import open_sealed_bytes
from tests.relay.harness import Device, ThreadRelay

EXAMPLE = json.loads((Path(__file__).parents[1] / "forms" / "issue12_example.json")
                     .read_text(encoding="utf-8"))
FORM_ID = "0123456789abcdef"


def _mac_b64() -> str:
    return base64.b64encode(keys_for(os.urandom(32), FORM_ID)[0]).decode()


def test_publish_is_idempotent_and_versions_are_immutable(relay: ThreadRelay) -> None:
    device = relay.pair()
    body = {"version": 1, "definition": EXAMPLE, "link_key": _mac_b64()}
    first = relay.http.put(f"/v1/forms/{FORM_ID}", json=body, headers=device.auth)
    assert first.status_code == 201, first.text
    digest = parse_definition(EXAMPLE).digest()
    assert first.json() == {"form_id": FORM_ID, "version": 1, "digest": digest}
    again = relay.http.put(f"/v1/forms/{FORM_ID}", json=body, headers=device.auth)
    assert again.status_code == 200 and again.json()["digest"] == digest
    changed = {**EXAMPLE, "title": "二回目の問診票"}
    refused = relay.http.put(f"/v1/forms/{FORM_ID}", json={"version": 1, "definition": changed},
                             headers=device.auth)
    assert refused.status_code == 409 and refused.json()["error"] == "version_exists"
    v2 = relay.http.put(f"/v1/forms/{FORM_ID}", json={"version": 2, "definition": changed},
                        headers=device.auth)
    assert v2.status_code == 201
    stale = relay.http.put(f"/v1/forms/{FORM_ID}", json={"version": 1, "definition": EXAMPLE},
                           headers=device.auth)
    # version 1 exists with this very definition: republishing it is harmless
    assert stale.status_code == 200
    older = relay.http.put(f"/v1/forms/{FORM_ID}", json={"version": 0, "definition": EXAMPLE},
                           headers=device.auth)
    assert older.status_code == 400 and older.json()["error"] == "bad_version"
    shown = relay.http.get(f"/v1/forms/{FORM_ID}", headers=device.auth)
    assert shown.status_code == 200
    assert shown.json()["version"] == 2 and shown.json()["links"] is True
    # Both versions stay readable on the relay (answers name their version).
    stored = relay.service.forms.get(FORM_ID, 1)
    assert stored is not None and stored.definition.title == "初回問診票"
    assert relay.service.forms.get(FORM_ID).definition.title == "二回目の問診票"


def test_a_version_below_the_newest_is_refused(relay: ThreadRelay) -> None:
    device = relay.pair()
    assert relay.http.put(f"/v1/forms/{FORM_ID}", json={"version": 3, "definition": EXAMPLE},
                          headers=device.auth).status_code == 201
    other = {**EXAMPLE, "title": "別"}
    response = relay.http.put(f"/v1/forms/{FORM_ID}", json={"version": 2, "definition": other},
                              headers=device.auth)
    assert response.status_code == 409 and response.json()["error"] == "stale_version"


def test_bad_requests_are_refused_with_their_reason(relay: ThreadRelay) -> None:
    device = relay.pair()
    put = relay.http.put
    assert put(f"/v1/forms/{FORM_ID}", json={"version": 1, "definition": EXAMPLE}) \
        .status_code == 401
    assert put("/v1/forms/NOT-AN-ID", json={"version": 1, "definition": EXAMPLE},
               headers=device.auth).json()["error"] == "bad_form_id"
    assert put(f"/v1/forms/{FORM_ID}", content=b"{", headers=device.auth) \
        .json()["error"] == "bad_json"
    assert put(f"/v1/forms/{FORM_ID}", json={"version": 1, "definition": EXAMPLE, "x": 1},
               headers=device.auth).json()["error"] == "bad_json"
    assert put(f"/v1/forms/{FORM_ID}", json={"version": True, "definition": EXAMPLE},
               headers=device.auth).json()["error"] == "bad_version"
    assert put(f"/v1/forms/{FORM_ID}", json={"version": 1, "definition": EXAMPLE,
                                             "link_key": "c2hvcnQ="},
               headers=device.auth).json()["error"] == "bad_link_key"
    broken = {**EXAMPLE, "items": [*EXAMPLE["items"], {"key": "x", "type": "colour",
                                                       "label": "色"}]}
    response = put(f"/v1/forms/{FORM_ID}", json={"version": 1, "definition": broken},
                   headers=device.auth)
    assert response.status_code == 400 and response.json()["error"] == "bad_definition"
    assert 'item 9 ("x")' in response.json()["message"]
    huge = b'{"version": 1, "definition": "' + b"x" * 600_000 + b'"}'
    assert put(f"/v1/forms/{FORM_ID}", content=huge, headers=device.auth).status_code == 413
    assert relay.service.forms.get(FORM_ID) is None


def test_deleted_form_stays_gone(relay: ThreadRelay) -> None:
    device = relay.pair()
    body = {"version": 1, "definition": EXAMPLE, "link_key": _mac_b64()}
    assert relay.http.put(f"/v1/forms/{FORM_ID}", json=body, headers=device.auth) \
        .status_code == 201
    assert relay.http.delete(f"/v1/forms/{FORM_ID}", headers=device.auth).status_code == 204
    assert relay.http.delete(f"/v1/forms/{FORM_ID}", headers=device.auth).status_code == 404
    assert relay.http.get(f"/v1/forms/{FORM_ID}", headers=device.auth).status_code == 410
    again = relay.http.put(f"/v1/forms/{FORM_ID}", json={**body, "version": 2},
                           headers=device.auth)
    assert again.status_code == 410 and again.json()["error"] == "form_deleted"
    gone = relay.service.forms.get(FORM_ID)
    assert gone is not None and gone.state == "deleted" and gone.link_mac_key is None


def test_an_answer_is_queued_sealed_for_every_device_files_first(relay: ThreadRelay) -> None:
    from relay.forms.items import FileItem, read_file
    from relay.forms.store import queue_answer
    from tests.relay.harness import stored_bytes

    first, second = relay.pair(), relay.pair("2台目")
    photo = b"\xff\xd8\xff\xe0" + "前髪の写真のバイト".encode() * 20
    answer = AnswerItem("a" * 32, FORM_ID, 1, 1_800_000_000_000, {"kind": "public"},
                        {"note": ["前髪は短めが好みです"]}, {})
    upload = FileItem("b" * 32, "a" * 32, FORM_ID, "photo", "髪.jpg", "image/jpeg", photo)
    now = int(relay.clock() * 1000)
    seqs = queue_answer(relay.store, answer, [upload], now)
    assert seqs is not None and len(seqs) == 2 and seqs[0] < seqs[1]
    for device in (first, second):
        pulled = relay.pull(device)["events"]
        assert [e["seq"] for e in pulled] == seqs
        plain = [open_sealed_bytes(base64.b64decode(e["sealed"]), device.key) for e in pulled]
        assert read_file(plain[0]) == upload and read_answer(plain[1]) == answer
    stored = stored_bytes(relay.db_url)
    for secret in ("前髪は短めが好みです", "前髪の写真のバイト"):
        assert secret.encode() not in stored


def test_nothing_is_queued_before_a_device_is_paired(relay: ThreadRelay) -> None:
    from relay.forms.store import queue_answer

    answer = AnswerItem("a" * 32, FORM_ID, 1, 1_800_000_000_000, {"kind": "public"}, {}, {})
    assert queue_answer(relay.store, answer, [], int(relay.clock() * 1000)) is None
    assert relay.queue_depth() == 0


def _publish(relay: ThreadRelay, device: Device, **settings: object) -> None:
    body = {"version": 1, "definition": {**EXAMPLE, **settings}, "link_key": _mac_b64()}
    response = relay.http.put(f"/v1/forms/{FORM_ID}", json=body, headers=device.auth)
    assert response.status_code == 201, response.text


def _answer(n: int) -> AnswerItem:
    return AnswerItem(f"{n:032x}", FORM_ID, 1, 1_800_000_000_000, {"kind": "public"}, {}, {})


def test_accepting_answers_keeps_one_per_friend_and_counts(relay: ThreadRelay) -> None:
    device = relay.pair()
    _publish(relay, device, max_answers=3)  # the example takes one answer per friend
    forms, now = relay.service.forms, int(relay.clock() * 1000)
    first, seqs = forms.accept_answer(_answer(1), [], "f" * 32, now)
    assert first.replaces is None and len(seqs) == 1
    with pytest.raises(AlreadyAnswered):
        forms.accept_answer(_answer(2), [], "f" * 32, now)
    forms.accept_answer(_answer(3), [], "e" * 32, now)  # another friend
    forms.accept_answer(_answer(4), [], None, now)       # a public answer
    with pytest.raises(FormClosed):
        forms.accept_answer(_answer(5), [], None, now)   # max_answers reached
    assert len(relay.pull(device)["events"]) == 3  # refused ones left nothing behind
    relay.http.delete(f"/v1/forms/{FORM_ID}", headers=device.auth)
    with pytest.raises(FormGone):
        forms.accept_answer(_answer(6), [], None, now)


def test_an_edit_replaces_the_friends_last_answer(relay: ThreadRelay) -> None:
    device = relay.pair()
    _publish(relay, device, may_edit_last_answer=True)
    forms, now = relay.service.forms, int(relay.clock() * 1000)
    forms.accept_answer(_answer(1), [], "f" * 32, now)
    edited, _ = forms.accept_answer(_answer(2), [], "f" * 32, now + 1)
    assert edited.replaces == f"{1:032x}"
    sealed = relay.pull(device)["events"][-1]["sealed"]
    opened = read_answer(open_sealed_bytes(base64.b64decode(sealed), device.key))
    assert opened.replaces == f"{1:032x}"


def test_closed_forms_and_no_device_store_nothing(relay: ThreadRelay) -> None:
    device = relay.pair()
    _publish(relay, device, open_until="2020-01-01")
    now = int(relay.clock() * 1000)
    with pytest.raises(FormClosed):
        relay.service.forms.accept_answer(_answer(1), [], None, now)
    relay.http.put(f"/v1/forms/{FORM_ID}", json={"version": 2, "definition": EXAMPLE},
                   headers=device.auth)
    later = AnswerItem("c" * 32, FORM_ID, 2, now, {"kind": "public"}, {}, {})
    assert relay.http.delete(f"/v1/devices/{device.device_id}",
                             headers=device.auth).status_code == 204
    with pytest.raises(NoDevice):
        relay.service.forms.accept_answer(later, [], None, now)
    assert relay.queue_depth() == 0
