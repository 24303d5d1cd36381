"""Answers into a real SQLCipher book: once, re-checked, matched, filled, kept if refused."""

from __future__ import annotations

import csv
import hashlib
import io
import secrets
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlcipher3 import dbapi2

from app.book import Book
from app.forms import apply_form_answer, assign_pending, store_form_file
from app.forms.errors import FormAnswerNotPendingError, FormDefinitionError, FormNotFoundError
from app.store.models import Form
from relay.forms import links
from relay.forms.items import FileItem, ItemFormatError

USER = "U" + "0123456789abcdef" * 2
JPEG = b"\xff\xd8\xff\xe0" + b"JFIF photo bytes " * 50
GOOD = {"name": ["山田 花子"], "furigana": ["ヤマダ ハナコ"], "phone": ["090-1234-5678"],
        "birthday": ["1990-04-01"], "concern": ["くせ毛", "白髪"], "visits": ["3"],
        "note": ["よろしくお願いします"], "consent": ["on"]}


def published(book: Book, definition: dict[str, Any]) -> str:
    info = book.forms.create(definition)
    book.forms.publish(info.form_id)
    return info.form_id


def secret_of(book: Book, form_id: str) -> bytes:
    with book.db.read() as s:
        return bytes(s.scalar(select(Form.link_secret).where(Form.form_id == form_id)))


def answer(form_id: str, fields: dict[str, list[str]], *, token: str | None = None,
           version: int = 1, files: dict[str, Any] | None = None,
           submitted_at: int | None = None, **extra: Any) -> dict[str, Any]:
    identity = {"kind": "public"} if token is None else {"kind": "link", "token": token}
    return {"answer_id": secrets.token_hex(16), "form_id": form_id, "version": version,
            "submitted_at": submitted_at or int(time.time() * 1000), "identity": identity,
            "fields": fields, "files": files or {}, "replaces": None, **extra}


def link_token(book: Book, form_id: str, user: str = USER, days: int = 7) -> str:
    return links.make_token(secret_of(book, form_id), form_id, user,
                            int(time.time()) + days * 86400)


def test_a_per_friend_answer_fills_the_book_once(book: Book, example: dict[str, Any]) -> None:
    form_id = published(book, example)
    friend = book.customers.create(line_user_id=USER, display_name="はなこ")
    item = answer(form_id, GOOD, token=link_token(book, form_id))
    result = apply_form_answer(book, item)
    assert result.status == "applied" and result.customer_id == friend
    assert not result.created_customer and result.notes == []
    c = book.customers.get(friend)
    assert (c.name, c.furigana, c.phone, c.phone_digits, str(c.birthday), c.memo) == (
        "山田 花子", "ヤマダ ハナコ", "090-1234-5678", "09012345678", "1990-04-01",
        "よろしくお願いします")
    fields = book.fields.by_name()
    assert fields["来店回数"].type == "number"  # created with the item's type
    assert book.fields.values_of(friend) == {fields["来店回数"].id: 3.0}
    assert {t.name for t in book.tags.list()} == {"問診票回答済み", "くせ毛", "白髪"}
    assert sorted(book.customers.tag_ids_of(friend)) == sorted(t.id for t in book.tags.list())
    kinds = [e.kind for e in book.audit.timeline(friend)]
    assert kinds[0] == "form_answered" and kinds.count("form_answered") == 1
    # Applying the same answer again (a pull repeated after a crash) changes nothing.
    again = apply_form_answer(book, item)
    assert again.status == "duplicate"
    assert [e.kind for e in book.audit.timeline(friend)] == kinds
    assert len(book.forms.answers(form_id)) == 1
    stored = book.forms.answer(item["answer_id"])
    assert stored.values["visits"] == 3 and stored.status == "applied"


def test_a_friend_not_in_the_book_yet_becomes_a_customer(book: Book,
                                                         example: dict[str, Any]) -> None:
    form_id = published(book, example)
    result = apply_form_answer(book, answer(form_id, GOOD, token=link_token(book, form_id)))
    assert result.status == "applied" and result.created_customer
    assert book.customers.get(result.customer_id).line_user_id == USER  # type: ignore[arg-type]


def test_keep_or_overwrite_existing_values(book: Book) -> None:
    form_id = published(book, {"title": "更新", "items": [
        {"key": "phone", "type": "phone", "label": "電話", "to": "phone"},
        {"key": "email", "type": "email", "label": "メール", "to": "email", "overwrite": True},
        {"key": "rank", "type": "choice", "label": "ランク", "choices": ["A", "B"],
         "to": "field:ランク"},
        {"key": "staff", "type": "text", "label": "担当", "to": "field:担当",
         "overwrite": True}]})
    cid = book.customers.create(line_user_id=USER, phone="03-0000-0000", email="old@example.jp")
    rank = book.fields.create("ランク", "single_choice", choices=["A", "B"])
    staff = book.fields.create("担当", "text")
    book.fields.set_value(cid, rank, "A")
    book.fields.set_value(cid, staff, "佐藤")
    result = apply_form_answer(book, answer(form_id, {
        "phone": ["090-1111-2222"], "email": ["new@example.jp"], "rank": ["B"],
        "staff": ["鈴木"]}, token=link_token(book, form_id)))
    c = book.customers.get(cid)
    assert c.phone == "03-0000-0000" and c.email == "new@example.jp"
    assert book.fields.values_of(cid) == {rank: "A", staff: "鈴木"}
    assert sorted(n["item"] for n in result.notes if n["code"] == "kept") == ["phone", "rank"]
    # The answer itself keeps what was sent, whatever was kept on the customer.
    assert book.forms.answer(result.answer_id).values["phone"] == "090-1111-2222"


def test_a_field_of_another_kind_keeps_the_answer_with_the_form_only(book: Book) -> None:
    form_id = published(book, {"title": "x", "items": [
        {"key": "visits", "type": "number", "label": "回数", "to": "field:来店回数"},
        {"key": "size", "type": "choice", "label": "サイズ", "choices": ["S", "XL"],
         "to": "field:サイズ"}]})
    book.fields.create("来店回数", "date")
    book.fields.create("サイズ", "single_choice", choices=["S", "M"])
    cid = book.customers.create(line_user_id=USER)
    result = apply_form_answer(book, answer(form_id, {"visits": ["4"], "size": ["XL"]},
                                            token=link_token(book, form_id)))
    assert result.status == "applied"
    assert {n["code"] for n in result.notes} == {"field_type", "not_a_choice"}
    assert book.fields.values_of(cid) == {}
    from app.forms.apply import note_text

    assert "来店回数" in note_text(result.notes[0]) and "回数" in note_text(result.notes[0])


def test_choices_add_and_remove_tags(book: Book) -> None:
    form_id = published(book, {"title": "配信", "tags_on_answer": ["回答済み"], "items": [
        {"key": "news", "type": "choice", "label": "お知らせ", "choices": [
            {"label": "受け取る", "tags": ["配信希望"], "remove_tags": ["配信停止"]},
            {"label": "受け取らない", "tags": ["配信停止"], "remove_tags": ["配信希望"]}]}]})
    cid = book.customers.create(line_user_id=USER)
    stop = book.tags.create("配信停止")
    book.tags.add([cid], [stop])
    apply_form_answer(book, answer(form_id, {"news": ["受け取る"]},
                                   token=link_token(book, form_id)))
    names = {t.id: t.name for t in book.tags.list()}
    assert sorted(names[t] for t in book.customers.tag_ids_of(cid)) == ["回答済み", "配信希望"]


@pytest.mark.parametrize(("existing", "status", "created"), [
    ([], "applied", True), (["090-1234-5678"], "applied", False),
    (["090-1234-5678", "09012345678"], "pending", False)])
def test_public_answers_are_matched_by_phone(book: Book, example: dict[str, Any],
                                             existing: list[str], status: str,
                                             created: bool) -> None:
    form_id = published(book, example)
    ids = [book.customers.create(phone=p, name=f"既存{n}") for n, p in enumerate(existing)]
    fields = {**GOOD, "phone": ["０９０ー１２３４ー５６７８"]}
    result = apply_form_answer(book, answer(form_id, fields))
    assert result.status == status and result.created_customer is created
    if status == "pending":
        stored = book.forms.answer(result.answer_id)
        assert stored.candidates == ids and stored.customer_id is None
        assert book.forms.pending()[0].answer_id == result.answer_id
        assert book.customers.get(ids[1]).memo == ""  # nothing filled before the owner decides
        assert assign_pending(book, result.answer_id, ids[1]) == ids[1]
        assert book.customers.get(ids[1]).memo == "よろしくお願いします"
        assert book.customers.get(ids[0]).memo == ""
        assert book.forms.answer(result.answer_id).status == "applied"
        with pytest.raises(FormAnswerNotPendingError):
            assign_pending(book, result.answer_id, ids[0])
    elif created:
        assert book.customers.count() == 1
        assert {n["code"] for n in result.notes} == {"new_customer"}
    else:
        assert result.customer_id == ids[0]
        assert book.customers.get(ids[0]).name == "既存0"  # kept (no overwrite)


def test_public_answers_are_matched_by_email_too(book: Book) -> None:
    form_id = published(book, {"title": "x", "items": [
        {"key": "mail", "type": "email", "label": "メール", "to": "email"},
        {"key": "note", "type": "long_text", "label": "ご要望", "to": "memo"}]})
    cid = book.customers.create(email="Hanako@Example.jp")
    result = apply_form_answer(book, answer(form_id, {"mail": ["hanako@example.jp"],
                                                      "note": ["よろしく"]}))
    assert result.customer_id == cid and book.customers.get(cid).memo == "よろしく"


def test_a_pending_answer_may_go_to_a_new_customer(book: Book, example: dict[str, Any]) -> None:
    form_id = published(book, example)
    book.customers.create(phone="090-1234-5678")
    book.customers.create(phone="09012345678")
    result = apply_form_answer(book, answer(form_id, GOOD))
    cid = assign_pending(book, result.answer_id, None)
    assert book.customers.get(cid).name == "山田 花子" and book.customers.count() == 3


def test_a_relay_that_lies_gets_nothing_filled(book: Book, example: dict[str, Any]) -> None:
    """The desktop checks again: an answer the relay should have refused is kept, unused."""
    form_id = published(book, example)
    cid = book.customers.create(line_user_id=USER)
    token = link_token(book, form_id)
    bad = apply_form_answer(book, answer(form_id, {**GOOD, "visits": ["many"],
                                                   "admin": ["1"]}, token=token))
    assert bad.status == "refused" and bad.notes == [{"code": "invalid"}]
    stored = book.forms.answer(bad.answer_id)
    assert set(stored.problems) == {"", "visits"}
    assert stored.customer_id is None and book.customers.get(cid).name == ""
    # A link this book did not make (the relay holds only the MAC key):
    mac, _ = links.keys_for(secret_of(book, form_id), form_id)
    body = bytes([1]) + (int(time.time()) + 60).to_bytes(4, "big") + secrets.token_bytes(49)
    forged = links._b64(body + links._tag(mac, form_id, body))
    assert apply_form_answer(book, answer(form_id, GOOD, token=forged)).notes == [
        {"code": "forged_link"}]
    # A real link used after it expired:
    old = links.make_token(secret_of(book, form_id), form_id, USER, int(time.time()) - 10)
    assert apply_form_answer(book, answer(form_id, GOOD, token=old)).notes == [
        {"code": "expired_link"}]
    # A form or version this book does not have:
    assert apply_form_answer(book, answer("f" * 16, GOOD)).notes == [{"code": "unknown_form"}]
    assert apply_form_answer(book, answer(form_id, GOOD, version=9)).notes == [
        {"code": "unknown_version"}]
    assert book.customers.get(cid).name == "" and book.tags.list() == []
    assert [a.status for a in book.forms.answers(form_id)] == ["refused"] * 4
    with pytest.raises(ItemFormatError):
        apply_form_answer(book, {"answer_id": "x"})


def test_versions_older_answers_stay_readable(book: Book, example: dict[str, Any],
                                              tmp_path: Path) -> None:
    form_id = published(book, example)
    assert book.forms.publish(form_id).created is False  # unchanged draft: same version
    v1 = apply_form_answer(book, answer(form_id, GOOD))
    changed = {**example, "items": [i for i in example["items"] if i["key"] != "visits"]
               + [{"key": "staff", "type": "text", "label": "ご希望の担当"}]}
    book.forms.update(form_id, changed)
    assert book.forms.get(form_id).draft_changed
    assert book.forms.publish(form_id).version == 2
    # An answer given under version 1 arrives after version 2 is published:
    late = apply_form_answer(book, answer(form_id, {**GOOD, "phone": ["03-9999-0000"]},
                                          version=1))
    v2 = apply_form_answer(book, answer(form_id, {**{k: v for k, v in GOOD.items()
                                                     if k != "visits"},
                                                  "phone": ["06-1111-2222"],
                                                  "staff": ["佐藤"]}, version=2))
    assert {v1.status, late.status, v2.status} == {"applied"}
    assert book.forms.definition(form_id, 1).item("visits") is not None
    assert book.forms.definition(form_id).item("visits") is None
    with book.db.write() as s, pytest.raises(dbapi2.IntegrityError, match="cannot be changed"):
        s.execute(text("UPDATE form_version SET digest = 'x'"))
    count = book.forms.export_answers(form_id, tmp_path / "a.csv")
    rows = list(csv.reader(io.StringIO((tmp_path / "a.csv").read_bytes()
                                       .decode("utf-8-sig"))))
    assert count == 3 and rows[0][6:] == [
        "お名前", "フリガナ", "電話番号", "生年月日", "気になること", "ご要望",
        "プライバシーポリシーに同意します", "ご希望の担当", "ご来店回数"]
    assert rows[1][-1] == "3" and rows[3][-2] == "佐藤" and rows[3][-1] == ""


def test_csv_export_guards_formulas(book: Book, tmp_path: Path) -> None:
    form_id = published(book, {"title": "x", "items": [
        {"key": "t", "type": "text", "label": "=SUM(A1)"},
        {"key": "n", "type": "name", "label": "お名前", "to": "name"}]})
    apply_form_answer(book, answer(form_id, {"t": ["=HYPERLINK(\"http://evil\")"],
                                             "n": ["@寿司"]}))
    book.forms.export_answers(form_id, tmp_path / "a.csv")
    data = (tmp_path / "a.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][6] == "'=SUM(A1)"
    assert rows[1][6] == "'=HYPERLINK(\"http://evil\")" and rows[1][7] == "'@寿司"
    assert rows[1][4] == "'@寿司"
    assert (tmp_path / "a.csv").stat().st_mode & 0o077 == 0
    assert book.audit.entries()[0].action == "export_csv"


def test_uploaded_files_become_attachments_whichever_arrives_first(book: Book) -> None:
    form_id = published(book, {"title": "写真", "items": [
        {"key": "photo", "type": "file", "label": "髪型の写真", "accept": ["photo"],
         "max_files": 2, "to": "field:髪型"}]})
    cid = book.customers.create(line_user_id=USER)
    token = link_token(book, form_id)

    def upload(answer_id: str, n: int) -> tuple[FileItem, dict[str, Any]]:
        data = JPEG + bytes([n])
        item = FileItem(secrets.token_hex(16), answer_id, form_id, "photo", f"髪{n}.jpg",
                        "image/jpeg", data)
        return item, {"file_id": item.file_id, "name": item.name,
                      "content_type": "image/jpeg", "size": len(data),
                      "sha256": hashlib.sha256(data).hexdigest()}

    # The relay queues files before their answer:
    first = answer(form_id, {}, token=token)
    f1, ref1 = upload(first["answer_id"], 1)
    assert store_form_file(book, f1) is True and store_form_file(book, f1) is False
    first["files"] = {"photo": [ref1]}
    assert apply_form_answer(book, first).status == "applied"
    # A file arriving after its answer is attached when it comes:
    second = answer(form_id, {}, token=token)
    f2, ref2 = upload(second["answer_id"], 2)
    second["files"] = {"photo": [ref2]}
    result = apply_form_answer(book, second)
    assert [n["code"] for n in result.notes] == ["file_missing"]
    store_form_file(book, f2)
    attached = book.attachments.list(cid)
    assert sorted(a.file_name for a in attached) == ["髪1.jpg", "髪2.jpg"]
    field_id = book.fields.by_name()["髪型"].id
    assert {a.field_id for a in attached} == {field_id}
    assert {book.attachments.read_bytes(a.id, audit=False) for a in attached} == {
        f1.data, f2.data}
    with book.db.read() as s:  # the bytes left the answer's table once attached
        assert s.execute(text("SELECT count(*) FROM form_answer_file WHERE data IS NOT NULL")
                         ).scalar() == 0


def test_forms_are_found_deleted_and_refused_with_the_owners_words(
        book: Book, example: dict[str, Any], tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"title": "x", "items": [{"key": "a", "type": "number", '
                      '"label": "回数", "min": "zero"}]}', encoding="utf-8")
    with pytest.raises(FormDefinitionError) as caught:
        book.forms.import_file(broken)
    assert 'item 1 ("a")' in caught.value.detail and '"min"' in caught.value.detail
    assert book.forms.list() == []
    info = book.forms.import_file(Path(__file__).with_name("issue12_example.json"))
    assert book.forms.get(str(info.id)).form_id == info.form_id
    published(book, example)
    assert len(book.forms.list()) == 2
    result = apply_form_answer(book, answer(info.form_id, GOOD, version=1))
    assert result.status == "refused"  # the imported form was never published
    book.forms.delete(info.form_id)
    with pytest.raises(FormNotFoundError):
        book.forms.get(info.form_id)
    # Its answers stay, readable, without their form.
    assert book.forms.answer(result.answer_id).form_id == info.form_id


def test_a_file_whose_bytes_are_not_what_the_relay_says_is_refused(book: Book) -> None:
    disguised = FileItem(secrets.token_hex(16), secrets.token_hex(16), "0123456789abcdef",
                         "photo", "photo.jpg", "image/jpeg", b"MZ\x90\x00 an .exe")
    with pytest.raises(ItemFormatError):
        store_form_file(book, disguised)
    empty = FileItem(secrets.token_hex(16), secrets.token_hex(16), "0123456789abcdef",
                     "photo", "x.exe", "application/x-msdownload", b"MZ")
    with pytest.raises(ItemFormatError):
        store_form_file(book, empty)
    with book.db.read() as s:
        assert s.execute(text("SELECT count(*) FROM form_answer_file")).scalar() == 0
