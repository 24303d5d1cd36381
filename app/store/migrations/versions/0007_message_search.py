# ruff: noqa: S608 - the SQL is built from this module's fixed fragments only
"""Message search: every message's text in a full-text index

The inbox's search read only the newest 50,000 texts, so an older message could not be
found. ``message_fts`` (FTS5 trigram) answers queries of three or more characters and
``message_grams`` (bigram tokens, as ``customer_grams``) one and two; both contentless
(the text is in ``message``) and keyed by ``message.id``. Triggers keep them exact on every
insert, edit, unsend and delete, whichever code writes, through the functions every
connection of the book has (app.store.sqlfunctions). Existing messages are indexed here.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# What is searchable: the same rows the inbox's scan read (text, not unsent).
_SEARCHED = "text != '' AND unsent_at_ms IS NULL"


def upgrade() -> None:
    op.execute("CREATE VIRTUAL TABLE message_fts USING fts5(body, content = '', "
               "contentless_delete = 1, tokenize = 'trigram')")
    op.execute("CREATE VIRTUAL TABLE message_grams USING fts5(body, content = '', "
               "contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0')")
    new = _SEARCHED.replace("text", "new.text").replace("unsent_at_ms", "new.unsent_at_ms")
    index_new = (
        "INSERT INTO message_fts(rowid, body) "
        f"SELECT new.id, otokui_textnorm(new.text) WHERE {new}; "
        "INSERT INTO message_grams(rowid, body) "
        f"SELECT new.id, otokui_grams(new.text) WHERE {new}; ")
    drop_old = ("DELETE FROM message_fts WHERE rowid = old.id; "
                "DELETE FROM message_grams WHERE rowid = old.id; ")
    op.execute(f"CREATE TRIGGER message_search_insert AFTER INSERT ON message BEGIN "
               f"{index_new}END")
    op.execute(f"CREATE TRIGGER message_search_update AFTER UPDATE OF text, unsent_at_ms "
               f"ON message BEGIN {drop_old}{index_new}END")
    op.execute(f"CREATE TRIGGER message_search_delete AFTER DELETE ON message BEGIN "
               f"{drop_old}END")
    op.execute("INSERT INTO message_fts(rowid, body) "
               f"SELECT id, otokui_textnorm(text) FROM message WHERE {_SEARCHED}")
    op.execute("INSERT INTO message_grams(rowid, body) "
               f"SELECT id, otokui_grams(text) FROM message WHERE {_SEARCHED}")


def downgrade() -> None:
    for trigger in ("message_search_insert", "message_search_update", "message_search_delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS message_fts")
    op.execute("DROP TABLE IF EXISTS message_grams")
