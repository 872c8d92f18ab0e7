"""Trend projections, the race and the history, against hand-computed values."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gongfu_cli.cli.app import app
from gongfu_cli.domain.metrics import assess
from gongfu_cli.domain.model import Indicator, Reading
from gongfu_cli.domain.trend import fit, trend
from gongfu_cli.presentation.rows import CHANGES_COLUMNS, HISTORY_COLUMNS, RANK_COLUMNS, rank_rows
from gongfu_cli.store.load import load_dataset
from tests.conftest import SAMPLE

runner = CliRunner()
D0 = date(2023, 1, 1)


def indicator(
    target: float | None = 100, baseline: float = 0, due: date | None = date(2024, 1, 1)
) -> Indicator:
    return Indicator("x", "x", "%", target, baseline, date(2022, 1, 1), due, 1, (), (), "yearly")


def readings(*pairs: tuple[int, float]) -> list[Reading]:
    return [Reading(D0 + timedelta(days=d), v) for d, v in pairs]


def test_fit_is_least_squares() -> None:
    # Points (0, 1), (1, 3), (2, 2): slope 0.5, mean 2 at day 1.
    slope, intercept = fit(readings((0, 1), (1, 3), (2, 2)))
    assert slope == pytest.approx(0.5)
    assert intercept + slope * (D0.toordinal() + 1) == pytest.approx(2.0)


def test_projection_and_eta_on_a_straight_line() -> None:
    # 10 points a year from 20: at 2024-01-01 (365 days on) the line stands at 30.
    t = trend(indicator(), readings((0, 20), (100, 20 + 1000 / 365)))
    assert t.projected == pytest.approx(0.30, abs=1e-9)
    # 100 is reached after (100 - 20) * 36.5 = 2920 days.
    assert t.eta == D0 + timedelta(days=2920)


def test_falling_target_moves_toward_it() -> None:
    # An income ratio from 1.66 toward 1.55, falling 0.01 every 100 days from 1.62.
    t = trend(indicator(target=1.55, baseline=1.66), readings((0, 1.62), (100, 1.61)))
    assert t.eta == D0 + timedelta(days=700)
    at_due = 1.62 - 0.01 * 365 / 100
    assert t.projected == pytest.approx((at_due - 1.66) / (1.55 - 1.66))


def test_no_eta_when_moving_away_or_flat_or_without_target() -> None:
    assert trend(indicator(), readings((0, 50), (10, 40))).eta is None
    assert trend(indicator(), readings((0, 50), (10, 50))).eta is None
    away = trend(indicator(target=None), readings((0, 50), (10, 60)))
    assert (away.eta, away.projected) == (None, None)
    assert trend(indicator(due=None), readings((0, 50), (10, 60))).projected is None


def test_one_reading_has_no_trend() -> None:
    assert trend(indicator(), readings((0, 50))) is None


def row(bus_id: str, attainment: float | None, schedule: float | None = None) -> object:
    from types import SimpleNamespace

    from gongfu_cli.domain.metrics import Status

    bus = SimpleNamespace(id=bus_id, name=bus_id, lead=None)
    return SimpleNamespace(
        bus=bus, attainment=attainment, schedule=schedule, status=Status.IN_PROGRESS, coverage=None
    )


def test_equal_values_share_a_rank_and_the_unranked_come_last() -> None:
    results = [row("a", 0.5), row("b", None), row("c", 0.9), row("d", 0.5), row("e", 0.2)]
    ranked = rank_rows(results)
    assert [(r["rank"], r["bus_id"]) for r in ranked] == [
        (1, "c"),
        (2, "a"),
        (2, "d"),
        (4, "e"),
        (None, "b"),
    ]


def test_rank_by_gap_needs_a_schedule() -> None:
    results = [row("a", 0.5, 0.4), row("b", 0.9, None), row("c", 0.6, 0.7)]
    ranked = rank_rows(results, "gap")
    assert [(r["rank"], r["bus_id"], r["gap"]) for r in ranked] == [
        (1, "a", 0.1),
        (2, "c", -0.1),
        (None, "b", None),
    ]


def test_rank_command_machine_columns_and_as_of() -> None:
    def ranked(as_of: str, *extra: str) -> list[dict[str, str]]:
        result = runner.invoke(
            app, ["rank", "-d", str(SAMPLE), "--as-of", as_of, "-f", "csv", *extra]
        )
        assert result.exit_code == 0, result.output
        return list(csv.DictReader(io.StringIO(result.stdout)))

    rows = ranked("2023-01-01")
    assert list(rows[0]) == list(RANK_COLUMNS)
    # beta: (1 + 0.5 + 0, its unreported teachers) / 3; gamma: (0.6 + 0.4) / 2. Equal: rank 1.
    # No coverage yet: 2022's figures are due on 2023-01-10.
    assert [(r["rank"], r["bus_id"], r["attainment"], r["coverage"]) for r in rows] == [
        ("1", "beta", "0.5", ""),
        ("1", "gamma", "0.5", ""),
        ("3", "alpha", "0.4477", ""),
        ("", "delta", "", ""),
    ]
    due = {r["bus_id"]: r["coverage"] for r in ranked("2023-01-10")}
    assert due == {"beta": "0.6667", "gamma": "1", "alpha": "1", "delta": ""}
    # Before any reading, nobody has an attainment: nobody is ranked.
    assert {r["rank"] for r in ranked("2022-01-01")} == {""}
    # By gap, beta (no due date) drops out. gamma's schedule is its indicators' mean: "done"
    # is due (1.0), "lag" is 365/729 of the way; so it is 25.03 points behind, alpha 5.23.
    by_gap = ranked("2023-01-01", "--by", "gap")
    assert [(r["rank"], r["bus_id"], r["gap"]) for r in by_gap] == [
        ("1", "alpha", "-0.0523"),
        ("2", "gamma", "-0.2503"),
        ("", "beta", ""),
        ("", "delta", ""),
    ]


def test_rank_table_shows_the_race() -> None:
    result = runner.invoke(app, ["rank", "-d", str(SAMPLE), "--as-of", "2023-01-01"])
    assert result.exit_code == 0, result.output
    for text in ("赛马", "名次", "贝塔", "50.0%", "-5.2", "甲局、乙局", "严重滞后"):
        assert text in result.stdout, text


def test_history_rows_with_change_and_attainment() -> None:
    result = runner.invoke(
        app,
        ["history", "alpha", "coverage", "-d", str(SAMPLE), "--as-of", "2023-06-30", "-f", "csv"],
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == list(HISTORY_COLUMNS)
    assert [(r["date"], r["value"], r["change"], r["attainment"]) for r in rows] == [
        ("2022-07-01", "40", "", "0.4"),
        ("2023-01-01", "60", "20", "0.6"),
        ("2023-06-30", "90", "30", "0.9"),
    ]


def test_history_of_a_whole_bus_and_as_of_cut() -> None:
    result = runner.invoke(
        app, ["history", "阿尔法", "-d", str(SAMPLE), "--as-of", "2023-01-01", "-f", "jsonl"]
    )
    assert result.exit_code == 0, result.output
    assert "2023-06-30" not in result.stdout
    assert len(result.stdout.splitlines()) == 5  # coverage 2, income ratio 1, revenue 1, stations 1


def test_history_table_has_sparkline_and_forecast() -> None:
    result = runner.invoke(
        app, ["history", "alpha", "coverage", "-d", str(SAMPLE), "--as-of", "2023-01-01"]
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "▁█" in out
    assert "到期完成率 99.7%" in out and "预计达标 2024-01-04" in out
    assert "第二次报告" in out and "+20" in out


def test_progress_and_export_carry_the_forecast() -> None:
    dataset = load_dataset(SAMPLE)
    coverage = assess(dataset, date(2023, 1, 1))[0].indicators[0]
    # 40 on 2022-07-01, 60 on 2023-01-01: 20 per 184 days.
    assert coverage.projected == pytest.approx((60 + 20 * 365 / 184) / 100)
    assert coverage.eta == date(2023, 1, 1) + timedelta(days=368)
    later = assess(dataset, date(2023, 6, 30))[0].indicators[0]
    assert later.eta != coverage.eta  # the third reading moves the forecast


def test_rank_movement_between_two_dates() -> None:
    from gongfu_cli.presentation.rows import compare_rows

    def ranked(*rows: tuple[str, int | None, float | None]) -> list[dict]:
        return [{"bus_id": b, "rank": r, "attainment": a} for b, r, a in rows]

    now = ranked(("a", 1, 0.9), ("b", 2, 0.5), ("c", 2, 0.5), ("d", 4, 0.3), ("e", None, None))
    then = ranked(("b", 1, 0.4), ("a", 2, 0.3), ("d", 3, 0.2), ("e", 4, 0.1), ("c", None, None))
    moved = {r["bus_id"]: (r["previous_rank"], r["move"], r["change"])
             for r in compare_rows(now, then, "attainment")}  # fmt: skip
    assert moved == {
        "a": (2, 1, 0.6),  # moved up one
        "b": (1, -1, 0.1),  # down one (tied now, but b was first)
        "c": (None, None, None),  # newly ranked: no move, shown as 新
        "d": (3, -1, 0.1),
        "e": (4, None, None),  # dropped out of the race
    }


def test_rank_compare_command_and_its_marks() -> None:
    result = runner.invoke(
        app, ["rank", "-d", str(SAMPLE), "--as-of", "2023-01-01", "--compare", "2022-07-01"]
    )
    assert result.exit_code == 0, result.output
    assert "进退" in result.stdout and "新" in result.stdout and "↓1" in result.stdout
    rows = list(csv.DictReader(io.StringIO(runner.invoke(
        app, ["rank", "-d", str(SAMPLE), "--as-of", "2023-01-01", "--compare", "2022-07-01",
              "-f", "csv"]).stdout)))  # fmt: skip
    by_id = {r["bus_id"]: (r["rank"], r["previous_rank"], r["move"]) for r in rows}
    # 2022-07-01: beta 0.5 first; alpha second with 0.4 on one of its weight-4 targets (0.1);
    # gamma had no reading yet, so it is new in the race
    assert by_id == {
        "beta": ("1", "1", "0"),
        "gamma": ("1", "", ""),
        "alpha": ("3", "2", "-1"),
        "delta": ("", "", ""),
    }


def test_summary_by_lead_field_and_batch() -> None:
    def summary(by: str, as_of: str = "2023-01-01") -> list[dict[str, str]]:
        result = runner.invoke(
            app, ["summary", "--by", by, "-d", str(SAMPLE), "--as-of", as_of, "-f", "csv"]
        )
        assert result.exit_code == 0, result.output
        return list(csv.DictReader(io.StringIO(result.stdout)))

    leads = summary("lead")
    # alpha has joint leads 甲局、乙局: it counts in both; gamma and delta have none: "—"
    assert [r["group"] for r in leads] == ["甲局", "乙局", "丙局", "—"]
    assert leads[0]["buses"] == leads[1]["buses"] == "1" and leads[3]["buses"] == "2"
    # "—": gamma (0.6 and 0.4, weights 1) and delta (monitored): (0.6 + 0.4) / 2
    assert leads[3]["attainment"] == "0.5" and leads[3]["status"] == "overdue"
    assert leads[2]["coverage"] == ""  # nothing is due before 2023-01-10
    assert summary("lead", "2023-01-10")[2]["coverage"] == "0.6667"  # beta: 2 of its 3 targets
    assert summary("batch", "2023-01-10")[1]["coverage"] == "0.8"  # beta and gamma: 4 of 5
    batches = summary("batch")
    assert [r["group"] for r in batches] == ["1", "2"]
    # batch 2: beta (schools 1, teachers 0, students 0.5) and gamma (0.6, 0.4): 2.5 / 5
    assert batches[1]["attainment"] == "0.5" and batches[1]["coverage"] == ""
    assert [r["group"] for r in summary("field")] == ["交通", "教育", "供水"]


def test_lead_filter_takes_a_unique_part() -> None:
    result = runner.invoke(app, ["list", "-d", str(SAMPLE), "--lead", "丙", "-f", "csv"])
    assert [line.split(",")[0] for line in result.stdout.splitlines()[1:]] == ["beta"]
    result = runner.invoke(app, ["rank", "-d", str(SAMPLE), "--lead", "局", "-f", "csv"])
    assert result.exit_code == 1 and "matches several lead agencies" in result.stderr


def test_changes_since_a_date_first_reports_then_the_rest() -> None:
    args = ["changes", "--since", "2022-07-01", "-d", str(SAMPLE), "--as-of", "2023-01-01"]
    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, [*args, "-f", "csv"]).stdout)))
    assert list(rows[0]) == list(CHANGES_COLUMNS)
    got = [(r["indicator_id"], r["readings"], r["status_before"], r["status_after"], r["change"])
           for r in rows]  # fmt: skip
    assert got == [
        # first figures, in data order, whatever their status (never 转差)
        ("income-ratio", "1", "no_data", "on_track", "first"),
        ("revenue", "1", "no_data", "off_track", "first"),
        ("stations", "1", "monitored", "monitored", "first"),
        ("done", "1", "no_data", "overdue", "first"),
        ("lag", "1", "no_data", "lagging", "first"),
        ("households", "1", "monitored", "monitored", "first"),
        # a new figure, status unchanged
        ("coverage", "1", "on_track", "on_track", "same"),
    ]
    coverage = rows[6]
    assert (coverage["value_before"], coverage["value_after"]) == ("40", "60")
    table = runner.invoke(app, args, env={"COLUMNS": "120"}).stdout
    for text in ("首次报送（6）", "其他（1）", "班车 阿尔法：无数据 → 严重滞后"):
        assert text in table
    nothing = runner.invoke(app, [*args[:2], "2023-01-01", *args[3:]]).stdout
    assert "（无变化）" in nothing


@pytest.mark.parametrize(
    ("command", "option"),
    [(["changes"], "--since"), (["rank"], "--compare"), (["report"], "--since"),
     (["report"], "--compare")],
)  # fmt: skip
def test_a_date_to_compare_with_after_as_of_is_a_usage_error(
    command: list[str], option: str
) -> None:
    args = [*command, "-d", str(SAMPLE), "--as-of", "2023-01-01"]
    result = runner.invoke(app, [*args, option, "2023-01-02"])
    assert result.exit_code == 2, result.output
    assert f"'{option}': 2023-01-02 is later than --as-of 2023-01-01" in result.stderr
    assert result.stdout == ""
    same = runner.invoke(app, [*args, option, "2023-01-01"])  # the same day compares to itself
    assert same.exit_code == 0, same.output
    later = date.today() + timedelta(days=1)
    result = runner.invoke(app, [*command, "-d", str(SAMPLE), option, later.isoformat()])
    assert result.exit_code == 2, result.output
    assert f"{later} is later than today ({date.today()})" in result.stderr


def test_history_of_a_bus_without_indicators_says_so(tmp_path: Path) -> None:
    data = tmp_path / "empty.toml"
    data.write_text('[[buses]]\nid = "empty"\nname = "空车"\nbatch = 1\n'
                    'launched = 2022-01-01\nfield = "交通"\n', encoding="utf-8")  # fmt: skip
    for fmt in ("table", "csv", "svg"):
        result = runner.invoke(app, ["history", "空车", "-d", str(data), "-f", fmt])
        assert result.exit_code == 1, result.output
        assert result.stdout == ""
        assert result.stderr == (
            f'{data}: bus "空车" has no indicators, so no history; add its [[buses.indicators]] '
            "first\n"
        )
