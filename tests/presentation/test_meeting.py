"""What the monthly meeting reads: the kind of each change (a first report is not a fall), a
race that is the programme's whatever rows are shown, and tables whose counts add up."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from typer.testing import CliRunner

from gongfu_cli.cli.app import app
from gongfu_cli.presentation.rows import CHANGES_COLUMNS
from gongfu_cli.presentation.vocabulary import STATUS_LABELS
from tests.conftest import SAMPLE

runner = CliRunner()

# Schedule of 2023-01-01 → 2025-01-01: 37.3% on 2023-10-01, 49.9% on 2024-01-01.
CHANGES_DATA = """\
[[buses]]
id = "alpha"
name = "甲线"
batch = 1
launched = 2023-01-01
due = 2025-01-01
field = "交通"

  [[buses.indicators]]
  id = "slips"
  name = "退步指标"
  target = 100

  [[buses.indicators]]
  id = "climbs"
  name = "进步指标"
  target = 100

  [[buses.indicators]]
  id = "newcomer"
  name = "首报指标"
  target = 100

  [[buses.indicators]]
  id = "steady"
  name = "平稳指标"
  target = 100

  [[buses.indicators]]
  id = "watched"
  name = "监测指标"

  [[buses.indicators]]
  id = "silent"
  name = "未报指标"
  target = 100

[[readings]]
bus = "alpha"
indicator = "slips"
date = 2023-06-30
value = 45   # on track on 2023-10-01, lagging by 2024-01-01 with no new figure

[[readings]]
bus = "alpha"
indicator = "climbs"
date = 2023-06-30
value = 10

[[readings]]
bus = "alpha"
indicator = "climbs"
date = 2023-12-31
value = 60

[[readings]]
bus = "alpha"
indicator = "newcomer"
date = 2023-12-31
value = 5    # its first figure, far behind: first, never 转差

[[readings]]
bus = "alpha"
indicator = "steady"
date = 2023-06-30
value = 50

[[readings]]
bus = "alpha"
indicator = "steady"
date = 2023-12-31
value = 60

[[readings]]
bus = "alpha"
indicator = "watched"
date = 2023-12-31
value = 3
"""


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_changes_say_what_kind_of_change_and_a_first_report_is_never_worse(
    tmp_path: Path,
) -> None:
    data = tmp_path / "d.toml"
    data.write_text(CHANGES_DATA, encoding="utf-8")
    args = ["changes", "--since", "2023-10-01", "--as-of", "2024-01-01", "-d", str(data)]
    rows = _csv(_ok(*args, "-f", "csv"))
    assert list(rows[0]) == [*CHANGES_COLUMNS] and CHANGES_COLUMNS[12] == "change"
    assert len(CHANGES_COLUMNS) == 13
    got = [(r["indicator_id"], r["status_before"], r["status_after"], r["change"]) for r in rows]
    assert got == [
        ("slips", "on_track", "lagging", "worse"),
        ("climbs", "lagging", "on_track", "better"),
        ("newcomer", "no_data", "off_track", "first"),
        ("watched", "monitored", "monitored", "first"),
        ("steady", "on_track", "on_track", "same"),
    ]
    table = _ok(*args)
    headings = re.findall(r"^(转差|好转|首次报送|其他)（(\d+)）$", table, re.MULTILINE)
    assert headings == [("转差", "1"), ("好转", "1"), ("首次报送", "2"), ("其他", "1")]
    worse = table.split("转差（1）")[1].split("好转（1）")[0]
    assert "退步指标" in worse and "首报指标" not in worse
    first = table.split("首次报送（2）")[1].split("其他（1）")[0]
    assert "首报指标" in first and "监测指标" in first
    report = _ok("report", "--since", "2023-10-01", "--as-of", "2024-01-01", "-d", str(data))
    assert re.findall(r"^### (\S+)（\d+）$", report, re.MULTILINE) == [
        "转差",
        "好转",
        "首次报送",
        "其他",
    ]


def test_an_indicator_first_reported_is_first_even_when_its_status_is_the_worst() -> None:
    args = ["changes", "--since", "2022-07-01", "-d", str(SAMPLE), "--as-of", "2023-01-01"]
    rows = _csv(_ok(*args, "-f", "csv"))
    kinds = {r["indicator_id"]: r["change"] for r in rows}
    # revenue went from no reading to off_track, done to overdue: their first figures
    assert kinds["revenue"] == kinds["done"] == kinds["lag"] == "first"
    assert kinds["coverage"] == "same"
    assert "转差" not in _ok(*args)


def _rank(*args: str) -> list[dict[str, str]]:
    return _csv(_ok("rank", "-d", str(SAMPLE), "--as-of", "2023-01-01", "-f", "csv", *args))


def test_filters_choose_the_rows_of_the_programme_race() -> None:
    everyone = {r["bus_id"]: r for r in _rank("--compare", "2022-07-01")}
    assert everyone["alpha"]["rank"] == "3"  # behind beta and gamma (1, 1)
    for chosen in (["--lead", "甲局"], ["--batch", "1"], ["--status", "off_track"]):
        rows = _rank("--compare", "2022-07-01", *chosen)
        assert [r["bus_id"] for r in rows] == ["alpha"], chosen
        assert rows[0] == everyone["alpha"], chosen  # rank, previous rank and move kept
    batch2 = _rank("--batch", "2")
    assert {r["bus_id"] for r in batch2} == {"beta", "gamma", "delta"}
    within = _rank("--lead", "甲局", "--within")
    assert [(r["bus_id"], r["rank"]) for r in within] == [("alpha", "1")]


def test_report_for_one_lead_keeps_the_programme_race_unless_within() -> None:
    args = ["report", "-d", str(SAMPLE), "--as-of", "2023-01-01", "--lead", "甲局"]

    def race_rows(text: str) -> list[list[str]]:
        section = text.split("## 赛马")[1].split("\n## ")[0]
        return [
            [c.strip() for c in line.strip("|").split("|")]
            for line in section.splitlines()
            if line.startswith("|") and "阿尔法" in line
        ]

    assert [row[0] for row in race_rows(_ok(*args))] == ["3"]
    assert [row[0] for row in race_rows(_ok(*args, "--within"))] == ["1"]


def test_summary_table_shows_every_count_its_csv_has_and_they_add_up() -> None:
    args = ["summary", "-d", str(SAMPLE), "--as-of", "2023-01-01", "--by", "batch"]
    rows = _csv(_ok(*args, "-f", "csv"))
    result = runner.invoke(app, args, env={"COLUMNS": "200"})
    table = result.stdout.splitlines()
    header = next(line for line in table if "分组" in line).split()
    for label in ("推进中", "监测"):
        assert label in header
    labels = [STATUS_LABELS[s] for s in STATUS_LABELS]
    for row in rows:
        line = next(x.split() for x in table if x.split() and x.split()[0] == row["group"])
        shown = [h for h in header if h in labels]  # the count columns, in table order
        numbers = [int(t) for t in line if t.isdigit()][-len(shown) :]
        counts = dict(zip(shown, numbers, strict=True))
        assert sum(counts.values()) == int(row["indicators"]), (row, line)
        assert counts == {STATUS_LABELS[s]: int(row[s.value]) for s in STATUS_LABELS}


def test_report_legend_lists_every_status(tmp_path: Path) -> None:
    page = tmp_path / "r.html"
    _ok("report", "-d", str(SAMPLE), "--as-of", "2023-01-01", "-o", str(page))
    legend = re.search(r'<p class="legend">(.*?)</p>', page.read_text("utf-8"), re.DOTALL)
    assert legend is not None
    shown = re.findall(r'<strong class="(\w+)">([^<]+)</strong>', legend.group(1))
    assert sorted(shown) == sorted((s.value, label) for s, label in STATUS_LABELS.items())
