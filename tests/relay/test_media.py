"""PUT /v1/media, PUT /v1/media/{id}/preview, DELETE /v1/media/{id} and GET /m/{token}.

Real HTTP on loopback against the relay on SQLite and on PostgreSQL; real JPEG and PNG
files (tests/relay/images.py); the relay's clock moved by hand for expiry.
"""

from __future__ import annotations

import base64
import select as io_select
import socket
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, func, select

from relay.media import MAX_ORIGINAL_BYTES, MAX_PREVIEW_BYTES, URL_TOKEN_CHARS
from relay.schema import media, media_chunks
from tests.relay.harness import Device, ThreadRelay
from tests.relay.images import jpeg, png

DAY = 24 * 60 * 60
DAY_MS = DAY * 1000
JPEG, PNG = "image/jpeg", "image/png"


def put(relay: ThreadRelay, device: Device | None, data: bytes | Any,
        content_type: str | None = JPEG, path: str = "/v1/media") -> httpx.Response:
    headers = {} if device is None else dict(device.auth)
    if content_type is not None:
        headers["Content-Type"] = content_type
    return relay.http.put(path, content=data, headers=headers)


def upload(relay: ThreadRelay, device: Device, data: bytes,
           content_type: str = JPEG) -> dict[str, Any]:
    response = put(relay, device, data, content_type)
    assert response.status_code == 201, response.text
    return response.json()


def fetch(relay: ThreadRelay, url: str) -> httpx.Response:
    assert url.startswith(relay.base_url + "/m/")  # built from RELAY_PUBLIC_URL
    return relay.http.get(url)


def token_of(url: str) -> str:
    return url.rsplit("/", 1)[1]


def table_rows(relay: ThreadRelay) -> tuple[int, int]:
    """(files, chunks) in the media tables, read straight from the database."""
    engine = create_engine(relay.db_url)
    try:
        with engine.connect() as conn:
            files = conn.execute(select(func.count()).select_from(media)).scalar_one()
            chunks = conn.execute(select(func.count()).select_from(media_chunks)).scalar_one()
        return files, chunks
    finally:
        engine.dispose()


def raw_put(relay: ThreadRelay, device: Device, content_length: bytes,
            body: bytes = b"") -> bytes:
    """An upload written by hand (any Content-Length, any body); returns the reply."""
    host, port = relay.base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(b"PUT /v1/media HTTP/1.1\r\nHost: relay\r\nContent-Type: image/jpeg\r\n"
                     b"Authorization: Bearer %s\r\nContent-Length: %s\r\n\r\n%s"
                     % (device.token.encode(), content_length, body))
        return sock.recv(65536)


@pytest.fixture
def device(relay: ThreadRelay) -> Device:
    return relay.pair()


# --- upload and fetch ----------------------------------------------------------------------

@pytest.mark.parametrize("content_type, make", [(JPEG, jpeg), (PNG, png)])
def test_upload_and_fetch_round_trip(relay: ThreadRelay, device: Device, content_type: str,
                                     make: Callable[..., bytes]) -> None:
    image = make(40_000, seed=1)
    answer = upload(relay, device, image, content_type)
    assert set(answer) == {"id", "url", "preview_url", "expires_at"}
    assert answer["expires_at"] == int(relay.clock() * 1000) + 14 * DAY_MS
    assert answer["preview_url"] == answer["url"]  # under 1 MB: its own preview

    response = fetch(relay, answer["url"])
    assert response.status_code == 200
    assert response.content == image
    assert response.headers["content-type"] == content_type
    assert response.headers["content-length"] == str(len(image))
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "public, max-age=86400, immutable"
    assert "sandbox" in response.headers["content-security-policy"]

    head = relay.http.head(answer["url"])
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(image))
    assert head.headers["content-type"] == content_type


def test_large_image_is_served_piece_by_piece(relay: ThreadRelay, device: Device) -> None:
    image = jpeg(MAX_ORIGINAL_BYTES, seed=2)  # exactly LINE's limit: accepted
    answer = upload(relay, device, image)
    assert answer["preview_url"] is None  # over 1 MB: the desktop must upload a preview
    response = fetch(relay, answer["url"])
    assert response.status_code == 200
    assert response.headers["content-length"] == str(len(image))
    assert response.content == image
    assert table_rows(relay)[1] > 1  # stored in pieces


def test_content_type_parameters_and_case_are_ignored(relay: ThreadRelay,
                                                      device: Device) -> None:
    answer = upload(relay, device, png(seed=3), "IMAGE/PNG; charset=binary")
    assert fetch(relay, answer["url"]).headers["content-type"] == PNG


# --- refused uploads -----------------------------------------------------------------------

def test_non_images_are_refused(relay: ThreadRelay, device: Device) -> None:
    gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"
    refused = [
        (jpeg(seed=4), None, "unsupported_media_type"),
        (jpeg(seed=4), "text/plain", "unsupported_media_type"),
        (jpeg(seed=4), "image/jpg", "unsupported_media_type"),
        (gif, "image/gif", "unsupported_media_type"),
        (jpeg(seed=4), "application/octet-stream", "unsupported_media_type"),
        (png(seed=4), JPEG, "not_an_image"),             # the header lies
        (jpeg(seed=4), PNG, "not_an_image"),
        (gif, JPEG, "not_an_image"),
        (b"<html><script>alert(1)</script></html>", JPEG, "not_an_image"),
        (b"", JPEG, "not_an_image"),
        (b"\xff\xd8\xff", JPEG, "not_an_image"),            # a start marker and nothing else
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, PNG, "not_an_image"),  # signature, no IHDR
        (png(seed=4)[:7], PNG, "not_an_image"),              # truncated signature
    ]
    for data, content_type, code in refused:
        response = put(relay, device, data, content_type)
        assert response.status_code == 415, (content_type, data[:12])
        assert response.json()["error"] == code
    assert table_rows(relay) == (0, 0)


def test_oversize_originals_are_413(relay: ThreadRelay, device: Device) -> None:
    too_big = jpeg(MAX_ORIGINAL_BYTES + 1, seed=5)
    response = put(relay, device, too_big)
    assert response.status_code == 413
    assert response.json()["error"] == "image_too_large"
    assert "10,000,000 bytes" in response.json()["message"]

    # Declared too large: refused from the headers alone (a relay reading on would hang).
    assert raw_put(relay, device, b"50000000").startswith(b"HTTP/1.1 413 ")

    # No Content-Length (chunked): counted while reading.
    def pieces() -> Iterator[bytes]:
        for start in range(0, len(too_big), 256 * 1024):
            yield too_big[start:start + 256 * 1024]

    streamed = relay.http.put("/v1/media", content=pieces(),
                              headers={**device.auth, "Content-Type": JPEG})
    assert streamed.status_code == 413
    for bad_length in (b"1x", b"-1", b"\xd9\xa1"):  # the last: Arabic-Indic one, in UTF-8
        assert raw_put(relay, device, bad_length, b"x").startswith(b"HTTP/1.1 400 ")
    assert table_rows(relay) == (0, 0)


# --- authentication and configuration ------------------------------------------------------

def test_wrong_missing_or_revoked_token_is_401(relay: ThreadRelay, device: Device) -> None:
    answer = upload(relay, device, jpeg(seed=6))
    forged = Device("0" * 16, base64.urlsafe_b64encode(b"\x00" * 32).decode().rstrip("="),
                    device.key)
    paths = [("PUT", "/v1/media"), ("PUT", f"/v1/media/{answer['id']}/preview"),
             ("DELETE", f"/v1/media/{answer['id']}")]
    for method, path in paths:
        for headers in ({}, forged.auth, {"Authorization": "Basic " + device.token},
                        {"Authorization": "Bearer " + "x" * 5000}):
            response = relay.http.request(method, path, content=jpeg(seed=6),
                                          headers={**headers, "Content-Type": JPEG})
            assert response.status_code == 401, (method, path, headers.keys())
            assert response.headers["www-authenticate"] == "Bearer"

    assert relay.http.delete(f"/v1/devices/{device.device_id}",
                             headers=device.auth).status_code == 204
    assert put(relay, device, jpeg(seed=7)).status_code == 401
    assert relay.http.delete(f"/v1/media/{answer['id']}", headers=device.auth
                             ).status_code == 401
    # What a device sent to customers before it was revoked stays up until it expires.
    assert fetch(relay, answer["url"]).status_code == 200


def test_without_public_url_uploads_are_503(make_relay: Callable[..., ThreadRelay]) -> None:
    relay = make_relay(public_url=None)
    device = relay.pair()
    response = put(relay, device, jpeg(seed=8))
    assert response.status_code == 503
    assert response.json()["error"] == "media_unavailable"
    assert "RELAY_PUBLIC_URL" in response.json()["message"]
    assert put(relay, None, jpeg(seed=8)).status_code == 401  # authentication comes first
    assert "RELAY_PUBLIC_URL is not set" in relay.log_text()
    assert table_rows(relay) == (0, 0)


# --- URLs ----------------------------------------------------------------------------------

def test_urls_are_unguessable(relay: ThreadRelay, device: Device) -> None:
    answers = [upload(relay, device, jpeg(seed=10 + n)) for n in range(12)]
    tokens = [token_of(a["url"]) for a in answers]
    assert len(set(tokens)) == len(tokens)
    for token, answer in zip(tokens, answers, strict=True):
        assert len(token) == URL_TOKEN_CHARS
        assert len(base64.urlsafe_b64decode(token + "=")) == 32  # 256 random bits
        assert answer["id"] not in token
    token = tokens[0]
    neighbour = token[:-1] + ("A" if token[-1] != "A" else "B")
    for wrong in (neighbour, token[:-1], token + "A", token.lower(), answers[0]["id"],
                  "%2e%2e", "\u00e9" * URL_TOKEN_CHARS, "-" * URL_TOKEN_CHARS):
        response = relay.http.get(f"/m/{wrong}")
        assert response.status_code == 404, wrong
        assert response.headers["cache-control"] == "no-store"
    # No token, key or id the relay handed out ever reaches its log.
    log = relay.log_text()
    assert not any(t in log for t in tokens) and device.token not in log


# --- previews ------------------------------------------------------------------------------

def test_preview_of_a_large_image(relay: ThreadRelay, device: Device) -> None:
    other = relay.pair("2台目")
    original = jpeg(MAX_PREVIEW_BYTES + 1, seed=20)
    answer = upload(relay, device, original)
    assert answer["preview_url"] is None
    preview_path = f"/v1/media/{answer['id']}/preview"

    too_big = put(relay, device, png(MAX_PREVIEW_BYTES + 1, seed=21), PNG, preview_path)
    assert too_big.status_code == 413 and "1,000,000 bytes" in too_big.json()["message"]
    assert put(relay, device, b"GIF89a", JPEG, preview_path).status_code == 415
    assert put(relay, other, png(seed=22), PNG, preview_path).status_code == 404  # not its own
    assert put(relay, device, png(seed=22), PNG, "/v1/media/0123456789abcdef/preview"
               ).status_code == 404
    assert put(relay, device, png(seed=22), PNG, "/v1/media/not-an-id/preview"
               ).status_code == 404

    preview = png(MAX_PREVIEW_BYTES, seed=23)  # exactly the limit: accepted
    response = put(relay, device, preview, PNG, preview_path)
    assert response.status_code == 201
    stored = response.json()
    assert stored["id"] == answer["id"] and stored["expires_at"] == answer["expires_at"]
    assert token_of(stored["preview_url"]) != token_of(answer["url"])
    served = fetch(relay, stored["preview_url"])
    assert (served.status_code, served.content, served.headers["content-type"]) == (
        200, preview, PNG)
    assert fetch(relay, answer["url"]).content == original

    again = put(relay, device, png(seed=24), PNG, preview_path)
    assert again.status_code == 409 and again.json()["error"] == "preview_exists"
    assert fetch(relay, stored["preview_url"]).content == preview  # the first one stays


def test_image_of_exactly_1_mb_is_its_own_preview(relay: ThreadRelay, device: Device) -> None:
    answer = upload(relay, device, png(MAX_PREVIEW_BYTES, seed=25), PNG)
    assert answer["preview_url"] == answer["url"]
    # A smaller preview may still be given; the original keeps its URL.
    thumb = jpeg(seed=26)
    response = put(relay, device, thumb, JPEG, f"/v1/media/{answer['id']}/preview")
    assert response.status_code == 201
    assert fetch(relay, response.json()["preview_url"]).content == thumb
    assert len(fetch(relay, answer["url"]).content) == MAX_PREVIEW_BYTES


# --- delete and expiry ---------------------------------------------------------------------

def test_delete_takes_original_and_preview_down(relay: ThreadRelay, device: Device) -> None:
    other = relay.pair("2台目")
    answer = upload(relay, device, jpeg(2_000_000, seed=30))
    preview = put(relay, device, jpeg(seed=31), JPEG,
                  f"/v1/media/{answer['id']}/preview").json()
    kept = upload(relay, device, jpeg(seed=32))

    assert relay.http.delete(f"/v1/media/{answer['id']}", headers=other.auth
                             ).status_code == 404  # another device's image
    assert fetch(relay, answer["url"]).status_code == 200

    assert relay.http.delete(f"/v1/media/{answer['id']}", headers=device.auth
                             ).status_code == 204
    for url in (answer["url"], preview["preview_url"]):
        gone = fetch(relay, url)
        assert gone.status_code == 404 and gone.headers["cache-control"] == "no-store"
    assert relay.http.delete(f"/v1/media/{answer['id']}", headers=device.auth
                             ).status_code == 404
    assert relay.http.delete("/v1/media/zz", headers=device.auth).status_code == 404
    assert fetch(relay, kept["url"]).status_code == 200
    assert table_rows(relay) == (1, 1)  # only `kept` is left, bytes and all


def test_expired_images_are_refused_then_purged(make_relay: Callable[..., ThreadRelay]
                                                ) -> None:
    relay = make_relay(purge_interval=0.05, media_days=14)
    device = relay.pair()
    old = upload(relay, device, jpeg(1_500_000, seed=40))
    put(relay, device, jpeg(seed=41), JPEG, f"/v1/media/{old['id']}/preview")
    relay.clock.advance(13 * DAY)
    recent = upload(relay, device, png(seed=42), PNG)
    cached = fetch(relay, old["url"]).headers["cache-control"]
    assert cached == "public, max-age=86400, immutable"
    relay.clock.advance(DAY - 30)
    # Under a day to go: caches may keep it only until it expires.
    assert fetch(relay, old["url"]).headers["cache-control"] == "public, max-age=30, immutable"
    relay.clock.advance(60)  # `old` is now past 14 days, `recent` is not

    assert fetch(relay, old["url"]).status_code == 404  # at once, purged or not
    deadline = time.monotonic() + 30
    while "purged 1 expired uploaded images" not in relay.log_text():
        assert time.monotonic() < deadline, "the purge did not run"
        time.sleep(0.05)
    assert "(2 files with previews, " in relay.log_text()
    assert table_rows(relay) == (1, 1)  # only `recent`
    assert fetch(relay, recent["url"]).content == png(seed=42)
    assert relay.http.delete(f"/v1/media/{old['id']}", headers=device.auth
                             ).status_code == 404


# --- quota ---------------------------------------------------------------------------------

def test_quota_per_device(make_relay: Callable[..., ThreadRelay]) -> None:
    relay = make_relay(media_max_mb=1)  # 1,000,000 bytes per device
    shop, home = relay.pair("店"), relay.pair("自宅")
    first = upload(relay, shop, jpeg(400_000, seed=50))
    upload(relay, shop, jpeg(400_000, seed=51))
    over = put(relay, shop, jpeg(400_000, seed=52))
    assert over.status_code == 507
    assert over.json()["error"] == "media_quota_exceeded"
    assert "RELAY_MEDIA_MAX_MB" in over.json()["message"]
    assert "0.8 MB" in over.json()["message"]
    # A preview counts too; the other device has a quota of its own.
    assert put(relay, shop, png(300_000, seed=53), PNG,
               f"/v1/media/{first['id']}/preview").status_code == 507
    upload(relay, home, jpeg(900_000, seed=54))

    assert relay.http.delete(f"/v1/media/{first['id']}", headers=shop.auth).status_code == 204
    upload(relay, shop, jpeg(400_000, seed=52))  # room again
    # Expired images stop counting at once, before any purge.
    relay.clock.advance(14 * DAY + 1)
    upload(relay, shop, jpeg(999_000, seed=55))


def test_declared_length_over_the_remaining_quota_is_507_before_the_body(
        make_relay: Callable[..., ThreadRelay]) -> None:
    relay = make_relay(media_max_mb=1)
    device = relay.pair()
    upload(relay, device, jpeg(400_000, seed=60))
    # 700,000 more would pass 1,000,000: refused from the headers (no body is ever sent,
    # so a relay that waited for it would never answer).
    answer = raw_put(relay, device, b"700000")
    assert answer.startswith(b"HTTP/1.1 507 "), answer[:60]
    assert b"media_quota_exceeded" in answer
    assert table_rows(relay) == (1, 1)
    upload(relay, device, jpeg(600_000, seed=62))  # what still fits is taken


def _chunked_put_without_end(relay: ThreadRelay, device: Device, send: int) -> bytes:
    """PUT a chunked JPEG body of ``send`` bytes and stop there, without its last chunk:
    only a relay that cuts the body at its cap can answer."""
    host, port = relay.base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(b"PUT /v1/media HTTP/1.1\r\nHost: relay\r\nContent-Type: image/jpeg\r\n"
                     b"Authorization: Bearer %s\r\nTransfer-Encoding: chunked\r\n\r\n"
                     % device.token.encode())
        piece = b"\xff\xd8\xff" + bytes(64 * 1024 - 3)
        sent = 0
        try:
            while sent < send and not io_select.select([sock], [], [], 0)[0]:  # no answer yet
                sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
                sent += len(piece)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the relay answered and closed while we were still sending
        return sock.recv(65536)


def test_a_chunked_upload_is_cut_at_the_remaining_quota(
        make_relay: Callable[..., ThreadRelay]) -> None:
    relay = make_relay(media_max_mb=1)
    device = relay.pair()
    upload(relay, device, jpeg(300_000, seed=61))
    answer = _chunked_put_without_end(relay, device, 700_000 + 256 * 1024)
    assert answer.startswith(b"HTTP/1.1 507 "), answer[:60]
    answer = _chunked_put_without_end(relay, device, MAX_ORIGINAL_BYTES)  # under 10 MB
    assert answer.startswith(b"HTTP/1.1 507 "), answer[:60]
    assert table_rows(relay) == (1, 1)


def test_a_chunked_upload_is_cut_at_the_size_limit(relay: ThreadRelay, device: Device) -> None:
    answer = _chunked_put_without_end(relay, device, MAX_ORIGINAL_BYTES + 256 * 1024)
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:60]
    assert table_rows(relay) == (0, 0)


def test_two_instances_serve_each_others_images(db_url: str,
                                                make_relay: Callable[..., ThreadRelay]
                                                ) -> None:
    if db_url.startswith("sqlite"):
        pytest.skip("several relay instances are a PostgreSQL set-up; SQLite runs one")
    first, second = make_relay(), make_relay(media_max_mb=1)
    second.line = first.line
    device = first.pair()
    answer = upload(first, device, jpeg(700_000, seed=60))
    token = token_of(answer["url"])
    served = second.http.get(f"/m/{token}")
    assert served.status_code == 200 and served.content == jpeg(700_000, seed=60)
    # The quota is the whole database's, whichever instance the upload goes through.
    assert put(second, device, jpeg(400_000, seed=61)).status_code == 507
    assert second.http.delete(f"/v1/media/{answer['id']}", headers=device.auth
                              ).status_code == 204
    assert first.http.get(f"/m/{token}").status_code == 404
