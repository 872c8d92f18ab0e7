"""A least-squares trend through an indicator's readings: where it is heading, and when.

`projected` is the attainment the trend line reaches at the due date; `eta` is the day the
line reaches the target. Both are forecasts for people to read, not promises.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from gongfu_cli.domain.model import Indicator, Reading

_LATEST_DAY = date.max.toordinal()


class Trend(NamedTuple):
    slope: float  # units per day
    intercept: float  # value at ordinal day 0
    projected: float | None
    eta: date | None


def fit(readings: Sequence[Reading]) -> tuple[float, float] | None:
    """Slope and intercept of the least-squares line of value over ordinal day."""
    if len(readings) < 2:
        return None
    xs = [r.date.toordinal() for r in readings]
    ys = [float(r.value) for r in readings]
    n = len(xs)
    x0 = xs[0]  # centre the days for numerical stability
    mean_x = sum(x - x0 for x in xs) / n
    mean_y = sum(ys) / n
    sxx = sum((x - x0 - mean_x) ** 2 for x in xs)
    if sxx == 0:
        return None
    sxy = sum((x - x0 - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    slope = sxy / sxx
    intercept = mean_y - slope * (mean_x + x0)
    if not (math.isfinite(slope) and math.isfinite(intercept)):
        return None  # values so extreme that the sums overflow
    return slope, intercept


def _finite(value: float) -> float | None:
    """Extreme inputs can overflow a forecast; an overflowed forecast is no forecast."""
    return value if math.isfinite(value) else None


def trend(indicator: Indicator, readings: Sequence[Reading]) -> Trend | None:
    """The trend of the given readings (those on or before the as-of date), if two or more."""
    line = fit(readings)
    if line is None:
        return None
    slope, intercept = line
    target, baseline = indicator.target, indicator.baseline
    projected = eta = None
    if target is not None and target != baseline:
        if indicator.due is not None:
            at_due = intercept + slope * indicator.due.toordinal()
            projected = _finite((at_due - baseline) / (target - baseline))
        if slope != 0 and (slope > 0) == (target > baseline):
            day = _finite((target - intercept) / slope)
            if day is not None and 1 <= day <= _LATEST_DAY:
                eta = date.fromordinal(math.ceil(day))
    return Trend(slope, intercept, projected, eta)
