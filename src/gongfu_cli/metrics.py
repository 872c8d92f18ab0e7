"""Attainment (完成率), schedule (序时进度) and status: pure functions of the model and a date."""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from typing import NamedTuple

from gongfu_cli.model import Bus, Dataset, Indicator, Number, Reading
from gongfu_cli.trend import Trend, trend

LAG_TOLERANCE = 0.30  # behind schedule by at most this much is `lagging`, beyond is `off_track`
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
STALE_DAYS = 365  # a target with no reading for this long is stale


def status_counts(statuses: Iterable[Status | str]) -> list[tuple[Status, int]]:
    """How many of each status, worst first, leaving out the ones that do not occur."""
    counts: dict[Status, int] = {}
    for status in statuses:
        key = Status(status)
        counts[key] = counts.get(key, 0) + 1
    return [(status, counts[status]) for status in DISPLAY_ORDER if status in counts]


def is_stale(indicator: Indicator, as_of: date) -> bool:
    """A target with no reading for STALE_DAYS days up to `as_of` (counted from its start
    when it has none yet).

    The one definition behind `check`'s warning and the report's list."""
    if indicator.target is None or indicator.start > as_of:
        return False
    latest = latest_reading(indicator, as_of)
    since = latest.date if latest is not None else indicator.start  # nothing yet: since start
    return (as_of - since).days >= STALE_DAYS


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


def status(
    has_target: bool, attained: float | None, elapsed: float | None, as_of: date, due: date | None
) -> Status:
    """The first matching rule wins; the order is part of the contract."""
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
    if elapsed - attained <= LAG_TOLERANCE + _EPS:
        return Status.LAGGING
    return Status.OFF_TRACK


def readings_until(indicator: Indicator, as_of: date) -> tuple[Reading, ...]:
    """The readings dated on or before `as_of` (readings are kept in date order)."""
    end = bisect.bisect_right(indicator.readings, as_of, key=_reading_date)
    return indicator.readings[:end]


def _reading_date(reading: Reading) -> date:
    return reading.date


def assess_indicator(indicator: Indicator, as_of: date) -> IndicatorResult:
    end = bisect.bisect_right(indicator.readings, as_of, key=_reading_date)
    latest = indicator.readings[end - 1] if end else None
    attained = attainment(latest.value if latest else None, indicator.baseline, indicator.target)
    elapsed = schedule(as_of, indicator.start, indicator.due)
    return IndicatorResult(
        indicator,
        latest,
        attained,
        elapsed,
        status(indicator.target is not None, attained, elapsed, as_of, indicator.due),
        trend(indicator, indicator.readings[:end]) if end > 1 else None,
    )


def combine_status(statuses: list[Status]) -> Status:
    """The worst of the indicators' statuses; only monitored indicators make a monitored bus."""
    counted = [s for s in statuses if s is not Status.MONITORED]
    if not counted:
        return Status.MONITORED
    return min(counted, key=_SEVERITY.__getitem__)


def weighted_attainment(results: tuple[IndicatorResult, ...]) -> float | None:
    """Weight-averaged attainment, each clipped to [0, 1] so one overshoot cannot hide a lag."""
    total = weights = 0.0
    for r in results:
        if r.attainment is not None:
            w = r.indicator.weight
            total += w * min(1.0, max(0.0, r.attainment))
            weights += w
    return total / weights if weights else None


def assess_bus(bus: Bus, as_of: date) -> BusResult:
    results = tuple(assess_indicator(ind, as_of) for ind in bus.indicators)
    return BusResult(
        bus,
        results,
        weighted_attainment(results),
        schedule(as_of, bus.launched, bus.due),
        combine_status([r.status for r in results]),
    )


def assess(dataset: Dataset, as_of: date) -> list[BusResult]:
    return [assess_bus(bus, as_of) for bus in dataset.buses]
