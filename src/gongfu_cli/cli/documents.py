"""Commands that write documents: export, report, template, publish, published, check, schema."""

from datetime import date

import typer
import typer.core

from gongfu_cli import i18n
from gongfu_cli.cli.common import (
    app,
    as_of_day,
    data_path,
    load_dataset,
    not_later,
    past,
    refuse_inputs,
    reports_errors,
)
from gongfu_cli.cli.options import (
    AsOfOption,
    BatchOption,
    BusOption,
    DataOption,
    LeadOption,
    NoCacheOption,
    PublishReplaceOption,
    ReportCompareOption,
    ReportSinceOption,
    ReportWithinOption,
    StrictOption,
    TemplateDateOption,
)
from gongfu_cli.cli.output_options import (
    BomOption,
    CheckFormatOption,
    CheckOutputOption,
    ExcelOption,
    FormatOption,
    Level,
    LevelOption,
    OutputOption,
    RawOption,
    ReportFormatOption,
    ReportOutputOption,
    TemplateOutputOption,
)
from gongfu_cli.errors import GongfuError
from gongfu_cli.escapes import shown_path
from gongfu_cli.i18n import _
from gongfu_cli.rendering import emit, registry
from gongfu_cli.rendering.emit import say


@app.command(
    help=_(
        "Rows for scripts and spreadsheets: CSV by default.\n"
        "\n"
        "Example: gongfu export --level buses | cut -d, -f2,9"
    ),
)
@reports_errors
def export(
    level: LevelOption = Level.indicators,
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
    from gongfu_cli.presentation import queries

    dataset = load_dataset(data, no_cache, output)
    day = as_of_day(as_of)
    if level is Level.all:
        spec = emit.choose_format(fmt, output, "csv", bom, excel, raw=raw)
        if spec.name != "xlsx":
            raise typer.BadParameter(
                _("--level all writes one sheet per level: use -o FILE.xlsx (or --format xlsx)"),
                param_hint="'--level'",
            )
        levels = [
            queries.export(dataset, day, lead, lv.value) for lv in Level if lv is not Level.all
        ]
        what = _("{counted} to ").format(
            counted=i18n.said(i18n.series([_counted(a.sheet, len(a.rows)) for a in levels]))
        )
        emit.workbook(output, [(a.sheet or "", a.rows, a.columns) for a in levels], dataset.files,
                      what)  # fmt: skip
        return
    answer = queries.export(dataset, day, lead, level.value)
    what = _("{counted} to ").format(counted=_counted(level.value, len(answer.rows)))
    emit.shown(answer, fmt, output, dataset.files, raw=raw, default="csv", bom=bom, excel=excel,
               what=what)  # fmt: skip


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
    fmt: ReportFormatOption = None,
    output: ReportOutputOption = None,
    compare: ReportCompareOption = None,
    since: ReportSinceOption = None,
    lead: LeadOption = None,
    within: ReportWithinOption = False,
    data: DataOption = None,
    as_of: AsOfOption = None,
    no_cache: NoCacheOption = False,
) -> None:
    from gongfu_cli.presentation import queries

    spec = emit.choose_format(fmt, output, "md", tabulate=False, offered=registry.REPORT,
                              what=i18n.T("a report"))  # fmt: skip
    if spec.kind == "document" and registry.to_stdout(output):
        raise typer.BadParameter(
            _("a {format} report is written to a file: -o FILE.{format}").format(format=spec.name)
        )
    not_later(compare, as_of, "--compare")
    not_later(since, as_of, "--since")
    dataset = load_dataset(data, no_cache, output)
    day = as_of_day(as_of)
    found = queries.report(dataset, day, lead, within, compare, since, past(dataset, data))
    emit.write(output, emit.report_bytes(spec.name, found.view, found.results, day),
               dataset.files, "")  # fmt: skip


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
    output: TemplateOutputOption,
    lead: LeadOption = None,
    bus: BusOption = None,
    batch: BatchOption = None,
    when: TemplateDateOption = None,
    data: DataOption = None,
    as_of: AsOfOption = None,
    no_cache: NoCacheOption = False,
) -> None:
    from gongfu_cli.presentation import queries

    spec = emit.choose_format(None, output, "xlsx", tabulate=False, offered=registry.TEMPLATE,
                              what=i18n.T("the sheet"), option="--output")  # fmt: skip
    dataset = load_dataset(data, no_cache, output)
    filters = queries.Filters(batch, lead=lead)
    groups, buses = queries.template_sheets(dataset, as_of_day(as_of), filters, bus, when)
    emit.template(output, spec.name, groups, buses, dataset.files)


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
    replace: PublishReplaceOption = False,
    data: DataOption = None,
    as_of: AsOfOption = None,
) -> None:

    from gongfu_cli.presentation.published import publish as publish_period

    target, content = publish_period(data_path(data), as_of_day(as_of), replace)
    say(
        _("published {date}: {buses} buses, {indicators} indicators, {readings} readings in "
          "{path}").format(date=content["as_of"], buses=len(content["buses"]),
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
    from gongfu_cli.presentation import queries

    refuse_inputs(data, output)
    emit.shown(queries.published(data_path(data)), fmt, output, (), raw=raw)


@app.command(
    help=_(
        "Validate a data file: every problem, one per line as FILE:LINE: message.\n"
        "\n"
        "Example: gongfu check --data my-buses.toml --strict"
    ),
)
def check(
    strict: StrictOption = False,
    fmt: CheckFormatOption = None,
    output: CheckOutputOption = None,
    raw: RawOption = False,
    data: DataOption = None,
    as_of: AsOfOption = None,
    no_cache: NoCacheOption = False,
) -> None:
    from gongfu_cli.store.check import CHECK_COLUMNS, run_check

    problems = i18n.T("check's list of problems")
    spec = emit.choose_format(fmt, output, "text" if output is None else "csv", raw=raw,
                              offered=registry.CHECK, what=problems)  # fmt: skip
    try:
        refuse_inputs(data, output)
        result = run_check(data_path(data), as_of_day(as_of), date.today(), not no_cache)
        protect = result.dataset.files if result.dataset else ()
        if spec.kind == "text":
            emit.write(output, "".join(line + "\n" for line in result.lines()), protect, "")
        elif spec.kind == "workbook":
            emit.workbook(output, [("check", result.rows(human=True), CHECK_COLUMNS)], protect, "")
        else:
            emit.write(output, emit.rows_text(spec, result.rows(), CHECK_COLUMNS, output, raw=raw),
                       protect, "")  # fmt: skip
    except GongfuError as error:  # the output is refused or could not be written
        for line in error.lines():
            say(line, err=True)
        raise typer.Exit(1) from None
    if result.failed(strict):
        raise typer.Exit(1)


@app.command(
    help=_(
        "Print the JSON Schema of the data format, for editors that validate TOML.\n"
        "\n"
        "Example: gongfu schema > gongfu.schema.json"
    ),
)
def schema() -> None:
    import json

    from gongfu_cli.store.schema import SCHEMA

    emit.stdout_text(json.dumps(SCHEMA, ensure_ascii=False, indent=2) + "\n")


def _counted(level: str | None, count: int) -> str:
    """How many rows of a level an export wrote, in words: `43 readings`."""
    words = {
        "buses": _("{count} buses"),
        "indicators": _("{count} indicators"),
        "readings": _("{count} readings"),
    }
    return words[level or "readings"].format(count=count)
