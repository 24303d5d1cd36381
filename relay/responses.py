"""The relay's small JSON answers, shared by its endpoint modules.

Errors are ``{"error": "<code>"}`` with a fixed, non-personal code (docs/relay.md lists
them per endpoint); a few also carry a ``"message"`` in English for the owner to read.
"""

from __future__ import annotations

from starlette.responses import JSONResponse, Response


def ok() -> Response:
    return Response(b"{}", media_type="application/json")


def error(status: int, code: str, headers: dict[str, str] | None = None, *,
          message: str | None = None) -> JSONResponse:
    body = {"error": code} if message is None else {"error": code, "message": message}
    return JSONResponse(body, status_code=status, headers=headers)


def unauthorized() -> JSONResponse:
    return error(401, "unauthorized", {"WWW-Authenticate": "Bearer"})
