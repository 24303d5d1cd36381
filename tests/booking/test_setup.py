"""The setup format: the example parses; bad input is refused naming the place."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from app.booking.errors import BookingSetupError
from app.booking.setup import parse_setup


def test_example_parses(example: dict[str, Any]) -> None:
    setup = parse_setup(example)
    assert [m.id for m in setup.menus] == ["cut", "color", "spa"]
    assert setup.hours[1] == ()  # closed on Tuesdays
    assert setup.hours[0] == ((600, 1140),)
    assert [s.id for s in setup.staff_for(setup.menus[1])] == ["sato"]
    assert len(setup.staff_for(setup.menus[0])) == 2
    assert setup.menus[2].shown is False
    assert setup.classes[0].seats == 2 and setup.classes[0].weekdays == {5}
    assert setup.max_open_per_friend == 2


@pytest.mark.parametrize(("change", "named"), [
    (lambda d: d["menus"][0].update(duration=0), "menus[0].duration"),
    (lambda d: d["menus"][0].update(druation=60), 'unknown property "druation"'),
    (lambda d: d["menus"][1].update(staff=["nobody"]), 'no staff member "nobody"'),
    (lambda d: d.update(slot_step=7), "slot_step"),
    (lambda d: d["hours"].update(mon=[["19:00", "10:00"]]), "ends after it starts"),
    (lambda d: d["hours"].update(mon=[["25:00", "26:00"]]), "hours.mon"),
    (lambda d: d["menus"].append(dict(d["menus"][0])), 'the id "cut" is used twice'),
    (lambda d: d["menus"][1]["questions"].append({"key": "x", "type": "nonsense",
                                                 "label": "x"}), "menus[1].questions"),
    (lambda d: d["classes"][0].pop("weekdays"), "give weekdays or dates"),
    (lambda d: d["holidays"].update(dates=["31/12/2026"]), "holidays.dates"),
])
def test_bad_setup_is_refused_naming_the_place(example: dict[str, Any], change: Any,
                                                named: str) -> None:
    data = copy.deepcopy(example)
    change(data)
    with pytest.raises(BookingSetupError) as info:
        parse_setup(data)
    assert named in info.value.detail


def test_not_json() -> None:
    with pytest.raises(BookingSetupError):
        parse_setup("{")
