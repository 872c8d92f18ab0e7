"""Commands that show the programme: list, progress, history, rank, changes, summary, followup."""

from pathlib import Path

import typer
import typer.core

from gongfu_cli.cli.common import (
    app,
    as_of_day,
    data_path,
    load_dataset,
    not_later,
    past,
    reports_errors,
)
from gongfu_cli.cli.options import (
    AsOfOption,
    BatchOption,
    BusArgument,
    ChangesSinceOption,
    CorrectionsOption,
    DataOption,
    FieldOption,
    FollowupSinceOption,
    GroupBy,
    GroupByOption,
    LeadOption,
    NoCacheOption,
    OneIndicatorArgument,
    RaceCompareOption,
    RankBy,
    RankByOption,
    StatusOption,
    WithinOption,
)
from gongfu_cli.cli.output_options import (
    ChartOption,
    FollowupOutputOption,
    FormatOption,
    OutputOption,
    RawOption,
    SaveOption,
    Theme,
    ThemeOption,
    agency_folder,
)
from gongfu_cli.i18n import _
from gongfu_cli.rendering import emit


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
    from gongfu_cli.presentation import queries

    dataset = load_dataset(data, no_cache, output, save)
    answer = queries.bus_list(
        dataset, as_of_day(as_of), queries.Filters(batch, field, status or (), lead)
    )
    emit.shown(answer, fmt, output, dataset.files, save, theme, raw)


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
    from gongfu_cli.presentation import queries

    dataset = load_dataset(data, no_cache, output, save, chart)
    emit.check_chart(chart)
    day = as_of_day(as_of)
    answer, result = queries.progress(dataset, day, bus)
    emit.shown(answer, fmt, output, dataset.files, save, theme, raw)
    if chart is not None:
        from gongfu_cli.rendering.charts import bus_svg

        emit.chart(chart, bus_svg(result, day), answer.title, dataset.files)


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
    indicator: OneIndicatorArgument = None,
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
    from gongfu_cli.presentation import queries

    dataset = load_dataset(data, no_cache, output, save, chart)
    emit.check_chart(chart)
    if chart is not None and indicator is None:
        raise typer.BadParameter(
            _(
                "--chart draws one indicator: name it (gongfu history BUS INDICATOR --chart "
                "FILE), or use gongfu progress BUS --chart FILE for all of them"
            ),
            param_hint="'--chart'",
        )
    day = as_of_day(as_of)
    found = queries.history(dataset, day, bus, indicator)
    emit.shown(found.shown, fmt, output, dataset.files, save, theme, raw)
    if chart is not None:
        from gongfu_cli.rendering.charts import burnup_svg

        result = next(r for r in found.result.indicators if r.indicator.id == found.chosen[0].id)
        emit.chart(chart, burnup_svg(found.result.bus, result, day), found.shown.title,
                   dataset.files)  # fmt: skip


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
    by: RankByOption = RankBy.attainment,
    compare: RaceCompareOption = None,
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
    from gongfu_cli.presentation import queries

    not_later(compare, as_of, "--compare")
    dataset = load_dataset(data, no_cache, output, save, chart)
    emit.check_chart(chart)
    filters = queries.Filters(batch, field, status or (), lead)
    answer = queries.race(dataset, as_of_day(as_of), filters, by.value, compare, within,
                          past(dataset, data))  # fmt: skip
    emit.shown(answer, fmt, output, dataset.files, save, theme, raw)
    if chart is not None:
        from gongfu_cli.rendering.charts import race_svg

        view = answer.view
        emit.chart(chart, race_svg(answer.title, view.rows, view.caption), answer.title,
                   dataset.files)  # fmt: skip


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
    since: ChangesSinceOption = None,
    corrections: CorrectionsOption = None,
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
    from gongfu_cli.presentation import queries

    if (since is None) == (corrections is None):
        raise typer.BadParameter("give --since DATE, or --corrections DATE (not both)")
    dataset = load_dataset(data, no_cache, output, save)
    filters = queries.Filters(batch, field, lead=lead)
    if corrections is not None:
        answer = queries.corrections(dataset, data_path(data), corrections, filters)
    else:
        assert since is not None
        not_later(since, as_of, "--since")
        answer = queries.changes(dataset, as_of_day(as_of), since, filters, past(dataset, data))
    emit.shown(answer, fmt, output, dataset.files, save, theme, raw)


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
    by: GroupByOption = GroupBy.lead,
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
    from gongfu_cli.presentation import queries

    dataset = load_dataset(data, no_cache, output, save)
    answer = queries.summary(
        dataset, as_of_day(as_of), queries.Filters(batch, field, lead=lead), by.value
    )
    emit.shown(answer, fmt, output, dataset.files, save, theme, raw)


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
    since: FollowupSinceOption = None,
    batch: BatchOption = None,
    field: FieldOption = None,
    lead: LeadOption = None,
    fmt: FormatOption = None,
    target: FollowupOutputOption = None,
    data: DataOption = None,
    as_of: AsOfOption = None,
    no_cache: NoCacheOption = False,
    save: SaveOption = None,
    theme: ThemeOption = Theme.light,
) -> None:
    from gongfu_cli.presentation import queries

    not_later(since, as_of, "--since")
    folder = agency_folder(target, fmt)
    output = Path(target) if target and not folder else None
    dataset = load_dataset(data, no_cache, output, save)
    day = as_of_day(as_of)
    answer = queries.followup(dataset, day, queries.Filters(batch, field, lead=lead), since)
    if folder is not None:
        from gongfu_cli.rendering.agency_files import write_agency_sheets

        write_agency_sheets(folder, answer.view, day, fmt or "xlsx", dataset.files,
                            dataset.program.name)  # fmt: skip
        return
    emit.shown(answer, fmt, output, dataset.files, save, theme)
