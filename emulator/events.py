"""Webhook event objects in LINE's format.

Every event carries what the SDK's ``WebhookParser`` needs to build the real class
(not ``UnknownEvent``): ``type``, ``mode``, ``timestamp`` (ms), ``source``,
``webhookEventId`` (a ULID) and ``deliveryContext.isRedelivery``. Text, image, video and
sticker messages carry a ``quoteToken``; every message carries a ``markAsReadToken``;
media carry ``contentProvider``; files carry ``fileName`` and ``fileSize``.
"""

from __future__ import annotations

from typing import Any


def source_of(user_id: str, *, group_id: str | None = None,
              room_id: str | None = None) -> dict[str, Any]:
    """``source``: the user's one-to-one chat, or a group or room they wrote in."""
    if group_id is not None:
        return {"type": "group", "groupId": group_id, "userId": user_id}
    if room_id is not None:
        return {"type": "room", "roomId": room_id, "userId": user_id}
    return {"type": "user", "userId": user_id}


def base_event(etype: str, *, user_id: str, timestamp_ms: int, event_id: str,
               mode: str, source: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "type": etype,
        "mode": mode,
        "timestamp": timestamp_ms,
        "source": source or source_of(user_id),
        "webhookEventId": event_id,
        "deliveryContext": {"isRedelivery": False},
    }


def text_message(message_id: str, text: str, *, quote_token: str, mark_as_read_token: str,
                 emojis: list[dict[str, Any]] | None = None,
                 quoted_message_id: str | None = None) -> dict[str, Any]:
    msg: dict[str, Any] = {"id": message_id, "type": "text", "quoteToken": quote_token,
                           "text": text}
    if emojis:
        msg["emojis"] = emojis
    if quoted_message_id:
        msg["quotedMessageId"] = quoted_message_id
    msg["markAsReadToken"] = mark_as_read_token
    return msg


def sticker_message(message_id: str, *, package_id: str, sticker_id: str,
                    resource_type: str, keywords: list[str] | None, text: str | None,
                    quote_token: str, mark_as_read_token: str) -> dict[str, Any]:
    msg: dict[str, Any] = {"id": message_id, "type": "sticker", "quoteToken": quote_token,
                           "stickerId": sticker_id, "packageId": package_id,
                           "stickerResourceType": resource_type}
    if keywords:
        msg["keywords"] = keywords[:15]
    if text:
        msg["text"] = text
    msg["markAsReadToken"] = mark_as_read_token
    return msg


def media_message(message_id: str, mtype: str, *, quote_token: str | None,
                  mark_as_read_token: str, duration_ms: int | None = None) -> dict[str, Any]:
    msg: dict[str, Any] = {"id": message_id, "type": mtype}
    if quote_token is not None:
        msg["quoteToken"] = quote_token
    if duration_ms is not None:
        msg["duration"] = duration_ms
    msg["contentProvider"] = {"type": "line"}
    msg["markAsReadToken"] = mark_as_read_token
    return msg


def file_message(message_id: str, *, file_name: str, file_size: int,
                 mark_as_read_token: str) -> dict[str, Any]:
    return {"id": message_id, "type": "file", "fileName": file_name, "fileSize": file_size,
            "markAsReadToken": mark_as_read_token}


def location_message(message_id: str, *, title: str | None, address: str | None,
                     latitude: float, longitude: float,
                     mark_as_read_token: str) -> dict[str, Any]:
    msg: dict[str, Any] = {"id": message_id, "type": "location"}
    if title is not None:
        msg["title"] = title
    if address is not None:
        msg["address"] = address
    msg.update(latitude=latitude, longitude=longitude, markAsReadToken=mark_as_read_token)
    return msg
