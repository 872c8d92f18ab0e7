"""`gongfu import`: the figures in the sheets that come back, checked as a whole, as changes.

Two layouts are read:
- long: a header row naming a bus column, an indicator column and a value column, with a date
  column or `--date` (the filled-in template, `export --level readings`);
- wide: a bus column, an indicator column and one column per date (`2024-06-30`, `2024年6月`,
  `2024Q2`, `2024年`…), each non-empty cell a reading.

Reading the sheets gives `Entry`s with their places; planning them against the dataset gives the
`Change`s for `changes.apply`, or every problem at once, each naming its cell, so that nothing is
written from a sheet with a mistake in it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from itertools import islice
from pathlib import Path
from typing import Any, NamedTuple

from gongfu_cli.domain.model import Bus, Dataset, Indicator, Number, Reading
from gongfu_cli.editing.apply import Change, Planner, reading_place
from gongfu_cli.editing.typed import (
    EntryError,
    check_text,
    date_problem,
    fraction_problem,
    parse_number,
    parse_period,
    typed_as_percent,
)
from gongfu_cli.errors import GongfuError
from gongfu_cli.escapes import CONTROL_CHARACTERS, quote, shown_path
from gongfu_cli.i18n import T, joined, said
from gongfu_cli.spreadsheets.read import Percent, Sheet, Uncomputed, Value, column_letter
from gongfu_cli.store.system import LOCK_WAIT
from gongfu_cli.store.validate import did_you_mean, number_problem

HEADER_ROWS = 20  # how far down a sheet its header row may be (an instruction may stand above)

# Column roles and the headers that name them, compared case- and width-insensitively.
ROLES: dict[str, tuple[str, ...]] = {
    "bus_id": ("bus_id", "班车编号"),
    "bus": ("bus", "班车"),
    "indicator_id": ("indicator_id", "指标编号"),
    "indicator": ("indicator", "指标"),
    "date": ("date", "日期"),
    "value": ("value", "数值", "本期数值"),
    "source": ("source", "来源"),
    "note": ("note", "备注"),
    "by": ("by", "填报人"),
    "received": ("received", "收到日期"),  # an export's: known, not read (import sets it)
}
# The line at the top of a sheet saying who filled it in: `填报人 | 张三 | 联系电话 | 0572-…`,
# or `填报人：张三` in one cell.
REPORTER = re.compile(r"^\s*(填报人|联系电话)\s*[:：]?\s*(.*?)\s*$", re.S)


def header_key(text: object) -> str:
    """`Bus_ID`, `ｂｕｓ＿ｉｄ` and ` bus_id ` all read as `bus_id`."""
    return "".join(unicodedata.normalize("NFKC", str(text)).casefold().split())


_ROLE_OF = {header_key(name): role for role, names in ROLES.items() for name in names}


class Entry(NamedTuple):
    """One figure read from a sheet, not yet matched to the data. Its places are spelled out
    only when a message or a change needs them: a sheet of 10,000 figures needs few."""

    bus: str
    indicator: str
    date: date | None  # None: its date cell is wrong (a problem already listed)
    value: Value  # the cell as it was: a number, `Percent`, or text to read with the unit
    source: str | None
    note: str | None
    sheet: Sheet
    row: int  # from 0
    column: int  # the value's column
    order: int = 0  # its place among everything read, so problems are listed in sheet order
    columns: tuple[int, int] = (0, 0)  # the columns of its bus and indicator cells
    named: tuple[str | None, str | None] = (None, None)  # bus and indicator as their name
    # columns give them, when the sheet has both an id and a name column (the template)
    named_columns: tuple[int | None, int | None] = (None, None)
    date_cell: tuple[int, int] | None = None  # row and column of the date (its header, in a
    # wide sheet); None when --date gave it
    by: str | None = None  # who reported it: the row's 填报人, else the sheet's, else --by

    @property
    def place(self) -> str:
        """The value's cell: `FILE:ROW:J` or `FILE:SHEET!J3`."""
        return self.sheet.place(self.row, self.column)

    @property
    def date_place(self) -> str:
        """The cell the date was read from; the value's, when --date gave it."""
        if self.date_cell is None:
            return self.place
        return self.sheet.place(*self.date_cell)

    @property
    def names(self) -> tuple[str, str]:
        """The places of its bus and indicator cells."""
        return self.sheet.place(self.row, self.columns[0]), self.sheet.place(
            self.row, self.columns[1]
        )

    def name_place(self, k: int) -> str:
        column = self.named_columns[k]
        return self.sheet.place(self.row, column)


class Intake(NamedTuple):
    entries: list[Entry]
    problems: list[tuple[int, str]]  # (order, `PLACE: message`), in reading order

    def problem(self, text: str) -> None:
        self.problems.append((len(self.entries) + len(self.problems), text))

    ignored: list[str]  # headers of columns gongfu did not use, each once
    notes: list[str]


class _Layout(NamedTuple):
    header: int  # the header row (from 0)
    columns: dict[str, int]  # role → column
    dates: dict[int, date]  # wide layout: column → its date
    ignored: list[str]
    names: dict[str, int]  # "bus"/"indicator" → its name column, beside an id column

    @property
    def used(self) -> set[int]:
        return set(self.columns.values()) | set(self.dates) | set(self.names.values())


def read_entries(
    sheets: Sequence[Sheet],
    default_date: date | None,
    default_source: str | None,
    default_by: str | None = None,
) -> Intake:
    """Every figure of every sheet, with every problem found in reading them; each sheet's
    rows are read once, as they come."""
    intake = Intake([], [], [], [])
    per_file = Counter(sheet.file for sheet in sheets)
    for sheet in sheets:
        if sheet.note:
            note = T("{place}: {message}", place=shown_path(sheet.file), message=sheet.note)
            intake.notes.append(note)
        # a CSV, or the one sheet of a workbook (or the one --sheet names), must have figures;
        # among several sheets, one without a header (a 说明 sheet) is skipped with a note
        explicit = sheet.name is None or per_file[sheet.file] == 1
        rows = iter(sheet.rows)
        top = list(islice(rows, HEADER_ROWS))
        layout = _layout(sheet, top, rows, intake, explicit)
        if layout is not None:
            _read_sheet(sheet, layout, top, rows, default_date, default_source, intake, default_by)
        for _ in rows:  # the rest of a sheet without figures: read for its notes and limits
            pass
        intake.notes.extend(sheet.notes)
    return intake


def _read_sheet(
    sheet: Sheet,
    layout: _Layout,
    top: list[tuple[int, tuple[Value, ...]]],
    rows: Iterator[tuple[int, tuple[Value, ...]]],
    default_date: date | None,
    default_source: str | None,
    intake: Intake,
    default_by: str | None = None,
) -> None:
    for name in layout.ignored:
        if name not in intake.ignored:
            intake.ignored.append(name)
    if "date" not in layout.columns and not layout.dates and default_date is None:
        intake.problem(
            T(
                "{place}: no date column (日期 or date); give the date of the figures with --date",
                place=sheet.place(layout.header),
            )
        )
        return
    source = default_source or sheet.label
    try:
        by = _reporter(sheet, top, layout.header) or default_by
    except _BadReporter as exc:
        intake.problem(str(exc))
        return
    reading = _Reading(sheet, layout, default_date, source, intake, by)
    for r, row in top:
        if r > layout.header:
            reading.row(r, row)
    for r, row in rows:
        reading.row(r, row)


def _layout(
    sheet: Sheet,
    top: list[tuple[int, tuple[Value, ...]]],
    rest: Iterator[tuple[int, tuple[Value, ...]]],
    intake: Intake,
    explicit: bool,
) -> _Layout | None:
    """The first row naming a bus and an indicator column, read as a long or wide header."""
    for r, row in top:
        roles: dict[str, int] = {}
        seen: dict[str, int] = {}
        for c, cell in enumerate(row):
            role = _ROLE_OF.get(header_key(cell)) if isinstance(cell, str) else None
            if role is None:
                continue
            if role in seen:
                intake.problem(
                    T(
                        "{place}: a second {name} column (the first is column {column}); keep one",
                        place=sheet.place(r, c),
                        name=quote(str(cell)),
                        column=column_letter(seen[role]),
                    )
                )
                return None
            roles[role] = seen[role] = c
        has_bus = "bus_id" in roles or "bus" in roles
        has_indicator = "indicator_id" in roles or "indicator" in roles
        if not (has_bus and has_indicator):
            continue
        columns = {
            "bus": roles.get("bus_id", roles.get("bus")),
            "indicator": roles.get("indicator_id", roles.get("indicator")),
        }
        names: dict[str, int] = {
            k: roles[k] for k in ("bus", "indicator") if k in roles and f"{k}_id" in roles
        }
        columns |= {
            k: v
            for k, v in roles.items()
            if k in ("date", "value", "source", "note", "by", "received")
        }
        dates: dict[int, date] = {}
        if "value" not in columns:
            dates = _date_columns(row, set(roles.values()))
            if not dates:
                intake.problem(
                    T(
                        "{place}: the header has no value column (本期数值, 数值 or value) and "
                        "no date columns (2024-06-30, 2024年6月, 2024Q2…)",
                        place=sheet.place(r),
                    )
                )
                return None
            columns.pop("date", None)
        used = {v for v in columns.values() if v is not None} | set(dates) | set(names.values())
        ignored = [
            str(cell).strip()
            for c, cell in enumerate(row)
            if c not in used and cell is not None and str(cell).strip()
        ]
        return _Layout(
            r, {k: v for k, v in columns.items() if v is not None}, dates, ignored, names
        )
    filled = any(any(_filled(v) for v in row) for _, row in top) or any(
        any(_filled(v) for v in row) for _, row in rest
    )
    if explicit or filled:
        where = sheet.place(0) if sheet.name is None else f"{shown_path(sheet.file)}:{sheet.name}"
        if explicit:
            intake.problem(
                T(
                    "{where}: no header row with a bus column (班车, bus_id) and an indicator "
                    "column (指标, indicator_id) in its first rows",
                    where=where,
                )
            )
        else:
            intake.notes.append(
                T(
                    "{where}: no header row with a bus column (班车, bus_id) and an indicator "
                    "column (指标, indicator_id) in its first rows; sheet skipped",
                    where=where,
                )
            )
    return None


class _BadReporter(ValueError):
    """A 填报人 or 联系电话 that cannot be kept as one line of text."""


def _reporter(sheet: Sheet, top: list[tuple[int, tuple[Value, ...]]], header: int) -> str | None:
    """Who filled in the sheet, from the 填报人 and 联系电话 line above its header (as the
    template has it): `张三（0572-2222222）`, or the name alone; None where nobody is named."""
    found: dict[str, str] = {}
    for r, row in top:
        if r >= header:
            break
        for c, cell in enumerate(row):
            match = (
                REPORTER.match(unicodedata.normalize("NFKC", cell))
                if isinstance(cell, str)
                else None
            )
            if match is None or match[1] in found:
                continue
            given: Value = match[2] or None
            if given is None:  # the value is in the next filled cell to the right
                after = [v for v in row[c + 1 :] if _filled(v)]
                if after and not (isinstance(after[0], str) and REPORTER.match(after[0])):
                    given = after[0]
            if isinstance(given, float) and given.is_integer():
                given = int(given)  # a phone number typed into a number cell
            try:
                text = _checked(given, match[1])
            except EntryError as exc:
                raise _BadReporter(f"{sheet.place(r, c)}: {exc}") from None
            if text:
                found[match[1]] = text
    name = found.get("填报人")
    if name is None:
        return None
    phone = found.get("联系电话")
    return f"{name}（{phone}）" if phone else name


def _date_columns(row: tuple[Value, ...], taken: set[int]) -> dict[int, date]:
    dates = {}
    for c, cell in enumerate(row):
        if c in taken or not _filled(cell):
            continue
        try:
            dates[c] = _as_date(cell)
        except EntryError:
            continue
    return dates


_BREAK = re.compile(r"[\r\n]")


class _Reading:
    """The rows of one sheet after its header, each read into entries or problems."""

    def __init__(
        self,
        sheet: Sheet,
        layout: _Layout,
        default_date: date | None,
        source: str,
        intake: Intake,
        by: str | None = None,
    ) -> None:
        self.sheet, self.layout, self.intake = sheet, layout, intake
        self.default_date, self.source, self.by = default_date, source, by
        self.strings: dict[str, str] = {}  # one copy of each bus, indicator and source text
        self.dates: dict[Value, date] = {}

    def row(self, r: int, row: tuple[Value, ...]) -> None:
        sheet, layout, intake = self.sheet, self.layout, self.intake

        def cell(role: str) -> Value:
            c = layout.columns.get(role)
            return row[c] if c is not None and c < len(row) else None

        if r in sheet.spans and self._stray_quote(r, row):
            return
        if layout.dates:
            figures = [
                (c, day) for c, day in layout.dates.items() if c < len(row) and _filled(row[c])
            ]
        else:
            c = layout.columns["value"]
            figures = [(c, None)] if c < len(row) and _filled(row[c]) else []  # type: ignore[list-item]
        if not figures:
            return  # an empty row, or an indicator not reported this time
        uncomputed = False
        for c in sorted(layout.used):
            value = row[c] if c < len(row) else None
            if isinstance(value, Uncomputed):
                intake.problem(
                    T(
                        "{place}: a formula ({formula}) saved without its value; open and save "
                        "it in Excel or WPS, then import it",
                        place=sheet.place(r, c),
                        formula=quote(str(value)),
                    )
                )
                uncomputed = True
        if uncomputed:
            return
        # every problem of the row is listed; a row with one is still read for the others
        bus, indicator = self._text(cell("bus")), self._text(cell("indicator"))
        if bus is None:
            intake.problem(T("{place}: no bus given", place=sheet.place(r, layout.columns["bus"])))
        if indicator is None:
            place = sheet.place(r, layout.columns["indicator"])
            intake.problem(T("{place}: no indicator given", place=place))
        texts: dict[str, str | None] = {}
        for role in ("source", "note", "by"):
            try:
                texts[role] = _checked(cell(role), role)
            except EntryError as exc:
                place = sheet.place(r, layout.columns.get(role))
                intake.problem(T("{place}: {message}", place=place, message=exc.text))
                texts[role] = None
        row_source = self._shared(texts["source"]) if texts["source"] else self.source
        named = tuple(
            self._text(row[c]) if c is not None and c < len(row) else None
            for c in (layout.names.get("bus"), layout.names.get("indicator"))
        )
        for c, day in figures:
            if day is None:
                day = self._date(r, cell("date"))
                date_column = layout.columns.get("date")
                date_cell = (r, date_column) if date_column is not None else None
            else:
                date_cell = (layout.header, c)
            if bus is None or indicator is None:
                continue  # its value is read with the indicator's unit: nothing to read it with
            intake.entries.append(
                Entry(
                    bus,
                    indicator,
                    day,
                    row[c],
                    row_source,
                    texts["note"],
                    sheet,
                    r,
                    c,
                    len(intake.entries) + len(intake.problems),
                    (layout.columns["bus"], layout.columns["indicator"]),
                    named,  # type: ignore[arg-type]
                    (layout.names.get("bus"), layout.names.get("indicator")),
                    date_cell,
                    texts["by"] or self.by,
                )
            )

    def _date(self, r: int, raw: Value) -> date | None:
        if _filled(raw):
            try:
                found = self.dates.get(raw) if not isinstance(raw, float) else None
                if found is None:
                    found = _as_date(raw)
                    if isinstance(raw, str):
                        self.dates[raw] = found
                return found
            except EntryError as exc:
                place = self.sheet.place(r, self.layout.columns["date"])
                self.intake.problem(T("{place}: {message}", place=place, message=exc.text))
                return None
        if self.default_date is not None:
            return self.default_date
        where = self.sheet.place(r, self.layout.columns.get("date"))
        self.intake.problem(T("{where}: no date; fill it in, or give --date", where=where))
        return None

    def _stray_quote(self, r: int, row: tuple[Value, ...]) -> bool:
        """A CSV row that spans lines: fine when a line break is in a cell gongfu does not
        read and nothing in it reads as a row; else a quote was opened and never closed on
        its line, and every line up to the next quote was swallowed into one cell."""
        sheet, layout = self.sheet, self.layout
        used = layout.used
        delimiter = sheet.delimiter or ","
        row_width = max(used)
        for c, value in enumerate(row):
            if not isinstance(value, str) or not _BREAK.search(value):
                continue
            swallowed = any(line.count(delimiter) >= row_width for line in value.splitlines()[1:])
            if c in used or swallowed:
                self.intake.problem(
                    T(
                        '{place}: a quote (") opens the cell in column {column} and does not '
                        "close on this line, so lines {first}–{last} read as one cell; remove "
                        "the stray quote or close it",
                        place=sheet.place(r),
                        column=column_letter(c),
                        first=sheet.line(r),
                        last=sheet.spans[r],
                    )
                )
                return True
        return False

    def _text(self, value: Value) -> str | None:
        text = _text(value)
        return self._shared(text) if text is not None else None

    def _shared(self, text: str) -> str:
        return self.strings.setdefault(text, text)


def _filled(value: Value) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _text(value: Value) -> str | None:
    if not _filled(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # an id typed as 12 and stored as 12.0
    return unicodedata.normalize("NFC", str(value).strip())


def _checked(value: Value, what: str) -> str | None:
    """A source or note as text on one line: a line break or control character in it would
    reach every output and every terminal that shows it."""
    text = _text(value)
    if text is None:
        return None
    bad = next((ch for ch in text if ch in CONTROL_CHARACTERS), None)
    if bad is not None:
        kind = T("a line break") if bad in "\r\n" else T("a control character")
        raise EntryError(
            T(
                "the {what} holds {kind} ({code}); keep it on one line, as plain text",
                what=what,
                kind=kind,
                code="U+" + format(ord(bad), "04X"),
            )
        )
    return check_text(text, what)


def _as_date(value: Value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise EntryError(T("{value} is not a date", value=quote(str(value))))
    if isinstance(value, int | float):
        return parse_period(str(int(value)))
    return parse_period(str(value))


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
    from gongfu_cli.spreadsheets.read import Budget, read_sheets

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
