"""The sealed items of form answers and files (relay.forms.items), sealed like events."""

from __future__ import annotations

import hashlib
import json
import os

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from relay.forms.items import (
    ANSWER_MAGIC,
    FILE_MAGIC,
    AnswerItem,
    FileItem,
    ItemFormatError,
    answer_plaintext,
    file_plaintext,
    is_form_item,
    read_answer,
    read_file,
    sniff_content_type,
)
from relay.forms.schema import FileRef
from relay.sealing import open_sealed_bytes, seal_bytes

JPEG = b"\xff\xd8\xff\xe0" + os.urandom(200)


def answer(**changes: object) -> AnswerItem:
    ref = FileRef("c" * 32, "髪.jpg", "image/jpeg", len(JPEG), hashlib.sha256(JPEG).hexdigest())
    data = dict(answer_id="a" * 32, form_id="0123456789abcdef", version=2,
                submitted_at=1_800_000_000_000, identity={"kind": "link", "token": "tok"},
                fields={"name": ["山田"], "concern": ["くせ毛", "白髪"]},
                files={"photo": [ref]}, replaces=None)
    data.update(changes)
    return AnswerItem(**data)  # type: ignore[arg-type]


def test_an_answer_goes_through_the_relays_sealing_and_back() -> None:
    key = X25519PrivateKey.generate()
    item = answer()
    sealed = seal_bytes(answer_plaintext(item), key.public_key())
    plaintext = open_sealed_bytes(sealed, key)
    assert plaintext.startswith(ANSWER_MAGIC) and is_form_item(plaintext)
    assert read_answer(plaintext) == item
    assert not is_form_item(b"otokui-line-delivery/1\nsig\n{}")


def test_a_file_item_carries_its_bytes_and_is_checked() -> None:
    item = FileItem("c" * 32, "a" * 32, "0123456789abcdef", "photo", "髪.jpg", "image/jpeg",
                    JPEG)
    plaintext = file_plaintext(item)
    assert plaintext.startswith(FILE_MAGIC)
    assert read_file(plaintext) == item
    tampered = plaintext[:-1] + bytes([plaintext[-1] ^ 1])
    with pytest.raises(ItemFormatError):
        read_file(tampered)
    with pytest.raises(ItemFormatError):
        read_file(plaintext[:-5])


@pytest.mark.parametrize("change", [
    {"answer_id": "xyz"}, {"form_id": "0123"}, {"version": 0}, {"version": True},
    {"submitted_at": 10**16}, {"identity": {"kind": "liff"}},
    {"identity": {"kind": "public", "token": "x"}}, {"identity": {"kind": "link"}},
    {"fields": {"name": "山田"}}, {"fields": {"name": [1]}}, {"files": {"photo": [{}]}},
    {"replaces": "nope"}, {"extra": 1},
])
def test_malformed_answers_are_refused(change: dict[str, object]) -> None:
    data = answer().to_json()
    data.update(change)
    with pytest.raises(ItemFormatError):
        read_answer(ANSWER_MAGIC + json.dumps(data).encode())


@pytest.mark.parametrize("plaintext", [
    b"", b"{}", ANSWER_MAGIC + b"not json", ANSWER_MAGIC + b'{"a": NaN}',
    ANSWER_MAGIC + b'{"answer_id": "a", "answer_id": "b"}', ANSWER_MAGIC + b"[]",
    ANSWER_MAGIC + b"\xff\xfe", FILE_MAGIC + b"no header line",
])
def test_garbage_is_refused(plaintext: bytes) -> None:
    with pytest.raises(ItemFormatError):
        read_answer(plaintext)
    with pytest.raises(ItemFormatError):
        read_file(plaintext)


def test_uploads_are_typed_by_their_bytes_not_their_names() -> None:
    assert sniff_content_type(JPEG) == "image/jpeg"
    assert sniff_content_type(b"\x89PNG\r\n\x1a\n....") == "image/png"
    assert sniff_content_type(b"%PDF-1.7\n") == "application/pdf"
    assert sniff_content_type(b"MZ\x90\x00 an .exe named photo.jpg") is None
