"""The options and arguments the commands share, declared once, with their parsers and shell
completion. Parsing mistakes raise `typer.BadParameter`: exit status 2 with the usage."""

import os
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from gongfu_cli.domain.metrics import Status
from gongfu_cli.domain.model import Dataset
from gongfu_cli.errors import GongfuError
from gongfu_cli.i18n import _, said


def env_path() -> Path | None:
    value = os.environ.get("GONGFU_DATA")
    return Path(value) if value else None


# ---------------------------------------------------------------------------------------------
# Shared options, declared once


def parse_date(value: str) -> date:
    """A date as people write it: 2024-06-30, 2024/6/30, 2024.6.30 or 2024年6月30日."""
    if isinstance(value, date):
        return value
    from gongfu_cli.editing.typed import EntryError, parse_day

    try:
        return parse_day(value)
    except EntryError as exc:
        raise typer.BadParameter(said(exc.text)) from None


DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data",
        "-d",
        envvar="GONGFU_DATA",
        readable=False,  # the loader says which file cannot be read, and why
        show_envvar=True,
        help=_("Data file, or directory of *.toml files. Default: the bundled Huzhou dataset."),
    ),
]
AsOfOption = Annotated[
    date | None,
    typer.Option(
        "--as-of",
        metavar="YYYY-MM-DD",
        parser=parse_date,
        help=_("Compute as of this date, ignoring later readings. Default: today."),
    ),
]
NoCacheOption = Annotated[
    bool,
    typer.Option(
        "--no-cache",
        help=_("Read the data files even if a cached copy is fresh (or set GONGFU_NO_CACHE=1)."),
    ),
]


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise typer.BadParameter(
            _("{value} is not a number of seconds").format(value=repr(value))
        ) from None
    if not 0 <= seconds <= 86400 * 366:  # also refuses nan
        raise typer.BadParameter(
            _("{value}: give 0 (do not wait) or more seconds").format(value=repr(value))
        )
    return seconds


WaitOption = Annotated[
    float,
    typer.Option(
        "--wait",
        metavar="SECONDS",
        parser=_seconds,
        help=_(
            "Wait at most this long for another program's lock on the data, then give up "
            "(writing nothing)."
        ),
    ),
]


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


def _completion_data(ctx: typer.Context) -> Dataset | None:
    """The dataset named by --data/-d (still a string while completing) or GONGFU_DATA, or
    None when it cannot be read: completion then offers nothing and says nothing."""
    given = ctx.params.get("data")
    path = Path(given) if given else env_path()
    from gongfu_cli.store.cache import load_data

    try:
        return load_data(path)
    except Exception:  # completion must never print a traceback into the user's prompt
        return None


def _complete_bus(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    from gongfu_cli.domain.matching import candidates

    dataset = _completion_data(ctx)
    return candidates(dataset.buses, incomplete) if dataset else []


def not_empty(value: str | None) -> str | None:
    """An empty BUS or INDICATOR (an unset shell variable) is a mistake, never a match."""
    if value is not None and not value.strip():
        raise typer.BadParameter(_("is empty (an unset shell variable?); name a bus or indicator"))
    return value


BusArgument = Annotated[
    str,
    typer.Argument(
        metavar="BUS",
        callback=not_empty,
        autocompletion=_complete_bus,
        help=_("A bus id, a name, or a unique part of either, e.g. 乡村畅行 or changxing."),
    ),
]


BusOption = Annotated[
    str | None,
    typer.Option(
        "--bus",
        callback=not_empty,
        autocompletion=_complete_bus,
        help=_("Only this bus: its id, name or a unique part."),
    ),
]


class Level(StrEnum):
    buses = "buses"
    indicators = "indicators"
    readings = "readings"
    all = "all"  # one sheet per level, in a workbook


def parse_status(value: str) -> Status:
    """A status by key (`off_track`) or by the Chinese label shown in tables (`严重滞后`)."""
    from gongfu_cli.presentation.values import STATUS_LABELS

    if isinstance(value, Status):
        return value
    text = value.strip()
    for status, label in STATUS_LABELS.items():
        if text in (status.value, label):
            return status
    choices = ", ".join(f"{s.value} ({STATUS_LABELS[s]})" for s in Status)
    raise typer.BadParameter(
        _("{value} is not a status; use one of: {choices}").format(
            value=repr(value), choices=choices
        )
    )


BatchOption = Annotated[int | None, typer.Option("--batch", "-b", help=_("Only this batch."))]
FieldOption = Annotated[
    str | None, typer.Option("--field", help=_("Only this field, e.g. 交通, or a unique part."))
]
LeadOption = Annotated[
    str | None,
    typer.Option(
        "--lead",
        help=_("Only the buses of this lead agency (牵头单位): its name or a unique part."),
    ),
]
StatusOption = Annotated[
    list[Status] | None,
    typer.Option(
        "--status",
        "-s",
        metavar="STATUS",
        parser=parse_status,
        help=_(
            "Only buses with this status: a key (off_track) or its label (严重滞后); "
            "repeat for several."
        ),
    ),
]

AsTypedOption = Annotated[
    bool,
    typer.Option(
        "--as-typed",
        help=_(
            "Take a value of 1.5 or less on a percentage indicator as typed (0.46 stays 0.46%), "
            "where "
            "it would be refused as a fraction typed for a percentage (0.46: 46%?)."
        ),
    ),
]
WithinOption = Annotated[
    bool,
    typer.Option(
        "--within",
        help=_("Rank among the chosen buses only (a batch's own race), not in the programme's."),
    ),
]


class RankBy(StrEnum):
    attainment = "attainment"
    gap = "gap"


def complete_indicator(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    from gongfu_cli.domain.matching import candidates, resolve

    dataset = _completion_data(ctx)
    if dataset is None:
        return []
    try:
        bus = resolve(dataset.buses, ctx.params.get("bus") or "")
    except GongfuError:
        return []
    return candidates(bus.indicators, incomplete)


IndicatorArgument = Annotated[
    str,
    typer.Argument(
        metavar="INDICATOR",
        callback=not_empty,
        autocompletion=complete_indicator,
        help=_("An indicator id, a name, or a unique part of either, within the bus."),
    ),
]
