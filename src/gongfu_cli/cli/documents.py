"""Commands that write documents: export, report, template, publish, published, check, schema."""

import os
from datetime import date
from typing import Any

import typer
import typer.core

from gongfu_cli import i18n
from gongfu_cli.cli.common import (
    app,
    as_of_day,
    load_dataset,
    not_later,
    published_or_computed,
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
from gongfu_cli.presentation.rows import Row
from gongfu_cli.rendering import emit
from gongfu_cli.rendering.emit import say
from gongfu_cli.rendering.serializers import render_rows


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
    from gongfu_cli.domain.metrics import assess
    from gongfu_cli.domain.selection import select
    from gongfu_cli.presentation.rows import (
        BUS_COLUMNS,
        INDICATOR_COLUMNS,
        READING_COLUMNS,
        bus_rows,
        indicator_rows,
        reading_rows,
    )

    dataset = load_dataset(data, no_cache, output)
    day = as_of_day(as_of)
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
        spec = emit.choose_format(fmt, output, "csv", bom, excel, raw=raw)
        if spec.name != "xlsx":
            raise typer.BadParameter(
                _("--level all writes one sheet per level: use -o FILE.xlsx (or --format xlsx)"),
                param_hint="'--level'",
            )
        sheets = [(lv.value, *make()) for lv, make in levels.items()]
        counts = [f"{len(rows)} {name}" for name, rows, _cols in sheets]
        what = _("{counts} and {last} to ").format(counts=", ".join(counts[:-1]), last=counts[-1])
        emit.workbook(output, sheets, dataset.files, what)
        return
    rows, columns = levels[level]()

    def draw(width: int) -> Any:
        from gongfu_cli.rendering.terminal import rows_table

        return rows_table(rows, columns, width)

    what = _("{count} {level} rows to ").format(count=len(rows), level=level.value)
    emit.output(rows, columns, fmt, output, draw, "", dataset.files, default="csv", bom=bom,
            excel=excel, what=what, sheet=level.value, raw=raw)  # fmt: skip


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
    from gongfu_cli.domain.metrics import assess
    from gongfu_cli.domain.selection import select
    from gongfu_cli.presentation.views import report_view
    from gongfu_cli.rendering.report import html_report, markdown_report

    named = output.suffix.lower() if output is not None else ""
    as_pdf = fmt == "pdf" or (fmt is None and named == ".pdf")
    as_docx = fmt == "docx" or (fmt is None and named == ".docx")
    document = "pdf" if as_pdf else "docx" if as_docx else None
    if document and (output is None or str(output) in ("-", "/dev/stdout")):
        raise typer.BadParameter(
            _("a {format} report is written to a file: -o FILE.{format}").format(format=document)
        )
    spec = emit.choose_format(
        "html" if as_pdf else "md" if as_docx else fmt,
        output if not document else None,
        "md",
        tabulate=False,
    )
    if spec.name not in ("md", "html"):
        raise typer.BadParameter(
            _("a report is md, html, pdf or docx, not {format}").format(format=spec.name)
        )
    not_later(compare, as_of, "--compare")
    not_later(since, as_of, "--since")
    dataset = load_dataset(data, no_cache, output)
    day = as_of_day(as_of)
    everyone = assess(dataset, day)
    results = select(everyone, lead=lead)
    ids = {r.bus.id for r in results}
    racing = results if within else everyone

    past = {  # as published, where the date was (one line on stderr says so)
        when: published_or_computed(data, when, assess(dataset, when))
        for when in {compare, since} - {None}
        if when is not None
    }

    def at(when: date | None, chosen: bool = True) -> tuple[date, list[Any]] | None:
        if when is None:
            return None
        return when, [r for r in past[when] if not chosen or r.bus.id in ids]

    from gongfu_cli.domain.followup import Ladder, follow_up
    from gongfu_cli.presentation.followup_view import followup_rows, followup_view

    items = follow_up(results, day, Ladder.of(dataset.program), since)
    ladder = followup_view("督办", items, followup_rows(items), since)
    built = report_view(dataset, results, day, at(compare, within), at(since), racing, ladder)
    if as_docx:
        from gongfu_cli.rendering.bulletin import docx_report
        from gongfu_cli.rendering.charts import bus_svg, race_svg
        from gongfu_cli.rendering.raster import require_chinese_font

        require_chinese_font("the charts of the .docx")
        charts = {
            r.bus.id: bus_svg(r, day)
            for r in results
            if any(i.indicator.target is not None for i in r.indicators)
        }
        charts["race"] = race_svg(built.race.title, built.race.rows, built.race.caption)
        emit.write(output, docx_report(built, charts), dataset.files, "")
        return
    if spec.name == "html":
        from gongfu_cli.rendering.charts import bus_svg, race_svg

        charts = {
            r.bus.id: bus_svg(r, day)
            for r in results
            if any(i.indicator.target is not None for i in r.indicators)
        }
        charts["race"] = race_svg(built.race.title, built.race.rows, built.race.caption)
        text = html_report(built, charts)
        if as_pdf:
            from gongfu_cli.rendering.browser import pdf
            from gongfu_cli.rendering.raster import require_chinese_font

            require_chinese_font(i18n.T("the PDF"))
            emit.write(output, pdf(text), dataset.files, "")
            return
    else:
        text = markdown_report(built)
    emit.write(output, text, dataset.files, "")


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
    from gongfu_cli.domain.matching import resolve
    from gongfu_cli.domain.metrics import assess
    from gongfu_cli.domain.selection import resolve_field, select
    from gongfu_cli.presentation.rows import template_rows
    from gongfu_cli.presentation.views import UNASSIGNED_LEAD
    from gongfu_cli.store.files import write_output

    suffix = output.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise typer.BadParameter(
            _("{path}: the sheet is written as .xlsx or .csv; end the name in one of them").format(
                path=shown_path(output)
            ),
            param_hint="'--output'",
        )
    dataset = load_dataset(data, no_cache, output)
    assessed = assess(dataset, as_of_day(as_of))
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
        from gongfu_cli.spreadsheets.write import template_workbook

        cut: list[str] = []
        content = template_workbook(list(groups.items()), cut)
    else:
        from gongfu_cli.rendering.serializers import delimited
        from gongfu_cli.spreadsheets.write import TEMPLATE_COLUMNS

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
        emit.cut_notes(output, cut)


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

    from gongfu_cli.presentation.published import encode, folder, path_for, read_hashed, record
    from gongfu_cli.store.files import create_new, make_folder, write_output
    from gongfu_cli.store.paths import bundled_data, is_bundled

    path = data if data is not None else bundled_data()
    if is_bundled(path):
        raise GongfuError(
            _("the bundled dataset is never written: start your own with gongfu init PATH, and "
              "publish that")
        )  # fmt: skip
    day = as_of_day(as_of)
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
    from gongfu_cli.presentation.published import PUBLISHED_COLUMNS, folder, listed
    from gongfu_cli.presentation.views import PUBLISHED_TABLE
    from gongfu_cli.store.paths import bundled_data

    refuse_inputs(data, output)
    path = data if data is not None else bundled_data()
    rows = listed(path)
    title = f"已发布 · {shown_path(folder(path))}"

    def draw(width: int) -> Any:
        from gongfu_cli.rendering.terminal import listing

        return listing(title, PUBLISHED_TABLE, rows, PUBLISHED_COLUMNS, width,
                       "（还没有：gongfu publish --as-of DATE）")  # fmt: skip

    emit.output(rows, PUBLISHED_COLUMNS, fmt, output, draw, title, (), raw=raw)


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
    from gongfu_cli.store.paths import bundled_data

    text = fmt == "text" or (fmt is None and output is None)
    spec = None if text else emit.choose_format(fmt, output, "csv", raw=raw)
    if spec is not None and spec.kind not in ("rows", "workbook"):
        raise typer.BadParameter(
            _("check prints problems: text or a rows format, not {format}").format(format=spec.name)
        )
    if spec is None and raw:
        raise typer.BadParameter(_("--raw is for CSV and TSV only, not text"))
    try:
        refuse_inputs(data, output)
        result = run_check(data or bundled_data(), as_of_day(as_of), date.today(), not no_cache)
        protect = result.dataset.files if result.dataset else ()
        if spec is None:
            emit.write(output, "".join(line + "\n" for line in result.lines()), protect, "")
        elif spec.kind == "workbook":
            emit.workbook(output, [("check", result.rows(human=True), CHECK_COLUMNS)], protect, "")
        else:
            from gongfu_cli.rendering.registry import neutral

            safe = neutral(spec, output, False, False, raw)
            rows = render_rows(result.rows(), CHECK_COLUMNS, spec.name, crlf=False, neutral=safe)
            emit.write(output, rows, protect, "")
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
