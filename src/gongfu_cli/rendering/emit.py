"""The one emitter: every output is chosen through the format registry, drawn by its kind's
renderer, and written to standard output or through the one safe write path, with one kind
of confirmation on stderr (`wrote …`). Commands hand it what they show; nothing else prints
tables, writes files or chooses formats."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
import typer.core

from gongfu_cli import i18n
from gongfu_cli.escapes import shown_path
from gongfu_cli.i18n import _
from gongfu_cli.rendering import registry

if TYPE_CHECKING:
    from gongfu_cli.domain.metrics import BusResult
    from gongfu_cli.presentation.queries import Shown
    from gongfu_cli.presentation.rows import Row
    from gongfu_cli.presentation.views import ReportView


def stdout_text(text: str) -> None:
    """Text to standard output: raw for scripts; on a terminal, control characters in the data
    are shown escaped, in every format."""
    if sys.stdout.isatty():
        from gongfu_cli.escapes import terminal_text

        text = terminal_text(text)
    sys.stdout.write(text)
    sys.stdout.flush()


def say(line: str, err: bool = False) -> None:
    """One line for the user, through the stream as configured (so an ASCII or GBK console
    gets what it can show; click's echo would write UTF-8 to an ASCII stream)."""
    stream = sys.stderr if err else sys.stdout
    stream.write(line + "\n")
    stream.flush()


def console(record: bool = False, quiet: bool = False) -> Any:
    """A rich console that follows the usual colour conventions.

    NO_COLOR (any value) or CLICOLOR=0 turn colour off; CLICOLOR_FORCE (not 0) turns it on even
    when standard output is not a terminal. NO_COLOR wins over CLICOLOR_FORCE.
    """
    from rich.console import Console

    env = os.environ
    no_color = bool(env.get("NO_COLOR")) or env.get("CLICOLOR") == "0"
    force = env.get("CLICOLOR_FORCE", "0") not in ("", "0") and not no_color
    if quiet:  # drawn only to be exported, never shown: as wide as its table needs, up to a
        import io  # fixed maximum, whatever the terminal (the same command, the same picture)

        from gongfu_cli.rendering.pictures import PICTURE_WIDTH

        return Console(
            file=io.StringIO(), width=PICTURE_WIDTH, record=True, highlight=False, emoji=False
        )
    return Console(
        highlight=False,
        emoji=False,
        record=record,
        no_color=True if no_color else None,
        force_terminal=True if force else None,
    )


def choose_format(
    fmt: str | None,
    output: Path | None,
    default: str,
    bom: bool = False,
    excel: bool = False,
    tabulate: bool = True,
    raw: bool = False,
    offered: Sequence[str] = registry.TABLE,
    what: str | None = None,
    option: str | None = None,
) -> registry.Format:
    """The chosen output format, or a usage error (exit 2) naming the option at fault:
    `option`, else --format when given, else --output."""
    try:
        spec = registry.choose(fmt, output, default, tabulate, offered, what)
        registry.check_options(spec, bom, excel, raw)
    except registry.FormatError as exc:
        if option is None:
            option = "--format" if fmt is not None or output is None else "--output"
        raise typer.BadParameter(i18n.said(exc.args[0]), param_hint=f"'{option}'") from None
    return spec


def write(output: Path | None, content: str | bytes, protect: Sequence[str], what: str) -> None:
    """Text to standard output, or `content` to `output` through the one safe write path,
    confirmed as `wrote WHAT PATH` on stderr."""
    if output is None and isinstance(content, str):
        stdout_text(content)  # through the text stream, in the console's encoding
        return
    from gongfu_cli.store.files import write_output

    data = content if isinstance(content, bytes) else content.encode("utf-8")
    if write_output(output or "-", data, protect):
        say(_("wrote {what}{path}").format(what=what, path=shown_path(output)), err=True)


def check_chart(chart: Path | None) -> None:
    """Refuse a chart file gongfu cannot write before anything is drawn (exit 2)."""
    if chart is not None:
        choose_format(None, chart, "svg", offered=registry.CHART, what=i18n.T("a chart"),
                      option="--chart")  # fmt: skip


def chart(path: Path, svg: str, title: str, protect: Sequence[str]) -> None:
    """A chart as SVG, as a page around it, or as a PNG drawn by resvg."""
    spec = choose_format(None, path, "svg", offered=registry.CHART, option="--chart")
    write(path, picture(spec.name, svg, title), protect, "")


def picture(fmt: str, svg: str, title: str) -> bytes:
    """An SVG drawing in a picture format: itself, a page around it, or a PNG."""
    if fmt == "png":
        from gongfu_cli.rendering.raster import svg_png

        return svg_png(svg)
    if fmt == "html":
        from gongfu_cli.rendering.charts import page

        return page(svg, title).encode("utf-8")
    return svg.encode("utf-8")


def workbook(
    output: Path | None,
    sheets: Sequence[tuple[str, Sequence[Row], Sequence[str]]],
    protect: Sequence[str],
    what: str,
) -> None:
    """Rows as an .xlsx workbook, one sheet each; never raw bytes onto a terminal."""
    from gongfu_cli.spreadsheets.write import SheetRows, rows_workbook
    from gongfu_cli.store.files import is_stdout

    if (output is None or is_stdout(output)) and sys.stdout.isatty():
        raise typer.BadParameter(
            _("a workbook is a binary file: write it with -o FILE.xlsx"), param_hint="'--format'"
        )
    cut: list[str] = []
    content = rows_workbook([SheetRows(*s) for s in sheets], cut)
    write(output or Path("-"), content, protect, what)
    cut_notes(output, cut)


def cut_notes(output: Path | None, cut: Sequence[str]) -> None:
    """Say which cells of a written workbook were cut at Excel's limit."""
    for place in cut:
        where = f"{shown_path(output)}:" if output is not None else ""
        say(_("note: {where}{place}: cut at 32,767 characters, Excel's limit for a cell")
            .format(where=where, place=shown_path(place)), err=True)  # fmt: skip


def rows_text(
    spec: registry.Format,
    rows: list[Row],
    columns: Sequence[str],
    output: Path | None,
    bom: bool = False,
    excel: bool = False,
    raw: bool = False,
) -> str:
    """Rows in a rows format; CSV and TSV that a spreadsheet may open never hold a formula,
    unless `raw` (see `registry.neutral`)."""
    from gongfu_cli.rendering.serializers import render_rows

    safe = registry.neutral(spec, output, bom, excel, raw)
    text = render_rows(rows, columns, spec.name, crlf=excel, neutral=safe)
    return "\ufeff" + text if bom or excel else text


def shown(
    answer: Shown,
    fmt: str | None,
    output: Path | None,
    protect: Sequence[str],
    save: Path | None = None,
    theme: str = "light",
    raw: bool = False,
    default: str = "table",
    bom: bool = False,
    excel: bool = False,
    what: str = "",
) -> None:
    """What a table command shows, in the format chosen: rows formats are text from the flat
    rows; `table` is the view drawn for the terminal (or as plain text into a file); pictures
    are that drawing as SVG, an HTML page, a PNG or text; a workbook holds the rows typed.
    `--save` shows the table and also writes a picture. Nothing is ever written onto
    `protect`, the files of the loaded dataset."""
    spec = choose_format(fmt, output, default, bom, excel, raw=raw)
    if save is not None:
        picture_spec = choose_format(None, save, "svg", option="--save")
        if spec.name != "table" or picture_spec.kind != "picture":
            raise typer.BadParameter(
                _(
                    "--save writes a picture (.svg, .html, .png or .txt) of the table: use it "
                    "with --format table"
                )
            )
    if spec.kind == "workbook":
        workbook(output, [(answer.sheet or answer.title or "gongfu", answer.rows,
                           answer.columns)], protect, what)  # fmt: skip
        return
    if spec.kind == "rows":
        text = rows_text(spec, answer.rows, answer.columns, output, bom, excel, raw)
        write(output, text, protect, what)
        return
    from gongfu_cli.rendering.terminal import draw

    view = answer.view
    if view is None:
        from gongfu_cli.presentation.views import RowsView

        view = RowsView(answer.rows, answer.columns)
    to_terminal = spec.name == "table" and output is None
    if to_terminal:
        screen = console()
        screen.print(draw(view, screen.width))
        if save is None:
            return
    # a picture (or text into a file) is drawn anew, at the width its table needs
    page = console(quiet=True)
    drawn = draw(view, page.width)
    page.print(drawn)
    from gongfu_cli.rendering.pictures import saved_bytes

    if not to_terminal:
        kind = "txt" if spec.name == "table" else spec.name
        write(output, saved_bytes(page, kind, answer.title, drawn, theme), protect, what)
    if save is not None:
        write(save, saved_bytes(page, picture_spec.name, answer.title, drawn, theme), protect, "")


def template(
    output: Path,
    fmt: str,
    groups: dict[str, list[Row]],
    buses: int,
    protect: Sequence[str],
) -> None:
    """The fill-in sheet: a protected workbook with one sheet per agency, or a CSV (UTF-8
    with a byte-order mark, CRLF, no cell a spreadsheet would run)."""
    rows = [row for group in groups.values() for row in group]
    cut: list[str] = []
    if fmt == "xlsx":
        from gongfu_cli.spreadsheets.write import template_workbook

        content = template_workbook(list(groups.items()), cut)
    else:
        from gongfu_cli.rendering.serializers import delimited
        from gongfu_cli.spreadsheets.write import TEMPLATE_COLUMNS

        text = delimited(rows, TEMPLATE_COLUMNS, crlf=True, neutral=True)
        content = ("\ufeff" + text).encode("utf-8")
    sheets = ""
    if fmt == "xlsx" and len(groups) > 1:
        sheets = _(" in {count} sheets").format(count=len(groups))
    counted = (_("{count} bus") if buses == 1 else _("{count} buses")).format(count=buses)
    what = _("{count} indicators of {buses}{sheets} to ").format(
        count=len(rows), buses=counted, sheets=sheets
    )
    write(output, content, protect, what)
    cut_notes(output, cut)


def report_bytes(
    fmt: str, report: ReportView, results: Sequence[BusResult], day: date
) -> str | bytes:
    """The report in a document format of the registry: Markdown; one HTML page with its
    charts; that page printed on A4 (PDF); or the 通报 for Word and WPS (.docx)."""
    from gongfu_cli.rendering.report import html_report, markdown_report

    if fmt == "md":
        return markdown_report(report)
    from gongfu_cli.i18n import T
    from gongfu_cli.rendering.charts import bus_svg, race_svg
    from gongfu_cli.rendering.raster import require_chinese_font

    charts = {
        r.bus.id: bus_svg(r, day)
        for r in results
        if any(i.indicator.target is not None for i in r.indicators)
    }
    charts["race"] = race_svg(report.race.title, report.race.rows, report.race.caption)
    if fmt == "docx":
        from gongfu_cli.rendering.bulletin import docx_report

        require_chinese_font(T("the charts of the .docx"))
        return docx_report(report, charts)
    page = html_report(report, charts)
    if fmt == "pdf":
        from gongfu_cli.rendering.browser import pdf

        require_chinese_font(T("the PDF"))
        return pdf(page)
    return page
