"""The shop's privacy policy on the relay (issue 16).

* ``PUT /v1/privacy-policy``  device token: store a version (idempotent; versions only grow)
* ``GET /v1/privacy-policy``  device token: which version the relay shows

The public ``GET /privacy`` page (relay.forms.pages, the page every form's consent item
links by default) renders the newest version of the default shop's policy; on a relay
serving several shops, ``GET /privacy/<shop id>`` renders that shop's, and each form's page
links the policy of the shop whose device published it (:func:`public_path`). The document
is the shop's own public text (headings and paragraphs); it is validated and stored as
canonical JSON, and rendered by the forms' templates with autoescaping.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from relay.responses import error, unauthorized
from relay.schema import DEFAULT_SHOP, devices, privacy_policies, shops
from relay.store import Store
from relay.webhook import BodyTooLarge, read_limited

log = logging.getLogger("relay.privacy")

Authenticate = Callable[[Request], Awaitable[str | None]]
MAX_BODY_BYTES = 256 * 1024
MAX_SECTIONS = 40
MAX_PARAGRAPHS = 100
MAX_TEXT = 4000


@dataclass(frozen=True)
class PolicySection:
    heading: str
    paragraphs: list[str]


@dataclass(frozen=True)
class Policy:
    version: int
    title: str
    business_name: str
    effective_date: str
    sections: list[PolicySection]


class PolicyError(ValueError):
    pass


def _text(value: object, limit: int = MAX_TEXT) -> str:
    if not isinstance(value, str) or len(value) > limit:
        raise PolicyError("text")
    return value


def parse_policy(data: object) -> Policy:
    if not isinstance(data, dict):
        raise PolicyError("not an object")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version < 2**31:
        raise PolicyError("version")
    sections = data.get("sections")
    if not isinstance(sections, list) or not 1 <= len(sections) <= MAX_SECTIONS:
        raise PolicyError("sections")
    parsed = []
    for sec in sections:
        if not isinstance(sec, dict) or not isinstance(sec.get("paragraphs"), list) \
                or len(sec["paragraphs"]) > MAX_PARAGRAPHS:
            raise PolicyError("section")
        parsed.append(PolicySection(_text(sec.get("heading"), 200),
                                    [_text(p) for p in sec["paragraphs"]]))
    return Policy(version, _text(data.get("title"), 200), _text(data.get("business_name"), 200),
                  _text(data.get("effective_date"), 10), parsed)


def _canonical(policy: Policy) -> bytes:
    return json.dumps({
        "version": policy.version, "title": policy.title,
        "business_name": policy.business_name, "effective_date": policy.effective_date,
        "sections": [{"heading": s.heading, "paragraphs": s.paragraphs}
                     for s in policy.sections]},
        ensure_ascii=False, sort_keys=True).encode("utf-8")


PUBLIC_PATH = "/privacy"


def public_path(shop_id: str) -> str:
    """The public page of a shop's policy: ``/privacy`` for the default shop (as before
    shops existed), ``/privacy/<shop id>`` for the others."""
    return PUBLIC_PATH if shop_id == DEFAULT_SHOP else f"{PUBLIC_PATH}/{shop_id}"


class PolicyStore:
    def __init__(self, store: Store) -> None:
        self._store = store

    def shop_of(self, device_id: str) -> str:
        with self._store.read_transaction() as conn:
            shop = conn.execute(select(devices.c.shop_id)
                                .where(devices.c.id == device_id)).scalar()
        return str(shop or DEFAULT_SHOP)

    def shop_exists(self, shop_id: str) -> bool:
        if shop_id == DEFAULT_SHOP:
            return True
        with self._store.read_transaction() as conn:
            return conn.execute(select(shops.c.id).where(shops.c.id == shop_id)).first() \
                is not None

    def publish(self, shop_id: str, policy: Policy, now_ms: int) -> str:
        """"created", "same" (this version with this text is there), or "conflict" (the
        version exists with another text, or a newer one is published)."""
        body = _canonical(policy)
        with self._store.write_transaction() as conn:
            rows = conn.execute(select(privacy_policies.c.version, privacy_policies.c.document)
                                .where(privacy_policies.c.shop_id == shop_id)).all()
            for version, document in rows:
                if version == policy.version:
                    return "same" if bytes(document) == body else "conflict"
            if rows and max(v for v, _ in rows) > policy.version:
                return "conflict"
            conn.execute(insert(privacy_policies).values(
                shop_id=shop_id, version=policy.version, document=body, published_at=now_ms))
        return "created"

    def newest(self, shop_id: str = DEFAULT_SHOP) -> Policy | None:
        with self._store.read_transaction() as conn:
            row = conn.execute(select(privacy_policies.c.document)
                               .where(privacy_policies.c.shop_id == shop_id)
                               .order_by(privacy_policies.c.version.desc()).limit(1)).first()
        return None if row is None else parse_policy(json.loads(bytes(row[0])))


def policy_routes(policies: PolicyStore, now_ms: Callable[[], int],
                  authenticate: Authenticate) -> list[Route]:

    async def publish(request: Request) -> Response:
        device_id = await authenticate(request)
        if device_id is None:
            return unauthorized()
        try:
            data: Any = json.loads(await read_limited(request.stream(), MAX_BODY_BYTES))
        except BodyTooLarge:
            return error(413, "body_too_large")
        except (ClientDisconnect, ValueError, RecursionError):
            return error(400, "bad_json")
        try:
            policy = parse_policy(data)
        except PolicyError as exc:
            return error(400, "bad_policy", message=str(exc))
        shop = await run_in_threadpool(policies.shop_of, device_id)
        done = await run_in_threadpool(policies.publish, shop, policy, now_ms())
        if done == "conflict":
            return error(409, "version_conflict")
        log.debug("device %s published privacy policy version %d", device_id, policy.version)
        return JSONResponse({"version": policy.version},
                            status_code=201 if done == "created" else 200)

    async def show(request: Request) -> Response:
        device_id = await authenticate(request)
        if device_id is None:
            return unauthorized()
        shop = await run_in_threadpool(policies.shop_of, device_id)
        found = await run_in_threadpool(policies.newest, shop)
        if found is None:
            return error(404, "no_policy")
        return JSONResponse({"version": found.version, "effective_date": found.effective_date,
                             "path": public_path(shop)})

    return [Route("/v1/privacy-policy", publish, methods=["PUT"]),
            Route("/v1/privacy-policy", show, methods=["GET"])]
