"""A disclosure request writes everything about one person, and nothing about anyone else;
the tables are found from the schema, so a table added later is included too."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table, Text

from app.privacy.disclose import SUMMARY, disclose
from app.privacy.schema import personal_tables
from app.store.models import Base
from tests.privacy.conftest import TwoPeople


def test_every_table_about_a_customer_is_in_the_zip(people: TwoPeople, tmp_path: Path) -> None:
    book, gone, stays = people.book, people.gone, people.stays
    out = tmp_path / "開示" / "disclosure.zip"
    out.parent.mkdir()
    report = disclose(book, gone.cid, out)
    assert not list(out.parent.glob("*.part"))
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        everything = b"".join(zf.read(n) for n in names)
        customer_rows = list(csv.DictReader(io.StringIO(
            zf.read("data/customer.csv").decode("utf-8-sig"))))
        messages = json.loads(zf.read("data/message.json"))
        summary = zf.read(SUMMARY).decode()
    # Every table the schema links to a customer has its CSV and JSON, rows or not.
    for table in personal_tables(Base.metadata):
        assert f"data/{table.name}.csv" in names and f"data/{table.name}.json" in names
        assert table.name in report.rows
    assert "data/audit_log.csv" in names
    assert [r["name"] for r in customer_rows] == [gone.name]
    assert [m["text"] for m in messages if m["text"]] == [gone.said]
    assert gone.photo in everything  # the attachment, decrypted
    assert not any(n.startswith("files/attachment/") for n in names)  # no file keys
    for text in (gone.name, gone.phone, gone.memo):
        assert text in summary
    # Nothing about the other customer.
    for trace in (stays.name, stays.phone, stays.memo, stays.said, stays.uid):
        assert trace.encode() not in everything, trace
    assert stays.photo not in everything
    entries = book.audit.entries()
    assert entries[0].action == "privacy_disclosed" and gone.name not in str(entries[0].detail)


def test_a_table_added_later_is_found_from_the_schema() -> None:
    meta = MetaData()
    for table in Base.metadata.sorted_tables:
        table.to_metadata(meta)
    Table("loyalty_card", meta, Column("id", Integer, primary_key=True),
          Column("owner", Integer, ForeignKey("customer.id")), Column("number", Text))
    Table("loyalty_stamp", meta, Column("id", Integer, primary_key=True),
          Column("card_id", Integer, ForeignKey("loyalty_card.id")))
    Table("waitlist", meta, Column("id", Integer, primary_key=True),
          Column("line_user_id", Text))
    found = {t.name: t for t in personal_tables(meta)}
    assert found["loyalty_card"].where == "owner = :cid"
    assert found["loyalty_stamp"].how == "child of loyalty_card"
    assert found["waitlist"].how == "line user id"
    assert "tag" not in found and "audit_log" not in found
