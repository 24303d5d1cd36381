"""The relay's member-link page alone, on SQLite and PostgreSQL: requests sealed for the
device, five tries a day per link's friend (a page opened earlier cannot post past them),
nothing readable kept (the desktop's side: tests/sync/test_member_link.py)."""

from __future__ import annotations

import base64
import json
import re
import secrets
import time

import httpx

from relay.forms import links
from relay.members.pages import MAGIC, MAX_TRIES
from relay.sealing import open_sealed_bytes
from tests.relay.harness import ThreadRelay, assert_nothing_personal, stored_bytes

CSRF = re.compile(r'name="_csrf" value="([^"]+)"')


def test_requests_are_sealed_and_tries_limited(relay: ThreadRelay) -> None:
    device = relay.pair()
    page_id, secret = secrets.token_hex(8), secrets.token_bytes(32)
    mac_key, _ = links.keys_for(secret, page_id)
    assert relay.http.put("/v1/member-link", headers=device.auth, json={
        "page_id": page_id, "link_key": base64.b64encode(mac_key).decode()}).status_code == 200
    assert relay.http.put("/v1/member-link", json={
        "page_id": page_id, "link_key": base64.b64encode(mac_key).decode()}).status_code == 401
    token = links.make_token(secret, page_id, "U" + "b" * 32, int(time.time()) + 3600)
    url = f"{relay.base_url}/ml/{page_id}/{token}"
    phones = [f"090-7777-{n:04d}" for n in range(MAX_TRIES + 1)]
    with httpx.Client() as client:
        csrfs = []
        for phone in phones:
            page = client.get(url)
            if page.status_code == 429:
                break
            found = CSRF.search(page.text)
            assert found
            csrfs.append(found.group(1))
            got = client.post(url, data={"_csrf": found.group(1), "member_number": "Z-77",
                                         "phone": phone})
            assert got.status_code == 200, got.text
        assert len(csrfs) == MAX_TRIES
        assert client.post(url, data={"_csrf": csrfs[0], "member_number": "Z-77",
                                      "phone": phones[0]}).status_code == 429
    items = [open_sealed_bytes(base64.b64decode(e["sealed"]), device.key)
             for e in relay.pull(device)["events"]]
    assert len(items) == MAX_TRIES and all(i.startswith(MAGIC) for i in items)
    first = json.loads(items[0][len(MAGIC):])
    assert (first["member_number"], first["phone"], first["token"]) == (
        "Z-77", "09077770000", token)
    assert_nothing_personal("the relay's database", stored_bytes(relay.db_url),
                            ["Z-77", *phones, "09077770000"])
