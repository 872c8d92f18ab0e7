"""The README's examples are real: every `$ command` in a console block is run, in order, in one
shell session, and must print what the README shows. The pages of docs/ are checked the same way,
one session per page, and every relative link of the README and docs/ must lead somewhere.

Set GONGFU_UPDATE_README=1 to write the actual outputs back into the pages instead.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from urllib.parse import unquote

import pytest

from tests.conftest import REPO

README = REPO / "README.md"
DOCS = REPO / "docs"
BLOCK = re.compile(r"```console\n(.*?)```", re.S)
MARK = "@@gongfu-readme-{}@@"


def documentation() -> list[Path]:
    """The README, then every page of docs/, by name."""
    return [README, *sorted(DOCS.glob("*.md"))]


def checked_pages() -> list[Path]:
    """The pages with examples to run: the README and every page of docs/ with a console block."""
    return [page for page in documentation() if BLOCK.search(page.read_text(encoding="utf-8"))]


def examples(text: str) -> list[tuple[str, str]]:
    """(command, expected output) pairs from every console block, in order."""
    pairs: list[tuple[str, str]] = []
    for block in BLOCK.findall(text):
        for line in block.splitlines():
            if line.startswith("$ "):
                pairs.append((line[2:], ""))
            elif pairs:
                command, expected = pairs[-1]
                pairs[-1] = (command, expected + line + "\n")
    return pairs


def run_session(commands: list[str], cwd: Path) -> list[str]:
    script = "".join(f"echo '{MARK.format(i)}'\n{command}\n" for i, command in enumerate(commands))
    env = {k: v for k, v in os.environ.items() if k not in ("GONGFU_DATA", "NO_COLOR")}
    env.update(COLUMNS="100", TERM="dumb", GONGFU_LANG="en")  # the README's examples are English
    done = subprocess.run(
        ["bash", "-c", script],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,  # where a person sees it: between the commands
        text=True,
        encoding="utf-8",
        stdin=subprocess.DEVNULL,
        check=False,
    )
    parts = re.split(r"@@gongfu-readme-\d+@@\n", done.stdout)
    return parts[1:]


def tidy(output: str) -> str:
    return "\n".join(line.rstrip() for line in output.rstrip().splitlines())


@pytest.mark.parametrize("page", checked_pages(), ids=lambda page: page.name)
def test_the_examples_print_what_the_page_shows(page: Path, tmp_path: Path) -> None:
    text = page.read_text(encoding="utf-8")
    pairs = examples(text)
    assert len(pairs) >= (10 if page == README else 1)
    (tmp_path / "docs").mkdir()  # where the pages' charts are drawn
    outputs = run_session([command for command, _ in pairs], tmp_path)
    assert len(outputs) == len(pairs)
    drawn = sorted(p.name for p in (tmp_path / "docs").iterdir())
    assert drawn == sorted(re.findall(r"--chart docs/(\S+)", text))
    if os.environ.get("GONGFU_UPDATE_README") == "1":
        _rewrite(page, text, [tidy(o) for o in outputs])
        for name in drawn:
            (DOCS / name).write_bytes((tmp_path / "docs" / name).read_bytes())
        return
    for (command, expected), actual in zip(pairs, outputs, strict=True):
        assert tidy(actual) == tidy(expected), command
    for name in drawn:  # the pictures in the pages are what their commands draw
        assert (tmp_path / "docs" / name).read_bytes() == (DOCS / name).read_bytes()


def test_the_moved_examples_are_still_checked() -> None:
    """The README's examples went partly to docs/: all of them still run, and the README keeps
    its session."""
    pages = checked_pages()
    assert pages[0] == README and len(pages) >= 4
    assert sum(len(examples(page.read_text(encoding="utf-8"))) for page in pages) >= 41


def _rewrite(page: Path, text: str, outputs: list[str]) -> None:
    remaining = iter(outputs)

    def block(match: re.Match[str]) -> str:
        lines = []
        for line in match.group(1).splitlines():
            if line.startswith("$ "):
                lines.append(line)
                output = next(remaining)
                if output:
                    lines.append(output)
        return "```console\n" + "\n".join(lines) + "\n```"

    page.write_text(BLOCK.sub(block, text), encoding="utf-8")


def test_setup_commands_come_first_and_ci_runs_exactly_them() -> None:
    first_block = re.search(r"```sh\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert first_block is not None
    commands = first_block.group(1).strip().splitlines()
    assert len(commands) == 2
    assert "venv" in commands[0] and "gongfu list" in commands[0]
    assert "pytest" in commands[1]
    ci_lines = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    for command in commands:
        assert command in ci_lines


# links ----------------------------------------------------------------------------------------

FENCE = re.compile(r"^```.*?^```", re.S | re.M)
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")  # text may span lines


def anchor(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation but `-` and `_` removed (CJK and other
    letters kept), each space a `-`."""
    kept = "".join(ch for ch in heading.strip().lower() if ch.isalnum() or ch in " -_")
    return kept.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    """Every heading's anchor, a repeated one numbered as GitHub numbers it (`x`, `x-1`, …)."""
    found: set[str] = set()
    seen: dict[str, int] = {}
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    for heading in re.findall(r"^#{1,6} +(.+?) *#* *$", text, re.M):
        base = anchor(heading)
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def broken_links(pages: list[Path]) -> list[str]:
    """Each relative link of the pages (outside code) that leads to no file, or to no heading."""
    broken: list[str] = []
    for page in pages:
        text = re.sub(r"`[^`\n]*`", "", FENCE.sub("", page.read_text(encoding="utf-8")))
        for target in LINK.findall(text):
            if re.match(r"[a-z][a-z0-9+.-]*:", target):  # https:, mailto:: not a file here
                continue
            path, _, fragment = unquote(target).partition("#")
            linked = (page.parent / path).resolve() if path else page
            if not linked.exists():
                broken.append(f"{page.name}: {target}: no such file")
            elif fragment and (linked.suffix != ".md" or fragment not in anchors(linked)):
                broken.append(f"{page.name}: {target}: no such heading")
    return broken


# The pages the README leads to for what does not fit in it; each leads back.
REFERENCE = ("collecting", "data-format", "formulas", "columns", "charts", "reports",
             "troubleshooting", "development")  # fmt: skip


def test_every_relative_link_of_the_documentation_leads_to_a_file_and_heading() -> None:
    assert broken_links(documentation()) == []
    readme = FENCE.sub("", README.read_text(encoding="utf-8"))
    for name in REFERENCE:
        assert f"](docs/{name}.md)" in readme, name
        assert "](../README.md" in (DOCS / f"{name}.md").read_text(encoding="utf-8"), name


def test_the_link_check_finds_a_missing_file_and_a_missing_heading(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text(
        "# Checking a file: `gongfu check`\n\n## Languages: 中文 and English\n\n## Notes\n\n"
        "## Notes\n\n[back](../README.md#top) [self](#notes-1)\n",
        encoding="utf-8",
    )
    (tmp_path / "README.md").write_text(
        "# Top\n\n```sh\n# not a heading\n[not a link](nowhere.md)\n```\n\n"
        "[ok](docs/a.md#checking-a-file-gongfu-check) [ok](docs/a.md#languages-中文-and-english)\n"
        "[gone](docs/b.md) [wrong](docs/a.md#not-a-heading) [web](https://example.org/x.md) [two\n"
        "lines](docs/c.md#x) [0, 1] and (2, 3)\n"
        "![picture](docs/a.md#notes) `[code](nowhere.md)` [code heading](#not-a-heading)\n",
        encoding="utf-8",
    )
    pages = [tmp_path / "README.md", tmp_path / "docs" / "a.md"]
    assert broken_links(pages) == [
        "README.md: docs/b.md: no such file",
        "README.md: docs/a.md#not-a-heading: no such heading",
        "README.md: docs/c.md#x: no such file",
        "README.md: #not-a-heading: no such heading",
    ]


def test_anchors_follow_githubs_rule() -> None:
    assert anchor("The cycle: 申报、发车、赛马、迭代") == "the-cycle-申报发车赛马迭代"
    assert anchor("Languages: 中文 and English") == "languages-中文-and-english"
    assert anchor("What `import` reads") == "what-import-reads"
    assert anchor("The meeting's record: the 通报") == "the-meetings-record-the-通报"
    assert anchor("snake_case and a-dash") == "snake_case-and-a-dash"
