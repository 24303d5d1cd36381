"""LIFF: who opened a page inside LINE, by the ID token LINE gave the page's script.

The page (opened through ``https://liff.line.me/{liff id}/{form id}``) runs the LIFF SDK,
which hands it an ID token; the page posts it with the answer (``_id_token``), and the
relay asks LINE Login's verify endpoint (``POST {base}/oauth2/v2.1/verify``, the base URL
configurable like the Messaging API's, so the emulator answers in tests and the demo)
whether it is real, for the shop's LINE Login channel, and not expired. The ``sub`` it
answers is the friend's LINE user id, which goes into the sealed answer only.
"""

from __future__ import annotations

import logging
import re

import httpx

log = logging.getLogger("relay.forms")

_USER_ID = re.compile(r"^U[0-9a-f]{32}$")
MAX_ID_TOKEN_CHARS = 4096


class IdTokenRefused(Exception):
    """LINE says the token is not valid (``code``: ``invalid``), or LINE could not be
    asked (``unavailable``)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class IdTokenVerifier:
    def __init__(self, api_base: str, channel_id: str, *, timeout: float = 10.0) -> None:
        self.api_base = api_base.rstrip("/")
        self.channel_id = channel_id
        self._timeout = timeout

    async def user_id(self, id_token: str) -> str:
        """The LINE user id the token names, or :class:`IdTokenRefused`."""
        if not id_token or len(id_token) > MAX_ID_TOKEN_CHARS or not id_token.isascii():
            raise IdTokenRefused("invalid")
        try:
            async with httpx.AsyncClient(timeout=self._timeout) as client:
                response = await client.post(
                    f"{self.api_base}/oauth2/v2.1/verify",
                    data={"id_token": id_token, "client_id": self.channel_id})
        except httpx.HTTPError:
            log.warning("LINE Login's verify endpoint could not be reached")
            raise IdTokenRefused("unavailable") from None
        if response.status_code == 400:
            raise IdTokenRefused("invalid")
        if response.status_code != 200:
            log.warning("LINE Login's verify endpoint answered %d", response.status_code)
            raise IdTokenRefused("unavailable")
        try:
            claims = response.json()
        except ValueError:
            raise IdTokenRefused("unavailable") from None
        sub = claims.get("sub") if isinstance(claims, dict) else None
        if claims.get("aud") != self.channel_id or not isinstance(sub, str) \
                or not _USER_ID.match(sub):
            raise IdTokenRefused("invalid")
        return sub
