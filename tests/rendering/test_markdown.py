"""`-f md` and `-o FILE.md` write Markdown: one GitHub-flavoured pipe table, read back by an
independent CommonMark parser (markdown-it-py, tables on), header and every row intact, user
text as plain text however hostile."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token
from typer.testing import CliRunner

from gongfu_cli.cli.app import app
from gongfu_cli.escapes import visible_line
from gongfu_cli.presentation.rows import BUS_COLUMNS, INDICATOR_COLUMNS
from tests.builders import hostile_file
from tests.conftest import SAMPLE

runner = CliRunner()


def _tables(text: str) -> list[tuple[list[str], list[list[str]]]]:
    """Each table as (header cells, body rows), the cells' text as a reader sees it."""
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    tables: list[tuple[list[str], list[list[str]]]] = []
    row: list[str] | None = None
    in_head = False
    for token in tokens:
        if token.type == "table_open":
            tables.append(([], []))
        elif token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open":
            row = []
        elif token.type == "tr_close" and row is not None:
            if in_head:
                tables[-1][0].extend(row)
            else:
                tables[-1][1].append(row)
            row = None
        elif token.type == "inline" and row is not None:
            row.append(_plain(token.children or []))
    return tables


def _plain(children: list[Token]) -> str:
    """The text of a cell; any markup (emphasis, links, HTML) would show up as other tokens."""
    kinds = {c.type for c in children} - {"text"}
    assert not kinds, f"markup in a cell: {kinds}"
    return "".join(c.content for c in children)


@pytest.mark.parametrize(
    ("command", "columns"), [(["list"], BUS_COLUMNS), (["export"], INDICATOR_COLUMNS)]
)
def test_md_is_one_pipe_table_with_the_header_and_every_row(
    tmp_path: Path, command: list[str], columns: tuple[str, ...]
) -> None:
    data = hostile_file(tmp_path)
    args = [*command, "-d", str(data), "--as-of", "2023-06-01"]
    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, [*args, "-f", "csv"]).stdout)))
    shown = runner.invoke(app, [*args, "-f", "md"])
    assert shown.exit_code == 0, shown.output
    out = tmp_path / "t.md"
    assert runner.invoke(app, [*args, "-o", str(out)]).exit_code == 0
    for text in (shown.stdout, out.read_text(encoding="utf-8")):
        tables = _tables(text)
        assert len(tables) == 1
        header, body = tables[0]
        assert header == list(columns)
        assert len(body) == len(rows) >= 1
        for cells, row in zip(body, rows, strict=True):
            assert len(cells) == len(columns)
            for key in ("bus_id", "bus", "lead", "status"):
                if key in columns:
                    assert cells[columns.index(key)] == visible_line(row[key]), key


def test_md_of_the_sample_reads_back_row_for_row() -> None:
    args = ["list", "-d", str(SAMPLE), "--as-of", "2023-01-01"]
    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, [*args, "-f", "csv"]).stdout)))
    ((header, body),) = _tables(runner.invoke(app, [*args, "-f", "md"]).stdout)
    assert header == list(BUS_COLUMNS)
    assert [(r[0], r[1], r[10]) for r in body] == [
        (r["bus_id"], r["bus"], r["status"]) for r in rows
    ]
    assert body[0][8] == "44.8%"  # ratios as people read them
