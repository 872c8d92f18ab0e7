"""Table headers spelled every way TOML allows ([["readings"]], [ program ], [[ "buses" .
indicators ]]): problems point at the right line, and edits land on the right reading."""

from __future__ import annotations

import tomllib
from pathlib import Path

from tests.conftest import gongfu

QUOTED = """\
[ "program" ]
name = "引号"

[["buses"]]
id = "bus-a"
name = "甲线"
batch = 1
launched = 2022-01-01
lead = "市建设局"
field = "交通"

  [[ "buses" . 'indicators' ]]
  id = "ind-a"
  name = "覆盖率"
  unit = "%"
  target = 100

[["readings"]]
bus = "bus-a"
indicator = "ind-a"
date = 2022-06-30
value = 10

[[ 'readings' ]]  # 第二次
bus = "bus-a"
indicator = "ind-a"
date = 2022-12-31
value = 20

[[readings]]
bus = "bus-a"
indicator = "ind-a"
date = 2023-06-30
value = 30
"""


def _line(text: str, needle: str) -> int:
    return text.split("\n").index(needle) + 1


def test_problems_point_at_the_line_of_a_quoted_header(tmp_path: Path) -> None:
    bad = QUOTED.replace("date = 2022-12-31\nvalue = 20", 'date = 2022-12-31\nvalue = "20"')
    bad = bad.replace('  id = "ind-a"\n  name', '  id = "ind-a"\n  weight = -1\n  name')
    path = tmp_path / "data.toml"
    path.write_text(bad, encoding="utf-8")
    done = gongfu("check", "-d", str(path))
    out = done.stdout.decode()
    assert done.returncode == 1, out
    value_line, weight_line = _line(bad, 'value = "20"'), _line(bad, "  weight = -1")
    assert f"{path}:{value_line}: reading #2" in out, out
    assert f'{path}:{weight_line}: bus "bus-a", indicator' in out, out


def test_record_replace_and_delete_land_on_the_reading_meant(tmp_path: Path) -> None:
    path = tmp_path / "data.toml"
    path.write_text(QUOTED, encoding="utf-8")
    done = gongfu("record", "甲线", "覆盖率", "25", "--date", "2022-12-31", "--replace",
                  "-d", str(path))  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    text = path.read_text(encoding="utf-8")
    assert text == QUOTED.replace("value = 20", "value = 25")  # that line, nothing else
    done = gongfu("delete", "甲线", "覆盖率", "--date", "2022-06-30", "-d", str(path))
    assert done.returncode == 0, done.stderr.decode()
    readings = tomllib.loads(path.read_text(encoding="utf-8"))["readings"]
    assert [(str(r["date"]), r["value"]) for r in readings] == [
        ("2022-12-31", 25),
        ("2023-06-30", 30),
    ]
    assert path.read_text(encoding="utf-8").count("第二次") == 1
    done = gongfu("record", "甲线", "覆盖率", "40", "--date", "2023-12-31", "-d", str(path))
    assert done.returncode == 0, done.stderr.decode()  # [[readings]] tables, not inline ones
