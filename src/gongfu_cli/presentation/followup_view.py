"""The follow-up's flat rows (the contract of every machine format) and its view for people:
the items grouped by the agency that answers, each group with its counts and reply deadline.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from gongfu_cli.domain.followup import ITEM_ORDER, Item
from gongfu_cli.presentation.rows import NO_LEAD, Row, ratio
from gongfu_cli.presentation.views import UNASSIGNED_LEAD, Column

FOLLOWUP_COLUMNS = (
    "lead",
    "bus_id",
    "bus",
    "indicator_id",
    "indicator",
    "item",
    "streak",
    "action",
    "status",
    "attainment",
    "schedule",
    "period",
    "value",
    "value_date",
    "reply_by",
)
ITEM_LABELS = {"red": "红灯", "yellow": "黄灯", "missing": "待报", "cleared": "销号"}


def item_label(item: Item) -> str:
    """The item as people read it; a struck-off one says what was struck off (`销号：待报`),
    so that an indicator red now and cleared of its 待报 does not read as red and cleared."""
    label = ITEM_LABELS[item.item]
    if item.struck:
        label += "：" + "、".join(ITEM_LABELS[kind] for kind in item.struck)
    return label


FOLLOWUP_TABLE = (
    Column("bus", "班车", "text"),
    Column("indicator", "指标", "text"),
    Column("item_label", "事项", "text"),
    Column("streak", "连续", "count"),
    Column("action", "措施", "text"),
    Column("status", "状态", "status"),
    Column("attainment", "完成率", "ratio"),
    Column("period", "报送期", "text"),
    Column("value", "最新值", "number"),
    Column("value_date", "日期", "date"),
)


def followup_rows(items: Sequence[Item]) -> list[Row]:
    """One row per item, in the items' order. `lead` lists the bus's leads, the answering
    one first; `—` without a lead."""
    rows = []
    for item in items:
        r, bus = item.result, item.bus
        rows.append(
            {
                "lead": bus.lead or NO_LEAD,
                "bus_id": bus.id,
                "bus": bus.name,
                "indicator_id": r.indicator.id,
                "indicator": r.indicator.name,
                "item": item.item,
                "streak": item.streak,
                "action": item.action,
                "status": r.status.value,
                "attainment": ratio(r.attainment),
                "schedule": ratio(r.schedule),
                "period": r.period.label if r.period is not None else None,
                "value": r.value,
                "value_date": r.value_date,
                "reply_by": item.reply_by,
            }
        )
    return rows


class AgencyItems(NamedTuple):
    """The 督办单 of one agency: its rows, how many of each item, and when to reply."""

    agency: str
    rows: list[Row]
    counts: list[tuple[str, int]]  # (item, how many), in ITEM_ORDER
    reply_by: date | None  # None when it has only struck-off items

    @property
    def heading(self) -> str:
        counts = " · ".join(f"{ITEM_LABELS[item]} {n}" for item, n in self.counts)
        reply = f" · 请于 {self.reply_by.isoformat()} 前回复" if self.reply_by else ""
        return f"{self.agency} · {counts}{reply}"


class FollowupView(NamedTuple):
    title: str
    agencies: list[AgencyItems]
    since: date | None  # the last meeting, for 回头看

    @property
    def caption(self) -> str:
        if not self.agencies:
            return "（无督办事项）"
        total = sum(len(a.rows) for a in self.agencies)
        return f"{len(self.agencies)} 个单位，{total} 项"


def agency_groups(items: Sequence[Item], rows: Sequence[Row]) -> list[AgencyItems]:
    """The rows grouped by the answering agency (the items are already in that order)."""
    groups: dict[str, list[tuple[Item, Row]]] = {}
    for item, row in zip(items, rows, strict=True):
        # for people: the item's word, and the unit `value` reads in
        shown = {**row, "item_label": item_label(item), "unit": item.result.indicator.unit}
        groups.setdefault(item.answering or UNASSIGNED_LEAD, []).append((item, shown))
    out = []
    for agency, members in groups.items():
        kinds = [item.item for item, _ in members]
        counts = [(kind, kinds.count(kind)) for kind in ITEM_ORDER if kind in kinds]
        replies = [item.reply_by for item, _ in members if item.reply_by is not None]
        reply_by = min(replies, default=None)
        out.append(AgencyItems(agency, [row for _, row in members], counts, reply_by))
    return out


def followup_view(
    title: str, items: Sequence[Item], rows: Sequence[Row], since: date | None
) -> FollowupView:
    return FollowupView(title, agency_groups(items, rows), since)


SHEET_FORMATS = {"xlsx": ".xlsx", "csv": ".csv", "md": ".md", "docx": ".docx"}  # `-o DIR/`


def agency_sheets(
    view: FollowupView, as_of: date, fmt: str, programme: str | None = None
) -> list[tuple[str, bytes]]:
    """The 督办单 each agency receives, as (file name, content): its items with their period,
    action and reply deadline, in `fmt` (xlsx, csv or md). File names are the agencies' names
    made safe for any file system, distinct from each other."""
    from gongfu_cli.spreadsheets.write import sheet_names

    names = sheet_names([a.agency for a in view.agencies])
    out = []
    for agency, name in zip(view.agencies, names, strict=True):
        rows = [{k: row[k] for k in FOLLOWUP_COLUMNS} for row in agency.rows]
        if fmt == "xlsx":
            from gongfu_cli.spreadsheets.write import SheetRows, rows_workbook

            content = rows_workbook([SheetRows(agency.agency, rows, FOLLOWUP_COLUMNS)])
        elif fmt == "docx":  # in the layout of the 通报 (python-docx, loaded only here)
            from gongfu_cli.rendering.bulletin import docx_followup

            content = docx_followup(agency, as_of, programme)
        elif fmt == "csv":
            from gongfu_cli.rendering.serializers import delimited

            text = delimited(rows, FOLLOWUP_COLUMNS, crlf=True, neutral=True)
            content = ("\ufeff" + text).encode("utf-8")
        else:
            from gongfu_cli.escapes import markdown_text

            title = f"# 督办单 · {markdown_text(agency.heading)}\n\n截至 {as_of.isoformat()}\n\n"
            content = (title + _markdown_table(agency.rows)).encode("utf-8")
        out.append((name + SHEET_FORMATS[fmt], content))
    return out


def _markdown_table(rows: Sequence[Row]) -> str:
    """The agency's items as the terminal table shows them (`FOLLOWUP_TABLE`): Chinese headers
    and labels, every cell escaped as inert Markdown; the sheet is read by people."""
    from gongfu_cli.escapes import markdown_text
    from gongfu_cli.presentation.views import cell_text

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(cells) + " |"

    lines = [line([c.header for c in FOLLOWUP_TABLE]), line(["---"] * len(FOLLOWUP_TABLE))]
    lines += [line([markdown_text(cell_text(c, row)) for c in FOLLOWUP_TABLE]) for row in rows]
    return "\n".join(lines) + "\n"
