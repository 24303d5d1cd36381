"""The SQLite functions segments use (prefecture of an address, search normalisation),
registered on every pooled connection of the book."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import event

from app import prefectures, textnorm

if TYPE_CHECKING:
    from sqlalchemy import Engine


_FUNCTIONS_KEY = "otokui_segment_functions"


def _prefecture_udf(address: Any) -> str | None:
    return prefectures.prefecture_of(address) if isinstance(address, str) else None


def _textnorm_udf(value: Any) -> str:
    return textnorm.normalize(value) if isinstance(value, str) else ""


def _register_functions(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    if record.info.get(_FUNCTIONS_KEY):
        return
    dbapi_connection.create_function("otokui_prefecture", 1, _prefecture_udf,
                                     deterministic=True)
    dbapi_connection.create_function("otokui_textnorm", 1, _textnorm_udf, deterministic=True)
    record.info[_FUNCTIONS_KEY] = True


def install_functions(engine: Engine) -> None:
    """Give every pooled connection of ``engine`` the functions segments use.

    On checkout rather than on connect, so connections opened before the segment
    service existed get them too; once per connection.
    """
    if not event.contains(engine, "checkout", _register_functions):
        event.listen(engine, "checkout", _register_functions)
