"""relay/group_commit.py: many callers, one durable commit; a failing job alone rolls back."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from relay.group_commit import GroupCommit, GroupCommitStopped
from relay.schema import meta
from relay.store import Store


def _keys(store: Store) -> set[str]:
    with store.read_transaction() as conn:
        return set(conn.execute(select(meta.c.key)).scalars())


def test_jobs_commit_together_and_a_failure_rolls_back_alone(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'relay.db'}")
    writes = GroupCommit(store, "test-writes")
    before = _keys(store)

    async def main() -> list[object]:
        def put(key: str):  # type: ignore[no-untyped-def]
            return lambda conn: conn.execute(insert(meta).values(key=key, value=1)).rowcount

        # "a" twice: the second violates the primary key and must fail alone.
        return await asyncio.gather(*(writes.run(put(k)) for k in ("a", "b", "a", "c")),
                                    return_exceptions=True)

    try:
        results = asyncio.run(main())
    finally:
        writes.stop()
    assert results[0] == results[1] == results[3] == 1
    assert isinstance(results[2], IntegrityError)
    assert _keys(store) - before == {"a", "b", "c"}
    store.close()


def test_a_stopped_writer_refuses_new_jobs(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'relay.db'}")
    writes = GroupCommit(store, "test-writes")
    writes.stop()

    async def main() -> None:
        await writes.run(lambda conn: None)

    with pytest.raises(GroupCommitStopped):
        asyncio.run(main())
    store.close()
