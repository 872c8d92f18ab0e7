"""Flat rows: the one representation every output format is rendered from.

A row is a dict keyed by the machine column names, in column order, holding Python values
(str, int, float, date, None). Ratios are rounded here, once, so that every format agrees.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from gongfu_cli.domain.metrics import (
    CHANGE_KINDS,
    BusResult,
    IndicatorResult,
    Status,
    attainment,
    change_kind,
    combine_status,
    coverage,
    overall_attainment,
    readings_until,
)
from gongfu_cli.domain.model import Bus, Dataset, Indicator, Number

Row = dict[str, Any]

BUS_COLUMNS = (
    "bus_id",
    "bus",
    "batch",
    "lead",
    "field",
    "launched",
    "due",
    "indicators",
    "attainment",
    "schedule",
    "status",
    "coverage",
)
INDICATOR_COLUMNS = (
    "bus_id",
    "bus",
    "batch",
    "lead",
    "field",
    "indicator_id",
    "indicator",
    "unit",
    "baseline",
    "target",
    "start",
    "due",
    "value",
    "value_date",
    "attainment",
    "schedule",
    "status",
    "projected",
    "eta",
    "expected",
    "stale",
    "period",
)
# The columns that say which reading a row is about; every reading row begins with them.
READING_IDENTITY = ("bus_id", "bus", "indicator_id", "indicator", "unit", "date")
READING_COLUMNS = (
    *READING_IDENTITY,
    "value",
    "source",
    "note",
    "by",
    "received",
)
RATIO_COLUMNS = frozenset({"attainment", "schedule", "projected", "gap", "coverage"})
RATIO_DIGITS = 4


def json_objects(rows: Sequence[Row], columns: Sequence[str]) -> list[dict[str, Any]]:
    """Rows as JSON objects: the machine columns in order, dates in ISO form."""
    return [
        {c: row[c].isoformat() if isinstance(row[c], date) else row[c] for c in columns}
        for row in rows
    ]


def ratio(value: float | None) -> float | None:
    return None if value is None else round(value, RATIO_DIGITS)


def bus_rows(results: list[BusResult]) -> list[Row]:
    return [
        {
            "bus_id": r.bus.id,
            "bus": r.bus.name,
            "batch": r.bus.batch,
            "lead": r.bus.lead,
            "field": r.bus.field,
            "launched": r.bus.launched,
            "due": r.bus.due,
            "indicators": len(r.bus.indicators),
            "attainment": ratio(r.attainment),
            "schedule": ratio(r.schedule),
            "status": r.status.value,
            "coverage": ratio(r.coverage),
        }
        for r in results
    ]


def indicator_row(bus_result: BusResult, r: IndicatorResult) -> Row:
    bus, ind = bus_result.bus, r.indicator
    return {
        "bus_id": bus.id,
        "bus": bus.name,
        "batch": bus.batch,
        "lead": bus.lead,
        "field": bus.field,
        "indicator_id": ind.id,
        "indicator": ind.name,
        "unit": ind.unit,
        "baseline": ind.baseline,
        "target": ind.target,
        "start": ind.start,
        "due": ind.due,
        "value": r.value,
        "value_date": r.value_date,
        "attainment": ratio(r.attainment),
        "schedule": ratio(r.schedule),
        "status": r.status.value,
        "projected": ratio(r.projected),
        "eta": r.eta,
        "expected": None if r.expected is None else round(r.expected, 6),
        "stale": r.stale,
        "period": r.period.label if r.period is not None else None,
    }


def indicator_rows(results: list[BusResult]) -> list[Row]:
    return [indicator_row(b, r) for b in results for r in b.indicators]


def reading_identity(bus: Bus, ind: Indicator, day: date) -> Row:
    """The columns that say which reading a row is about, as every reading row begins."""
    return {
        "bus_id": bus.id,
        "bus": bus.name,
        "indicator_id": ind.id,
        "indicator": ind.name,
        "unit": ind.unit,
        "date": day,
    }


def reading_rows(dataset: Dataset, as_of: date) -> list[Row]:
    """Every reading on or before `as_of`, in date order (then bus and indicator order)."""
    rows = []
    for bus in dataset.buses:
        for ind in bus.indicators:
            for reading in readings_until(ind, as_of):
                rows.append(
                    {
                        **reading_identity(bus, ind, reading.date),
                        "value": reading.value,
                        "source": reading.source,
                        "note": reading.note,
                        "by": reading.by,
                        "received": reading.received,
                    }
                )
    rows.sort(key=_row_date)  # stable: equal dates keep file order
    return rows


def _row_date(row: Row) -> date:
    return row["date"]


HISTORY_COLUMNS = (
    *READING_IDENTITY,
    "value",
    "change",
    "attainment",
    "source",
    "by",
    "received",
)
RANK_COLUMNS = (
    "rank",
    "bus_id",
    "bus",
    "lead",
    "attainment",
    "schedule",
    "gap",
    "status",
    "coverage",
)


COMPARE_COLUMNS = ("previous_rank", "move", "change")


def compare_rows(now: list[Row], then: list[Row], by: str) -> list[Row]:
    """The race now, with each bus's rank and value at the earlier date: `move` is the
    previous rank minus the rank (positive: moved up), `change` the ranked value's change."""
    before = {row["bus_id"]: row for row in then}
    out = []
    for row in now:
        old = before.get(row["bus_id"], {})
        rank, previous = row["rank"], old.get("rank")
        value, earlier = row[by], old.get(by)
        out.append(
            {
                **row,
                "previous_rank": previous,
                "move": None if rank is None or previous is None else previous - rank,
                "change": None if value is None or earlier is None else ratio(value - earlier),
            }
        )
    return out


SUMMARY_COLUMNS = (
    "group",
    "buses",
    "indicators",
    "attainment",
    "coverage",
    "achieved",
    "on_track",
    "lagging",
    "off_track",
    "overdue",
    "no_data",
    "in_progress",
    "monitored",
    "status",
)
NO_LEAD = "—"


def summary_rows(results: Sequence[BusResult], by: str) -> list[Row]:
    """One row per lead agency, field or batch: buses, indicator statuses, and attainment and
    coverage computed like a bus's over all the group's counted indicators. A bus with joint
    leads counts in each lead's group; a bus without a lead in the group `—`."""
    groups: dict[Any, list[BusResult]] = {}
    for r in results:
        keys = (r.bus.leads or (NO_LEAD,)) if by == "lead" else (getattr(r.bus, by),)
        for key in keys:
            groups.setdefault(key, []).append(r)
    order = sorted(groups) if by == "batch" else list(groups)
    rows = []
    for key in order:
        members = groups[key]
        indicators = [i for b in members for i in b.indicators]
        statuses = [i.status for i in indicators]
        row: Row = {
            "group": key,
            "buses": len(members),
            "indicators": len(indicators),
            "attainment": ratio(overall_attainment(members)),
            "coverage": ratio(coverage(indicators)),
        }
        for status in Status:
            row[status.value] = statuses.count(status)
        row["status"] = combine_status(statuses).value
        rows.append(row)
    return rows


CHANGES_COLUMNS = (
    "bus_id",
    "bus",
    "indicator_id",
    "indicator",
    "unit",
    "readings",
    "value_before",
    "value_after",
    "attainment_before",
    "attainment_after",
    "status_before",
    "status_after",
    "change",
)


def changes_rows(
    now: Sequence[BusResult], then: Sequence[BusResult], since: date, as_of: date
) -> list[Row]:
    """What changed between `since` and `as_of` (晾晒): each indicator with new readings, or
    whose status changed, with the kind of change (`metrics.change_kind`); worse first, then
    better, then first reports, then the rest, each in data order."""
    before = {(b.bus.id, r.indicator.id): r for b in then for r in b.indicators}
    groups: dict[str, list[Row]] = {kind: [] for kind in CHANGE_KINDS}
    for bus in now:
        for r in bus.indicators:
            old = before[(bus.bus.id, r.indicator.id)]
            new = sum(1 for x in r.indicator.readings if since < x.date <= as_of)
            if not new and old.status == r.status:
                continue
            row: Row = {
                "bus_id": bus.bus.id,
                "bus": bus.bus.name,
                "indicator_id": r.indicator.id,
                "indicator": r.indicator.name,
                "unit": r.indicator.unit,
                "readings": new,
                "value_before": old.value,
                "value_after": r.value,
                "attainment_before": ratio(old.attainment),
                "attainment_after": ratio(r.attainment),
                "status_before": old.status.value,
                "status_after": r.status.value,
                "change": change_kind(old, r),
            }
            groups[row["change"]].append(row)
    return [row for kind in CHANGE_KINDS for row in groups[kind]]


def history_rows(bus: Bus, indicators: Sequence[Indicator], as_of: date) -> list[Row]:
    """Each indicator's readings on or before `as_of`, with the change since the one before."""
    rows = []
    for ind in indicators:
        previous: Number | None = None
        for reading in readings_until(ind, as_of):
            change = None if previous is None else round(reading.value - previous, 12)
            rows.append(
                {
                    **reading_identity(bus, ind, reading.date),
                    "value": reading.value,
                    "change": change,
                    "attainment": ratio(attainment(reading.value, ind.baseline, ind.target)),
                    "source": reading.source,
                    "by": reading.by,
                    "received": reading.received,
                }
            )
            previous = reading.value
    return rows


def rank_rows(results: Sequence[BusResult], by: str = "attainment") -> list[Row]:
    """The race: best first; equal values share a rank (1, 2, 2, 4); the unranked come last."""
    rows: list[Row] = []
    for r in results:
        att, sched = ratio(r.attainment), ratio(r.schedule)
        gap = None if att is None or sched is None else ratio(att - sched)
        rows.append(
            {
                "rank": None,
                "bus_id": r.bus.id,
                "bus": r.bus.name,
                "lead": r.bus.lead,
                "attainment": att,
                "schedule": sched,
                "gap": gap,
                "status": r.status.value,
                "coverage": ratio(r.coverage),
            }
        )
    ranked = sorted((row for row in rows if row[by] is not None), key=lambda row: -float(row[by]))
    for position, row in enumerate(ranked, start=1):
        same = position > 1 and row[by] == ranked[position - 2][by]
        row["rank"] = ranked[position - 2]["rank"] if same else position
    return ranked + [row for row in rows if row[by] is None]


def template_rows(results: Sequence[BusResult], day: date | None) -> list[Row]:
    """The fill-in sheet's rows: one per indicator, the last figure as of the assessment date,
    the input cells empty (the date pre-filled with `day`), and `待报`, the due period of an
    indicator that owes its figures (stale), so the agency sees what it owes."""
    return [
        {
            "bus_id": r.bus.id,
            "班车": r.bus.name,
            "indicator_id": i.indicator.id,
            "指标": i.indicator.name,
            "单位": i.indicator.unit,
            "目标": i.indicator.target,
            "截止": i.indicator.due,
            "上期数值": i.value,
            "上期日期": i.value_date,
            "本期数值": None,
            "日期": day,
            "来源": None,
            "备注": None,
            "待报": i.period.label if i.stale and i.period is not None else None,
        }
        for r in results
        for i in r.indicators
    ]
