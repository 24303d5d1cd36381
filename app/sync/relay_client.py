"""The desktop's side of the relay's HTTP contract, version 1 (docs/relay.md).

``GET /healthz``, ``POST /v1/devices`` (pairing), ``DELETE /v1/devices/{id}`` (unpairing),
``GET /v1/events`` (long-poll) and ``POST /v1/events/ack``; the media and forms
endpoints. Every failure becomes one of
the errors of :mod:`app.sync.errors`: 401 means this desktop is no longer paired; no
connection, a timeout or a 5xx means the relay is unreachable for now (retry later).

Addresses must be https, except on this computer (loopback) where http is allowed for the
demo and tests: the device token travels in every request.

The relay is not trusted to be well-behaved (docs/security.md): every request has an
overall deadline, not only per-read timeouts (:mod:`app.sync.bounded_http`), and an
answer is read as a stream and refused as soon as it passes :class:`RelayLimits`.
"""

from __future__ import annotations

import ipaddress
import json
import logging
from dataclasses import dataclass
from typing import Any, TypeGuard
from urllib.parse import urlsplit

import httpx

from app.errors import OtokuiError
from app.i18n import QT_TRANSLATE_NOOP
from app.sync.bounded_http import DeadlineTransport, deadline
from app.sync.errors import (
    PairingRefusedError,
    PairingTooManyTriesError,
    RelayProtocolError,
    RelayShopUnknownError,
    RelayUnauthorizedError,
    RelayUnreachableError,
    RelayUrlError,
)

log = logging.getLogger("otokui.sync")

_CTX = "errors"

CONTRACT_VERSION = 1
#: Longest long-poll the contract allows (seconds).
MAX_WAIT = 30.0
MAX_LIMIT = 500
CONNECT_TIMEOUT = 10.0
#: A plain request's answer must come within this; a long-poll gets its wait on top.
READ_TIMEOUT = 20.0
MAX_SEQ = 2**63 - 1


@dataclass(frozen=True)
class RelayLimits:
    """What one answer of the relay may cost this desktop, at most."""

    #: Bytes of one answer's body. An honest relay sends at most 8 MiB of sealed items
    #: per pull (plus base64 and JSON); past this the answer is cut and refused.
    max_response_bytes: int = 32 * 1024 * 1024
    #: Seconds a whole request may take, on top of a long-poll's wait: connecting,
    #: sending, the headers and the whole body, however slowly they trickle in.
    deadline: float = 60.0


def normalize_relay_url(url: str) -> str:
    """Check and tidy the relay's base address; :class:`RelayUrlError` when unusable."""
    url = (url or "").strip().rstrip("/")
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise RelayUrlError() from None
    if parts.scheme not in ("https", "http") or not host or parts.query or parts.fragment \
            or parts.username or parts.password:
        raise RelayUrlError()
    if parts.scheme == "http" and not _is_loopback(host):
        raise RelayUrlError("http is only allowed for a relay on this computer")
    return url


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Health:
    status: str
    contract: int | None
    queue_depth: int | None


@dataclass(frozen=True)
class SealedEvent:
    seq: int
    received_at: int
    sealed: str


@dataclass(frozen=True)
class _Answer:
    """A relay's answer, read whole within the limits."""

    status_code: int
    content: bytes
    retry_after: str = ""


@dataclass(frozen=True)
class Paired:
    device_id: str
    token: str
    #: What the relay did with the channel secret sent along (None: none was sent):
    #: "stored", "matches" / "differs" (it uses its own LINE_CHANNEL_SECRET), "not_stored".
    channel_secret: str | None = None


class RelayClient:
    """One relay, as one paired device (``token``) or before pairing (no token)."""

    def __init__(self, base_url: str, *, token: str | None = None,
                 transport: httpx.BaseTransport | None = None,
                 limits: RelayLimits | None = None) -> None:
        self.base_url = normalize_relay_url(base_url)
        self._token = token
        self.limits = limits or RelayLimits()
        if transport is None:
            transport = DeadlineTransport()
        headers = {"user-agent": "Otokui-desktop"}
        if token:
            headers["authorization"] = f"Bearer {token}"
        self._http = httpx.Client(
            base_url=self.base_url, headers=headers, transport=transport,
            timeout=httpx.Timeout(READ_TIMEOUT, connect=CONNECT_TIMEOUT),
            follow_redirects=False)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> RelayClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- requests ---------------------------------------------------------------------------

    def _request(self, method: str, path: str, *, timeout: float | None = None,
                 answer_429: bool = False, **kwargs: Any) -> _Answer:
        """One request, its answer read whole but never past the limits."""
        extra: dict[str, Any] = {} if timeout is None else {
            "timeout": httpx.Timeout(timeout, connect=CONNECT_TIMEOUT)}
        wait = (timeout or READ_TIMEOUT) - READ_TIMEOUT
        try:
            with deadline(self.limits.deadline + max(0.0, wait)), \
                    self._http.stream(method, path, **kwargs, **extra) as streamed:
                response = _Answer(streamed.status_code, self._read_bounded(streamed),
                                   streamed.headers.get("retry-after", ""))
        except httpx.TimeoutException as exc:
            raise RelayUnreachableError("timeout") from exc
        except httpx.HTTPError as exc:  # refused, reset, DNS, TLS, a broken encoding ...
            raise RelayUnreachableError(type(exc).__name__) from exc
        if response.status_code == 401:
            raise RelayUnauthorizedError()
        if response.status_code >= 500 or (response.status_code == 429 and not answer_429):
            raise RelayUnreachableError(f"HTTP {response.status_code}")
        return response

    def _read_bounded(self, response: httpx.Response) -> bytes:
        """The body, refused as soon as it passes ``max_response_bytes``: declared or not,
        compressed or not."""
        limit = self.limits.max_response_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise RelayProtocolError("answer too large")
        parts: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():  # decoded: a small gzip cannot grow past it
            size += len(chunk)
            if size > limit:
                raise RelayProtocolError("answer too large")
            parts.append(chunk)
        return b"".join(parts)

    @staticmethod
    def _json(response: _Answer | httpx.Response) -> dict[str, Any]:
        try:
            data = json.loads(response.content)
        except (ValueError, RecursionError):
            raise RelayProtocolError(f"HTTP {response.status_code}, not JSON") from None
        if not isinstance(data, dict):
            raise RelayProtocolError("not a JSON object")
        return data

    def health(self) -> Health:
        """``GET /healthz``. Raises :class:`RelayUnreachableError` when it is not up."""
        response = self._request("GET", "/healthz")
        if response.status_code == 404 and "/shops/" in self.base_url:
            raise RelayShopUnknownError()
        if response.status_code != 200:
            raise RelayProtocolError(f"HTTP {response.status_code}")
        data = self._json(response)
        depth = data.get("queue_depth")
        contract = data.get("contract")
        return Health(status=str(data.get("status", "")),
                      contract=contract if isinstance(contract, int) else None,
                      queue_depth=depth if isinstance(depth, int) else None)

    def pair(self, pairing_code: str, name: str, public_key_b64: str, *,
             channel_secret: str | None = None) -> Paired:
        """``POST /v1/devices``: the one-time code and this desktop's public key (and the
        shop's channel secret, for a relay that takes it from its desktops)."""
        body = {"pairing_code": pairing_code, "name": name, "public_key": public_key_b64}
        if channel_secret is not None:
            body["channel_secret"] = channel_secret
        response = self._request("POST", "/v1/devices", json=body, answer_429=True)
        if response.status_code == 429:  # wrong codes from this address: not even checked
            seconds = int(response.retry_after) if response.retry_after.isdigit() else 600
            raise PairingTooManyTriesError(minutes=-(-seconds // 60))
        if response.status_code == 403:
            raise PairingRefusedError()
        if response.status_code == 404:
            raise RelayShopUnknownError()
        if response.status_code != 201:
            code = self._json(response).get("error", "") if response.content else ""
            raise RelayProtocolError(f"HTTP {response.status_code} {str(code)[:40]}")
        data = self._json(response)
        device_id, token = data.get("device_id"), data.get("token")
        if not isinstance(device_id, str) or not isinstance(token, str) or not token:
            raise RelayProtocolError("pairing answer without device id or token")
        answer = data.get("channel_secret")
        return Paired(device_id, token, answer if isinstance(answer, str) else None)

    def set_channel_secret(self, channel_secret: str) -> str:
        """``PUT /v1/channel-secret``: give the relay this shop's (new) channel secret;
        returns what it did with it (as :attr:`Paired.channel_secret`)."""
        response = self._request("PUT", "/v1/channel-secret",
                                 json={"channel_secret": channel_secret})
        if response.status_code == 404:
            # a relay from before shops: it has only its own LINE_CHANNEL_SECRET
            return "not_stored"
        if response.status_code != 200:
            raise RelayProtocolError(f"HTTP {response.status_code}")
        answer = self._json(response).get("channel_secret")
        return answer if isinstance(answer, str) else "not_stored"

    def unpair(self, device_id: str) -> None:
        """``DELETE /v1/devices/{id}``: the relay forgets this device and its queue."""
        response = self._request("DELETE", f"/v1/devices/{device_id}")
        if response.status_code not in (200, 204):
            raise RelayProtocolError(f"HTTP {response.status_code}")

    def pull(self, after: int, *, limit: int = MAX_LIMIT,
             wait: float = 0.0) -> list[SealedEvent]:
        """``GET /v1/events``: sealed events after ``after``, ascending; long-polls ``wait`` s."""
        wait = max(0.0, min(wait, MAX_WAIT))
        response = self._request(
            "GET", "/v1/events",
            params={"after": after, "limit": max(1, min(limit, MAX_LIMIT)), "wait": wait},
            timeout=READ_TIMEOUT + wait)
        if response.status_code != 200:
            raise RelayProtocolError(f"HTTP {response.status_code}")
        data = self._json(response)
        items = data.get("events")
        if not isinstance(items, list):
            raise RelayProtocolError("no events list")
        events: list[SealedEvent] = []
        last = after
        for item in items:
            if not isinstance(item, dict):
                raise RelayProtocolError("an event is not an object")
            seq, received, sealed = item.get("seq"), item.get("received_at"), item.get("sealed")
            if not isinstance(seq, int) or isinstance(seq, bool) or not last < seq <= MAX_SEQ \
                    or not isinstance(sealed, str):
                raise RelayProtocolError("events out of order or malformed")
            if not isinstance(received, int) or isinstance(received, bool) \
                    or not 0 <= received <= MAX_SEQ:
                received = 0
            events.append(SealedEvent(seq, received, sealed))
            last = seq
        return events

    def ack(self, upto: int) -> int:
        """``POST /v1/events/ack``: the relay deletes this device's events up to ``upto``."""
        response = self._request("POST", "/v1/events/ack", json={"upto": int(upto)})
        if response.status_code != 200:
            raise RelayProtocolError(f"HTTP {response.status_code}")
        deleted = self._json(response).get("deleted")
        return deleted if isinstance(deleted, int) else 0

    # --- media (images for LINE messages) ---------------------------------------------------

    def _media_request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        # Like _request, but 503 (no RELAY_PUBLIC_URL) and 507 (storage quota) are answers
        # with a meaning here, not "unreachable".
        try:
            response = self._http.request(
                method, path, timeout=httpx.Timeout(MEDIA_TIMEOUT, connect=CONNECT_TIMEOUT),
                **kwargs)
        except httpx.TimeoutException as exc:
            raise RelayUnreachableError("timeout") from exc
        except httpx.HTTPError as exc:
            raise RelayUnreachableError(type(exc).__name__) from exc
        if response.status_code == 401:
            raise RelayUnauthorizedError()
        code = ""
        if response.status_code >= 400 and response.content:
            try:
                body = json.loads(response.content)
                code = str(body.get("error", ""))[:40] if isinstance(body, dict) else ""
            except (ValueError, RecursionError):
                code = ""
        if response.status_code == 503 and code == "media_unavailable":
            raise RelayMediaUnavailableError()
        if response.status_code == 507:
            raise RelayMediaFullError()
        if response.status_code in (413, 415):
            raise RelayMediaRefusedError(f"HTTP {response.status_code} {code}")
        if response.status_code >= 500 or response.status_code == 429:
            raise RelayUnreachableError(f"HTTP {response.status_code}")
        return response

    def _media_ref(self, response: httpx.Response) -> dict[str, Any]:
        if response.status_code == 404:
            raise RelayMediaRefusedError("HTTP 404 no_such_media")
        if response.status_code != 201:
            raise RelayProtocolError(f"HTTP {response.status_code}")
        data = self._json(response)
        expires = data.get("expires_at")
        if not isinstance(data.get("id"), str) or not isinstance(expires, int):
            raise RelayProtocolError("media answer without id or expiry")
        return data

    def upload_media(self, data: bytes, content_type: str) -> MediaRef:
        """``PUT /v1/media``: the relay keeps the image and serves it at a public URL.

        ``preview_url`` is the same as ``url`` for an image of at most 1 MB; for a larger one
        it is None until :meth:`upload_preview` stores a separate preview.
        """
        response = self._media_request("PUT", "/v1/media", content=bytes(data),
                                       headers={"content-type": content_type})
        body = self._media_ref(response)
        url, preview = body.get("url"), body.get("preview_url")
        if not _is_https(url) or not (preview is None or _is_https(preview)):
            raise RelayProtocolError("media answer without https URLs")
        return MediaRef(media_id=body["id"], url=url, preview_url=preview,
                        expires_at_ms=body["expires_at"])

    def upload_preview(self, media: MediaRef, data: bytes, content_type: str) -> MediaRef:
        """``PUT /v1/media/{id}/preview``: the separate preview of a large image (once)."""
        response = self._media_request("PUT", f"/v1/media/{media.media_id}/preview",
                                       content=bytes(data),
                                       headers={"content-type": content_type})
        if response.status_code == 409:
            raise RelayMediaRefusedError("HTTP 409 preview_exists")
        body = self._media_ref(response)
        preview = body.get("preview_url")
        if not _is_https(preview):
            raise RelayProtocolError("media answer without an https preview URL")
        return MediaRef(media_id=media.media_id, url=media.url, preview_url=preview,
                        expires_at_ms=body["expires_at"])

    def delete_media(self, media_id: str) -> bool:
        """``DELETE /v1/media/{id}``: take an image down before it expires (False: none)."""
        response = self._media_request("DELETE", f"/v1/media/{media_id}")
        if response.status_code == 404:
            return False
        if response.status_code not in (200, 204):
            raise RelayProtocolError(f"HTTP {response.status_code}")
        return True


    # --- forms (definitions for the relay's public pages; docs/forms.md) -------------------

    def publish_form(self, form_id: str, version: int, definition: dict[str, Any],
                     link_key_b64: str) -> str:
        """``PUT /v1/forms/{id}``: the relay keeps this version (idempotent); its digest.

        Raises :class:`RelayFormRefusedError` when the relay refuses the definition or the
        version (a newer one is there, or this one differs), and the usual relay errors.
        """
        response = self._request("PUT", f"/v1/forms/{form_id}", json={
            "version": int(version), "definition": definition, "link_key": link_key_b64})
        if response.status_code in (200, 201):
            digest = self._json(response).get("digest")
            if not isinstance(digest, str):
                raise RelayProtocolError("form answer without a digest")
            return digest
        code = ""
        if response.content:
            try:
                body = json.loads(response.content)
                code = str(body.get("error", ""))[:40] if isinstance(body, dict) else ""
            except (ValueError, RecursionError):
                code = ""
        if response.status_code == 404:
            raise RelayFormsUnsupportedError()
        if response.status_code in (400, 409, 410, 413):
            raise RelayFormRefusedError(f"HTTP {response.status_code} {code}")
        raise RelayProtocolError(f"HTTP {response.status_code}")

    def delete_form(self, form_id: str) -> bool:
        """``DELETE /v1/forms/{id}``: the relay stops taking answers (False: it had none)."""
        response = self._request("DELETE", f"/v1/forms/{form_id}")
        if response.status_code == 404:
            return False
        if response.status_code not in (200, 204):
            raise RelayProtocolError(f"HTTP {response.status_code}")
        return True


#: Uploading a 10 MB image over a shop's slow upstream link can take a while.
MEDIA_TIMEOUT = 120.0


def _is_https(url: object) -> TypeGuard[str]:
    # LINE fetches images only over https; the relay builds these from RELAY_PUBLIC_URL.
    return isinstance(url, str) and url.startswith("https://") and len(url) <= 2000


@dataclass(frozen=True)
class MediaRef:
    """An image on the relay: where LINE and the customer's phone fetch it, until when."""

    media_id: str
    url: str
    preview_url: str | None
    expires_at_ms: int


class RelayMediaUnavailableError(OtokuiError):
    code = "relay-media-unavailable"
    message = QT_TRANSLATE_NOOP(_CTX, "The relay cannot host images for LINE yet.")
    advice = QT_TRANSLATE_NOOP(
        _CTX, "Whoever runs the relay must set RELAY_PUBLIC_URL to its https address and "
        "restart it. Text messages can still be sent.")


class RelayMediaFullError(OtokuiError):
    code = "relay-media-full"
    message = QT_TRANSLATE_NOOP(_CTX, "The relay's space for images is full.")
    advice = QT_TRANSLATE_NOOP(
        _CTX, "Wait for older images to expire, or ask whoever runs the relay to raise "
        "RELAY_MEDIA_MAX_MB.")


class RelayMediaRefusedError(OtokuiError):
    code = "relay-media-refused"
    message = QT_TRANSLATE_NOOP(_CTX, "The relay refused the image.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Send a JPEG or PNG image of at most 10 MB.")


class RelayFormRefusedError(OtokuiError):
    code = "relay-form-refused"
    message = QT_TRANSLATE_NOOP(_CTX, "The relay did not accept the form.")
    advice = QT_TRANSLATE_NOOP(
        _CTX, "Publish the form again as a new version. If this keeps happening, the "
        "relay may be older than this app: ask whoever runs it to update it.")


class RelayFormsUnsupportedError(OtokuiError):
    code = "relay-forms-unsupported"
    message = QT_TRANSLATE_NOOP(_CTX, "The relay does not support forms yet.")
    advice = QT_TRANSLATE_NOOP(
        _CTX, "Ask whoever runs the relay to update it. The form is saved in the book and "
        "will be uploaded when you publish it again.")
