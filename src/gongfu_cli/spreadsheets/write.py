"""Spreadsheets out: real `.xlsx` workbooks with typed cells, for people in Excel, WPS and
LibreOffice.

Two kinds: the export of flat rows (any table command's `-o FILE.xlsx`), and the fill-in sheet
(报送表) that `gongfu template` sends to each lead agency. Dates are date cells, numbers are
numbers, ratios are numbers with a percentage format, text is text: a name starting with `=`
is stored as a string, never as a formula. openpyxl is imported only here.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import date
from typing import Any, NamedTuple

from gongfu_cli.escapes import XML_ILLEGAL, xml_text
from gongfu_cli.presentation.rows import RATIO_COLUMNS, Row
from gongfu_cli.presentation.vocabulary import label

DATE_FORMAT = "yyyy-mm-dd"
RATIO_FORMAT = "0.0%"
HEADER_FILL = "DDEBF7"  # light blue: the header row
GIVEN_FILL = "EDEDED"  # grey: facts gongfu gives, locked
INPUT_FILL = "FFF2CC"  # light yellow: what the agency fills in
OWED_FILL = "F8CBAD"  # orange: a period whose figures are owed (待报)
MAX_WIDTH = 60  # characters: wider columns wrap
SHEET_NAME_LIMIT = 31  # Excel's limit
CELL_LIMIT = 32_767  # characters (UTF-16 units) in a cell: Excel's limit
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_ENDS = re.compile(r"^[\s']+|[\s']+$")


class SheetRows(NamedTuple):
    """One sheet of an export: a title and flat rows with their columns."""

    title: str
    rows: Sequence[Row]
    columns: Sequence[str]


def rows_workbook(sheets: Sequence[SheetRows], cut: list[str] | None = None) -> bytes:
    """A workbook with one sheet per `SheetRows`: Chinese headers (the machine key in each
    header cell's comment) and labels (a status reads 滞后, not `lagging`: `views.sheet_value`),
    the header frozen, an autofilter, typed cells and fitting widths.
    Each cell cut at Excel's limit is added to `cut` (`SHEET!A2`), for the user to be told."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    from gongfu_cli.presentation.columns import sheet_value

    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor=HEADER_FILL)
    for sheet, title in zip(sheets, sheet_names([s.title for s in sheets]), strict=True):
        ws = book.create_sheet(title)
        for c, key in enumerate(sheet.columns, start=1):
            cell = ws.cell(row=1, column=c, value=label(key))
            cell.font, cell.fill = bold, fill
            cell.comment = Comment(key, "gongfu", width=160, height=40)
        for r, row in enumerate(sheet.rows, start=2):
            for c, key in enumerate(sheet.columns, start=1):
                cell = ws.cell(row=r, column=c)
                _typed(cell, sheet_value(key, row.get(key)), ratio=key in RATIO_COLUMNS, cut=cut)
        ws.freeze_panes = "A2"
        _printable(ws, "$1:$1")
        if sheet.columns:
            ws.auto_filter.ref = f"A1:{_letter(len(sheet.columns))}{max(len(sheet.rows) + 1, 1)}"
        header = [label(k) for k in sheet.columns]
        shown = [[sheet_value(k, row.get(k)) for k in sheet.columns] for row in sheet.rows]
        _fit_widths(ws, header, shown)
    return _saved(book)


TEMPLATE_COLUMNS = (
    "bus_id",
    "班车",
    "indicator_id",
    "指标",
    "单位",
    "目标",
    "截止",
    "上期数值",
    "上期日期",
    "本期数值",
    "日期",
    "来源",
    "备注",
    "待报",  # the due period of figures owed; empty when none is
)
INPUT_COLUMNS = frozenset({"本期数值", "日期", "来源", "备注"})
INSTRUCTION = (
    "填表说明：请只填写黄色列——本期数值（数字；百分比指标填 85 或 85%）、日期（如 2024-06-30）、"
    "来源和备注；灰色列为已有信息，请勿改动。未报送的指标留空即可。"
    "待报列（橙色）标出已过报送截止日仍未报数的报送期，请优先补报。"
    "填好后交回，由 gongfu import 导入。请在右侧填写填报人和联系电话。"
)
REPORTER_LABELS = ("填报人", "联系电话")  # the line at the top that says who filled it in


def template_workbook(
    groups: Sequence[tuple[str, Sequence[Row]]], cut: list[str] | None = None
) -> bytes:
    """The fill-in sheet: one sheet per lead agency, given columns grey and locked, input
    columns yellow and open, the value checked as a decimal and the date as a date. Cells
    cut at Excel's limit are added to `cut`, as by `rows_workbook`."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    book.remove(book.active)
    given = PatternFill("solid", fgColor=GIVEN_FILL)
    wanted = PatternFill("solid", fgColor=INPUT_FILL)
    owed = PatternFill("solid", fgColor=OWED_FILL)
    header_fill = PatternFill("solid", fgColor=HEADER_FILL)
    bold = Font(bold=True)
    open_cell = Protection(locked=False)
    for (_, rows), title in zip(groups, sheet_names([g[0] for g in groups]), strict=True):
        ws = book.create_sheet(title)
        first_input = TEMPLATE_COLUMNS.index("本期数值") + 1
        ws.merge_cells(f"A1:{_letter(first_input - 1)}1")
        note = ws.cell(row=1, column=1, value=INSTRUCTION)
        note.alignment = Alignment(wrap_text=True, vertical="top")
        note.font = Font(bold=True, color="9C5700")
        ws.row_dimensions[1].height = 36
        # 填报人 | (name) | 联系电话 | (phone), above the input columns: import reads them
        for k, caption_text in enumerate(REPORTER_LABELS):
            caption = ws.cell(row=1, column=first_input + 2 * k, value=caption_text)
            caption.font, caption.fill = bold, header_fill
            caption.alignment = Alignment(vertical="top")
            blank = ws.cell(row=1, column=first_input + 2 * k + 1)
            blank.fill, blank.protection = wanted, open_cell
            blank.number_format = "@"  # a phone number stays text, its leading 0 kept
        for c, key in enumerate(TEMPLATE_COLUMNS, start=1):
            cell = ws.cell(row=2, column=c, value=key)
            cell.font, cell.fill = bold, header_fill
        end = len(rows) + 2
        for r, row in enumerate(rows, start=3):
            for c, key in enumerate(TEMPLATE_COLUMNS, start=1):
                cell = ws.cell(row=r, column=c)
                _typed(cell, row.get(key), cut=cut)
                if key in INPUT_COLUMNS:
                    cell.fill, cell.protection = wanted, open_cell
                else:
                    cell.fill = owed if key == "待报" and cell.value else given
                if key == "日期":
                    cell.number_format = DATE_FORMAT
        value_column = _letter(TEMPLATE_COLUMNS.index("本期数值") + 1)
        date_column = _letter(TEMPLATE_COLUMNS.index("日期") + 1)
        if rows:
            number = DataValidation(
                type="decimal",
                operator="between",
                formula1="-1000000000000000",
                formula2="1000000000000000",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="本期数值",
                error="请填写数字（百分比指标可填 85 或 85%）。",
            )
            number.add(f"{value_column}3:{value_column}{end}")
            day = DataValidation(
                type="date",
                operator="between",
                formula1="DATE(2000,1,1)",
                formula2="DATE(2100,12,31)",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="日期",
                error="请填写日期，如 2024-06-30。",
            )
            day.add(f"{date_column}3:{date_column}{end}")
            ws.add_data_validation(number)
            ws.add_data_validation(day)
        ws.freeze_panes = "A3"
        _printable(ws, "$1:$2")
        protection = ws.protection
        protection.sheet = True
        protection.formatColumns = False  # people may still widen a column
        protection.formatRows = False
        _fit_widths(ws, list(TEMPLATE_COLUMNS), [[row.get(k) for k in TEMPLATE_COLUMNS]
                                                 for row in rows], minimum=10)  # fmt: skip
    return _saved(book)


def _printable(ws: Any, title_rows: str) -> None:
    """Printed, a sheet is landscape A4, one page wide, its header on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = title_rows


def sheet_names(wanted: Sequence[str]) -> list[str]:
    """Valid, distinct sheet names: at most 31 characters, none of []:*?/\\, not blank, not
    starting or ending with an apostrophe, not Excel's reserved `History`."""
    names: list[str] = []
    taken: set[str] = set()
    for raw in wanted:
        # cut, then trimmed: a cut can end the name in a blank or an apostrophe
        name = _trimmed(_SHEET_FORBIDDEN.sub("_", XML_ILLEGAL.sub("", raw))[:SHEET_NAME_LIMIT])
        name = name or "Sheet"
        if name.casefold() == "history":
            name += "_"
        candidate, n = name, 2
        while candidate.casefold() in taken:
            suffix = f" ({n})"
            candidate = (_trimmed(name[: SHEET_NAME_LIMIT - len(suffix)]) or "Sheet") + suffix
            n += 1
        taken.add(candidate.casefold())
        names.append(candidate)
    return names


def _trimmed(name: str) -> str:
    """Without blanks or apostrophes at either end (Excel and LibreOffice refuse a sheet name
    that starts or ends with an apostrophe)."""
    return _ENDS.sub("", name)


def _typed(cell: Any, value: Any, ratio: bool = False, cut: list[str] | None = None) -> None:
    """A value as the cell type a spreadsheet expects; text is never taken for a formula, and
    is cut at Excel's 32,767 characters (noted in `cut`) rather than make Excel refuse the
    file."""
    if value is None:
        return
    if isinstance(value, bool):
        cell.value = value
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    elif isinstance(value, int | float):
        cell.value = value
        if ratio:
            cell.number_format = RATIO_FORMAT
    else:
        text = xml_text(str(value))
        if len(text) > CELL_LIMIT // 2 and len(text.encode("utf-16-le")) > 2 * CELL_LIMIT:
            text = _cut(text)
            if cut is not None:
                cut.append(f"{cell.parent.title}!{cell.coordinate}")
        cell.value = text
        cell.data_type = "s"  # openpyxl takes "=…" for a formula; this keeps it text


def _cut(text: str) -> str:
    """The longest start of `text` Excel holds in a cell: 32,767 UTF-16 units (a character
    beyond the basic plane counts twice)."""
    units = 0
    for k, ch in enumerate(text):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > CELL_LIMIT:
            return text[:k]
    return text


def _fit_widths(
    ws: Any, header: Sequence[str], rows: Sequence[Sequence[Any]], minimum: int = 6
) -> None:
    """Column widths in Excel's character units, counting a Chinese character as two."""
    from wcwidth import wcswidth

    for c, title in enumerate(header, start=1):
        cells = [title, *(row[c - 1] for row in rows)]
        widest = max(_shown_width(v, wcswidth) for v in cells)
        ws.column_dimensions[_letter(c)].width = min(max(widest + 2, minimum), MAX_WIDTH)


def _shown_width(value: Any, wcswidth: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, date):
        return 10
    text = str(value)
    width = wcswidth(text)
    return width if width >= 0 else len(text) * 2


def _letter(index: int) -> str:
    from gongfu_cli.spreadsheets.sheet import column_letter

    return column_letter(index - 1)


def _saved(book: Any) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
