"""No formula and no escape leaves gongfu unless asked: CSV and TSV that a spreadsheet may open
(written to a file, or with a byte-order mark) never start a text cell with a formula, numbers
stay numbers, `--raw` writes the text as it is; standard output stays raw for scripts, and on a
terminal (a real pty) control characters show escaped in every output."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gongfu_cli.cli.app import app
from tests.builders import BUS
from tests.conftest import gongfu

runner = CliRunner()
HYPERLINK = '=HYPERLINK("http://evil.example/?x","点击查看")'
DDE = "=cmd|' /C calc'!A0"
AT = "@SUM(1)"
OSC8 = "\x1b]8;;http://evil.example\x1b\\官方来源\x1b]8;;\x1b\\"
C1_BIDI = "\x9b31m红\u202eevil"
# (date, value, source, note); the latest reading's source is the hidden link
READINGS = [
    ("2022-06-30", 10, HYPERLINK, AT),
    ("2022-09-30", -5, DDE, "-2+3"),
    ("2022-12-31", 20, "+1 来源", "\t制表"),
    ("2023-03-31", 30, OSC8 + C1_BIDI, "\r回车"),
]
FORMULAS = [(s, n) for _, _, s, n in READINGS]


def neutral(text: str) -> str:
    """What a spreadsheet-bound cell holds: a formula start behind a `'`, anything else as is."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


NEUTRAL = [(neutral(s), neutral(n)) for s, n in FORMULAS]
ARGS = ("--level", "readings", "--as-of", "2023-06-30")


@pytest.fixture
def data(tmp_path: Path) -> Path:
    text = BUS + "".join(
        f'\n[[readings]]\nbus = "alpha"\nindicator = "coverage"\ndate = {day}\nvalue = {value}\n'
        f"source = {json.dumps(source)}\nnote = {json.dumps(note)}\n"
        for day, value, source, note in READINGS
    )
    path = tmp_path / "data.toml"
    path.write_text(text, encoding="utf-8")
    return path


def run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def cells(text: str, delimiter: str = ",") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter))


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_a_csv_or_tsv_file_never_starts_a_text_cell_with_a_formula(
    data: Path, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"readings.{fmt}"
    run("export", *ARGS, "-d", str(data), "-o", str(out))
    rows = cells(out.read_bytes().decode("utf-8"), "," if fmt == "csv" else "\t")
    assert [(r["source"], r["note"]) for r in rows] == NEUTRAL
    assert [r["value"] for r in rows] == ["10", "-5", "20", "30"]  # numbers stay numbers
    assert out.read_bytes().startswith(b"bus_id")  # no byte-order mark unless asked


def test_every_table_command_neutralises_its_csv_file(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "history.csv"
    run("history", "alpha", "coverage", "-d", str(data), "--as-of", "2023-06-30", "-o", str(out))
    rows = cells(out.read_bytes().decode("utf-8"))
    assert [r["source"] for r in rows] == [s for s, _ in NEUTRAL]
    assert [r["change"] for r in rows] == ["", "-15", "25", "10"]  # a negative number is a number


def test_standard_output_stays_raw_for_scripts(data: Path) -> None:
    rows = cells(run("export", *ARGS, "-d", str(data)))
    assert [(r["source"], r["note"]) for r in rows] == FORMULAS
    rows = cells(run("export", *ARGS, "-d", str(data), "-o", "-"))
    assert [(r["source"], r["note"]) for r in rows] == FORMULAS


@pytest.mark.parametrize("option", ["--bom", "--excel"])
def test_a_byte_order_mark_means_a_spreadsheet_even_on_standard_output(
    data: Path, option: str
) -> None:
    shown = run("export", *ARGS, "-d", str(data), option)
    assert shown.startswith("\ufeff")
    assert [(r["source"], r["note"]) for r in cells(shown)] == NEUTRAL


def test_raw_writes_the_file_as_it_is_on_purpose(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "raw.csv"
    run("export", *ARGS, "-d", str(data), "-o", str(out), "--raw")
    assert [(r["source"], r["note"]) for r in cells(out.read_bytes().decode("utf-8"))] == FORMULAS
    out = tmp_path / "raw.tsv"
    run("list", "-d", str(data), "-o", str(out), "--raw", "--as-of", "2023-06-30")
    assert out.read_bytes().decode("utf-8").startswith("bus_id\tbus\t")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "--raw", "--excel"], "--raw and --excel contradict"),
        (["export", "--raw", "-f", "json"], "--raw is for CSV and TSV only, not json"),
        (["list", "--raw"], "--raw is for CSV and TSV only, not table"),
        (["check", "--raw"], "--raw is for CSV and TSV only, not text"),
    ],
)
def test_raw_belongs_to_csv_and_tsv(data: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, [*args, "-d", str(data)])
    assert result.exit_code == 2, result.output
    assert message in result.stderr


def test_check_neutralises_a_file_name_that_looks_like_a_formula(data: Path) -> None:
    """A data file named like a formula shows in the `file` column of `check`'s rows."""
    (data.parent / "@SUM(1).toml").write_bytes(data.read_bytes())
    later = ["-d", "@SUM(1).toml", "--as-of", "2025-06-30"]  # stale by then: warnings
    done = gongfu("check", *later, "-o", "problems.csv", cwd=data.parent)
    assert done.returncode == 0, done.stderr
    rows = cells((data.parent / "problems.csv").read_bytes().decode("utf-8"))
    assert rows and {r["file"] for r in rows} == {"'@SUM(1).toml"}
    raw = gongfu("check", *later, "-f", "csv", cwd=data.parent)
    assert {r["file"] for r in cells(raw.stdout.decode("utf-8"))} == {"@SUM(1).toml"}


# ---------------------------------------------------------------------------------------------
# On a terminal


def on_terminal(*args: str, env: dict[str, str] | None = None) -> tuple[int, bytes, bytes]:
    """gongfu in a real subprocess whose standard output is a pseudo-terminal."""
    leader, follower = pty.openpty()
    environment = {**os.environ, "NO_COLOR": "1", "COLUMNS": "160", **(env or {})}
    with subprocess.Popen(
        [sys.executable, "-m", "gongfu_cli", *args],
        stdout=follower,
        stderr=subprocess.PIPE,
        env=environment,
    ) as child:
        os.close(follower)
        out = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: the child is done writing
                break
            if not chunk:
                break
            out += chunk
        err = child.stderr.read() if child.stderr else b""
        code = child.wait(60)
    os.close(leader)
    return code, out, err


RAW_CONTROLS = (b"\x1b", b"\xc2\x9b", "\u202e".encode(), b"\x07")


@pytest.mark.parametrize(
    "args",
    [
        ["export", *ARGS],
        ["export", *ARGS, "-o", "-"],
        ["export", *ARGS, "-f", "json"],
        ["export", *ARGS, "-f", "jsonl"],
        ["export", *ARGS, "-f", "tsv", "--excel"],
        ["export", *ARGS, "-f", "md"],
        ["export", *ARGS, "-f", "plain"],
        ["history", "alpha", "--as-of", "2023-06-30"],
        ["history", "alpha", "--as-of", "2023-06-30", "-f", "csv"],
        ["history", "alpha", "--as-of", "2023-06-30", "-f", "svg"],
        ["report", "--as-of", "2023-06-30"],
    ],
    ids=" ".join,
)
def test_a_terminal_never_receives_a_control_character_from_the_data(
    data: Path, args: list[str]
) -> None:
    code, out, err = on_terminal(*args, "-d", str(data))
    assert code == 0, err
    for raw in RAW_CONTROLS:
        assert raw not in out
    text = out.decode("utf-8")
    assert "x1b" in text or "u001b" in text  # shown, not dropped


def test_an_output_device_that_is_a_terminal_gets_escapes_shown(data: Path) -> None:
    leader, follower = pty.openpty()
    try:
        done = gongfu("export", *ARGS, "-d", str(data), "-o", os.ttyname(follower))
        assert done.returncode == 0, done.stderr
        shown = os.read(leader, 65536)
    finally:
        os.close(follower)
        os.close(leader)
    assert b"\x1b" not in shown and b"\\x1b]8;;http://evil.example" in shown


def test_piped_output_keeps_every_byte(data: Path) -> None:
    done = gongfu("export", *ARGS, "-d", str(data))
    assert [(r["source"], r["note"]) for r in cells(done.stdout.decode("utf-8"))] == FORMULAS
