"""Rich tables for people. Imported only by commands that draw a table.

Every piece of user text goes in as `rich.text.Text` (never as markup) after `visible()`, so a
name like "[bold]" or an escape sequence shows literally.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from gongfu_cli.display import (
    STATUS_STYLES,
    day,
    filled,
    number,
    percent,
    points,
    status_label,
    visible,
    visible_line,
)
from gongfu_cli.rows import Row

BAR_WIDTH = 10
NAME_MIN_WIDTH = 6  # indicator names wrap down to this many cells before numbers would be cut


def text(value: str | None, style: str = "") -> Text:
    return Text(visible_line(value), style=style)


def status_text(status: str) -> Text:
    return Text(status_label(status), style=STATUS_STYLES.get(status, ""))


def add_row(table: Table, *cells: RenderableType) -> None:
    """Add a row whose plain-string cells are literal text: a unit such as `[/]` or
    `[link=…]` inside a number's cell is shown, never taken for rich markup."""
    table.add_row(*(Text(c) if isinstance(c, str) else c for c in cells))


def bar(ratio: float | None, status: str, width: int = BAR_WIDTH) -> Text:
    """Attainment as a bar and a percentage; overshoot fills the bar and shows in the number."""
    if ratio is None:
        return Text("")
    cells = filled(ratio, width)
    out = Text()
    if width:
        out.append("█" * cells, style=STATUS_STYLES.get(status, ""))
        out.append("░" * (width - cells), style="dim")
        out.append(" ")
    out.append(f"{percent(ratio):>6}")
    return out


def _table(title: str | None, caption: str | None = None) -> Table:
    """A table in the house style. Titles may hold user text (a programme name): never markup."""
    return Table(
        title=Text(visible_line(title)) if title else None,
        caption=Text(caption) if caption else None,
        box=box.SIMPLE_HEAD,
        title_justify="left",
        caption_justify="left",
        header_style="bold",
        pad_edge=False,
    )


def bus_table(rows: Sequence[Row], title: str | None = None, caption: str | None = None) -> Table:
    table = _table(title, caption)
    table.add_column("批次", justify="right")
    table.add_column("班车", no_wrap=True)
    table.add_column("牵头单位", overflow="fold", min_width=10)
    table.add_column("领域")
    table.add_column("指标", justify="right")
    table.add_column("完成率", no_wrap=True)
    table.add_column("序时进度", justify="right", no_wrap=True)
    table.add_column("状态", no_wrap=True)
    for row in rows:
        add_row(
            table,
            str(row["batch"]),
            text(row["bus"]),
            text(row["lead"]),
            text(row["field"]),
            str(row["indicators"]),
            bar(row["attainment"], row["status"]),
            percent(row["schedule"]),
            status_text(row["status"]),
        )
    return table


def bar_width(width: int) -> int:
    """Bars shrink, then go, on narrow terminals, so that numbers never have to."""
    return BAR_WIDTH if width >= 100 else 5 if width >= 80 else 0


def indicator_table(rows: Sequence[Row], width: int = 120, title: str | None = None) -> Table:
    """One row per indicator. Wide: a column per fact. Narrow: value over date, trend stacked."""
    wide = width >= 140
    bars = bar_width(width)
    show_baseline = any(r["baseline"] not in (0, None) and r["target"] is not None for r in rows)
    table = _table(title)
    table.add_column("指标", overflow="fold", min_width=NAME_MIN_WIDTH)
    if show_baseline:
        table.add_column("基线", justify="right", no_wrap=True)
    table.add_column("目标", justify="right", no_wrap=True)
    table.add_column("最新值", justify="right", no_wrap=True)
    if wide:
        table.add_column("日期", no_wrap=True)
    table.add_column("完成率", no_wrap=True)
    table.add_column("序时" if not wide else "序时进度", justify="right", no_wrap=True)
    table.add_column("状态", no_wrap=True)
    if wide:
        table.add_column("到期预计", justify="right", no_wrap=True)
        table.add_column("预计达标", no_wrap=True)
    else:
        table.add_column("趋势", justify="right", no_wrap=True)
    for row in rows:
        unit = row["unit"]
        cells: list[RenderableType] = [text(row["indicator"])]
        if show_baseline:
            cells.append(number(row["baseline"], unit) if row["target"] is not None else "")
        cells.append(number(row["target"], unit))
        if wide:
            cells += [number(row["value"], unit), day(row["value_date"])]
        else:
            cells.append(
                "\n".join(filter(None, [number(row["value"], unit), day(row["value_date"])]))
            )
        cells += [
            bar(row["attainment"], row["status"], bars),
            percent(row["schedule"]),
            status_text(row["status"]),
        ]
        if wide:
            cells += [percent(row["projected"]), day(row["eta"])]
        else:
            cells.append("\n".join(filter(None, [percent(row["projected"]), day(row["eta"])])))
        add_row(table, *cells)
    return table


def indicator_cards(rows: Sequence[Row]) -> Group:
    """Indicators as short paragraphs, for terminals too narrow for a table: text wraps, numbers
    are never cut."""
    cards: list[RenderableType] = []
    for row in rows:
        unit = row["unit"]
        card = Text()
        card.append("• ")
        card.append(visible_line(row["indicator"]), style="bold")
        card.append("  ")
        card.append_text(status_text(row["status"]))
        facts = []
        if row["target"] is not None:
            facts.append(f"目标 {number(row['target'], unit)}")
            if row["baseline"] not in (0, None):
                facts.append(f"基线 {number(row['baseline'], unit)}")
        if row["value"] is not None:
            facts.append(f"最新 {number(row['value'], unit)}（{day(row['value_date'])}）")
        if row["attainment"] is not None:
            facts.append(f"完成率 {percent(row['attainment'])}")
        if row["schedule"] is not None:
            facts.append(f"序时 {percent(row['schedule'])}")
        if row["projected"] is not None:
            facts.append(f"到期预计 {percent(row['projected'])}")
        if row["eta"] is not None:
            facts.append(f"预计达标 {day(row['eta'])}")
        if facts:
            card.append("\n  " + " · ".join(facts))
        cards.append(card)
    return Group(*cards)


def bus_header(bus: Row, summary: str | None, source: str | None, as_of: date) -> Text:
    """The facts of one bus above its indicator table."""
    out = Text()
    out.append(visible_line(bus["bus"]), style="bold")
    out.append(f"  ({visible_line(bus['bus_id'])})  第{bus['batch']}批 · ")
    out.append(visible_line(bus["field"]))
    if bus["lead"]:
        out.append(" · 牵头：")
        out.append(visible_line(bus["lead"]))
    out.append(f"\n发车 {day(bus['launched'])}")
    if bus["due"]:
        out.append(f" · 截止 {day(bus['due'])}")
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


def progress_view(
    bus: Row,
    summary: str | None,
    source: str | None,
    rows: Sequence[Row],
    as_of: date,
    width: int = 120,
) -> RenderableType:
    table = indicator_table(rows, width)
    if width >= 80 and _fits(table, rows, width):  # its blank top line separates it from the header
        return Group(bus_header(bus, summary, source, as_of), table)
    return Group(bus_header(bus, summary, source, as_of), Text(""), indicator_cards(rows))


def _fits(table: Table, rows: Sequence[Row], width: int) -> bool:
    """Whether the table fits with every number whole: only indicator names may wrap."""
    from rich.cells import cell_len
    from rich.console import Console

    natural = Console(width=10_000).measure(table).maximum
    names = max([cell_len("指标")] + [cell_len(visible_line(r["indicator"])) for r in rows])
    return natural - names + NAME_MIN_WIDTH <= width


def rows_table(rows: Sequence[Row], columns: Sequence[str]) -> Table:
    """Any rows as a table, column for column (for `export --format table`)."""
    from gongfu_cli.formats import human_cell

    table = _table(None)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        add_row(table, *(human_cell(c, row[c]) for c in columns))
    return table


def list_caption(rows: Sequence[Row]) -> str:
    """How many buses stand at each status, worst first."""
    from gongfu_cli.metrics import WORST_FIRST, Status

    counts: dict[str, int] = {}
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    order = [s.value for s in WORST_FIRST] + [Status.MONITORED.value]
    parts = [f"{status_label(s)} {counts[s]}" for s in order if counts.get(s)]
    return f"{len(rows)} 趟班车" + ("：" + " · ".join(parts) if parts else "")


def rank_table(rows: Sequence[Row], by: str, title: str | None = None) -> Table:
    """The race: rank, bus, lead, attainment bar, schedule, gap and status."""
    basis = "完成率" if by == "attainment" else "超前序时（完成率 − 序时进度，百分点）"
    table = _table(title, caption=f"按{basis}排名；没有可比数值的班车列在最后，不排名次")
    table.add_column("名次", justify="right")
    table.add_column("班车", no_wrap=True)
    table.add_column("牵头单位", overflow="fold", min_width=10)
    table.add_column("完成率", no_wrap=True)
    table.add_column("序时进度", justify="right", no_wrap=True)
    table.add_column("超前序时", justify="right", no_wrap=True)
    table.add_column("状态", no_wrap=True)
    for row in rows:
        gap = row["gap"]
        add_row(
            table,
            "" if row["rank"] is None else str(row["rank"]),
            text(row["bus"]),
            text(row["lead"]),
            bar(row["attainment"], row["status"]),
            percent(row["schedule"]),
            Text(points(gap), style="green" if gap >= 0 else "red") if gap is not None else "",
            status_text(row["status"]),
        )
    return table


def history_view(bus_name: str, sections: Sequence[tuple[Row, Sequence[Row]]]) -> Group:
    """For each indicator: its readings, a sparkline and where its trend is heading.

    `sections` pairs the indicator's row (from the indicators level) with its history rows.
    """
    from gongfu_cli.display import sparkline

    parts: list[RenderableType] = []
    for indicator, rows in sections:
        unit = indicator["unit"]
        title = Text()
        title.append(visible_line(bus_name), style="bold")
        title.append(" · ")
        title.append(visible_line(indicator["indicator"]), style="bold")
        if indicator["target"] is not None:
            title.append(f"  目标 {number(indicator['target'], unit)}")
            if indicator["due"]:
                title.append(f"（{day(indicator['due'])}）")
        table = _table(None)
        table.add_column("日期", no_wrap=True)
        table.add_column("数值", justify="right", no_wrap=True)
        table.add_column("变化", justify="right", no_wrap=True)
        table.add_column("完成率", no_wrap=True)
        table.add_column("来源", overflow="fold")
        for row in rows:
            change = row["change"]
            add_row(
                table,
                day(row["date"]),
                number(row["value"], unit),
                "" if change is None else ("+" if change > 0 else "") + number(change),
                bar(row["attainment"], indicator["status"]),
                text(row["source"]),
            )
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
            footer.append(day(indicator["eta"]) or "不会达标（趋势未朝目标移动）")
        elif len(rows) == 1:
            footer.append(" · 至少两次读数才有趋势", style="dim")
        parts += [title, table, footer, Text("")]
    return Group(*parts[:-1])
