"""The one emitter: every output chosen through the format registry, written to standard
output or through the one safe write path, with one kind of confirmation on stderr."""

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import typer
import typer.core

from gongfu_cli import i18n
from gongfu_cli.escapes import shown_path
from gongfu_cli.i18n import _
from gongfu_cli.presentation.rows import Row
from gongfu_cli.rendering.serializers import render_rows


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
) -> Any:
    """The chosen output format, or a usage error (exit 2)."""
    from gongfu_cli.rendering.registry import FormatError, check_options, choose

    try:
        spec = choose(fmt, output, default, tabulate)
        check_options(spec, bom, excel, raw)
    except FormatError as exc:
        raise typer.BadParameter(i18n.said(exc.args[0])) from None
    return spec


def write(output: Path | None, text: str | bytes, protect: Sequence[str], what: str) -> None:
    """Text to standard output, or to `output` through the one safe write path."""
    if output is None and isinstance(text, str):
        stdout_text(text)  # through the text stream, in the console's encoding
        return
    from gongfu_cli.store.files import write_output

    data = text if isinstance(text, bytes) else text.encode("utf-8")
    if write_output(output or "-", data, protect):
        say(_("wrote {what}{path}").format(what=what, path=shown_path(output)), err=True)


CHART_SUFFIXES = (".svg", ".html", ".htm", ".png")


def check_chart(chart: Path | None) -> None:
    """Refuse a chart file gongfu cannot write before anything is drawn (exit 2)."""
    if chart is not None and chart.suffix.lower() not in CHART_SUFFIXES:
        raise typer.BadParameter(
            _("{path}: a chart is written as .svg, .html or .png").format(path=shown_path(chart)),
            param_hint="'--chart'",
        )


def chart(path: Path, svg: str, title: str, protect: Sequence[str]) -> None:
    """A chart as SVG, as a page around it, or as a PNG drawn by resvg."""
    from gongfu_cli.store.files import write_output

    suffix = path.suffix.lower()
    if suffix == ".png":
        from gongfu_cli.rendering.raster import svg_png

        content = svg_png(svg)
    elif suffix in (".html", ".htm"):
        from gongfu_cli.rendering.charts import page

        content = page(svg, title).encode("utf-8")
    else:
        content = svg.encode("utf-8")
    if write_output(path, content, protect):
        say(_("drew {path}").format(path=shown_path(path)), err=True)


def workbook(
    output: Path | None,
    sheets: Sequence[tuple[str, Sequence[Row], Sequence[str]]],
    protect: Sequence[str],
    what: str,
) -> None:
    """Rows as an .xlsx workbook, one sheet each; never raw bytes onto a terminal."""
    from gongfu_cli.spreadsheets.write import SheetRows, rows_workbook
    from gongfu_cli.store.files import is_stdout, write_output

    if (output is None or is_stdout(output)) and sys.stdout.isatty():
        raise typer.BadParameter(
            _("a workbook is a binary file: write it with -o FILE.xlsx"), param_hint="'--format'"
        )
    cut: list[str] = []
    content = rows_workbook([SheetRows(*s) for s in sheets], cut)
    if write_output(output or "-", content, protect):
        say(_("wrote {what}{path}").format(what=what, path=shown_path(output)), err=True)
    cut_notes(output, cut)


def cut_notes(output: Path | None, cut: Sequence[str]) -> None:
    """Say which cells of a written workbook were cut at Excel's limit."""
    for place in cut:
        where = f"{shown_path(output)}:" if output is not None else ""
        say(_("note: {where}{place}: cut at 32,767 characters, Excel's limit for a cell")
            .format(where=where, place=shown_path(place)), err=True)  # fmt: skip


def output(
    rows: list[Row],
    columns: Sequence[str],
    fmt: str | None,
    output: Path | None,
    draw: Callable[[int], Any],
    title: str,
    protect: Sequence[str] = (),
    save: Path | None = None,
    default: str = "table",
    bom: bool = False,
    excel: bool = False,
    what: str = "",
    sheet: str | None = None,
    theme: str = "light",
    raw: bool = False,
) -> None:
    """Every table command's output, through the format registry: rows formats are text from
    the flat rows; `table` is drawn for the terminal (or as plain text into a file); pictures
    are the drawn table as SVG, an HTML page or text. `--save` shows the table and also writes
    a picture. Nothing is ever written onto `protect`, the files of the loaded dataset. CSV and
    TSV that a spreadsheet may open never hold a formula, unless `raw` (see `outputs.neutral`)."""
    spec = choose_format(fmt, output, default, bom, excel, raw=raw)
    if save is not None:
        picture = choose_format(None, save, "svg")
        if spec.name != "table" or picture.kind != "picture":
            raise typer.BadParameter(
                _(
                    "--save writes a picture (.svg, .html, .png or .txt) of the table: use it "
                    "with --format table"
                )
            )
    if spec.kind == "workbook":
        workbook(output, [(sheet or title or "gongfu", rows, columns)], protect, what)
        return
    if spec.kind == "rows":
        from gongfu_cli.rendering.registry import neutral

        safe = neutral(spec, output, bom, excel, raw)
        text = render_rows(rows, columns, spec.name, crlf=excel, neutral=safe)
        write(output, "\ufeff" + text if bom or excel else text, protect, what)
        return
    to_terminal = spec.name == "table" and output is None
    if to_terminal:
        screen = console()
        screen.print(draw(screen.width))
        if save is None:
            return
    # a picture (or text into a file) is drawn anew, at the width its table needs
    page = console(quiet=True)
    drawn = draw(page.width)
    page.print(drawn)
    from gongfu_cli.rendering.pictures import saved_bytes

    if not to_terminal:
        kind = "txt" if spec.name == "table" else spec.name
        write(output, saved_bytes(page, kind, title, drawn, theme), protect, what)
    if save is not None:
        from gongfu_cli.store.files import write_output

        write_output(save, saved_bytes(page, picture.name, title, drawn, theme), protect)
        say(_("saved {path}").format(path=shown_path(save)), err=True)
