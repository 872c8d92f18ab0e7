"""The options and arguments the commands share, declared once, with their parsers and shell
completion. Parsing mistakes raise `typer.BadParameter`: exit status 2 with the usage."""

import os
from datetime import date
from enum import Enum, StrEnum
from pathlib import Path
from typing import Annotated

import typer

from gongfu_cli.errors import GongfuError
from gongfu_cli.formats import MACHINE_FORMATS
from gongfu_cli.metrics import Status
from gongfu_cli.model import Dataset


def env_path() -> Path | None:
    value = os.environ.get("GONGFU_DATA")
    return Path(value) if value else None


def load_data(path: Path | None, use_cache: bool = True) -> Dataset:
    from gongfu_cli.cache import load
    from gongfu_cli.paths import bundled_data

    return load(path if path is not None else bundled_data(), use_cache)


# ---------------------------------------------------------------------------------------------
# Shared options, declared once


def parse_date(value: str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD") from None


def _check_format(value: str | None) -> str | None:
    if value is None or value in ("table", *MACHINE_FORMATS):
        return value
    from gongfu_cli.formats import tabulate_formats

    names = tabulate_formats()
    if value not in names:
        raise typer.BadParameter(
            f"{value!r} is not a format; use table, {', '.join(MACHINE_FORMATS)} or a tabulate "
            f"format ({', '.join(sorted(names))})"
        )
    return value


DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data",
        "-d",
        envvar="GONGFU_DATA",
        show_envvar=True,
        help="Data file, or directory of *.toml files. Default: the bundled Huzhou dataset.",
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar="YYYY-MM-DD",
        callback=parse_date,
        help="Compute as of this date, ignoring later readings. Default: today.",
    ),
]
NoCacheOption = Annotated[
    bool,
    typer.Option(
        "--no-cache",
        help="Read the data files even if a cached copy is fresh (or set GONGFU_NO_CACHE=1).",
    ),
]
FormatOption = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        callback=_check_format,
        metavar="FORMAT",
        help="table, csv, tsv, json, jsonl, or a tabulate format (plain, simple, github, grid, "
        "pipe, …).",
    ),
]


def _check_save(value: Path | None) -> Path | None:
    from gongfu_cli.pictures import SUFFIXES

    if value is not None and value.suffix.lower() not in SUFFIXES:
        raise typer.BadParameter(f"{str(value)!r}: the name must end in {', '.join(SUFFIXES)}")
    return value


SaveOption = Annotated[
    Path | None,
    typer.Option(
        "--save",
        callback=_check_save,
        metavar="FILE",
        help="Also write the table to FILE: .svg (a picture), .html (a page) or .txt.",
    ),
]


def _complete_bus(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    from gongfu_cli.resolve import candidates

    try:
        dataset = load_data(ctx.params.get("data") or env_path())
    except GongfuError:
        return []
    return candidates(dataset.buses, incomplete)


BusArgument = Annotated[
    str,
    typer.Argument(
        metavar="BUS",
        autocompletion=_complete_bus,
        help="A bus id, a name, or a unique part of either, e.g. 乡村畅行 or changxing.",
    ),
]


class CheckFormat(StrEnum):
    text = "text"
    json = "json"


class Level(StrEnum):
    buses = "buses"
    indicators = "indicators"
    readings = "readings"


StatusChoice = Enum("StatusChoice", {s.value: s.value for s in Status}, type=str)  # type: ignore[misc]


class RankBy(StrEnum):
    attainment = "attainment"
    gap = "gap"


def parse_value(value: str) -> float | int:
    import math

    try:
        number = int(value) if value.lstrip("+-").isdigit() else float(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a number") from None
    if isinstance(number, float) and not math.isfinite(number):
        raise typer.BadParameter(f"{value!r} is not a finite number")
    return number


def complete_indicator(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    from gongfu_cli.resolve import candidates, resolve

    try:
        dataset = load_data(ctx.params.get("data") or env_path())
        bus = resolve(dataset.buses, ctx.params.get("bus") or "")
    except GongfuError:
        return []
    return candidates(bus.indicators, incomplete)


IndicatorArgument = Annotated[
    str,
    typer.Argument(
        metavar="INDICATOR",
        autocompletion=complete_indicator,
        help="An indicator id, a name, or a unique part of either, within the bus.",
    ),
]


def check_report_output(value: Path | None) -> Path | None:
    if value is not None and value.suffix.lower() not in (".md", ".html"):
        raise typer.BadParameter(f"{str(value)!r}: the name must end in .md or .html")
    return value
