"""Every bad input gets a clear, located answer (exit 1, or 2 for command-line mistakes), and
nothing in a file acts as anything but text."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gongfu_cli.cli.app import app
from gongfu_cli.errors import GongfuError
from gongfu_cli.store.load import load_dataset
from tests.builders import BUS, hostile_file
from tests.conftest import SAMPLE

runner = CliRunner()


def fails(*args: str) -> str:
    """Run a command that must fail with exit 1 and a message, never a traceback."""
    result = runner.invoke(app, list(args))
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.stderr.strip() or result.stdout.strip()
    return result.stderr + result.stdout


def test_missing_file(tmp_path: Path) -> None:
    assert f"{tmp_path}/nope.toml: no such file" in fails("list", "-d", str(tmp_path / "nope.toml"))


def test_directory_without_data_and_directory_as_output(tmp_path: Path) -> None:
    assert "directory holds no *.toml data file" in fails("list", "-d", str(tmp_path))
    out = fails("export", "-d", str(SAMPLE), "-o", str(tmp_path))
    assert f"{tmp_path}: is a directory" in out


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.toml"
    path.write_text("\n  \n", encoding="utf-8")
    assert f"{path}:1: the file is empty" in fails("list", "-d", str(path))


def test_file_without_buses(tmp_path: Path) -> None:
    path = tmp_path / "program-only.toml"
    path.write_text('[program]\nname = "x"\n', encoding="utf-8")
    assert "defines no bus" in fails("list", "-d", str(path))


def test_gbk_file_is_recognised_with_the_iconv_fix(tmp_path: Path) -> None:
    path = tmp_path / "gbk.toml"
    path.write_bytes(BUS.encode("gbk"))
    out = fails("list", "-d", str(path))
    assert f"{path}:3: not UTF-8 text" in out
    assert "it looks like GBK" in out
    assert f"iconv -f GBK -t UTF-8 {path}" in out


def test_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + BUS.encode("utf-8"))
    assert load_dataset(path).buses[0].name == "阿尔法"


def test_syntax_error_through_the_cli(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(BUS.replace('name = "阿尔法"', 'name = "阿尔法'), encoding="utf-8")
    assert f"{path}:3:" in fails("list", "-d", str(path))


def test_very_large_file_loads(tmp_path: Path) -> None:
    # 50 MB: one bus whose summary is most of the file.
    path = tmp_path / "large.toml"
    summary = "长" * (50_000_000 // 3)
    path.write_text(
        BUS.replace('field = "交通"', f'field = "交通"\nsummary = "{summary}"'), encoding="utf-8"
    )
    assert path.stat().st_size > 50_000_000
    assert len(load_dataset(path).buses[0].summary) == len(summary)


def test_very_large_broken_file_fails_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "large-broken.toml"
    path.write_text(BUS + 'x = "' + "a" * 50_000_000, encoding="utf-8")  # unterminated
    assert f"{path}:14:" in fails("list", "-d", str(path))


def test_deeply_nested_arrays_and_tables(tmp_path: Path) -> None:
    path = tmp_path / "deep.toml"
    path.write_text(BUS + "deep = " + "[" * 50_000 + "]" * 50_000 + "\n", encoding="utf-8")
    assert "nesting too deep" in fails("list", "-d", str(path))
    path.write_text(BUS + "\n[a" + ".b" * 5000 + "]\nx = 1\n", encoding="utf-8")
    assert 'unknown key "a"' in fails("list", "-d", str(path))


def test_absurdly_long_name_renders(tmp_path: Path) -> None:
    path = tmp_path / "long.toml"
    path.write_text(
        BUS.replace('name = "阿尔法"', 'name = "' + "很长" * 20_000 + '"'), encoding="utf-8"
    )
    for command in (["list"], ["progress", "alpha"], ["rank"], ["history", "alpha"]):
        result = runner.invoke(app, [*command, "-d", str(path)])
        assert result.exit_code == 0, result.output
        assert "很长很长" in result.stdout


@pytest.mark.parametrize(
    "command",
    [
        ["list"],
        ["progress", "alpha"],
        ["rank"],
        ["history", "alpha"],
        ["export", "-f", "table"],
        ["list", "-f", "plain"],
    ],
)
def test_markup_and_escapes_in_a_file_show_literally(tmp_path: Path, command: list[str]) -> None:
    result = runner.invoke(
        app,
        [*command, "-d", str(hostile_file(tmp_path)), "--as-of", "2023-06-30"],
        env={"COLUMNS": "440"},  # wide enough that no name wraps
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "\x1b" not in out and "\x07" not in out
    assert "[bold red]红[/]" in out
    assert "\\x1b[31mESC\\x07" in out


def test_markup_in_names_shows_literally_in_colour_too(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["list", "-d", str(hostile_file(tmp_path))],
        env={"COLUMNS": "400", "FORCE_COLOR": "1", "TERM": "xterm"},
    )
    assert result.exit_code == 0, result.output
    assert "\x1b[" in result.stdout  # colour is on...
    assert "\x1b[31mESC" not in result.stdout  # ...but the file's own escape is not
    assert "[bold red]红[/]" in result.stdout


def test_escapes_in_error_messages_are_visible(tmp_path: Path) -> None:
    path = tmp_path / "bad-id.toml"
    path.write_text(BUS.replace('id = "alpha"', 'id = "al\\u001b[2Jpha"'), encoding="utf-8")
    out = fails("list", "-d", str(path))
    assert "\x1b" not in out
    assert "\\u001b[2J" in out


def test_excel_export_neutralises_formulas(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "export",
            "--level",
            "readings",
            "--excel",
            "-d",
            str(hostile_file(tmp_path)),
            "--as-of",
            "2023-06-30",
        ],
    )
    assert result.exit_code == 0, result.output
    raw = result.stdout_bytes
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.count(b"\r\n") == 2 and raw.replace(b"\r\n", b"").count(b"\n") == 0
    (row,) = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert row["source"].startswith("'-cmd|")
    assert row["note"] == "'@SUM(A1)"
    assert row["value"] == "40"  # numbers are left alone
    plain = runner.invoke(
        app,
        [
            "export",
            "--level",
            "readings",
            "-d",
            str(hostile_file(tmp_path)),
            "--as-of",
            "2023-06-30",
        ],
    )
    (row,) = list(csv.DictReader(io.StringIO(plain.stdout)))
    assert row["note"] == "@SUM(A1)"  # plain export stays raw for scripts


def test_negative_numbers_are_not_mistaken_for_formulas() -> None:
    from gongfu_cli.rendering.serializers import excel_cell

    assert excel_cell(-5) == "-5"
    assert excel_cell("-5") == "'-5"
    assert excel_cell("\tx") == "'\tx"


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--as-of", "yesterday"],
        ["list", "--as-of", "2023-02-30"],
        ["export", "--format", "xml"],
        ["export", "--level", "all"],
        ["rank", "--by", "speed"],
        ["check", "--format", "yaml"],
        ["list", "--nope"],
    ],
)
def test_command_line_mistakes_exit_2_with_usage(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "Usage:" in result.output
    assert "Traceback" not in result.output


def test_every_loader_error_is_our_error(tmp_path: Path) -> None:
    path = tmp_path / "x.toml"
    path.write_text("[[buses]]\nid = 1\n[[buses.indicators]]\ntarget = 'x'\n", encoding="utf-8")
    with pytest.raises(GongfuError) as caught:
        load_dataset(path)
    assert all(p.line is not None for p in caught.value.problems)
