"""Reporting periods on the calendar, the due period, `reported`, `stale` and coverage (报送率),
checked against dates worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest

from gongfu_cli.domain.metrics import Status, is_stale
from gongfu_cli.domain.model import Bus, Indicator, Reading
from gongfu_cli.domain.periods import due_period, missing_streak, period_of, previous, reported
from tests.builders import assess_bus


def indicator(
    cadence: str = "monthly",
    *days: date,
    start: date = date(2020, 1, 1),
    weight: float = 1,
    target: float | None = 100,
) -> Indicator:
    readings = tuple(Reading(d, 10) for d in days)
    return Indicator("x", "x", "", target, 0, start, None, weight, readings, (), cadence)


@pytest.mark.parametrize(
    ("day", "cadence", "first", "last", "label"),
    [
        (date(2025, 1, 31), "monthly", date(2025, 1, 1), date(2025, 1, 31), "2025-01"),
        (date(2024, 2, 29), "monthly", date(2024, 2, 1), date(2024, 2, 29), "2024-02"),
        (date(2025, 10, 1), "monthly", date(2025, 10, 1), date(2025, 10, 31), "2025-10"),
        (date(2025, 12, 31), "monthly", date(2025, 12, 1), date(2025, 12, 31), "2025-12"),
        (date(2025, 9, 30), "quarterly", date(2025, 7, 1), date(2025, 9, 30), "2025-Q3"),
        (date(2025, 3, 31), "quarterly", date(2025, 1, 1), date(2025, 3, 31), "2025-Q1"),
        (date(2025, 12, 31), "quarterly", date(2025, 10, 1), date(2025, 12, 31), "2025-Q4"),
        (date(2025, 6, 30), "half-yearly", date(2025, 1, 1), date(2025, 6, 30), "2025-H1"),
        (date(2025, 7, 1), "half-yearly", date(2025, 7, 1), date(2025, 12, 31), "2025-H2"),
        (date(2025, 12, 31), "yearly", date(2025, 1, 1), date(2025, 12, 31), "2025"),
    ],
)
def test_periods_of_each_cadence(
    day: date, cadence: str, first: date, last: date, label: str
) -> None:
    assert tuple(period_of(day, cadence)) == (first, last, label)


@pytest.mark.parametrize(
    ("cadence", "as_of", "days", "label"),
    [
        # November's figures are due on 10 December: on 2 December October is the one due
        ("monthly", date(2025, 12, 2), 10, "2025-10"),
        ("monthly", date(2025, 12, 9), 10, "2025-10"),
        ("monthly", date(2025, 12, 10), 10, "2025-11"),  # the due day itself
        # across the year end
        ("monthly", date(2026, 1, 9), 10, "2025-11"),
        ("monthly", date(2026, 1, 10), 10, "2025-12"),
        ("quarterly", date(2026, 1, 9), 10, "2025-Q3"),
        ("quarterly", date(2026, 1, 10), 10, "2025-Q4"),
        ("half-yearly", date(2025, 7, 9), 10, "2024-H2"),
        ("half-yearly", date(2025, 7, 10), 10, "2025-H1"),
        ("yearly", date(2026, 1, 9), 10, "2024"),
        ("yearly", date(2026, 1, 10), 10, "2025"),
        # report_days 0: due on the period's last day
        ("monthly", date(2025, 11, 29), 0, "2025-10"),
        ("monthly", date(2025, 11, 30), 0, "2025-11"),
        ("yearly", date(2025, 12, 31), 0, "2025"),
        ("quarterly", date(2025, 12, 30), 0, "2025-Q3"),
        # a long grace: 45 days after the end of February (29 days, 2024) is 14 April
        ("monthly", date(2024, 4, 14), 45, "2024-02"),
        ("monthly", date(2024, 4, 13), 45, "2024-01"),
    ],
)
def test_the_due_period(cadence: str, as_of: date, days: int, label: str) -> None:
    period = due_period(indicator(cadence), as_of, days)
    assert period is not None and period.label == label


def test_an_indicator_started_mid_period_owes_that_period_once_it_is_due() -> None:
    mid = indicator("monthly", start=date(2025, 11, 15))
    assert due_period(mid, date(2025, 12, 9), 10) is None  # October ended before the start
    assert due_period(mid, date(2025, 12, 10), 10).label == "2025-11"  # type: ignore[union-attr]
    quarter = indicator("quarterly", start=date(2025, 11, 15))
    assert due_period(quarter, date(2026, 1, 9), 10) is None
    assert due_period(quarter, date(2026, 1, 10), 10).label == "2025-Q4"  # type: ignore[union-attr]
    later = indicator("yearly", start=date(2027, 3, 1))
    assert due_period(later, date(2026, 6, 1), 10) is None  # not started


def test_reported_counts_readings_from_the_period_first_day_through_as_of() -> None:
    november = period_of(date(2025, 11, 1), "monthly")
    as_of = date(2025, 12, 10)
    assert reported(indicator("monthly", date(2025, 11, 1)), november, as_of)
    assert reported(indicator("monthly", date(2025, 12, 8)), november, as_of)  # sent late
    assert reported(indicator("monthly", date(2025, 12, 10)), november, as_of)
    assert not reported(indicator("monthly", date(2025, 10, 31)), november, as_of)
    assert not reported(indicator("monthly", date(2025, 12, 11)), november, as_of)  # after
    assert not reported(indicator("monthly"), november, as_of)


def test_stale_means_owing_the_due_period() -> None:
    going, as_of = Status.IN_PROGRESS, date(2025, 12, 2)
    # on 2 December nobody owes November yet: an October reading is enough
    assert not is_stale(indicator("monthly", date(2025, 10, 20)), as_of, going, 10)
    assert is_stale(indicator("monthly", date(2025, 9, 30)), as_of, going, 10)
    # from 10 December November is owed
    assert is_stale(indicator("monthly", date(2025, 10, 20)), date(2025, 12, 10), going, 10)
    assert not is_stale(indicator("monthly", date(2025, 9, 30)), as_of, Status.ACHIEVED, 10)
    started = indicator("monthly", start=date(2025, 11, 15))
    assert not is_stale(started, date(2025, 12, 9), going, 10)  # nothing due yet
    assert is_stale(started, date(2025, 12, 10), going, 10)
    # a monitored indicator (no target) owes its figures too
    assert is_stale(indicator("monthly", target=None), as_of, Status.MONITORED, 10)


def test_missing_streak_counts_periods_without_a_reading_back_to_the_start() -> None:
    as_of = date(2025, 12, 10)  # November is due
    late_start = indicator("monthly", start=date(2025, 8, 15))
    assert missing_streak(late_start, as_of, 10) == 4  # Nov, Oct, Sep and Aug (started in it)
    september = indicator("monthly", date(2025, 9, 20), start=date(2025, 8, 15))
    assert missing_streak(september, as_of, 10) == 2  # Nov and Oct; September is covered
    sent_late = indicator("monthly", date(2025, 12, 5), start=date(2025, 8, 15))
    assert missing_streak(sent_late, as_of, 10) == 0  # the December reading reports November
    quarterly = indicator("quarterly", date(2025, 3, 31), start=date(2025, 1, 1))
    assert missing_streak(quarterly, date(2026, 1, 10), 10) == 3  # Q4, Q3 and Q2
    assert missing_streak(indicator("monthly", start=date(2026, 1, 1)), as_of, 10) == 0


def test_coverage_is_the_weight_share_of_those_due_that_reported() -> None:
    def named(ind: Indicator, key: str) -> Indicator:
        return ind._replace(id=key, name=key)

    sent = named(indicator("monthly", date(2025, 11, 3), weight=3), "sent")
    owing = named(indicator("monthly", date(2025, 10, 3), weight=1), "owing")
    fresh = named(indicator("monthly", start=date(2025, 12, 1), weight=5), "fresh")  # none due
    watched = named(indicator("monthly", target=None, weight=7), "watched")  # not counted
    bus = Bus("b", "b", 1, date(2020, 1, 1), None, (), "f", None, None,
              (sent, owing, fresh, watched), "")  # fmt: skip
    result = assess_bus(bus, date(2025, 12, 10), report_days=10)
    assert result.coverage == pytest.approx(3 / 4)
    states = [(r.period.label if r.period else None, r.reported, r.stale)
              for r in result.indicators]  # fmt: skip
    assert states == [
        ("2025-11", True, False),
        ("2025-11", False, True),
        (None, False, False),
        ("2025-11", False, True),
    ]
    # before anything is due, there is no coverage to speak of
    assert assess_bus(bus, date(2020, 2, 9), report_days=10).coverage is None
    # report_days moves the due period, and so the coverage
    assert assess_bus(bus, date(2025, 12, 10), report_days=11).coverage == pytest.approx(1.0)


def test_the_ends_of_the_calendar() -> None:
    from gongfu_cli.domain.followup import meeting_points, reply_date

    for cadence in ("monthly", "quarterly", "half-yearly", "yearly"):
        assert period_of(date.max, cadence).last == date.max
        assert previous(period_of(date.min, cadence), cadence) is None
        assert due_period(indicator(cadence, start=date.min), date(1, 1, 5), 10) is None
    assert meeting_points(date(1, 3, 15), "monthly") == [date(1, 3, 15), date(1, 2, 28),
                                                         date(1, 1, 31)]  # fmt: skip
    assert reply_date(date.max, 7) == date.max and reply_date(date(2025, 6, 30), 7) == date(
        2025, 7, 7
    )
    ancient = indicator("monthly", start=date.min)
    assert missing_streak(ancient, date(1, 4, 10), 10) == 3  # March, February, January
