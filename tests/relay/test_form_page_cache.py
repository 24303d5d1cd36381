"""A form's first-visit page is rendered once per published version and day, and only its
address and post token are put in for each request: what is served is exactly what the
renderer makes for that request (real relay on loopback HTTP)."""

from __future__ import annotations

import base64
import datetime as dt
import re

from relay.forms import links
from relay.forms.render import form_page
from relay.forms.schema import JST, parse_definition
from relay.privacy import public_path
from tests.relay.form_pages import ALL_ITEMS, Page, csrf_of, publish
from tests.relay.harness import ThreadRelay


def _rendered(relay: ThreadRelay, definition: dict, path: str, csrf: str) -> str:
    return form_page(parse_definition(definition), action=path, csrf=csrf,
                     privacy_url=public_path("default"),
                     now=dt.datetime.fromtimestamp(relay.clock(), JST))


def test_the_cached_page_is_the_page_rendered_for_each_request(relay: ThreadRelay) -> None:
    site = publish(relay, ALL_ITEMS)
    paths = [site.link("U" + "1" * 32), site.link("U" + "2" * 32), site.public,
             site.link("U" + "1" * 32)]
    tokens = []
    for path in paths:
        response = site.get(path)
        assert response.status_code == 200
        csrf = csrf_of(response.text)
        tokens.append(csrf)
        assert Page(response.text).forms[0]["action"] == path
        assert response.text == _rendered(relay, ALL_ITEMS, path, csrf)
    assert len(set(tokens)) == len(tokens)  # a fresh post token every time
    # Each token is for its own page: posting one friend's to another's link is refused.
    refused = site.post(paths[1], {"phone": "090-1234-5678"}, csrf=tokens[0])
    assert refused.status_code == 403


def test_a_new_version_and_a_new_day_are_new_pages(relay: ThreadRelay) -> None:
    site = publish(relay, ALL_ITEMS)
    first = site.get(site.public).text
    today = dt.datetime.fromtimestamp(relay.clock(), JST).date()
    assert f'max="{today.isoformat()}"' in first  # the birthday's upper bound
    changed = dict(ALL_ITEMS, title="二回目の問診票")
    mac = base64.b64encode(links.keys_for(site.secret, site.form_id)[0]).decode()
    assert relay.http.put(f"/v1/forms/{site.form_id}", headers=site.device.auth, json={
        "version": 2, "definition": changed, "link_key": mac}).status_code == 201
    second = site.get(site.public)
    assert "二回目の問診票" in second.text and "二回目" not in first
    assert second.text == _rendered(relay, changed, site.public, csrf_of(second.text))
    relay.clock.advance(86400)
    tomorrow = site.get(site.public).text
    assert f'max="{(today + dt.timedelta(days=1)).isoformat()}"' in tomorrow
    assert re.search(r'otokui-page-(action|token)-', tomorrow) is None


def test_a_form_taken_down_by_another_instance_takes_no_answer(relay: ThreadRelay) -> None:
    """The pages trust a form read within the last second; an answer is checked against
    the database itself, so a form another relay instance deleted stores nothing."""
    from relay.forms.store import FormStore

    site = publish(relay, {"title": "短い", "items": [
        {"key": "name", "type": "text", "label": "お名前", "required": True}]})
    page = site.get(site.public)
    assert page.status_code == 200
    assert FormStore(relay.store).delete(site.form_id, int(relay.clock() * 1000))
    sent = site.post(site.public, {"name": "花子"}, csrf=csrf_of(page.text))
    assert sent.status_code == 410 and "このフォームは終了しました" in sent.text
    assert site.relay.pull(site.device)["events"] == []
