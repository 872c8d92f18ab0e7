"""One truth: every command, chart, picture and `now:` line shows the same status for every
indicator and bus, the one the programme's own settings give. Run on a dataset whose
`lag_tolerance` is 0.05 and on the same data with 0.5 (where several indicators change between
滞后 and 严重滞后), so a command that applied any other tolerance would disagree."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gongfu_cli.cli.app import app
from gongfu_cli.domain.metrics import WORST_FIRST, Status
from gongfu_cli.presentation.vocabulary import STATUS_LABELS

runner = CliRunner()
AS_OF = "2024-01-01"
SINCE = "2023-10-01"
SVG = "{http://www.w3.org/2000/svg}"

# At 2024-01-01 the linear schedule of 2023-01-01 → 2025-01-01 is 365/731 ≈ 49.9%.
DATA = """\
[program]
name = "一致性测试"
lag_tolerance = {lag}

[[buses]]
id = "alpha"
name = "甲线"
batch = 1
launched = 2023-01-01
due = 2025-01-01
lead = "市甲局"
field = "交通"

  [[buses.indicators]]
  id = "slow"
  name = "甲慢指标"
  unit = "%"
  target = 100
  # 30% against 49.9%: 0.2 behind

  [[buses.indicators]]
  id = "fast"
  name = "甲快指标"
  unit = "%"
  target = 100

[[buses]]
id = "beta"
name = "乙线"
batch = 2
launched = 2023-01-01
due = 2025-01-01
lead = "市乙局"
field = "教育"

  [[buses.indicators]]
  id = "planned"
  name = "乙计划指标"
  unit = "万户"
  target = 100
  milestones = [{{ date = 2023-12-31, value = 60 }}]
  # 45 against a plan of about 60: 0.15 behind

  [[buses.indicators]]
  id = "watch"
  name = "乙监测指标"
  unit = "个"

[[buses]]
id = "gamma"
name = "丙线"
batch = 2
launched = 2023-01-01
due = 2025-01-01
lead = "市丙局"
field = "教育"

  [[buses.indicators]]
  id = "done"
  name = "丙完成指标"
  unit = "%"
  target = 50

  [[buses.indicators]]
  id = "none"
  name = "丙未报指标"
  unit = "%"
  target = 50

  [[buses.indicators]]
  id = "far"
  name = "丙远指标"
  unit = "%"
  target = 100
  # 5% against 49.9%: 0.45 behind

{readings}"""

READINGS = [
    ("alpha", "slow", "2023-06-30", 20),
    ("alpha", "slow", "2023-12-31", 30),
    ("alpha", "fast", "2023-06-30", 30),
    ("alpha", "fast", "2023-12-31", 60),
    ("beta", "planned", "2023-09-30", 10),
    ("beta", "planned", "2023-12-31", 45),
    ("beta", "watch", "2023-12-31", 7),
    ("gamma", "done", "2023-12-31", 50),
    ("gamma", "far", "2023-06-30", 2),
    ("gamma", "far", "2023-12-31", 5),
]
NAMES = {
    "slow": "甲慢指标",
    "fast": "甲快指标",
    "planned": "乙计划指标",
    "watch": "乙监测指标",
    "done": "丙完成指标",
    "none": "丙未报指标",
    "far": "丙远指标",
}
BUS_NAMES = {"alpha": "甲线", "beta": "乙线", "gamma": "丙线"}
# What the rules give, worked out by hand: behind by 0.2, about 0.15 and 0.45.
EXPECTED = {
    0.05: {"slow": "off_track", "planned": "off_track", "far": "off_track"},
    0.5: {"slow": "lagging", "planned": "lagging", "far": "lagging"},
}
FIXED = {"fast": "on_track", "watch": "monitored", "done": "achieved", "none": "no_data"}


def _data(tmp_path: Path, lag: float) -> Path:
    readings = "\n".join(
        f'[[readings]]\nbus = "{b}"\nindicator = "{i}"\ndate = {d}\nvalue = {v}\n'
        for b, i, d, v in READINGS
    )
    path = tmp_path / f"data-{lag}.toml"
    path.write_text(DATA.format(lag=lag, readings=readings), encoding="utf-8")
    return path


def _run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


_LABEL = re.compile("|".join(sorted(map(re.escape, STATUS_LABELS.values()), key=len)[::-1]))
_BY_LABEL = {label: status.value for status, label in STATUS_LABELS.items()}


def _labels(line: str) -> list[str]:
    """The statuses named on a line of text, in order (严重滞后 read whole, not as 滞后)."""
    return [_BY_LABEL[m] for m in _LABEL.findall(line)]


def _line_status(lines: list[str], name: str) -> str:
    """The status on the one line that names `name` (the last, where a line names two)."""
    found = [line for line in lines if name in line]
    assert len(found) == 1, (name, found)
    named = _labels(found[0])
    assert named, found[0]
    return named[-1]


def _svg_lines(svg: str) -> list[str]:
    """A picture of a table, as its lines of text: the words set on one baseline, in order."""
    rows: dict[str, list[tuple[float, str]]] = {}
    for text in ET.fromstring(svg).iter(f"{SVG}text"):
        rows.setdefault(text.get("y", ""), []).append(
            (float(text.get("x", "0")), "".join(text.itertext()))
        )
    return [" ".join(t for _, t in sorted(words)) for words in rows.values()]


def _chart_statuses(svg: str) -> dict[str, str]:
    root = ET.fromstring(svg)
    found = {g.get("data-indicator", ""): g.get("data-status", "") for g in root.iter(f"{SVG}g")
             if g.get("class") == "burnup"}  # fmt: skip
    found.update({r.get("data-bus", ""): r.get("data-status", "") for r in root.iter(f"{SVG}rect")
                  if r.get("class") == "bar"})  # fmt: skip
    return found


def _worst(statuses: list[str]) -> str:
    counted = [Status(s) for s in statuses if s != "monitored"]
    return min(counted, key=WORST_FIRST.index).value if counted else "monitored"


@pytest.mark.parametrize("lag", [0.05, 0.5])
def test_every_command_shows_the_status_the_programme_settings_give(
    tmp_path: Path, lag: float
) -> None:
    data = str(_data(tmp_path, lag))
    common = ["--data", data, "--as-of", AS_OF, "--no-cache"]
    indicator = {**FIXED, **EXPECTED[lag]}
    bus_of = {"slow": "alpha", "fast": "alpha", "planned": "beta", "watch": "beta",
              "done": "gamma", "none": "gamma", "far": "gamma"}  # fmt: skip
    bus = {b: _worst([s for i, s in indicator.items() if bus_of[i] == b]) for b in BUS_NAMES}
    seen: list[tuple[str, str, str]] = []  # (where, indicator or bus, status)

    def saw(where: str, key: str, status: str) -> None:
        seen.append((where, key, status))

    # export and list: the machine formats, and the table, its picture and its text
    for row in _csv(_run("export", *common)):
        saw("export", row["indicator_id"], row["status"])
    for row in _csv(_run("export", "--level", "buses", *common)):
        saw("export --level buses", row["bus_id"], row["status"])
    for row in _csv(_run("list", "-f", "csv", *common)):
        saw("list -f csv", row["bus_id"], row["status"])
    picture = tmp_path / "list.svg"
    shown = _run("list", *common, "--save", str(picture)).splitlines()
    for bus_id, name in BUS_NAMES.items():
        saw("list", bus_id, _line_status(shown, name))
        saw("list --save", bus_id, _line_status(_svg_lines(picture.read_text("utf-8")), name))

    # progress and history: each bus's rows, table, picture and charts
    for bus_id in BUS_NAMES:
        for row in _csv(_run("progress", bus_id, "-f", "csv", *common)):
            saw("progress -f csv", row["indicator_id"], row["status"])
        chart, picture = tmp_path / f"{bus_id}.svg", tmp_path / f"{bus_id}-table.svg"
        shown = _run("progress", bus_id, *common, "--chart", str(chart), "--save", str(picture))
        for ind_id, name in NAMES.items():
            if bus_of[ind_id] == bus_id:
                saw("progress", ind_id, _line_status(shown.splitlines(), name))
                lines = _svg_lines(picture.read_text("utf-8"))
                saw("progress --save", ind_id, _line_status(lines, name))
        for key, status in _chart_statuses(chart.read_text("utf-8")).items():
            saw("progress --chart", key, status)
    for ind_id in ("slow", "planned", "far", "fast", "done"):
        chart = tmp_path / f"burnup-{ind_id}.svg"
        _run("history", bus_of[ind_id], ind_id, *common, "--chart", str(chart))
        for key, status in _chart_statuses(chart.read_text("utf-8")).items():
            saw("history --chart", key, status)

    # rank, summary and changes
    chart = tmp_path / "race.svg"
    for row in _csv(_run("rank", "-f", "csv", *common)):
        saw("rank -f csv", row["bus_id"], row["status"])
    shown = _run("rank", *common, "--chart", str(chart)).splitlines()
    for bus_id, name in BUS_NAMES.items():
        saw("rank", bus_id, _line_status(shown, name))
    for key, status in _chart_statuses(chart.read_text("utf-8")).items():
        saw("rank --chart", key, status)
    for row in _csv(_run("summary", "--by", "batch", "-f", "csv", *common)):
        members = [i for i, b in bus_of.items() if {"alpha": "1"}.get(b, "2") == row["group"]]
        counts = Counter(indicator[i] for i in members)
        assert {s.value: int(row[s.value]) for s in Status} == {
            s.value: counts.get(s.value, 0) for s in Status
        }, ("summary", row)
    for row in _csv(_run("changes", "--since", SINCE, "-f", "csv", *common)):
        saw("changes -f csv", row["indicator_id"], row["status_after"])
    shown = _run("changes", "--since", SINCE, *common).splitlines()
    for ind_id in ("slow", "fast", "planned", "far"):  # each has a reading since
        saw("changes", ind_id, _line_status(shown, NAMES[ind_id]))

    # the report, in Markdown and in HTML with its charts
    report = _run("report", *common).splitlines()
    ladder = report.index("## 督办")  # its items say a status too: the last column of each row
    for ind_id, name in NAMES.items():
        saw("report", ind_id, _line_status(report[:ladder], f"| {name} "))
    for line in report[ladder:]:
        for ind_id, name in NAMES.items():
            if f"| {name} " in line:
                saw("report 督办", ind_id, _labels(line)[-1])
    page = tmp_path / "report.html"
    _run("report", *common, "-o", str(page))
    for svg in re.findall(r"<svg.*?</svg>", page.read_text("utf-8"), re.DOTALL):
        for key, status in _chart_statuses(svg).items():
            saw("report charts", key, status)

    # the now: line after a change (dry runs: the file stays as it is)
    latest = {r[1]: r for r in READINGS}  # each indicator's last reading, re-entered
    for ind_id, (b, _, day, value) in latest.items():
        said = _run("record", b, ind_id, str(value), "--date", day, "--replace", "--dry-run",
                    "--data", data, "--as-of", AS_OF)  # fmt: skip
        saw("record", ind_id, _line_status(said.splitlines(), "now:"))
    said = _run("delete", "alpha", "slow", "--date", "2023-06-30", "--dry-run", "--data", data,
                "--as-of", AS_OF)  # fmt: skip
    saw("delete", "slow", _line_status(said.splitlines(), "now:"))

    sheet = tmp_path / "sheet.csv"  # earlier figures: each indicator's latest stays the same
    sheet.write_text("班车,指标,日期,本期数值\n" + "".join(
        f"{bus_of[i]},{i},2023-01-31,{value}\n"
        for i, value in (("slow", 3), ("fast", 4), ("planned", 2), ("watch", 5), ("done", 6),
                         ("far", 2))
    ), encoding="utf-8")  # fmt: skip
    said = _run("import", str(sheet), "--dry-run", "--data", data, "--as-of", AS_OF)
    now = [line for line in said.splitlines() if line.startswith("now:")]
    assert len(now) == 6, said
    for ind_id, name in NAMES.items():
        if ind_id != "none":
            saw("import", ind_id, _line_status(now, f" · {name}:"))

    truth = {**indicator, **bus}
    wrong = [(where, key, s, truth[key]) for where, key, s in seen if truth[key] != s]
    assert not wrong, wrong
    places = {where for where, _, _ in seen}
    assert len(places) >= 20 and {key for _, key, _ in seen} == set(truth), (places, seen)


SILENT = """\
[program]
name = "总体测试"

{buses}
[[readings]]
bus = "a"
indicator = "x"
date = 2025-05-31
value = 80

[[readings]]
bus = "b"
indicator = "x"
date = 2025-05-31
value = 40
"""
SILENT_BUS = """\
[[buses]]
id = "{id}"
name = "{id}线"
batch = 1
launched = 2024-01-01
due = 2026-12-31
field = "交通"

  [[buses.indicators]]
  id = "x"
  name = "指标"
  unit = "%"
  target = 100

"""


def test_the_reports_overall_attainment_is_summarys_for_every_bus(tmp_path: Path) -> None:
    """Bus c has a target and no reading: it counts as 0, in the report's headline as in the
    group of `summary` holding every bus: (0.8 + 0.4 + 0) / 3, not (0.8 + 0.4) / 2."""
    data = tmp_path / "silent.toml"
    buses = "".join(SILENT_BUS.format(id=name) for name in "abc")
    data.write_text(SILENT.format(buses=buses), encoding="utf-8")
    common = ("--data", str(data), "--as-of", "2025-06-30")
    (group,) = _csv(_run("summary", "--by", "batch", "-f", "csv", *common))
    assert group["buses"] == "3" and group["attainment"] == "0.4", group
    headline = [line for line in _run("report", *common).splitlines() if "总体完成率" in line]
    said = "- 总体完成率：40.0%（2 趟班车有完成率；全部指标按权重合计，未报送的按 0 计）"
    assert headline == [said]


def test_the_reports_legend_and_method_note_give_the_tolerance_alike(tmp_path: Path) -> None:
    """A tolerance of 0.125 is 12.5 percentage points in the legend and in the method note."""
    data = str(_data(tmp_path, 0.125))
    page = tmp_path / "report.html"
    _run("report", "--data", data, "--as-of", AS_OF, "-o", str(page))
    html = page.read_text(encoding="utf-8")
    legend = html.split('<p class="legend">')[1].split("</p>")[0]
    method = html.split("<h2>方法说明</h2>")[1]
    assert "（容差 12.5 个百分点）" in legend
    note = "落后序时进度不超过 12.5 个百分点为滞后"
    assert note in method and note in _run("report", "--data", data, "--as-of", AS_OF)
