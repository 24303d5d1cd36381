"""Photos in a rule's ``send``: checked as the inbox checks them, kept encrypted in the book.

Imported form: ``"images": ["coupon.jpg", ...]``: paths (a relative one from the rule
file's folder), or photos already stored (``{"blob": ...}``: the editor gives a saved
rule's photos back as they are). Stored form: ``[{"blob": NAME, "type": "image/jpeg",
"name": "coupon.jpg"}]``; the ciphertext is in the profile's attachments folder (the
attachments blob store, :meth:`app.attachments.AttachmentService.store_stream`: no
plaintext ever touches the disk) and its key in ``rule_image``.

Lifecycle: a firing copies its rule's photo references into ``rule_send.images``, so what
is sent is what the rule said when it fired. A photo is removed (:func:`prune`) once no
rule and no unsent (``pending`` or ``sending``) ``rule_send`` names it: after a rule is
saved or deleted, and after the engine sent photos. A row left ``sending`` by a crash is
never sent again but keeps its photos (at most one chunk of sends per crash).

Rules cannot make a smaller preview (the core has no imaging library), so a rule's photo
is at most 1 MB: its own preview, as LINE needs one of at most 1 MB.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.attachments import StoredBlob
from app.automation import errors as E
from app.crypto import stream
from app.line.send.bubbles import (
    MAX_BUBBLES,
    MAX_PREVIEW_BYTES,
    CheckedImage,
    ImageBubble,
    PreviewNeededError,
    check_image,
)
from app.store.models import utcnow
from app.store.models_rules import Rule, RuleImage, RuleSend

if TYPE_CHECKING:
    from app.book import Book

#: The ``rule_send`` states whose photos are still needed.
UNSENT: Final = ("pending", "sending")
#: The error code of a send whose photo is gone (rule_send.error).
MISSING: Final = "rule-image-missing"


@dataclass(frozen=True)
class NewImage:
    """A photo encrypted into the attachments folder, not yet recorded in the book."""

    blob: StoredBlob
    content_type: str
    name: str

    @property
    def ref(self) -> dict[str, Any]:
        return {"blob": self.blob.blob_name, "type": self.content_type, "name": self.name}


def check_count(text: Any, images: int) -> None:
    """A send has a text or a photo, and at most five bubbles (LINE's limit): the text
    counts one when there is one, each photo one."""
    bubbles = (1 if isinstance(text, str) and text.strip() else 0) + images
    if bubbles == 0:
        raise E.invalid("text", E.EMPTY_SEND)
    if bubbles > MAX_BUBBLES:
        raise E.invalid(str(bubbles), E.TOO_MANY_BUBBLES)


def prepare(book: Book, then: Any, base_dir: Path | None = None
            ) -> tuple[Any, list[NewImage]]:
    """Read, check and store (encrypted) every photo a ``send`` of ``then`` names by its
    path. Returns ``then`` with those paths replaced by stored references, and the new
    photos: the caller records them (:func:`record_in`) in the transaction that saves the
    rule, or removes them (:func:`discard`) when the save fails. On a refusal here nothing
    is left behind."""
    if not isinstance(then, list):
        return then, []
    out: list[Any] = []
    new: list[NewImage] = []
    try:
        for action in then:
            if isinstance(action, dict) and action.get("kind") == "send" and action.get(
                    "images") is not None:
                action = {**action, "images": _store_all(book, action, base_dir, new)}
            out.append(action)
    except BaseException:
        discard(book, new)
        raise
    return out, new


def _store_all(book: Book, action: dict[str, Any], base_dir: Path | None,
               new: list[NewImage]) -> list[dict[str, Any]]:
    images = action["images"]
    if not isinstance(images, list):
        raise E.invalid("images", E.BAD_IMAGES)
    check_count(action.get("text"), len(images))
    # Every photo is checked before the first is stored: a refusal stores nothing.
    checked: list[dict[str, Any] | tuple[CheckedImage, str]] = []
    for item in images:
        if isinstance(item, dict) and isinstance(item.get("blob"), str):
            checked.append(item)
            continue
        path = item.get("path") if isinstance(item, dict) else item
        if not isinstance(path, str) or not path.strip():
            raise E.invalid(str(item)[:40], E.BAD_IMAGES)
        file = Path(path)
        if not file.is_absolute() and base_dir is not None:
            file = base_dir / file
        checked.append((check_photo(file), file.name))
    out: list[dict[str, Any]] = []
    for entry in checked:
        if isinstance(entry, dict):
            out.append(entry)
            continue
        image, name = entry
        blob = book.attachments.store_stream(io.BytesIO(image.data))
        new.append(NewImage(blob, image.content_type, name))
        out.append(new[-1].ref)
    return out


def check_photo(source: Path | bytes) -> CheckedImage:
    """The inbox's checks (JPEG or PNG, LINE's sizes), and at most 1 MB (its own
    preview: a rule cannot make one)."""
    try:
        image = check_image(ImageBubble(source))
    except PreviewNeededError:
        raise E.invalid(getattr(source, "name", ""), E.PHOTO_TOO_LARGE) from None
    assert len(image.data) <= MAX_PREVIEW_BYTES
    return image


def record_in(s: Session, new: Iterable[NewImage]) -> None:
    """Record the new photos (their keys) inside the transaction that saves the rule."""
    for image in new:
        s.add(RuleImage(blob_name=image.blob.blob_name, file_key=image.blob.key,
                        content_type=image.content_type, file_name=image.name[:200],
                        size=image.blob.size, sha256=image.blob.sha256, created_at=utcnow()))
    s.flush()


def discard(book: Book, new: Iterable[NewImage]) -> None:
    """Remove the ciphertexts of photos that were never recorded (a refused save)."""
    book.attachments.remove_blobs([i.blob.blob_name for i in new])


def check_refs(s: Session, images: Any) -> list[dict[str, Any]]:
    """The stored form of a ``send``'s photos: each must be recorded (``rule_image``)."""
    if images is None:
        return []
    if not isinstance(images, list):
        raise E.invalid("images", E.BAD_IMAGES)
    out: list[dict[str, Any]] = []
    for item in images:
        name = item.get("blob") if isinstance(item, dict) else None
        row = s.scalar(select(RuleImage).where(RuleImage.blob_name == name)) if isinstance(
            name, str) else None
        if row is None:
            # A path not read by prepare(), or a photo removed since the editor opened.
            raise E.invalid(str(item)[:40], E.UNKNOWN_IMAGE)
        out.append({"blob": row.blob_name, "type": row.content_type, "name": row.file_name})
    return out


def _named(images: Any) -> set[str]:
    return {i["blob"] for i in images or [] if isinstance(i, dict)
            and isinstance(i.get("blob"), str)}


def prune(s: Session) -> list[str]:
    """Forget the photos no rule and no unsent ``rule_send`` names (inside ``s``);
    returns their ciphertexts, to remove after the commit (:meth:`remove_blobs`)."""
    known: dict[str, int] = {name: rid for name, rid in s.execute(
        select(RuleImage.blob_name, RuleImage.id))}
    if not known:
        return []
    used: set[str] = set()
    for spec in s.scalars(select(Rule.spec)):
        for action in (spec or {}).get("then", []):
            if action.get("kind") == "send":
                used |= _named(action.get("images"))
    for images in s.scalars(select(RuleSend.images).where(
            RuleSend.state.in_(UNSENT), RuleSend.images.is_not(None))):
        used |= _named(images)
    gone = [name for name in known if name not in used]
    if gone:
        s.execute(delete(RuleImage).where(RuleImage.id.in_([known[n] for n in gone])))
    return gone


def blob_names(s: Session) -> set[str]:
    """Every rule photo's ciphertext (the attachments folder's orphan sweep keeps them)."""
    return set(s.scalars(select(RuleImage.blob_name)))


def read(book: Book, s: Session, images: list[dict[str, Any]]) -> list[bytes] | None:
    """The photos' bytes, decrypted into memory only; None when one is gone."""
    out: list[bytes] = []
    for ref in images:
        row = s.scalar(select(RuleImage).where(RuleImage.blob_name == ref.get("blob")))
        path = book.attachments.blob_path(str(ref.get("blob")))
        if row is None or not path.is_file():
            return None
        out.append(stream.decrypt_to_bytes(path, row.file_key, max_size=MAX_PREVIEW_BYTES))
    return out


def describe(images: Any) -> str:
    """「(写真2枚)」 for ``rule try`` and the list, or nothing."""
    n = len(images) if isinstance(images, list) else 0
    return f"(写真{n}枚)" if n else ""
