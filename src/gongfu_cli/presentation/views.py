"""The presentation model: what each human view shows, computed once from the results.

Rich tables, the Markdown and HTML reports and pictures draw these records; none of them
reaches back into the domain model or regroups flat rows. Flat rows (`rows`) stay the contract
for CSV/TSV/JSON; the views hold those same rows, grouped the way people read them, plus the
few facts a table does not carry (a bus's summary and source, the status counts).

Each table's columns are declared once here too (`Column`: machine key, Chinese header, kind),
so every renderer formats, aligns and escapes a cell by what it holds, not by its position.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

from gongfu_cli.domain.metrics import BusResult, Status, overall_attainment, status_counts
from gongfu_cli.domain.model import Dataset, Indicator
from gongfu_cli.presentation.rows import (
    NO_LEAD,
    Row,
    bus_rows,
    changes_rows,
    compare_rows,
    history_rows,
    indicator_row,
    rank_rows,
    ratio,
    summary_rows,
)
from gongfu_cli.presentation.vocabulary import (
    CADENCE_LABELS,
    CHANGE_LABELS,
    CORRECTION_KINDS,
    UNASSIGNED_LEAD,
)

if TYPE_CHECKING:
    from gongfu_cli.presentation.followup_view import FollowupView

# ---------------------------------------------------------------------------------------------
# Columns

from gongfu_cli.presentation.columns import Column

LIST_TABLE = (
    Column("batch", "count"),
    Column("bus", "text"),
    Column("lead", "text"),
    Column("field", "text"),
    Column("indicators", "count"),
    Column("attainment", "ratio", bar=True),
    Column("schedule", "ratio"),
    Column("status", "status"),
)
MOVE_COLUMN = Column("move", "move")
SUMMARY_TABLE = (
    Column("group_label", "text"),
    Column("buses", "count"),
    Column("indicators", "count"),
    Column("attainment", "ratio", bar=True),
    Column("coverage", "ratio"),
    Column("achieved", "count"),
    Column("on_track", "count"),
    Column("lagging", "count"),
    Column("off_track", "count"),
    Column("overdue", "count"),
    Column("no_data", "count"),
    Column("in_progress", "count"),
    Column("monitored", "count"),
    Column("status", "status"),
)
RACE_TABLE = (
    Column("rank", "count"),
    Column("bus", "text"),
    Column("lead", "text"),
    Column("attainment", "ratio", bar=True),
    Column("schedule", "ratio"),
    Column("gap", "points"),
    Column("status", "status"),
)
INDICATOR_TABLE = (  # the report's table of one bus's indicators
    Column("indicator", "text"),
    Column("target", "number"),
    Column("value", "number"),
    Column("value_date", "date"),
    Column("attainment", "ratio", bar=True),
    Column("schedule", "ratio"),
    Column("status", "status"),
    Column("source", "text"),
)
HISTORY_TABLE = (
    Column("date", "date"),
    Column("value", "number"),
    Column("change", "change"),
    Column("attainment", "ratio", bar=True),
    Column("source", "text"),
)
WHO_COLUMNS = (  # shown in a history when any of its readings says who reported it, or when
    Column("by", "text"),
    Column("received", "date"),
)


def history_table(rows: Sequence[Row]) -> tuple[Column, ...]:
    """The history's columns: with who reported each figure and when it came in, where known."""
    if any(row.get("by") or row.get("received") for row in rows):
        return HISTORY_TABLE + WHO_COLUMNS
    return HISTORY_TABLE


STALE_TABLE = (
    Column("bus", "text"),
    Column("indicator", "text"),
    Column("cadence", "text"),
    Column("period", "text"),
    Column("value_date", "date", empty="无"),
)
IMPORT_TABLE = (  # `gongfu import`: what each bus's figures did
    Column("bus", "text"),
    Column("added", "count"),
    Column("present", "count"),
    Column("replaced", "count"),
)
PUBLISHED_TABLE = (  # `gongfu published`: the periods frozen by `gongfu publish`
    Column("as_of", "date"),
    Column("published_at", "text"),
    Column("buses", "count"),
    Column("indicators", "count"),
    Column("readings", "count"),
    Column("file", "text"),
)
CORRECTIONS_TABLE = (  # `gongfu changes --corrections`: figures changed since they were published
    Column("bus", "text"),
    Column("indicator", "text"),
    Column("date", "date"),
    Column("published", "number"),
    Column("now", "number"),
    Column("kind", "text"),
)


# ---------------------------------------------------------------------------------------------
# Views


class ListView(NamedTuple):
    title: str
    rows: list[Row]  # one per bus (`rows.bus_rows`)
    counts: list[tuple[Status, int]]  # buses per status, worst first

    @property
    def caption(self) -> str:
        from gongfu_cli.presentation.vocabulary import status_label

        parts = [f"{status_label(s)} {n}" for s, n in self.counts]
        return f"{len(self.rows)} 趟班车" + ("：" + " · ".join(parts) if parts else "")


class RaceView(NamedTuple):
    title: str
    rows: list[Row]  # ranked (`rows.rank_rows`), with the movement when compared
    by: str  # attainment or gap
    compared: date | None = None  # the earlier date of `rank --compare`

    @property
    def columns(self) -> tuple[Column, ...]:
        return RACE_TABLE if self.compared is None else (*RACE_TABLE, MOVE_COLUMN)

    @property
    def caption(self) -> str:
        basis = "完成率" if self.by == "attainment" else "超前序时（完成率 − 序时进度，百分点）"
        caption = f"按{basis}排名；没有可比数值的班车列在最后，不排名次"
        if self.compared is not None:
            caption += f"；进退对比 {self.compared.isoformat()}（↑ 进位，↓ 退位，新 新进榜）"
        return caption


class BusView(NamedTuple):
    facts: Row  # the bus's row (`rows.bus_rows`)
    summary: str | None
    source: str | None
    indicators: list[Row]  # each with `source`: that of its latest reading


class ProgressView(NamedTuple):
    """`progress`: one bus and its indicators, as of a date."""

    bus: BusView
    as_of: date


class RowsView(NamedTuple):
    """Any rows, column for column (`export --format table`)."""

    rows: list[Row]
    columns: Sequence[str]


class ListingView(NamedTuple):
    """A titled list of rows (`published`, `changes --corrections`): the table's layout where
    it fits; `empty` said under the title when there are none."""

    title: str
    table: Sequence[Column]
    rows: list[Row]
    columns: Sequence[str]
    empty: str
    caption: str | None = None


class HistorySection(NamedTuple):
    indicator: Row  # the indicator's row, as `progress` shows it
    readings: list[Row]  # its history rows, oldest first


class HistoryView(NamedTuple):
    bus: str
    sections: list[HistorySection]


class ReportView(NamedTuple):
    title: str
    as_of: date
    batches: list[tuple[int, int]]  # (batch, buses)
    counts: list[tuple[Status, int]]  # buses per status, worst first
    overall: float | None  # `metrics.overall_attainment` of the buses, as `summary` rounds it
    measured: int  # how many buses have an attainment
    race: RaceView  # with the movement when compared
    buses: list[BusView]
    stale: list[Row]  # bus, indicator, cadence, period (owed), value_date (the latest reading)
    lag_tolerance: float  # the programme's
    report_days: int  # a period's figures are due this many days after its last day
    summary: SummaryView | None = None  # by lead agency
    changes: ChangesView | None = None  # with --since
    milestones: int = 0  # how many indicators plan with milestones
    followup: FollowupView | None = None  # 督办: the items by agency, struck off with --since


def list_view(title: str, results: Sequence[BusResult]) -> ListView:
    rows = bus_rows(list(results))
    return ListView(title, rows, status_counts(r["status"] for r in rows))


def race_view(
    title: str,
    results: Sequence[BusResult],
    by: str,
    earlier: Sequence[BusResult] | None = None,
    compared: date | None = None,
    shown: Collection[str] | None = None,
) -> RaceView:
    """The race among `results`; with `earlier` (the same buses assessed at `compared`), who
    moved. `shown` (bus ids) chooses the rows to show, each keeping its place in the whole
    race: filters choose whom to look at, not who races."""
    rows = rank_rows(results, by)
    if earlier is not None:
        rows = compare_rows(rows, rank_rows(earlier, by), by)
    if shown is not None:
        rows = [row for row in rows if row["bus_id"] in shown]
    return RaceView(title, rows, by, compared)


CHANGES_TABLE = (
    Column("bus", "text"),
    Column("indicator", "text"),
    Column("readings", "count"),
    Column("value_before", "number"),
    Column("value_after", "number"),
    Column("attainment_before", "ratio"),
    Column("attainment_after", "ratio"),
    Column("status_before", "status"),
    Column("status_after", "status"),
)


class ChangesView(NamedTuple):
    title: str
    worse: list[Row]  # 转差
    better: list[Row]  # 好转
    first: list[Row]  # 首次报送: no reading before, one now
    other: list[Row]  # 其他: new figures, no change of status that counts
    buses: list[tuple[str, Status, Status]]  # buses whose status changed: name, before, after
    stale: list[tuple[str, str]]  # indicators that became stale: bus, indicator

    @property
    def groups(self) -> list[tuple[str, list[Row]]]:
        """The groups the meeting reads out, in order, each with its heading."""
        labels = CHANGE_LABELS
        return [(labels["worse"], self.worse), (labels["better"], self.better),
                (labels["first"], self.first), (labels["same"], self.other)]  # fmt: skip


def changes_view(
    title: str, now: Sequence[BusResult], then: Sequence[BusResult], rows: list[Row]
) -> ChangesView:
    def kind(name: str) -> list[Row]:
        return [r for r in rows if r["change"] == name]

    before = {b.bus.id: b for b in then}
    was_stale = {(b.bus.id, r.indicator.id) for b in then for r in b.indicators if r.stale}
    return ChangesView(
        title,
        kind("worse"),
        kind("better"),
        kind("first"),
        kind("same"),
        [(b.bus.name, before[b.bus.id].status, b.status) for b in now
         if b.status != before[b.bus.id].status],
        [(b.bus.name, r.indicator.name) for b in now for r in b.indicators
         if r.stale and (b.bus.id, r.indicator.id) not in was_stale],
    )  # fmt: skip


class SummaryView(NamedTuple):
    title: str
    rows: list[Row]  # one per group (`rows.summary_rows`)
    by: str


def summary_view(title: str, results: Sequence[BusResult], by: str) -> SummaryView:
    """The summary rows, each with its group's name for people (`group_label`): the group
    without a lead agency reads `UNASSIGNED_LEAD`, while `group` keeps `rows.NO_LEAD`."""
    rows = summary_rows(results, by)
    for row in rows:
        unassigned = by == "lead" and row["group"] == NO_LEAD
        row["group_label"] = UNASSIGNED_LEAD if unassigned else row["group"]
    return SummaryView(title, rows, by)


def bus_view(result: BusResult) -> BusView:
    indicators = []
    for r in result.indicators:
        row: dict[str, Any] = indicator_row(result, r)
        row["source"] = r.latest.source if r.latest else None
        indicators.append(row)
    bus = result.bus
    return BusView(bus_rows([result])[0], bus.summary, bus.source, indicators)


def history_view(result: BusResult, chosen: Sequence[Indicator], as_of: date) -> HistoryView:
    wanted = {i.id for i in chosen}
    sections = []
    for r in result.indicators:
        if r.indicator.id in wanted:
            readings = history_rows(result.bus, [r.indicator], as_of)
            sections.append(HistorySection(indicator_row(result, r), readings))
    return HistoryView(result.bus.name, sections)


def report_view(
    dataset: Dataset,
    results: Sequence[BusResult],
    as_of: date,
    compared: tuple[date, Sequence[BusResult]] | None = None,
    since: tuple[date, Sequence[BusResult]] | None = None,
    racing: Sequence[BusResult] | None = None,
    followup: FollowupView | None = None,
) -> ReportView:
    """The whole report of `results`; `compared` (a date and the racing buses assessed then)
    adds the movement in the race, `since` (the same buses as `results`) what changed,
    `followup` the 督办 section. `racing` are the buses the race is run among (by default
    `results`); the report's race shows the rows of `results`, each with its place among them."""
    buses = [bus_view(r) for r in results]
    attained = [b.facts["attainment"] for b in buses if b.facts["attainment"] is not None]
    stale = [
        {
            "bus": r.bus.name,
            "indicator": i.indicator.name,
            "cadence": CADENCE_LABELS[i.indicator.cadence],
            "period": i.period.label if i.period is not None else None,
            "value_date": i.value_date,
        }
        for r in results
        for i in r.indicators
        if i.stale
    ]
    name = dataset.program.name or "gongfu"
    shown = {r.bus.id for r in results}
    field = results if racing is None else racing
    race = race_view(f"{name} · 赛马", field, "attainment", shown=shown)
    if compared is not None:
        race = race_view(race.title, field, "attainment", compared[1], compared[0], shown)
    changes = None
    if since is not None:
        rows = changes_rows(results, since[1], since[0], as_of)
        changes = changes_view(f"{since[0].isoformat()} 以来的变化", results, since[1], rows)
    return ReportView(
        title=f"{name} 进度报告",
        as_of=as_of,
        batches=sorted(Counter(b.facts["batch"] for b in buses).items()),
        counts=status_counts(b.facts["status"] for b in buses),
        overall=ratio(overall_attainment(results)),
        measured=len(attained),
        race=race,
        buses=buses,
        stale=stale,
        summary=summary_view("按牵头单位", results, "lead"),
        changes=changes,
        lag_tolerance=dataset.program.lag_tolerance,
        milestones=sum(1 for r in results for i in r.indicators if i.indicator.milestones),
        report_days=dataset.program.report_days,
        followup=followup,
    )


def corrections_view(rows: Sequence[Row]) -> list[Row]:
    """The corrections as people read them: the kind as its Chinese word."""
    return [{**row, "kind": CORRECTION_KINDS[row["kind"]]} for row in rows]
