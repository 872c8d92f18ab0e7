"""The options and arguments of the commands that change readings (record, delete, import, init),
declared once."""

import re
from datetime import date
from pathlib import Path
from typing import Annotated

import click
import typer
import typer.core

from gongfu_cli.cli.options import parse_date
from gongfu_cli.i18n import _


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


NewDataArgument = Annotated[Path, typer.Argument(help=_("The new data file to create."))]
EmptyOption = Annotated[
    bool,
    typer.Option(
        "--empty",
        help=_(
            "A commented template with one example bus, instead of a "
            "copy of the bundled Huzhou dataset."
        ),
    ),
]
ValueArgument = Annotated[
    str,
    typer.Argument(
        metavar="VALUE",
        help=_(
            "The indicator's level on that date (not an increment): 85, 85.5, 1,200, "
            "８５．５, or 85% when the unit is %. A negative value goes after --: -- -5."
        ),
    ),
]
RecordDateOption = Annotated[
    date | None,
    typer.Option(
        "--date",
        metavar="YYYY-MM-DD",
        parser=parse_date,
        help=_("The date of the reading (2024-06-30, 2024/6/30 or 2024年6月30日). Default: today."),
    ),
]
SourceOption = Annotated[
    str | None, typer.Option("--source", help=_("Where the figure comes from."))
]
NoteOption = Annotated[
    str | None, typer.Option("--note", help=_("A remark kept with the reading."))
]
ByOption = Annotated[
    str | None,
    typer.Option(
        "--by",
        metavar="NAME",
        help=_(
            "Who reported the figure (填报人); the reading also notes today as the day it "
            "was received."
        ),
    ),
]
RecordReplaceOption = Annotated[
    bool,
    typer.Option(
        "--replace",
        help=_(
            "Correct the reading already on that date, in place (its source and note "
            "too, when given); prints old → new."
        ),
    ),
]
RecordDryRunOption = Annotated[
    bool, typer.Option("--dry-run", help=_("Show what would be recorded; write nothing."))
]
DeleteDateOption = Annotated[
    date,
    typer.Option(
        "--date",
        metavar="YYYY-MM-DD",
        parser=parse_date,
        help=_("The date of the reading to remove."),
    ),
]
DeleteDryRunOption = Annotated[
    bool, typer.Option("--dry-run", help=_("Show what would be deleted; write nothing."))
]
SheetsArgument = Annotated[
    list[Path],
    typer.Argument(
        metavar="FILE...",
        help=_("The sheets that came back: .xlsx (every sheet), .csv or .tsv."),
        show_default=False,
    ),
]
SheetOption = Annotated[
    str | None, typer.Option("--sheet", help=_("Read only this sheet of each workbook."))
]
ImportDateOption = Annotated[
    date | None,
    typer.Option(
        "--date",
        metavar="YYYY-MM-DD",
        parser=parse_date,
        help=_("The date of figures whose row has no date (or a sheet without a date column)."),
    ),
]
ImportSourceOption = Annotated[
    str | None,
    typer.Option(
        "--source",
        help=_(
            "The source of rows without one. Default: the file and sheet (报送表.xlsx!市建设局)."
        ),
    ),
]
ImportByOption = Annotated[
    str | None,
    typer.Option(
        "--by",
        metavar="NAME",
        help=_(
            "Who reported the figures (填报人), for sheets that do not say: the sheet's 填报人 "
            "line (as in the template) or a 填报人 column wins."
        ),
    ),
]
ImportReplaceOption = Annotated[
    bool,
    typer.Option(
        "--replace",
        help=_(
            "A figure that differs from the reading already on its date replaces it "
            "(otherwise that is an error)."
        ),
    ),
]
ImportDryRunOption = Annotated[
    bool,
    typer.Option("--dry-run", help=_("Show every reading that would be added or replaced.")),
]
ImportFormatOption = Annotated[
    str | None,
    typer.Option(
        "--format", "-f", metavar="table|json", help=_("table for people, json for scripts.")
    ),
]
IncludeHiddenOption = Annotated[
    bool,
    typer.Option(
        "--include-hidden",
        help=_("Read hidden sheets and hidden rows too (skipped with a note otherwise)."),
    ),
]


class ValueCommand(typer.core.TyperCommand):
    """A command with a numeric argument: `-5` reads as an unknown option to the parser, so
    the error says how to pass a negative value."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        given = list(args)  # the parser consumes `args`
        try:
            return super().parse_args(ctx, args)
        except click.NoSuchOption as exc:
            name = exc.option_name
            if re.fullmatch(r"-[0-9０-９.．,，]+", name):
                import shlex

                # click names only the first "option" of `-5,000.5`: show the value as typed
                whole = next((a for a in given if a.startswith(name)), name)
                quoted = shlex.quote(whole)
                quoted = quoted if quoted.startswith("'") else f"'{whole}'"
                raise click.UsageError(
                    _(
                        "No such option: {option}. A negative value? Put -- before it: "
                        "gongfu record BUS INDICATOR -- {quoted}"
                    ).format(option=whole, quoted=quoted),
                    ctx,
                ) from None
            raise
