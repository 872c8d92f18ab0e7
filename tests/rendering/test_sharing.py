"""Pictures, reports, the schema, completion, colour and help: gongfu among other tools."""

from __future__ import annotations

import json
import os
import re
import subprocess
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from gongfu_cli.cli.app import app
from gongfu_cli.rendering.pictures import PICTURE_WIDTH
from gongfu_cli.store.paths import bundled_data
from gongfu_cli.store.schema import SCHEMA
from tests.builders import hostile_file
from tests.conftest import REPO, SAMPLE

runner = CliRunner()
SAMPLE_ARGS = ["-d", str(SAMPLE), "--as-of", "2023-01-01"]


def ok(*args: str, env: dict[str, str] | None = None) -> str:
    result = runner.invoke(app, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result.stdout


# --save ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command", [["list"], ["progress", "alpha"], ["history", "alpha"], ["rank"]]
)
def test_save_writes_svg_html_and_text(tmp_path: Path, command: list[str]) -> None:
    # on a terminal as wide as a picture is laid out (PICTURE_WIDTH), both show the same
    wide = {"COLUMNS": str(PICTURE_WIDTH)}
    shown = ok(*command, *SAMPLE_ARGS, "--save", str(tmp_path / "out.txt"), env=wide)
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == shown  # still printed too
    ok(*command, *SAMPLE_ARGS, "--save", str(tmp_path / "out.svg"))
    picture = (tmp_path / "out.svg").read_text(encoding="utf-8")
    assert picture.startswith("<svg") and "阿尔法" in picture
    assert 'url("http' not in picture and "cdnjs" not in picture  # no fonts from elsewhere
    ok(*command, *SAMPLE_ARGS, "--save", str(tmp_path / "out.html"))
    page = (tmp_path / "out.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page
    assert "<script" not in page and "src=" not in page and "<link" not in page


def test_terminal_theme_spans_are_as_wide_as_their_cells(tmp_path: Path) -> None:
    ok("list", *SAMPLE_ARGS, "--theme", "terminal", "--save", str(tmp_path / "list.svg"))
    spans = re.findall(
        r'textLength="([0-9.]+)"[^>]*>([^<]+)</text>',
        (tmp_path / "list.svg").read_text(encoding="utf-8"),
    )
    widths = {}
    for length, text in spans:
        import html

        from rich.cells import cell_len

        content = html.unescape(text)
        if cell_len(content):
            widths[content] = float(length) / cell_len(content)
    assert len(set(round(w, 3) for w in widths.values())) == 1  # one cell width for all
    assert any(re.search(r"[\u4e00-\u9fff]", t) for t in widths)


def test_the_light_picture_sets_words_at_their_columns(tmp_path: Path) -> None:
    """Light and borderless, for documents: no window, words (not single characters) placed
    at their terminal columns, numbers anchored at their right edge."""
    import xml.etree.ElementTree as ET

    from gongfu_cli.rendering.pictures import CELL, MARGIN

    ok("list", *SAMPLE_ARGS, "--save", str(tmp_path / "list.svg"))
    root = ET.fromstring((tmp_path / "list.svg").read_text(encoding="utf-8"))
    ns = "{http://www.w3.org/2000/svg}"
    assert root.find(f"{ns}rect").get("fill") == "#ffffff"
    assert root.findall(f".//{ns}circle") == []  # no fake window buttons
    texts = root.findall(f".//{ns}text")
    words = [t.text for t in texts]
    assert "阿尔法" in words and "甲局、乙局" in words  # Chinese set as words, not cells
    for t in texts:
        column = (float(t.get("x")) - MARGIN) / CELL
        assert abs(column - round(column)) < 0.02, (t.text, t.get("x"))
    numbers = [t for t in texts if t.text and t.text.endswith("%")]
    assert numbers and all(t.get("text-anchor") == "end" for t in numbers)
    terminal = tmp_path / "dark.svg"
    ok("list", *SAMPLE_ARGS, "--theme", "terminal", "--save", str(terminal))
    assert "textLength" in terminal.read_text(encoding="utf-8")


def test_save_needs_a_known_extension_and_the_table(tmp_path: Path) -> None:
    for args in (
        ["list", "--save", str(tmp_path / "x.gif")],
        ["list", "-f", "csv", "--save", str(tmp_path / "x.svg")],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, result.output
    assert list(tmp_path.iterdir()) == []


# report ---------------------------------------------------------------------------------------


def test_markdown_report_of_the_sample() -> None:
    out = ok("report", *SAMPLE_ARGS)
    assert out.startswith("# 测试计划 进度报告\n\n截至 2023-01-01\n")
    # Overall attainment: every counted indicator, weighted, clipped, unreported as 0: alpha
    # 0.6 + 2 × 0.5455 + 0.1, beta 1 + 0 + 0.5, gamma 0.6 + 0.4: 4.2909 / 9 (summary's figure).
    assert "- 总体完成率：47.7%（3 趟班车有完成率；全部指标按权重合计，未报送的按 0 计）" in out
    assert "- 状态：逾期 1 · 严重滞后 1 · 无数据 1 · 监测 1" in out
    assert "- 班车：第1批 1 趟 · 第2批 3 趟" in out
    assert "| 1      | 贝塔" in out  # the race, best first
    for heading in (
        "## 阿尔法\n",
        "## 贝塔\n",
        "## 伽马\n",
        "## 德尔塔\n",
    ):
        assert heading in out
    assert "██████░░░░ 60.0%" in out and "第二次报告" in out
    stale = out.split("## 逾期未报的指标")[1]
    assert stale.split("##")[0].strip() == "（无）"  # 2022's figures are due on 2023-01-10
    later = ok("report", "-d", str(SAMPLE), "--as-of", "2023-01-10")
    stale = later.split("## 逾期未报的指标")[1].split("##")[0]
    assert "| 贝塔   | 教师   | 年报       | 2022     | 无" in stale  # nothing for 2022, due today
    assert "阿尔法" not in stale


def test_html_report_is_one_safe_page(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    ok("report", "-d", str(hostile_file(tmp_path)), "--as-of", "2023-06-30", "-o", str(target))
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    assert "<script" not in page and "src=" not in page and "<link" not in page
    assert "[bold red]红[/]" in page and "\x1b" not in page
    assert "@media print" in page


def test_markdown_escapes_user_text(tmp_path: Path) -> None:
    out = ok("report", "-d", str(hostile_file(tmp_path)), "--as-of", "2023-06-30")
    assert r"\[bold red\]红\[/\]" in out
    assert "\x1b" not in out


def test_report_output_must_be_md_html_or_pdf(tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", "-o", str(tmp_path / "r.xlsx")])
    assert result.exit_code == 2 and "'--output'" in result.output
    assert "a report is written as .md, .html, .htm, .pdf or .docx" in result.output
    result = runner.invoke(app, ["report", "--format", "csv"])
    assert result.exit_code == 2 and "a report is written as md, html, pdf or docx, not csv" in (
        result.output
    )


# widths ---------------------------------------------------------------------------------------

VALUES = [
    "60%",
    "100%",
    "1.6",
    "1.66",
    "1.55",
    "50 亿元",
    "150 亿元",
    "60 亿元",
    "12,345 个",
    "60.0%",
    "54.5%",
    "10.0%",
    "50.0%",
    "99.7%",
    "2024-01-04",
    "2023-01-01",
    "2022-12-01",
]


@pytest.mark.parametrize("columns", ["60", "80", "120"])
def test_progress_never_cuts_a_number(columns: str) -> None:
    out = ok("progress", "alpha", *SAMPLE_ARGS, env={"COLUMNS": columns})
    assert max(len(line.rstrip()) for line in out.splitlines()) <= int(columns)
    missing = [v for v in VALUES if v not in out]
    assert missing == []
    assert "…" not in out


# schema ---------------------------------------------------------------------------------------


def as_json(value: Any) -> Any:
    """TOML values as a JSON document holds them (dates as ISO strings), as editors see them."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def validator() -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.FormatChecker())


def test_schema_command_prints_the_schema() -> None:
    assert json.loads(ok("schema")) == SCHEMA
    jsonschema.Draft7Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("path", [bundled_data(), SAMPLE], ids=["bundled", "sample"])
def test_valid_files_pass_the_schema(path: Path) -> None:
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    assert list(validator().iter_errors(as_json(doc))) == []


def test_the_schema_takes_the_follow_up_settings() -> None:
    doc = as_json(tomllib.loads(SAMPLE.read_text(encoding="utf-8")))
    rules = [{"light": "missing", "streak": 2, "action": "通报"}]
    doc["program"].update(report_days=0, meeting="quarterly", reply_days=5, escalation=rules)
    assert list(validator().iter_errors(doc)) == []


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d["buses"][0].update(colour="red"), "colour"),
        (lambda d: d["buses"][0]["indicators"][0].update(target="100"), "target"),
        (lambda d: d["buses"][0]["indicators"][0].update(weight=0), "weight"),
        (lambda d: d["buses"][0].pop("field"), "field"),
        (lambda d: d["buses"][0].update(id="Bad Id"), "id"),
        (lambda d: d["readings"][0].update(date="30/06/2023"), "date"),
        (lambda d: d["buses"][0].update(lead=[]), "lead"),
        (lambda d: d["program"].update(report_days=-1), "report_days"),
        (lambda d: d["program"].update(reply_days=367), "reply_days"),
        (lambda d: d["program"].update(reply_days="7"), "reply_days"),
        (lambda d: d["program"].update(meeting="weekly"), "meeting"),
        (lambda d: d["program"].update(escalation=[dict(light="blue", streak=1)]), "light"),
        (lambda d: d["program"].update(escalation=[dict(light="red", streak=0)]), "streak"),
        (lambda d: d["program"].update(escalation=[{"light": "red", "streak": 1}]), "action"),
    ],
)
def test_invalid_files_fail_the_schema(change: Any, where: str) -> None:
    doc = as_json(tomllib.loads(SAMPLE.read_text(encoding="utf-8")))
    change(doc)
    errors = list(validator().iter_errors(doc))
    assert errors, where
    assert any(where in str([*e.path, e.message]) for e in errors)


# completion -----------------------------------------------------------------------------------


def complete(shell: str, words: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "GONGFU_DATA"}
    env["_GONGFU_COMPLETE"] = f"complete_{shell}"
    if shell == "bash":
        env.update(COMP_WORDS=words, COMP_CWORD=str(len(words.split()) - 1))
    else:
        env["_TYPER_COMPLETE_ARGS"] = words
        env["_TYPER_COMPLETE_FISH_ACTION"] = "get-args"
    done = subprocess.run(
        ["gongfu"], env=env, capture_output=True, text=True, encoding="utf-8", check=False
    )
    return done.stdout


def test_bus_names_complete_in_chinese() -> None:
    assert complete("bash", "gongfu progress 乡").split() == ["乡村畅行"]
    assert "xiangcun-changxing" in complete("zsh", "gongfu progress xiang")
    assert "通气行政村覆盖率" in complete("fish", "gongfu record 送气下乡 通")


# colour ---------------------------------------------------------------------------------------


def colours(env: dict[str, str]) -> set[str]:
    out = ok("list", *SAMPLE_ARGS, env=env)
    return set(re.findall(r"\x1b\[[0-9;]*m", out))


def test_colour_conventions() -> None:
    assert colours({}) == set()  # not a terminal
    forced = colours({"CLICOLOR_FORCE": "1", "TERM": "xterm-256color"})
    assert any(";" in code or code[2:4] in ("31", "32", "33") for code in forced)
    for env in ({"CLICOLOR_FORCE": "1", "NO_COLOR": "1"}, {"CLICOLOR_FORCE": "1", "CLICOLOR": "0"}):
        codes = colours({**env, "TERM": "xterm-256color"})
        assert not any(re.search(r"\[(3[0-7]|9[0-7]|38;)", code) for code in codes), env
    assert colours({"CLICOLOR_FORCE": "0"}) == set()


# help -----------------------------------------------------------------------------------------


def commands() -> list[str]:
    import typer.main

    return sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def test_every_command_has_help_with_an_example_and_is_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert len(commands()) >= 10
    for name in commands():
        out = ok(name, "--help")
        assert "Example: gongfu " + name in out, name
        assert f"`gongfu {name}" in readme, name


# samples --------------------------------------------------------------------------------------


def test_docs_samples_are_what_the_documented_commands_make(tmp_path: Path) -> None:
    ok(
        "list",
        "--as-of",
        "2026-11-29",
        "--save",
        str(tmp_path / "list.svg"),
        env={"COLUMNS": "100"},
    )
    ok("report", "--as-of", "2026-11-29", "-o", str(tmp_path / "sample-report.html"))
    ok("report", "--as-of", "2026-11-29", "-o", str(tmp_path / "sample-report.md"))
    for name in ("list.svg", "sample-report.html", "sample-report.md"):
        assert (tmp_path / name).read_bytes() == (REPO / "docs" / name).read_bytes(), name


def test_pre_commit_hook_runs_gongfu_check() -> None:
    text = (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    fields = dict(re.findall(r"^\s*-?\s*(\w+): (.+)$", text, re.M))
    assert fields["id"] == "gongfu-check"
    assert fields["language"] == "python" and fields["pass_filenames"] == "false"
    done = subprocess.run(
        [*fields["entry"].split(), "--data", str(SAMPLE), "--strict", "--as-of", "2022-12-31"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith("no problems\n")


def test_report_adds_movement_changes_summary_and_a_method_note(tmp_path: Path) -> None:
    args = ["-d", str(SAMPLE), "--as-of", "2023-01-01", "--compare", "2022-07-01",
            "--since", "2022-07-01"]  # fmt: skip
    out = ok("report", *args)
    for text in (
        "| 进退 ",
        "进退对比 2022-07-01",
        "## 2022-07-01 以来的变化",
        "### 首次报送（6）",
        "- 班车 阿尔法：无数据 → 严重滞后",
        "## 按牵头单位",
        "## 方法说明",
        "落后序时进度不超过 30 个百分点为滞后",
        "数据截至 2023-01-01",
    ):
        assert text in out, text
    ok("report", *args, "-o", str(tmp_path / "r.html"))
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert (
        "<h2>按牵头单位</h2>" in page
        and "<h2>方法说明</h2>" in page
        and "<h3>首次报送（6）</h3>" in page
    )
    plain = ok("report", "-d", str(SAMPLE), "--as-of", "2023-01-01")
    assert "进退" not in plain and "以来的变化" not in plain and "## 方法说明" in plain
    only = ok("report", "-d", str(SAMPLE), "--as-of", "2023-01-01", "--lead", "丙局")
    assert "## 贝塔\n" in only and "## 阿尔法" not in only
