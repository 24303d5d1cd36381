"""Segments: which customers a message goes to, as conditions grouped with AND and OR.

A segment is a tree: a :class:`Group` (``"and"`` or ``"or"``) of conditions and of further
groups. Conditions are plain frozen dataclasses, so the UI builds them directly; their JSON
form (:func:`to_json`, :func:`from_json`) is what saved segments store::

    {"version": 1,
     "root": {"group": "and", "items": [
         {"kind": "tags", "match": "any", "tags": [3, 7]},            # any | all | none
         {"kind": "field", "field": 12, "op": "between", "value": [10, 30]},
         {"group": "or", "items": [
             {"kind": "birthday", "month": 4},                          # 1-12, or "this"
             {"kind": "prefecture", "prefectures": ["東京都", "神奈川県"]}]},
         {"kind": "followed", "op": "before", "date": "2026-04-01"},   # before | after
         {"kind": "followed", "op": "last_days", "days": 30},
         {"kind": "line", "on": true},
         {"kind": "last_message", "days": 30}]}}

Field operators, by the field's type (``value`` omitted for ``empty`` / ``not_empty``,
which every type has; for images and files they mean "has no attachment" / "has one"):

* text, long text: ``equals`` and ``contains`` (a string; compared after the search
  normalisation, so ｶｯﾄ equals カット and spaces do not matter);
* number, points: ``equals``, ``gte``, ``lte`` (a number), ``between`` ([a, b], inclusive).
  A points balance never set counts as 0, as it does everywhere else in the book;
* date, date-time: ``before``, ``after`` ("YYYY-MM-DD", the day itself excluded),
  ``between`` (two dates, inclusive), ``next_days`` / ``last_days`` (N: from today to N
  days ahead, or from N days ago to today, today included). Date-times compare by their day;
* single choice: ``any_of`` [choices]; multiple choice: ``any_of`` / ``all_of`` [choices].

Built-ins: friend since (``followed``) before or after a day, or within the last N days;
birthday month; on LINE or not; last message within N days (the customer's newest received
message that the customer wrote: system lines and postbacks do not count, one they unsent
still does); prefecture (see
:mod:`app.prefectures`). Days are the computer's local days: "today", "this month" and
"the last N days" are evaluated when the segment is counted, not when it was saved.

Blocked customers are never recipients: every count, id list, preview and table view
excludes them; :meth:`SegmentService.counts` also says how many matched but are blocked.

How it is fast on an encrypted book (a few to a few tens of milliseconds for a count over
100,000 customers; docs/performance-segments.md): each condition compiles to an exact
predicate on a customer and, where an index can list its customers, to a *source*: tags,
friend-since, LINE, birthday, the conversation summaries for the last message, a field's
value range, the search index for prefectures. An AND group starts from its cheapest
source and tests the rest on those candidates, each either as a probe per candidate or as
a list built once, whichever a rough cost model finds cheaper; tag lists already in id
order are intersected by merging; an OR of sources is their union; only what has no source
at all is a scan. What is excluded (blocked customers, "has none of", "is empty") is
counted by subtraction when it is the smaller side. The aim throughout is to read few
encrypted pages: customer rows scattered over the table are what costs most.
Every value is a bound parameter; the SQL text is built from fixed fragments only.
"""

from app.segments.check import as_group, check_shape
from app.segments.functions import install_functions
from app.segments.jsonform import dumps, from_json, loads, to_json
from app.segments.model import (
    ALL_FIELD_OPS,
    AND,
    EMPTY_OPS,
    FIELD_OPS,
    FOLLOWED_OPS,
    FORMAT_VERSION,
    MAX_CONDITIONS,
    MAX_DAYS,
    MAX_DEPTH,
    MAX_JSON_CHARS,
    MAX_LIST,
    MAX_NAME,
    MAX_NUMBER,
    MAX_TEXT,
    OR,
    TAG_MATCHES,
    BirthdayCondition,
    Condition,
    ConditionError,
    ConsentCondition,
    FieldCondition,
    FollowedCondition,
    Group,
    LastMessageCondition,
    LineCondition,
    PrefectureCondition,
    SavedSegmentInfo,
    SegmentCounts,
    TagCondition,
)
from app.segments.service import SegmentService

__all__ = [
    "ALL_FIELD_OPS",
    "AND",
    "EMPTY_OPS",
    "FIELD_OPS",
    "FOLLOWED_OPS",
    "FORMAT_VERSION",
    "MAX_CONDITIONS",
    "MAX_DAYS",
    "MAX_DEPTH",
    "MAX_JSON_CHARS",
    "MAX_LIST",
    "MAX_NAME",
    "MAX_NUMBER",
    "MAX_TEXT",
    "OR",
    "TAG_MATCHES",
    "BirthdayCondition",
    "Condition",
    "ConditionError",
    "ConsentCondition",
    "FieldCondition",
    "FollowedCondition",
    "Group",
    "LastMessageCondition",
    "LineCondition",
    "PrefectureCondition",
    "SavedSegmentInfo",
    "SegmentCounts",
    "SegmentService",
    "TagCondition",
    "as_group",
    "check_shape",
    "dumps",
    "from_json",
    "install_functions",
    "loads",
    "to_json",
]
