"""The condition model of segments: groups and conditions (frozen dataclasses, built by the
UI directly), the limits that keep a forged one cheap, and the error that points at a row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from app.errors import ValidationError
from app.fields import FieldType
from app.i18n import QT_TRANSLATE_NOOP

_CTX = "segments"

FORMAT_VERSION = 1
AND, OR = "and", "or"
#: Limits that keep a condition (or a forged saved one) cheap to check and to run.
MAX_DEPTH = 6            # the root group is level 1
MAX_CONDITIONS = 100     # conditions and groups together
MAX_LIST = 100           # tags, choices or prefectures in one condition
MAX_TEXT = 1000
MAX_DAYS = 3660
MAX_NUMBER = 1e15
MAX_NAME = 100
MAX_JSON_CHARS = 200_000

TAG_MATCHES = ("any", "all", "none")
EMPTY_OPS = ("empty", "not_empty")
#: Field operators by field type.
FIELD_OPS: dict[FieldType, tuple[str, ...]] = {
    FieldType.TEXT: ("equals", "contains", *EMPTY_OPS),
    FieldType.LONG_TEXT: ("equals", "contains", *EMPTY_OPS),
    FieldType.NUMBER: ("equals", "between", "gte", "lte", *EMPTY_OPS),
    FieldType.POINTS: ("equals", "between", "gte", "lte", *EMPTY_OPS),
    FieldType.DATE: ("before", "after", "between", "next_days", "last_days", *EMPTY_OPS),
    FieldType.DATETIME: ("before", "after", "between", "next_days", "last_days", *EMPTY_OPS),
    FieldType.SINGLE_CHOICE: ("any_of", *EMPTY_OPS),
    FieldType.MULTI_CHOICE: ("any_of", "all_of", *EMPTY_OPS),
    FieldType.IMAGE: EMPTY_OPS,
    FieldType.FILE: EMPTY_OPS,
}
ALL_FIELD_OPS = frozenset(op for ops in FIELD_OPS.values() for op in ops)
FOLLOWED_OPS = ("before", "after", "last_days")


# --- the condition model --------------------------------------------------------------------

@dataclass(frozen=True)
class Group:
    """Conditions and groups combined with ``op``: "and" (all of them) or "or" (any).

    An empty "and" group matches every customer (the builder before anything is chosen);
    an empty "or" group matches nobody.
    """

    op: str = AND
    items: tuple[Condition, ...] = ()


@dataclass(frozen=True)
class TagCondition:
    #: "any" (has any of), "all" (has all of), "none" (has none of).
    match: str
    tag_ids: tuple[int, ...]


@dataclass(frozen=True)
class FieldCondition:
    """A custom field's value; ``op`` and ``value`` as listed in the module docstring.

    ``value``: a str, a number, a :class:`datetime.date`, a pair (between), a number of
    days (an int), a tuple of choices, or None.
    """

    field_id: int
    op: str
    value: Any = None


@dataclass(frozen=True)
class FollowedCondition:
    """Friend since: "before" / "after" a day (``value``: a date, the day excluded), or
    "last_days" (``value``: N, since the start of the day N days ago)."""

    op: str
    value: dt.date | int


@dataclass(frozen=True)
class BirthdayCondition:
    #: 1-12, or None for the current month (when the segment is counted).
    month: int | None = None


@dataclass(frozen=True)
class LineCondition:
    #: True: a LINE friend (has a LINE user id); False: not on LINE.
    on_line: bool = True


@dataclass(frozen=True)
class LastMessageCondition:
    #: The customer wrote to the shop on one of the last ``days`` days (or today).
    days: int


@dataclass(frozen=True)
class PrefectureCondition:
    #: Matches an address in any of these (names from :data:`app.prefectures.PREFECTURES`).
    prefectures: tuple[str, ...]


@dataclass(frozen=True)
class ConsentCondition:
    #: Agreed (in a form's consent item) to the privacy policy's version ``min_version`` or
    #: a later one (app.privacy.consent).
    min_version: int
    #: Instead: agreed to some version, but only to ones before ``min_version`` (those to
    #: tell about a new version, app.privacy.announce).
    older_only: bool = False


Condition = (Group | TagCondition | FieldCondition | FollowedCondition | BirthdayCondition
             | LineCondition | LastMessageCondition | PrefectureCondition | ConsentCondition)


@dataclass(frozen=True)
class SegmentCounts:
    """The live count: who receives a message, and how many more matched but blocked us."""

    recipients: int
    blocked: int


@dataclass(frozen=True)
class SavedSegmentInfo:
    id: int
    name: str
    #: None when the stored JSON cannot be read (``problem`` says so).
    condition: Group | None
    position: int
    created_at: dt.datetime
    updated_at: dt.datetime
    #: Why the segment cannot be used now (a tag or field it names was deleted, …).
    problem: ValidationError | None = None

    @property
    def valid(self) -> bool:
        return self.problem is None


class ConditionError(ValidationError):
    """A condition that cannot be used, with where it is in the tree.

    ``path`` holds the item indexes from the root group down to the condition (empty: the
    segment as a whole), so the builder can mark the row to correct.
    """

    code = "invalid-segment"
    message = QT_TRANSLATE_NOOP(_CTX, "A condition of this segment is not valid.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Correct the condition marked and try again.")

    def __init__(self, path: tuple[int, ...] | list[int] = (), *,
                 message: str | None = None) -> None:
        self.path = tuple(path)
        where = "condition " + ".".join(str(i + 1) for i in self.path) if self.path else ""
        super().__init__(where, message=message)


_MSG_MALFORMED = QT_TRANSLATE_NOOP(_CTX, "The segment's conditions cannot be read.")
_MSG_TOO_BIG = QT_TRANSLATE_NOOP(
    _CTX, "The segment has too many conditions or groups nested too deeply.")
_MSG_GROUP = QT_TRANSLATE_NOOP(_CTX, "A group combines its conditions with AND or OR.")
_MSG_TAG_DELETED = QT_TRANSLATE_NOOP(_CTX, "This condition names a tag that was deleted.")
_MSG_FIELD_DELETED = QT_TRANSLATE_NOOP(
    _CTX, "This condition names a custom field that was deleted.")
_MSG_OP = QT_TRANSLATE_NOOP(_CTX, "This comparison does not fit the field's type.")
_MSG_CHOICE = QT_TRANSLATE_NOOP(
    _CTX, "This condition names a choice the field no longer has.")
_MSG_INCOMPLETE = QT_TRANSLATE_NOOP(_CTX, "This condition is not complete.")
_MSG_TEXT = QT_TRANSLATE_NOOP(_CTX, "This condition needs a text of up to 1,000 characters.")
_MSG_NUMBER = QT_TRANSLATE_NOOP(_CTX, "This condition needs a number.")
_MSG_DATE = QT_TRANSLATE_NOOP(_CTX, "This condition needs a date (for example 2026-11-29).")
_MSG_RANGE = QT_TRANSLATE_NOOP(_CTX, "The first value of the range is larger than the second.")
_MSG_DAYS = QT_TRANSLATE_NOOP(_CTX, "The number of days is a whole number from 0 to 3,660.")
_MSG_MONTH = QT_TRANSLATE_NOOP(_CTX, "A birthday month is from 1 to 12.")
_MSG_PREFECTURE = QT_TRANSLATE_NOOP(_CTX, "This is not one of the 47 prefectures.")
_MSG_LIST = QT_TRANSLATE_NOOP(
    _CTX, "This condition needs from 1 to 100 tags, choices or prefectures.")


def _fail(path: tuple[int, ...], message: str) -> ConditionError:
    return ConditionError(path, message=message)
