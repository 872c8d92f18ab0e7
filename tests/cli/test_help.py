"""Help that does not promise: every format and suffix a command's --help offers for --format
and --output is one that command writes (`report -o x.png` was offered, then refused)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gongfu_cli.cli.app import app
from gongfu_cli.rendering.registry import FORMATS
from tests.conftest import SAMPLE

runner = CliRunner()

COMMANDS = {
    "list": ["list"],
    "progress": ["progress", "alpha"],
    "export": ["export"],
    "history": ["history", "alpha", "coverage"],
    "rank": ["rank"],
    "changes": ["changes", "--since", "2022-07-01"],
    "summary": ["summary"],
    "check": ["check"],
    "report": ["report"],
}


def _option_help(command: list[str], option: str) -> str:
    """The help paragraph of one option, joined onto one line."""
    shown = runner.invoke(app, [command[0], "--help"], env={"COLUMNS": "100"}).stdout
    lines = shown.splitlines()
    start = next(n for n, line in enumerate(lines) if re.match(rf"\s+(-\w, )?{option}\b", line))
    paragraph = [lines[start]]
    for line in lines[start + 1 :]:
        if line.startswith("  -") or not line.strip():  # the next option
            break
        paragraph.append(line)
    return " ".join(part.strip() for part in paragraph)


def _promised_suffixes(command: list[str]) -> list[str]:
    text = _option_help(command, "--output")
    return sorted(set(re.findall(r"(?<![\w/*])\.[a-z]{2,5}\b", text)))


def _promised_formats(command: list[str]) -> list[str]:
    text = _option_help(command, "--format").split("or a tabulate format")[0]
    known = {*FORMATS, "text"}
    return sorted({word for word in re.findall(r"[a-z]+", text) if word in known})


def _run(tmp_path: Path, args: list[str]) -> tuple[int, str]:
    common = ["-d", str(SAMPLE), "--as-of", "2023-01-01"]
    result = runner.invoke(app, [*args, *common], env={"GONGFU_BROWSER": ""})
    return result.exit_code, result.output


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_suffix_help_offers_is_written(tmp_path: Path, name: str) -> None:
    command = COMMANDS[name]
    suffixes = _promised_suffixes(command)
    assert ".md" in suffixes or ".csv" in suffixes, suffixes
    for suffix in suffixes:
        out = tmp_path / f"out{suffix}"
        code, said = _run(tmp_path, [*command, "-o", str(out)])
        if suffix == ".png" and code == 1 and "browser" in said.lower():
            continue  # offered, and drawn where a browser is installed
        assert code == 0, (name, suffix, said)
        assert out.exists(), (name, suffix)  # (check's rows: none, for a clean file)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_format_help_offers_is_written(tmp_path: Path, name: str) -> None:
    command = COMMANDS[name]
    formats = _promised_formats(command)
    assert "md" in formats, formats
    for fmt in formats:
        out = tmp_path / f"out-{fmt}"
        code, said = _run(tmp_path, [*command, "-f", fmt, "-o", str(out)])
        if fmt == "png" and code == 1 and "browser" in said.lower():
            continue
        assert code == 0, (name, fmt, said)


def test_report_offers_only_markdown_html_pdf_and_docx() -> None:
    assert _promised_suffixes(COMMANDS["report"]) == [".docx", ".htm", ".html", ".md", ".pdf"]
    assert ".png" not in _promised_suffixes(COMMANDS["check"])


def test_report_within_speaks_of_the_agency_report_has_no_batch() -> None:
    text = _option_help(COMMANDS["report"], "--within")
    assert "--batch" not in runner.invoke(app, ["report", "--help"]).stdout
    assert "batch" not in text and "rank among that agency's buses only" in text, text
    assert "batch" in _option_help(COMMANDS["rank"], "--within")  # rank has --batch
