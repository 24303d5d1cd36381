"""Bring a book's schema to the current version with Alembic, on its keyed connection."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import text

from app.store.db import Database

log = logging.getLogger("otokui.store")

MIGRATIONS = Path(__file__).with_name("migrations")
#: The newest revision in ``migrations/versions``; a test keeps it equal to Alembic's head.
HEAD = "0036_instant_rules"


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as conn:
        has_table = conn.execute(text(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
        )).first()
        if not has_table:
            return None
        row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
        return row[0] if row else None


def upgrade(db: Database) -> None:
    """Migrate to HEAD. Cheap when already there: Alembic is imported only when needed."""
    if current_revision(db) == HEAD:
        return
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with db._write_lock, db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    log.info("book schema upgraded to %s", HEAD)
