"""The options that say where output goes and in which format, declared once and promising
what the format registry holds."""

import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
import typer.core

from gongfu_cli.escapes import shown_path
from gongfu_cli.i18n import T, _


def _written(*kinds: str) -> tuple[list[str], list[str]]:
    """The names and suffixes of the registry's formats of these kinds: what help promises
    is what the command writes."""
    from gongfu_cli.rendering.registry import FORMATS

    chosen = [f for f in FORMATS.values() if f.kind in kinds]
    return [f.name for f in chosen], [s for f in chosen for s in f.suffixes]


def _output_help(*kinds: str) -> str:
    return _(
        "Write to FILE (atomically; - is standard output); its suffix chooses the format when "
        "--format is not given ({suffixes})."
    ).format(suffixes=" ".join(_written(*kinds)[1]))


TABLE_KINDS = ("table", "rows", "workbook", "picture")  # what the table commands write


FormatOption = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help=_(
            "{formats}, or a tabulate format (plain, simple, github, grid, …). Default: from the "
            "--output name, else a table (export: csv)."
        ).format(formats=", ".join(_written(*TABLE_KINDS)[0])),
    ),
]


OutputOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", metavar="FILE", help=_output_help(*TABLE_KINDS)),
]


# `check` writes its problems as text, as rows or as a workbook, never as a picture.
CheckOutputOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", metavar="FILE", help=_output_help("rows", "workbook")),
]


ReportOutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help=_(
            "Write to FILE (atomically; - is standard output): .md (Markdown), .html or .htm "
            "(one page), .pdf (that page printed on A4) or .docx (the 通报 for Word and WPS); the "
            "suffix chooses when --format is not given."
        ),
    ),
]


SaveOption = Annotated[
    Path | None,
    typer.Option(
        "--save",
        metavar="FILE",
        help=_(
            "Show the table and also write it to FILE: .svg (a picture), .html (a page), "
            ".png (a picture for slides and chats) or .txt."
        ),
    ),
]


ChartOption = Annotated[
    Path | None,
    typer.Option(
        "--chart",
        metavar="FILE",
        help=_(
            "Also draw the chart: FILE.svg, FILE.html (a page around it) or FILE.png "
            "(rendered by Chromium, where installed)."
        ),
    ),
]


class Theme(StrEnum):
    light = "light"
    terminal = "terminal"


ThemeOption = Annotated[
    Theme,
    typer.Option(
        "--theme",
        help=_(
            "Pictures (--save, -o .svg/.html/.png): light for documents and slides, or "
            "terminal for a dark terminal window."
        ),
    ),
]


BomOption = Annotated[
    bool,
    typer.Option(
        "--bom",
        help=_(
            "CSV/TSV: start with a UTF-8 byte-order mark, so Excel reads Chinese (text cells "
            "that look like formulas then get a leading ', as in any CSV/TSV file)."
        ),
    ),
]


ExcelOption = Annotated[
    bool,
    typer.Option(
        "--excel",
        help=_(
            "CSV/TSV for spreadsheets: byte-order mark, CRLF line ends, and text cells that "
            "look like formulas (=, +, -, @) prefixed with '."
        ),
    ),
]


RawOption = Annotated[
    bool,
    typer.Option(
        "--raw",
        help=_(
            "CSV/TSV into a file: every text cell as it is, even one a spreadsheet would run "
            "as a formula (starting with =, +, -, @, a tab or CR); by default those get a "
            "leading '."
        ),
    ),
]


class Level(StrEnum):
    buses = "buses"
    indicators = "indicators"
    readings = "readings"
    all = "all"  # one sheet per level, in a workbook


FollowupOutputOption = Annotated[
    str | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE|DIR/",
        help=_(
            "Write to FILE (format from its suffix), or to DIR/ one sheet per agency (the "
            "督办单: xlsx, or csv, md or docx with --format)."
        ),
    ),
]
LevelOption = Annotated[
    Level,
    typer.Option(
        "--level",
        "-l",
        help=_(
            "buses, indicators (one row each), readings (every reading), or all (one "
            "sheet each, .xlsx only)."
        ),
    ),
]
ReportFormatOption = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        metavar="md|html|pdf|docx",
        help=_(
            "md (Markdown), html (one self-contained page), pdf (that page printed on A4 by "
            "Chromium, Chrome or Edge) or docx (the 通报 for Word and WPS, in the layout of "
            "official documents). Default: from the --output name, else md."
        ),
    ),
]
TemplateOutputOption = Annotated[
    Path,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help=_(
            "The sheet to send: FILE.xlsx (one sheet per lead agency, protected, with "
            "input cells) or FILE.csv (UTF-8 with a byte-order mark)."
        ),
    ),
]
CheckFormatOption = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help=_(
            "text (FILE:LINE: message, the default), json, any rows format (csv, tsv, "
            "jsonl, md, …) or xlsx."
        ),
    ),
]


def agency_folder(target: str | None, fmt: str | None) -> Path | None:
    """`followup -o DIR/` (a final slash, or an existing folder): the folder to write one
    督办单 per agency into, in a format they are written in; None for one file or none. A
    usage error (exit 2) for a format the 督办单 are not written in, or a name without a
    suffix that may have lost its slash."""
    from gongfu_cli.rendering import emit, registry

    folder = bool(target) and (str(target).endswith(("/", os.sep)) or Path(str(target)).is_dir())
    if fmt == "docx" and not folder:
        raise typer.BadParameter(
            _("the 督办单 as docx are written one per agency: -o DIR/"), param_hint="'--format'"
        )
    if not target:
        return None
    if folder:
        one_each = T("one sheet per agency")
        emit.choose_format(fmt or "xlsx", None, "xlsx", tabulate=False,
                           offered=registry.AGENCY_SHEETS, what=one_each)  # fmt: skip
        return Path(target)
    if not Path(target).suffix:
        try:
            emit.choose_format(fmt, Path(target), "table")
        except typer.BadParameter as exc:
            raise typer.BadParameter(
                _(
                    "{message}; or write -o {folder}/ (with the slash) for one sheet per agency "
                    "(the 督办单)"
                ).format(message=exc.message, folder=shown_path(target))
            ) from None
    return None
