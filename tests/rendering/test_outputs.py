"""One format registry for every command: --format, --output's suffix, --save, and the options
that belong to spreadsheet formats only."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gongfu_cli.cli.app import app
from gongfu_cli.domain.metrics import Status
from gongfu_cli.presentation.vocabulary import STATUS_LABELS
from gongfu_cli.rendering.registry import FORMATS
from tests.conftest import DATA, REPO, SAMPLE

runner = CliRunner()
ARGS = ["-d", str(SAMPLE), "--as-of", "2023-01-01"]
TABLE_COMMANDS = [["list"], ["progress", "alpha"], ["history", "alpha"], ["rank"], ["export"]]


def ok(*args: str) -> str:
    result = runner.invoke(app, [*args, *ARGS], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    return result.stdout


def usage_error(*args: str) -> str:
    result = runner.invoke(app, [*args, *ARGS])
    assert result.exit_code == 2, result.output
    return result.output


@pytest.mark.parametrize("command", TABLE_COMMANDS, ids=" ".join)
@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".json", ".jsonl", ".md", ".svg", ".html",
                                    ".txt"])  # fmt: skip
def test_the_output_suffix_chooses_the_format(
    tmp_path: Path, command: list[str], suffix: str
) -> None:
    target = tmp_path / f"out{suffix}"
    shown = ok(*command, "-o", str(target))
    assert shown == ""  # written to the file, not shown
    text = target.read_text(encoding="utf-8")
    explicit = ok(*command, "-f", suffix.lstrip("."))
    if suffix in (".csv", ".tsv", ".json", ".jsonl", ".md"):
        assert text == explicit
    if suffix == ".csv":
        assert next(csv.reader(io.StringIO(text)))[0] in ("bus_id", "rank")
    elif suffix == ".json":
        assert isinstance(json.loads(text), list)
    elif suffix == ".svg":
        assert text.startswith("<svg") and "阿尔法" in text
    elif suffix == ".html":
        assert text.startswith("<!DOCTYPE html>") and "<svg" in text
    elif suffix == ".txt":
        assert "阿尔法" in text and "<" not in text


def test_an_unknown_suffix_is_a_usage_error(tmp_path: Path) -> None:
    out = usage_error("list", "-o", str(tmp_path / "out.xls"))
    assert "gongfu writes no .xls files" in out
    assert not (tmp_path / "out.xls").exists()


def test_a_table_into_a_file_is_its_text(tmp_path: Path) -> None:
    target = tmp_path / "out.dat"
    ok("export", "-f", "table", "-o", str(target))
    assert "alpha" in target.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("fmt", "option"),
    [("table", "--bom"), ("table", "--excel"), ("json", "--excel"), ("jsonl", "--bom"),
     ("md", "--excel"), ("svg", "--bom")],
)  # fmt: skip
def test_bom_and_excel_belong_to_csv_and_tsv(fmt: str, option: str) -> None:
    assert "is for CSV and TSV only" in usage_error("export", "-f", fmt, option)


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_excel_csv_and_tsv_keep_their_bom(fmt: str) -> None:
    assert ok("export", "-f", fmt, "--excel").startswith("\ufeff")


def test_save_writes_a_picture_and_still_shows_the_table(tmp_path: Path) -> None:
    shown = ok("rank", "--save", str(tmp_path / "rank.svg"))
    assert "阿尔法" in shown
    assert (tmp_path / "rank.svg").read_text(encoding="utf-8").startswith("<svg")
    assert "writes a picture" in usage_error("rank", "--save", str(tmp_path / "rank.csv"))
    assert "writes a picture" in usage_error("rank", "-f", "csv", "--save", str(tmp_path / "x.svg"))


def test_report_and_check_choose_from_the_same_registry(tmp_path: Path) -> None:
    assert ok("report", "-f", "html").startswith("<!DOCTYPE html>")
    ok("report", "-o", str(tmp_path / "r.html"))
    assert (tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    refused = usage_error("report", "-o", str(tmp_path / "r.csv"))
    assert "a report is written as .md, .html, .htm, .pdf or .docx" in refused
    later = ["-d", str(SAMPLE), "--as-of", "2024-06-30"]  # by then some indicators are stale
    result = runner.invoke(app, ["check", "-f", "csv", *later])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["file", "line", "severity", "message"]
    runner.invoke(app, ["check", "-o", str(tmp_path / "problems.json"), *later])
    problems = json.loads((tmp_path / "problems.json").read_text(encoding="utf-8"))
    assert problems and problems[0]["severity"] == "warning"


def test_every_registered_format_has_help_and_distinct_suffixes() -> None:
    suffixes = [s for f in FORMATS.values() for s in f.suffixes]
    assert len(suffixes) == len(set(suffixes))
    assert all(f.help for f in FORMATS.values())


def test_export_workbook_shows_status_labels_and_csv_keeps_keys(tmp_path: Path) -> None:
    """A workbook is for people (滞后, not `lagging`); CSV stays the machine contract."""
    from python_calamine import CalamineWorkbook

    book = tmp_path / "x.xlsx"
    result = runner.invoke(app, ["export", "-d", str(SAMPLE), "--level", "all", "-o", str(book)])
    assert result.exit_code == 0, result.output
    workbook = CalamineWorkbook.from_path(str(book))
    csv_result = runner.invoke(app, ["export", "-d", str(SAMPLE), "--level", "indicators",
                                     "-f", "csv"])  # fmt: skip
    assert csv_result.exit_code == 0, csv_result.output
    keys = [r["status"] for r in csv.DictReader(io.StringIO(csv_result.stdout))]
    assert "overdue" in keys and set(keys) <= {s.value for s in Status}
    for name in ("buses", "indicators"):
        rows = workbook.get_sheet_by_name(name).to_python()
        column = rows[0].index("状态")
        shown = [row[column] for row in rows[1:]]
        assert shown and set(shown) <= set(STATUS_LABELS.values()), shown
    rows = workbook.get_sheet_by_name("indicators").to_python()
    labels = [row[rows[0].index("状态")] for row in rows[1:]]
    assert labels == [STATUS_LABELS[Status(k)] for k in keys]
    assert isinstance(rows[1][rows[0].index("完成率")], float)  # numbers stay typed


def test_pictures_do_not_follow_the_terminal_width(tmp_path: Path) -> None:
    """A saved picture is drawn at the width its table needs, the same on any terminal; only
    what reaches the screen follows $COLUMNS."""
    import os
    import subprocess
    import sys

    def picture(columns: int, *args: str) -> tuple[bytes, str]:
        target = tmp_path / f"{columns}-{args[0]}{Path(args[-1]).suffix}"
        argv = [sys.executable, "-m", "gongfu_cli", *args[:-1], str(target), "--as-of",
                "2024-06-30", "--no-cache", "-d", str(REPO / "data" / "buses.toml")]  # fmt: skip
        env = {**os.environ, "COLUMNS": str(columns), "NO_COLOR": "1"}
        done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60)
        assert done.returncode == 0, done.stderr
        return target.read_bytes(), done.stdout

    for args in (("summary", "-o", "x.svg"), ("list", "-o", "x.svg"), ("list", "-o", "x.txt")):
        narrow, _ = picture(60, *args)
        wide, _ = picture(200, *args)
        assert narrow == wide, args
    narrow, shown_narrow = picture(60, "rank", "--save", "x.svg")
    wide, shown_wide = picture(200, "rank", "--save", "x.svg")
    assert narrow == wide
    assert narrow.startswith(b"<svg") and "送气下乡".encode() in narrow
    assert max(map(len, shown_narrow.splitlines())) <= 60 < max(map(len, shown_wide.splitlines()))


def test_an_output_name_without_a_suffix_is_a_usage_error(tmp_path: Path) -> None:
    """`-o newfile` is a forgotten suffix (or, for followup, a forgotten slash): nothing is
    written and the message names the suffixes; `--format` or a device still write."""

    target = tmp_path / "newfile"
    result = runner.invoke(app, ["list", "-d", str(SAMPLE), "-o", str(target)])
    assert result.exit_code == 2, result.output
    assert "gongfu writes no suffix-less files" in result.output and ".svg" in result.output
    assert "Traceback" not in result.output and not target.exists()
    result = runner.invoke(app, ["list", "-d", str(SAMPLE), "--save", str(target)])
    assert result.exit_code == 2 and not target.exists()
    folder = tmp_path / "newdir"
    argv = ["followup", "-d", str(DATA / "followup.toml"), "--as-of", "2025-06-30"]
    result = runner.invoke(app, [*argv, "-o", str(folder)])
    assert result.exit_code == 2, result.output
    assert "suffix-less" in result.output and f"-o {folder}/ (with the slash)" in result.output
    assert not folder.exists()
    result = runner.invoke(app, [*argv, "-o", f"{folder}/"])
    assert result.exit_code == 0, result.output
    assert (folder / "甲局.xlsx").is_file()
    result = runner.invoke(app, ["list", "-d", str(SAMPLE), "-o", str(target), "-f", "csv"])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").startswith("bus_id,")
    result = runner.invoke(app, ["list", "-d", str(SAMPLE), "-o", os.devnull])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["check", "-f", "html"], "check's list of problems is written as text, csv"),
        (["check", "-f", "svg"], "check's list of problems is written as"),
        (["import", "x.csv", "-f", "xml"], "import's result is written as table or json, not xml"),
        (["report", "-f", "github"], "a report is written as md, html, pdf or docx, not github"),
    ],
)
def test_each_output_takes_only_its_own_formats_not_a_tabulate_namesake(
    args: list[str], said: str
) -> None:
    """`html` is a tabulate format too; an output that is not written as html refuses it
    rather than falling back to tabulate's table (one registry decides for every output)."""
    assert said in usage_error(*args)
