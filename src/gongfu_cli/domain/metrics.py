"""Attainment (完成率), schedule (序时进度), status, the bus roll-up and staleness: pure
functions of the model and a date. The formulas are written out in docs/formulas.md."""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from itertools import pairwise
from typing import NamedTuple

from gongfu_cli.domain.model import (
    Bus,
    Dataset,
    Indicator,
    Number,
    Reading,
)
from gongfu_cli.domain.periods import Period, due_period, reported
from gongfu_cli.domain.trend import Trend, trend

_EPS = 1e-9  # ratios computed in floating point; 0.7 - 0.4 must still count as 0.3


class Status(StrEnum):
    MONITORED = "monitored"
    NO_DATA = "no_data"
    ACHIEVED = "achieved"
    OVERDUE = "overdue"
    IN_PROGRESS = "in_progress"
    ON_TRACK = "on_track"
    LAGGING = "lagging"
    OFF_TRACK = "off_track"


# A bus is as bad as its worst indicator; `monitored` indicators do not count.
WORST_FIRST = (
    Status.OVERDUE,
    Status.OFF_TRACK,
    Status.LAGGING,
    Status.NO_DATA,
    Status.IN_PROGRESS,
    Status.ON_TRACK,
    Status.ACHIEVED,
)
_SEVERITY = {status: rank for rank, status in enumerate(WORST_FIRST)}
# The order statuses are counted and listed in: worst first, `monitored` (no target) last.
DISPLAY_ORDER = (*WORST_FIRST, Status.MONITORED)


def severity(status: Status) -> int:
    """How bad a status is: 0 for overdue, the worst; `monitored` last of all."""
    return _SEVERITY.get(status, len(WORST_FIRST))


def status_counts(statuses: Iterable[Status | str]) -> list[tuple[Status, int]]:
    """How many of each status, worst first, leaving out the ones that do not occur."""
    counts: dict[Status, int] = {}
    for status in statuses:
        key = Status(status)
        counts[key] = counts.get(key, 0) + 1
    return [(status, counts[status]) for status in DISPLAY_ORDER if status in counts]


def is_stale(indicator: Indicator, as_of: date, status: Status, report_days: int) -> bool:
    """It owes figures: it has a due period (see `periods.due_period`), is not achieved, and
    has no reading dated from that period's first day through `as_of`.

    The one definition behind `check`'s warning, the report, `changes` and `followup`."""
    if status is Status.ACHIEVED:
        return False
    period = due_period(indicator, as_of, report_days)
    return period is not None and not reported(indicator, period, as_of)


def latest_reading(indicator: Indicator, as_of: date) -> Reading | None:
    end = bisect.bisect_right(indicator.readings, as_of, key=_reading_date)
    return indicator.readings[end - 1] if end else None


class IndicatorResult(NamedTuple):
    indicator: Indicator
    latest: Reading | None
    attainment: float | None
    schedule: float | None
    status: Status
    trend: Trend | None = None
    expected: float | None = None  # the level planned for the as-of date
    stale: bool = False
    counted: bool = False  # it has a target and has started: it counts for its bus
    period: Period | None = None  # the due period: the latest whose figures are due by as-of
    reported: bool = False  # it has a reading for the due period

    @property
    def projected(self) -> float | None:
        return self.trend.projected if self.trend else None

    @property
    def eta(self) -> date | None:
        return self.trend.eta if self.trend else None

    @property
    def value(self) -> Number | None:
        return self.latest.value if self.latest else None

    @property
    def value_date(self) -> date | None:
        return self.latest.date if self.latest else None


class BusResult(NamedTuple):
    bus: Bus
    indicators: tuple[IndicatorResult, ...]
    attainment: float | None
    schedule: float | None
    status: Status
    coverage: float | None = None  # 报送率: the weight share of counted indicators reported


def attainment(value: Number | None, baseline: Number, target: Number | None) -> float | None:
    """How far the value has moved from baseline to target; works for falling targets too."""
    if value is None or target is None or target == baseline:
        return None
    result = (value - baseline) / (target - baseline)
    return result if math.isfinite(result) else None  # only extreme inputs overflow


def schedule(as_of: date, start: date, due: date | None) -> float | None:
    """The share of the days from start to due that have passed, clipped to [0, 1]."""
    if due is None:
        return None
    total = (due - start).days
    if total <= 0:
        return 1.0 if as_of >= due else 0.0
    return min(1.0, max(0.0, (as_of - start).days / total))


def expected(indicator: Indicator, as_of: date) -> float | None:
    """The level planned for `as_of`: the baseline until the start, the target from the due
    date, and in between the straight line, by days, through the start, each milestone and
    the due date. None without a target or a due date."""
    target, due = indicator.target, indicator.due
    if target is None or due is None:
        return None
    if as_of >= due:
        return float(target)
    if as_of <= indicator.start:
        return float(indicator.baseline)
    if not indicator.milestones:  # the one segment from start to due, without building a list
        base = float(indicator.baseline)
        return (
            base
            + (float(target) - base) * (as_of - indicator.start).days / (due - indicator.start).days
        )
    points = [(indicator.start, indicator.baseline), *indicator.milestones, (due, target)]
    for (d0, v0), (d1, v1) in pairwise(points):
        if d0 <= as_of <= d1:
            return float(v0) + (float(v1) - float(v0)) * (as_of - d0).days / (d1 - d0).days
    return float(target)  # not reached: milestones are strictly between start and due


def planned_share(indicator: Indicator, as_of: date) -> float | None:
    """序时进度 of an indicator: (expected − baseline) / (target − baseline), clipped to [0, 1].
    Without milestones, exactly the share of the days from start to due that have passed."""
    level = expected(indicator, as_of)
    if level is None or indicator.target is None:
        return None
    share = (level - indicator.baseline) / (indicator.target - indicator.baseline)
    return min(1.0, max(0.0, share))


def status(
    has_target: bool,
    attained: float | None,
    elapsed: float | None,
    as_of: date,
    due: date | None,
    lag: float,
) -> Status:
    """The first matching rule wins; the order is part of the contract. `lag` is the
    programme's lag tolerance: behind schedule by at most this much is `lagging`."""
    if not has_target:
        return Status.MONITORED
    if attained is None:
        return Status.NO_DATA
    if attained >= 1 - _EPS:
        return Status.ACHIEVED
    if due is not None and as_of > due:
        return Status.OVERDUE
    if elapsed is None:
        return Status.IN_PROGRESS
    if attained >= elapsed - _EPS:
        return Status.ON_TRACK
    if elapsed - attained <= lag + _EPS:
        return Status.LAGGING
    return Status.OFF_TRACK


def readings_until(indicator: Indicator, as_of: date) -> tuple[Reading, ...]:
    """The readings dated on or before `as_of` (readings are kept in date order)."""
    end = bisect.bisect_right(indicator.readings, as_of, key=_reading_date)
    return indicator.readings[:end]


def _reading_date(reading: Reading) -> date:
    return reading.date


def _assess_indicator(
    indicator: Indicator, as_of: date, lag: float, report_days: int
) -> IndicatorResult:
    end = bisect.bisect_right(indicator.readings, as_of, key=_reading_date)
    latest = indicator.readings[end - 1] if end else None
    attained = attainment(latest.value if latest else None, indicator.baseline, indicator.target)
    share = planned_share(indicator, as_of)
    state = status(indicator.target is not None, attained, share, as_of, indicator.due, lag)
    period = due_period(indicator, as_of, report_days)
    sent = period is not None and reported(indicator, period, as_of)
    return IndicatorResult(
        indicator,
        latest,
        attained,
        share,
        state,
        trend(indicator, indicator.readings[:end]) if end > 1 else None,
        expected(indicator, as_of),
        is_stale(indicator, as_of, state, report_days),
        indicator.target is not None and indicator.start <= as_of,
        period,
        sent,
    )


CHANGE_KINDS = ("worse", "better", "first", "same")  # the order `changes` lists them in


def change_kind(before: IndicatorResult, after: IndicatorResult) -> str:
    """What kind of change an indicator made between two dates, as the meeting reads it:
    `first` when it had no reading by the earlier date and has one by the later; `worse` or
    `better` when its status moved in the severity order (`no_data` on either side never
    counts as either: a first report is not a fall); `same` otherwise."""
    if before.latest is None and after.latest is not None:
        return "first"
    if Status.NO_DATA in (before.status, after.status):
        return "same"
    moved = severity(after.status) - severity(before.status)
    return "worse" if moved < 0 else "better" if moved > 0 else "same"


def status_at(indicator: Indicator, as_of: date, lag: float) -> Status:
    """The indicator's status at a date, as `assess_indicator` finds it, without the trend
    and the rest (a follow-up streak looks at many dates and needs only this)."""
    latest = latest_reading(indicator, as_of)
    attained = attainment(latest.value if latest else None, indicator.baseline, indicator.target)
    share = planned_share(indicator, as_of)
    return status(indicator.target is not None, attained, share, as_of, indicator.due, lag)


def combine_status(statuses: list[Status]) -> Status:
    """The worst of the indicators' statuses; only monitored indicators make a monitored bus."""
    counted = [s for s in statuses if s is not Status.MONITORED]
    if not counted:
        return Status.MONITORED
    return min(counted, key=_SEVERITY.__getitem__)


def weighted_attainment(results: Iterable[IndicatorResult]) -> float | None:
    """The counted indicators' attainments, each clipped to [0, 1] so that one overshoot
    cannot hide a lag, weight-averaged with an unreported indicator counting as 0 (so not
    reporting never helps). None when no counted indicator has a reading."""
    counted = [r for r in results if r.counted]
    if not any(r.latest is not None for r in counted):
        return None
    total = sum(r.indicator.weight * min(1.0, max(0.0, r.attainment or 0.0)) for r in counted)
    return total / sum(r.indicator.weight for r in counted)


def overall_attainment(results: Iterable[BusResult]) -> float | None:
    """The attainment of buses taken together, as of a group or the whole programme: the
    weighted attainment of all their counted indicators, so a bus that has not reported
    counts as 0 and never raises the figure. `summary`'s groups and the report's headline."""
    return weighted_attainment(i for r in results for i in r.indicators)


def coverage(results: Iterable[IndicatorResult]) -> float | None:
    """报送率: among the counted indicators that have a due period, the weight share of those
    that reported for it; None when none has a due period."""
    owing = [r for r in results if r.counted and r.period is not None]
    if not owing:
        return None
    sent = sum(r.indicator.weight for r in owing if r.reported)
    return sent / sum(r.indicator.weight for r in owing)


def bus_schedule(bus: Bus, results: Iterable[IndicatorResult], as_of: date) -> float | None:
    """The weight-averaged schedule of the counted indicators that have one; when none has,
    the bus's own launched-to-due schedule."""
    scheduled = [r for r in results if r.counted and r.schedule is not None]
    if not scheduled:
        return schedule(as_of, bus.launched, bus.due)
    weights = sum(r.indicator.weight for r in scheduled)
    return sum(r.indicator.weight * (r.schedule or 0.0) for r in scheduled) / weights


def _assess_bus(bus: Bus, as_of: date, lag: float, report_days: int) -> BusResult:
    results = tuple(_assess_indicator(ind, as_of, lag, report_days) for ind in bus.indicators)
    return BusResult(
        bus,
        results,
        weighted_attainment(results),
        bus_schedule(bus, results, as_of),
        combine_status([r.status for r in results]),
        coverage(results),
    )


def assess(dataset: Dataset, as_of: date, buses: Iterable[Bus] | None = None) -> list[BusResult]:
    """Where each bus and indicator stands on `as_of`: the one assessment every command,
    chart and message shows, with the programme's settings (its lag tolerance and report days;
    milestones and cadence are resolved onto each indicator by the loader) taken from the
    dataset, so that no
    caller can leave one out. `buses` (of this dataset) limits the work to those buses, in
    that order; by default every bus of the programme."""
    lag, days = dataset.program.lag_tolerance, dataset.program.report_days
    chosen = dataset.buses if buses is None else buses
    return [_assess_bus(bus, as_of, lag, days) for bus in chosen]


def assess_one(dataset: Dataset, bus: Bus, indicator: Indicator, as_of: date) -> IndicatorResult:
    """One indicator of `bus`, as `assess` sees it (for the `now:` line after a change)."""
    (result,) = assess(dataset, as_of, [bus._replace(indicators=(indicator,))])
    return result.indicators[0]
