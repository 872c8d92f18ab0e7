"""Text stays text: user fields in every view, Markdown read by a real Markdown parser, file
names in messages, suggested shell commands run by a real shell, and names as Unicode has
them."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from gongfu_cli.cli.app import app
from gongfu_cli.presentation.rows import INDICATOR_COLUMNS
from gongfu_cli.store.load import load_dataset
from tests.conftest import SAMPLE, gongfu

runner = CliRunner()

UNIT = "[link=https://evil.example]单位[/link] [/] <img src=x onerror=alert(1)> |"
SUMMARY = "- 不是列表 &amp; 1. 也不是 <b>粗</b>"

DATA = f"""\
[[buses]]
id = "alpha"
name = "阿尔法 | [bold]粗[/]"
batch = 1
launched = 2022-01-01
due = 2025-12-31
field = "交通"
lead = "<script>x</script>"
summary = {SUMMARY!r}

[[buses.indicators]]
id = "x"
name = "# 标题 *星* _下_"
unit = {UNIT!r}
target = 100

[[readings]]
bus = "alpha"
indicator = "x"
date = 2023-01-01
value = 40
source = "`代码` [链接](http://x)"

[[readings]]
bus = "alpha"
indicator = "x"
date = 2023-06-01
value = 55
"""


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.toml"
    path.write_text(DATA, encoding="utf-8")
    return path


def invoke(*args: str) -> str:
    result = runner.invoke(app, [*args, "--as-of", "2024-01-01"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("command", [["progress", "alpha"], ["history", "alpha"]])
def test_markup_in_a_unit_is_shown_not_obeyed(hostile: Path, command: list[str]) -> None:
    out = invoke(*command, "-d", str(hostile))
    assert "[link=https://evil.example]单位[/link] [/]" in out


def markdown_html(text: str) -> str:
    return MarkdownIt("commonmark").enable("table").render(text)


def test_the_markdown_report_escapes_every_user_field(hostile: Path) -> None:
    html = markdown_html(invoke("report", "-d", str(hostile)))
    assert "<img" not in html and "<script>" not in html and "<b>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html  # shown, as text
    assert "<li>- 不是列表" not in html and "<li>不是列表" not in html
    assert "- 不是列表 &amp;amp; 1. 也不是 &lt;b&gt;粗&lt;/b&gt;" in html
    assert "<code>" not in html and "<a href" not in html and "<em>" not in html
    assert "<h1># 标题" not in html and "# 标题 *星* _下_" in html
    # every table row has as many cells as its header: the | in names and units split none
    for table in html.split("<table>")[1:]:
        head = table.split("</thead>")[0].replace("<th>", "<th ").count("<th ")
        rows = table.split("<tbody>")[1].split("</tbody>")[0].split("</tr>")[:-1]
        assert all(row.replace("<td>", "<td ").count("<td ") == head for row in rows)


@pytest.mark.parametrize("fmt", ["github", "pipe"])
def test_markdown_tabulate_formats_keep_their_columns(hostile: Path, fmt: str) -> None:
    out = invoke("progress", "alpha", "-d", str(hostile), "-f", fmt)
    html = markdown_html(out)
    head = html.split("</thead>")[0].replace("<th>", "<th ").count("<th ")
    body = html.split("<tbody>")[1].split("</tr>")[:-1]
    assert head == len(INDICATOR_COLUMNS) and all(
        row.replace("<td>", "<td ").count("<td ") == head for row in body
    )
    assert "<img" not in html


def test_formats_that_would_carry_raw_markup_are_not_offered(hostile: Path) -> None:
    for fmt in ("unsafehtml", "latex_raw", "mediawiki"):
        result = runner.invoke(app, ["list", "-d", str(hostile), "-f", fmt])
        assert result.exit_code == 2
    html = invoke("list", "-d", str(hostile), "-f", "html")
    assert "<script>" not in html and "&lt;script&gt;" in html


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("evil\x1b[2J.toml", "evil\\u001b[2J.toml"),
        ("two\nx.toml:1: forged.toml", "two\\nx.toml:1: forged.toml"),
        ("rev\u202eerse.toml", "rev\\u202eerse.toml"),
        ("iso\u2066late.toml", "iso\\u2066late.toml"),
    ],
    ids=["escape", "newline", "bidi-override", "bidi-isolate"],
)
def test_file_names_in_messages_are_escaped(tmp_path: Path, name: str, shown: str) -> None:
    path = tmp_path / name
    path.write_text("[[buses]]\nid = 1\n", encoding="utf-8")
    done = gongfu("list", "-d", str(path))
    assert done.returncode == 1
    err = done.stderr.decode()
    assert f"{tmp_path}/{shown}:2:" in err
    assert "\x1b" not in err and "\u202e" not in err and "\u2066" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 5 and all(line.startswith(f"{tmp_path}/{shown}:") for line in lines)


def test_the_iconv_hint_quotes_the_file_name(tmp_path: Path) -> None:
    name = "my data $(touch PWNED).toml"
    path = tmp_path / name
    path.write_bytes(SAMPLE.read_text(encoding="utf-8").encode("gbk", "replace"))
    done = gongfu("list", "-d", name, cwd=tmp_path)
    err = done.stderr.decode()
    command = err.split("convert it with: ")[1].strip()
    subprocess.run(["bash", "-c", command], cwd=tmp_path, check=True)
    assert not (tmp_path / "PWNED").exists()
    assert load_dataset(path).buses  # the hint's command really converted the file


def test_the_init_hint_quotes_the_file_name(tmp_path: Path) -> None:
    name = "new $(touch PWNED).toml"
    done = gongfu("init", name, cwd=tmp_path)
    assert done.returncode == 0
    line = next(x for x in done.stdout.decode().splitlines() if "export GONGFU_DATA=" in x)
    shell = subprocess.run(
        ["bash", "-c", f'{line.strip()} && printf %s "$GONGFU_DATA"'],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert shell.stdout == name and not (tmp_path / "PWNED").exists()


NAMES = """\
[[buses]]
id = "a"
name = {first}
batch = 1
launched = 2022-01-01
field = "交通"
[[buses.indicators]]
id = "x"
name = {ind1}
[[buses.indicators]]
id = "y"
name = {ind2}
[[buses]]
id = "b"
name = {second}
batch = 1
launched = 2022-01-01
field = "交通"
"""


def names_file(tmp_path: Path, first: str, second: str, ind1: str = "甲", ind2: str = "乙") -> Path:
    path = tmp_path / "names.toml"
    names = {"first": first, "second": second, "ind1": ind1, "ind2": ind2}
    quoted = {key: json.dumps(value, ensure_ascii=False) for key, value in names.items()}
    path.write_text(NAMES.format(**quoted), "utf-8")
    return path


def test_names_are_kept_composed(tmp_path: Path) -> None:
    decomposed = "Cafe\u0301"  # e + combining accent
    dataset = load_dataset(names_file(tmp_path, decomposed, "B"))
    assert dataset.buses[0].name == "Caf\u00e9"
    result = runner.invoke(app, ["progress", "Caf\u00e9", "-d", str(tmp_path / "names.toml")])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("blank", ["\u200b", "\u3164\u3164", " \ufeff\u2060 "])
def test_a_name_of_invisible_characters_is_blank(tmp_path: Path, blank: str) -> None:
    done = gongfu("check", "-d", str(names_file(tmp_path, blank, "B")))
    assert done.returncode == 1
    assert 'names.toml:3: bus "a": key "name": must not be blank' in done.stdout.decode()


def test_names_equal_after_compatibility_folding_are_duplicates(tmp_path: Path) -> None:
    out = gongfu("check", "-d", str(names_file(tmp_path, "ＡＢＣ", "ABC"))).stdout.decode()
    assert "duplicate bus name" in out
    out = gongfu("check", "-d", str(names_file(tmp_path, "A", "B", "指标１", "指标1"))).stdout
    assert "duplicate indicator name" in out.decode()


@pytest.mark.parametrize(
    "args",
    [["progress", ""], ["history", " "], ["record", "", "x", "1"], ["record", "alpha", "", "1"],
     ["history", "alpha", ""]],
)  # fmt: skip
def test_an_empty_bus_or_indicator_is_a_usage_error(args: list[str]) -> None:
    result = runner.invoke(app, [*args, "-d", str(SAMPLE)])
    assert result.exit_code == 2
    assert "is empty" in result.output


def test_undecodable_source_text_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "d.toml"
    path.write_bytes(SAMPLE.read_bytes())
    args = [b"record", b"alpha", b"coverage", b"70", b"--date", b"2023-02-01",
            b"--source", b"\xff\xfe bad", b"-d", os.fsencode(path)]  # fmt: skip
    done = subprocess.run(
        [os.fsencode(gongfu_executable()), b"-m", b"gongfu_cli", *args],
        capture_output=True, check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert b"--source is not valid text" in done.stderr
    assert path.read_bytes() == SAMPLE.read_bytes()


def gongfu_executable() -> str:
    import sys

    return sys.executable
