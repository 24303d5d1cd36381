"""The checks LINE makes on request bodies, with LINE's error wording.

LINE answers a bad body with 400 ``{"message": "The request body has N error(s)",
"details": [{"message": ..., "property": ...}]}``. Each check here adds one detail;
the caller turns the list into that response.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from emulator.ids import USER_ID_RE

MAX_MESSAGES = 5
MAX_TEXT_UTF16 = 5000
MAX_MULTICAST = 500
MAX_QUICK_REPLY_ITEMS = 13
MAX_URL_LENGTH = 2000
MESSAGE_TYPES = ("text", "textV2", "sticker", "image", "video", "audio", "location",
                 "imagemap", "template", "flex")
QUOTABLE_TYPES = ("text", "textV2", "sticker")
# Message types whose sent copy can itself be quoted later (LINE returns a quoteToken).
QUOTE_TARGET_TYPES = ("text", "textV2", "sticker", "image", "video")

Detail = dict[str, str]


def utf16_len(text: str) -> int:
    """Length as LINE counts it: UTF-16 code units (an emoji outside the BMP counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def body_error(details: list[Detail]) -> dict[str, Any]:
    return {"message": f"The request body has {len(details)} error(s)", "details": details}


class _Checker:
    def __init__(self, quote_token_known: Callable[[str], bool]) -> None:
        self.details: list[Detail] = []
        self._quote_token_known = quote_token_known

    def add(self, prop: str, message: str) -> None:
        self.details.append({"message": message, "property": prop})

    def string(self, obj: dict[str, Any], key: str, prop: str, *, max_len: int | None = None,
               required: bool = True, utf16: bool = False) -> str | None:
        value = obj.get(key)
        if value is None:
            if required:
                self.add(f"{prop}.{key}", "must be specified")
            return None
        if not isinstance(value, str):
            self.add(f"{prop}.{key}", "must be a string")
            return None
        if required and value == "":
            self.add(f"{prop}.{key}", "May not be empty")
            return None
        if max_len is not None:
            size = utf16_len(value) if utf16 else len(value)
            if size > max_len:
                self.add(f"{prop}.{key}", f"Length must be between 0 and {max_len}")
        return value

    def https_url(self, obj: dict[str, Any], key: str, prop: str, *, required: bool = True) -> None:
        value = self.string(obj, key, prop, max_len=MAX_URL_LENGTH, required=required)
        if value and not value.startswith("https://"):
            self.add(f"{prop}.{key}", "Must be a valid HTTPS URL")

    def number(self, obj: dict[str, Any], key: str, prop: str, *, low: float, high: float) -> None:
        value = obj.get(key)
        if value is None:
            self.add(f"{prop}.{key}", "must be specified")
        elif isinstance(value, bool) or not isinstance(value, int | float):
            self.add(f"{prop}.{key}", "must be a number")
        elif not low <= value <= high:
            self.add(f"{prop}.{key}", f"must be between {low:g} and {high:g}")

    def object(self, obj: dict[str, Any], key: str, prop: str) -> dict[str, Any] | None:
        value = obj.get(key)
        if value is None:
            self.add(f"{prop}.{key}", "must be specified")
            return None
        if not isinstance(value, dict):
            self.add(f"{prop}.{key}", "must be an object")
            return None
        return value

    # --- message objects ---

    def message(self, msg: Any, prop: str) -> None:
        if not isinstance(msg, dict):
            self.add(prop, "must be an object")
            return
        mtype = msg.get("type")
        if mtype not in MESSAGE_TYPES:
            self.add(f"{prop}.type",
                     "Must be one of the following values: [" + ", ".join(MESSAGE_TYPES) + "]")
            return
        getattr(self, "_" + mtype.lower())(msg, prop)
        if "quoteToken" in msg:
            token = msg["quoteToken"]
            if mtype not in QUOTABLE_TYPES:
                self.add(f"{prop}.quoteToken", "This message type cannot quote a message")
            elif not isinstance(token, str) or not self._quote_token_known(token):
                self.add(f"{prop}.quoteToken", "Invalid quote token")
        quick = msg.get("quickReply")
        if quick is not None:
            items = quick.get("items") if isinstance(quick, dict) else None
            if not isinstance(items, list) or not 1 <= len(items) <= MAX_QUICK_REPLY_ITEMS:
                self.add(f"{prop}.quickReply.items",
                         f"Size must be between 1 and {MAX_QUICK_REPLY_ITEMS}")
        sender = msg.get("sender")
        if sender is not None:
            if not isinstance(sender, dict):
                self.add(f"{prop}.sender", "must be an object")
            else:
                self.string(sender, "name", f"{prop}.sender", max_len=20, required=False)
                self.https_url(sender, "iconUrl", f"{prop}.sender", required=False)

    def _text(self, msg: dict[str, Any], prop: str) -> None:
        text = self.string(msg, "text", prop, max_len=MAX_TEXT_UTF16, utf16=True)
        emojis = msg.get("emojis")
        if emojis is None or text is None:
            return
        if not isinstance(emojis, list) or len(emojis) > 20:
            self.add(f"{prop}.emojis", "Size must be between 0 and 20")
            return
        for i, emoji in enumerate(emojis):
            eprop = f"{prop}.emojis[{i}]"
            if not isinstance(emoji, dict):
                self.add(eprop, "must be an object")
                continue
            index = emoji.get("index")
            # LINE emoji replace a "$" in the text, counted in UTF-16 units.
            units = text.encode("utf-16-le")
            if (not isinstance(index, int) or isinstance(index, bool) or index < 0
                    or index * 2 + 2 > len(units) or units[index * 2:index * 2 + 2] != b"$\x00"):
                self.add(f"{eprop}.index", "must point at a '$' character in the text")
            self.string(emoji, "productId", eprop)
            self.string(emoji, "emojiId", eprop)

    def _textv2(self, msg: dict[str, Any], prop: str) -> None:
        self.string(msg, "text", prop, max_len=MAX_TEXT_UTF16, utf16=True)
        substitution = msg.get("substitution")
        if substitution is not None and not isinstance(substitution, dict):
            self.add(f"{prop}.substitution", "must be an object")

    def _sticker(self, msg: dict[str, Any], prop: str) -> None:
        self.string(msg, "packageId", prop)
        self.string(msg, "stickerId", prop)

    def _image(self, msg: dict[str, Any], prop: str) -> None:
        self.https_url(msg, "originalContentUrl", prop)
        self.https_url(msg, "previewImageUrl", prop)

    def _video(self, msg: dict[str, Any], prop: str) -> None:
        self.https_url(msg, "originalContentUrl", prop)
        self.https_url(msg, "previewImageUrl", prop)
        self.string(msg, "trackingId", prop, max_len=100, required=False)

    def _audio(self, msg: dict[str, Any], prop: str) -> None:
        self.https_url(msg, "originalContentUrl", prop)
        duration = msg.get("duration")
        if not isinstance(duration, int) or isinstance(duration, bool) or duration < 1:
            self.add(f"{prop}.duration", "must be a positive number of milliseconds")

    def _location(self, msg: dict[str, Any], prop: str) -> None:
        self.string(msg, "title", prop, max_len=100)
        self.string(msg, "address", prop, max_len=100)
        self.number(msg, "latitude", prop, low=-90, high=90)
        self.number(msg, "longitude", prop, low=-180, high=180)

    def _imagemap(self, msg: dict[str, Any], prop: str) -> None:
        self.https_url(msg, "baseUrl", prop)
        self.string(msg, "altText", prop, max_len=1500)
        base = self.object(msg, "baseSize", prop)
        if base is not None:
            self.number(base, "width", f"{prop}.baseSize", low=1040, high=1040)
            self.number(base, "height", f"{prop}.baseSize", low=1, high=2080)
        actions = msg.get("actions")
        if not isinstance(actions, list) or not 1 <= len(actions) <= 50:
            self.add(f"{prop}.actions", "Size must be between 1 and 50")

    def _template(self, msg: dict[str, Any], prop: str) -> None:
        self.string(msg, "altText", prop, max_len=400)
        template = self.object(msg, "template", prop)
        if template is not None and template.get("type") not in (
                "buttons", "confirm", "carousel", "image_carousel"):
            self.add(f"{prop}.template.type", "Must be one of the following values: "
                     "[buttons, confirm, carousel, image_carousel]")

    def _flex(self, msg: dict[str, Any], prop: str) -> None:
        self.string(msg, "altText", prop, max_len=1500)
        contents = self.object(msg, "contents", prop)
        if contents is not None and contents.get("type") not in ("bubble", "carousel"):
            self.add(f"{prop}.contents.type",
                     "Must be one of the following values: [bubble, carousel]")

    # --- request bodies ---

    def messages(self, body: dict[str, Any]) -> None:
        messages = body.get("messages")
        if messages is None:
            self.add("messages", "must be specified")
            return
        if not isinstance(messages, list):
            self.add("messages", "must be an array")
            return
        if not 1 <= len(messages) <= MAX_MESSAGES:
            self.add("messages", f"Size must be between 1 and {MAX_MESSAGES}")
            return
        for i, msg in enumerate(messages):
            self.message(msg, f"messages[{i}]")

    def notification_flag(self, body: dict[str, Any]) -> None:
        flag = body.get("notificationDisabled")
        if flag is not None and not isinstance(flag, bool):
            self.add("notificationDisabled", "must be a boolean")


def check_send_body(endpoint: str, body: Any,
                    quote_token_known: Callable[[str], bool]) -> list[Detail]:
    """Every detail LINE would report for a reply/push/multicast/broadcast/narrowcast body."""
    checker = _Checker(quote_token_known)
    if not isinstance(body, dict):
        checker.add("", "The request body must be a JSON object")
        return checker.details
    if endpoint == "reply":
        checker.string(body, "replyToken", "")
    elif endpoint == "push":
        to = body.get("to")
        if to is None:
            checker.add("to", "must be specified")
        elif not isinstance(to, str) or not USER_ID_RE.match(to):
            checker.add("to", "The value must be a valid user ID")
    elif endpoint == "multicast":
        to = body.get("to")
        if not isinstance(to, list) or not 1 <= len(to) <= MAX_MULTICAST:
            checker.add("to", f"Size must be between 1 and {MAX_MULTICAST}")
        else:
            for i, uid in enumerate(to):
                if not isinstance(uid, str) or not USER_ID_RE.match(uid):
                    checker.add(f"to[{i}]", "The value must be a valid user ID")
    elif endpoint == "narrowcast":
        for key in ("recipient", "filter", "limit"):
            if body.get(key) is not None and not isinstance(body[key], dict):
                checker.add(key, "must be an object")
        limit = body.get("limit")
        if isinstance(limit, dict):
            most = limit.get("max")
            if most is not None and (not isinstance(most, int) or isinstance(most, bool)
                                     or most < 1):
                checker.add("limit.max", "must be a positive number")
            upto = limit.get("upToRemainingQuota")
            if upto is not None and not isinstance(upto, bool):
                checker.add("limit.upToRemainingQuota", "must be a boolean")
    checker.messages(body)
    checker.notification_flag(body)
    # The checker builds "prop.key" paths; top-level keys have an empty prefix.
    for detail in checker.details:
        detail["property"] = detail["property"].lstrip(".")
    return checker.details
