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
