"""Where the book keeps something about a person, found from the schema itself.

A table holds rows about a customer when it has a foreign key to ``customer.id``, a
``customer_id`` column (a reference kept without a foreign key, e.g. a broadcast's
recipients, which outlive the customer's row), a ``line_user_id`` column, or a foreign
key to such a table (an attachment's form file). Disclosure writes every one of them and
deletion clears every one of them; because the list is read from the schema, a table a
later feature adds is covered without anyone remembering to add it here
(tests/privacy/test_disclose.py checks that with a table made up for the test).

A few links are kept by value rather than by a declared foreign key; :data:`LINKS_BY_VALUE`
names them, so that they are followed too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from sqlalchemy import MetaData, Table

#: Links kept by value, not by a declared foreign key: table -> (column, parent, column).
LINKS_BY_VALUE: Final[dict[str, tuple[str, str, str]]] = {
    # A form answer's files are stored before the answer is matched to a customer.
    "form_answer_file": ("answer_id", "form_answer", "answer_id"),
}
#: Columns left out of a disclosure: the keys of the book's own encryption are not data
#: about the person (their attachments are in the disclosure, decrypted).
NOT_DISCLOSED: Final[dict[str, frozenset[str]]] = {"attachment": frozenset({"file_key"})}
#: Tables that refer to customers only by ids inside an append-only record (the audit
#: log: "who did what to whose data"), looked at by :func:`audit_where`, never deleted.
AUDIT_TABLE: Final = "audit_log"


@dataclass(frozen=True)
class PersonalTable:
    name: str
    #: SQL condition choosing this table's rows about one customer, with the bound
    #: parameters ``:cid`` (the customer's id) and ``:uid`` (their LINE user id or '').
    where: str
    #: How the rows were found (for the disclosure's index): "customer", "foreign key",
    #: "column", "line user id", "child of <table>".
    how: str


def _direct(table: Table) -> PersonalTable | None:
    if table.name == "customer":
        return PersonalTable("customer", "id = :cid", "customer")
    for fk in table.foreign_keys:
        if fk.column.table.name == "customer" and fk.column.name == "id":
            return PersonalTable(table.name, f"{fk.parent.name} = :cid", "foreign key")
    if "customer_id" in table.columns:
        return PersonalTable(table.name, "customer_id = :cid", "column")
    if "line_user_id" in table.columns:
        return PersonalTable(table.name, "line_user_id = :uid AND :uid != ''", "line user id")
    return None


def personal_tables(metadata: MetaData) -> list[PersonalTable]:
    """Every table with rows about a customer, parents before their children."""
    found: dict[str, PersonalTable] = {}
    for table in metadata.sorted_tables:
        if table.name == AUDIT_TABLE:
            continue
        direct = _direct(table)
        if direct is not None:
            found[table.name] = direct
    direct_names = set(found)
    changed = True
    while changed:  # children of what was found, to any depth, by every link they have
        changed = False
        for table in metadata.sorted_tables:
            if table.name in direct_names or table.name == AUDIT_TABLE:
                continue
            links = [(fk.parent.name, fk.column.table.name, fk.column.name)
                     for fk in table.foreign_keys]
            if table.name in LINKS_BY_VALUE:
                links.append(LINKS_BY_VALUE[table.name])
            parents = [(c, p, pc) for c, p, pc in links if p in found and p != table.name]
            if not parents:
                continue
            # Names from the schema, never from input.
            where = " OR ".join(f"{c} IN (SELECT {pc} FROM {p} WHERE {found[p].where})"  # noqa: S608
                                for c, p, pc in parents)
            child = PersonalTable(table.name, f"({where})" if len(parents) > 1 else where,
                                  "child of " + ", ".join(p for _c, p, _pc in parents))
            if found.get(table.name) != child:
                found[table.name] = child
                changed = True
    return list(found.values())


def audit_where() -> str:
    """The audit entries about one customer (``:cid``): those naming their id."""
    return ("(json_extract(detail, '$.customer_id') = :cid OR EXISTS (SELECT 1 FROM "
            "json_each(detail, '$.ids') WHERE value = :cid))")
