"""Spreadsheets in: the cells of `.xlsx` sheets and of `.csv`/`.tsv` files, as plain values.

What comes back from the agencies is whatever Excel, WPS or a script saved: workbooks, CSV in
UTF-8 with or without a byte-order mark, CSV in GBK from a Chinese Windows, Excel's "Unicode
text" (UTF-16, tab-separated). Each becomes a `Sheet` whose rows are streamed once, with a way
to name any cell the way the user's spreadsheet names it (`报送表.csv:12`,
`报送表.xlsx:市建设局!J3`).

Some files come from strangers, so reading is bounded: a workbook part too large unpacked is
refused before it is parsed, and an import stops past `MAX_ROWS` rows or `MAX_CELLS` cells.
Whatever a broken or hostile workbook makes openpyxl raise is one message naming the file (and
the sheet); its warnings are notes. openpyxl is imported only here, only when a workbook is read.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

from gongfu_cli.errors import GongfuError
from gongfu_cli.escapes import shown_path
from gongfu_cli.i18n import T
from gongfu_cli.spreadsheets.sheet import Budget, Cells, Sheet
from gongfu_cli.store.documents import read_bytes

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".tsv", ".txt")


def read_sheets(
    path: Path,
    sheet: str | None = None,
    budget: Budget | None = None,
    include_hidden: bool = False,
) -> tuple[list[Sheet], list[str]]:
    """Every sheet of a workbook (or only `sheet`), or the one table of a CSV/TSV file, with
    notes on what was skipped (hidden sheets). Rows are read as the sheets are iterated."""
    budget = budget or Budget()
    suffix = path.suffix.lower()
    name = shown_path(path)
    if suffix in (".xlsx", ".xlsm"):
        from gongfu_cli.spreadsheets.xlsx import read_workbook  # openpyxl: only for a workbook

        return read_workbook(path, sheet, budget, include_hidden)
    if suffix in (".csv", ".tsv", ".txt"):
        return [_delimited(path, "\t" if suffix != ".csv" else None, budget)], []
    if suffix in (".xls", ".et", ".ods", ".numbers"):
        raise GongfuError(
            T(
                "{name}: a {suffix} file; save it as .xlsx (Excel Workbook) or .csv (UTF-8) in "
                "Excel, WPS or LibreOffice, then import that",
                name=name,
                suffix=suffix,
            )
        )
    raise GongfuError(
        T(
            "{name}: gongfu imports .xlsx, .csv and .tsv files, not {suffix}",
            name=name,
            suffix=suffix or T("this"),
        )
    )


# ---------------------------------------------------------------------------------------------
# CSV and TSV

_LINE_END = re.compile(r"\r\n|\r|\n")


def _delimited(path: Path, delimiter: str | None, budget: Budget) -> Sheet:
    name = shown_path(path)
    text, note = _decoded(read_bytes(path), name)
    if delimiter is None:
        first = next((line for line in _lines(text) if line.strip()), "")
        delimiter = "\t" if "\t" in first and "," not in first else ","
    sheet = Sheet(str(path), None, note=note, delimiter=delimiter)
    sheet.rows = _csv_rows(sheet, text, delimiter, budget)
    return sheet


def _lines(text: str) -> Iterator[str]:
    """The lines of `text` with their endings, one at a time (no list of them in memory)."""
    start = 0
    for end in _LINE_END.finditer(text):
        yield text[start : end.end()]
        start = end.end()
    if start < len(text):
        yield text[start:]


def _csv_rows(
    sheet: Sheet, text: str, delimiter: str, budget: Budget
) -> Iterator[tuple[int, Cells]]:
    reader = csv.reader(_lines(text), delimiter=delimiter)
    last = 0  # the last line read
    r = -1
    try:
        for r, row in enumerate(reader):
            first, last = last + 1, reader.line_num
            if first != sheet.line(r):
                sheet._shifts.append((r, first - r - 1))
            if last > first:
                sheet.spans[r] = last
            budget.take(sheet, r, len(row))
            yield r, tuple(row)
    except csv.Error as exc:
        where = f"{shown_path(sheet.file)}:{last + 1}"
        if "field limit" in str(exc):
            raise GongfuError(
                T(
                    "{where}: a cell runs on past {count} characters from this line: a quote "
                    '(") opened and never closed?',
                    where=where,
                    count=format(csv.field_size_limit(), ","),
                )
            ) from None
        raise GongfuError(
            T("{where}: not readable as CSV: {reason}", where=where, reason=str(exc))
        ) from None


def _decoded(raw: bytes, name: str) -> tuple[str, str | None]:
    """UTF-8 (with or without a byte-order mark), UTF-16 with one, else GB18030 (a superset of
    GBK, as Excel and WPS save CSV on a Chinese Windows). A file whose lines are in different
    encodings is refused at its first foreign line: read as either, part of it would be
    stored garbled."""
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw[3:].decode("utf-8"), None
        except UnicodeDecodeError as exc:
            line, text = _line_at(raw, exc.start + 3)
            if _is_gbk(text):
                raise GongfuError(_mixed(name, line, "GBK", "UTF-8")) from None
            raise GongfuError(
                T(
                    "{name}:{line}: not UTF-8 text after the byte-order mark (byte {byte}); save "
                    "it as CSV UTF-8 in Excel or WPS",
                    name=name,
                    line=line,
                    byte=exc.start + 4,
                )
            ) from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), T("read as UTF-16 (Excel's Unicode text)")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].decode("utf-16", "replace").count("\n") + 1
            raise GongfuError(
                T(
                    "{name}:{line}: not UTF-16 text (byte {byte}), though the file starts as "
                    "UTF-16; save it as CSV UTF-8 in Excel or WPS",
                    name=name,
                    line=line,
                    byte=exc.start + 1,
                )
            ) from None
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    _refuse_mixed(raw, name)
    try:
        return raw.decode("gb18030"), T("read as GBK/GB18030, not UTF-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise GongfuError(
            T(
                "{name}:{line}: neither UTF-8 nor GBK text (byte {byte}); save it as CSV UTF-8 in "
                "Excel or WPS",
                name=name,
                line=line,
                byte=exc.start + 1,
            )
        ) from None


def _line_at(raw: bytes, offset: int) -> tuple[int, bytes]:
    """The line number of a byte and that line's bytes."""
    start = raw.rfind(b"\n", 0, offset) + 1
    end = raw.find(b"\n", offset)
    return raw.count(b"\n", 0, offset) + 1, raw[start : end if end >= 0 else len(raw)]


def _is_gbk(line: bytes) -> bool:
    try:
        line.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return True


def _refuse_mixed(raw: bytes, name: str) -> None:
    """A file not wholly UTF-8 that has UTF-8 lines beside others: refused at the first line of
    the encoding fewer lines are in."""
    utf8: list[int] = []  # count, first line
    other: list[int] = []
    start, number = 0, 1
    while start < len(raw):
        end = raw.find(b"\n", start)
        end = len(raw) if end < 0 else end
        line = raw[start:end]
        if not line.isascii():
            try:
                line.decode("utf-8")
                kind = utf8
            except UnicodeDecodeError:
                kind = other
            if not kind:
                kind += [0, number]
            kind[0] += 1
        start, number = end + 1, number + 1
    if utf8 and other:
        if utf8[0] >= other[0]:
            raise GongfuError(_mixed(name, other[1], "GBK", "UTF-8"))
        raise GongfuError(_mixed(name, utf8[1], "UTF-8", "GBK"))


def _mixed(name: str, line: int, this: str, rest: str) -> str:
    return T(
        "{name}:{line}: this line is {this}, the rest {rest}; save the whole file as CSV UTF-8",
        name=name,
        line=line,
        this=this,
        rest=rest,
    )


# ---------------------------------------------------------------------------------------------
# Workbooks
