"""Rows to text: CSV, TSV, JSON, JSON Lines and the tabulate formats.

Pure functions returning `str`; the command decides where the text goes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from gongfu_cli.escapes import inert_cell, markdown_text
from gongfu_cli.presentation.rows import Row, json_objects
from gongfu_cli.presentation.values import plain_number, shown
from gongfu_cli.presentation.vocabulary import KINDS

MACHINE_FORMATS = ("csv", "tsv", "json", "jsonl")


def machine_cell(value: Any) -> str:
    """One CSV/TSV cell: empty for nothing, ISO dates, plain decimals."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return plain_number(value)
    return str(value)


def excel_cell(value: Any) -> str:
    """A cell a spreadsheet will not run: text that looks like a formula gets a leading '."""
    text = machine_cell(value)
    return inert_cell(text) if isinstance(value, str) else text


def _csv_quoted(cell: str, delimiter: str) -> str:
    """RFC 4180: a cell holding the delimiter, a quote, CR or LF is quoted, quotes doubled.

    (The csv module leaves a lone CR unquoted when lines end in LF, which splits the row for
    every reader; hence this small function.)
    """
    if delimiter in cell or '"' in cell or "\n" in cell or "\r" in cell:
        return '"' + cell.replace('"', '""') + '"'
    return cell


def delimited(
    rows: list[Row],
    columns: Sequence[str],
    delimiter: str = ",",
    *,
    crlf: bool = False,
    neutral: bool = False,
) -> str:
    """RFC 4180 quoting; LF line ends for scripts, CRLF for spreadsheets (`crlf`). `neutral`
    text cells never start a formula (see `excel_cell`): what a spreadsheet may open."""
    end = "\r\n" if crlf else "\n"
    to_cell = excel_cell if neutral else machine_cell
    lines = [delimiter.join(_csv_quoted(c, delimiter) for c in columns)]
    lines += [
        delimiter.join(_csv_quoted(to_cell(row[c]), delimiter) for c in columns) for row in rows
    ]
    return end.join(lines) + end


def as_json(rows: list[Row], columns: Sequence[str]) -> str:
    return json.dumps(json_objects(rows, columns), ensure_ascii=False, indent=2) + "\n"


def as_jsonl(rows: list[Row], columns: Sequence[str]) -> str:
    return "".join(
        json.dumps(obj, ensure_ascii=False) + "\n" for obj in json_objects(rows, columns)
    )


def human_cell(column: str, value: Any) -> str:
    """A cell of a rows format made for people (Markdown, tabulate's): formatted as the
    tables format it (`values.shown`, by the column's kind), statuses and other codes kept as
    the keys the header names."""
    if isinstance(value, date):
        kind = "date"
    elif isinstance(value, int | float) and not isinstance(value, bool):
        kind = KINDS.get(column, "number")
    else:
        kind = "text"
    return shown(kind, value)


# tabulate formats that would carry user text into markup without escaping it (raw HTML and
# LaTeX, wiki and AsciiDoc tables); Markdown, HTML and LaTeX are offered with escaping.
UNSAFE_TABULATE = frozenset(
    {"unsafehtml", "latex_raw", "mediawiki", "moinmoin", "jira", "textile", "youtrack", "rst",
     "asciidoc", "colon_grid", "tsv"}
)  # fmt: skip
MARKDOWN_FORMATS = frozenset({"pipe", "github"})


def as_tabulate(rows: list[Row], columns: Sequence[str], fmt: str) -> str:
    from tabulate import tabulate  # heavy (~70 ms): only when a tabulate format is asked for

    body = [[human_cell(c, row[c]) for c in columns] for row in rows]
    if fmt in MARKDOWN_FORMATS:  # text from the data is escaped; our own values need not be
        body = [
            [markdown_text(cell) if isinstance(row[c], str) and c != "status" else cell
             for c, cell in zip(columns, line, strict=True)]
            for row, line in zip(rows, body, strict=True)
        ]  # fmt: skip
    return tabulate(body, headers=list(columns), tablefmt=fmt, disable_numparse=True) + "\n"


def pipe_table(headers: Sequence[str], body: Sequence[Sequence[str]]) -> str:
    """A GitHub-flavoured pipe table of text cells, each escaped as inert Markdown, so that a
    name holding `|`, `*` or HTML stays one cell of plain text in any Markdown reader."""

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(markdown_text(c) for c in cells) + " |"

    lines = [line(headers), "| " + " | ".join(["---"] * len(headers)) + " |"]
    return "\n".join(lines + [line(cells) for cells in body]) + "\n"


def as_markdown(rows: list[Row], columns: Sequence[str]) -> str:
    """Rows as a pipe table: the machine columns as the header, each cell as people read it."""
    return pipe_table(
        columns,
        [[machine_cell(v) if isinstance(v, bool) else human_cell(c, v)
          for c, v in ((c, row[c]) for c in columns)] for row in rows],
    )  # fmt: skip


def render_rows(
    rows: list[Row], columns: Sequence[str], fmt: str, *, crlf: bool, neutral: bool
) -> str:
    """Any non-table format, by name; `crlf` and `neutral` shape CSV and TSV (`delimited`)."""
    if fmt == "md":
        return as_markdown(rows, columns)
    if fmt == "csv":
        return delimited(rows, columns, ",", crlf=crlf, neutral=neutral)
    if fmt == "tsv":
        return delimited(rows, columns, "\t", crlf=crlf, neutral=neutral)
    if fmt == "json":
        return as_json(rows, columns)
    if fmt == "jsonl":
        return as_jsonl(rows, columns)
    return as_tabulate(rows, columns, fmt)


def tabulate_formats() -> list[str]:
    from tabulate import tabulate_formats as names

    return [name for name in names if name not in UNSAFE_TABULATE]
