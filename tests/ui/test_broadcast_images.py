# ruff: noqa: F811 - the fixtures imported below are parameters by name
"""A broadcast with a photo from the composer: the relay hosts it (a relay with a public
https address), every friend gets the text and the photo in one request, exactly once,
and the history shows the photo bubble. Emulator and relay over HTTP."""

from __future__ import annotations

from pathlib import Path

from tests.broadcast.conftest import Shop
from tests.inbox.conftest import PUBLIC_URL, relay  # noqa: F401 - a relay that hosts images
from tests.sync.conftest import book, connected, emulator, line, profile  # noqa: F401
from tests.ui.helpers import write_png
from tests.ui.test_broadcast_support import (
    FRIENDS,
    bshop,  # noqa: F401 - fixture
    open_composer,
    send_and_wait,
    wait_plan,
)
from ui.broadcast.history import HistoryDialog
from ui.broadcast.preview import _ImageBubble


def test_a_text_and_a_photo_reach_everyone_once(qtbot, bshop: Shop, tmp_path: Path) -> None:
    c = open_composer(qtbot, bshop.book)
    c.message.set_text("新メニューの写真です")
    assert c.message.add_photo(write_png(tmp_path / "menu.png", 320, 240))
    assert [type(w) for w in c.preview.bubbles][-1] is _ImageBubble
    wait_plan(qtbot, c)
    assert c.plan.images == 1 and c.plan.count == FRIENDS
    report = send_and_wait(qtbot, c)
    assert report.state == "done" and report.counts.sent == FRIENDS
    for _cid, uid in bshop.friends:
        (request,) = bshop.e.inbox(uid)
        text, image = request["messages"]
        assert (text["type"], text["text"]) == ("text", "新メニューの写真です")
        assert image["type"] == "image"
        assert image["originalContentUrl"].startswith(PUBLIC_URL + "/")
    dialog = HistoryDialog(bshop.book, c.runner)
    qtbot.addWidget(dialog)
    model = dialog.model
    assert model.data(model.index(0, model.COLUMNS.index("content"))) == \
        "新メニューの写真です / [Photo]"
