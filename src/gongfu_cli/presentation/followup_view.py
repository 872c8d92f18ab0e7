"""The follow-up's flat rows (the contract of every machine format) and its view for people:
the items grouped by the agency that answers, each group with its counts and reply deadline.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from gongfu_cli.domain.followup import ITEM_ORDER, Item
from gongfu_cli.presentation.columns import Column
from gongfu_cli.presentation.rows import NO_LEAD, Row, ratio
from gongfu_cli.presentation.vocabulary import ITEM_LABELS, UNASSIGNED_LEAD

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


def item_label(item: Item) -> str:
    """The item as people read it; a struck-off one says what was struck off (`销号：待报`),
    so that an indicator red now and cleared of its 待报 does not read as red and cleared."""
    label = ITEM_LABELS[item.item]
    if item.struck:
        label += "：" + "、".join(ITEM_LABELS[kind] for kind in item.struck)
    return label


FOLLOWUP_TABLE = (
    Column("bus", "text"),
    Column("indicator", "text"),
    Column("item_label", "text"),
    Column("streak", "count"),
    Column("action", "text"),
    Column("status", "status"),
    Column("attainment", "ratio"),
    Column("period", "text"),
    Column("value", "number"),
    Column("value_date", "date"),
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
