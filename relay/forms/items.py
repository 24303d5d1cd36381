"""The sealed items a form answer travels in, from the relay to each paired desktop.

They are sealed and queued exactly like LINE deliveries (:mod:`relay.sealing`, the same
HPKE suite and ``info``, one copy per device, ``GET /v1/events``), and told apart from
them by their first line, as sealed-item format 2 tells a delivery
(``otokui-line-delivery/1``) from an old relay's bare event:

**An answer** (``ANSWER_MAGIC``)::

    b"otokui-form-answer/1\\n" + UTF-8 JSON object:
    {"answer_id": "<32 hex>",          unique per answer (the desktop applies it once)
     "form_id": "<16 hex>", "version": 3,   the published version it was checked against
     "submitted_at": <ms since the epoch>,
     "identity": {"kind": "link", "token": "<the per-friend link's token>"}
               | {"kind": "liff", "user_id": "U..."}   (verified by the relay with LINE Login)
               | {"kind": "public"},
     "fields": {"<input name>": ["<value as posted>", ...], ...},
     "files": {"<item key>": [{"file_id", "name", "content_type", "size", "sha256"}]},
     "replaces": "<answer_id>" | null,  the friend's earlier answer it edits
     "instant": true}   (only when so) the relay's autopilot sends the form's LINE thank-you
                        itself; an ``otokui-instant/1`` item tells how it went
                        (relay.autopilot_pages)

``fields`` and ``files`` are exactly what :func:`relay.forms.schema.validate_answer`
accepted, raw, so the desktop validates them again against its own copy of that version
and gets the same values (it trusts no relay).

**A file** (``FILE_MAGIC``), one item per uploaded file, queued *before* its answer::

    b"otokui-form-file/1\\n" + one line of UTF-8 JSON + b"\\n" + the file's bytes
    {"file_id", "answer_id", "form_id", "key", "name", "content_type", "size", "sha256"}

Nothing here imports the relay's server or ``app/``.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any, TypeGuard

from relay.forms.schema import FileRef

__all__ = [
    "ANSWER_MAGIC",
    "FILE_MAGIC",
    "AnswerItem",
    "FileItem",
    "ItemFormatError",
    "answer_plaintext",
    "file_plaintext",
    "is_form_item",
    "read_answer",
    "read_file",
    "sniff_content_type",
]

ANSWER_MAGIC = b"otokui-form-answer/1\n"
FILE_MAGIC = b"otokui-form-file/1\n"
MAX_ANSWER_BYTES = 1_048_576
_ANSWER_ID = re.compile(r"^[0-9a-f]{32}$")
_FORM_ID = re.compile(r"^[0-9a-f]{16}$")
_KEYS = frozenset({"answer_id", "form_id", "version", "submitted_at", "identity", "fields",
                   "files", "replaces", "instant"})


class ItemFormatError(ValueError):
    """The plaintext is not a well-formed form item. Quotes nothing of its content."""


@dataclass(frozen=True)
class AnswerItem:
    answer_id: str
    form_id: str
    version: int
    submitted_at: int
    identity: dict[str, str]
    fields: dict[str, list[str]]
    files: dict[str, list[FileRef]]
    replaces: str | None = None
    #: The relay's autopilot sends the LINE thank-you (relay.autopilot_pages).
    instant: bool = False

    @property
    def link_token(self) -> str | None:
        return self.identity.get("token") if self.identity.get("kind") == "link" else None

    def to_json(self) -> dict[str, Any]:
        return {"answer_id": self.answer_id, "form_id": self.form_id,
                "version": self.version, "submitted_at": self.submitted_at,
                "identity": dict(self.identity),
                "fields": {k: list(v) for k, v in self.fields.items()},
                "files": {k: [r.to_json() for r in v] for k, v in self.files.items()},
                "replaces": self.replaces,
                **({"instant": True} if self.instant else {})}


@dataclass(frozen=True)
class FileItem:
    file_id: str
    answer_id: str
    form_id: str
    key: str
    name: str
    content_type: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def is_form_item(plaintext: bytes) -> bool:
    return plaintext.startswith(ANSWER_MAGIC) or plaintext.startswith(FILE_MAGIC)


def answer_plaintext(item: AnswerItem) -> bytes:
    return ANSWER_MAGIC + json.dumps(item.to_json(), ensure_ascii=False,
                                     separators=(",", ":")).encode("utf-8")


def file_plaintext(item: FileItem) -> bytes:
    header = {"file_id": item.file_id, "answer_id": item.answer_id, "form_id": item.form_id,
              "key": item.key, "name": item.name, "content_type": item.content_type,
              "size": len(item.data), "sha256": item.sha256}
    return (FILE_MAGIC + json.dumps(header, ensure_ascii=True, separators=(",", ":"))
            .encode("ascii") + b"\n" + item.data)


def read_answer(plaintext: bytes) -> AnswerItem:
    """Parse an answer item's plaintext; raise :class:`ItemFormatError`."""
    if not plaintext.startswith(ANSWER_MAGIC):
        raise ItemFormatError("not a form answer")
    if len(plaintext) > MAX_ANSWER_BYTES + len(ANSWER_MAGIC):
        raise ItemFormatError("form answer too large")
    data = _json(plaintext[len(ANSWER_MAGIC):])
    if not isinstance(data, dict) or set(data) - _KEYS:
        raise ItemFormatError("form answer is not an object of the known properties")
    answer_id, form_id = data.get("answer_id"), data.get("form_id")
    version, submitted_at = data.get("version"), data.get("submitted_at")
    if not (isinstance(answer_id, str) and _ANSWER_ID.match(answer_id)
            and isinstance(form_id, str) and _FORM_ID.match(form_id)
            and _int(version) and version >= 1 and _int(submitted_at)
            and 946_684_800_000 <= submitted_at < 4_102_444_800_000):
        raise ItemFormatError("form answer ids, version or time are malformed")
    identity = data.get("identity")
    if not isinstance(identity, dict) or identity.get("kind") not in ("link", "liff",
                                                                        "public"):
        raise ItemFormatError("form answer identity is malformed")
    if identity["kind"] == "liff":
        # The friend's LINE user id, from an ID token the relay verified with LINE Login.
        if set(identity) != {"kind", "user_id"} or not isinstance(identity["user_id"], str) \
                or not re.fullmatch(r"U[0-9a-f]{32}", identity["user_id"]):
            raise ItemFormatError("form answer LIFF identity is malformed")
    elif identity["kind"] == "link":
        if set(identity) != {"kind", "token"} or not isinstance(identity["token"], str) \
                or len(identity["token"]) > 200:
            raise ItemFormatError("form answer link identity is malformed")
    elif set(identity) != {"kind"}:
        raise ItemFormatError("form answer public identity is malformed")
    fields = data.get("fields")
    if not isinstance(fields, dict) or not all(
            isinstance(v, list) and all(isinstance(s, str) for s in v)
            for v in fields.values()):
        raise ItemFormatError("form answer fields are malformed")
    files_raw = data.get("files", {})
    files: dict[str, list[FileRef]] = {}
    if not isinstance(files_raw, dict):
        raise ItemFormatError("form answer files are malformed")
    for key, refs in files_raw.items():
        if not isinstance(refs, list):
            raise ItemFormatError("form answer files are malformed")
        parsed = [FileRef.from_json(r) for r in refs]
        if any(p is None for p in parsed):
            raise ItemFormatError("form answer file reference is malformed")
        files[key] = [p for p in parsed if p is not None]
    replaces = data.get("replaces")
    if replaces is not None and not (isinstance(replaces, str) and _ANSWER_ID.match(replaces)):
        raise ItemFormatError("form answer replaces is malformed")
    if data.get("instant", False) not in (True, False):
        raise ItemFormatError("form answer instant is malformed")
    return AnswerItem(answer_id, form_id, version, submitted_at,
                      {k: str(v) for k, v in identity.items()},
                      {k: list(v) for k, v in fields.items()}, files, replaces,
                      instant=data.get("instant") is True)


def read_file(plaintext: bytes) -> FileItem:
    """Parse a file item's plaintext and check its size and hash; raise ItemFormatError."""
    if not plaintext.startswith(FILE_MAGIC):
        raise ItemFormatError("not a form file")
    header_line, newline, data = plaintext[len(FILE_MAGIC):].partition(b"\n")
    if not newline or len(header_line) > 4096:
        raise ItemFormatError("form file without its header line")
    header = _json(header_line)
    if not isinstance(header, dict):
        raise ItemFormatError("form file header is not an object")
    ref = FileRef.from_json({k: header.get(k) for k in
                             ("file_id", "name", "content_type", "size", "sha256")})
    answer_id, form_id, key = header.get("answer_id"), header.get("form_id"), header.get("key")
    if ref is None or not (isinstance(answer_id, str) and _ANSWER_ID.match(answer_id)
                           and isinstance(form_id, str) and _FORM_ID.match(form_id)
                           and isinstance(key, str) and 0 < len(key) <= 40):
        raise ItemFormatError("form file header is malformed")
    if ref.size != len(data) or ref.sha256 != hashlib.sha256(data).hexdigest():
        raise ItemFormatError("form file size or hash does not match its bytes")
    return FileItem(ref.file_id, answer_id, form_id, key, ref.name, ref.content_type, data)


def _int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _json(data: bytes) -> Any:
    def no_constant(name: str) -> Any:
        raise ValueError(name)

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)
        if len(obj) != len(pairs):
            raise ValueError("duplicate key")
        return obj

    try:
        return json.loads(data.decode("utf-8"), parse_constant=no_constant,
                          object_pairs_hook=no_duplicates)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ItemFormatError("form item is not strict JSON") from None


#: What an uploaded file must start with, by the type the relay records for it.
_MAGIC_BYTES = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"),
                (b"%PDF-", "application/pdf"))


def sniff_content_type(data: bytes) -> str | None:
    """The upload's type by its first bytes (never by its name), or None: an .exe named
    .jpg is None. The relay records this type in the :class:`FileRef`."""
    for magic, content_type in _MAGIC_BYTES:
        if data.startswith(magic):
            return content_type
    return None
