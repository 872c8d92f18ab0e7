"""The commands, run in-process through CliRunner, and once as the installed program."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gongfu_cli.cli.app import app
from gongfu_cli.presentation.rows import BUS_COLUMNS, INDICATOR_COLUMNS, READING_COLUMNS
from tests.conftest import DATA, SAMPLE

runner = CliRunner()
AS_OF = ["--as-of", "2023-01-01"]


def run(*args: str, env: dict[str, str] | None = None) -> object:
    return runner.invoke(app, list(args), env=env)


def ok(*args: str, env: dict[str, str] | None = None) -> str:
    result = runner.invoke(app, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result.stdout


def sample(*args: str) -> str:
    return ok(*args, "--data", str(SAMPLE), *AS_OF)


def test_export_indicators_csv_is_the_golden_file() -> None:
    assert sample("export") == (DATA / "sample.indicators.csv").read_text(encoding="utf-8")


def test_export_readings_csv_is_the_golden_file_and_in_date_order() -> None:
    out = sample("export", "--level", "readings")
    assert out == (DATA / "sample.readings.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == list(READING_COLUMNS)
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)
    assert "2023-06-30" not in out  # after --as-of
    assert rows[-2]["note"] == '含新建站点, "引号"'


def test_export_buses_json_is_the_golden_file() -> None:
    out = sample("export", "--level", "buses", "--format", "json")
    assert json.loads(out) == json.loads((DATA / "sample.buses.json").read_text("utf-8"))
    assert "阿尔法" in out  # Chinese kept as is, not \\u-escaped


def test_list_csv_parses_back_to_the_bus_rows() -> None:
    rows = list(csv.DictReader(io.StringIO(sample("list", "--format", "csv"))))
    assert list(rows[0]) == list(BUS_COLUMNS)
    assert [(r["bus_id"], r["attainment"], r["schedule"], r["status"]) for r in rows] == [
        ("alpha", "0.4477", "0.5", "off_track"),
        ("beta", "0.5", "", "no_data"),
        ("gamma", "0.5", "0.7503", "overdue"),
        ("delta", "", "", "monitored"),
    ]
    assert rows[0]["lead"] == "甲局、乙局"


def test_jsonl_has_one_object_per_line_with_nulls() -> None:
    lines = sample("list", "--format", "jsonl").splitlines()
    objects = [json.loads(line) for line in lines]
    assert [o["bus_id"] for o in objects] == ["alpha", "beta", "gamma", "delta"]
    assert objects[3]["attainment"] is None and objects[3]["lead"] is None
    assert list(objects[0]) == list(BUS_COLUMNS)


def test_tsv_and_tabulate_formats() -> None:
    tsv = sample("list", "--format", "tsv").splitlines()
    assert tsv[0].split("\t") == list(BUS_COLUMNS)
    github = sample("list", "--format", "github")
    assert github.splitlines()[0].startswith("| bus_id")
    assert "| 44.8%" in github and "| off_track" in github


def test_filters_of_list() -> None:
    def rows(*args: str) -> list[str]:
        out = sample("list", "-f", "csv", *args)
        return [r["bus_id"] for r in csv.DictReader(io.StringIO(out))]

    assert rows("--batch", "2") == ["beta", "gamma", "delta"]
    assert rows("--field", "交通") == ["alpha", "gamma"]
    assert rows("--status", "overdue", "--status", "monitored") == ["gamma", "delta"]


def test_list_table_shows_labels_bars_and_percentages() -> None:
    out = sample("list")
    assert "测试计划 · 截至 2023-01-01" in out
    assert "严重滞后" in out and "逾期" in out and "监测" in out
    assert "44.8%" in out and "█" in out
    assert "\x1b[" not in out  # not a terminal: no escape codes


def test_progress_table_has_every_indicator_and_value() -> None:
    out = sample("progress", "alpha")
    for text in (
        "阿尔法",
        "甲局、乙局",
        "覆盖率",
        "城乡收入比",
        "60%",
        "1.66",
        "1.55",
        "54.5%",
        "150 亿元",
        "12,345 个",
        "正常",
        "严重滞后",
        "监测",
        "序时进度 50.0%",
    ):
        assert text in out, text


def test_progress_machine_format_is_the_bus_indicators() -> None:
    rows = list(csv.DictReader(io.StringIO(sample("progress", "贝塔", "-f", "csv"))))
    assert list(rows[0]) == list(INDICATOR_COLUMNS)
    assert [r["indicator_id"] for r in rows] == ["schools", "teachers", "students"]


@pytest.mark.parametrize("query", ["alpha", "阿尔法", "ALP", "尔法"])
def test_progress_resolves_id_name_or_part(query: str) -> None:
    assert "阿尔法" in sample("progress", query)


def test_progress_unknown_or_ambiguous_bus_lists_candidates() -> None:
    result = run("progress", "a", "--data", str(SAMPLE))  # alpha, beta, gamma, delta
    assert result.exit_code == 1
    assert '"a" matches several buses' in result.stderr
    assert "gamma  伽马" in result.stderr
    result = run("progress", "zeta", "--data", str(SAMPLE))
    assert result.exit_code == 1
    assert 'no bus matches "zeta"; the buses are:' in result.stderr
    assert "Traceback" not in result.output


def test_bad_options_exit_2_with_usage() -> None:
    for args in (
        ["list", "--as-of", "2023-13-01"],
        ["list", "--format", "xls"],
        ["export", "--level", "bus"],
        ["list", "--status", "late"],
    ):
        result = run(*args)
        assert result.exit_code == 2, args
        assert "Usage:" in result.output


def test_data_option_beats_environment(tmp_path: Path) -> None:
    env = {"GONGFU_DATA": str(SAMPLE)}
    assert "阿尔法" in ok("list", "-f", "csv", env=env)
    assert "乡村畅行" not in ok("list", "-f", "csv", env=env)
    broken = tmp_path / "broken.toml"
    broken.write_text("x = ", encoding="utf-8")
    assert "阿尔法" in ok("list", "-f", "csv", "-d", str(SAMPLE), env={"GONGFU_DATA": str(broken)})


def test_default_is_the_bundled_dataset() -> None:
    out = ok("list", "-f", "csv")
    assert len(out.splitlines()) == 12 and "乡村畅行" in out


def test_broken_file_exits_1_with_located_message(write_toml) -> None:
    path = write_toml('[[buses]]\nid = "x"\n')
    result = run("list", "--data", str(path))
    assert result.exit_code == 1
    assert f'{path}:1: bus "x": missing key "name"' in result.stderr
    assert "Traceback" not in result.output


def test_export_output_file_and_bom(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    result = run("export", "-o", str(target), "--bom", "-d", str(SAMPLE), *AS_OF)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw[3:].decode("utf-8") == (DATA / "sample.indicators.csv").read_text("utf-8")
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left behind


def test_version() -> None:
    from gongfu_cli import __version__

    assert ok("--version").strip() == f"gongfu {__version__}"


def test_installed_entry_point_and_module_run(tmp_path: Path) -> None:
    exe = shutil.which("gongfu")
    assert exe, "the gongfu console script is not installed"
    env = {k: v for k, v in os.environ.items() if k != "GONGFU_DATA"}
    for command in ([exe], [sys.executable, "-m", "gongfu_cli"]):
        done = subprocess.run(
            [*command, "export", "--level", "buses"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.splitlines()[0] == ",".join(BUS_COLUMNS)
        assert len(done.stdout.splitlines()) == 12


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    first = date(1000, 1, 1)
    reading = '\n[[readings]]\nbus = "delta"\nindicator = "households"\ndate = {}\nvalue = {}\n'
    lines = [(DATA / "sample.toml").read_text(encoding="utf-8")]
    lines += [reading.format(first + timedelta(days=n), n) for n in range(2000)]
    big = tmp_path / "big.toml"
    big.write_text("".join(lines), encoding="utf-8")
    exe = shutil.which("gongfu")
    assert exe
    for _ in range(3):  # a reader that stops early, like `| head -1`
        reader = subprocess.Popen(
            ["head", "-c", "10"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL
        )
        writer = subprocess.run(
            [exe, "export", "--level", "readings", "-d", str(big), "--format", "jsonl"],
            stdout=reader.stdin,
            stderr=subprocess.PIPE,
            check=False,
        )
        reader.stdin.close()  # type: ignore[union-attr]
        reader.wait()
        assert b"Traceback" not in writer.stderr and b"Exception" not in writer.stderr
