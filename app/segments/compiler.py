# SQL here is composed from fixed fragments and bound-parameter names only; every value is
# bound (see _Compiler.bind).
# ruff: noqa: S608
"""Compiling a checked condition tree to SQL: a cost model picks, per condition, an index
list, a probe per candidate or the exclusion of a smaller complement (see the package's
docstring for why)."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app import prefectures, textnorm
from app.fields import FieldType
from app.messages import IN, NOT_COUNTED
from app.segments.check import _BookFacts
from app.segments.model import (
    _MSG_MALFORMED,
    AND,
    OR,
    BirthdayCondition,
    Condition,
    ConsentCondition,
    FieldCondition,
    FollowedCondition,
    Group,
    LastMessageCondition,
    LineCondition,
    PrefectureCondition,
    TagCondition,
    _fail,
)

#
# Every compiled node is a _Part. A condition has an exact predicate on the customer ``c``
# (SQL reading ``c.id`` and, when ``row`` is true, other columns of the customer row) and,
# where indexes can list its customers, an exact *source*: a SELECT of their ids (column
# ``id``), with a rough size and a rough cost to build. A predicate is rendered for the
# number of candidates it will be tested on, as the cheapest of: a probe per candidate
# (an index look-up; reading the customer row costs more, as its page may have to be
# decrypted), one list built once (``c.id IN (source)``), or the exclusion of a smaller
# complement (``c.id NOT IN (…)``). Groups render from their parts; a negation (``anti``)
# is the complement of a part (NULL counting as false).

_ALL = "SELECT c.id AS id FROM customer c"
_BLOCKED_IDS = "SELECT id FROM customer WHERE blocked_at IS NOT NULL"
_query_numbers = itertools.count(1)


#: Relative costs, per id (measured on the 100,000-customer book, see bench/segments.py;
#: 1.0 is about 0.4 µs): reading the next entry of an index range; one b-tree probe (an
#: index look-up, or inserting into / testing a list built for the query); a probe that
#: also reads a table row (field_value, message); reading a customer row. A customer row
#: costs about 0.5 µs when its page is in the cache and several times more when the page
#: must be read and decrypted, which is what happens once the rows a count touches
#: (scattered over the whole table) outgrow the page cache: priced in between, so that
#: lists from indexes are preferred to reading many rows.
_SCAN, _PROBE, _PROBE_ROW, _CUSTOMER_ROW = 0.1, 1.0, 2.0, 4.0


@dataclass(frozen=True)
class _Part:
    pred: str = ""
    row: bool = False
    source: str | None = None
    #: Size of ``source``'s result (estimated); the whole book when there is no source.
    est: float = 0.0
    #: Cost to produce ``source``, and to test ``pred`` on one customer.
    build: float = 0.0
    probe: float = _PROBE
    #: An exact complement with a source, when it is cheaper to exclude than to include.
    comp: _Part | None = None
    #: ``source`` comes from an index already in id order (a tag's customers): two such
    #: lists intersect by merging, cheaper than testing one's customers one by one.
    ordered: bool = False
    #: For a group: its parts, combined with ``op``.
    kids: tuple[_Part, ...] | None = None
    op: str = AND
    #: For a negation: the part it excludes.
    anti: _Part | None = None


def _leaf(pred: str, row: bool, source: str | None, est: float, *,
          build: float | None = None, probe: float | None = None,
          comp: _Part | None = None, ordered: bool = False) -> _Part:
    return _Part(pred=pred, row=row, source=source, est=est,
                 build=_SCAN * est if build is None else build,
                 probe=probe if probe is not None else _CUSTOMER_ROW if row else _PROBE,
                 comp=comp, ordered=ordered)


def _not(part: _Part, total: float) -> _Part:
    return _Part(anti=part, est=total, build=_SCAN * total + _choose(part, total)[0])


def _choose(part: _Part, candidates: float) -> tuple[float, str, bool]:
    """(cost, SQL, reads the row) of the cheapest way to test ``part`` on ``candidates``."""
    if part.kids is not None:
        if not part.kids:
            return 0.0, ("1" if part.op == AND else "0"), False
        chosen = [_choose(k, candidates) for k in part.kids]
        joiner = " AND " if part.op == AND else " OR "
        return (sum(c[0] for c in chosen), "(" + joiner.join(c[1] for c in chosen) + ")",
                any(c[2] for c in chosen))
    if part.anti is not None:
        cost, inner, row = _choose(part.anti, candidates)
        # coalesce: a test on a customer column is NULL where the column is (never
        # followed, no birthday); "not" must then be true, not NULL.
        return cost, f"NOT coalesce(({inner}), 0)", row
    options = [(candidates * part.probe, part.pred, part.row)]
    # A list costs building (reading and inserting each id) and a probe per candidate.
    if part.source is not None:
        options.append((part.build + (part.est + candidates) * _PROBE,
                        f"c.id IN ({part.source})", False))
    comp = part.comp
    if comp is not None and comp.source is not None:
        options.append((comp.build + (comp.est + candidates) * _PROBE,
                        f"c.id NOT IN ({comp.source})", False))
    return min(options, key=lambda o: o[0])


def _render(part: _Part, candidates: float) -> tuple[str, bool]:
    """``part`` as a predicate for ``candidates`` customers: (SQL, reads the row)."""
    _cost, sql, row = _choose(part, candidates)
    return sql, row


def _filtered(source: str, rest: list[_Part], candidates: float) -> str:
    """The ids of ``source`` that also satisfy every part of ``rest``."""
    if not rest:
        return source
    rendered = [_render(p, candidates) for p in rest]
    preds = " AND ".join(r[0] for r in rendered)
    if any(r[1] for r in rendered):
        return (f"SELECT c.id AS id FROM ({source}) AS sel "
                f"CROSS JOIN customer c ON c.id = sel.id WHERE {preds}")
    # Only the id is needed: the customer row (and its encrypted page) is not read.
    return f"SELECT c.id AS id FROM ({source}) AS c WHERE {preds}"


def _flatten(group: Group) -> list[Condition]:
    """Items of ``group`` with nested groups of the same operator merged into it."""
    out: list[Condition] = []
    for item in group.items:
        if isinstance(item, Group) and item.op == group.op:
            out += _flatten(item)
        else:
            out.append(item)
    return out


class _Clock:
    """Local days: "today", "this month", and where a local day starts in UTC."""

    def __init__(self, now: dt.datetime | None) -> None:
        if now is None or now.tzinfo is None:
            now = (now or dt.datetime.now()).astimezone()  # naive: the computer's local time
        self.tz = now.tzinfo
        self.now = now
        self.today = now.date()

    def day_start(self, day: dt.date) -> dt.datetime:
        """When the local ``day`` starts, as an aware datetime."""
        return dt.datetime.combine(day, dt.time(), tzinfo=self.tz)

    def day_start_utc_text(self, day: dt.date) -> str:
        """As the book stores LINE times (naive UTC text), comparable with them as text."""
        return self.day_start(day).astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")

    def day_start_ms(self, day: dt.date) -> int:
        return int(self.day_start(day).timestamp() * 1000)


class _Compiler:
    def __init__(self, facts: _BookFacts, clock: _Clock, prefix: str) -> None:
        self.facts = facts
        self.clock = clock
        self.prefix = prefix
        self.params: dict[str, Any] = {}
        self.total = float(max(1, facts.customers))

    def bind(self, value: Any) -> str:
        name = f"{self.prefix}{len(self.params)}"
        self.params[name] = value
        return ":" + name

    def binds(self, values: tuple[Any, ...] | list[Any]) -> str:
        return ", ".join(self.bind(v) for v in values)

    # --- groups ---------------------------------------------------------------------------

    def node(self, node: Condition) -> _Part:
        if isinstance(node, Group):
            parts = [self.node(item) for item in _flatten(node)]
            return self.all_of(parts) if node.op == AND else self.any_of(parts)
        if isinstance(node, TagCondition):
            return self.tags(node)
        if isinstance(node, FieldCondition):
            return self.field(node)
        if isinstance(node, FollowedCondition):
            return self.followed(node)
        if isinstance(node, BirthdayCondition):
            month = self.bind(f"{node.month or self.clock.today.month:02d}")
            # The list reads the whole birthday index (every month).
            return _leaf(f"substr(c.birthday, 6, 2) = {month}", True,
                         "SELECT id FROM customer WHERE birthday IS NOT NULL "
                         f"AND substr(birthday, 6, 2) = {month}", self.total / 12,
                         build=_SCAN * self.total * 0.6)
        if isinstance(node, LineCondition):
            return self.line(node.on_line)
        if isinstance(node, LastMessageCondition):
            return self.last_message(node)
        if isinstance(node, PrefectureCondition):
            return self.prefecture(node)
        if isinstance(node, ConsentCondition):
            least = self.bind(int(node.min_version))
            if node.older_only:  # agreed, but never to version ``least`` or later
                return _leaf(
                    "EXISTS (SELECT 1 FROM privacy_consent pc WHERE pc.customer_id = c.id) "
                    "AND NOT EXISTS (SELECT 1 FROM privacy_consent pc WHERE "
                    f"pc.customer_id = c.id AND pc.version >= {least})", False,
                    "SELECT customer_id AS id FROM privacy_consent GROUP BY customer_id "
                    f"HAVING max(version) < {least}", self.total * 0.1)
            return _leaf("EXISTS (SELECT 1 FROM privacy_consent pc WHERE pc.customer_id = c.id "
                         f"AND pc.version >= {least})", False,
                         "SELECT DISTINCT customer_id AS id FROM privacy_consent "
                         f"WHERE version >= {least}", self.total * 0.3)
        raise _fail((), _MSG_MALFORMED)

    def line(self, on_line: bool, complement: bool = True) -> _Part:
        test = "IS NOT NULL" if on_line else "IS NULL"
        return _leaf(f"c.line_user_id {test}", True,
                     f"SELECT id FROM customer WHERE line_user_id {test}",
                     self.total * (0.8 if on_line else 0.2),
                     comp=self.line(not on_line, False) if complement else None)

    def all_of(self, parts: list[_Part]) -> _Part:
        if len(parts) == 1:
            return parts[0]
        ordered = [p for p in parts if p.ordered]
        if len(ordered) > 1:
            # Several tags' lists: intersect them first (the rest is tested on fewer).
            est = max(1.0, math.prod(p.est for p in ordered) / self.total ** (len(ordered) - 1))
            merged = _Part(kids=tuple(ordered), op=AND, est=est,
                           build=sum(p.build for p in ordered),
                           source=" INTERSECT ".join(f"SELECT id FROM ({p.source})"
                                                     for p in ordered))
            parts = [merged, *(p for p in parts if not p.ordered)]
            if len(parts) == 1:
                return merged
        sourced = [p for p in parts if p.source is not None]
        if not sourced:
            return self.scan(parts, AND)
        # Start from the cheapest source and test the rest on its candidates.
        best = min(sourced, key=lambda p: (p.build + p.est, p.est))
        rest = [p for p in parts if p is not best]
        build = best.build + sum(_choose(p, best.est)[0] for p in rest)
        return _Part(kids=tuple(parts), op=AND, est=best.est, build=build,
                     source=_filtered(best.source, rest, best.est))  # type: ignore[arg-type]

    def any_of(self, parts: list[_Part]) -> _Part:
        if not parts:
            return _Part(kids=(), op=OR, source="SELECT id FROM customer WHERE 0", est=0)
        if len(parts) == 1:
            return parts[0]
        if all(p.source is not None for p in parts):
            # UNION ALL, then DISTINCT: a plain UNION merges its arms in id order, and
            # SQLite (without statistics) may then read a whole table in id order for an
            # arm rather than a few index entries and a sort.
            source = "SELECT DISTINCT id FROM (" + " UNION ALL ".join(
                f"SELECT id FROM ({p.source})" for p in parts) + ")"
            est = min(self.total, sum(p.est for p in parts))
            return _Part(kids=tuple(parts), op=OR, source=source, est=est,
                         build=sum(p.build for p in parts) + _PROBE * est)
        return self.scan(parts, OR)

    def scan(self, parts: list[_Part], op: str) -> _Part:
        """A group no index can list: every customer is tested (its cost says so)."""
        return _Part(kids=tuple(parts), op=op, est=self.total,
                     build=_SCAN * self.total + sum(_choose(p, self.total)[0] for p in parts))

    def exact(self, part: _Part) -> str:
        """A SELECT of exactly the ids ``part`` matches."""
        if part.source is not None:
            return part.source
        pred, _row = _render(part, self.total)
        return f"{_ALL} WHERE {pred}"

    # --- conditions -------------------------------------------------------------------------

    def tags(self, node: TagCondition) -> _Part:
        counts = self.facts.tag_counts
        if node.match == "all":
            marks = [self.bind(t) for t in node.tag_ids]
            pred = " AND ".join(
                "EXISTS (SELECT 1 FROM customer_tag t WHERE t.customer_id = c.id "
                f"AND t.tag_id = {m})" for m in marks)
            source = " INTERSECT ".join(
                f"SELECT customer_id AS id FROM customer_tag WHERE tag_id = {m}"
                for m in marks)
            return _leaf(f"({pred})", False, source,
                         min(counts.get(t, 0) for t in node.tag_ids), ordered=True)
        if len(node.tag_ids) == 1 and node.match == "any":
            mark = self.bind(node.tag_ids[0])
            return _leaf("EXISTS (SELECT 1 FROM customer_tag t WHERE t.customer_id = c.id "
                         f"AND t.tag_id = {mark})", False,
                         f"SELECT customer_id AS id FROM customer_tag WHERE tag_id = {mark}",
                         counts.get(node.tag_ids[0], 0), ordered=True)
        marks_text = self.binds(node.tag_ids)
        est = min(self.total, sum(counts.get(t, 0) for t in node.tag_ids))
        tagged = _leaf("EXISTS (SELECT 1 FROM customer_tag t WHERE t.customer_id = c.id "
                       f"AND t.tag_id IN ({marks_text}))", False,
                       "SELECT DISTINCT customer_id AS id FROM customer_tag "
                       f"WHERE tag_id IN ({marks_text})", est,
                       # Several tags: their ids are sorted together to drop repeats.
                       build=est * (_SCAN + (_PROBE if len(node.tag_ids) > 1 else 0)))
        return _not(tagged, self.total) if node.match == "none" else tagged

    def field(self, node: FieldCondition) -> _Part:
        info = self.facts.fields[node.field_id]
        fid = self.bind(node.field_id)
        if info.type in (FieldType.IMAGE, FieldType.FILE):
            attached = _leaf("EXISTS (SELECT 1 FROM attachment a WHERE a.customer_id = c.id "
                             f"AND a.field_id = {fid})", False,
                             "SELECT DISTINCT a.customer_id AS id FROM attachment a "
                             f"WHERE a.field_id = {fid}", self.total * 0.05,
                             build=_PROBE_ROW * self.total * 0.1)
            return _not(attached, self.total) if node.op == "empty" else attached

        def values(test: str, share: float, scan: float | None = None) -> _Part:
            # A value's row is read to learn its customer (or to test it): a list costs
            # a row per value it reads, ``scan`` of the book when no index narrows it.
            est = self.total * share
            return _leaf("EXISTS (SELECT 1 FROM field_value v WHERE v.customer_id = c.id "
                         f"AND v.field_id = {fid} AND {test})", False,
                         "SELECT v.customer_id AS id FROM field_value v "
                         f"WHERE v.field_id = {fid} AND {test}", est,
                         build=_PROBE_ROW * self.total * (share if scan is None else scan),
                         probe=_PROBE_ROW)

        has = values(_HAS_VALUE[info.type], 0.6)
        if node.op == "not_empty":
            return has
        if node.op == "empty":
            return _not(has, self.total)
        op, value = node.op, node.value
        if info.type in (FieldType.NUMBER, FieldType.POINTS):
            if op == "between":
                test = f"v.num_value BETWEEN {self.bind(value[0])} AND {self.bind(value[1])}"
                holds_zero = value[0] <= 0 <= value[1]
            else:
                sign = {"equals": "=", "gte": ">=", "lte": "<="}[op]
                test = f"v.num_value {sign} {self.bind(value)}"
                holds_zero = {"equals": value == 0, "gte": value <= 0, "lte": value >= 0}[op]
            found = values(test, 0.05 if op == "equals" else 0.3)
            if info.type is FieldType.POINTS and holds_zero:
                # No balance is a balance of 0: those without one match too.
                return self.any_of([found, _not(has, self.total)])
            return found
        if info.type in (FieldType.DATE, FieldType.DATETIME):
            # ISO text sorts as dates do, and a date-time's text starts with its day, so
            # "before the day D" is "< D" and "on or before D" is "< D+1" for both types.
            today = self.clock.today
            ranges: dict[str, Callable[[], tuple[dt.date | None, dt.date | None]]] = {
                "before": lambda: (None, value),
                "after": lambda: (value + dt.timedelta(days=1), None),
                "between": lambda: (value[0], value[1] + dt.timedelta(days=1)),
                "next_days": lambda: (today, today + dt.timedelta(days=value + 1)),
                "last_days": lambda: (today - dt.timedelta(days=value),
                                      today + dt.timedelta(days=1)),
            }
            lo, hi = ranges[op]()
            tests = [f"v.date_value >= {self.bind(lo.isoformat())}" if lo else
                     "v.date_value > ''"]
            if hi:
                tests.append(f"v.date_value < {self.bind(hi.isoformat())}")
            return values(" AND ".join(tests), 0.3)
        if op in ("equals", "contains"):
            needle = self.bind(textnorm.normalize(value))
            test = (f"otokui_textnorm(v.text_value) = {needle}" if op == "equals"
                    else f"instr(otokui_textnorm(v.text_value), {needle}) > 0")
            return values(test, 0.3, scan=0.6)
        marks = self.binds(value)
        if info.type is FieldType.SINGLE_CHOICE:
            return values(f"v.text_value IN ({marks})", 0.3, scan=0.6)
        # Multiple choice: a JSON list of the chosen texts.
        if op == "any_of":
            test = (f"CASE WHEN json_valid(v.text_value) THEN EXISTS (SELECT 1 FROM "
                    f"json_each(v.text_value) j WHERE j.value IN ({marks})) ELSE 0 END")
        else:
            test = (f"CASE WHEN json_valid(v.text_value) THEN (SELECT count(DISTINCT j.value) "
                    f"FROM json_each(v.text_value) j WHERE j.value IN ({marks})) = "
                    f"{self.bind(len(value))} ELSE 0 END")
        return values(test, 0.3, scan=0.6)

    def followed(self, node: FollowedCondition) -> _Part:
        clock = self.clock
        if node.op == "before":
            test = f"< {self.bind(clock.day_start_utc_text(node.value))}"  # type: ignore[arg-type]
            share = 0.5
        elif node.op == "after":
            day = node.value + dt.timedelta(days=1)  # type: ignore[operator]
            test, share = f">= {self.bind(clock.day_start_utc_text(day))}", 0.5
        else:
            day = clock.today - dt.timedelta(days=node.value)  # type: ignore[arg-type]
            test, share = f">= {self.bind(clock.day_start_utc_text(day))}", 0.1
        return _leaf(f"c.followed_at {test}", True,
                     f"SELECT id FROM customer WHERE followed_at {test}", self.total * share)

    def blocked(self) -> _Part:
        """Customers who blocked the shop (an index range; its complement, the rest)."""
        blocked = float(self.facts.blocked)
        return _leaf("c.blocked_at IS NOT NULL", True, _BLOCKED_IDS, blocked,
                     comp=_leaf("c.blocked_at IS NULL", True,
                                "SELECT id FROM customer WHERE blocked_at IS NULL",
                                self.total - blocked))

    def last_message(self, node: LastMessageCondition) -> _Part:
        since = self.bind(self.clock.day_start_ms(
            self.clock.today - dt.timedelta(days=node.days)))
        incoming = self.bind(IN)
        skipped = self.binds(sorted(NOT_COUNTED))
        wrote = (f"m.at_ms >= {since} AND m.direction = {incoming} "
                 f"AND m.type NOT IN ({skipped})")
        # The source starts from the conversation summaries (kept exact by every writer of
        # messages): a customer whose newest message of any kind is older cannot qualify,
        # and one whose newest message is one they wrote does without reading messages.
        return _leaf(
            f"EXISTS (SELECT 1 FROM message m WHERE m.customer_id = c.id AND {wrote})", False,
            f"SELECT cv.customer_id AS id FROM conversation cv WHERE cv.last_at_ms >= {since} "
            f"AND ((cv.last_direction = {incoming} AND cv.last_type NOT IN ({skipped}, "
            f"{self.bind('unsent')})) OR EXISTS (SELECT 1 FROM message m "
            f"WHERE m.customer_id = cv.customer_id AND {wrote}))", self.total * 0.2,
            build=_PROBE_ROW * self.total * 0.2, probe=_PROBE_ROW)

    def prefecture(self, node: PrefectureCondition) -> _Part:
        # The same decision as prefectures.prefecture_of, in SQL where it can be: an
        # address that starts with a prefecture's name (most do) is in that one; only the
        # others are normalised, by the Python function.
        lengths = sorted({len(name) for name in prefectures.PREFECTURES})
        cases = []
        for n in lengths:
            head = f"substr(c.address, 1, {self.bind(n)})"
            every = self.binds([p for p in prefectures.PREFECTURES if len(p) == n])
            wanted = self.binds([p for p in node.prefectures if len(p) == n])
            cases.append(f"WHEN {head} IN ({every}) THEN {head} IN ({wanted})")
        test = (f"(CASE {' '.join(cases)} ELSE otokui_prefecture(c.address) IN "
                f"({self.binds(node.prefectures)}) END)")
        # The search index holds every customer's normalised address, so the customers
        # whose address contains the name are an index look-up; the rest never match.
        phrases = self.bind(" OR ".join(f'"{name}"' for name in node.prefectures))
        est = self.total * 0.05 * len(node.prefectures)
        return _leaf(test, True,
                     "SELECT c.id AS id FROM (SELECT rowid AS id FROM customer_fts "
                     f"WHERE customer_fts MATCH {phrases}) AS f "
                     f"CROSS JOIN customer c ON c.id = f.id WHERE {test}",
                     est, build=_CUSTOMER_ROW * est)


_HAS_VALUE = {
    FieldType.TEXT: "v.text_value <> ''",
    FieldType.LONG_TEXT: "v.text_value <> ''",
    FieldType.SINGLE_CHOICE: "v.text_value <> ''",
    FieldType.MULTI_CHOICE: "v.text_value NOT IN ('', '[]')",
    FieldType.NUMBER: "v.num_value IS NOT NULL",
    FieldType.POINTS: "v.num_value IS NOT NULL",
    FieldType.DATE: "v.date_value > ''",
    FieldType.DATETIME: "v.date_value > ''",
}


@dataclass(frozen=True)
class _Plan:
    """A condition compiled for one query: its SQL variants share the parameters."""

    compiler: _Compiler
    parts: list[_Part]    # the root's conditions, to be ANDed
    blocked: _Part        # customers who blocked the shop

    @property
    def params(self) -> dict[str, Any]:
        return self.compiler.params

    def recipients(self) -> str:
        c = self.compiler
        return c.exact(c.all_of([*self.parts, _not(self.blocked, c.total)]))


    def matched_blocked(self) -> str:
        c = self.compiler
        return c.exact(c.all_of([*self.parts, self.blocked]))

    def recipients_count(self) -> str:
        """count(recipients), in whichever of three ways the cost model finds cheapest.

        * directly: the recipients' ids, counted;
        * by subtraction: count(P) - count(P and (blocked or excluded...)), where P is the
          positive conditions. Excluding (the blocked, "has none of", "is empty") by a test
          per candidate costs per candidate, tens of milliseconds over most of the book;
          this costs about the size of what is excluded, read from its own index;
        * for a root OR, as a sum of disjoint parts: count(A) + count(B and not A) + …,
          cheapest test first, minus the blocked among them: no list of the union's ids
          is built to remove repeats.
        """
        c = self.compiler
        direct = c.all_of([*self.parts, _not(self.blocked, c.total)])
        options = [(direct.build, f"SELECT count(*) FROM ({c.exact(direct)})")]
        positives = [p for p in self.parts if p.anti is None]
        excluded = [p.anti for p in self.parts if p.anti is not None] + [self.blocked]
        if all(p.source is not None for p in excluded):
            whole = c.all_of(positives) if positives else None
            hit = c.all_of([*positives, c.any_of(excluded)])
            counted = (f"SELECT count(*) FROM ({c.exact(whole)})" if whole
                       else "SELECT count(*) FROM customer")
            options.append(((whole.build if whole else 0) + hit.build,
                            f"SELECT ({counted}) - (SELECT count(*) FROM ({c.exact(hit)}))"))
        root = self.parts[0] if len(self.parts) == 1 else None
        if root is not None and root.op == OR and root.kids and len(root.kids) > 1 \
                and all(k.source is not None for k in root.kids):
            kids = sorted(root.kids, key=lambda k: _choose(k, 1.0)[0])
            terms = [c.all_of([kid, *(_not(k, c.total) for k in kids[:i])])
                     for i, kid in enumerate(kids)]
            blocked = c.all_of([root, self.blocked])
            options.append((sum(t.build for t in terms) + blocked.build,
                            "SELECT " + " + ".join(f"(SELECT count(*) FROM ({c.exact(t)}))"
                                                   for t in terms)
                            + f" - (SELECT count(*) FROM ({c.exact(blocked)}))"))
        return min(options, key=lambda o: o[0])[1]
