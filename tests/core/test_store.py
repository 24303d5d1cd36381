"""The store: typed custom fields, tag counts, audit log, timeline, one writer at a time."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import text

from app.errors import BookBusyError, NotFoundError, ValidationError
from app.fields import FieldType
from app.store import migrate


def test_field_values_are_validated_per_type(book) -> None:
    cid = book.customers.create(name="型 検証")
    f = book.fields
    text_id = f.create("ひとこと", FieldType.TEXT)
    long_id = f.create("カルテ", FieldType.LONG_TEXT)
    num_id = f.create("身長", FieldType.NUMBER)
    date_id = f.create("初来店日", FieldType.DATE)
    dt_id = f.create("次回予約", FieldType.DATETIME)
    one_id = f.create("担当", FieldType.SINGLE_CHOICE, choices=["佐藤", "鈴木"])
    many_id = f.create("興味", FieldType.MULTI_CHOICE, choices=["カット", "カラー", "パーマ"])
    pts_id = f.create("ポイント", FieldType.POINTS)
    req_id = f.create("会員番号", FieldType.TEXT, required=True)

    assert f.set_value(cid, text_id, "よろしく") == "よろしく"
    assert f.set_value(cid, long_id, "一行目\n二行目") == "一行目\n二行目"
    assert f.set_value(cid, num_id, "１６２.５") == 162.5
    assert f.set_value(cid, date_id, "2026年4月1日") == dt.date(2026, 4, 1)
    assert f.set_value(cid, dt_id, "2026/12/05 14:30") == dt.datetime(2026, 12, 5, 14, 30)
    assert f.set_value(cid, one_id, "鈴木") == "鈴木"
    assert f.set_value(cid, many_id, "パーマ;カット") == ["カット", "パーマ"]
    assert f.set_value(cid, pts_id, 100) == 100

    for field_id, bad in [(text_id, "改行\nあり"), (num_id, "たくさん"), (date_id, "2026-02-30"),
                          (dt_id, "明日の朝"), (one_id, "田中"), (many_id, "カット;ネイル"),
                          (pts_id, "1.5"), (req_id, "")]:
        with pytest.raises(ValidationError):
            f.set_value(cid, field_id, bad)

    values = f.values_of(cid)
    assert values[num_id] == 162.5 and values[many_id] == ["カット", "パーマ"]
    assert req_id not in values
    with pytest.raises(ValidationError):
        f.create("ひとこと", FieldType.TEXT)  # names are unique
    with pytest.raises(ValidationError):
        f.create("空の選択", FieldType.SINGLE_CHOICE, choices=[])


def test_points_keep_history(book) -> None:
    cid = book.customers.create(name="ポイント 太郎")
    pts = book.fields.create("ポイント", FieldType.POINTS)
    assert book.fields.add_points(cid, pts, 50, "来店") == 50
    assert book.fields.add_points(cid, pts, -20, "利用") == 30
    book.fields.set_value(cid, pts, 100)
    history = [(e.delta, e.reason) for e in book.fields.points_history(cid, pts)]
    assert history == [(50, "来店"), (-20, "利用"), (70, "")]
    assert book.fields.values_of(cid)[pts] == 100


def test_fields_order_and_columns(book) -> None:
    a = book.fields.create("A", FieldType.TEXT)
    b = book.fields.create("B", FieldType.NUMBER, show_in_list=True)
    book.fields.reorder([b, a])
    assert [x.id for x in book.fields.list()] == [b, a]
    cid = book.customers.create(name="列")
    book.fields.set_value(cid, b, 12345)
    assert book.customers.rows([cid])[cid].field_text == {b: "12345"}


def test_tag_counts_stay_exact(book) -> None:
    ids = [book.customers.create(name=f"客{i}") for i in range(50)]
    folder = book.tags.create_folder("来店")
    vip = book.tags.create("VIP", folder_id=folder, color="#ff0000")
    new = book.tags.create("新規", folder_id=folder)
    assert book.tags.add(ids[:30], [vip]) == 30
    assert book.tags.add(ids[:40], [vip, new]) == 10 + 40
    assert book.tags.counts() == {vip: 40, new: 40}
    assert book.tags.remove(ids[:5], [vip]) == 5
    book.customers.delete(ids[30:35])
    assert book.tags.counts() == {vip: 30, new: 35}
    with book.db.read() as s:
        real = dict(s.execute(text(
            "SELECT tag_id, count(*) FROM customer_tag GROUP BY tag_id")).all())
    assert real == book.tags.counts()
    info = book.tags.get(vip)
    assert info.color == "#FF0000" and info.folder_id == folder
    book.tags.delete_folder(folder)
    assert book.tags.get(vip).folder_id is None
    with pytest.raises(ValidationError):
        book.tags.create("VIP")
    with pytest.raises(NotFoundError):
        book.tags.add(ids, [9999])


def test_audit_log_is_append_only_and_records_bulk_changes(book) -> None:
    ids = [book.customers.create(name=f"監査{i}") for i in range(3)]
    tag = book.tags.create("案内")
    book.tags.add(ids, [tag])
    book.customers.delete(ids[:2])
    actions = [e.action for e in book.audit.entries()]
    assert actions[:2] == ["customers_deleted", "bulk_tag_add"]
    deleted = book.audit.entries()[0]
    assert deleted.count == 2 and deleted.detail["ids"] == ids[:2]
    for sql in ("UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(Exception, match="append-only"), book.db.write() as s:
            s.execute(text(sql))
    assert len(book.audit.entries()) == 2


def test_timeline_records_what_happened(book) -> None:
    cid = book.customers.create(name="時系列")
    tag = book.tags.create("紹介")
    book.tags.add([cid], [tag])
    book.customers.update(cid, phone="080-1111-2222")
    kinds = [e.kind for e in book.audit.timeline(cid)]
    assert set(kinds) == {"created", "tag_added", "field_changed"}
    assert book.audit.timeline(cid)[0].kind in ("field_changed", "tag_added")


def test_built_in_fields_are_validated(book) -> None:
    with pytest.raises(ValidationError):
        book.customers.create(name="x", email="not-an-email")
    with pytest.raises(ValidationError):
        book.customers.create(name="x", postal_code="12-34")
    with pytest.raises(ValidationError):
        book.customers.create(name="x", line_user_id="U123")
    cid = book.customers.create(name="住所", postal_code="１５００００１", birthday="1990/1/2")
    c = book.customers.get(cid)
    assert c.postal_code == "150-0001" and c.birthday == dt.date(1990, 1, 2)
    assert book.customers.count() == 1  # the failed creates stored nothing


def test_concurrent_writers_queue_instead_of_failing(book) -> None:
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(25):
                book.customers.create(name=f"並行{n}-{i}")
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert book.customers.count() == 100


def test_a_write_that_cannot_start_in_time_is_refused_and_changes_nothing(book) -> None:
    """Another write holds the book (an import, a sync batch): a write with a bounded wait
    gives up with BookBusyError ("busy, try again") instead of waiting without end, and
    goes through once the book is free."""
    holding, release = threading.Event(), threading.Event()

    def long_write() -> None:
        with book.db.write() as s:
            s.execute(text("UPDATE customer SET memo = memo"))
            holding.set()
            release.wait(30)

    holder = threading.Thread(target=long_write)
    holder.start()
    try:
        assert holding.wait(30)
        before = book.customers.count()
        with pytest.raises(BookBusyError), book.db.write(wait=0.0) as s:
            s.execute(text("DELETE FROM customer"))  # never runs
        assert book.customers.count() == before
    finally:
        release.set()
        holder.join()
    with book.db.write(wait=0.0) as s:  # free again: no wait needed
        s.execute(text("UPDATE customer SET memo = memo"))


def test_second_process_style_connection_waits_for_the_writer(book, profile) -> None:
    """A second Database on the same file (as another process would) queues its write."""
    from app.store.db import Database

    other = Database(profile.db_path, book.db._key)
    try:
        with book.db.write() as s:
            s.execute(text("INSERT INTO tag_folder(name, position, created_at) "
                           "VALUES ('a', 1, '2026-01-01')"))
            done = threading.Event()

            def late_writer() -> None:
                with other.write() as s2:
                    s2.execute(text("INSERT INTO tag_folder(name, position, created_at) "
                                    "VALUES ('b', 2, '2026-01-01')"))
                done.set()

            t = threading.Thread(target=late_writer)
            t.start()
            assert not done.wait(0.3)  # blocked behind our transaction, not failing
        t.join(10)
        assert done.is_set()
        assert [f.name for f in book.tags.folders()] == ["a", "b"]
    finally:
        other.close()


# SQLite's expression indexes cannot be reflected, so autogenerate skips the one of the
# friend state (migration 0009); test_friend_state_index_is_there_and_counts checks it.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based")
def test_schema_matches_models_and_head(book) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.config import Config
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from app.store.models import Base

    cfg = Config()
    cfg.set_main_option("script_location", str(migrate.MIGRATIONS))
    assert ScriptDirectory.from_config(cfg).get_current_head() == migrate.HEAD
    assert migrate.current_revision(book.db) == migrate.HEAD
    with book.db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    # The FTS5 tables and their shadow tables are created by raw SQL in the migrations.
    diff = [d for d in diff if not (d[0] == "remove_table"
                                    and d[1].name.startswith(("customer_fts", "customer_grams",
                                                              "message_fts", "message_grams")))]
    assert diff == []


def test_friend_state_index_is_there_and_counts(book) -> None:
    from sqlalchemy import text

    from app.search import CustomerQuery

    book.customers.create(name="友", line_user_id="U" + "1" * 32)
    book.customers.create(name="ブロック", line_user_id="U" + "2" * 32,
                          blocked_at="2026-01-01 00:00:00")
    book.customers.create(name="LINE なし")
    assert book.search.count(CustomerQuery(view="friends")) == 1
    with book.db.read() as s:
        plan = " ".join(r[-1] for r in s.execute(text(
            "EXPLAIN QUERY PLAN SELECT count(*) FROM customer INDEXED BY "
            "ix_customer_friend_state WHERE (line_user_id IS NOT NULL) = 1 "
            "AND (blocked_at IS NOT NULL) = 0")))
    assert "COVERING INDEX ix_customer_friend_state" in plan
