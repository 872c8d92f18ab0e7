"""The README's examples are real: every `$ command` in a console block is run, in order, in one
shell session, and must print what the README shows.

Set GONGFU_UPDATE_README=1 to write the actual outputs back into the README instead.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from tests.conftest import REPO

README = REPO / "README.md"
BLOCK = re.compile(r"```console\n(.*?)```", re.S)
MARK = "@@gongfu-readme-{}@@"


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


def test_readme_examples_print_what_the_readme_shows(tmp_path: Path) -> None:
    text = README.read_text(encoding="utf-8")
    pairs = examples(text)
    assert len(pairs) >= 10
    (tmp_path / "docs").mkdir()  # where the README's charts are drawn
    outputs = run_session([command for command, _ in pairs], tmp_path)
    assert len(outputs) == len(pairs)
    drawn = sorted(p.name for p in (tmp_path / "docs").iterdir())
    assert drawn == sorted(re.findall(r"--chart docs/(\S+)", text))
    if os.environ.get("GONGFU_UPDATE_README") == "1":
        _rewrite(text, [tidy(o) for o in outputs])
        for name in drawn:
            (REPO / "docs" / name).write_bytes((tmp_path / "docs" / name).read_bytes())
        return
    for (command, expected), actual in zip(pairs, outputs, strict=True):
        assert tidy(actual) == tidy(expected), command
    for name in drawn:  # the pictures in the README are what its commands draw
        assert (tmp_path / "docs" / name).read_bytes() == (REPO / "docs" / name).read_bytes()


def _rewrite(text: str, outputs: list[str]) -> None:
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

    README.write_text(BLOCK.sub(block, text), encoding="utf-8")


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
