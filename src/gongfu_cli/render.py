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
    number,
    percent,
    status_label,
    visible,
    visible_line,
)
from gongfu_cli.rows import Row

BAR_WIDTH = 10


def text(value: str | None, style: str = "") -> Text:
    return Text(visible_line(value), style=style)


def status_text(status: str) -> Text:
    return Text(status_label(status), style=STATUS_STYLES.get(status, ""))


def bar(ratio: float | None, status: str, width: int = BAR_WIDTH) -> Text:
    """Attainment as a bar and a percentage; overshoot fills the bar and shows in the number."""
    if ratio is None:
        return Text("")
    filled = round(min(1.0, max(0.0, ratio)) * width)
    out = Text()
    out.append("█" * filled, style=STATUS_STYLES.get(status, ""))
    out.append("░" * (width - filled), style="dim")
    out.append(f" {percent(ratio):>6}")
    return out


def _table(title: str | None, caption: str | None = None) -> Table:
    return Table(
        title=title,
        caption=caption,
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
        table.add_row(
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


def indicator_table(rows: Sequence[Row], title: str | None = None) -> Table:
    table = _table(title)
    table.add_column("指标", overflow="fold", ratio=1, min_width=8)
    table.add_column("基线", justify="right", no_wrap=True)
    table.add_column("目标", justify="right", no_wrap=True)
    table.add_column("最新值", justify="right", no_wrap=True)
    table.add_column("日期", no_wrap=True)
    table.add_column("完成率", no_wrap=True)
    table.add_column("序时进度", justify="right", no_wrap=True)
    table.add_column("状态", no_wrap=True)
    for row in rows:
        unit = row["unit"]
        table.add_row(
            text(row["indicator"]),
            number(row["baseline"], unit) if row["target"] is not None else "",
            number(row["target"], unit),
            number(row["value"], unit),
            day(row["value_date"]),
            bar(row["attainment"], row["status"]),
            percent(row["schedule"]),
            status_text(row["status"]),
        )
    return table


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
    bus: Row, summary: str | None, source: str | None, rows: Sequence[Row], as_of: date
) -> RenderableType:
    return Group(bus_header(bus, summary, source, as_of), indicator_table(rows))


def rows_table(rows: Sequence[Row], columns: Sequence[str]) -> Table:
    """Any rows as a table, column for column (for `export --format table`)."""
    from gongfu_cli.formats import human_cell

    table = _table(None)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(Text(human_cell(c, row[c])) for c in columns))
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
