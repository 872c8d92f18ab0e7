"""The options and arguments of the commands that read the data, declared once: the data
path, dates, the filters, buses and indicators (with shell completion), and each command's own
choices. Parsing mistakes raise `typer.BadParameter`: exit status 2 with the usage."""

import os
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
import typer.core

from gongfu_cli.domain.metrics import Status
from gongfu_cli.domain.model import Dataset
from gongfu_cli.errors import GongfuError
from gongfu_cli.i18n import _, said


def env_path() -> Path | None:
    value = os.environ.get("GONGFU_DATA")
    return Path(value) if value else None


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


def parse_status(value: str) -> Status:
    """A status by key (`off_track`) or by the Chinese label shown in tables (`严重滞后`)."""
    from gongfu_cli.presentation.vocabulary import STATUS_LABELS

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


class GroupBy(StrEnum):
    lead = "lead"
    field = "field"
    batch = "batch"


OneIndicatorArgument = Annotated[
    str | None,
    typer.Argument(
        metavar="[INDICATOR]",
        callback=not_empty,
        autocompletion=complete_indicator,
        help=_("One indicator (id, name or a unique part). Default: all of them."),
    ),
]
RankByOption = Annotated[
    RankBy,
    typer.Option(
        "--by",
        help=_(
            "attainment (完成率), or gap = attainment − schedule "
            "(how far ahead of its own schedule)."
        ),
    ),
]
RaceCompareOption = Annotated[
    date | None,
    typer.Option(
        "--compare",
        metavar="DATE",
        parser=parse_date,
        help=_("Also rank as of DATE and show who moved up (进位) or down (退位)."),
    ),
]
ChangesSinceOption = Annotated[
    date | None,
    typer.Option(
        "--since",
        metavar="DATE",
        parser=parse_date,
        help=_(
            "Compare with the state on this date (the last meeting); as published, when it "
            "was (gongfu publish)."
        ),
    ),
]
CorrectionsOption = Annotated[
    date | None,
    typer.Option(
        "--corrections",
        metavar="DATE",
        parser=parse_date,
        help=_(
            "Instead, list the readings dated on or before DATE that differ from what was "
            "published for DATE: corrected (更正), added (补报) or deleted (删除)."
        ),
    ),
]
GroupByOption = Annotated[
    GroupBy, typer.Option("--by", help=_("Group the buses by lead agency, field or batch."))
]
FollowupSinceOption = Annotated[
    date | None,
    typer.Option(
        "--since",
        metavar="DATE",
        parser=parse_date,
        help=_(
            "The last meeting (回头看): what was flagged then and no longer is, struck off (销号)."
        ),
    ),
]
ReportCompareOption = Annotated[
    date | None,
    typer.Option(
        "--compare",
        metavar="DATE",
        parser=parse_date,
        help=_("Show each bus's move in the race since DATE (进位/退位)."),
    ),
]
ReportSinceOption = Annotated[
    date | None,
    typer.Option(
        "--since",
        metavar="DATE",
        parser=parse_date,
        help=_("Add what changed since DATE (晾晒)."),
    ),
]
ReportWithinOption = Annotated[
    bool,
    typer.Option(
        "--within",
        help=_(
            "With --lead, rank among that agency's buses only (its own race), not in the "
            "programme's."
        ),
    ),
]
TemplateDateOption = Annotated[
    date | None,
    typer.Option(
        "--date",
        metavar="YYYY-MM-DD",
        parser=parse_date,
        help=_("Pre-fill the 日期 column with the date the figures are for."),
    ),
]
PublishReplaceOption = Annotated[
    bool,
    typer.Option(
        "--replace",
        help=_("Publish DATE again, replacing what was published (deliberately)."),
    ),
]
StrictOption = Annotated[
    bool, typer.Option("--strict", help=_("Fail (exit 1) on warnings too, not only on errors."))
]
