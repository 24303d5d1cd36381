"""The builder's faithful preview: the relay's own page, in the owner's browser.

The in-window preview (:mod:`ui.forms.preview`) is drawn with Qt widgets: Qt's text
browser cannot lay out the page's CSS nor draw its inputs, and QtWebEngine is not a
dependency. For the page exactly as a friend will get it, this serves the builder's
working definition, rendered by **the relay's renderer** (:func:`relay.forms.render.form_page`,
pure: Jinja2 and the shared schema, no server), with the relay's own CSS and script, from a
small HTTP server on ``127.0.0.1`` only, under a random path, from memory (nothing is
written to disk; a definition is the shop's, not personal). Its first page shows the form
in a frame of a phone's width (390 CSS pixels); reloading shows the latest edits; a post is
answered "not sent" and nothing is kept.
"""

from __future__ import annotations

import html
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from relay.forms import render
from relay.forms.schema import DefinitionError, parse_definition

#: The width of the phone frame (CSS pixels), as the relay's page tests use.
PHONE_WIDTH = 390
PHONE_HEIGHT = 844

_HEADERS = {
    # The relay's page headers, but the page may be framed by this server's own page.
    "Content-Security-Policy": ("default-src 'none'; script-src 'self'; style-src 'self'; "
                                "img-src 'self' data:; connect-src 'self'; "
                                "form-action 'self'; base-uri 'none'; frame-ancestors 'self'"),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


def render_preview(data: dict[str, Any], *, action: str = "page",
                   privacy_url: str = "privacy") -> str:
    """The relay's page for a working definition (the builder's dict), or the relay's
    message page naming the first problem while the definition does not pass its check."""
    try:
        definition = parse_definition(data)
    except DefinitionError as exc:
        return render.message_page("プレビューできません", [
            "フォームの内容に問題があります。作成・編集の画面で直してください。", str(exc)],
            form_title=str(data.get("title") or "") or None)
    return render.form_page(definition, action=action, csrf="preview",
                            privacy_url=privacy_url)


class PreviewServer:
    """Serves one builder's working definition; :meth:`update` after each change."""

    def __init__(self) -> None:
        self._token = secrets.token_urlsafe(18)
        self._lock = threading.Lock()
        self._data: dict[str, Any] = {"title": "", "items": []}
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._server is not None

    def update(self, data: dict[str, Any]) -> None:
        with self._lock:
            self._data = data

    def _snapshot(self) -> dict[str, Any]:
        with self._lock:
            return self._data

    def start(self) -> str:
        """Start serving (once); the URL of the phone-frame page."""
        if self._server is None:
            self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
            self._server.daemon_threads = True
            self._thread = threading.Thread(target=self._server.serve_forever,
                                            name="form-preview", daemon=True)
            self._thread.start()
        return self.url

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/{self._token}/"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def frame_page(self) -> str:
        title = html.escape(str(self._snapshot().get("title") or ""))
        return (
            "<!doctype html><html lang=\"ja\"><head><meta charset=\"utf-8\">"
            f"<title>プレビュー: {title}</title></head>"
            "<body style=\"margin:0;background:#E8EAED;font-family:sans-serif\">"
            "<p style=\"text-align:center;color:#3C4043;font-size:14px;margin:12px\">"
            f"プレビュー（スマートフォンの幅 {PHONE_WIDTH}px）・まだ公開されていません。"
            "編集したら再読み込みしてください。送信しても保存されません。</p>"
            f"<iframe src=\"page\" title=\"フォームのプレビュー\" width=\"{PHONE_WIDTH}\" "
            f"height=\"{PHONE_HEIGHT}\" style=\"display:block;margin:0 auto 24px;"
            "border:1px solid #BDC1C6;border-radius:12px;background:#FFF\"></iframe>"
            "</body></html>")


def _handler(server: PreviewServer) -> type[BaseHTTPRequestHandler]:
    prefix = f"/{server._token}/"

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass  # URLs hold the path token: not logged

        def _send(self, status: int, body: bytes, media: str, *,
                  extra: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", media)
            self.send_header("Content-Length", str(len(body)))
            for name, value in {**_HEADERS, **(extra or {})}.items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _html(self, text: str, status: int = 200, **kw: Any) -> None:
            self._send(status, text.encode("utf-8"), "text/html; charset=utf-8", **kw)

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path.startswith(render.ASSETS_PATH + "/"):
                asset = render.ASSETS_BY_NAME.get(path[len(render.ASSETS_PATH) + 1:])
                if asset is not None:
                    self._send(200, asset.body, asset.media_type)
                    return
            elif path == prefix:
                # The frame page's own inline styles only (it holds no script).
                self._html(server.frame_page(), extra={
                    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                                               "frame-src 'self'; base-uri 'none'"})
                return
            elif path == prefix + "page":
                self._html(render_preview(server._snapshot()))
                return
            elif path == prefix + "privacy":
                self._html(render.privacy_page())
                return
            self._html(render.message_page("ページが見つかりません", []), 404)

        do_HEAD = do_GET

        def do_POST(self) -> None:
            length = min(int(self.headers.get("Content-Length") or 0), 20_000_000)
            self.rfile.read(length)  # read and dropped: a preview keeps nothing
            if self.path.split("?", 1)[0] != prefix + "page":
                self._html(render.message_page("ページが見つかりません", []), 404)
                return
            self._html(render.message_page("プレビューです", [
                "これはプレビューなので、送信された内容は保存されていません。",
                "公開すると、お友だちの回答はこの形でお店に届きます。"], kind="done",
                form_title=str(server._snapshot().get("title") or "") or None))

    return Handler
