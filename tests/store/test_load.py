"""Loading: every mistake in a file is reported with its file and place."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gongfu_cli.cli.app import app
from gongfu_cli.errors import GongfuError
from gongfu_cli.store.load import load_dataset
from tests.builders import BUS
from tests.conftest import DATA

WriteToml = Callable[..., Path]


def problems(path: Path) -> list[str]:
    with pytest.raises(GongfuError) as caught:
        load_dataset(path)
    return caught.value.lines()


def test_minimal_file_loads_with_defaults(write_toml: WriteToml) -> None:
    dataset = load_dataset(write_toml(BUS))
    ind = dataset.buses[0].indicators[0]
    assert (ind.baseline, ind.weight, str(ind.start), str(ind.due)) == (
        0,
        1,
        "2022-01-01",
        "2025-12-31",
    )
    assert dataset.buses[0].lead is None


def test_all_problems_are_reported_not_only_the_first(write_toml: WriteToml) -> None:
    text = BUS.replace("batch = 1", 'batch = "one"').replace("target = 100", "target = 0")
    text += '\n[[readings]]\nbus = "alpha"\nindicator = "coverage"\ndate = 2023-01-01\nvalue = 1\n'
    text += '\n[[readings]]\nbus = "alpah"\nindicator = "coverage"\ndate = 2023-01-01\nvalue = 1\n'
    lines = problems(write_toml(text))
    assert len(lines) == 3
    assert ':4: bus "alpha": key "batch"' in lines[0]
    assert ":13: " in lines[1] and "target equals baseline (0)" in lines[1]
    # The first reading belongs to the broken bus: not reported again. The second is a typo.
    assert (
        ':22: reading #2 (bus "alpah", indicator "coverage"): unknown bus "alpah" '
        '(did you mean "alpha"?)' in lines[2]
    )


def test_duplicate_ids_and_names(write_toml: WriteToml) -> None:
    second = BUS.replace('id = "alpha"', 'id = "beta"')
    lines = problems(write_toml(BUS + "\n" + BUS + "\n" + second))
    assert any('bus "alpha": duplicate bus id' in line for line in lines)
    assert any('bus "beta": duplicate bus name "阿尔法"' in line for line in lines)


def test_duplicate_indicator_id_in_one_bus(write_toml: WriteToml) -> None:
    extra = '\n  [[buses.indicators]]\n  id = "coverage"\n  name = "又一个"\n'
    (line,) = problems(write_toml(BUS + extra))
    assert 'indicator "coverage": duplicate indicator id in this bus' in line
    assert ":16: " in line


def test_missing_file_and_directory_without_data(tmp_path: Path) -> None:
    with pytest.raises(GongfuError, match="no such file"):
        load_dataset(tmp_path / "nope.toml")
    with pytest.raises(GongfuError, match=r"no \*\.toml data file"):
        load_dataset(tmp_path)


INVALID = sorted((DATA / "invalid").glob("*.toml"))


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_each_invalid_file_gives_exactly_its_expected_messages(path: Path) -> None:
    """One file per mistake, its expected `gongfu check` output beside it (`{file}` stands for
    the file's path)."""
    expected = (
        path.with_suffix(".expected").read_text(encoding="utf-8").replace("{file}", str(path))
    )
    result = CliRunner().invoke(app, ["check", "-d", str(path)])
    assert result.exit_code == 1
    assert result.stdout == expected
    assert problems(path) == expected.splitlines()
