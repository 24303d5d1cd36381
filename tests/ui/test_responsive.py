"""The window never freezes on a busy book: while another write of the process holds the
book (an import, a sync batch), an edit in the window gives up after a moment with the
"busy" message and keeps what the owner typed; once the book is free, it saves."""

from __future__ import annotations

import threading

from sqlalchemy import text


def test_an_edit_while_the_book_is_busy_says_so_and_keeps_the_value(window, seeded) -> None:
    book = seeded.book
    assert book.db.interactive_thread is threading.current_thread()
    assert window.select_customer(seeded.customers["田中"])
    pane = window.content.detail
    memo = pane.builtin["memo"]

    holding, release = threading.Event(), threading.Event()

    def long_write() -> None:  # as an import or a sync batch would
        with book.db.write() as s:
            s.execute(text("UPDATE customer SET updated_at = updated_at"))
            holding.set()
            release.wait(60)

    holder = threading.Thread(target=long_write)
    holder.start()
    try:
        assert holding.wait(30)
        # If the window's write waited for the holder, this call would not return until
        # release is set below: the test would hang instead of going on.
        assert not pane.save_builtin("memo", "カラーの相談あり")
        assert memo.has_error
        assert memo.error_label.text() == "The customer book is busy with another change."
        assert book.customers.get(seeded.customers["田中"]).memo != "カラーの相談あり"
    finally:
        release.set()
        holder.join()
    assert pane.save_builtin("memo", "カラーの相談あり")
    assert book.customers.get(seeded.customers["田中"]).memo == "カラーの相談あり"

