"""Outputs never land on an input: every command that writes refuses an `-o`, `--save` or
`--chart` that is a file of the dataset it was given (by its name, a symlink or a hard link), or
a new .toml file in a data directory, whether the data loads or not, before anything is read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gongfu_cli.cli.app import app
from tests.conftest import SAMPLE, gongfu

runner = CliRunner()
BROKEN = '\n[[buses]]\nid = "x"\nname = "坏"\nbatch = "1"\nlaunched = 2022-01-01\nfeild = "交通"\n'

# (command line, option, the format to name when the output is a .toml file)
WRITERS = [
    (["list"], "-o", "csv"),
    (["list"], "--save", None),
    (["progress", "alpha"], "-o", "csv"),
    (["progress", "alpha"], "--save", None),
    (["progress", "alpha"], "--chart", None),
    (["export"], "-o", "csv"),
    (["history", "alpha", "coverage"], "-o", "json"),
    (["history", "alpha", "coverage"], "--save", None),
    (["history", "alpha", "coverage"], "--chart", None),
    (["rank"], "-o", "tsv"),
    (["rank"], "--save", None),
    (["rank"], "--chart", None),
    (["changes", "--since", "2022-07-01"], "-o", "jsonl"),
    (["changes", "--since", "2022-07-01"], "--save", None),
    (["summary"], "-o", "md"),
    (["summary"], "--save", None),
    (["check"], "-o", "json"),
    (["report"], "-o", "md"),
    (["template"], "-o", None),
]
SUFFIX = {"-o": ".csv", "--save": ".svg", "--chart": ".svg"}
TARGETS = ["itself", "symlink", "hard link", "new .toml in the directory"]


def _suffix(command: list[str], option: str) -> str:
    if option == "-o" and command[0] == "report":
        return ".md"
    return SUFFIX[option]


def _dataset(tmp_path: Path, directory: bool, broken: bool) -> tuple[Path, Path]:
    """The data path given to gongfu, and the file of it the output is aimed at."""
    text = SAMPLE.read_text(encoding="utf-8") + (BROKEN if broken else "")
    if not directory:
        data = tmp_path / "data.toml"
        data.write_text(text, encoding="utf-8")
        return data, data
    data = tmp_path / "agencies"
    data.mkdir()
    (data / "00-program.toml").write_text('[program]\nname = "测试"\n', encoding="utf-8")
    aimed = data / "sample.toml"
    aimed.write_text(text.replace('[program]\nname = "测试计划"', ""), encoding="utf-8")
    return data, aimed


def _cases() -> list[object]:
    """Each writer, aimed at each kind of input, in a file dataset and a directory dataset.
    A .toml name is possible only where a format can be named (`-f`); elsewhere it is a
    usage error before anything happens."""
    cases = []
    for command, option, fmt in WRITERS:
        for directory in (False, True):
            for target in TARGETS:
                if fmt is None and target in ("itself", "new .toml in the directory"):
                    continue
                if target == "new .toml in the directory" and not directory:
                    continue
                where = "directory" if directory else "file"
                name = f"{command[0]} {option}-{target}-{where}"
                cases.append(pytest.param(command, option, fmt, target, directory, id=name))
    return cases


@pytest.mark.parametrize("broken", [False, True], ids=["good data", "broken data"])
@pytest.mark.parametrize(("command", "option", "fmt", "target", "directory"), _cases())
def test_no_output_lands_on_a_file_of_the_dataset(
    tmp_path: Path,
    command: list[str],
    option: str,
    fmt: str | None,
    target: str,
    directory: bool,
    broken: bool,
) -> None:
    data, aimed = _dataset(tmp_path, directory, broken)
    files = sorted(data.iterdir()) if directory else [data]
    before = {f: f.read_bytes() for f in files}
    if target in ("itself", "new .toml in the directory"):
        assert fmt is not None
        out = aimed if target == "itself" else data / "new.toml"
        extra = ["-f", fmt]
    else:
        out = tmp_path / f"alias{_suffix(command, option)}"
        (out.symlink_to if target == "symlink" else out.hardlink_to)(aimed)
        extra = []
    args = [*command, option, str(out), *extra, "-d", str(data), "--as-of", "2023-01-01"]
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    if target == "new .toml in the directory":
        assert f"{out}: is in the data directory {data}" in result.stderr
        assert not out.exists()
    else:
        assert f"{out}: is a file of the dataset ({aimed})" in result.stderr
    assert "Traceback" not in result.output
    assert {f: f.read_bytes() for f in files} == before
    if directory:
        assert sorted(data.iterdir()) == files


def test_check_of_broken_data_never_replaces_it_with_the_problems(tmp_path: Path) -> None:
    """The case that reached users: the data has a mistake, `check -o` names the data file."""
    data = tmp_path / "data.toml"
    data.write_text(SAMPLE.read_text(encoding="utf-8") + BROKEN, encoding="utf-8")
    before = data.read_bytes()
    done = gongfu("check", "-d", "data.toml", "-o", "data.toml", "-f", "json", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.decode("utf-8") == (
        "data.toml: is a file of the dataset (data.toml); an output never overwrites the data. "
        "Choose another name\n"
    )
    assert data.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["data.toml"]  # no temporary file left
    # the same problems, written elsewhere
    done = gongfu("check", "-d", "data.toml", "-o", "problems.json", cwd=tmp_path)
    assert done.returncode == 1
    assert b'"severity": "error"' in (tmp_path / "problems.json").read_bytes()


def test_the_bundled_dataset_is_an_input_too(tmp_path: Path) -> None:
    from gongfu_cli.store.paths import bundled_data

    link = tmp_path / "bundled.csv"
    link.symlink_to(bundled_data())
    before = bundled_data().read_bytes()
    for command in (["export"], ["check", "-f", "csv"]):
        result = runner.invoke(app, [*command, "-o", str(link)])
        assert result.exit_code == 1, result.output
        assert "is a file of the dataset" in result.stderr
    assert bundled_data().read_bytes() == before
    assert os.path.islink(link)
