"""Every table command, with every choice of `--by` (and `--level`, `--compare`), in every format
of the registry: each output is read back by an independent reader of its format (csv, json,
markdown-it-py, python-calamine, xml.etree, html.parser, Pillow) and holds the rows the JSON
holds, under the columns of the command's contract."""

from __future__ import annotations

import csv
import io
import json
import os
import xml.etree.ElementTree as ET
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gongfu_cli.cli.app import app
from gongfu_cli.presentation import rows as contract
from gongfu_cli.rendering.browser import find_browser
from gongfu_cli.rendering.registry import FORMATS, TABLE
from tests.conftest import SAMPLE

runner = CliRunner()
ARGS = ("-d", str(SAMPLE), "--as-of", "2023-01-01")
COMPARE = ("--compare", "2022-07-01")

# (command line, its machine columns)
VARIANTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "list": (("list",), contract.BUS_COLUMNS),
    "progress": (("progress", "alpha"), contract.INDICATOR_COLUMNS),
    "export buses": (("export", "--level", "buses"), contract.BUS_COLUMNS),
    "export indicators": (("export", "--level", "indicators"), contract.INDICATOR_COLUMNS),
    "export readings": (("export", "--level", "readings"), contract.READING_COLUMNS),
    "history bus": (("history", "alpha"), contract.HISTORY_COLUMNS),
    "history indicator": (("history", "alpha", "coverage"), contract.HISTORY_COLUMNS),
    "rank by attainment": (("rank", "--by", "attainment"), contract.RANK_COLUMNS),
    "rank by gap": (("rank", "--by", "gap"), contract.RANK_COLUMNS),
    "rank by attainment compared": (
        ("rank", "--by", "attainment", *COMPARE),
        contract.RANK_COLUMNS + contract.COMPARE_COLUMNS,
    ),
    "rank by gap compared": (
        ("rank", "--by", "gap", *COMPARE),
        contract.RANK_COLUMNS + contract.COMPARE_COLUMNS,
    ),
    "changes": (("changes", "--since", "2022-07-01"), contract.CHANGES_COLUMNS),
    "summary by lead": (("summary", "--by", "lead"), contract.SUMMARY_COLUMNS),
    "summary by field": (("summary", "--by", "field"), contract.SUMMARY_COLUMNS),
    "summary by batch": (("summary", "--by", "batch"), contract.SUMMARY_COLUMNS),
}
PNG_VARIANTS = ("list", "progress", "export buses", "history bus", "rank by gap compared",
                "changes", "summary by batch")  # fmt: skip
CASES = [
    pytest.param(variant, fmt, id=f"{variant}-{fmt}")
    for variant in VARIANTS
    for fmt in TABLE
    if fmt != "png" or variant in PNG_VARIANTS  # each browser start costs a second or two
]


def run(*args: str) -> str:
    result = runner.invoke(app, [*args, *ARGS], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    return result.stdout


@cache
def json_rows(variant: str) -> list[dict[str, object]]:
    """The rows as JSON: the reference the other formats are compared with."""
    rows = json.loads(run(*VARIANTS[variant][0], "-f", "json"))
    assert isinstance(rows, list)
    return rows


def _svg(text: str) -> ET.Element:
    root = ET.fromstring(text)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.iter("{http://www.w3.org/2000/svg}text"), "a picture without a word"
    return root


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)


def _cells(text: str, delimiter: str, columns: tuple[str, ...]) -> list[list[str]]:
    table = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    assert tuple(table[0]) == columns
    assert all(len(line) == len(columns) for line in table)
    return table[1:]


@pytest.mark.parametrize(("variant", "fmt"), CASES)
def test_every_table_command_in_every_format_reads_back(
    tmp_path: Path, variant: str, fmt: str
) -> None:
    command, columns = VARIANTS[variant]
    expected = json_rows(variant)
    assert all(tuple(row) == columns for row in expected)
    if fmt == "png" and find_browser() is None and os.environ.get("CI") != "true":
        pytest.skip("no Chromium-family browser here (CI installs one)")
    if fmt == "table":
        shown = run(*command, "-f", "table")
        assert shown.strip() and "\x1b" not in shown and "Traceback" not in shown
        return
    target = tmp_path / f"out.{FORMATS[fmt].suffixes[0].lstrip('.')}"
    assert run(*command, "-f", fmt, "-o", str(target)) == ""
    content = target.read_bytes()
    if fmt in ("csv", "tsv"):
        body = _cells(content.decode("utf-8"), "," if fmt == "csv" else "\t", columns)
        assert len(body) == len(expected)
    elif fmt == "json":
        assert json.loads(content) == expected
    elif fmt == "jsonl":
        assert [json.loads(line) for line in content.decode("utf-8").splitlines()] == expected
    elif fmt == "md":
        from markdown_it import MarkdownIt

        tokens = MarkdownIt("commonmark").enable("table").parse(content.decode("utf-8"))
        types = [t.type for t in tokens]
        assert types.count("th_open") == len(columns)
        assert types.count("tr_open") == len(expected) + 1
    elif fmt == "xlsx":
        from python_calamine import CalamineWorkbook

        sheet = CalamineWorkbook.from_path(str(target)).get_sheet_by_index(0).to_python()
        assert len(sheet) == len(expected) + 1
        assert all(len(line) == len(columns) for line in sheet)
    elif fmt == "svg":
        _svg(content.decode("utf-8"))
    elif fmt == "html":
        page = content.decode("utf-8")
        parser = _Tags()
        parser.feed(page)
        assert parser.tags[:1] == ["html"] and "svg" in parser.tags
        _svg(page[page.index("<svg") : page.index("</svg>") + len("</svg>")])
    elif fmt == "txt":
        text = content.decode("utf-8")
        assert text.strip() and not any(ord(c) < 0x20 and c not in "\n" for c in text)
    elif fmt == "png":
        from PIL import Image

        with Image.open(io.BytesIO(content)) as picture:
            assert picture.format == "PNG" and picture.width > 100 and picture.height > 50
    else:  # a format added to the registry needs a reader here
        pytest.fail(f"no reader for {fmt}")
    if expected and fmt not in ("xlsx", "png"):  # the first row's name is in the text
        first = expected[0]
        name = next(str(first[k]) for k in ("bus", "group") if k in first)
        assert name in content.decode("utf-8")


def test_summary_by_batch_groups_by_batch_number() -> None:
    rows = json_rows("summary by batch")
    assert [(r["group"], r["buses"]) for r in rows] == [(1, 1), (2, 3)]
    table = run("summary", "--by", "batch")
    assert "按批次" in table
