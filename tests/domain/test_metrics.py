"""The metrics contract, checked against values computed by hand."""

from __future__ import annotations

from datetime import date

import pytest

from gongfu_cli.domain.metrics import (
    Status,
    assess,
    attainment,
    combine_status,
    schedule,
    status,
)
from gongfu_cli.store.load import load_dataset
from tests.conftest import SAMPLE, SAMPLE_AS_OF


def test_attainment_rising_target() -> None:
    assert attainment(60, 0, 100) == pytest.approx(0.6)


def test_attainment_falling_target_like_an_income_ratio() -> None:
    # 1.66 -> 1.55, reached 1.60: moved 0.06 of the 0.11 needed.
    assert attainment(1.60, 1.66, 1.55) == pytest.approx(0.06 / 0.11)


def test_attainment_is_not_capped_and_can_be_negative() -> None:
    assert attainment(117, 0, 100) == pytest.approx(1.17)
    assert attainment(40, 50, 150) == pytest.approx(-0.1)


def test_attainment_empty_without_target_or_value() -> None:
    assert attainment(None, 0, 100) is None
    assert attainment(5, 0, None) is None


def test_schedule_share_of_days_clipped() -> None:
    start, due = date(2022, 1, 1), date(2024, 1, 1)  # 730 days
    assert schedule(date(2023, 1, 1), start, due) == pytest.approx(365 / 730)
    assert schedule(date(2021, 6, 1), start, due) == 0.0
    assert schedule(date(2030, 1, 1), start, due) == 1.0
    assert schedule(date(2023, 1, 1), start, None) is None


def test_schedule_when_due_is_start() -> None:
    day = date(2022, 1, 1)
    assert schedule(day, day, day) == 1.0
    assert schedule(date(2021, 12, 31), day, day) == 0.0


AS_OF = date(2023, 1, 1)
DUE = date(2024, 1, 1)


@pytest.mark.parametrize(
    ("has_target", "attained", "elapsed", "due", "expected"),
    [
        (False, 0.5, 0.5, DUE, Status.MONITORED),
        (True, None, 0.5, DUE, Status.NO_DATA),
        (True, 1.0, 0.5, DUE, Status.ACHIEVED),
        (True, 1.3, 1.0, date(2022, 1, 1), Status.ACHIEVED),  # achieved beats overdue
        (True, 0.9, 1.0, date(2022, 12, 31), Status.OVERDUE),
        (True, 0.2, None, None, Status.IN_PROGRESS),
        (True, 0.5, 0.5, DUE, Status.ON_TRACK),
        (True, 0.4, 0.7, DUE, Status.LAGGING),  # behind by exactly 0.30
        (True, 0.39, 0.7, DUE, Status.OFF_TRACK),
    ],
)
def test_status_rules_first_match_wins(
    has_target: bool,
    attained: float | None,
    elapsed: float | None,
    due: date | None,
    expected: Status,
) -> None:
    assert status(has_target, attained, elapsed, AS_OF, due, 0.30) is expected


def test_bus_status_is_the_worst_and_ignores_monitored() -> None:
    assert combine_status([Status.ACHIEVED, Status.LAGGING, Status.MONITORED]) is Status.LAGGING
    assert combine_status([Status.NO_DATA, Status.IN_PROGRESS]) is Status.NO_DATA
    assert combine_status([Status.OFF_TRACK, Status.OVERDUE]) is Status.OVERDUE
    assert combine_status([Status.MONITORED, Status.MONITORED]) is Status.MONITORED
    assert combine_status([]) is Status.MONITORED


def _results() -> dict[str, object]:
    dataset = load_dataset(SAMPLE)
    return {r.bus.id: r for r in assess(dataset, SAMPLE_AS_OF)}


def test_bus_attainment_is_weighted_and_clipped() -> None:
    results = _results()
    alpha = results["alpha"]
    # coverage 0.6 (w1), income ratio 0.06/0.11 (w2), revenue 0.1 (w1); stations is monitored.
    assert alpha.attainment == pytest.approx((0.6 + 2 * 0.06 / 0.11 + 0.1) / 4)
    assert alpha.schedule == pytest.approx(365 / 730)
    assert alpha.status is Status.OFF_TRACK
    assert alpha.coverage is None  # 2022's figures are not due before 2023-01-10
    # beta: schools 1.2 clipped to 1, students 0.5; teachers has no reading and counts as 0,
    # so not reporting never raises a bus's attainment.
    beta = results["beta"]
    assert beta.attainment == pytest.approx((1 + 0 + 0.5) / 3)
    assert beta.coverage is None
    assert beta.schedule is None
    assert beta.status is Status.NO_DATA
    assert results["gamma"].status is Status.OVERDUE
    assert results["delta"].status is Status.MONITORED
    assert results["delta"].attainment is None


def test_coverage_once_the_year_is_due() -> None:
    dataset = load_dataset(SAMPLE)
    results = {r.bus.id: r for r in assess(dataset, date(2023, 1, 10))}  # 2022 is due
    assert results["alpha"].coverage == pytest.approx(1.0)  # every counted one reported 2022
    # teachers (w1) sent nothing for 2022; schools and students did
    assert results["beta"].coverage == pytest.approx(2 / 3)
    assert assess(dataset, date(2023, 1, 9))[1].coverage is None  # one day before: not due


def test_indicator_results_match_hand_values() -> None:
    by_id = {r.indicator.id: r for r in _results()["gamma"].indicators}
    lag = by_id["lag"]
    assert lag.schedule == pytest.approx(365 / 729)
    assert lag.attainment == pytest.approx(0.4)
    assert lag.status is Status.LAGGING
    assert by_id["done"].status is Status.OVERDUE


def test_as_of_ignores_later_readings() -> None:
    dataset = load_dataset(SAMPLE)
    alpha = dataset.buses[0]
    coverage = lambda day: assess(dataset, day, [alpha])[0].indicators[0]  # noqa: E731 - tiny local helper
    assert coverage(date(2022, 6, 30)).value is None
    assert coverage(date(2022, 6, 30)).status is Status.NO_DATA
    assert coverage(date(2022, 7, 1)).value == 40
    assert coverage(date(2023, 1, 1)).value == 60
    assert coverage(date(2023, 6, 29)).value_date == date(2023, 1, 1)
    assert coverage(date(2023, 6, 30)).value == 90


def test_every_status_has_one_label_and_one_style() -> None:
    from gongfu_cli.domain.metrics import DISPLAY_ORDER
    from gongfu_cli.presentation.vocabulary import STATUS_LABELS, STATUS_LOOKS, status_label

    assert set(STATUS_LABELS) == set(STATUS_LOOKS) == set(Status) == set(DISPLAY_ORDER)
    assert len(set(STATUS_LABELS.values())) == len(Status)  # labels tell statuses apart
    assert status_label("off_track") == status_label(Status.OFF_TRACK) == "严重滞后"


def test_status_counts_are_worst_first_with_monitored_last() -> None:
    from gongfu_cli.domain.metrics import status_counts

    counts = status_counts(["monitored", "on_track", "overdue", "on_track", Status.LAGGING])
    assert counts == [(Status.OVERDUE, 1), (Status.LAGGING, 1), (Status.ON_TRACK, 2),
                      (Status.MONITORED, 1)]  # fmt: skip


def _planned(*milestones: tuple[date, float], baseline: float = 0, target: float = 100):
    from gongfu_cli.domain.model import Indicator, Milestone

    stones = tuple(Milestone(d, v) for d, v in milestones)
    start, due = date(2022, 1, 1), date(2025, 1, 1)
    return Indicator("x", "x", "", target, baseline, start, due, 1, (), stones, "yearly")


def test_expected_runs_through_each_milestone() -> None:
    from gongfu_cli.domain.metrics import expected, planned_share

    ind = _planned((date(2023, 1, 1), 40), (date(2024, 1, 1), 70))
    assert expected(ind, date(2021, 6, 1)) == 0  # before the start: the baseline
    assert expected(ind, date(2022, 1, 1)) == 0
    # between the start and the first milestone: 0 → 40 over 365 days
    assert expected(ind, date(2022, 7, 2)) == pytest.approx(40 * 182 / 365)
    assert expected(ind, date(2023, 1, 1)) == 40  # on a milestone day: its value
    # between two milestones: 40 → 70 over 365 days
    assert expected(ind, date(2023, 7, 2)) == pytest.approx(40 + 30 * 182 / 365)
    # after the last milestone: 70 → 100 over 366 days (2024 is a leap year)
    assert expected(ind, date(2024, 7, 1)) == pytest.approx(70 + 30 * 182 / 366)
    assert expected(ind, date(2025, 1, 1)) == 100 and expected(ind, date(2030, 1, 1)) == 100
    assert planned_share(ind, date(2023, 1, 1)) == pytest.approx(0.4)


def test_without_milestones_the_schedule_is_the_share_of_days() -> None:
    from gongfu_cli.domain.metrics import planned_share, schedule

    ind = _planned()
    for day in (date(2022, 3, 1), date(2023, 8, 17), date(2024, 12, 31)):
        assert planned_share(ind, day) == pytest.approx(schedule(day, ind.start, ind.due))


def test_a_falling_target_with_milestones() -> None:
    from gongfu_cli.domain.metrics import expected, planned_share

    ind = _planned((date(2023, 1, 1), 1.62), baseline=1.66, target=1.58)
    assert expected(ind, date(2023, 1, 1)) == pytest.approx(1.62)
    assert planned_share(ind, date(2023, 1, 1)) == pytest.approx(0.5)  # 0.04 of 0.08


def test_the_lag_tolerance_moves_the_lagging_boundary() -> None:
    from gongfu_cli.domain.metrics import status

    as_of, due = date(2023, 1, 1), date(2024, 1, 1)
    assert status(True, 0.3, 0.5, as_of, due, 0.30) is Status.LAGGING  # 0.2 behind, within 0.30
    assert status(True, 0.3, 0.5, as_of, due, lag=0.1) is Status.OFF_TRACK
    assert status(True, 0.45, 0.5, as_of, due, lag=0.1) is Status.LAGGING


def test_bus_schedule_is_the_counted_indicators_mean_else_the_bus_own() -> None:
    from gongfu_cli.domain.model import Bus, Dataset, Indicator, Program

    start = date(2022, 1, 1)
    near = Indicator("a", "a", "", 100, 0, start, date(2023, 1, 1), 1, (), (), "yearly")
    far = Indicator("b", "b", "", 100, 0, start, date(2024, 1, 1), 3, (), (), "yearly")
    later = Indicator("c", "c", "", 100, 0, date(2030, 1, 1), date(2031, 1, 1), 5, (), (), "yearly")
    bus = Bus("x", "x", 1, start, date(2026, 1, 1), (), "f", None, None, (near, far, later), "")
    dataset = Dataset(Program(None, None, None, None, 0.30, 10, "monthly", 7, ()), (bus,), ())

    result = assess(dataset, date(2022, 7, 2), [bus])[0]  # 182 days in
    # `later` has not started: it does not count. near 182/365 (w1), far 182/730 (w3).
    assert result.schedule == pytest.approx((182 / 365 + 3 * 182 / 730) / 4)
    assert result.coverage is None and result.attainment is None  # nothing due, none reported
    alone = bus._replace(indicators=(later,))
    assert assess(dataset, date(2022, 7, 2), [alone])[0].schedule == pytest.approx(182 / 1461)
    assert assess(dataset, date(2022, 7, 2), [alone])[0].coverage is None
