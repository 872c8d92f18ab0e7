"""A sheet as gongfu reads it, whatever file it came from: its rows of typed cells with their
places (`FILE:SHEET!CELL`), the import's budget of rows and cells, and the limits that keep a
hostile file from filling memory."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from datetime import date, datetime, time
from pathlib import Path

from gongfu_cli.errors import GongfuError
from gongfu_cli.escapes import shown_path
from gongfu_cli.i18n import T

Value = str | int | float | date | datetime | time | None


Cells = tuple[Value, ...]


MAX_ROWS = 200_000  # rows read in one import, over all its sheets


MAX_CELLS = 4_000_000  # cells read in one import (20 columns of MAX_ROWS rows)


MAX_PART = 100 * 1024 * 1024  # bytes of one workbook part (a sheet's XML) once unpacked


MAX_UNPACKED = 200 * 1024 * 1024  # bytes of all a workbook's parts once unpacked


MAX_COLUMNS = 16_384  # Excel's last column, XFD


class Percent(float):
    """A number shown with a percentage format: 0.85 in the cell, `85%` on the screen."""


class Uncomputed(str):
    """A formula cell saved without its computed value (written by a script, never opened in
    a spreadsheet): the text is the formula. Reading it as empty would drop a figure."""


class Sheet:
    """One table of a file: its rows, streamed once as `(index from 0, cells)`, and its places.

    Rows of a CSV can span several lines (a quoted cell with a line break), so the line of a
    row is kept where it differs from its index; `spans` holds the last line of each row that
    spans lines.
    """

    def __init__(
        self,
        file: str,
        name: str | None,
        rows: Iterable[tuple[int, Cells]] = (),
        note: str | None = None,
        delimiter: str | None = None,
    ) -> None:
        self.file = file  # as the user named it
        self.name = name  # the sheet's name in a workbook; None for CSV and TSV
        self.rows: Iterable[tuple[int, Cells]] = rows
        self.note = note  # e.g. how a CSV was decoded, when not UTF-8
        self.delimiter = delimiter  # CSV and TSV only
        self.notes: list[str] = []  # found while reading the rows (hidden rows, warnings)
        self.spans: dict[int, int] = {}
        self._shifts: list[tuple[int, int]] = []  # (row, its line - its index - 1), ascending

    @property
    def label(self) -> str:
        """The file (and sheet) as a source: `报送表.xlsx!市建设局`, `报送表.csv`."""
        base = Path(self.file).name
        return f"{base}!{self.name}" if self.name is not None else base

    @property
    def where(self) -> str:
        """The file, or the file and sheet: `报送表.xlsx:市建设局`."""
        base = shown_path(self.file)
        return base if self.name is None else f"{base}:{_sheet_ref(self.name)}"

    def line(self, row: int) -> int:
        """The (first) line of a CSV row."""
        k = bisect_right(self._shifts, (row, 1 << 62)) - 1
        return row + 1 + (self._shifts[k][1] if k >= 0 else 0)

    def place(self, row: int, column: int | None = None) -> str:
        """A cell (or a row) as the user finds it: `FILE:SHEET!K4`, or a CSV's line and column
        (`FILE:4:K`); row and column count from 0."""
        where = shown_path(self.file)
        if self.name is None:
            cell = f":{column_letter(column)}" if column is not None else ""
            return f"{where}:{self.line(row)}{cell}"
        cell = f"{column_letter(column)}{row + 1}" if column is not None else f"{row + 1}"
        return f"{where}:{_sheet_ref(self.name)}!{cell}"


class Budget:
    """What one import may read over all its sheets: `MAX_ROWS` rows and `MAX_CELLS` cells."""

    def __init__(self, rows: int = MAX_ROWS, cells: int = MAX_CELLS) -> None:
        self.max_rows, self.max_cells = rows, cells
        self.rows = self.cells = 0

    def take(self, sheet: Sheet, row: int, width: int) -> None:
        self.rows += 1
        self.cells += width
        if self.rows > self.max_rows:
            raise GongfuError(
                T(
                    "{place}: more than {count} rows in this import; import the sheets a few at "
                    "a time",
                    place=sheet.place(row),
                    count=format(self.max_rows, ","),
                )
            )
        if self.cells > self.max_cells:
            raise GongfuError(
                T(
                    "{place}: more than {count} cells in this import; delete the columns and rows "
                    "gongfu does not need, or import the sheets a few at a time",
                    place=sheet.place(row),
                    count=format(self.max_cells, ","),
                )
            )


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _sheet_ref(name: str) -> str:
    """A sheet name as Excel writes it in a reference: quoted when it holds more than letters."""
    if name.replace("_", "").isalnum():
        return shown_path(name)
    return shown_path("'" + name.replace("'", "''") + "'")
