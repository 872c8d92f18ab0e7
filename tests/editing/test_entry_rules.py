"""One set of rules for a new figure, whether `record` or `import` brings it: a fraction typed
for a percentage is caught (0.46: 46%?) unless `--as-typed`, and a date before the indicator
starts is refused with the same words by both. Nothing is written when a figure is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
import xlsxwriter
from typer.testing import CliRunner

from gongfu_cli.cli.app import app
from gongfu_cli.store.load import load_dataset

runner = CliRunner()

DATA = """\
[[buses]]
id = "gas"
name = "送气下乡"
batch = 2
launched = 2022-01-04
due = 2025-12-31
field = "燃气"

  [[buses.indicators]]
  id = "coverage"
  name = "通气行政村覆盖率"
  unit = "%"
  target = 70
  baseline = 10

  [[buses.indicators]]
  id = "share"
  name = "达标比例"
  unit = "%"
  target = 1.2   # a % indicator whose figures really are small

  [[buses.indicators]]
  id = "rate"
  name = "监测比率"
  unit = "%"

  [[buses.indicators]]
  id = "homes"
  name = "用户"
  unit = "万户"
  target = 10

[[readings]]
bus = "gas"
indicator = "rate"
date = 2023-06-30
value = 30
"""


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "d.toml"
    path.write_text(DATA, encoding="utf-8")
    return path


def _record(data: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["record", "gas", *args, "--data", str(data)])
    return result.exit_code, result.output


def _import(data: Path, sheet: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["import", str(sheet), *args, "--data", str(data)])
    return result.exit_code, result.output


def _values(data: Path, indicator: str) -> list[tuple[str, float]]:
    bus = load_dataset(data).buses[0]
    found = next(i for i in bus.indicators if i.id == indicator)
    return [(r.date.isoformat(), r.value) for r in found.readings]


@pytest.mark.parametrize(
    ("indicator", "value", "meant"),
    [("coverage", "0.46", "46"), ("coverage", "1.5", "150"), ("rate", "0.3", "30")],
)
def test_record_refuses_a_fraction_typed_for_a_percentage(
    data: Path, indicator: str, value: str, meant: str
) -> None:
    before = data.read_bytes()
    code, said = _record(data, indicator, value, "--date", "2024-06-30")
    assert code == 1 and f"{value}: {meant}%?" in said and "--as-typed" in said, said
    assert '"gas" · ' in said and "on 2024-06-30" in said  # where: bus, indicator, date
    assert data.read_bytes() == before


def test_record_takes_it_as_typed_or_written_as_a_percentage(data: Path) -> None:
    assert _record(data, "coverage", "0.46", "--date", "2024-06-30", "--as-typed")[0] == 0
    assert _record(data, "coverage", "0.5%", "--date", "2024-07-31")[0] == 0
    assert _values(data, "coverage") == [("2024-06-30", 0.46), ("2024-07-31", 0.5)]


@pytest.mark.parametrize(
    ("indicator", "value"),
    [("share", "0.9"), ("homes", "0.46"), ("coverage", "46"), ("coverage", "1.6")],
)
def test_small_values_that_are_not_fractions_pass(data: Path, indicator: str, value: str) -> None:
    code, said = _record(data, indicator, value, "--date", "2024-06-30")
    assert code == 0, said


def test_import_refuses_a_fraction_in_a_general_cell_and_takes_a_percent_cell(
    data: Path, tmp_path: Path
) -> None:
    sheet = tmp_path / "回传.xlsx"
    book = xlsxwriter.Workbook(str(sheet))
    page = book.add_worksheet("市建设局")
    percent = book.add_format({"num_format": "0%"})
    page.write_row(0, 0, ["班车", "指标", "日期", "本期数值"])
    page.write_row(1, 0, ["送气下乡", "通气行政村覆盖率", "2024-06-30"])
    page.write_number(1, 3, 0.46)  # a General cell: 0.46 where 46% was meant
    page.write_row(2, 0, ["送气下乡", "通气行政村覆盖率", "2024-07-31"])
    page.write_number(2, 3, 0.47, percent)  # shown as 47%: meant as it shows
    book.close()
    before = data.read_bytes()
    code, said = _import(data, sheet)
    assert code == 1, said
    assert "回传.xlsx:市建设局!D2" in said and "0.46: 46%?" in said, said
    assert "D3" not in said
    assert data.read_bytes() == before
    code, said = _import(data, sheet, "--as-typed")
    assert code == 0, said
    assert _values(data, "coverage") == [("2024-06-30", 0.46), ("2024-07-31", 47)]


def test_import_refuses_a_fraction_in_csv_text_too(data: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "r.csv"
    sheet.write_text("班车,指标,日期,本期数值\n送气下乡,监测比率,2024-06-30,0.31\n", "utf-8")
    code, said = _import(data, sheet)
    assert code == 1 and "r.csv:2:" in said and "0.31: 31%?" in said, said
    assert "latest 30" in said  # what makes it look like a fraction


def test_a_date_before_the_start_is_refused_by_record_as_by_import(
    data: Path, tmp_path: Path
) -> None:
    before = data.read_bytes()
    code, recorded = _record(data, "coverage", "20", "--date", "2021-12-31")
    assert code == 1 and data.read_bytes() == before
    sheet = tmp_path / "r.csv"
    sheet.write_text("班车,指标,日期,本期数值\n送气下乡,通气行政村覆盖率,2021-12-31,20\n", "utf-8")
    code, imported = _import(data, sheet)
    assert code == 1 and data.read_bytes() == before
    message = '"gas" · "coverage" on 2021-12-31: the date is before the indicator starts ' + (
        "(2022-01-04)"
    )
    assert message in recorded and f"r.csv:2:C: {message}" in imported, (recorded, imported)
