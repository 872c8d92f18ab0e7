"""The command line: parse options, call the core, pick a renderer. Nothing else lives here."""

import functools
import os
import re
import sys
from collections.abc import Callable, Sequence
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import click
import typer
import typer.core

from gongfu_cli import __version__, i18n
from gongfu_cli.cache import load_data
from gongfu_cli.errors import GongfuError, shown_path
from gongfu_cli.formats import render_rows
from gongfu_cli.i18n import _
from gongfu_cli.model import Dataset
from gongfu_cli.options import (
    AsOfOption,
    AsTypedOption,
    BatchOption,
    BomOption,
    BusArgument,
    BusOption,
    ChartOption,
    CheckOutputOption,
    DataOption,
    ExcelOption,
    FieldOption,
    FormatOption,
    IndicatorArgument,
    LeadOption,
    Level,
    NoCacheOption,
    OutputOption,
    RankBy,
    RawOption,
    ReportOutputOption,
    SaveOption,
    StatusOption,
    Theme,
    ThemeOption,
    WaitOption,
    WithinOption,
    complete_indicator,
    not_empty,
    parse_date,
)
from gongfu_cli.rows import Row
from gongfu_cli.system import LOCK_WAIT

APP_SETTINGS: dict[str, Any] = {
    "name": "gongfu",
    "help": _("Track the targets and progress of Huzhou's common-prosperity bus lines (共富班车)."),
    "no_args_is_help": True,
    "rich_markup_mode": None,
    "pretty_exceptions_enable": False,
    "context_settings": {"help_option_names": ["-h", "--help"]},
}
app = typer.Typer(add_completion=True, **APP_SETTINGS)
i18n.teach_click()

F = TypeVar("F", bound=Callable[..., Any])


# ---------------------------------------------------------------------------------------------
# Helpers shared by commands


def _as_of(value: date | None) -> date:
    return value or date.today()


def _earlier(when: date | None, as_of: date | None, option: str) -> None:
    """A date to compare with must not be later than --as-of: the changes would be computed
    backwards. A usage error (exit 2) naming both dates."""
    day = _as_of(as_of)
    if when is not None and when > day:
        given = (
            f"--as-of {day.isoformat()}"
            if as_of
            else _("today ({date})").format(date=day.isoformat())
        )
        raise typer.BadParameter(
            _("{date} is later than {given}; compare with an earlier date").format(
                date=when.isoformat(), given=given
            ),
            param_hint=f"'{option}'",
        )


def _load(data: Path | None, no_cache: bool, *outputs: Path | None) -> Dataset:
    """The dataset, once no output named is one of its files: checked before reading, so that
    a dataset that does not load is as safe from `-o` as one that does."""
    _refuse_inputs(data, *outputs)
    return load_data(data, not no_cache)


def _refuse_inputs(data: Path | None, *outputs: Path | None) -> None:
    """Refuse (exit 1) an output that is a file of the data path, or a new .toml in it."""
    named = [o for o in outputs if o is not None]
    if named:
        from gongfu_cli.files import refuse_input
        from gongfu_cli.paths import bundled_data, input_paths

        inputs = input_paths(data if data is not None else bundled_data())
        for output in named:
            refuse_input(output, inputs)


def _as_published(data: Path | None, when: date, results: list[Any]) -> list[Any]:
    """`results` (assessed at `when`) as they were published, when `published/WHEN.json`
    exists beside the data; one line on stderr says so. Else today's data, as computed."""
    from gongfu_cli.paths import bundled_data
    from gongfu_cli.published import as_published, find

    period = find(data if data is not None else bundled_data(), when)
    if period is None:
        return results
    say(
        _("{date}: as published in {path} (corrections since: gongfu changes --corrections "
          "{date})").format(date=when.isoformat(), path=shown_path(period.path)),
        err=True,
    )  # fmt: skip
    return as_published(results, period)


def reports_errors(command: F) -> F:
    """Turn the core's user errors into located messages on stderr and exit status 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except GongfuError as error:
            for line in error.lines():
                say(line, err=True)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def _emit(text: str) -> None:
    """Text to standard output: raw for scripts; on a terminal, control characters in the data
    are shown escaped, in every format."""
    if sys.stdout.isatty():
        from gongfu_cli.display import terminal_text

        text = terminal_text(text)
    sys.stdout.write(text)
    sys.stdout.flush()


def say(line: str, err: bool = False) -> None:
    """One line for the user, through the stream as configured (so an ASCII or GBK console
    gets what it can show; click's echo would write UTF-8 to an ASCII stream)."""
    stream = sys.stderr if err else sys.stdout
    stream.write(line + "\n")
    stream.flush()


def _console(record: bool = False, quiet: bool = False) -> Any:
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

        from gongfu_cli.pictures import PICTURE_WIDTH

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


def _format(
    fmt: str | None,
    output: Path | None,
    default: str,
    bom: bool = False,
    excel: bool = False,
    tabulate: bool = True,
    raw: bool = False,
) -> Any:
    """The chosen output format, or a usage error (exit 2)."""
    from gongfu_cli.outputs import FormatError, check_options, choose

    try:
        spec = choose(fmt, output, default, tabulate)
        check_options(spec, bom, excel, raw)
    except FormatError as exc:
        raise typer.BadParameter(i18n.said(exc.args[0])) from None
    return spec


def _write(output: Path | None, text: str | bytes, protect: Sequence[str], what: str) -> None:
    """Text to standard output, or to `output` through the one safe write path."""
    if output is None and isinstance(text, str):
        _emit(text)  # through the text stream, in the console's encoding
        return
    from gongfu_cli.files import write_output

    data = text if isinstance(text, bytes) else text.encode("utf-8")
    if write_output(output or "-", data, protect):
        say(_("wrote {what}{path}").format(what=what, path=shown_path(output)), err=True)


CHART_SUFFIXES = (".svg", ".html", ".htm", ".png")


def _check_chart(chart: Path | None) -> None:
    """Refuse a chart file gongfu cannot write before anything is drawn (exit 2)."""
    if chart is not None and chart.suffix.lower() not in CHART_SUFFIXES:
        raise typer.BadParameter(
            _("{path}: a chart is written as .svg, .html or .png").format(path=shown_path(chart)),
            param_hint="'--chart'",
        )


def _chart(path: Path, svg: str, title: str, protect: Sequence[str]) -> None:
    """A chart as SVG, as a page around it, or as a PNG drawn by resvg."""
    from gongfu_cli.files import write_output

    suffix = path.suffix.lower()
    if suffix == ".png":
        from gongfu_cli.raster import svg_png

        content = svg_png(svg)
    elif suffix in (".html", ".htm"):
        from gongfu_cli.charts import page

        content = page(svg, title).encode("utf-8")
    else:
        content = svg.encode("utf-8")
    if write_output(path, content, protect):
        say(_("drew {path}").format(path=shown_path(path)), err=True)


def _workbook(
    output: Path | None,
    sheets: Sequence[tuple[str, Sequence[Row], Sequence[str]]],
    protect: Sequence[str],
    what: str,
) -> None:
    """Rows as an .xlsx workbook, one sheet each; never raw bytes onto a terminal."""
    from gongfu_cli.files import is_stdout, write_output
    from gongfu_cli.workbook import SheetRows, rows_workbook

    if (output is None or is_stdout(output)) and sys.stdout.isatty():
        raise typer.BadParameter(
            _("a workbook is a binary file: write it with -o FILE.xlsx"), param_hint="'--format'"
        )
    cut: list[str] = []
    content = rows_workbook([SheetRows(*s) for s in sheets], cut)
    if write_output(output or "-", content, protect):
        say(_("wrote {what}{path}").format(what=what, path=shown_path(output)), err=True)
    _cut_notes(output, cut)


def _cut_notes(output: Path | None, cut: Sequence[str]) -> None:
    """Say which cells of a written workbook were cut at Excel's limit."""
    for place in cut:
        where = f"{shown_path(output)}:" if output is not None else ""
        say(_("note: {where}{place}: cut at 32,767 characters, Excel's limit for a cell")
            .format(where=where, place=shown_path(place)), err=True)  # fmt: skip


def _output(
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
    spec = _format(fmt, output, default, bom, excel, raw=raw)
    if save is not None:
        picture = _format(None, save, "svg")
        if spec.name != "table" or picture.kind != "picture":
            raise typer.BadParameter(
                _(
                    "--save writes a picture (.svg, .html, .png or .txt) of the table: use it "
                    "with --format table"
                )
            )
    if spec.kind == "workbook":
        _workbook(output, [(sheet or title or "gongfu", rows, columns)], protect, what)
        return
    if spec.kind == "rows":
        from gongfu_cli.outputs import neutral

        safe = neutral(spec, output, bom, excel, raw)
        text = render_rows(rows, columns, spec.name, crlf=excel, neutral=safe)
        _write(output, "\ufeff" + text if bom or excel else text, protect, what)
        return
    to_terminal = spec.name == "table" and output is None
    if to_terminal:
        screen = _console()
        screen.print(draw(screen.width))
        if save is None:
            return
    # a picture (or text into a file) is drawn anew, at the width its table needs
    console = _console(quiet=True)
    drawn = draw(console.width)
    console.print(drawn)
    from gongfu_cli.pictures import saved_bytes

    if not to_terminal:
        kind = "txt" if spec.name == "table" else spec.name
        _write(output, saved_bytes(console, kind, title, drawn, theme), protect, what)
    if save is not None:
        from gongfu_cli.files import write_output

        write_output(save, saved_bytes(console, picture.name, title, drawn, theme), protect)
        say(_("saved {path}").format(path=shown_path(save)), err=True)


# ---------------------------------------------------------------------------------------------
# Commands


@app.command(
    "list",
    help=_(
        "One row per bus: lead, field, attainment, schedule and status.\n"
        "\n"
        "Example: gongfu list --batch 2 --format csv"
    ),
)
@reports_errors
def list_buses(
    batch: BatchOption = None,
    field: FieldOption = None,
    lead: LeadOption = None,
    status: StatusOption = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
    data: DataOption = None,
    as_of: AsOfOption = None,
    no_cache: NoCacheOption = False,
    save: SaveOption = None,
    raw: RawOption = False,
    theme: ThemeOption = Theme.light,
) -> None:
    from gongfu_cli.metrics import assess
    from gongfu_cli.rows import BUS_COLUMNS
    from gongfu_cli.selection import select
    from gongfu_cli.views import list_view

    dataset = _load(data, no_cache, output, save)
    day = _as_of(as_of)
    title = f"{dataset.program.name or 'gongfu'} · 截至 {day.isoformat()}"
    view = list_view(title, select(assess(dataset, day), batch, field, status or (), lead))

    def draw(width: int) -> Any:
        from gongfu_cli.render import bus_table

        return bus_table(view, width)

    _output(
        view.rows, BUS_COLUMNS, fmt, output, draw, title, dataset.files, save, theme=theme, raw=raw
    )


@app.command(
    help=_(
        "One bus: its facts, then each indicator with attainment, schedule and status.\n"
        "\n"
        "Example: gongfu progress 乡村畅行"
    ),
)
@reports_errors
def progress(
    bus: BusArgument,
    fmt: FormatOption = None,
    output: OutputOption = None,
    data: DataOption = None,
    as_of: AsOfOption = None,
    no_cache: NoCacheOption = False,
    save: SaveOption = None,
    raw: RawOption = False,
    theme: ThemeOption = Theme.light,
    chart: ChartOption = None,
) -> None:
    from gongfu_cli.metrics import assess
    from gongfu_cli.resolve import resolve
    from gongfu_cli.rows import INDICATOR_COLUMNS, indicator_rows
    from gongfu_cli.views import bus_view

    dataset = _load(data, no_cache, output, save, chart)
    day = _as_of(as_of)
    (result,) = assess(dataset, day, [resolve(dataset.buses, bus)])
    rows = indicator_rows([result])

    def draw(width: int) -> Any:
        from gongfu_cli.render import progress_view

        return progress_view(bus_view(result), day, width)

    title = f"{result.bus.name} · 截至 {day.isoformat()}"
    _check_chart(chart)
    _output(
        rows, INDICATOR_COLUMNS, fmt, output, draw, title, dataset.files, save, theme=theme, raw=raw
    )
    if chart is not None:
        from gongfu_cli.charts import bus_svg

        _chart(chart, bus_svg(result, day), title, dataset.files)


@app.command(
    help=_(
        "Rows for scripts and spreadsheets: CSV by default.\n"
        "\n"
        "Example: gongfu export --level buses | cut -d, -f2,9"
    ),
)
@reports_errors
def export(
    level: Annotated[
        Level,
        typer.Option(
            "--level",
            "-l",
            help=_(
                "buses, indicators (one row each), readings (every reading), or all (one "
                "sheet each, .xlsx only)."
            ),
        ),
    ] = Level.indicators,
    output: OutputOption = None,
    bom: BomOption = False,
    excel: ExcelOption = False,
    raw: RawOption = False,
    lead: LeadOption = None,
    fmt: FormatOption = None,
    data: DataOption = None,
    as_of: AsOfOption = None,
    no_cache: NoCacheOption = False,
) -> None:
    from gongfu_cli.metrics import assess
    from gongfu_cli.rows import (
        BUS_COLUMNS,
        INDICATOR_COLUMNS,
        READING_COLUMNS,
        bus_rows,
        indicator_rows,
        reading_rows,
    )
    from gongfu_cli.selection import select

    dataset = _load(data, no_cache, output)
    day = _as_of(as_of)
    results = select(assess(dataset, day), lead=lead)
    ids = {r.bus.id for r in results}
    levels = {
        Level.buses: lambda: (bus_rows(results), BUS_COLUMNS),
        Level.indicators: lambda: (indicator_rows(results), INDICATOR_COLUMNS),
        Level.readings: lambda: (
            [row for row in reading_rows(dataset, day) if row["bus_id"] in ids],
            READING_COLUMNS,
        ),
    }
    if level is Level.all:
        spec = _format(fmt, output, "csv", bom, excel, raw=raw)
        if spec.name != "xlsx":
            raise typer.BadParameter(
                _("--level all writes one sheet per level: use -o FILE.xlsx (or --format xlsx)"),
                param_hint="'--level'",
            )
        sheets = [(lv.value, *make()) for lv, make in levels.items()]
        counts = [f"{len(rows)} {name}" for name, rows, _cols in sheets]
        what = _("{counts} and {last} to ").format(counts=", ".join(counts[:-1]), last=counts[-1])
        _workbook(output, sheets, dataset.files, what)
        return
    rows, columns = levels[level]()

    def draw(width: int) -> Any:
        from gongfu_cli.render import rows_table

        return rows_table(rows, columns, width)

    what = _("{count} {level} rows to ").format(count=len(rows), level=level.value)
    _output(rows, columns, fmt, output, draw, "", dataset.files, default="csv", bom=bom,
            excel=excel, what=what, sheet=level.value, raw=raw)  # fmt: skip


@app.command(
    help=_(
        "Start your own data file: a copy of the bundled dataset, or an empty template.\n"
        "\n"
        "Example: gongfu init my-buses.toml && export GONGFU_DATA=my-buses.toml"
    ),
)
@reports_errors
def init(
    path: Annotated[Path, typer.Argument(help=_("The new data file to create."))],
    empty: Annotated[
        bool,
        typer.Option(
            "--empty",
            help=_(
                "A commented template with one example bus, instead of a "
                "copy of the bundled Huzhou dataset."
            ),
        ),
    ] = False,
) -> None:
    import shlex

    from gongfu_cli.files import create_new
    from gongfu_cli.paths import bundled_data

    content = _empty_template().encode("utf-8") if empty else bundled_data().read_bytes()
    create_new(path, content)
    shown = shown_path(path)
    if empty:
        say(_("created {path} (template)").format(path=shown))
    else:
        say(_("created {path} (a copy of the bundled data)").format(path=shown))
    say(_("next: point gongfu at it, then record readings:"))
    say(f"  export GONGFU_DATA={shlex.quote(shown)}")
    say("  gongfu record BUS INDICATOR VALUE --date YYYY-MM-DD --source TEXT")


def _empty_template() -> str:
    from gongfu_cli.template import EMPTY_TEMPLATE

    return EMPTY_TEMPLATE


class _ValueCommand(typer.core.TyperCommand):
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


@app.command(
    cls=_ValueCommand,
    help=_(
        "Append a dated reading to your data file, keeping every existing byte.\n"
        "\n"
        "Example: gongfu record 送气下乡 通气行政村覆盖率 45 --date 2023-06-30 --source 半年报"
    ),
)
@reports_errors
def record(
    bus: BusArgument,
    indicator: IndicatorArgument,
    value: Annotated[
        str,
        typer.Argument(
            metavar="VALUE",
            help=_(
                "The indicator's level on that date (not an increment): 85, 85.5, 1,200, "
                "８５．５, or 85% when the unit is %. A negative value goes after --: -- -5."
            ),
        ),
    ],
    when: Annotated[
        date | None,
        typer.Option(
            "--date",
            metavar="YYYY-MM-DD",
            parser=parse_date,
            help=_(
                "The date of the reading (2024-06-30, 2024/6/30 or 2024年6月30日). Default: today."
            ),
        ),
    ] = None,
    source: Annotated[
        str | None, typer.Option("--source", help=_("Where the figure comes from."))
    ] = None,
    note: Annotated[
        str | None, typer.Option("--note", help=_("A remark kept with the reading."))
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            metavar="NAME",
            help=_(
                "Who reported the figure (填报人); the reading also notes today as the day it "
                "was received."
            ),
        ),
    ] = None,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help=_(
                "Correct the reading already on that date, in place (its source and note "
                "too, when given); prints old → new."
            ),
        ),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=_("Show what would be recorded; write nothing."))
    ] = False,
    as_typed: AsTypedOption = False,
    data: DataOption = None,
    as_of: AsOfOption = None,
    wait: WaitOption = LOCK_WAIT,
) -> None:
    from gongfu_cli.record import BadValue
    from gongfu_cli.record import record as record_reading

    today = date.today()
    path = data or _bundled()
    try:
        done = record_reading(
            path,
            bus,
            indicator,
            value,
            when or today,
            source,
            note,
            dry_run=dry_run,
            today=today,
            on_wait=_waiting(path),
            on_retry=_again(path),
            replace=replace,
            wait=wait,
            by=by,
            as_typed=as_typed,
        )
    except BadValue as exc:
        raise typer.BadParameter(i18n.said(exc.message)) from None
    _tell(done, as_of)


@app.command(
    help=_(
        "Remove one reading (a wrong entry) from your data file, keeping every other "
        "byte.\n"
        "\n"
        "Example: gongfu delete 送气下乡 通气行政村覆盖率 --date 2023-06-30"
    ),
)
@reports_errors
def delete(
    bus: BusArgument,
    indicator: IndicatorArgument,
    when: Annotated[
        date,
        typer.Option(
            "--date",
            metavar="YYYY-MM-DD",
            parser=parse_date,
            help=_("The date of the reading to remove."),
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=_("Show what would be deleted; write nothing."))
    ] = False,
    data: DataOption = None,
    as_of: AsOfOption = None,
    wait: WaitOption = LOCK_WAIT,
) -> None:
    from gongfu_cli.record import delete as delete_reading

    path = data or _bundled()
    done = delete_reading(path, bus, indicator, when, dry_run, _waiting(path), _again(path), wait)
    _tell(done, as_of)


@app.command(
    help=_(
        "The sheet (报送表) a lead agency fills in: one row per indicator, with its last "
        "figure.\n"
        "\n"
        "Example: gongfu template --lead 市建设局 --date 2024-06-30 -o 报送表.xlsx"
    ),
)
@reports_errors
def template(
    output: Annotated[
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
    ],
    lead: LeadOption = None,
    bus: BusOption = None,
    batch: BatchOption = None,
    when: Annotated[
        date | None,
        typer.Option(
            "--date",
            metavar="YYYY-MM-DD",
            parser=parse_date,
            help=_("Pre-fill the 日期 column with the date the figures are for."),
        ),
    ] = None,
    data: DataOption = None,
    as_of: AsOfOption = None,
    no_cache: NoCacheOption = False,
) -> None:
    from gongfu_cli.files import write_output
    from gongfu_cli.metrics import assess
    from gongfu_cli.resolve import resolve
    from gongfu_cli.rows import template_rows
    from gongfu_cli.selection import resolve_field, select
    from gongfu_cli.views import UNASSIGNED_LEAD

    suffix = output.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise typer.BadParameter(
            _("{path}: the sheet is written as .xlsx or .csv; end the name in one of them").format(
                path=shown_path(output)
            ),
            param_hint="'--output'",
        )
    dataset = _load(data, no_cache, output)
    assessed = assess(dataset, _as_of(as_of))
    results = select(assessed, batch, lead=lead)
    if bus is not None:
        wanted = resolve([r.bus for r in results], bus)
        results = [r for r in results if r.bus.id == wanted.id]
    agency = None  # with --lead, one sheet named as the data names the agency
    if lead is not None:
        agency = resolve_field((n for r in assessed for n in r.bus.leads), lead, "lead")
    groups: dict[str, list[Row]] = {}
    for result in results:
        name = agency or result.bus.lead or UNASSIGNED_LEAD
        groups.setdefault(name, []).extend(template_rows([result], when))
    rows = [row for group in groups.values() for row in group]
    if not rows:
        raise GongfuError(_("no indicators selected: nothing to fill in"))
    if suffix == ".xlsx":
        from gongfu_cli.workbook import template_workbook

        cut: list[str] = []
        content = template_workbook(list(groups.items()), cut)
    else:
        from gongfu_cli.formats import delimited
        from gongfu_cli.workbook import TEMPLATE_COLUMNS

        text = delimited(rows, TEMPLATE_COLUMNS, crlf=True, neutral=True)
        content = ("\ufeff" + text).encode("utf-8")
    write_output(output, content, dataset.files)
    sheets = ""
    if suffix == ".xlsx" and len(groups) > 1:
        sheets = _(" in {count} sheets").format(count=len(groups))
    buses = (_("{count} bus") if len(results) == 1 else _("{count} buses")).format(
        count=len(results)
    )
    say(
        _("wrote {path}: {count} indicators of {buses}{sheets}").format(
            path=shown_path(output), count=len(rows), buses=buses, sheets=sheets
        ),
        err=True,
    )
    if suffix == ".xlsx":
        _cut_notes(output, cut)


class ImportFormat(StrEnum):
    table = "table"
    json = "json"


@app.command(
    "import",
    help=_(
        "Import the figures of filled-in sheets: all of them, or none if any is wrong.\n"
        "\n"
        "Example: gongfu import 报送表.xlsx --dry-run"
    ),
)
@reports_errors
def import_figures(
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE...",
            help=_("The sheets that came back: .xlsx (every sheet), .csv or .tsv."),
            show_default=False,
        ),
    ],
    sheet: Annotated[
        str | None, typer.Option("--sheet", help=_("Read only this sheet of each workbook."))
    ] = None,
    when: Annotated[
        date | None,
        typer.Option(
            "--date",
            metavar="YYYY-MM-DD",
            parser=parse_date,
            help=_("The date of figures whose row has no date (or a sheet without a date column)."),
        ),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            help=_(
                "The source of rows without one. Default: the file and sheet "
                "(报送表.xlsx!市建设局)."
            ),
        ),
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            metavar="NAME",
            help=_(
                "Who reported the figures (填报人), for sheets that do not say: the sheet's 填报人 "
                "line (as in the template) or a 填报人 column wins."
            ),
        ),
    ] = None,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help=_(
                "A figure that differs from the reading already on its date replaces it "
                "(otherwise that is an error)."
            ),
        ),
    ] = False,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help=_("Show every reading that would be added or replaced.")),
    ] = False,
    fmt: Annotated[
        ImportFormat, typer.Option("--format", "-f", help=_("table for people, json for scripts."))
    ] = ImportFormat.table,
    include_hidden: Annotated[
        bool,
        typer.Option(
            "--include-hidden",
            help=_("Read hidden sheets and hidden rows too (skipped with a note otherwise)."),
        ),
    ] = False,
    as_typed: AsTypedOption = False,
    data: DataOption = None,
    as_of: AsOfOption = None,
    wait: WaitOption = LOCK_WAIT,
) -> None:
    from gongfu_cli.entry import EntryError
    from gongfu_cli.intake import import_sheets

    path = data or _bundled()
    try:
        done = import_sheets(path, files, sheet, when, source, replace, dry_run,
                             on_wait=_waiting(path), on_retry=_again(path), wait=wait,
                             include_hidden=include_hidden, by=by,
                             as_typed=as_typed)  # fmt: skip
    except EntryError as exc:  # --source or --by is not text gongfu can keep
        raise typer.BadParameter(str(exc)) from None
    if fmt is ImportFormat.json:
        _emit(_import_json(done, dry_run))
    else:
        _import_text(done, _as_of(as_of))


def _import_json(done: Any, dry_run: bool) -> str:
    import json

    from gongfu_cli.formats import json_objects
    from gongfu_cli.intake import CHANGE_COLUMNS, SUMMARY_COLUMNS, change_rows, summary_rows, totals

    document = {
        "written": done.written,
        "dry_run": dry_run,
        "files": [str(f) for f in done.files],
        "totals": totals(done.changes),
        "buses": json_objects(summary_rows(done.changes), SUMMARY_COLUMNS),
        "changes": json_objects(change_rows(done.changes), CHANGE_COLUMNS),
        "ignored_columns": done.ignored,
        "notes": done.notes,
        "warnings": done.warnings,
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _import_text(done: Any, as_of: date) -> None:
    from gongfu_cli.display import visible_line
    from gongfu_cli.intake import SUMMARY_COLUMNS, summary_rows, totals

    console = _console()
    if done.ignored:
        names = ", ".join(visible_line(n) for n in done.ignored)
        say(_("ignored columns: {names}").format(names=names))
    for note in done.notes:
        say(_("note: {note}").format(note=visible_line(i18n.said(note))))

    from gongfu_cli.display import number
    from gongfu_cli.render import rows_table

    for c in done.changes:  # a dry run lists every change; a real one, each replaced value
        if c.action == "same" or (done.written and c.action != "replace"):
            continue
        value = number(c.value, c.indicator.unit)
        if c.old is not None:
            value = f"{number(c.old.value, c.indicator.unit)} → {value}"
        if done.written:
            verb = {"add": _("added"), "replace": _("replaced")}[c.action]
        else:
            verb = {"add": _("would add"), "replace": _("would replace")}[c.action]
        verb += " " * (13 - i18n.columns(verb))  # a column 13 wide, Chinese or English
        say(f"  {verb} {visible_line(c.bus.name)} · {visible_line(c.indicator.name)} · "
            f"{c.date} · {value}  ({c.origin})")  # fmt: skip
    from gongfu_cli.render import fitted
    from gongfu_cli.views import IMPORT_TABLE

    rows = summary_rows(done.changes)
    table = fitted(IMPORT_TABLE, rows, console.width)
    console.print(table if table is not None else rows_table(rows, SUMMARY_COLUMNS, console.width))
    counts = totals(done.changes)
    line = _("{added} added, {present} already present, {replaced} replaced").format(**counts)
    files = ", ".join(shown_path(f) for f in done.files)
    if done.written:
        say(_("imported: {line}; written to {files}").format(line=line, files=files))
    elif done.files:
        planned = _("{added} to add, {present} already present, {replaced} to replace")
        say(_("dry run: {line}; nothing written (would write {files})").format(
            line=planned.format(**counts), files=files))  # fmt: skip
    else:
        say(_("nothing to write: {line}").format(line=line))
    shown = 10  # a sheet of thousands of figures can warn thousands of times
    _import_now(done, as_of, shown)
    for warning in done.warnings[:shown]:
        say(_("warning: {warning}").format(warning=visible_line(i18n.said(warning))), err=True)
    if len(done.warnings) > shown:
        more = len(done.warnings) - shown
        say(_("warning: … and {more} more (`gongfu check` lists every one)").format(more=more),
            err=True)  # fmt: skip


def _import_now(done: Any, as_of: date, shown: int) -> None:
    """Where each indicator given a new or corrected figure stands now (the first `shown`)."""
    from gongfu_cli.display import visible_line
    from gongfu_cli.metrics import assess_one
    from gongfu_cli.record import now_line
    from gongfu_cli.resolve import resolve

    if done.dataset is None:
        return
    touched = list(dict.fromkeys((c.bus.id, c.indicator.id) for c in done.changes
                                 if c.action in ("add", "replace")))  # fmt: skip
    for bus_id, indicator_id in touched[:shown]:
        bus = resolve(done.dataset.buses, bus_id)
        indicator = resolve(bus.indicators, indicator_id, kind="indicator")
        what = f"{visible_line(bus.name)} · {visible_line(indicator.name)}: "
        say(now_line(assess_one(done.dataset, bus, indicator, as_of), what))
    if len(touched) > shown:
        more = len(touched) - shown
        say(_("now: … and {more} more indicators (`gongfu progress BUS` shows each)").format(
            more=more))  # fmt: skip


def _bundled() -> Path:
    from gongfu_cli.paths import bundled_data

    return bundled_data()


def _waiting(path: Path) -> Callable[[], None]:
    def waiting() -> None:
        say(_("waiting for another gongfu command writing {path}…").format(
            path=shown_path(path)), err=True)  # fmt: skip

    return waiting


def _again(path: Path) -> Callable[[], None]:
    def again() -> None:
        say(
            _("{path} was changed by another program meanwhile; reading it again…").format(
                path=shown_path(path)
            ),
            err=True,
        )

    return again


def _tell(done: Any, as_of: date | None) -> None:
    """The change made, where the indicator stands now, and what `check` would say of it."""
    from gongfu_cli.metrics import assess_one
    from gongfu_cli.record import recorded_message

    now = assess_one(done.dataset, done.bus, done.indicator, _as_of(as_of))
    say(recorded_message(done, now))
    for warning in done.warnings:
        say(_("warning: {warning}").format(warning=i18n.said(warning)), err=True)


@app.command(
    help=_(
        "Every reading of an indicator, with changes, a sparkline and the trend's "
        "forecast.\n"
        "\n"
        "Example: gongfu history 优教共享 --format csv"
    ),
)
@reports_errors
def history(
    bus: BusArgument,
    indicator: Annotated[
        str | None,
        typer.Argument(
            metavar="[INDICATOR]",
            callback=not_empty,
            autocompletion=complete_indicator,
            help=_("One indicator (id, name or a unique part). Default: all of them."),
        ),
    ] = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
    data: DataOption = None,
    as_of: AsOfOption = None,
    no_cache: NoCacheOption = False,
    save: SaveOption = None,
    raw: RawOption = False,
    theme: ThemeOption = Theme.light,
    chart: ChartOption = None,
) -> None:
    from gongfu_cli.metrics import assess
    from gongfu_cli.resolve import resolve
    from gongfu_cli.rows import HISTORY_COLUMNS, history_rows
    from gongfu_cli.views import history_view

    dataset = _load(data, no_cache, output, save, chart)
    day = _as_of(as_of)
    found = resolve(dataset.buses, bus)
    if not found.indicators:
        from gongfu_cli.validate import quote

        raise GongfuError(
            _(
                "{path}: bus {bus} has no indicators, so no history; add its "
                "[[buses.indicators]] first"
            ).format(path=shown_path(found.file), bus=quote(found.name))
        )
    chosen = found.indicators
    if indicator is not None:
        chosen = (resolve(found.indicators, indicator, kind="indicator"),)
    rows = history_rows(found, chosen, day)
    (assessed,) = assess(dataset, day, [found])

    def draw(width: int) -> Any:
        from gongfu_cli.render import history

        return history(history_view(assessed, chosen, day), width)

    title = f"{found.name} · 历史"
    _check_chart(chart)
    if chart is not None and indicator is None:
        raise typer.BadParameter(
            _(
                "--chart draws one indicator: name it (gongfu history BUS INDICATOR --chart "
                "FILE), or use gongfu progress BUS --chart FILE for all of them"
            ),
            param_hint="'--chart'",
        )
    _output(
        rows, HISTORY_COLUMNS, fmt, output, draw, title, dataset.files, save, theme=theme, raw=raw
    )
    if chart is not None:
        from gongfu_cli.charts import burnup_svg

        result = next(r for r in assessed.indicators if r.indicator.id == chosen[0].id)
        _chart(chart, burnup_svg(found, result, day), title, dataset.files)


@app.command(
    help=_(
        "The race (赛马): buses ranked by attainment or by how far ahead of schedule they are. "
        "Every bus of the programme races; --batch, --field, --lead and --status choose the rows "
        "shown, with their programme-wide ranks (--within ranks among the chosen buses only).\n"
        "\n"
        "Example: gongfu rank --by gap --compare 2024-06-30"
    ),
)
@reports_errors
def rank(
    by: Annotated[
        RankBy,
        typer.Option(
            "--by",
            help=_(
                "attainment (完成率), or gap = attainment − schedule "
                "(how far ahead of its own schedule)."
            ),
        ),
    ] = RankBy.attainment,
    compare: Annotated[
        date | None,
        typer.Option(
            "--compare",
            metavar="DATE",
            parser=parse_date,
            help=_("Also rank as of DATE and show who moved up (进位) or down (退位)."),
        ),
    ] = None,
    batch: BatchOption = None,
    field: FieldOption = None,
    lead: LeadOption = None,
    status: StatusOption = None,
    within: WithinOption = False,
    fmt: FormatOption = None,
    output: OutputOption = None,
    data: DataOption = None,
    as_of: AsOfOption = None,
    no_cache: NoCacheOption = False,
    save: SaveOption = None,
    raw: RawOption = False,
    theme: ThemeOption = Theme.light,
    chart: ChartOption = None,
) -> None:
    from gongfu_cli.metrics import assess
    from gongfu_cli.rows import COMPARE_COLUMNS, RANK_COLUMNS
    from gongfu_cli.selection import select
    from gongfu_cli.views import race_view

    _earlier(compare, as_of, "--compare")
    dataset = _load(data, no_cache, output, save, chart)
    day = _as_of(as_of)
    title = f"{dataset.program.name or 'gongfu'} · 赛马 · 截至 {day.isoformat()}"
    everyone = assess(dataset, day)
    chosen = select(everyone, batch, field, status or (), lead)
    shown = {r.bus.id for r in chosen}
    earlier = None
    if compare is not None:
        then = _as_published(data, compare, assess(dataset, compare))
        earlier = [r for r in then if not within or r.bus.id in shown]
    view = race_view(title, chosen if within else everyone, by.value, earlier, compare, shown)
    columns = RANK_COLUMNS + (COMPARE_COLUMNS if compare is not None else ())

    def draw(width: int) -> Any:
        from gongfu_cli.render import rank_table

        return rank_table(view, width)

    _check_chart(chart)
    _output(view.rows, columns, fmt, output, draw, title, dataset.files, save, theme=theme, raw=raw)
    if chart is not None:
        from gongfu_cli.charts import race_svg

        _chart(chart, race_svg(title, view.rows, view.caption), title, dataset.files)


@app.command(
    help=_(
        "What changed since a date (晾晒): indicators with new figures or whose status moved, "
        "by kind (转差 worse, 好转 better, 首次报送 first, 其他 same); buses whose status changed; "
        "indicators that became stale.\n"
        "\n"
        "Example: gongfu changes --since 2024-03-31"
    ),
)
@reports_errors
def changes(
    since: Annotated[
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
    ] = None,
    corrections: Annotated[
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
    ] = None,
    batch: BatchOption = None,
    field: FieldOption = None,
    lead: LeadOption = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
    data: DataOption = None,
    as_of: AsOfOption = None,
    no_cache: NoCacheOption = False,
    save: SaveOption = None,
    raw: RawOption = False,
    theme: ThemeOption = Theme.light,
) -> None:
    from gongfu_cli.metrics import assess
    from gongfu_cli.rows import CHANGES_COLUMNS, changes_rows
    from gongfu_cli.selection import select
    from gongfu_cli.views import changes_view

    if (since is None) == (corrections is None):
        raise typer.BadParameter("give --since DATE, or --corrections DATE (not both)")
    if corrections is not None:
        _corrections(corrections, batch, field, lead, fmt, output, data, no_cache, save, raw,
                     theme)  # fmt: skip
        return
    assert since is not None
    _earlier(since, as_of, "--since")
    dataset = _load(data, no_cache, output, save)
    day = _as_of(as_of)
    now = select(assess(dataset, day), batch, field, lead=lead)
    ids = {r.bus.id for r in now}
    then = [r for r in _as_published(data, since, assess(dataset, since)) if r.bus.id in ids]
    rows = changes_rows(now, then, since, day)
    title = f"{dataset.program.name or 'gongfu'} · 变化 · {since.isoformat()} → {day.isoformat()}"

    def draw(width: int) -> Any:
        from gongfu_cli.render import changes as draw_changes

        return draw_changes(changes_view(title, now, then, rows), width)

    _output(
        rows, CHANGES_COLUMNS, fmt, output, draw, title, dataset.files, save, theme=theme, raw=raw
    )


def _corrections(
    day: date,
    batch: int | None,
    field: str | None,
    lead: str | None,
    fmt: str | None,
    output: Path | None,
    data: Path | None,
    no_cache: bool,
    save: Path | None,
    raw: bool,
    theme: Theme,
) -> None:
    """`changes --corrections DATE`: what differs from the period published for DATE."""
    from gongfu_cli.metrics import assess
    from gongfu_cli.paths import bundled_data
    from gongfu_cli.published import CORRECTIONS_COLUMNS, corrections_rows, find, path_for
    from gongfu_cli.selection import select
    from gongfu_cli.views import CORRECTIONS_TABLE, corrections_view

    dataset = _load(data, no_cache, output, save)
    path = data if data is not None else bundled_data()
    period = find(path, day)
    if period is None:
        raise GongfuError(
            _("{path}: {date} was not published; see gongfu published, or gongfu publish "
              "--as-of {date}").format(path=shown_path(path_for(path, day)), date=day.isoformat())
        )  # fmt: skip
    kept = {r.bus.id for r in select(assess(dataset, day), batch, field, lead=lead)}
    rows = [r for r in corrections_rows(dataset, period) if r["bus_id"] in kept]
    title = f"{dataset.program.name or 'gongfu'} · 通报后的更正 · {day.isoformat()}"

    def draw(width: int) -> Any:
        from gongfu_cli.render import listing

        return listing(title, CORRECTIONS_TABLE, corrections_view(rows), CORRECTIONS_COLUMNS,
                       width, "（无更正）", f"与 {shown_path(period.path)} 相比")  # fmt: skip

    _output(rows, CORRECTIONS_COLUMNS, fmt, output, draw, title, dataset.files, save,
            theme=theme.value, raw=raw)  # fmt: skip


@app.command(
    help=_(
        "Freeze what the meeting saw as of --as-of: published/DATE.json beside the data, which "
        "later comparisons with DATE use, whatever is corrected afterwards.\n"
        "\n"
        "Example: gongfu publish --as-of 2024-06-30"
    ),
)
@reports_errors
def publish(
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help=_("Publish DATE again, replacing what was published (deliberately)."),
        ),
    ] = False,
    data: DataOption = None,
    as_of: AsOfOption = None,
) -> None:
    import os

    from gongfu_cli.files import create_new, make_folder, write_output
    from gongfu_cli.paths import bundled_data, is_bundled
    from gongfu_cli.published import encode, folder, path_for, read_hashed, record

    path = data if data is not None else bundled_data()
    if is_bundled(path):
        raise GongfuError(
            _("the bundled dataset is never written: start your own with gongfu init PATH, and "
              "publish that")
        )  # fmt: skip
    day = _as_of(as_of)
    target = path_for(path, day)
    if os.path.lexists(target) and not replace:
        raise GongfuError(
            _("{path}: {date} is already published; not overwritten (--replace publishes it "
              "again)").format(path=shown_path(target), date=day.isoformat())
        )  # fmt: skip
    dataset, digests = read_hashed(path)
    content = record(dataset, day, digests)
    make_folder(folder(path))
    if replace and os.path.lexists(target):
        write_output(target, encode(content), dataset.files)
    else:
        create_new(target, encode(content))
    say(
        _("published {date}: {buses} buses, {indicators} indicators, {readings} readings in "
          "{path}").format(date=day.isoformat(), buses=len(content["buses"]),
                           indicators=len(content["indicators"]),
                           readings=len(content["readings"]), path=shown_path(target))
    )  # fmt: skip


@app.command(
    "published",
    help=_(
        "List the periods published with gongfu publish, oldest first.\n\nExample: gongfu published"
    ),
)
@reports_errors
def published_periods(
    fmt: FormatOption = None,
    output: OutputOption = None,
    data: DataOption = None,
    raw: RawOption = False,
) -> None:
    from gongfu_cli.paths import bundled_data
    from gongfu_cli.published import PUBLISHED_COLUMNS, folder, listed
    from gongfu_cli.views import PUBLISHED_TABLE

    _refuse_inputs(data, output)
    path = data if data is not None else bundled_data()
    rows = listed(path)
    title = f"已发布 · {shown_path(folder(path))}"

    def draw(width: int) -> Any:
        from gongfu_cli.render import listing

        return listing(title, PUBLISHED_TABLE, rows, PUBLISHED_COLUMNS, width,
                       "（还没有：gongfu publish --as-of DATE）")  # fmt: skip

    _output(rows, PUBLISHED_COLUMNS, fmt, output, draw, title, (), raw=raw)


@app.command(
    help=_(
        "The follow-up ladder (督办): each agency's red and yellow indicators and the figures it "
        "owes (催报), with how long each has stood and the action the rules give.\n"
        "\n"
        "Example: gongfu followup --since 2024-05-31 -o 督办单/"
    ),
)
@reports_errors
def followup(
    since: Annotated[
        date | None,
        typer.Option(
            "--since",
            metavar="DATE",
            parser=parse_date,
            help=_(
                "The last meeting (回头看): what was flagged then and no longer is, struck off "
                "(销号)."
            ),
        ),
    ] = None,
    batch: BatchOption = None,
    field: FieldOption = None,
    lead: LeadOption = None,
    fmt: FormatOption = None,
    target: Annotated[
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
    ] = None,
    data: DataOption = None,
    as_of: AsOfOption = None,
    no_cache: NoCacheOption = False,
    save: SaveOption = None,
    theme: ThemeOption = Theme.light,
) -> None:
    from gongfu_cli.followup import Ladder, follow_up
    from gongfu_cli.followup_view import FOLLOWUP_COLUMNS, followup_rows, followup_view
    from gongfu_cli.metrics import assess
    from gongfu_cli.selection import select

    _earlier(since, as_of, "--since")
    output = Path(target) if target else None  # the text itself: a Path drops a final slash
    folder = bool(target) and (str(target).endswith(("/", os.sep)) or Path(str(target)).is_dir())
    if folder and (fmt or "xlsx") not in ("xlsx", "csv", "md", "docx"):
        raise typer.BadParameter(
            _("one sheet per agency is xlsx, csv, md or docx, not {format}").format(format=fmt),
            param_hint="'--format'",
        )
    if not folder and fmt == "docx":
        raise typer.BadParameter(
            _("the 督办单 as docx are written one per agency: -o DIR/"), param_hint="'--format'"
        )
    if output is not None and not folder and not output.suffix:
        try:
            _format(fmt, output, "table")
        except typer.BadParameter as exc:
            raise typer.BadParameter(
                _(
                    "{message}; or write -o {folder}/ (with the slash) for one sheet per agency "
                    "(the 督办单)"
                ).format(message=exc.message, folder=shown_path(output))
            ) from None
    dataset = load_data(data, not no_cache)
    day = _as_of(as_of)
    results = select(assess(dataset, day), batch, field, lead=lead)
    items = follow_up(results, day, Ladder.of(dataset.program), since)
    rows = followup_rows(items)
    back = f" · 回头看 {since.isoformat()}" if since is not None else ""
    title = f"{dataset.program.name or 'gongfu'} · 督办 · 截至 {day.isoformat()}{back}"
    view = followup_view(title, items, rows, since)
    if folder:
        assert output is not None
        _agency_sheets(output, view, day, fmt or "xlsx", dataset.files, dataset.program.name)
        return

    def draw(width: int) -> Any:
        from gongfu_cli.render import followup as draw_followup

        return draw_followup(view, width)

    _output(rows, FOLLOWUP_COLUMNS, fmt, output, draw, title, dataset.files, save, theme=theme,
            sheet="督办")  # fmt: skip


def _agency_sheets(
    folder: Path,
    view: Any,
    day: date,
    fmt: str,
    protect: Sequence[str],
    programme: str | None = None,
) -> None:
    """`followup -o DIR/`: one file per agency, through the one write path."""
    from gongfu_cli.files import write_output
    from gongfu_cli.followup_view import agency_sheets

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GongfuError(
            i18n.T(
                "{name}: cannot create the folder: {reason}",
                name=shown_path(folder),
                reason=i18n.os_reason(exc),
            )
        ) from None
    sheets = agency_sheets(view, day, fmt, programme)
    for name, content in sheets:
        write_output(folder / name, content, protect)
    say(
        _("wrote {count} sheet(s) to {path}").format(count=len(sheets), path=shown_path(folder)),
        err=True,
    )


class GroupBy(StrEnum):
    lead = "lead"
    field = "field"
    batch = "batch"


@app.command(
    help=_(
        "Group summaries: per lead agency, field or batch, the attainment, the coverage "
        "(报送率)\n"
        "and how many indicators stand at each status.\n"
        "\n"
        "Example: gongfu summary --by lead"
    ),
)
@reports_errors
def summary(
    by: Annotated[
        GroupBy, typer.Option("--by", help=_("Group the buses by lead agency, field or batch."))
    ] = GroupBy.lead,
    batch: BatchOption = None,
    field: FieldOption = None,
    lead: LeadOption = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
    data: DataOption = None,
    as_of: AsOfOption = None,
    no_cache: NoCacheOption = False,
    save: SaveOption = None,
    raw: RawOption = False,
    theme: ThemeOption = Theme.light,
) -> None:
    from gongfu_cli.metrics import assess
    from gongfu_cli.rows import SUMMARY_COLUMNS
    from gongfu_cli.selection import select
    from gongfu_cli.views import summary_view

    dataset = _load(data, no_cache, output, save)
    day = _as_of(as_of)
    label = {"lead": "牵头单位", "field": "领域", "batch": "批次"}[by.value]
    title = f"{dataset.program.name or 'gongfu'} · 按{label} · 截至 {day.isoformat()}"
    view = summary_view(title, select(assess(dataset, day), batch, field, lead=lead), by.value)

    def draw(width: int) -> Any:
        from gongfu_cli.render import summary_table

        return summary_table(view, width)

    _output(
        view.rows,
        SUMMARY_COLUMNS,
        fmt,
        output,
        draw,
        title,
        dataset.files,
        save,
        theme=theme,
        raw=raw,
    )


@app.command(
    help=_(
        "Validate a data file: every problem, one per line as FILE:LINE: message.\n"
        "\n"
        "Example: gongfu check --data my-buses.toml --strict"
    ),
)
def check(
    strict: Annotated[
        bool, typer.Option("--strict", help=_("Fail (exit 1) on warnings too, not only on errors."))
    ] = False,
    fmt: Annotated[
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
    ] = None,
    output: CheckOutputOption = None,
    raw: RawOption = False,
    data: DataOption = None,
    as_of: AsOfOption = None,
    no_cache: NoCacheOption = False,
) -> None:
    from gongfu_cli.check import CHECK_COLUMNS, run_check
    from gongfu_cli.paths import bundled_data

    text = fmt == "text" or (fmt is None and output is None)
    spec = None if text else _format(fmt, output, "csv", raw=raw)
    if spec is not None and spec.kind not in ("rows", "workbook"):
        raise typer.BadParameter(
            _("check prints problems: text or a rows format, not {format}").format(format=spec.name)
        )
    if spec is None and raw:
        raise typer.BadParameter(_("--raw is for CSV and TSV only, not text"))
    try:
        _refuse_inputs(data, output)
        result = run_check(data or bundled_data(), _as_of(as_of), date.today(), not no_cache)
        protect = result.dataset.files if result.dataset else ()
        if spec is None:
            _write(output, "".join(line + "\n" for line in result.lines()), protect, "")
        elif spec.kind == "workbook":
            _workbook(output, [("check", result.rows(human=True), CHECK_COLUMNS)], protect, "")
        else:
            from gongfu_cli.outputs import neutral

            safe = neutral(spec, output, False, False, raw)
            rows = render_rows(result.rows(), CHECK_COLUMNS, spec.name, crlf=False, neutral=safe)
            _write(output, rows, protect, "")
    except GongfuError as error:  # the output is refused or could not be written
        for line in error.lines():
            say(line, err=True)
        raise typer.Exit(1) from None
    if result.failed(strict):
        raise typer.Exit(1)


@app.command(
    help=_(
        "The whole programme as of a date: headline figures, the race, every bus, stale data. "
        "With --lead, that agency's buses, each with its place in the programme's race (--within: "
        "ranked among them only).\n"
        "\n"
        "Example: gongfu report --output report.html"
    ),
)
@reports_errors
def report(
    fmt: Annotated[
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
    ] = None,
    output: ReportOutputOption = None,
    compare: Annotated[
        date | None,
        typer.Option(
            "--compare",
            metavar="DATE",
            parser=parse_date,
            help=_("Show each bus's move in the race since DATE (进位/退位)."),
        ),
    ] = None,
    since: Annotated[
        date | None,
        typer.Option(
            "--since",
            metavar="DATE",
            parser=parse_date,
            help=_("Add what changed since DATE (晾晒)."),
        ),
    ] = None,
    lead: LeadOption = None,
    within: Annotated[
        bool,
        typer.Option(
            "--within",
            help=_(
                "With --lead, rank among that agency's buses only (its own race), not in the "
                "programme's."
            ),
        ),
    ] = False,
    data: DataOption = None,
    as_of: AsOfOption = None,
    no_cache: NoCacheOption = False,
) -> None:
    from gongfu_cli.metrics import assess
    from gongfu_cli.report import html_report, markdown_report
    from gongfu_cli.selection import select
    from gongfu_cli.views import report_view

    named = output.suffix.lower() if output is not None else ""
    as_pdf = fmt == "pdf" or (fmt is None and named == ".pdf")
    as_docx = fmt == "docx" or (fmt is None and named == ".docx")
    document = "pdf" if as_pdf else "docx" if as_docx else None
    if document and (output is None or str(output) in ("-", "/dev/stdout")):
        raise typer.BadParameter(
            _("a {format} report is written to a file: -o FILE.{format}").format(format=document)
        )
    spec = _format(
        "html" if as_pdf else "md" if as_docx else fmt,
        output if not document else None,
        "md",
        tabulate=False,
    )
    if spec.name not in ("md", "html"):
        raise typer.BadParameter(
            _("a report is md, html, pdf or docx, not {format}").format(format=spec.name)
        )
    _earlier(compare, as_of, "--compare")
    _earlier(since, as_of, "--since")
    dataset = _load(data, no_cache, output)
    day = _as_of(as_of)
    everyone = assess(dataset, day)
    results = select(everyone, lead=lead)
    ids = {r.bus.id for r in results}
    racing = results if within else everyone

    past = {  # as published, where the date was (one line on stderr says so)
        when: _as_published(data, when, assess(dataset, when))
        for when in {compare, since} - {None}
        if when is not None
    }

    def at(when: date | None, chosen: bool = True) -> tuple[date, list[Any]] | None:
        if when is None:
            return None
        return when, [r for r in past[when] if not chosen or r.bus.id in ids]

    from gongfu_cli.followup import Ladder, follow_up
    from gongfu_cli.followup_view import followup_rows, followup_view

    items = follow_up(results, day, Ladder.of(dataset.program), since)
    ladder = followup_view("督办", items, followup_rows(items), since)
    built = report_view(dataset, results, day, at(compare, within), at(since), racing, ladder)
    if as_docx:
        from gongfu_cli.bulletin import docx_report
        from gongfu_cli.charts import bus_svg, race_svg
        from gongfu_cli.raster import require_chinese_font

        require_chinese_font("the charts of the .docx")
        charts = {
            r.bus.id: bus_svg(r, day)
            for r in results
            if any(i.indicator.target is not None for i in r.indicators)
        }
        charts["race"] = race_svg(built.race.title, built.race.rows, built.race.caption)
        _write(output, docx_report(built, charts), dataset.files, "")
        return
    if spec.name == "html":
        from gongfu_cli.charts import bus_svg, race_svg

        charts = {
            r.bus.id: bus_svg(r, day)
            for r in results
            if any(i.indicator.target is not None for i in r.indicators)
        }
        charts["race"] = race_svg(built.race.title, built.race.rows, built.race.caption)
        text = html_report(built, charts)
        if as_pdf:
            from gongfu_cli.browser import pdf
            from gongfu_cli.raster import require_chinese_font

            require_chinese_font(i18n.T("the PDF"))
            _write(output, pdf(text), dataset.files, "")
            return
    else:
        text = markdown_report(built)
    _write(output, text, dataset.files, "")


@app.command(
    help=_(
        "Print the JSON Schema of the data format, for editors that validate TOML.\n"
        "\n"
        "Example: gongfu schema > gongfu.schema.json"
    ),
)
def schema() -> None:
    import json

    from gongfu_cli.schema import SCHEMA

    _emit(json.dumps(SCHEMA, ensure_ascii=False, indent=2) + "\n")


def _version(value: bool) -> None:
    if value:
        say(f"gongfu {__version__}")
        raise typer.Exit()


class Lang(StrEnum):
    zh = "zh"
    en = "en"


def _lang(value: Lang | None) -> None:
    if value is not None:
        i18n.use(value.value)


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help=_("Show the version and exit.")
        ),
    ] = False,
    lang: Annotated[
        Lang | None,
        typer.Option(
            "--lang",
            callback=_lang,
            is_eager=True,
            help=_(
                "The language of messages, help and pictures: zh (中文) or en. Default: "
                "GONGFU_LANG, else the system's locale (Chinese when it is zh*)."
            ),
        ),
    ] = None,
) -> None:
    """Track the targets and progress of Huzhou's common-prosperity bus lines (共富班车)."""


def main() -> None:
    """The console entry point. (click already ends quietly when a reader closes the pipe.)"""
    from gongfu_cli.display import fall_back_on_narrow_encodings

    fall_back_on_narrow_encodings()
    argv = sys.argv[1:]
    # `gongfu --lang zh` alone is `gongfu` in that language (already chosen): the help
    only_lang = argv in (["--lang", "zh"], ["--lang", "en"], ["--lang=zh"], ["--lang=en"])
    _app_for(argv)(args=[] if only_lang else None, prog_name="gongfu")


def _after_lang(argv: list[str]) -> list[str]:
    """The command line after a leading `--lang X` (or `--lang=X`)."""
    if argv[:1] == ["--lang"]:
        return argv[2:]
    if argv[:1] and argv[0].startswith("--lang="):
        return argv[1:]
    return argv


def _app_for(argv: list[str]) -> typer.Typer:
    """The app to run: for `gongfu COMMAND …`, one holding only that command.

    Typer builds every command's click command on each call (about 3 ms each); a CLI called in
    shell loops needs only the one it runs. Shell completion and `gongfu --help` get the whole
    app; the one-command app is a group too, so usage and help read `gongfu COMMAND`.
    """
    argv = _after_lang(argv)
    if not argv or any(name.startswith("_GONGFU_COMPLETE") for name in os.environ):
        return app
    for info in app.registered_commands:
        name = info.name or (info.callback.__name__ if info.callback else "")
        if name == argv[0]:
            single = typer.Typer(add_completion=False, **APP_SETTINGS)
            single.registered_commands.append(info)
            single.callback()(_main)
            return single
    return app
