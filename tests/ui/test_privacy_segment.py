"""The segment builder creates the consent condition ("agreed to the privacy policy's
version N or later"), counts it on the real book, and shows a saved one as editable."""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.segments import AND, ConsentCondition, Group
from app.store.models_privacy import PrivacyConsent
from tests.ui.test_segment_builder import counts_of, dialog  # noqa: F401


def test_the_builder_makes_a_consent_condition(dialog: Any, seeded: Any, qtbot: Any) -> None:  # noqa: F811
    c = seeded.customers
    with seeded.book.db.write() as s:
        for name, version in (("佐藤", 1), ("高橋", 2), ("鈴木", 3)):
            s.add(PrivacyConsent(customer_id=c[name], version=version,
                                 agreed_at=dt.datetime(2026, 12, 1), source="form:1"))
    row = dialog.root.items()[0]
    row.set_kind("consent")
    assert row.kind.currentText() == "Privacy policy"
    row.editor.version.setValue(2)
    assert dialog.condition() == Group(AND, (ConsentCondition(2),))
    assert sorted(counts_of(qtbot, dialog)[2]) == sorted([c["高橋"], c["鈴木"]])
    row.editor.version.setValue(1)
    assert len(counts_of(qtbot, dialog)[2]) == 3

    dialog.root.set_group(Group(AND, (ConsentCondition(3),)))
    loaded = dialog.root.items()[0]
    assert loaded.kind.currentData() == "consent"
    assert loaded.editor.version.value() == 3
    assert counts_of(qtbot, dialog)[2] == [c["鈴木"]]

    # "only an earlier one": those to tell about a new version
    loaded.editor.which.setCurrentIndex(1)
    assert dialog.condition() == Group(AND, (ConsentCondition(3, older_only=True),))
    assert sorted(counts_of(qtbot, dialog)[2]) == sorted([c["佐藤"], c["高橋"]])
    dialog.root.set_group(Group(AND, (ConsentCondition(2, older_only=True),)))
    again = dialog.root.items()[0]
    assert again.editor.which.currentIndex() == 1 and again.editor.version.value() == 2
    assert counts_of(qtbot, dialog)[2] == [c["佐藤"]]
