"""Reading figures out of the sheets that come back: the header row and its columns (compared
case- and width-insensitively), the long and wide layouts, who filled the sheet in, and every
cell checked as text, number or date. The result is `Entry`s with their places, not yet matched
to the data (`importing` plans them against it)."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from itertools import islice
from typing import NamedTuple

from gongfu_cli.editing.typed import (
    EntryError,
    check_text,
    parse_period,
)
from gongfu_cli.escapes import CONTROL_CHARACTERS, quote, shown_path
from gongfu_cli.i18n import T
from gongfu_cli.spreadsheets.sheet import Sheet, Uncomputed, Value, column_letter

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
