"""The device API for forms: a desktop publishes (or takes down) a form's definition.

* ``PUT    /v1/forms/{form_id}``  device token: store a version (idempotent)
* ``GET    /v1/forms/{form_id}``  device token: which version the relay has
* ``DELETE /v1/forms/{form_id}``  device token: take the form down

See docs/forms.md ("The relay's device API") for the contract.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Literal

from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from relay.forms.links import MAC_KEY_BYTES, is_form_id
from relay.forms.schema import DefinitionError, parse_definition
from relay.forms.store import (
    DELETED,
    DeviceGone,
    FormDeleted,
    FormStore,
    OtherShops,
    StaleVersion,
    VersionExists,
)
from relay.responses import error, unauthorized
from relay.webhook import BodyTooLarge, read_limited

log = logging.getLogger("relay.forms")

Authenticate = Callable[[Request], Awaitable[str | None]]
#: A definition of 100 items with 100 choices each fits well within this.
MAX_FORM_BODY_BYTES = 512 * 1024
MAX_VERSION = 2**31 - 1


def form_routes(form_store: FormStore, now_ms: Callable[[], int],
                authenticate: Authenticate) -> list[Route]:

    async def publish(request: Request) -> Response:
        device_id = await authenticate(request)
        if device_id is None:
            return unauthorized()
        form_id = request.path_params["form_id"]
        if not is_form_id(form_id):
            return error(400, "bad_form_id")
        try:
            data = json.loads(await read_limited(request.stream(), MAX_FORM_BODY_BYTES))
        except BodyTooLarge:
            return error(413, "body_too_large")
        except (ClientDisconnect, ValueError, RecursionError):
            return error(400, "bad_json")
        if not isinstance(data, dict) or set(data) - {"version", "definition", "link_key"}:
            return error(400, "bad_json")
        version = data.get("version")
        if not isinstance(version, int) or isinstance(version, bool) \
                or not 1 <= version <= MAX_VERSION:
            return error(400, "bad_version")
        link_key = _link_key(data.get("link_key"))
        if link_key is False:
            return error(400, "bad_link_key")
        try:
            definition = parse_definition(data.get("definition"))
        except DefinitionError as exc:
            return error(400, "bad_definition", message=str(exc))
        try:
            published = await run_in_threadpool(
                form_store.publish, device_id, form_id, version, definition,
                link_key or None, now_ms())
        except DeviceGone:
            return unauthorized()
        except OtherShops:
            return error(409, "form_id_taken", message=(
                "This form id is another shop's form on this relay; publish under a new id."))
        except FormDeleted:
            return error(410, "form_deleted")
        except VersionExists:
            return error(409, "version_exists", message=(
                f"Version {version} of this form was published with another definition; "
                "publish it as a new version."))
        except StaleVersion as exc:
            return error(409, "stale_version", message=(
                f"Version {exc.current} of this form is published already."))
        log.debug("device %s published form %s version %d", device_id, form_id, version)
        return JSONResponse({"form_id": form_id, "version": published.version,
                             "digest": published.digest},
                            status_code=201 if published.created else 200)

    async def show(request: Request) -> Response:
        device_id = await authenticate(request)
        if device_id is None:
            return unauthorized()
        form_id = request.path_params["form_id"]
        found = None
        if is_form_id(form_id):
            # Another shop's form (a relay serving several) is not this device's to see.
            shop = await run_in_threadpool(form_store.shop_of_device, device_id)
            found = await run_in_threadpool(lambda: form_store.get(form_id, shop_id=shop))
        if found is None:
            return error(404, "no_such_form")
        if found.state == DELETED:
            return error(410, "form_deleted")
        return JSONResponse({"form_id": form_id, "version": found.version,
                             "digest": found.digest, "links": found.link_mac_key is not None})

    async def remove(request: Request) -> Response:
        device_id = await authenticate(request)
        if device_id is None:
            return unauthorized()
        form_id = request.path_params["form_id"]
        if not is_form_id(form_id):
            return error(404, "no_such_form")
        shop = await run_in_threadpool(form_store.shop_of_device, device_id)
        if not await run_in_threadpool(lambda: form_store.delete(form_id, now_ms(),
                                                                 shop_id=shop)):
            return error(404, "no_such_form")
        return Response(status_code=204)

    return [Route("/v1/forms/{form_id}", publish, methods=["PUT"]),
            Route("/v1/forms/{form_id}", show, methods=["GET"]),
            Route("/v1/forms/{form_id}", remove, methods=["DELETE"])]


def _link_key(value: object) -> bytes | Literal[False] | None:
    """The raw MAC key, None when absent, False when malformed."""
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 100:
        return False
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return False
    return raw if len(raw) == MAC_KEY_BYTES else False
