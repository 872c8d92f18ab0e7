"""Commands that show the programme: list, progress, history, rank, changes, summary, followup."""

import os
from collections.abc import Sequence
from datetime import date
from pathlib import Path
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
)
from gongfu_cli.errors import GongfuError
from gongfu_cli.escapes import shown_path
from gongfu_cli.i18n import _
from gongfu_cli.rendering import emit
from gongfu_cli.rendering.emit import say
from gongfu_cli.store.cache import load_data


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
    from gongfu_cli.domain.metrics import assess
    from gongfu_cli.domain.selection import select
    from gongfu_cli.presentation.rows import BUS_COLUMNS
    from gongfu_cli.presentation.views import list_view

    dataset = load_dataset(data, no_cache, output, save)
    day = as_of_day(as_of)
    title = f"{dataset.program.name or 'gongfu'} · 截至 {day.isoformat()}"
    view = list_view(title, select(assess(dataset, day), batch, field, status or (), lead))

    def draw(width: int) -> Any:
        from gongfu_cli.rendering.terminal import bus_table

        return bus_table(view, width)

    emit.output(
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
    from gongfu_cli.domain.matching import resolve
    from gongfu_cli.domain.metrics import assess
    from gongfu_cli.presentation.rows import INDICATOR_COLUMNS, indicator_rows
    from gongfu_cli.presentation.views import bus_view

    dataset = load_dataset(data, no_cache, output, save, chart)
    day = as_of_day(as_of)
    (result,) = assess(dataset, day, [resolve(dataset.buses, bus)])
    rows = indicator_rows([result])

    def draw(width: int) -> Any:
        from gongfu_cli.rendering.terminal import progress_view

        return progress_view(bus_view(result), day, width)

    title = f"{result.bus.name} · 截至 {day.isoformat()}"
    emit.check_chart(chart)
    emit.output(
        rows, INDICATOR_COLUMNS, fmt, output, draw, title, dataset.files, save, theme=theme, raw=raw
    )
    if chart is not None:
        from gongfu_cli.rendering.charts import bus_svg

        emit.chart(chart, bus_svg(result, day), title, dataset.files)


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
    from gongfu_cli.domain.matching import resolve
    from gongfu_cli.domain.metrics import assess
    from gongfu_cli.presentation.rows import HISTORY_COLUMNS, history_rows
    from gongfu_cli.presentation.views import history_view

    dataset = load_dataset(data, no_cache, output, save, chart)
    day = as_of_day(as_of)
    found = resolve(dataset.buses, bus)
    if not found.indicators:
        from gongfu_cli.escapes import quote

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
        from gongfu_cli.rendering.terminal import history

        return history(history_view(assessed, chosen, day), width)

    title = f"{found.name} · 历史"
    emit.check_chart(chart)
    if chart is not None and indicator is None:
        raise typer.BadParameter(
            _(
                "--chart draws one indicator: name it (gongfu history BUS INDICATOR --chart "
                "FILE), or use gongfu progress BUS --chart FILE for all of them"
            ),
            param_hint="'--chart'",
        )
    emit.output(
        rows, HISTORY_COLUMNS, fmt, output, draw, title, dataset.files, save, theme=theme, raw=raw
    )
    if chart is not None:
        from gongfu_cli.rendering.charts import burnup_svg

        result = next(r for r in assessed.indicators if r.indicator.id == chosen[0].id)
        emit.chart(chart, burnup_svg(found, result, day), title, dataset.files)


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
    from gongfu_cli.domain.metrics import assess
    from gongfu_cli.domain.selection import select
    from gongfu_cli.presentation.rows import COMPARE_COLUMNS, RANK_COLUMNS
    from gongfu_cli.presentation.views import race_view

    not_later(compare, as_of, "--compare")
    dataset = load_dataset(data, no_cache, output, save, chart)
    day = as_of_day(as_of)
    title = f"{dataset.program.name or 'gongfu'} · 赛马 · 截至 {day.isoformat()}"
    everyone = assess(dataset, day)
    chosen = select(everyone, batch, field, status or (), lead)
    shown = {r.bus.id for r in chosen}
    earlier = None
    if compare is not None:
        then = published_or_computed(data, compare, assess(dataset, compare))
        earlier = [r for r in then if not within or r.bus.id in shown]
    view = race_view(title, chosen if within else everyone, by.value, earlier, compare, shown)
    columns = RANK_COLUMNS + (COMPARE_COLUMNS if compare is not None else ())

    def draw(width: int) -> Any:
        from gongfu_cli.rendering.terminal import rank_table

        return rank_table(view, width)

    emit.check_chart(chart)
    emit.output(
        view.rows, columns, fmt, output, draw, title, dataset.files, save, theme=theme, raw=raw
    )
    if chart is not None:
        from gongfu_cli.rendering.charts import race_svg

        emit.chart(chart, race_svg(title, view.rows, view.caption), title, dataset.files)


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
    from gongfu_cli.domain.metrics import assess
    from gongfu_cli.domain.selection import select
    from gongfu_cli.presentation.rows import CHANGES_COLUMNS, changes_rows
    from gongfu_cli.presentation.views import changes_view

    if (since is None) == (corrections is None):
        raise typer.BadParameter("give --since DATE, or --corrections DATE (not both)")
    if corrections is not None:
        _corrections(corrections, batch, field, lead, fmt, output, data, no_cache, save, raw,
                     theme)  # fmt: skip
        return
    assert since is not None
    not_later(since, as_of, "--since")
    dataset = load_dataset(data, no_cache, output, save)
    day = as_of_day(as_of)
    now = select(assess(dataset, day), batch, field, lead=lead)
    ids = {r.bus.id for r in now}
    then = [
        r for r in published_or_computed(data, since, assess(dataset, since)) if r.bus.id in ids
    ]
    rows = changes_rows(now, then, since, day)
    title = f"{dataset.program.name or 'gongfu'} · 变化 · {since.isoformat()} → {day.isoformat()}"

    def draw(width: int) -> Any:
        from gongfu_cli.rendering.terminal import changes as draw_changes

        return draw_changes(changes_view(title, now, then, rows), width)

    emit.output(
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
    from gongfu_cli.domain.metrics import assess
    from gongfu_cli.domain.selection import select
    from gongfu_cli.presentation.published import (
        CORRECTIONS_COLUMNS,
        corrections_rows,
        find,
        path_for,
    )
    from gongfu_cli.presentation.views import CORRECTIONS_TABLE, corrections_view
    from gongfu_cli.store.paths import bundled_data

    dataset = load_dataset(data, no_cache, output, save)
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
        from gongfu_cli.rendering.terminal import listing

        return listing(title, CORRECTIONS_TABLE, corrections_view(rows), CORRECTIONS_COLUMNS,
                       width, "（无更正）", f"与 {shown_path(period.path)} 相比")  # fmt: skip

    emit.output(rows, CORRECTIONS_COLUMNS, fmt, output, draw, title, dataset.files, save,
            theme=theme.value, raw=raw)  # fmt: skip


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
    from gongfu_cli.domain.metrics import assess
    from gongfu_cli.domain.selection import select
    from gongfu_cli.presentation.rows import SUMMARY_COLUMNS
    from gongfu_cli.presentation.views import summary_view

    dataset = load_dataset(data, no_cache, output, save)
    day = as_of_day(as_of)
    label = {"lead": "牵头单位", "field": "领域", "batch": "批次"}[by.value]
    title = f"{dataset.program.name or 'gongfu'} · 按{label} · 截至 {day.isoformat()}"
    view = summary_view(title, select(assess(dataset, day), batch, field, lead=lead), by.value)

    def draw(width: int) -> Any:
        from gongfu_cli.rendering.terminal import summary_table

        return summary_table(view, width)

    emit.output(
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
    from gongfu_cli.domain.followup import Ladder, follow_up
    from gongfu_cli.domain.metrics import assess
    from gongfu_cli.domain.selection import select
    from gongfu_cli.presentation.followup_view import FOLLOWUP_COLUMNS, followup_rows, followup_view

    not_later(since, as_of, "--since")
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
            emit.choose_format(fmt, output, "table")
        except typer.BadParameter as exc:
            raise typer.BadParameter(
                _(
                    "{message}; or write -o {folder}/ (with the slash) for one sheet per agency "
                    "(the 督办单)"
                ).format(message=exc.message, folder=shown_path(output))
            ) from None
    dataset = load_data(data, not no_cache)
    day = as_of_day(as_of)
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
        from gongfu_cli.rendering.terminal import followup as draw_followup

        return draw_followup(view, width)

    emit.output(rows, FOLLOWUP_COLUMNS, fmt, output, draw, title, dataset.files, save, theme=theme,
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
    from gongfu_cli.presentation.followup_view import agency_sheets
    from gongfu_cli.store.files import write_output

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
