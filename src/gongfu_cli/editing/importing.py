"""`gongfu import`: the figures in the sheets that come back, checked as a whole, as changes.

Reading the sheets (`import_layouts`: the long and wide layouts) gives `Entry`s with their
places; planning them against the dataset here gives the `Change`s for `apply`, or every
problem at once, each naming its cell, so that nothing is written from a sheet with a mistake
in it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple

from gongfu_cli.domain.model import Bus, Dataset, Indicator, Number, Reading
from gongfu_cli.editing.apply import Change, Planner, reading_place
from gongfu_cli.editing.import_layouts import Entry, header_key, read_entries
from gongfu_cli.editing.typed import (
    EntryError,
    check_text,
    date_problem,
    fraction_problem,
    parse_number,
    typed_as_percent,
)
from gongfu_cli.errors import GongfuError
from gongfu_cli.escapes import quote
from gongfu_cli.i18n import T, joined, said
from gongfu_cli.spreadsheets.sheet import Percent, Sheet, Value
from gongfu_cli.store.system import LOCK_WAIT
from gongfu_cli.store.validate import did_you_mean, number_problem

# ---------------------------------------------------------------------------------------------
# Planning against the data


class Problems(GongfuError):
    """Every problem of an import, one `PLACE: message` line each."""

    def __init__(self, problems: Sequence[str]) -> None:
        count = len(problems)
        shown: list[str] = list(problems[:MAX_PROBLEMS])
        if count > MAX_PROBLEMS:
            shown.append(T("… and {count} more", count=format(count - MAX_PROBLEMS, ",")))
        tail = (
            T("{count} problem in the input; nothing was imported", count="1")
            if count == 1
            else T("{count} problems in the input; nothing was imported", count=format(count, ","))
        )
        self.texts = [*shown, tail]
        super().__init__("\n".join(self.texts))

    def lines(self) -> list[str]:
        return [said(text) for text in self.texts]


MAX_PROBLEMS = 50  # listed; the rest are counted


def planner(
    entries: Sequence[Entry],
    replace: bool,
    today: date,
    earlier: Sequence[tuple[int, str]],
    as_typed: bool = False,
) -> Planner:
    """The planner `changes.apply` calls with the data as it is (under the lock)."""

    def plan(dataset: Dataset) -> list[Change]:
        return plan_changes(dataset, entries, replace, today, earlier, as_typed)

    return plan


def plan_changes(
    dataset: Dataset,
    entries: Sequence[Entry],
    replace: bool,
    today: date,
    earlier: Sequence[tuple[int, str]] = (),
    as_typed: bool = False,
) -> list[Change]:
    """One change per entry (`add`, `replace` or `same`), or `Problems` listing every mistake
    (with those found `earlier`, in reading the sheets), in the order of the sheets.
    `as_typed` takes a fraction on a % indicator as typed (`entry.fraction_problem`)."""
    found: list[tuple[int, str]] = list(earlier)
    changes: list[Change] = []
    matcher = _Matcher(dataset)
    seen: dict[tuple[str, str, date], str] = {}
    for entry in entries:
        result = _plan_entry(entry, matcher, seen, replace, today, as_typed)
        if isinstance(result, Change):
            changes.append(result)
        else:
            found += (
                (entry.order, T("{place}: {message}", place=place, message=message))
                for place, message in result
            )
    if found:
        raise Problems([text for _, text in sorted(found, key=lambda p: p[0])])
    return changes


class _Matcher:
    """Buses, indicators and existing readings looked up once per distinct name: a sheet of
    10,000 rows names a few dozen indicators."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.buses: dict[str, Bus | str] = {}
        self.indicators: dict[tuple[str, str], Indicator | str] = {}
        self.readings: dict[tuple[str, str], dict[date, Reading]] = {}

    def bus(self, query: str) -> Bus | str:
        found = self.buses.get(query)
        if found is None:
            found = self.buses[query] = _match(self.dataset.buses, query, "bus")
        return found

    def indicator(self, bus: Bus, query: str) -> Indicator | str:
        found = self.indicators.get((bus.id, query))
        if found is None:
            found = _match(bus.indicators, query, "indicator")
            if isinstance(found, str):
                found = T("bus {bus}: {message}", bus=quote(bus.id), message=found)
            self.indicators[(bus.id, query)] = found
        return found

    def reading(self, bus: Bus, indicator: Indicator, day: date) -> Reading | None:
        by_date = self.readings.get((bus.id, indicator.id))
        if by_date is None:
            by_date = {r.date: r for r in indicator.readings}
            self.readings[(bus.id, indicator.id)] = by_date
        return by_date.get(day)


class _Problem(NamedTuple):
    place: str  # the cell at fault: the value's, the date's, the bus's or indicator's
    message: str


def _plan_entry(
    entry: Entry,
    matcher: _Matcher,
    seen: dict[tuple[str, str, date], str],
    replace: bool,
    today: date,
    as_typed: bool = False,
) -> Change | list[_Problem]:
    """The change one figure makes, or everything wrong with it, each with the cell at fault:
    a row is corrected once, not once per mistake."""
    problems: list[_Problem] = []
    day = entry.date
    bus = matcher.bus(entry.bus)
    indicator: Indicator | str = ""
    if isinstance(bus, str):
        problems.append(_Problem(entry.names[0], bus))
    else:
        if entry.named[0] is not None:
            wrong = _disagreement(entry, 0, bus, matcher.bus(entry.named[0]))
            if wrong is not None:
                problems.append(wrong)
        indicator = matcher.indicator(bus, entry.indicator)
        if isinstance(indicator, str):
            problems.append(_Problem(entry.names[1], indicator))
        elif entry.named[1] is not None:
            wrong = _disagreement(entry, 1, indicator, matcher.indicator(bus, entry.named[1]))
            if wrong is not None:
                problems.append(wrong)
    if isinstance(bus, str) or isinstance(indicator, str):
        if day is not None and day > today:
            what = _what(quote(entry.bus), quote(entry.indicator), day)
            problems.append(_Problem(entry.date_place, _future(what, today)))
        return problems
    what = _what(quote(bus.id), quote(indicator.id), day)
    if day is not None:
        key = (bus.id, indicator.id, day)
        if key in seen:
            problems.append(
                _Problem(
                    entry.place,
                    T(
                        "{what}: given twice in the input (also at {place})",
                        what=what,
                        place=seen[key],
                    ),
                )
            )
        else:
            seen[key] = entry.place
    value: Number | None = None
    try:
        value = _number(entry.value, indicator.unit)
    except EntryError as exc:
        problems.append(_Problem(entry.place, exc.text))
    if day is not None:
        if day > today:
            problems.append(_Problem(entry.date_place, _future(what, today)))
        problem = date_problem(indicator, day)
        if problem is not None:
            problems.append(_Problem(entry.date_place, T("{what}: {message}", what=what,
                                                         message=problem)))  # fmt: skip
        if value is not None and not as_typed and not _shown_as_percent(entry.value):
            problem = fraction_problem(indicator, day, value)
            if problem is not None:
                message = T("{what}: {message}", what=what, message=problem)
                problems.append(_Problem(entry.place, message))
    if problems or day is None or value is None:
        return problems
    old = matcher.reading(bus, indicator, day)
    args = (bus, indicator, day, value, entry.source, entry.note)
    if old is None:  # noted with who reported it and the day it came in
        return Change("add", *args, origin=entry.place, by=entry.by, received=today)
    if old.value == value:
        return Change("same", *args, old=old, origin=entry.place)
    if replace:
        return Change("replace", *args, old=old, origin=entry.place, by=entry.by, received=today)
    message = T(
        "{what}: {value} differs from the reading already there ({old}, at {place}); to "
        "replace it, import with --replace",
        what=what,
        value=value,
        old=old.value,
        place=reading_place(old),
    )
    return [_Problem(entry.place, message)]


def _future(what: str, today: date) -> str:
    return T("{what}: the date is in the future (today is {today})", what=what, today=str(today))


def _what(bus: str, indicator: str, day: date | None) -> str:
    """How a figure is named in its problems: bus · indicator on date."""
    return T("{bus} · {indicator} on {date}", bus=bus, indicator=indicator, date=str(day))


def _disagreement(
    entry: Entry, k: int, item: Bus | Indicator, other: Bus | Indicator | str
) -> _Problem | None:
    """A row whose name cell names another bus or indicator than its id cell: the figure
    would land where the id says, not where the person typing it looked."""
    named = entry.named[k] or ""
    if other is item or header_key(named) in (header_key(item.id), header_key(item.name)):
        return None
    found = T(" (that is {id})", id=quote(other.id)) if not isinstance(other, str) else ""
    values = {"named": quote(named), "found": found, "id": quote(item.id),
              "name": quote(item.name), "place": entry.names[k]}  # fmt: skip
    if k == 0:
        text = T("the bus {named}{found} disagrees with the bus_id {id} ({name}) at {place}; "
                 "correct one of them", **values)  # fmt: skip
    else:
        text = T("the indicator {named}{found} disagrees with the indicator_id {id} ({name}) "
                 "at {place}; correct one of them", **values)  # fmt: skip
    return _Problem(entry.name_place(k), text)


def _match(items: Sequence[Any], query: str, kind: str) -> Any:
    """The bus or indicator a cell names, by the rule `record` uses; else what is wrong."""
    from gongfu_cli.domain.matching import id_and_name, matching

    found = matching(items, query, id_and_name)
    if len(found) == 1:
        return found[0]
    if found:
        names = ", ".join(quote(i.id) for i in found)
        if kind == "bus":
            return T("{query} matches several buses: {names}", query=quote(query), names=names)
        return T("{query} matches several indicators: {names}", query=quote(query), names=names)
    hint = did_you_mean(query, [i.id for i in items] + [i.name for i in items])
    if kind == "bus":
        return T("no bus matches {query}{hint}", query=quote(query), hint=hint)
    return T("no indicator matches {query}{hint}", query=quote(query), hint=hint)


def _shown_as_percent(value: Value) -> bool:
    """A cell formatted as a percentage, or text with its % sign: the percent was meant."""
    if isinstance(value, Percent):
        return True
    return isinstance(value, str) and typed_as_percent(value)


def _number(value: Value, unit: str) -> Number:
    if isinstance(value, Percent):
        if unit.strip() != "%":
            raise EntryError(
                T(
                    "{value} shown as a percentage, but the indicator's unit is {unit}; enter "
                    "the number itself",
                    value=format(float(value), ".4g"),
                    unit=quote(unit) if unit else T("not %"),
                )
            )
        scaled = round(float(value) * 100, 9)
        return int(scaled) if scaled.is_integer() else scaled
    if isinstance(value, bool):
        raise EntryError(T("{value} is not a number", value=quote(str(value).upper())))
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise EntryError(T("{value} is not a finite number", value=value))
        problem = number_problem(value)
        if problem:
            raise EntryError(problem)
        return value
    if isinstance(value, date | datetime):
        raise EntryError(T("{value} is a date, not a number", value=value.strftime("%Y-%m-%d")))
    return parse_number(str(value), unit)


# ---------------------------------------------------------------------------------------------
# The whole import


class Imported(NamedTuple):
    changes: tuple[Change, ...]
    files: tuple[str, ...]  # the data files that change (or would)
    written: bool
    ignored: list[str]
    notes: list[str]
    warnings: list[str]  # what `check` says of the new figures, each with its cell
    dataset: Dataset | None = None  # as it stands with the figures (or would, in a dry run)


def import_sheets(
    data: Path,
    paths: Sequence[Path],
    sheet: str | None = None,
    default_date: date | None = None,
    source: str | None = None,
    replace: bool = False,
    dry_run: bool = False,
    today: date | None = None,
    on_wait: Callable[[], None] | None = None,
    on_retry: Callable[[], None] | None = None,
    wait: float = LOCK_WAIT,
    include_hidden: bool = False,
    by: str | None = None,
    as_typed: bool = False,
) -> Imported:
    """Read every sheet, check every figure against the data, and write them all or none."""
    from gongfu_cli.editing.apply import apply
    from gongfu_cli.spreadsheets.read import read_sheets
    from gongfu_cli.spreadsheets.sheet import Budget

    today = today or date.today()
    if default_date is not None and default_date > today:
        raise GongfuError(
            T(
                "--date {date} is in the future (today is {today})",
                date=str(default_date),
                today=str(today),
            )
        )
    if source is not None:
        source = check_text(source, "--source")
    if by is not None:
        by = check_text(by, "--by")
    budget = Budget()
    sheets: list[Sheet] = []
    skipped: list[str] = []
    try:
        for path in paths:
            found, notes = read_sheets(path, sheet, budget, include_hidden)
            sheets += found
            skipped += notes
        intake = read_entries(sheets, default_date, source, by)
    except MemoryError:
        raise GongfuError(
            T(
                "the sheets are too large to read in the memory there is; import them a few at a "
                "time"
            )
        ) from None
    intake.notes[:0] = skipped
    if not intake.entries and intake.problems:
        raise Problems([text for _, text in intake.problems])
    if not intake.entries:
        raise GongfuError(
            T(
                "no figures found: every value cell is empty ({notes})",
                notes=joined(intake.notes, "; "),
            )
            if intake.notes
            else T("no figures found: every value cell is empty")
        )
    plan = planner(intake.entries, replace, today, intake.problems, as_typed)
    try:
        applied = apply(data, plan, dry_run, on_wait, on_retry, wait)
        warnings = _warnings(applied.dataset, applied.changes, today)
    except MemoryError:
        raise GongfuError(
            T(
                "the data and the sheets are too large to check in the memory there is; import "
                "the sheets a few at a time"
            )
        ) from None
    return Imported(applied.changes, applied.files, applied.written, intake.ignored,
                    intake.notes, warnings, applied.dataset)  # fmt: skip


def _warnings(dataset: Dataset, changes: Sequence[Change], today: date) -> list[str]:
    """What `check` says of each figure added or replaced, once per indicator's readings."""
    from gongfu_cli.store.check import dated_warnings

    wanted: dict[tuple[str, str], dict[date, str]] = {}
    for change in changes:
        if change.action in ("add", "replace"):
            wanted.setdefault((change.bus.id, change.indicator.id), {})[change.date] = change.origin
    out: list[str] = []
    for bus in dataset.buses:
        for indicator in bus.indicators:
            origins = wanted.get((bus.id, indicator.id))
            if origins:
                for day, message in dated_warnings(indicator, set(origins), today):
                    out.append(T("{place}: {message}", place=origins[day], message=message))
    return out


SUMMARY_COLUMNS = ("bus_id", "bus", "added", "present", "replaced")
CHANGE_COLUMNS = (
    "action",
    "bus_id",
    "bus",
    "indicator_id",
    "indicator",
    "date",
    "value",
    "old",
    "unit",
    "origin",
)


def summary_rows(changes: Sequence[Change]) -> list[dict[str, object]]:
    """Per bus, in the order the sheets name them: added, already present, replaced."""
    counts: dict[str, dict[str, object]] = {}
    for change in changes:
        row = counts.setdefault(
            change.bus.id,
            {
                "bus_id": change.bus.id,
                "bus": change.bus.name,
                "added": 0,
                "present": 0,
                "replaced": 0,
            },
        )
        column = {"add": "added", "same": "present", "replace": "replaced"}[change.action]
        row[column] = int(row[column]) + 1  # type: ignore[call-overload]
    return list(counts.values())


def totals(changes: Sequence[Change]) -> dict[str, int]:
    return {
        "added": sum(c.action == "add" for c in changes),
        "present": sum(c.action == "same" for c in changes),
        "replaced": sum(c.action == "replace" for c in changes),
    }


def change_rows(changes: Sequence[Change]) -> list[dict[str, object]]:
    """Each reading that is added or replaced, with where it came from."""
    return [
        {
            "action": c.action,
            "bus_id": c.bus.id,
            "bus": c.bus.name,
            "indicator_id": c.indicator.id,
            "indicator": c.indicator.name,
            "date": c.date,
            "value": c.value,
            "old": c.old.value if c.old is not None else None,
            "unit": c.indicator.unit,
            "origin": c.origin,
        }
        for c in changes
        if c.action in ("add", "replace")
    ]
