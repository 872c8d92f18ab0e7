"""Workbooks read within limits: the parts checked before openpyxl parses them (no entities,
no encrypted or oversized parts), rows streamed in batches with openpyxl's warnings caught,
cells typed (a percentage format kept as `Percent`, a formula without a cached value as
`Uncomputed`), hidden sheets and rows skipped unless asked for, and any unreadable workbook one
located message. openpyxl is imported only here, only when a workbook is read."""

from __future__ import annotations

import io
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from gongfu_cli.errors import GongfuError
from gongfu_cli.escapes import shown_path
from gongfu_cli.i18n import T, Text, joined
from gongfu_cli.spreadsheets.sheet import (
    MAX_COLUMNS,
    MAX_PART,
    MAX_ROWS,
    MAX_UNPACKED,
    Budget,
    Cells,
    Percent,
    Sheet,
    Uncomputed,
    Value,
    column_letter,
)
from gongfu_cli.store.documents import read_bytes

_BATCH = 512  # workbook rows read at a time, with openpyxl's warnings caught around them


def read_workbook(
    path: Path, wanted: str | None, budget: Budget, include_hidden: bool
) -> tuple[list[Sheet], list[str]]:
    import warnings

    name = shown_path(path)
    raw = read_bytes(path)
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise GongfuError(
            T(
                "{name}: an encrypted or old-format (.xls) workbook; remove its password, or save "
                "it as .xlsx, then import that",
                name=name,
            )
        )
    _check_parts(raw, name)
    try:
        from openpyxl.reader.excel import ExcelReader

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            # load_workbook's own steps, to see the sheets it leaves out without a word
            reader = ExcelReader(io.BytesIO(raw), read_only=True, data_only=True)
            reader.read()
            book = reader.wb
            for listed, part in reader.parser.find_sheets():
                if part.target not in reader.valid_files:
                    raise ValueError(
                        T(
                            "sheet {sheet}: its part {part} is missing",
                            sheet=shown_path(listed.name),
                            part=shown_path(part.target),
                        )
                    )
    except MemoryError:
        raise GongfuError(
            T("{name}: too large to read in the memory there is", name=name)
        ) from None
    except Exception as exc:  # whatever a broken workbook makes openpyxl raise
        raise _unreadable(name, None, exc) from None
    notes: list[str] = [
        T("{place}: {message}", place=name, message=_warning_text(w)) for w in _distinct(caught)
    ]
    names = book.sheetnames
    if wanted is not None and wanted not in names:
        book.close()
        listed = ", ".join(shown_path(n) for n in names)
        raise GongfuError(
            T(
                "{name}: no sheet named {sheet}; it has: {listed}",
                name=name,
                sheet=shown_path(wanted),
                listed=listed,
            )
        )
    sheets = []
    for ws in book.worksheets:
        if wanted is not None and ws.title != wanted:
            continue
        state = getattr(ws, "sheet_state", "visible")
        if state != "visible" and wanted is None and not include_hidden:
            values = {"name": name, "sheet": shown_path(ws.title)}
            if state == "veryHidden":
                notes.append(
                    T(
                        "{name}: the very hidden sheet {sheet} was skipped; import with "
                        "--include-hidden to read it",
                        **values,
                    )
                )
            else:
                notes.append(
                    T(
                        "{name}: the hidden sheet {sheet} was skipped; import with "
                        "--include-hidden to read it",
                        **values,
                    )
                )
            continue
        sheet = Sheet(str(path), ws.title)
        sheet.rows = _rows(sheet, book, ws, budget, include_hidden)
        sheets.append(sheet)
    return sheets, notes


def _check_parts(raw: bytes, name: str) -> None:
    """Refuse, before parsing anything, a workbook whose parts unpack past the limits (a zip
    bomb: a few hundred KB that would unpack to gigabytes) or are encrypted."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            parts = archive.infolist()
    except Exception as exc:  # whatever a damaged archive makes zipfile raise
        raise GongfuError(
            T("{name}: not a readable .xlsx workbook ({reason})", name=name, reason=_reason(exc))
        ) from None
    total = 0
    for part in parts:
        total += part.file_size
        where = shown_path(part.filename)
        if part.flag_bits & 0x1:
            raise GongfuError(
                T(
                    "{name}: not a readable .xlsx workbook (its part {part} is encrypted); "
                    "remove the password in Excel or WPS, then import it",
                    name=name,
                    part=where,
                )
            )
        if part.file_size > MAX_PART or total > MAX_UNPACKED:
            limit = MAX_PART if part.file_size > MAX_PART else MAX_UNPACKED
            raise GongfuError(
                T(
                    "{name}: refused: its part {part} unpacks to more than {size} MB (a sheet "
                    "far beyond {rows} rows, or a zip bomb)",
                    name=name,
                    part=where,
                    size=limit // (1024 * 1024),
                    rows=format(MAX_ROWS, ","),
                )
            )


def _rows(
    sheet: Sheet, book: Any, ws: Any, budget: Budget, include_hidden: bool
) -> Iterator[tuple[int, Cells]]:
    """The rows of one sheet, parsed as they are read, in batches so that openpyxl's warnings
    are caught around the parsing and nothing else."""
    import warnings

    name = shown_path(sheet.file)
    hidden: list[int] = []
    seen: set[str] = set()
    try:
        parser, source = _parser(book, ws)
        percent = _percent_styles(book)
        rows = _parsed_rows(sheet, parser, percent, budget, include_hidden, hidden)
        try:
            while True:
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    batch = list(islice(rows, _BATCH))
                for text in (_warning_text(w) for w in caught):
                    if text not in seen:
                        seen.add(text)
                        sheet.notes.append(T("{place}: {message}", place=sheet.where, message=text))
                yield from batch
                if len(batch) < _BATCH:
                    break
        finally:
            source.close()
    except GongfuError:
        raise
    except MemoryError:
        raise GongfuError(
            T("{name}: too large to read in the memory there is", name=name)
        ) from None
    except Exception as exc:  # whatever a broken workbook makes openpyxl raise
        raise _unreadable(name, ws.title, exc) from None
    if len(hidden) == 1:
        sheet.notes.append(
            T(
                "{place}: hidden row {rows} skipped; import with --include-hidden to read them",
                place=sheet.where,
                rows=_ranges(hidden),
            )
        )
    elif hidden:
        sheet.notes.append(
            T(
                "{place}: hidden rows {rows} skipped; import with --include-hidden to read them",
                place=sheet.where,
                rows=_ranges(hidden),
            )
        )


def _parser(book: Any, ws: Any) -> tuple[Any, Any]:
    """openpyxl's own sheet parser, told to mark a formula saved without its value."""
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    class Parser(WorkSheetParser):
        def parse_cell(self, element: Any) -> dict[str, Any]:
            cell: dict[str, Any] = super().parse_cell(element)
            # no value, or an empty one that is not an empty text result (`t="str"`)
            if cell["value"] is None and element.get("t") != "str":
                formula = element.find(FORMULA_TAG)
                if formula is not None:
                    cell["value"] = Uncomputed("=" + (formula.text or ""))
            return cell

    # the read-only worksheet's own source and strings: read-only sheets keep them private
    source = ws._get_source()
    parser = Parser(
        source,
        ws._shared_strings,
        data_only=True,
        epoch=book.epoch,
        date_formats=book._date_formats,
        timedelta_formats=book._timedelta_formats,
    )
    return parser, source


def _percent_styles(book: Any) -> list[bool]:
    """For each cell style of the workbook: is its number format a percentage?"""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE

    out = []
    for style in book._cell_styles:
        number = style.numFmtId
        if number < BUILTIN_FORMATS_MAX_SIZE:
            shown = BUILTIN_FORMATS.get(number, "General")
        else:
            shown = book._number_formats[number - BUILTIN_FORMATS_MAX_SIZE]
        out.append("%" in (shown or ""))
    return out


def _parsed_rows(
    sheet: Sheet,
    parser: Any,
    percent: list[bool],
    budget: Budget,
    include_hidden: bool,
    hidden: list[int],
) -> Iterator[tuple[int, Cells]]:
    for number, cells in parser.parse():
        attributes = parser.row_dimensions.pop(str(number), None)
        r = number - 1
        if r < 0:
            raise ValueError(T("row number {number}", number=shown_path(str(number))))
        width = max((c["column"] for c in cells), default=0)
        if width > MAX_COLUMNS or any(c["column"] < 1 for c in cells):
            raise ValueError(T("a cell reference past column XFD in row {number}", number=number))
        budget.take(sheet, r, width)
        values: list[Value] = [None] * width
        for c in cells:
            value, style = c["value"], c["style_id"]
            if style >= len(percent) or style < 0:
                raise ValueError(
                    T(
                        "cell {cell}: no style {style}",
                        cell=column_letter(c["column"] - 1) + str(number),
                        style=shown_path(str(style)),
                    )
                )
            if isinstance(value, int | float) and not isinstance(value, bool) and percent[style]:
                value = Percent(value)
            values[c["column"] - 1] = value
        if (
            attributes
            and str(attributes.get("hidden", "")).lower() in ("1", "true")
            and not include_hidden
        ):
            if any(v is not None and str(v).strip() for v in values):
                hidden.append(number)
            continue
        yield r, tuple(values)


def _ranges(numbers: list[int]) -> str:
    """[3, 4, 5, 9] → `3–5, 9`; at most ten ranges, then how many more."""
    spans: list[list[int]] = []
    for n in numbers:
        if spans and spans[-1][1] == n - 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    shown = [f"{a}" if a == b else f"{a}–{b}" for a, b in spans[:10]]
    if len(spans) > 10:
        shown.append(T("and {count} more", count=len(spans) - 10))
    return joined(shown, ", ")


def _distinct(caught: list[Any]) -> list[Any]:
    seen: set[str] = set()
    out = []
    for w in caught:
        if str(w.message) not in seen:
            seen.add(str(w.message))
            out.append(w)
    return out


def _warning_text(warning: Any) -> str:
    return f"{shown_path(str(warning.message))} (openpyxl)"


def _unreadable(name: str, sheet: str | None, exc: BaseException) -> GongfuError:
    if sheet is not None:
        return GongfuError(
            T(
                "{name}: not a readable .xlsx workbook (sheet {sheet}: {reason})",
                name=name,
                sheet=shown_path(sheet),
                reason=_reason(exc),
            )
        )
    return GongfuError(
        T("{name}: not a readable .xlsx workbook ({reason})", name=name, reason=_reason(exc))
    )


def _reason(exc: BaseException) -> str:
    if exc.args and isinstance(exc.args[0], Text):  # gongfu's own words: said in either language
        return exc.args[0]
    text = str(exc) or type(exc).__name__
    if len(text) > 200:
        text = text[:200] + "…"
    return shown_path(text)
