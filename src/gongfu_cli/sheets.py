"""Spreadsheets in: the cells of `.xlsx` sheets and of `.csv`/`.tsv` files, as plain values.

What comes back from the agencies is whatever Excel, WPS or a script saved: workbooks, CSV in
UTF-8 with or without a byte-order mark, CSV in GBK from a Chinese Windows, Excel's "Unicode
text" (UTF-16, tab-separated). Each becomes a `Sheet` of rows of Python values, with a way to
name any cell the way the user's spreadsheet names it (`报送表.csv:12`, `报送表.xlsx:市建设局!J3`).
openpyxl is imported only here, only when a workbook is read.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import NamedTuple

from gongfu_cli.errors import GongfuError, shown_path
from gongfu_cli.load import read_bytes

Value = str | int | float | date | datetime | time | None


class Percent(float):
    """A number shown with a percentage format: 0.85 in the cell, `85%` on the screen."""


class Sheet(NamedTuple):
    file: str  # as the user named it
    name: str | None  # the sheet's name in a workbook; None for CSV and TSV
    rows: list[tuple[Value, ...]]  # row 1 first
    note: str | None = None  # e.g. how a CSV was decoded, when not UTF-8

    @property
    def label(self) -> str:
        """The file (and sheet) as a source: `报送表.xlsx!市建设局`, `报送表.csv`."""
        base = Path(self.file).name
        return f"{base}!{self.name}" if self.name is not None else base

    def place(self, row: int, column: int | None = None) -> str:
        """A cell (or a row, for CSV) as the user finds it: row and column count from 0."""
        where = shown_path(self.file)
        if self.name is None:
            return f"{where}:{row + 1}"
        cell = f"{column_letter(column)}{row + 1}" if column is not None else f"{row + 1}"
        return f"{where}:{_sheet_ref(self.name)}!{cell}"


SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".tsv", ".txt")


def read_sheets(path: Path, sheet: str | None = None) -> list[Sheet]:
    """Every sheet of a workbook (or only `sheet`), or the one table of a CSV/TSV file."""
    suffix = path.suffix.lower()
    name = shown_path(path)
    if suffix in (".xlsx", ".xlsm"):
        return _workbook(path, sheet)
    if suffix in (".csv", ".tsv", ".txt"):
        return [_delimited(path, "\t" if suffix != ".csv" else None)]
    if suffix in (".xls", ".et", ".ods", ".numbers"):
        raise GongfuError(
            f"{name}: a {suffix} file; save it as .xlsx (Excel Workbook) or .csv (UTF-8) in "
            "Excel, WPS or LibreOffice, then import that"
        )
    raise GongfuError(f"{name}: gongfu imports .xlsx, .csv and .tsv files, not {suffix or 'this'}")


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


# ---------------------------------------------------------------------------------------------
# CSV and TSV


def _delimited(path: Path, delimiter: str | None) -> Sheet:
    name = shown_path(path)
    text, note = _decoded(read_bytes(path), name)
    if delimiter is None:
        first = next((line for line in text.splitlines() if line.strip()), "")
        delimiter = "\t" if "\t" in first and "," not in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows: list[tuple[Value, ...]] = [tuple(row) for row in reader]
    except csv.Error as exc:
        raise GongfuError(f"{name}:{reader.line_num}: not readable as CSV: {exc}") from None
    return Sheet(str(path), None, rows, note)


def _decoded(raw: bytes, name: str) -> tuple[str, str | None]:
    """UTF-8 (with or without a byte-order mark), UTF-16 with one, else GB18030 (a superset of
    GBK, as Excel and WPS save CSV on a Chinese Windows)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", "strict"), None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "read as UTF-16 (Excel's Unicode text)"
        except UnicodeDecodeError:
            pass
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030"), "read as GBK/GB18030, not UTF-8"
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise GongfuError(
            f"{name}:{line}: neither UTF-8 nor GBK text (byte {exc.start + 1}); save it as "
            "CSV UTF-8 in Excel or WPS"
        ) from None


# ---------------------------------------------------------------------------------------------
# Workbooks


def _workbook(path: Path, wanted: str | None) -> list[Sheet]:
    import zipfile

    name = shown_path(path)
    raw = read_bytes(path)
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise GongfuError(
            f"{name}: an encrypted or old-format (.xls) workbook; remove its password, or save "
            "it as .xlsx, then import that"
        )
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise GongfuError(f"{name}: not a readable .xlsx workbook ({exc})") from None
    try:
        names = book.sheetnames
        if wanted is not None and wanted not in names:
            listed = ", ".join(shown_path(n) for n in names)
            raise GongfuError(f"{name}: no sheet named {shown_path(wanted)}; it has: {listed}")
        chosen = [wanted] if wanted is not None else names
        return [Sheet(str(path), n, list(_cells(book[n]))) for n in chosen]
    finally:
        book.close()


def _cells(sheet: object) -> Iterator[tuple[Value, ...]]:
    """Each row's values; a number shown as a percentage comes as `Percent`."""
    for row in sheet.iter_rows():  # type: ignore[attr-defined]
        values: list[Value] = []
        for cell in row:
            value = cell.value
            if (
                isinstance(value, int | float)
                and not isinstance(value, bool)
                and "%" in (getattr(cell, "number_format", "") or "")
            ):
                value = Percent(value)
            values.append(value)
        yield tuple(values)
