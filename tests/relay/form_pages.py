"""Helpers for the form pages' tests: a published form, its links, reading its HTML."""

from __future__ import annotations

import base64
import os
import re
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import httpx

from relay.forms import links
from relay.forms.items import read_answer, read_file
from relay.sealing import open_sealed_bytes
from tests.relay.harness import Device, ThreadRelay

#: Every item type, as a shop would ask them (the browser test fills all of these).
ALL_ITEMS: dict[str, Any] = {
    "title": "初回問診票", "description": "ご来店前にご記入ください。\n\n所要時間は3分ほどです。",
    "one_answer_per_friend": True, "tags_on_answer": ["問診票回答済み"],
    "thank_you": "ご回答ありがとうございました。\nご来店をお待ちしております。",
    "items": [
        {"key": "about", "type": "heading", "label": "お客様について", "help": "分かる範囲で"},
        {"key": "name", "type": "name", "label": "お名前", "required": True, "to": "name",
         "furigana": True},
        {"key": "phone", "type": "phone", "label": "電話番号", "required": True, "to": "phone"},
        {"key": "email", "type": "email", "label": "メールアドレス", "to": "email"},
        {"key": "birthday", "type": "birthday", "label": "生年月日", "to": "birthday"},
        {"key": "address", "type": "address", "label": "ご住所", "to": "address"},
        {"key": "visits", "type": "number", "label": "ご来店回数", "integer": True, "min": 0,
         "max": 100, "to": "field:来店回数"},
        {"key": "first", "type": "date", "label": "ご希望の日", "min": "2000-01-01"},
        {"key": "concern", "type": "choice", "multiple": True, "label": "気になること",
         "choices": [{"label": "くせ毛", "tags": ["くせ毛"]}, {"label": "白髪", "tags": ["白髪"]},
                     "乾燥"]},
        {"key": "length", "type": "choice", "label": "髪の長さ",
         "choices": ["ショート", "ミディアム", "ロング"]},
        {"key": "how", "type": "choice", "display": "dropdown", "label": "当店を知ったきっかけ",
         "choices": ["ご紹介", "LINE", "通りがかり"]},
        {"key": "nick", "type": "text", "label": "呼ばれたいお名前", "max_length": 20},
        {"key": "note", "type": "long_text", "label": "ご要望", "to": "memo",
         "help": "髪のお悩みなど、ご自由にどうぞ"},
        {"key": "photo", "type": "file", "label": "今の髪型の写真", "accept": ["photo"],
         "to": "field:髪型の写真"},
        {"key": "source", "type": "text", "label": "経路", "hidden": True, "default": "qr"},
        {"key": "consent", "type": "consent", "label": "プライバシーポリシーに同意します",
         "required": True}]}

#: A small real JPEG header and body; enough for sniffing, and a marker to scan for.
PHOTO = (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"UPLOADED-PHOTO-BYTES-" * 200)
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200


@dataclass
class Site:
    """A published form on a relay under test, with its link secret (the desktop's)."""

    relay: ThreadRelay
    device: Device
    form_id: str
    secret: bytes = field(repr=False)

    def link(self, user_id: str = "U" + "1" * 32, days: int = 7) -> str:
        expires = int(self.relay.clock()) + days * 86400
        return f"/f/{self.form_id}/{links.make_token(self.secret, self.form_id, user_id, expires)}"

    @property
    def public(self) -> str:
        return f"/f/{self.form_id}"

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.relay.http.get(path, **kw)

    def post(self, path: str, data: dict[str, Any] | list[tuple[str, str]], *,
             files: list[tuple[str, tuple[str, bytes, str]]] | None = None,
             csrf: str | bool | None = True, headers: dict[str, str] | None = None
             ) -> httpx.Response:
        """Post like the page does; ``csrf=True`` takes a token from a fresh GET."""
        pairs = list(data.items()) if isinstance(data, dict) else list(data)
        flat: list[tuple[str, str]] = []
        for k, v in pairs:
            flat.extend((k, x) for x in (v if isinstance(v, list) else [v]))
        if csrf is True:
            csrf = csrf_of(self.get(path).text)
        if csrf:
            flat.append(("_csrf", csrf))
        if files:
            return self.relay.http.post(path, data=_multi(flat), files=files, headers=headers)
        return self.relay.http.post(path, content=_urlencode(flat), headers={
            "content-type": "application/x-www-form-urlencoded", **(headers or {})})

    def pulled(self) -> list[bytes]:
        return [open_sealed_bytes(base64.b64decode(e["sealed"]), self.device.key)
                for e in self.relay.pull(self.device)["events"]]

    def answers(self) -> list[Any]:
        return [read_answer(p) for p in self.pulled() if p.startswith(b"otokui-form-answer")]

    def files(self) -> list[Any]:
        return [read_file(p) for p in self.pulled() if p.startswith(b"otokui-form-file")]


def publish(relay: ThreadRelay, definition: dict[str, Any], device: Device | None = None,
            version: int = 1, form_id: str | None = None) -> Site:
    device = device or relay.pair()
    form_id = form_id or os.urandom(8).hex()
    secret = os.urandom(32)
    mac = base64.b64encode(links.keys_for(secret, form_id)[0]).decode()
    response = relay.http.put(f"/v1/forms/{form_id}", headers=device.auth, json={
        "version": version, "definition": definition, "link_key": mac})
    assert response.status_code == 201, response.text
    return Site(relay, device, form_id, secret)


def _urlencode(pairs: list[tuple[str, str]]) -> bytes:
    from urllib.parse import urlencode
    return urlencode(pairs).encode("ascii")


def _multi(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for k, v in pairs:
        out.setdefault(k, []).append(v)
    return out


def csrf_of(page: str) -> str:
    m = re.search(r'name="_csrf" value="([^"]+)"', page)
    assert m is not None, "the page has no post token"
    return m.group(1)


class Page(HTMLParser):
    """The forms, inputs and labels of a page."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.forms: list[dict[str, str | None]] = []
        self.inputs: list[dict[str, str | None]] = []
        self.scripts: list[dict[str, str | None]] = []
        self.labels_for: set[str] = set()
        self.text_parts: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self.forms.append(a)
        elif tag in ("input", "textarea", "select"):
            self.inputs.append({"tag": tag, **a})
        elif tag == "script":
            self.scripts.append(a)
        elif tag == "label" and a.get("for"):
            self.labels_for.add(a["for"] or "")

    def handle_data(self, data: str) -> None:
        self.text_parts.append(data)

    @property
    def names(self) -> set[str]:
        return {i["name"] or "" for i in self.inputs if i.get("name")}

    @property
    def text(self) -> str:
        return " ".join(self.text_parts)


def wait_until(condition: Any, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)
