"""What reaches a terminal: any output encoding, completion with the user's own data, and
tables that never cut a character at any width."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
from pathlib import Path

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from gongfu_cli.cli.app import app
from gongfu_cli.presentation.values import number, percent
from gongfu_cli.presentation.vocabulary import status_label
from gongfu_cli.rendering.layout import NO_END, NO_START, break_points
from tests.conftest import SAMPLE, gongfu

runner = CliRunner()

COMMANDS = (
    ("list",),
    ("progress", "alpha"),
    ("history", "alpha"),
    ("rank",),
    ("rank", "--by", "gap"),
    ("export", "-f", "table"),
    ("export", "-f", "table", "--level", "buses"),
    ("export",),
    ("report",),
    ("check",),
)


# ---------------------------------------------------------------------------------------------
# Output encodings


@pytest.mark.parametrize("encoding", ["gbk", "ascii", "latin-1", "gb18030", "utf-8"])
def test_every_command_works_in_any_output_encoding(encoding: str) -> None:
    for command in COMMANDS:
        done = gongfu(*command, "-d", str(SAMPLE), "--as-of", "2023-01-01",
                      env={"PYTHONIOENCODING": encoding, "COLUMNS": "100"})  # fmt: skip
        assert done.returncode == 0, (command, done.stderr.decode(errors="replace"))
        text = done.stdout.decode(encoding)  # really in that encoding
        if command == ("rank",) and not encoding.startswith(("utf", "gb18030")):
            assert "░" not in text and ("#" in text or "█" in text)  # bars it can encode


def test_gbk_keeps_chinese_and_draws_bars_it_can_encode() -> None:
    done = gongfu("rank", "-d", str(SAMPLE), "--as-of", "2023-01-01",
                  env={"PYTHONIOENCODING": "gbk", "COLUMNS": "100"})  # fmt: skip
    text = done.stdout.decode("gbk")
    assert "阿尔法" in text and "按完成率排名" in text
    assert "█" in text and "░" not in text and "-" in text


def test_a_record_message_in_ascii_does_not_fail(tmp_path: Path) -> None:
    path = tmp_path / "d.toml"
    path.write_bytes(SAMPLE.read_bytes())
    done = gongfu("record", "alpha", "coverage", "70", "--date", "2023-02-01", "-d", str(path),
                  env={"PYTHONIOENCODING": "ascii"})  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode("ascii").startswith("recorded: ")


def test_files_gongfu_writes_are_utf8_whatever_the_console(tmp_path: Path) -> None:
    env = {"PYTHONIOENCODING": "ascii", "COLUMNS": "100"}
    for args, name in (
        (("export", "-o"), "out.csv"),
        (("report", "-o"), "out.md"),
        (("list", "--save"), "out.svg"),
        (("rank", "--save"), "out.txt"),
    ):
        target = tmp_path / name
        done = gongfu(*args, str(target), "-d", str(SAMPLE), "--as-of", "2023-01-01", env=env)
        assert done.returncode == 0, done.stderr
        content = target.read_bytes().decode("utf-8")
        assert "阿尔法" in content
    assert "█" in (tmp_path / "out.txt").read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# Shell completion with the user's own data


def complete(words: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if k != "GONGFU_DATA"}
    cword = str(len(words.split()) - 1)
    full.update(env, _GONGFU_COMPLETE="complete_bash", COMP_WORDS=words, COMP_CWORD=cword)
    return subprocess.run(["gongfu"], env=full, capture_output=True, text=True, check=False)


def test_completion_reads_data_from_the_option_and_the_environment(tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "a.toml").write_bytes(SAMPLE.read_bytes())
    for words, env in (
        (f"gongfu progress --data {SAMPLE} 阿", {}),
        (f"gongfu progress -d {folder} 阿", {}),
        ("gongfu progress 阿", {"GONGFU_DATA": str(SAMPLE)}),
        ("gongfu progress 阿", {"GONGFU_DATA": str(folder)}),
    ):
        done = complete(words, env)
        assert done.returncode == 0 and done.stderr == "", (words, done.stderr)
        assert done.stdout.split() == ["阿尔法"], words
    done = complete("gongfu record alpha 覆", {"GONGFU_DATA": str(SAMPLE)})
    assert done.stdout.split() == ["覆盖率"]


@pytest.mark.parametrize("data", ["/nonexistent.toml", "/dev/null", "/etc", "/dev/zero"])
def test_completion_offers_nothing_when_the_data_cannot_be_read(data: str) -> None:
    for words in ("gongfu progress 阿", "gongfu record alpha 覆"):
        done = complete(words, {"GONGFU_DATA": data})
        assert (done.returncode, done.stdout.strip(), done.stderr) == (0, "", "")


# ---------------------------------------------------------------------------------------------
# Tables at every width

LONG = """\
[program]
name = "一个名字很长很长很长的共同富裕班车示范计划（二〇二四年度，第三季度汇总）"

[[buses]]
id = "alpha"
name = "城乡居民医疗保障与慢性病长期健康管理服务班车"
batch = 1
launched = 2022-01-01
due = 2025-12-31
lead = ["市卫生健康委员会、市医疗保障局、市人力资源和社会保障局", "市财政局"]
field = "医疗卫生与健康服务"
summary = "推动优质医疗资源下沉，实现“小病不出村、大病不出县”，签约服务覆盖率持续提高。"

[[buses.indicators]]
id = "coverage"
name = "家庭医生签约服务覆盖率（重点人群，含老年人、慢性病患者、残疾人）"
unit = "%"
baseline = 35.5
target = 100
[[buses.indicators]]
id = "visits"
name = "年度上门随访服务人次"
unit = "万人次"
target = 1234567.25
[[buses.indicators]]
id = "severe"
name = "严重滞后的指标"
unit = "个"
target = 1000

[[buses]]
id = "beta"
name = "乙"
batch = 2
launched = 2022-01-01
due = 2023-01-01
field = "教育"
[[buses.indicators]]
id = "y"
name = "指标"
target = 10

[[readings]]
bus = "alpha"
indicator = "coverage"
date = 2022-05-05
value = 40.25
source = "市卫生健康委员会2022年第二季度报送表（经核实，含补报数据）、市医保局月报"
[[readings]]
bus = "alpha"
indicator = "coverage"
date = 2023-05-05
value = 52.75
source = "年报"
[[readings]]
bus = "alpha"
indicator = "visits"
date = 2023-05-05
value = 123456.5
[[readings]]
bus = "alpha"
indicator = "severe"
date = 2023-05-05
value = 1
[[readings]]
bus = "beta"
indicator = "y"
date = 2022-12-01
value = 9
"""

TABLE_COMMANDS = (
    ("list",),
    ("progress", "alpha"),
    ("history", "alpha"),
    ("rank",),
    ("rank", "--by", "gap"),
    ("export", "-f", "table", "--level", "buses"),
    ("export", "-f", "table", "--level", "readings"),
)
TEXT_COLUMNS = ("bus", "lead", "field", "indicator", "source")  # may wrap, never lose a char
WHOLE_COLUMNS = ("value", "date", "value_date", "attainment", "status")  # never split


def squeezed(text: str) -> str:
    return re.sub(r"[\s─]+", "", text)


def shown(column: str, cell: str) -> str:
    """How a machine cell reads in a view."""
    if column == "attainment":
        return percent(float(cell))
    if column == "status":
        return status_label(cell)
    if column == "value":
        return number(float(cell) if "." in cell else int(cell))
    return cell


@pytest.mark.parametrize("width", [40, 60, 80, 120, 200])
@pytest.mark.parametrize("command", TABLE_COMMANDS, ids=" ".join)
def test_tables_never_cut_a_character(tmp_path: Path, command: tuple[str, ...], width: int) -> None:
    path = tmp_path / "long.toml"
    path.write_text(LONG, encoding="utf-8")
    args = [*command, "-d", str(path), "--as-of", "2023-06-30"]
    out = runner.invoke(app, args, env={"COLUMNS": str(width)}).stdout
    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, [*args, "-f", "csv"]).stdout)))
    assert rows
    assert "…" not in out
    lines = out.splitlines()
    for line in lines:
        assert cell_len(line.rstrip()) <= width, line
    flat = squeezed(out)
    for row in rows:
        for column in TEXT_COLUMNS:
            if row.get(column):
                assert _in_order(squeezed(row[column]), flat), (column, row[column])
        for column in WHOLE_COLUMNS:
            if row.get(column):
                texts = {shown(column, row[column]), row[column]}  # export tables show keys
                assert any(t in line for line in lines for t in texts), (column, texts)


def _in_order(needle: str, haystack: str) -> bool:
    """Every character of `needle` appears in `haystack`, in order (wrapping may put other
    columns' text between the pieces of a cell)."""
    position = 0
    for char in needle:
        position = haystack.find(char, position)
        if position < 0:
            return False
        position += 1
    return True


@pytest.mark.parametrize("width", [40, 60, 80])
def test_status_labels_and_captions_are_whole(tmp_path: Path, width: int) -> None:
    path = tmp_path / "long.toml"
    path.write_text(LONG, encoding="utf-8")
    for command in (("list",), ("rank", "--by", "gap")):
        out = runner.invoke(app, [*command, "-d", str(path), "--as-of", "2023-06-30"],
                            env={"COLUMNS": str(width)}).stdout  # fmt: skip
        assert "逾期" in out or "严重滞后" in out or "滞后" in out
        if command[0] == "rank":
            assert _in_order(squeezed("超前序时（完成率−序时进度，百分点）排名"), squeezed(out))
        for line in out.splitlines():
            stripped = line.strip()
            assert not stripped or stripped[0] not in NO_START, line


@pytest.mark.parametrize(
    ("text", "width"),
    [
        ("按超前序时（完成率 − 序时进度，百分点）排名；没有可比数值的班车列在最后，不排名次", 11),
        ("数据截至2022-01-05，覆盖率达到85.5%。下一期：2023年", 12),
        ("「共富班车」、“城乡一体”。", 6),
        ("计划名称很长很长很长的示范计划（二〇二四年度） · 截至 2023-06-30", 20),
    ],
)
def test_chinese_line_breaking_rules(text: str, width: int) -> None:
    starts = [0, *break_points(text, width)]
    lines = [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]
    assert "".join(lines) == text
    for line in lines:
        assert cell_len(line.rstrip()) <= width
        assert line.strip()[0] not in NO_START, lines
        assert line.rstrip()[-1] not in NO_END, lines
    for whole in ("2022-01-05", "85.5%", "2023"):
        if whole in text:
            assert any(whole in line for line in lines), lines
