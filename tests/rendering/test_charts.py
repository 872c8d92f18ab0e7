"""Charts: what they show is where the data says, read back from the SVG with a real XML parser."""

from __future__ import annotations

import itertools
import json
import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest

from tests.builders import CHART_AS_OF as AS_OF
from tests.builders import CHART_DATA as DATA
from tests.builders import HOSTILE, SVG
from tests.conftest import gongfu


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "d.toml"
    path.write_text(DATA, encoding="utf-8")
    return path


def chart(data: Path, tmp_path: Path, *args: str, name: str = "c.svg") -> ET.Element:
    out = tmp_path / name
    run = gongfu(*args, "--as-of", AS_OF, "--chart", str(out), "-d", str(data))
    assert run.returncode == 0, run.stderr
    return ET.fromstring(out.read_text(encoding="utf-8"))


def ordinal(text: str) -> int:
    return date.fromisoformat(text).toordinal()


class Plot:
    """The linear maps a plot declares, to check each mark against."""

    def __init__(self, element: ET.Element) -> None:
        a = element.attrib
        self.x0, self.x1 = ordinal(a["data-x0"]), ordinal(a["data-x1"])
        self.px0, self.px1 = float(a["data-px0"]), float(a["data-px1"])
        self.y0, self.y1 = float(a["data-y0"]), float(a["data-y1"])
        self.py0, self.py1 = float(a["data-py0"]), float(a["data-py1"])

    def x(self, day: str) -> float:
        return self.px0 + (ordinal(day) - self.x0) * (self.px1 - self.px0) / (self.x1 - self.x0)

    def y(self, value: float) -> float:
        return self.py0 + (value - self.y0) * (self.py1 - self.py0) / (self.y1 - self.y0)


def points(element: ET.Element) -> list[tuple[float, float]]:
    return [
        (float(x), float(y)) for x, y in (p.split(",") for p in element.attrib["points"].split())
    ]


def near(a: float, b: float) -> bool:
    return abs(a - b) <= 0.11  # coordinates are written to one decimal


def test_a_burnup_puts_each_reading_milestone_and_line_where_the_data_says(
    data: Path, tmp_path: Path
) -> None:
    root = chart(data, tmp_path, "history", "送气下乡", "通气")
    assert root.find(f"{SVG}title").text == "送气下乡 · 通气行政村覆盖率"
    desc = root.find(f"{SVG}desc").text
    assert "目标 70%，截止 2025-12-31" in desc and "3 个读数，最新 2024-06-30 为 47%" in desc
    plot = Plot(root.find(f".//{SVG}g[@class='plot']"))
    readings = root.findall(f".//{SVG}circle[@class='reading']")
    assert [(c.get("data-date"), float(c.get("data-value"))) for c in readings] == [
        ("2022-12-31", 25), ("2023-12-31", 38.5), ("2024-06-30", 47)
    ]  # fmt: skip
    for c in readings:
        assert near(float(c.get("cx")), plot.x(c.get("data-date")))
        assert near(float(c.get("cy")), plot.y(float(c.get("data-value"))))
    actual = points(root.find(f".//{SVG}polyline[@class='actual']"))
    assert actual == [(float(c.get("cx")), float(c.get("cy"))) for c in readings]
    plan = root.find(f".//{SVG}polyline[@class='plan']")
    path = points(plan)
    expected = [("2022-01-01", 10), ("2023-12-31", 40), ("2024-12-31", 55), ("2025-12-31", 70)]
    assert len(path) == len(expected)
    for (px, py), (day, value) in zip(path, expected, strict=True):
        assert near(px, plot.x(day)) and near(py, plot.y(value))
    milestones = root.findall(f".//{SVG}rect[@class='milestone']")
    assert [m.get("data-date") for m in milestones] == ["2023-12-31", "2024-12-31"]
    target = root.find(f".//{SVG}line[@class='target']")
    assert near(float(target.get("y1")), plot.y(70)) and target.get("y1") == target.get("y2")
    due = root.find(f".//{SVG}line[@class='due']")
    as_of = root.find(f".//{SVG}line[@class='as-of']")
    assert near(float(due.get("x1")), plot.x("2025-12-31"))
    assert near(float(as_of.get("x1")), plot.x(AS_OF))
    trend = points(root.find(f".//{SVG}polyline[@class='trend']"))
    assert near(trend[0][0], plot.x("2024-06-30")) and near(trend[-1][0], plot.x("2025-12-31"))
    assert trend[-1][1] < trend[0][1]  # rising: higher on the page
    texts = "".join(root.itertext())
    assert "单位：%" in texts and "2023" in texts and "截止 2025-12-31" in texts


def test_a_burnup_without_readings_says_so(data: Path, tmp_path: Path) -> None:
    root = chart(data, tmp_path, "history", "尚未报数", "某指标")
    assert root.findall(f".//{SVG}circle[@class='reading']") == []
    assert "尚无读数" in "".join(root.itertext())
    assert root.find(f".//{SVG}polyline[@class='trend']") is None


def test_the_race_has_bars_in_rank_order_proportional_to_attainment(
    data: Path, tmp_path: Path
) -> None:
    root = chart(data, tmp_path, "rank")
    race = root.find(f".//{SVG}g[@class='race']")
    px0, px1 = float(race.get("data-px0")), float(race.get("data-px1"))
    top = float(race.get("data-max"))
    bars = race.findall(f"{SVG}rect[@class='bar']")
    assert [b.get("data-bus") for b in bars] == ["roads", "gas"]
    assert [int(b.get("data-rank")) for b in bars] == [1, 2]
    assert float(bars[0].get("y")) < float(bars[1].get("y"))
    for bar in bars:
        width = float(bar.get("width"))
        assert near(width, float(bar.get("data-attainment")) / top * (px1 - px0))
    assert near(float(bars[0].get("data-attainment")), 3900 / 5000)
    ticks = race.findall(f"{SVG}line[@class='schedule']")
    assert len(ticks) == 2
    for tick in ticks:
        assert near(
            float(tick.get("x1")), px0 + float(tick.get("data-schedule")) / top * (px1 - px0)
        )
    values = [t.text for t in race.findall(f"{SVG}text[@class='value']")]
    assert values[0].startswith("78.0%") and values[0].split()[-1] in ("正常", "滞后", "严重滞后")
    unranked = "".join(t.text for t in root.findall(f".//{SVG}text[@class='unranked']"))
    assert "尚未报数" in unranked
    assert "赛马" in root.find(f"{SVG}title").text
    assert "第1名 乡村畅行，完成率 78.0%" in root.find(f"{SVG}desc").text


def test_the_race_with_compare_marks_the_moves(data: Path, tmp_path: Path) -> None:
    root = chart(data, tmp_path, "rank", "--compare", "2023-12-31")
    marks = [t.text for t in root.findall(f".//{SVG}text[@class='move']")]
    assert len(marks) == 2 and set(marks) <= {"–", "新", "↑1", "↓1"}


def test_a_bus_chart_has_one_burnup_per_indicator_with_a_target(data: Path, tmp_path: Path) -> None:
    root = chart(data, tmp_path, "progress", "送气下乡")
    groups = root.findall(f".//{SVG}g[@class='burnup']")
    assert [g.get("data-indicator") for g in groups] == ["coverage", "households"]
    assert "只监测、不设目标：只看不考" in "".join(root.itertext())
    for group in groups:  # every reading inside its own plot
        plot = Plot(group.find(f"{SVG}g[@class='plot']"))
        for c in group.findall(f".//{SVG}circle[@class='reading']"):
            assert near(float(c.get("cy")), plot.y(float(c.get("data-value"))))


def test_html_charts_are_a_page_that_needs_nothing_else(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "c.html"
    run = gongfu("rank", "--chart", str(out), "-d", str(data))
    assert run.returncode == 0, run.stderr
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page
    assert "<script" not in page
    assert not re.findall(r"https?://(?!www\.w3\.org/2000/svg)", page)


def test_hostile_names_stay_text_in_charts(tmp_path: Path) -> None:
    path = tmp_path / "d.toml"
    hostile = json.dumps(HOSTILE, ensure_ascii=False)  # a valid TOML basic string
    path.write_text(DATA.replace('name = "送气下乡"', f"name = {hostile}"), encoding="utf-8")
    for args in (["rank"], ["progress", "gas"], ["history", "gas", "coverage"]):
        root = chart(path, tmp_path, *args)
        text = "".join(root.itertext())
        assert "[bold red]红[/]" in text and "\\x1b[31mESC" in text
        assert root.find(f".//{SVG}a") is None


def test_chart_needs_a_known_suffix_and_one_indicator(data: Path, tmp_path: Path) -> None:
    run = gongfu("rank", "--chart", str(tmp_path / "c.pdf"), "-d", str(data))
    assert (
        run.returncode == 2
        and "a chart is written as .svg, .html, .htm or .png" in run.stderr.decode()
    )
    run = gongfu("history", "gas", "--chart", str(tmp_path / "c.svg"), "-d", str(data))
    assert run.returncode == 2 and "--chart draws one indicator" in run.stderr.decode()
    assert not (tmp_path / "c.svg").exists()


def test_the_report_sets_each_chart_inline_with_unique_ids(data: Path, tmp_path: Path) -> None:
    page = tmp_path / "r.html"
    run = gongfu("report", "--as-of", AS_OF, "-o", str(page), "-d", str(data))
    assert run.returncode == 0, run.stderr
    text = page.read_text(encoding="utf-8")
    assert text.count('<figure class="chart"><svg') == 4  # the race, three buses with targets
    ids = re.findall(r'\bid="([^"]+)"', text)
    assert len(ids) == len(set(ids))
    assert '<h2 id="bus-gas">送气下乡</h2>' in text and 'class="legend"' in text


HIGH = """\
[[buses]]
id = "net"
name = "数字乡村"
batch = 1
launched = 2022-01-01
due = 2025-12-31
field = "数字"

  [[buses.indicators]]
  id = "cover"
  name = "光纤覆盖率"
  unit = "%"
  baseline = 90
  target = 99
  milestones = [{ date = 2024-12-31, value = 96 }]

[[readings]]
bus = "net"
indicator = "cover"
date = 2023-06-30
value = 92.5

[[readings]]
bus = "net"
indicator = "cover"
date = 2024-06-30
value = 95
"""


def test_a_burnup_axis_fits_its_data_and_starts_at_zero_only_near_it(
    data: Path, tmp_path: Path
) -> None:
    """90 → 99 fills the plot on round ticks; 10 → 70 keeps its zero."""
    high = tmp_path / "high.toml"
    high.write_text(HIGH, encoding="utf-8")
    root = chart(high, tmp_path, "history", "数字乡村", "光纤覆盖率")
    plot = root.find(f".//{SVG}g[@class='plot']")
    y0, y1 = float(plot.get("data-y0")), float(plot.get("data-y1"))
    assert 80 <= y0 < 90 and 99 < y1 <= 110, (y0, y1)  # baseline and target inside, a margin
    assert (y1 - y0) <= 20  # the data fills at least half of the axis
    ticks = plot.findall(f"{SVG}text[@text-anchor='end']")
    labels = [float(t.text) for t in ticks if re.fullmatch(r"[\d.]+", t.text)]
    steps = {round(b - a, 6) for a, b in itertools.pairwise(labels)}
    assert len(steps) == 1 and steps.pop() in (1, 2, 5, 10)  # round ticks, evenly spaced
    low = Plot(
        chart(data, tmp_path, "history", "送气下乡", "通气").find(f".//{SVG}g[@class='plot']")
    )
    assert low.y0 == 0 and 70 < low.y1 <= 90


def test_every_chart_with_several_kinds_of_line_has_a_legend(data: Path, tmp_path: Path) -> None:
    for args in (["history", "送气下乡", "通气"], ["progress", "送气下乡"]):
        root = chart(data, tmp_path, *args)
        legend = root.find(f".//{SVG}g[@class='legend']")
        assert legend is not None, args
        labels = [t.text for t in legend.findall(f"{SVG}text")]
        assert {"实际", "计划（含年度目标）", "按趋势", "目标"} <= set(labels), (args, labels)
