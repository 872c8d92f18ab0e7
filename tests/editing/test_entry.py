"""Input the way people type it: full-width and grouped numbers, percentages, Chinese dates,
status labels and parts of field names; and the warnings `record` gives at once."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gongfu_cli.cli.app import app
from gongfu_cli.editing.typed import EntryError, parse_day, parse_number, parse_period
from gongfu_cli.store.load import load_dataset
from tests.builders import COMMENTED
from tests.conftest import SAMPLE

runner = CliRunner()


@pytest.mark.parametrize(
    ("typed", "unit", "value"),
    [
        ("85", "", 85),
        ("８５", "", 85),
        ("８５．５", "", 85.5),
        ("－５", "", -5),
        ("−5", "", -5),
        ("1,200", "", 1200),
        ("1，200", "", 1200),
        ("1,234,567.25", "", 1234567.25),
        (" 85 ", "", 85),
        ("85%", "%", 85),
        ("８５．５％", "%", 85.5),
        ("1e3", "", 1000.0),
        ("+3", "", 3),
        (".5", "", 0.5),
    ],
)
def test_numbers_as_people_type_them(typed: str, unit: str, value: float) -> None:
    parsed = parse_number(typed, unit)
    assert parsed == value and type(parsed) is type(value)


@pytest.mark.parametrize(
    ("typed", "unit"),
    [("85%", "个"), ("1,20", ""), ("12,3456", ""), ("约85", ""), ("—", ""), ("1.2万", "万人"),
     ("", ""), ("1e-400", ""), ("1e16", ""), ("nan", ""), ("inf", ""), ("0x10", "")],
)  # fmt: skip
def test_what_is_not_a_number(typed: str, unit: str) -> None:
    with pytest.raises(EntryError):
        parse_number(typed, unit)


@pytest.mark.parametrize(
    "typed",
    ["2024-06-30", "2024/06/30", "2024/6/30", "2024.6.30", "2024年6月30日", "2024年6月30号",
     "２０２４－０６－３０", "20240630", " 2024-06-30 "],
)  # fmt: skip
def test_dates_as_people_type_them(typed: str) -> None:
    assert parse_day(typed) == date(2024, 6, 30)


@pytest.mark.parametrize("typed", ["2023W527", "2023-W52-7", "2023-180", "2024-02-30", "30/6/2024"])
def test_what_is_not_a_date(typed: str) -> None:
    with pytest.raises(EntryError):
        parse_day(typed)


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("2024-06-30", date(2024, 6, 30)),
        ("2024/6/30", date(2024, 6, 30)),
        ("2024年6月30日", date(2024, 6, 30)),
        ("2024年6月", date(2024, 6, 30)),
        ("2024年2月", date(2024, 2, 29)),  # a leap year's February
        ("2023-02", date(2023, 2, 28)),
        ("２０２４年６月", date(2024, 6, 30)),
        ("2024年二季度", date(2024, 6, 30)),
        ("2024年第四季度", date(2024, 12, 31)),
        ("2024年1季度", date(2024, 3, 31)),
        ("2024Q3", date(2024, 9, 30)),
        ("2024-q1", date(2024, 3, 31)),
        ("2024年上半年", date(2024, 6, 30)),
        ("2024年下半年", date(2024, 12, 31)),
        ("2024H1", date(2024, 6, 30)),
        ("2024年", date(2024, 12, 31)),
        ("2024年度", date(2024, 12, 31)),
        ("2024", date(2024, 12, 31)),
    ],
)
def test_periods_mean_their_last_day(typed: str, day: date) -> None:
    assert parse_period(typed) == day


@pytest.mark.parametrize(
    "typed", ["2024年13月", "2024Q5", "20242", "明年", "二〇二四年", "2024年五季度"]
)
def test_what_is_not_a_period(typed: str) -> None:
    with pytest.raises(EntryError, match="is not a date"):
        parse_period(typed)


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    path = tmp_path / "buses.toml"
    path.write_text(COMMENTED, encoding="utf-8")
    return path


def record(data_file: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["record", "-d", str(data_file), *args])
    return result.exit_code, result.stdout, result.stderr


def last_value(path: Path) -> float:
    return load_dataset(path).buses[0].indicators[0].readings[-1].value


@pytest.mark.parametrize(
    ("value", "day", "stored"),
    [("８５．５", "2023/6/30", 85.5), ("85%", "2023年6月30日", 85), ("1,00", None, None)],
)
def test_record_takes_typed_values_and_dates(
    data_file: Path, value: str, day: str, stored: float | None
) -> None:
    code, out, err = record(data_file, "alpha", "coverage", value, "--date", day or "2023-06-30")
    if stored is None:
        assert code == 2 and "is not a number" in err
        return
    assert code == 0, err
    assert f"on 2023-06-30 in {data_file}" in out
    assert last_value(data_file) == stored


@pytest.mark.parametrize(
    ("value", "stored"), [("-5", -5), ("-5,000.5", -5000.5), ("-.5", -0.5), ("-５", -5)]
)
def test_a_negative_value_gets_a_hint_or_goes_after_dashes(
    data_file: Path, value: str, stored: float
) -> None:
    code, _, err = record(data_file, "alpha", "coverage", value, "--date", "2023-06-30")
    assert code == 2
    assert f"No such option: {value}. A negative value?" in err  # the whole value, as typed
    assert f"gongfu record BUS INDICATOR -- '{value}'" in err
    code, _, err = record(data_file, "alpha", "coverage", "--date", "2023-06-30", "--", value)
    assert code == 0, err
    assert last_value(data_file) == stored


def test_an_iso_week_date_is_refused(data_file: Path) -> None:
    code, _, err = record(data_file, "alpha", "coverage", "50", "--date", "2023W527")
    assert code == 2 and "is not a date" in err


def test_status_takes_labels_and_keys_and_field_a_unique_part() -> None:
    def buses(*args: str) -> list[str]:
        result = runner.invoke(
            app, ["list", "-d", str(SAMPLE), "--as-of", "2023-01-01", "-f", "csv", *args]
        )
        assert result.exit_code == 0, result.output
        return [line.split(",")[0] for line in result.stdout.splitlines()[1:]]

    assert buses("--status", "逾期") == buses("--status", "overdue") == ["gamma"]
    assert buses("-s", "无数据", "-s", "monitored") == ["beta", "delta"]
    assert buses("--field", "教") == buses("--field", "教育") == ["beta"]
    result = runner.invoke(app, ["list", "-d", str(SAMPLE), "--status", "差"])
    assert result.exit_code == 2 and "off_track (严重滞后)" in result.output
    result = runner.invoke(app, ["list", "-d", str(SAMPLE), "--field", "农"])
    assert result.exit_code == 1 and "no field matches" in result.stderr
    result = runner.invoke(app, ["list", "-d", str(SAMPLE), "--batch", "9"])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.strip().endswith("no batch matches 9; the batches are: 1、2")


def test_record_warns_as_check_would(data_file: Path) -> None:
    code, _, err = record(data_file, "alpha", "coverage", "30", "--date", "2023-02-01")
    assert code == 0
    assert "warning: value 30 on 2023-02-01 moved away from the target 100" in err
    before = data_file.read_bytes()  # a date before the start is refused, as import does
    code, _, err = record(data_file, "alpha", "coverage", "35", "--date", "2021-06-01")
    assert code == 1 and "the date is before the indicator starts (2022-01-01)" in err
    assert data_file.read_bytes() == before
    code, _, err = record(data_file, "alpha", "coverage", "250", "--date", "2023-03-01")
    assert "puts attainment at 250%, past 200%: check the unit?" in err
    check = runner.invoke(app, ["check", "-d", str(data_file)])
    assert "past 200%: check the unit?" in check.stdout
