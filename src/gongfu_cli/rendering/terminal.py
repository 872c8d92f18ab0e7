"""Rich views for people. Imported only by commands that draw a table.

Every piece of user text goes in as `rich.text.Text` (never as markup) after `visible()`, so a
name like "[bold]" or an escape sequence shows literally. Every view is drawn for a width:
tables shrink their bars, then stack each row as a paragraph, rather than cut a character
(see `layout`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from gongfu_cli.escapes import visible, visible_line
from gongfu_cli.presentation import views
from gongfu_cli.presentation.columns import Column as ViewColumn
from gongfu_cli.presentation.columns import cell_text
from gongfu_cli.presentation.rows import Row
from gongfu_cli.presentation.values import date_text, filled, number, percent, points
from gongfu_cli.presentation.vocabulary import SHORT_LABELS, label, status_label, status_style
from gongfu_cli.rendering.layout import Column, cards, fit_table, wrap
from gongfu_cli.rendering.pictures import right_aligned

if TYPE_CHECKING:
    from gongfu_cli.presentation.followup_view import FollowupView

BAR_WIDTH = 10
BAR_STEPS = (BAR_WIDTH, 5, 0)  # bars shrink, then go, before anything else gives way


def text(value: str | None, style: str = "") -> Text:
    return Text(visible_line(value), style=style)


def status_text(status: str) -> Text:
    return Text(status_label(status), style=status_style(status))


def bar(ratio: float | None, status: str, width: int = BAR_WIDTH) -> Text:
    """Attainment as a bar and a percentage; overshoot fills the bar and shows in the number."""
    if ratio is None:
        return Text("")
    cells = filled(ratio, width)
    out = Text()
    if width:
        out.append("█" * cells, style=status_style(status))
        out.append("░" * (width - cells), style="dim")
        out.append(" ")
    if width:  # set right-aligned in its field: pictures anchor it at its right edge
        out.append(f"{percent(ratio):>6}", style=right_aligned())
    else:
        out.append(percent(ratio))
    return out


def fact(label: str, value: Text | str) -> Text:
    """`label value` for a stacked row; empty when there is no value."""
    value = Text(value) if isinstance(value, str) else value
    if not value.plain:
        return Text("")
    return Text(f"{label} ", style="dim").append_text(value)


def titled(
    title: str | None, body: RenderableType, width: int, caption: str | None = None
) -> Group:
    """A view with its title above and its caption below, both wrapped, never cut."""
    parts: list[RenderableType] = []
    if title:
        parts.append(wrap(Text(visible_line(title)), width))
    parts.append(body)
    if caption:
        parts.append(wrap(Text(caption), width))
    return Group(*parts)


def cell(column: ViewColumn, row: Row, bars: int, status: str | None = None) -> Text:
    """One cell for a terminal, by its column's kind; ratios with `bar` are drawn as bars
    coloured by `status` (the row's own, unless given)."""
    value = row.get(column.key)
    if column.kind == "text":  # a group may be a batch number: text as people read it
        return text(cell_text(column, row))
    if column.kind == "status":
        return status_text(row[column.key])
    if column.bar:
        return bar(value, status or row["status"], bars)
    if column.kind == "points":
        return _gap(value)
    return Text(cell_text(column, row))


def fitted(
    columns: Sequence[ViewColumn], rows: Sequence[Row], width: int, status: str | None = None
) -> Table | None:
    """The table with the widest bars that fits, or None when none does. Text columns wrap,
    numbers keep their width and align right."""
    specs = [
        Column(c.header, wraps=c.kind == "text", justify="right" if c.right else "left")
        for c in columns
    ]
    for wrap_text in (False, True):  # names whole and smaller bars, before names wrap
        for bars in BAR_STEPS:
            cells = [[cell(c, row, bars, status) for c in columns] for row in rows]
            table = fit_table(specs, cells, width, wrap_text)
            if table is not None:
                return table
    return None


def _gap(gap: float | None) -> Text:
    return Text(points(gap), style="green" if gap >= 0 else "red") if gap is not None else Text("")


# ---------------------------------------------------------------------------------------------
# list


def bus_table(view: views.ListView, width: int) -> Group:
    table = fitted(views.LIST_TABLE, view.rows, width)
    if table is not None:
        return titled(view.title, table, width, view.caption)
    stacked = cards(
        [text(r["bus"], "bold").append("  ").append_text(status_text(r["status"]))
         for r in view.rows],
        [
            [
                fact("批次", str(r["batch"])),
                fact("牵头", text(r["lead"])),
                fact("领域", text(r["field"])),
                fact("指标", str(r["indicators"])),
                fact("完成率", percent(r["attainment"])),
                fact("序时进度", percent(r["schedule"])),
            ]
            for r in view.rows
        ],
        width,
    )  # fmt: skip
    return titled(view.title, Group(Text(""), stacked, Text("")), width, view.caption)


# ---------------------------------------------------------------------------------------------
# progress


def _indicator_columns(rows: Sequence[Row], wide: bool) -> list[Column]:
    columns = [Column(label("indicator"), wraps=True)]
    if _show_baseline(rows):
        columns.append(Column(label("baseline"), justify="right"))
    columns += [Column(label("target"), justify="right"), Column(label("value"), justify="right")]
    if wide:
        columns.append(Column(label("value_date")))
    columns += [
        Column(label("attainment")),
        Column(label("schedule") if wide else SHORT_LABELS["schedule"], justify="right"),
        Column(label("status")),
    ]
    if wide:
        columns += [Column(label("projected"), justify="right"), Column(label("eta"))]
    else:
        columns.append(Column(label("trend"), justify="right"))
    return columns


def _show_baseline(rows: Sequence[Row]) -> bool:
    return any(r["baseline"] not in (0, None) and r["target"] is not None for r in rows)


def _indicator_cells(row: Row, bars: int, wide: bool, baseline: bool) -> list[Text]:
    unit = row["unit"]
    cells = [text(row["indicator"])]
    if baseline:
        cells.append(Text(number(row["baseline"], unit) if row["target"] is not None else ""))
    cells.append(Text(number(row["target"], unit)))
    if wide:
        cells += [Text(number(row["value"], unit)), Text(date_text(row["value_date"]))]
    else:
        cells.append(Text("\n".join(filter(None, [number(row["value"], unit),
                                                   date_text(row["value_date"])]))))  # fmt: skip
    cells += [
        bar(row["attainment"], row["status"], bars),
        Text(percent(row["schedule"])),
        status_text(row["status"]),
    ]
    if wide:
        cells += [Text(percent(row["projected"])), Text(date_text(row["eta"]))]
    else:
        cells.append(
            Text("\n".join(filter(None, [percent(row["projected"]), date_text(row["eta"])])))
        )
    return cells


def indicator_table(rows: Sequence[Row], width: int = 120) -> Table | None:
    """One row per indicator. Wide: a column per fact. Narrow: value over date, trend stacked.
    None when not even the narrow table fits."""
    baseline = _show_baseline(rows)
    layouts = [(True, BAR_WIDTH)] if width >= 140 else []
    layouts += [(False, bars) for bars in BAR_STEPS]
    for wide, bars in layouts:
        cells = [_indicator_cells(row, bars, wide, baseline) for row in rows]
        table = fit_table(_indicator_columns(rows, wide), cells, width)
        if table is not None:
            return table
    return None


def indicator_cards(rows: Sequence[Row], width: int) -> Group:
    """Indicators as short paragraphs, for terminals too narrow for a table."""
    facts = []
    for row in rows:
        unit = row["unit"]
        latest = (
            f"{number(row['value'], unit)}（{date_text(row['value_date'])}）"
            if row["value"] is not None
            else ""
        )
        facts.append(
            [
                fact("目标", number(row["target"], unit)),
                fact(
                    "基线",
                    number(row["baseline"], unit)
                    if row["target"] is not None and row["baseline"] not in (0, None)
                    else "",
                ),
                fact("最新", latest),
                fact("完成率", percent(row["attainment"])),
                fact("序时", percent(row["schedule"])),
                fact("到期预计", percent(row["projected"])),
                fact("预计达标", date_text(row["eta"])),
            ]
        )
    titles = [
        text(r["indicator"], "bold").append("  ").append_text(status_text(r["status"]))
        for r in rows
    ]
    return cards(titles, facts, width)


def bus_header(bus: Row, summary: str | None, source: str | None, as_of: date) -> Text:
    """The facts of one bus above its indicator table."""
    out = Text()
    out.append(visible_line(bus["bus"]), style="bold")
    out.append(f"  ({visible_line(bus['bus_id'])})  第{bus['batch']}批 · ")
    out.append(visible_line(bus["field"]))
    if bus["lead"]:
        out.append(" · 牵头：")
        out.append(visible_line(bus["lead"]))
    out.append(f"\n发车 {date_text(bus['launched'])}")
    if bus["due"]:
        out.append(f" · 截止 {date_text(bus['due'])}")
    out.append(f" · 截至 {as_of.isoformat()}：完成率 ")
    out.append_text(
        bar(bus["attainment"], bus["status"]) if bus["attainment"] is not None else Text("—")
    )
    if bus["schedule"] is not None:
        out.append(f" · 序时进度 {percent(bus['schedule'])}")
    out.append(" · ")
    out.append_text(status_text(bus["status"]))
    if summary:
        out.append("\n")
        out.append(visible(summary))
    if source:
        out.append("\n来源：", style="dim")
        out.append(visible_line(source), style="dim")
    return out


def progress_view(view: views.BusView, as_of: date, width: int = 120) -> RenderableType:
    header = wrap(bus_header(view.facts, view.summary, view.source, as_of), width)
    table = indicator_table(view.indicators, width) if width >= 80 else None
    if table is not None:  # its blank top line separates it from the header
        return Group(header, table)
    return Group(header, Text(""), indicator_cards(view.indicators, width))


# ---------------------------------------------------------------------------------------------
# export --format table


def listing(
    title: str,
    table: Sequence[ViewColumn],
    rows: Sequence[Row],
    columns: Sequence[str],
    width: int,
    empty: str,
    caption: str | None = None,
) -> RenderableType:
    """A titled list of rows: the table spec's layout where it fits, else the rows column for
    column; `empty` said under the title when there are none."""
    if not rows:
        return Group(Text(title), Text(empty))
    body = fitted(table, rows, width)
    return titled(title, body if body is not None else rows_table(rows, columns, width), width,
                  caption)  # fmt: skip


def rows_table(rows: Sequence[Row], columns: Sequence[str], width: int) -> RenderableType:
    """Any rows as a table, column for column (for `export --format table`), or as one
    paragraph per row when the columns do not fit."""
    from gongfu_cli.rendering.serializers import human_cell

    specs = [Column(c, wraps=True) for c in columns]
    cells = [[Text(human_cell(c, row[c])) for c in columns] for row in rows]
    table = fit_table(specs, cells, width)
    if table is not None:
        return table
    titles = [Text(f"{n}.", style="bold") for n in range(1, len(rows) + 1)]
    facts = [[fact(c, cell) for c, cell in zip(columns, line, strict=True)] for line in cells]
    return cards(titles, facts, width)


# ---------------------------------------------------------------------------------------------
# rank


def rank_table(view: views.RaceView, width: int) -> Group:
    """The race: rank, bus, lead, attainment bar, schedule, gap and status."""
    table = fitted(view.columns, view.rows, width)
    if table is not None:
        return titled(view.title, table, width, view.caption)
    titles = [
        Text("" if r["rank"] is None else f"{r['rank']}. ", style="bold")
        .append_text(text(r["bus"], "bold"))
        .append("  ")
        .append_text(status_text(r["status"]))
        for r in view.rows
    ]
    facts = [
        [
            fact("牵头", text(r["lead"])),
            fact("完成率", percent(r["attainment"])),
            fact("序时进度", percent(r["schedule"])),
            fact("超前序时", _gap(r["gap"])),
            fact("进退", cell_text(views.MOVE_COLUMN, r) if view.compared else ""),
        ]
        for r in view.rows
    ]
    body = Group(Text(""), cards(titles, facts, width), Text(""))
    return titled(view.title, body, width, view.caption)


# ---------------------------------------------------------------------------------------------
# history


def history(view: views.HistoryView, width: int = 120) -> Group:
    """For each indicator: its readings, a sparkline and where its trend is heading."""
    from gongfu_cli.presentation.values import sparkline

    parts: list[RenderableType] = []
    for section in view.sections:
        indicator, rows = section.indicator, section.readings
        unit = indicator["unit"]
        title = Text()
        title.append(visible_line(view.bus), style="bold")
        title.append(" · ")
        title.append(visible_line(indicator["indicator"]), style="bold")
        if indicator["target"] is not None:
            title.append(f"  目标 {number(indicator['target'], unit)}")
            if indicator["due"]:
                title.append(f"（{date_text(indicator['due'])}）")
        columns = views.history_table(rows)
        body: RenderableType | None = fitted(columns, rows, width, status=indicator["status"])
        if body is None:
            stacked = cards(
                [Text(date_text(r["date"]), style="bold") for r in rows],
                [[fact(c.header, cell_text(c, r)) for c in columns[1:]] for r in rows],
                width,
            )
            body = Group(Text(""), stacked, Text(""))
        footer = Text()
        if rows:
            footer.append("走势 ")
            footer.append(sparkline([r["value"] for r in rows]), style="cyan")
        else:
            footer.append("暂无读数", style="dim")
        if indicator["projected"] is not None or indicator["eta"] is not None:
            footer.append(" · 按趋势：到期完成率 ")
            footer.append(percent(indicator["projected"]) or "—")
            footer.append(" · 预计达标 ")
            footer.append(date_text(indicator["eta"]) or "不会达标（趋势未朝目标移动）")
        elif len(rows) == 1:
            footer.append(" · 至少两次读数才有趋势", style="dim")
        parts += [wrap(title, width), body, wrap(footer, width), Text("")]
    return Group(*parts[:-1])


def summary_table(view: views.SummaryView, width: int) -> Group:
    """Groups of buses (by lead agency, field or batch) with their indicators' statuses."""
    table = fitted(views.SUMMARY_TABLE, view.rows, width)
    if table is not None:
        return titled(view.title, table, width)
    facts = [
        [fact(c.header, cell_text(c, r)) for c in views.SUMMARY_TABLE[1:-1]] for r in view.rows
    ]
    titles = [
        text(str(r["group_label"]), "bold").append("  ").append_text(status_text(r["status"]))
        for r in view.rows
    ]
    return titled(view.title, Group(Text(""), cards(titles, facts, width), Text("")), width)


def changes(view: views.ChangesView, width: int) -> Group:
    """The sheet read out at the monthly meeting (晾晒): what got worse, what got better, what
    was reported for the first time, the other new figures; then the buses whose status
    changed and what became stale."""
    from gongfu_cli.presentation.vocabulary import status_label

    parts: list[RenderableType] = [wrap(Text(visible_line(view.title)), width)]
    for heading, rows in view.groups:
        if not rows:
            continue
        parts.append(Text(f"\n{heading}（{len(rows)}）", style="bold"))
        body: RenderableType | None = fitted(views.CHANGES_TABLE, rows, width)
        if body is None:
            body = cards(
                [text(r["indicator"], "bold") for r in rows],
                [[fact(c.header, cell_text(c, r)) for c in views.CHANGES_TABLE
                  if c.key != "indicator"] for r in rows],
                width,
            )  # fmt: skip
        parts.append(body)
    if not any(rows for _, rows in view.groups):
        parts.append(Text("\n（无变化）"))
    for name, before, after in view.buses:
        line = f"班车 {visible_line(name)}：{status_label(before)} → {status_label(after)}"
        parts.append(wrap(Text(line), width))
    for bus, indicator in view.stale:
        line = f"逾期未报：{visible_line(bus)} · {visible_line(indicator)}"
        parts.append(wrap(Text(line), width))
    return Group(*parts)


# ---------------------------------------------------------------------------------------------
# followup


def followup(view: FollowupView, width: int) -> Group:
    """The follow-up (督办): for each agency a header line (name, counts, reply deadline), then
    its items; one paragraph per item when the table does not fit."""
    from gongfu_cli.presentation.followup_view import FOLLOWUP_TABLE

    parts: list[RenderableType] = [wrap(Text(visible_line(view.title)), width)]
    for agency in view.agencies:
        parts.append(Text(""))
        parts.append(wrap(Text(visible_line(agency.heading), style="bold"), width))
        body: RenderableType | None = fitted(FOLLOWUP_TABLE, agency.rows, width)
        if body is None:
            body = cards(
                [text(r["indicator"], "bold") for r in agency.rows],
                [[fact(c.header, cell_text(c, r)) for c in FOLLOWUP_TABLE
                  if c.key != "indicator"] for r in agency.rows],
                width,
            )  # fmt: skip
        parts.append(body)
    parts.append(wrap(Text(view.caption), width))
    return Group(*parts)


def draw(view: object, width: int) -> RenderableType:
    """Any view drawn for a terminal `width` columns wide: the one entry the emitter calls."""
    if isinstance(view, views.ListView):
        return bus_table(view, width)
    if isinstance(view, views.ProgressView):
        return progress_view(view.bus, view.as_of, width)
    if isinstance(view, views.HistoryView):
        return history(view, width)
    if isinstance(view, views.RaceView):
        return rank_table(view, width)
    if isinstance(view, views.SummaryView):
        return summary_table(view, width)
    if isinstance(view, views.ChangesView):
        return changes(view, width)
    if isinstance(view, views.RowsView):
        return rows_table(view.rows, view.columns, width)
    if isinstance(view, views.ListingView):
        return listing(view.title, view.table, view.rows, view.columns, width, view.empty,
                       view.caption)  # fmt: skip
    from gongfu_cli.presentation.followup_view import FollowupView

    if isinstance(view, FollowupView):
        return followup(view, width)
    raise TypeError(f"no terminal drawing for {type(view).__name__}")
