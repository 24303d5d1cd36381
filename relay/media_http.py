"""The media endpoints: a desktop uploads images for LINE, whoever has the URL fetches them.

* ``PUT    /v1/media``               device token: store an original, 201 with its URLs
* ``PUT    /v1/media/{id}/preview``  device token: store the separate preview of a large one
* ``DELETE /v1/media/{id}``          device token: take an image down before it expires
* ``GET    /m/{token}``              no authentication: the image itself (LINE, the phone)

Checks run cheapest first and the body is read last, counted as it arrives, so a refused
upload costs the relay next to nothing: a declared length over the size limit or over the
device's remaining quota is refused before a byte of the body is read, and a body without
a length (chunked) is cut as soon as it passes either. The bytes are kept as the pieces
they are stored in, never joined into one copy. See docs/relay.md ("Media").
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from relay.config import Settings
from relay.media import (
    CHUNK_BYTES,
    MAX_ORIGINAL_BYTES,
    MAX_PREVIEW_BYTES,
    MEGABYTE,
    declared_type,
    hash_url_token,
    is_media_id,
    media_url,
    sniffed_type,
)
from relay.media_store import (
    DeviceGone,
    MediaStore,
    NoSuchMedia,
    PreviewExists,
    QuotaExceeded,
)
from relay.responses import error, unauthorized
from relay.webhook import BodyTooLarge

log = logging.getLogger("relay.media")

Authenticate = Callable[[Request], Awaitable[str | None]]

#: Caches (a CDN in front, LINE's servers, the phone) may keep an image this long at most,
#: so an early DELETE takes effect everywhere within a day.
MAX_CACHE_SECONDS = 24 * 60 * 60

_SERVED_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    # Opened in a browser, the image is all there is: no scripts, no requests elsewhere.
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Referrer-Policy": "no-referrer",
}
_NOT_FOUND_HEADERS = {**_SERVED_HEADERS, "Cache-Control": "no-store"}

_NO_PUBLIC_URL = ("RELAY_PUBLIC_URL is not set on the relay, so it cannot give images a "
                  "public address. Set it to the relay's https address and restart it.")


def media_routes(settings: Settings, media_store: MediaStore, now_ms: Callable[[], int],
                 authenticate: Authenticate) -> list[Route]:
    quota_bytes = settings.media_max_mb * MEGABYTE

    async def receive_image(request: Request, device_id: str,
                            limit: int) -> tuple[str, list[bytes]] | Response:
        """The checked upload (content type, its bytes in stored-size pieces), or the
        answer refusing it."""
        if settings.public_url is None:
            return error(503, "media_unavailable", message=_NO_PUBLIC_URL)
        content_type = declared_type(request.headers.get("content-type"))
        if content_type is None:
            return error(415, "unsupported_media_type",
                         message="Send a JPEG (image/jpeg) or PNG (image/png) image.")
        too_large = error(413, "image_too_large",
                          message=f"At most {limit:,} bytes (LINE's limit).")
        declared = request.headers.get("content-length")
        if declared is not None:
            if not declared.isascii() or not declared.isdigit():
                return error(400, "bad_content_length")
            if int(declared) > limit:
                return too_large  # without reading the body
        used = await run_in_threadpool(media_store.usage, device_id, now_ms())
        room = max(0, quota_bytes - used)
        over_quota = quota_refusal(QuotaExceeded(used, quota_bytes))
        if declared is not None and int(declared) > room:
            return over_quota  # without reading the body either
        try:
            body = await read_pieces(request, min(limit, room))
        except BodyTooLarge:
            return too_large if room >= limit else over_quota
        except ClientDisconnect:
            return Response(status_code=400)
        if sniffed_type(body[0] if body else b"") != content_type:
            return error(415, "not_an_image",
                         message=f"The bytes are not a {content_type} image.")
        return content_type, body

    def quota_refusal(exc: QuotaExceeded) -> JSONResponse:
        return error(507, "media_quota_exceeded", message=(
            f"This device already stores {exc.used / MEGABYTE:.1f} MB of images; the relay "
            f"keeps at most {settings.media_max_mb} MB per device (RELAY_MEDIA_MAX_MB). "
            "Delete images no longer needed, or wait for older ones to expire."))

    async def upload(request: Request) -> Response:
        device_id = await authenticate(request)
        if device_id is None:
            return unauthorized()
        received = await receive_image(request, device_id, MAX_ORIGINAL_BYTES)
        if isinstance(received, Response):
            return received
        content_type, body = received
        size = sum(map(len, body))
        try:
            stored = await run_in_threadpool(
                media_store.add_original, device_id, content_type, body, now_ms(),
                days=settings.media_days, quota_bytes=quota_bytes)
        except DeviceGone:
            return unauthorized()
        except QuotaExceeded as exc:
            return quota_refusal(exc)
        log.debug("device %s stored image %s (%d bytes)", device_id, stored.media_id, size)
        assert settings.public_url is not None
        return JSONResponse({
            "id": stored.media_id,
            "url": media_url(settings.public_url, stored.token),
            "preview_url": (None if stored.preview_token is None
                            else media_url(settings.public_url, stored.preview_token)),
            "expires_at": stored.expires_at,
        }, status_code=201)

    async def upload_preview(request: Request) -> Response:
        device_id = await authenticate(request)
        if device_id is None:
            return unauthorized()
        media_id = request.path_params["media_id"]
        if not is_media_id(media_id):
            return error(404, "no_such_media")
        received = await receive_image(request, device_id, MAX_PREVIEW_BYTES)
        if isinstance(received, Response):
            return received
        content_type, body = received
        size = sum(map(len, body))
        try:
            stored = await run_in_threadpool(
                media_store.add_preview, device_id, media_id, content_type, body, now_ms(),
                quota_bytes=quota_bytes)
        except DeviceGone:
            return unauthorized()
        except NoSuchMedia:
            return error(404, "no_such_media")
        except PreviewExists:
            return error(409, "preview_exists")
        except QuotaExceeded as exc:
            return quota_refusal(exc)
        log.debug("device %s stored the preview of image %s (%d bytes)", device_id,
                  media_id, size)
        assert settings.public_url is not None
        return JSONResponse({
            "id": stored.media_id,
            "preview_url": media_url(settings.public_url, stored.token),
            "expires_at": stored.expires_at,
        }, status_code=201)

    async def remove(request: Request) -> Response:
        device_id = await authenticate(request)
        if device_id is None:
            return unauthorized()
        media_id = request.path_params["media_id"]
        if not is_media_id(media_id) or not await run_in_threadpool(
                media_store.delete, device_id, media_id):
            return error(404, "no_such_media")
        log.debug("device %s deleted image %s", device_id, media_id)
        return Response(status_code=204)

    async def serve(request: Request) -> Response:
        token_hash = hash_url_token(request.path_params["token"])
        now = now_ms()
        found = None
        if token_hash is not None:
            found = await run_in_threadpool(media_store.find, token_hash, now)
        if token_hash is None or found is None:
            return error(404, "not_found", _NOT_FOUND_HEADERS)
        max_age = max(0, min(MAX_CACHE_SECONDS, (found.expires_at - now) // 1000))
        headers = {**_SERVED_HEADERS, "Content-Length": str(found.size),
                   "Cache-Control": f"public, max-age={max_age}, immutable"}
        if request.method == "HEAD":
            return Response(headers=headers, media_type=found.content_type)
        if found.chunks == 1:
            data = await run_in_threadpool(media_store.chunk, token_hash, 0)
            if data is None:  # deleted between the two reads
                return error(404, "not_found", _NOT_FOUND_HEADERS)
            return Response(data, headers=headers, media_type=found.content_type)
        return StreamingResponse(pieces(token_hash, found.chunks), headers=headers,
                                 media_type=found.content_type)

    async def pieces(token_hash: bytes, count: int) -> AsyncIterator[bytes]:
        for n in range(count):
            data = await run_in_threadpool(media_store.chunk, token_hash, n)
            if data is None:
                # Deleted while being sent: the response ends short of its Content-Length,
                # which the client sees as a failed download rather than a whole image.
                return
            yield data

    async def read_pieces(request: Request, cap: int) -> list[bytes]:
        """The body in pieces of CHUNK_BYTES (as stored); BodyTooLarge once past ``cap``."""
        pieces: list[bytes] = []
        current = bytearray()
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > cap:
                raise BodyTooLarge
            view = memoryview(chunk)
            while view:
                take = CHUNK_BYTES - len(current)
                current += view[:take]
                view = view[take:]
                if len(current) == CHUNK_BYTES:
                    pieces.append(bytes(current))
                    current.clear()
        if current:
            pieces.append(bytes(current))
        return pieces

    return [
        Route("/v1/media", upload, methods=["PUT"]),
        Route("/v1/media/{media_id}", remove, methods=["DELETE"]),
        Route("/v1/media/{media_id}/preview", upload_preview, methods=["PUT"]),
        Route("/m/{token}", serve, methods=["GET"]),
    ]
