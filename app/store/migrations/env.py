"""Alembic environment: migrations always run on the connection Otokui opened.

The book is encrypted, so Alembic must never open it by URL; :mod:`app.store.migrate`
hands over a keyed connection through ``config.attributes["connection"]``.
"""

from __future__ import annotations

from alembic import context

from app.store.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - guards against `alembic upgrade` by URL
    raise RuntimeError("Otokui migrations run only through app.store.migrate")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
)
with context.begin_transaction():
    context.run_migrations()
