"""Reporting periods on the calendar: which period's figures an indicator owes, and whether
it has sent them.

A cadence means calendar periods: months, quarters (Jan–Mar …), halves (Jan–Jun, Jul–Dec) and
years. A period's figures are due `report_days` after its last day, so on 2 December nobody
owes November yet. Pure functions of the model, a date and the programme's settings, which the
caller passes in: nothing here has a default for them.
"""

from __future__ import annotations

import bisect
from datetime import date, timedelta
from typing import NamedTuple

from gongfu_cli.domain.model import Indicator, Reading

_MONTHS = {"monthly": 1, "quarterly": 3, "half-yearly": 6, "yearly": 12}  # months per period
_DAY = timedelta(days=1)


class Period(NamedTuple):
    """One reporting period: its first and last day, and its label (2025-10, 2025-Q3,
    2025-H2, 2025)."""

    first: date
    last: date
    label: str


def period_of(day: date, cadence: str) -> Period:
    """The period of `cadence` that holds `day`."""
    months = _MONTHS[cadence]
    index = (day.month - 1) // months  # which period of the year, from 0
    first = date(day.year, index * months + 1, 1)
    end_month = first.month + months  # the month after the period, unless it ends the year
    last = date(day.year, end_month, 1) - _DAY if end_month <= 12 else date(day.year, 12, 31)
    return Period(first, last, _label(day.year, index, cadence))


def _label(year: int, index: int, cadence: str) -> str:
    if cadence == "monthly":
        return f"{year}-{index + 1:02d}"
    if cadence == "quarterly":
        return f"{year}-Q{index + 1}"
    if cadence == "half-yearly":
        return f"{year}-H{index + 1}"
    return str(year)


def previous(period: Period, cadence: str) -> Period | None:
    """The period of `cadence` just before `period`; None before the calendar's first day."""
    if period.first == date.min:
        return None
    return period_of(period.first - _DAY, cadence)


def due_period(indicator: Indicator, as_of: date, report_days: int) -> Period | None:
    """The latest period of the indicator's cadence whose figures are due on or before `as_of`
    (its last day + `report_days`), provided it ends on or after the indicator's start."""
    if (as_of - date.min).days < report_days:
        return None  # nothing on the calendar is due yet
    latest_due = as_of - timedelta(days=report_days)
    period: Period | None = period_of(latest_due, indicator.cadence)
    if period is not None and period.last > latest_due:
        period = previous(period, indicator.cadence)
    return period if period is not None and period.last >= indicator.start else None


def last_reading_date(indicator: Indicator, as_of: date) -> date | None:
    """The date of the latest reading on or before `as_of`."""
    end = bisect.bisect_right(indicator.readings, as_of, key=_reading_date)
    return indicator.readings[end - 1].date if end else None


def _reading_date(reading: Reading) -> date:
    return reading.date


def reported(indicator: Indicator, period: Period, as_of: date) -> bool:
    """It has a reading dated from the period's first day through `as_of` (figures sent late,
    or dated after the period, count for it)."""
    latest = last_reading_date(indicator, as_of)
    return latest is not None and latest >= period.first


def missing_streak(indicator: Indicator, as_of: date, report_days: int) -> int:
    """How many consecutive periods, ending with the due period and none ending before the
    start, have no reading dated from their first day through `as_of`; 0 when it reported."""
    period = due_period(indicator, as_of, report_days)
    latest = last_reading_date(indicator, as_of)
    count = 0
    while period is not None and period.last >= indicator.start:
        if latest is not None and latest >= period.first:
            break
        count += 1
        period = previous(period, indicator.cadence)
    return count
