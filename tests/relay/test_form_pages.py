"""The shop's form pages on the relay, over real HTTP (httpx): every bad input gets a clear
page in Japanese, never a 500, and nothing is stored unless the answer was accepted.

The browser journeys are in tests/relay/test_form_pages_browser.py.
"""

from __future__ import annotations

from typing import Any

from relay.forms.schema import input_names, parse_definition
from tests.relay.form_pages import ALL_ITEMS, EXE, PHOTO, Page, Site, csrf_of, publish
from tests.relay.harness import ThreadRelay, assert_nothing_personal, stored_bytes

GOOD: dict[str, Any] = {"name": "山田 花子", "name.furigana": "やまだ はなこ",
                        "phone": "090-1234-5678", "concern": ["くせ毛", "白髪"],
                        "consent": "1", "source": "qr"}
PHOTO_FILE = [("photo", ("IMG_0001.jpg", PHOTO, "image/jpeg"))]


def _nothing_queued(site: Site) -> None:
    assert site.relay.pull(site.device)["events"] == []


def test_the_page_is_one_plain_post_form_named_by_the_item_keys(relay: ThreadRelay) -> None:
    site = publish(relay, ALL_ITEMS)
    response = site.get(site.link())
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    page = Page(response.text)
    assert len(page.forms) == 1 and page.forms[0]["method"] == "post"
    assert page.forms[0]["enctype"] == "multipart/form-data"
    definition = parse_definition(ALL_ITEMS)
    expected = {n for i in definition.items for n in input_names(i)} | {"photo", "_csrf"}
    assert page.names == expected
    # Every visible input has a label; the multiple choice repeats its key per label.
    for i in page.inputs:
        if i.get("type") not in ("hidden", "checkbox", "radio"):
            assert i["id"] in page.labels_for, i
    assert [i["value"] for i in page.inputs if i.get("name") == "concern"] == \
        ["くせ毛", "白髪", "乾燥"]
    assert [i["value"] for i in page.inputs if i.get("name") == "source"] == ["qr"]
    assert '<html lang="ja">' in response.text and "width=device-width" in response.text
    # Strict headers; no inline script; scripts only from the relay itself.
    h = response.headers
    assert "script-src 'self';" in h["content-security-policy"]
    assert "frame-ancestors 'none'" in h["content-security-policy"]
    assert h["referrer-policy"] == "no-referrer" and h["x-content-type-options"] == "nosniff"
    assert h["cache-control"] == "no-store"
    assert all(s.get("src", "").startswith("/f-assets/") for s in page.scripts)
    assert "<style" not in response.text and " style=" not in response.text
    # The consent links the privacy page, which the relay serves.
    assert 'href="/privacy"' in response.text
    privacy = site.get("/privacy")
    assert privacy.status_code == 200 and "プライバシー" in privacy.text
    for s in page.scripts:
        asset = site.get(s["src"])
        assert asset.status_code == 200 and "javascript" in asset.headers["content-type"]
    # Page weight without images: the HTML and its CSS and script (docs/performance-forms.md).
    css = site.get(next(x for x in response.text.split('"') if x.endswith(".css")))
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")


def test_an_accepted_answer_is_sealed_with_its_photo_and_thanked(relay: ThreadRelay) -> None:
    site = publish(relay, ALL_ITEMS)
    link = site.link()
    response = site.post(link, GOOD, files=PHOTO_FILE)
    assert response.status_code == 200, Page(response.text).text
    assert "送信しました" in response.text and "ご来店をお待ちしております" in response.text
    opened = site.pulled()
    assert [p.split(b"\n", 1)[0] for p in opened] == [b"otokui-form-file/1",
                                                      b"otokui-form-answer/1"]
    [answer] = site.answers()
    [photo] = site.files()
    assert answer.identity == {"kind": "link", "token": link.rsplit("/", 1)[1]}
    assert answer.fields["concern"] == ["くせ毛", "白髪"] and answer.fields["phone"] == \
        ["090-1234-5678"]
    assert "_csrf" not in answer.fields
    assert photo.data == PHOTO and photo.content_type == "image/jpeg"
    assert answer.files["photo"][0].file_id == photo.file_id
    # The public link takes an answer with no identity.
    public = site.post(site.public, {**GOOD, "phone": "080-0000-1111"})
    assert public.status_code == 200
    assert site.answers()[-1].identity == {"kind": "public"}
    secrets_of_friend = ["山田 花子", "やまだ はなこ", "090-1234-5678", "080-0000-1111",
                         "UPLOADED-PHOTO-BYTES"]
    relay.stop()
    assert_nothing_personal("the relay's database", stored_bytes(relay.db_url),
                            secrets_of_friend)
    assert_nothing_personal("the relay's log", relay.log_path.read_bytes(), secrets_of_friend)


def test_problems_are_named_next_to_their_items_and_nothing_is_stored(
        relay: ThreadRelay) -> None:
    site = publish(relay, ALL_ITEMS)
    link = site.link()
    response = site.post(link, {"name.furigana": "やまだ", "phone": "電話はありません",
                                "visits": "たくさん", "nick": "あ" * 100_000,
                                "concern": ["くせ毛", "金髪"], "source": "qr",
                                "note": "ロングで"})
    assert response.status_code == 422
    text = Page(response.text).text
    assert "入力内容を確認してください" in text
    for message in ("必須項目です。", "電話番号を数字で入力してください",
                    "数字で入力してください。",
                    "20文字以内で入力してください。", "選択肢から選んでください。",
                    "同意いただけない場合は送信できません。"):
        assert message in text, message
    # Each problem sits next to its item (inside the item's block) and is announced.
    assert 'id="err-phone"' in response.text and 'aria-invalid="true"' in response.text
    block = response.text.split('id="item-phone"', 1)[1].split('id="item-', 1)[0]
    assert "電話番号を数字で入力してください" in block
    # What was typed is kept.
    assert 'value="電話はありません"' in response.text and "ロングで" in response.text
    assert response.headers["content-security-policy"]
    # Wrong types and unknown keys
    unknown = site.post(link, {**GOOD, "is_admin": "1"})
    assert unknown.status_code == 422 and "このフォームにない項目が送られました" in unknown.text
    hidden = site.post(link, {**GOOD, "source": "tampered"})
    assert hidden.status_code == 422 and "ページの内容が変わっています" in hidden.text
    two = site.post(link, {**GOOD, "phone": ["090-1234-5678", "090-0000-0000"]})
    assert two.status_code == 422 and "この項目に送れる値は1つです" in two.text
    _nothing_queued(site)


def test_missing_wrong_and_replayed_post_tokens(relay: ThreadRelay) -> None:
    site = publish(relay, {**ALL_ITEMS, "one_answer_per_friend": False})
    link = site.link()
    missing = site.post(link, GOOD, csrf=None)
    assert missing.status_code == 403 and "まだ送信されていません" in missing.text
    assert 'value="090-1234-5678"' in missing.text  # kept; a fresh token to send again
    wrong = site.post(link, GOOD, csrf="1.00000000000000000000000000000000.AAAA")
    assert wrong.status_code == 403
    other_link = site.post(link, GOOD, csrf=csrf_of(site.get(site.link("U" + "2" * 32)).text))
    assert other_link.status_code == 403
    _nothing_queued(site)
    token = csrf_of(site.get(link).text)
    assert site.post(link, GOOD, csrf=token).status_code == 200
    replay = site.post(link, GOOD, csrf=token)
    assert replay.status_code == 409 and "すでに送信されています" in replay.text
    assert len(site.answers()) == 1
    # An old page (a day later) is refused, kept, and sent again with the fresh token.
    old = csrf_of(site.get(link).text)
    relay.clock.advance(2 * 86400)
    late = site.post(link, GOOD, csrf=old)
    assert late.status_code == 403
    assert site.post(link, GOOD, csrf=csrf_of(late.text)).status_code == 200


def test_one_answer_per_friend_and_editing_the_last_answer(relay: ThreadRelay) -> None:
    site = publish(relay, ALL_ITEMS)
    link = site.link()
    opened_twice = csrf_of(site.get(link).text)
    assert site.post(link, GOOD).status_code == 200
    again = site.get(link)
    assert again.status_code == 409 and "回答済みです" in again.text
    second = site.post(link, GOOD, csrf=opened_twice)
    assert second.status_code == 409 and "回答済みです" in second.text
    # Another friend's link still works.
    assert site.post(site.link("U" + "3" * 32), GOOD).status_code == 200
    assert len(site.answers()) == 2

    editable = publish(relay, {**ALL_ITEMS, "may_edit_last_answer": True}, site.device)
    link = editable.link()
    assert editable.post(link, GOOD).status_code == 200
    assert editable.post(link, {**GOOD, "phone": "090-9999-8888"}).status_code == 200
    first, last = [a for a in editable.answers() if a.form_id == editable.form_id]
    assert first.replaces is None and last.replaces == first.answer_id


def test_forged_expired_closed_and_deleted_forms(relay: ThreadRelay) -> None:
    site = publish(relay, ALL_ITEMS)
    link = site.link()
    forged = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
    for path in (forged, f"/f/{site.form_id}/not-a-token", "/f/0000000000000000",
                 "/f/zz", f"/f/{site.form_id}/" + "A" * 5000):
        response = site.get(path)
        assert response.status_code in (404, 400), path
        assert "リンク" in response.text or "見つかりません" in response.text
        assert site.post(path, GOOD, csrf="x").status_code in (400, 404)
    short = site.link(days=1)
    relay.clock.advance(2 * 86400)
    expired = site.get(short)
    assert expired.status_code == 410 and "有効期限" in expired.text
    # A form deleted while the friend fills it in.
    fresh = site.link()
    token = csrf_of(site.get(fresh).text)
    assert relay.http.delete(f"/v1/forms/{site.form_id}", headers=site.device.auth) \
        .status_code == 204
    gone = site.post(fresh, GOOD, csrf=token, files=PHOTO_FILE)
    assert gone.status_code == 410 and "終了しました" in gone.text
    # Closed by its dates, and full.
    closed = publish(relay, {**ALL_ITEMS, "open_until": "2001-01-01"}, site.device)
    assert closed.get(closed.link()).status_code == 403
    assert closed.post(closed.link(), GOOD, csrf="x").status_code == 403
    full = publish(relay, {**ALL_ITEMS, "max_answers": 1}, site.device)
    assert full.post(full.link(), GOOD).status_code == 200
    refused = full.get(full.link("U" + "4" * 32))
    assert refused.status_code == 403 and "受付を終了" in refused.text
    assert len(site.answers()) == 1  # the one answer to the full form


def test_uploads_are_typed_by_their_bytes_and_capped(relay: ThreadRelay) -> None:
    site = publish(relay, {**ALL_ITEMS, "one_answer_per_friend": False})
    link = site.link()
    exe = site.post(link, GOOD, files=[("photo", ("cute.jpg", EXE, "image/jpeg"))])
    assert exe.status_code == 422 and "写真（JPEG・PNG）を選んでください" in exe.text
    big = PHOTO[:4] + b"\0" * 10_000_000
    large = site.post(link, GOOD, files=[("photo", ("big.jpg", big, "image/jpeg"))])
    assert large.status_code == 422 and "ファイルが大きすぎます（10MBまで）" in large.text
    two = site.post(link, GOOD, files=PHOTO_FILE * 2)
    assert two.status_code == 422 and "1個まで" in two.text
    stray = site.post(link, GOOD, files=[("nick", ("a.jpg", PHOTO, "image/jpeg"))])
    assert stray.status_code == 422
    huge = site.post(link, GOOD, files=[("photo", ("huge.jpg", b"\xff" * 13_000_000,
                                                   "image/jpeg"))])
    assert huge.status_code == 413 and "大きすぎます" in huge.text
    _nothing_queued(site)


def test_bodies_that_are_not_form_posts(relay: ThreadRelay) -> None:
    site = publish(relay, ALL_ITEMS)
    link = site.link()
    post = relay.http.post
    assert post(link, content=b'{"name": "x"}',
                headers={"content-type": "application/json"}).status_code == 400
    broken = post(link, content=b"--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nab",
                  headers={"content-type": "multipart/form-data; boundary=b"})
    assert broken.status_code == 400 and "読み取れませんでした" in broken.text
    latin = post(link, content=b"name=%FF%FE", headers={
        "content-type": "application/x-www-form-urlencoded"})
    assert latin.status_code in (400, 403, 422)
    evil = site.post(link, GOOD, headers={"origin": "https://evil.example"})
    assert evil.status_code == 403
    _nothing_queued(site)


def test_rate_limits_per_link_and_per_address(relay: ThreadRelay) -> None:
    site = publish(relay, ALL_ITEMS)
    link = site.link()
    codes = [site.post(link, {"phone": "x"}, csrf="x").status_code for _ in range(11)]
    assert codes[:10] == [403] * 10 and codes[10] == 429
    relay.clock.advance(60)
    assert site.post(link, {"phone": "x"}, csrf="x").status_code == 403
    relay.clock.advance(120)
    statuses = [site.get(site.public).status_code for _ in range(80)]
    assert 429 in statuses
    limited = site.get(site.public)
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    assert "少し時間をおいてください" in limited.text
    relay.clock.advance(120)
    assert site.get(site.public).status_code == 200


def test_no_paired_device_keeps_what_was_typed(relay: ThreadRelay) -> None:
    site = publish(relay, ALL_ITEMS)
    relay.store.revoke_device(site.device.device_id, relay.service.now_ms())
    response = site.post(site.link(), GOOD)
    assert response.status_code == 503 and "まだ送信されていません" in response.text
    assert 'value="090-1234-5678"' in response.text
