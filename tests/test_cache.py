"""The parsed-data cache: used when everything matches, ignored when anything is off."""

from __future__ import annotations

import marshal
import os
from pathlib import Path

import pytest
import tomli_w
from hypothesis import given, settings
from typer.testing import CliRunner

from gongfu_cli import cache
from gongfu_cli.cli import app
from gongfu_cli.load import load_dataset, load_text
from gongfu_cli.model import Dataset
from tests.conftest import SAMPLE
from tests.test_properties import datasets

runner = CliRunner()


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(cache, "MIN_SIZE", 0)  # cache even this small file
    path = tmp_path / "data.toml"
    path.write_bytes(SAMPLE.read_bytes())
    return path


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every real read of the data files."""
    calls: list[Path] = []

    def counting(path: Path) -> Dataset:
        calls.append(path)
        return load_dataset(path)

    monkeypatch.setattr(cache, "load_dataset", counting)
    return calls


def entries() -> list[Path]:
    return sorted(cache.cache_dir().glob("*.entry"))


def test_second_load_comes_from_the_cache(data: Path, loads: list[Path]) -> None:
    first = cache.load(data)
    assert len(entries()) == 1
    assert str(entries()[0]).startswith(os.environ["XDG_CACHE_HOME"])
    assert cache.load(data) == first
    assert len(loads) == 1


def test_a_changed_file_is_read_again(data: Path, loads: list[Path]) -> None:
    cache.load(data)
    data.write_bytes(data.read_bytes().replace(b"value = 60", b"value = 61"))
    dataset = cache.load(data)
    assert len(loads) == 2
    assert dataset.buses[0].indicators[0].readings[1].value == 61


@pytest.mark.parametrize("damage", ["truncate", "garbage", "magic", "group-writable"])
def test_a_damaged_or_foreign_entry_is_ignored(data: Path, loads: list[Path], damage: str) -> None:
    expected = cache.load(data)
    (entry,) = entries()
    raw = entry.read_bytes()
    header = len(cache.MAGIC) + 64
    if damage == "truncate":
        entry.write_bytes(raw[: len(raw) // 2])
    elif damage == "garbage":
        entry.write_bytes(raw[:header] + os.urandom(len(raw) - header))
    elif damage == "magic":
        entry.write_bytes(b"x" + raw[1:])
    else:
        entry.chmod(0o664)
    assert cache.load(data) == expected
    assert len(loads) == 2


def test_switched_off_by_option_and_environment(
    data: Path, loads: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    cache.load(data, use_cache=False)
    assert entries() == []
    monkeypatch.setenv("GONGFU_NO_CACHE", "1")
    cache.load(data)
    assert entries() == []
    monkeypatch.delenv("GONGFU_NO_CACHE")
    result = runner.invoke(app, ["list", "-d", str(data), "--no-cache", "-f", "csv"])
    assert result.exit_code == 0, result.output
    assert entries() == []
    result = runner.invoke(app, ["list", "-d", str(data), "-f", "csv"])
    assert result.exit_code == 0, result.output
    assert len(entries()) == 1


def test_small_files_are_not_cached(tmp_path: Path) -> None:
    path = tmp_path / "small.toml"
    path.write_bytes(SAMPLE.read_bytes())
    cache.load(path)
    assert entries() == []


def test_an_unwritable_cache_directory_only_costs_speed(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = data.parent / "not-a-dir"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert cache.load(data) == load_dataset(data)


@settings(max_examples=40, deadline=None)
@given(datasets())
def test_encoding_round_trips_any_dataset(content: dict) -> None:
    dataset = load_text(tomli_w.dumps(content))
    assert cache.decode(marshal.loads(marshal.dumps(cache.encode(dataset)))) == dataset
