"""Test data and builders shared by several test modules (so that no test module imports
another): a small bus, a hand-commented data file, a hostile file, and a Hypothesis strategy
for whole valid datasets."""

from __future__ import annotations

import json
import unicodedata
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from gongfu_cli.store.load import load_dataset
from tests.conftest import gongfu


def bus_toml(
    id: str,
    name: str,
    batch: int = 2,
    launched: str = "2022-01-04",
    due: str | None = "2025-12-31",
    lead: str | None = None,
    field: str = "交通",
) -> str:
    """A `[[buses]]` table as the tests' data files write it (keys in the format's order)."""
    lines = ["[[buses]]", f'id = "{id}"', f'name = "{name}"', f"batch = {batch}",
             f"launched = {launched}"]  # fmt: skip
    lines += [f"due = {due}"] if due else []
    lines += [f'lead = "{lead}"'] if lead else []
    return "\n".join([*lines, f'field = "{field}"']) + "\n"


def indicator_toml(
    id: str, name: str, unit: str, target: float | None = None, indent: str = "  "
) -> str:
    """A `[[buses.indicators]]` table, indented under its bus as the tests' files write it."""
    lines = ["[[buses.indicators]]", f'id = "{id}"', f'name = "{name}"', f'unit = "{unit}"']
    lines += [f"target = {target}"] if target is not None else []
    return "".join(indent + line + "\n" for line in lines)


def bus_with(bus: str, *indicators: str) -> str:
    """A bus and its indicators, a blank line between the tables."""
    return "\n".join([bus, *indicators])


# The two buses most tests race: gas for the villages (two indicators) and rural buses.
GAS_BUS = bus_toml("gas", "送气下乡", lead="市建设局", field="燃气")
COVERAGE = indicator_toml("coverage", "通气行政村覆盖率", "%", 70)
HOUSEHOLDS = indicator_toml("households", "使用天然气的农村居民", "万户", 10)
ROADS_BUS = bus_toml("roads", "乡村畅行", lead="市交通运输局", field="交通")
RIDERS = indicator_toml("riders", "服务乘客", "人次", 5000)


BUS = bus_with(
    bus_toml("alpha", "阿尔法", 1, "2022-01-01", field="交通"),
    indicator_toml("coverage", "覆盖率", "%", 100),
)


COMMENTED = """\
# 手工维护的文件 — comments, odd spacing and order must survive a record.
[program]
name   =   "测试"   # trailing comment

[[buses]]
id = "alpha"      # 阿尔法
name = "阿尔法"
batch = 1
launched = 2022-01-01
due = 2024-01-01
field = "交通"

  [[buses.indicators]]
  id = "coverage"
  name = "覆盖率"
  unit = "%"
  target = 100

[[readings]]
bus = "alpha"
indicator = "coverage"
date = 2022-07-01
value = 40


# a closing comment, two blank lines above"""


HOSTILE = "[bold red]红[/] [link=https://example.com]x[/link] \x1b[31mESC\x07 =1+1"


def hostile_file(tmp_path: Path) -> Path:
    def toml(text: str) -> str:
        return json.dumps(text)  # a JSON string is a valid TOML basic string

    text = (
        BUS.replace('name = "阿尔法"', f"name = {toml('名' + HOSTILE)}")
        .replace(
            'field = "交通"',
            f'field = "交通"\nlead = {toml("局" + HOSTILE)}\n'
            f"summary = {toml(HOSTILE)}\nsource = {toml(HOSTILE)}",
        )
        .replace('name = "覆盖率"', f"name = {toml('率' + HOSTILE)}")
    )
    text = f"[program]\nname = {toml('计划' + HOSTILE)}\n\n" + text
    text += (
        '\n[[readings]]\nbus = "alpha"\nindicator = "coverage"\ndate = 2023-01-01\n'
        f"value = 40\nsource = {toml('-cmd|' + HOSTILE)}\nnote = {toml('@SUM(A1)')}\n"
    )
    path = tmp_path / "hostile.toml"
    path.write_text(text, encoding="utf-8")
    return path


slugs = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}", fullmatch=True)
BLANK = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u3164"))
texts = (
    st.text(
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
        min_size=1,
        max_size=30,
    )
    .filter(lambda s: s.translate(BLANK).strip())
    .filter(lambda s: unicodedata.is_normalized("NFC", s))  # names are kept in NFC
)
LIMIT = 10**15  # the data format's range for every number
numbers = st.one_of(
    st.integers(-LIMIT, LIMIT), st.floats(-LIMIT, LIMIT, allow_nan=False, allow_infinity=False)
)


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


days = st.dates(date(1990, 1, 1), date(2100, 12, 31))


@st.composite
def datasets(draw: st.DrawFn) -> dict[str, Any]:
    """A valid dataset as TOML-ready dicts."""
    bus_ids = draw(st.lists(slugs, min_size=1, max_size=4, unique=True))
    names = draw(st.lists(texts, min_size=len(bus_ids), max_size=len(bus_ids), unique_by=nfkc))
    buses, readings = [], []
    for bus_id, name in zip(bus_ids, names, strict=True):
        launched = draw(days)
        ind_ids = draw(st.lists(slugs, min_size=1, max_size=3, unique=True))
        ind_names = draw(
            st.lists(texts, min_size=len(ind_ids), max_size=len(ind_ids), unique_by=nfkc)
        )
        indicators = []
        for ind_id, ind_name in zip(ind_ids, ind_names, strict=True):
            ind: dict[str, Any] = {"id": ind_id, "name": ind_name, "unit": draw(texts)}
            baseline = draw(numbers)
            target = draw(
                st.one_of(st.none(), numbers.filter(lambda t, b=baseline: abs(t - b) >= 1e-9))
            )
            ind["baseline"] = baseline
            if target is not None:
                ind["target"] = target
            if draw(st.booleans()):
                ind["due"] = launched + timedelta(days=draw(st.integers(0, 4000)))
            ind["weight"] = draw(st.floats(0.01, 100))
            indicators.append(ind)
            for day in draw(st.lists(days, max_size=4, unique=True)):
                reading: dict[str, Any] = {
                    "bus": bus_id,
                    "indicator": ind_id,
                    "date": day,
                    "value": draw(numbers),
                }
                if draw(st.booleans()):
                    reading["source"] = draw(texts)
                if draw(st.booleans()):
                    reading["note"] = draw(texts)
                readings.append(reading)
        lead = draw(st.one_of(texts, st.lists(texts, min_size=1, max_size=3)))
        buses.append(
            {
                "id": bus_id,
                "name": name,
                "batch": draw(st.integers(1, 9)),
                "launched": launched,
                "lead": lead,
                "field": draw(texts),
                "indicators": indicators,
            }
        )
    draw(st.randoms()).shuffle(readings)
    return {"program": {"name": draw(texts)}, "buses": buses, "readings": readings}


def assess_bus(bus: Any, as_of: date, *, report_days: int = 10, lag: float = 0.30) -> Any:
    """One bus assessed as the one assessment would, in a programme of these settings (the
    tests' own defaults: the model has none)."""
    from gongfu_cli.domain.metrics import assess
    from gongfu_cli.domain.model import Dataset, Program

    program = Program(None, None, None, None, lag, report_days, "monthly", 7, ())
    return assess(Dataset(program, (bus,), ()), as_of)[0]


SVG = "{http://www.w3.org/2000/svg}"


CHART_DATA = """\
[program]
name = "图表测试"

[[buses]]
id = "gas"
name = "送气下乡"
batch = 2
launched = 2022-01-01
due = 2025-12-31
lead = "市建设局"
field = "燃气"

  [[buses.indicators]]
  id = "coverage"
  name = "通气行政村覆盖率"
  unit = "%"
  target = 70
  baseline = 10
  milestones = [
    { date = 2023-12-31, value = 40 },
    { date = 2024-12-31, value = 55 },
  ]

  [[buses.indicators]]
  id = "households"
  name = "使用天然气的农村居民"
  unit = "万户"
  target = 10

  [[buses.indicators]]
  id = "notes"
  name = "只看不考"
  unit = "个"

[[buses]]
id = "roads"
name = "乡村畅行"
batch = 2
launched = 2022-01-01
due = 2025-12-31
lead = "市交通运输局"
field = "交通"

  [[buses.indicators]]
  id = "riders"
  name = "服务乘客"
  unit = "人次"
  target = 5000

[[buses]]
id = "idle"
name = "尚未报数"
batch = 2
launched = 2022-01-01
due = 2025-12-31
field = "其他"

  [[buses.indicators]]
  id = "x"
  name = "某指标"
  target = 1

[[readings]]
bus = "gas"
indicator = "coverage"
date = 2022-12-31
value = 25

[[readings]]
bus = "gas"
indicator = "coverage"
date = 2023-12-31
value = 38.5

[[readings]]
bus = "gas"
indicator = "coverage"
date = 2024-06-30
value = 47

[[readings]]
bus = "gas"
indicator = "households"
date = 2023-12-31
value = 4.2

[[readings]]
bus = "roads"
indicator = "riders"
date = 2023-12-31
value = 1000

[[readings]]
bus = "roads"
indicator = "riders"
date = 2024-06-30
value = 3900
"""


CHART_AS_OF = "2024-06-30"


IMPORT_DATA = (
    '[program]\nname = "测试"\n\n'
    + bus_with(GAS_BUS, COVERAGE, HOUSEHOLDS)
    + "\n"
    + bus_with(ROADS_BUS, RIDERS)
    + """
  [[buses.indicators]]
  id = "scenic"
  name = "景点公交通达率"
  unit = "%"
  target = 100
  start = 2023-01-01

[[readings]]
bus = "gas"
indicator = "coverage"
date = 2023-12-31
value = 40
"""
)


def run_on(*args: str, data: Path) -> tuple[int, str, str]:
    done = gongfu(*args, "-d", str(data))
    return done.returncode, done.stdout.decode(), done.stderr.decode()


def readings(path: Path) -> dict[tuple[str, str, str], object]:
    return {
        (b.id, i.id, str(r.date)): r.value
        for b in load_dataset(path).buses
        for i in b.indicators
        for r in i.readings
    }


def rows_of(sheet: object) -> list[list[object]]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]  # type: ignore[attr-defined]


def fill(sheet: object, indicator: str, **cells: object) -> int:
    """Type into the row of `indicator` as a person would; returns its row number."""
    header = rows_of(sheet)[1]
    for r, row in enumerate(rows_of(sheet), start=1):
        if row[2] == indicator:
            for name, value in cells.items():
                cell = sheet.cell(row=r, column=header.index(name) + 1)  # type: ignore[attr-defined]
                if isinstance(value, tuple):  # (value, number format)
                    cell.value, cell.number_format = value
                else:
                    cell.value = value
            return r
    raise AssertionError(indicator)
