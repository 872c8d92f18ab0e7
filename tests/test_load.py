"""Loading: every mistake in a file is reported with its file and place."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from gongfu_cli.errors import GongfuError
from gongfu_cli.load import load_dataset

BUS = """\
[[buses]]
id = "alpha"
name = "阿尔法"
batch = 1
launched = 2022-01-01
due = 2025-12-31
field = "交通"

  [[buses.indicators]]
  id = "coverage"
  name = "覆盖率"
  unit = "%"
  target = 100
"""

WriteToml = Callable[..., Path]


def problems(path: Path) -> list[str]:
    with pytest.raises(GongfuError) as caught:
        load_dataset(path)
    return caught.value.lines()


def test_minimal_file_loads_with_defaults(write_toml: WriteToml) -> None:
    dataset = load_dataset(write_toml(BUS))
    ind = dataset.buses[0].indicators[0]
    assert (ind.baseline, ind.weight, str(ind.start), str(ind.due)) == (
        0,
        1,
        "2022-01-01",
        "2025-12-31",
    )
    assert dataset.buses[0].lead is None


def test_unknown_key_names_line_allowed_keys_and_a_guess(write_toml: WriteToml) -> None:
    path = write_toml(BUS.replace('unit = "%"', 'unit = "%"\n  traget = 90'))
    (line,) = problems(path)
    assert line.startswith(f"{path}:13: ")
    assert 'bus "alpha", indicator "coverage": unknown key "traget"' in line
    assert 'did you mean "target"?' in line
    assert "allowed keys: id, name, unit, target, baseline, start, due, weight" in line


def test_number_written_as_string(write_toml: WriteToml) -> None:
    (line,) = problems(write_toml(BUS.replace("target = 100", 'target = "100"')))
    assert (
        ':13: bus "alpha", indicator "coverage": key "target": expected a number, got a '
        'string ("100"); write numbers without quotes' in line
    )


def test_string_where_a_date_belongs(write_toml: WriteToml) -> None:
    (line,) = problems(write_toml(BUS.replace("due = 2025-12-31", 'due = "2025-12-31"')))
    assert ':6: bus "alpha": key "due": expected a date' in line


def test_syntax_error_has_line_and_column(write_toml: WriteToml) -> None:
    path = write_toml(BUS.replace("batch = 1", "batch = = 1"))
    (line,) = problems(path)
    assert line.startswith(f"{path}:4:9: TOML syntax error")


def test_all_problems_are_reported_not_only_the_first(write_toml: WriteToml) -> None:
    text = BUS.replace("batch = 1", 'batch = "one"').replace("target = 100", "target = 0")
    text += '\n[[readings]]\nbus = "alpha"\nindicator = "coverage"\ndate = 2023-01-01\nvalue = 1\n'
    text += '\n[[readings]]\nbus = "alpah"\nindicator = "coverage"\ndate = 2023-01-01\nvalue = 1\n'
    lines = problems(write_toml(text))
    assert len(lines) == 3
    assert ':4: bus "alpha": key "batch"' in lines[0]
    assert ":13: " in lines[1] and "target equals baseline (0)" in lines[1]
    # The first reading belongs to the broken bus: not reported again. The second is a typo.
    assert (
        ':22: reading #2 (bus "alpah", indicator "coverage"): unknown bus "alpah" '
        '(did you mean "alpha"?)' in lines[2]
    )


def test_duplicate_ids_and_names(write_toml: WriteToml) -> None:
    second = BUS.replace('id = "alpha"', 'id = "beta"')
    lines = problems(write_toml(BUS + "\n" + BUS + "\n" + second))
    assert any('bus "alpha": duplicate bus id' in line for line in lines)
    assert any('bus "beta": duplicate bus name "阿尔法"' in line for line in lines)


def test_duplicate_indicator_id_in_one_bus(write_toml: WriteToml) -> None:
    extra = '\n  [[buses.indicators]]\n  id = "coverage"\n  name = "又一个"\n'
    (line,) = problems(write_toml(BUS + extra))
    assert 'indicator "coverage": duplicate indicator id in this bus' in line
    assert ":16: " in line


def test_reading_of_unknown_indicator(write_toml: WriteToml) -> None:
    text = (
        BUS + '\n[[readings]]\nbus = "alpha"\nindicator = "coverag"\ndate = 2023-01-01\nvalue = 1\n'
    )
    (line,) = problems(write_toml(text))
    assert 'bus "alpha" has no indicator "coverag" (did you mean "coverage"?)' in line


def test_two_readings_on_one_date_say_where_both_are(write_toml: WriteToml) -> None:
    reading = (
        '\n[[readings]]\nbus = "alpha"\nindicator = "coverage"\ndate = 2023-01-01\nvalue = {}\n'
    )
    path = write_toml(BUS + reading.format(1) + reading.format(2))
    (line,) = problems(path)
    assert line.startswith(f"{path}:24: reading #2")
    assert f"the first is reading #1 at {path}:15" in line
    assert "delete the other [[readings]] table, or correct its date" in line


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("target = 100", "target = nan"), "must be a finite number, got nan"),
        (("target = 100", "target = inf"), "must be a finite number, got inf"),
        (('unit = "%"', "weight = 0"), "weight must be greater than 0, got 0"),
        (('unit = "%"', "weight = -1"), "weight must be greater than 0, got -1"),
        (('unit = "%"', "start = 2026-01-01"), "due 2025-12-31 is before start 2026-01-01"),
        (
            ("launched = 2022-01-01", "launched = 2026-01-01"),
            "due 2025-12-31 is before launched 2026-01-01",
        ),
        (('id = "alpha"', 'id = "Alpha Bus"'), "is not a valid id"),
        (("batch = 1", "batch = true"), "expected a whole number, got a boolean"),
        (('field = "交通"', 'field = ""'), 'key "field": must not be empty'),
        (("launched = 2022-01-01", "launched = 2022-01-01T08:00:00"), "not a date-time"),
        (('field = "交通"\n', ""), 'missing key "field"'),
    ],
)
def test_bad_values_are_named(write_toml: WriteToml, change: tuple[str, str], message: str) -> None:
    lines = problems(write_toml(BUS.replace(*change)))
    assert any(message in line for line in lines), lines


def test_unknown_top_level_table(write_toml: WriteToml) -> None:
    (line,) = problems(write_toml(BUS + "\n[[reading]]\nbus = 'alpha'\n"))
    assert 'unknown key "reading" (did you mean "readings"?)' in line


def test_missing_file_and_directory_without_data(tmp_path: Path) -> None:
    with pytest.raises(GongfuError, match="no such file"):
        load_dataset(tmp_path / "nope.toml")
    with pytest.raises(GongfuError, match=r"no \*\.toml data file"):
        load_dataset(tmp_path)
