"""LINE Login's ID-token verify endpoint and a stand-in for the LIFF SDK script.

A LIFF page (the shop's form opened inside LINE) gets an ID token from the LIFF SDK and
its server checks it with ``POST /oauth2/v2.1/verify``. Here:

* ``POST /oauth2/v2.1/verify`` (form fields ``id_token``, ``client_id``) answers as LINE
  does: 200 with the claims (``iss``, ``sub``, ``aud``, ``exp``, ``iat``, ``amr``,
  ``name``), or 400 ``{"error": "invalid_request", "error_description": ...}`` for an
  unknown, expired or other channel's token;
* ``GET /_emulator/liff/sdk.js`` is a small ``window.liff`` (``init``, ``getIDToken``,
  ``isLoggedIn``, ``isInClient``, ``getContext``), holding an ID token made for the
  user "logged in" on the simulated phone: ``POST /_emulator/liff/login
  {"userId": "U..."}`` (or ``Emulator.login.log_in(user_id)``);
* ID tokens are JWT-shaped (header, claims, HMAC-SHA256 with the channel secret) and
  expire an hour after they are made, on the emulator's clock.

The LINE Login channel id defaults to ``1234567890`` (``Emulator.login.channel_id``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

if TYPE_CHECKING:
    from emulator.state import Emulator

ID_TOKEN_SECONDS = 3600
DEFAULT_CHANNEL_ID = "1234567890"
_USER_ID = re.compile(r"^U[0-9a-f]{32}$")


@dataclass(frozen=True)
class _Issued:
    sub: str
    aud: str
    iat: int
    exp: int


class LineLogin:
    def __init__(self, emulator: Emulator, channel_id: str = DEFAULT_CHANNEL_ID) -> None:
        self._emulator = emulator
        self.channel_id = channel_id
        self._lock = threading.Lock()
        self._tokens: dict[str, _Issued] = {}
        self.user_id: str | None = None  # who is logged in on the simulated phone

    def log_in(self, user_id: str | None) -> None:
        if user_id is not None and not _USER_ID.match(user_id):
            raise ValueError("a LINE user id is U + 32 hex digits")
        self.user_id = user_id

    def issue(self, user_id: str) -> str:
        now = int(self._emulator.clock.now())
        claims = {"iss": "https://access.line.me", "sub": user_id, "aud": self.channel_id,
                  "exp": now + ID_TOKEN_SECONDS, "iat": now, "amr": ["linesso"]}
        head = _b64(json.dumps({"typ": "JWT", "alg": "HS256"}).encode())
        body = _b64(json.dumps(claims, separators=(",", ":")).encode())
        sig = _b64(hmac.new(self._emulator.channel_secret.encode(),
                            f"{head}.{body}".encode(), hashlib.sha256).digest())
        token = f"{head}.{body}.{sig}"
        with self._lock:
            self._tokens[token] = _Issued(user_id, self.channel_id, now, now + ID_TOKEN_SECONDS)
        return token

    def verify(self, id_token: str, client_id: str) -> tuple[int, dict[str, Any]]:
        with self._lock:
            issued = self._tokens.get(id_token)
        if issued is None:
            return 400, _invalid("Invalid IdToken.")
        if issued.aud != client_id:
            return 400, _invalid("Invalid IdToken Audience.")
        if self._emulator.clock.now() >= issued.exp:
            return 400, _invalid("IdToken expired.")
        from emulator.state import ControlError
        try:
            name = str(self._emulator.user(issued.sub).get("displayName", ""))
        except ControlError:  # logged in on the phone, not a friend of the account
            name = ""
        return 200, {"iss": "https://access.line.me", "sub": issued.sub, "aud": issued.aud,
                     "exp": issued.exp, "iat": issued.iat, "amr": ["linesso"], "name": name}


def _invalid(description: str) -> dict[str, str]:
    return {"error": "invalid_request", "error_description": description}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


_SDK = """// The LINE emulator's stand-in for the LIFF SDK (emulator/login.py).
(function () {
  "use strict";
  var token = %(token)s;
  var ready = false;
  window.liff = {
    init: function (config) {
      if (!config || !config.liffId) {
        return Promise.reject(new Error("liffId is required"));
      }
      ready = true;
      return Promise.resolve();
    },
    isInClient: function () { return true; },
    isLoggedIn: function () { return token !== null; },
    getIDToken: function () { return ready ? token : null; },
    getContext: function () { return ready ? {type: "utou"} : null; },
    login: function () {},
    closeWindow: function () {}
  };
})();
"""


def routes() -> list[Route]:
    async def verify(request: Request) -> Response:
        emulator: Emulator = request.app.state.emulator
        form = await request.form()
        id_token, client_id = form.get("id_token"), form.get("client_id")
        if not isinstance(id_token, str) or not id_token:
            return JSONResponse(_invalid("id_token is required."), status_code=400)
        if not isinstance(client_id, str) or not client_id:
            return JSONResponse(_invalid("client_id is required."), status_code=400)
        status, body = emulator.login.verify(id_token, client_id)
        return JSONResponse(body, status_code=status)

    async def sdk(request: Request) -> Response:
        emulator: Emulator = request.app.state.emulator
        user = emulator.login.user_id
        token = "null" if user is None else json.dumps(emulator.login.issue(user))
        return Response(_SDK % {"token": token}, media_type="text/javascript",
                        headers={"Cache-Control": "no-store"})

    async def log_in(request: Request) -> Response:
        emulator: Emulator = request.app.state.emulator
        try:
            body = json.loads(await request.body() or b"{}")
            emulator.login.log_in(body.get("userId"))
        except (ValueError, AttributeError) as exc:
            return JSONResponse({"message": str(exc) or "bad body"}, status_code=400)
        return JSONResponse({"userId": emulator.login.user_id})

    return [Route("/oauth2/v2.1/verify", verify, methods=["POST"]),
            Route("/_emulator/liff/sdk.js", sdk, methods=["GET"]),
            Route("/_emulator/liff/login", log_in, methods=["POST"])]
