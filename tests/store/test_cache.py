"""The parsed-data cache: used when everything matches, ignored when anything is off."""

from __future__ import annotations

import marshal
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import tomli_w
from hypothesis import given, settings
from typer.testing import CliRunner

from gongfu_cli.cli.app import app
from gongfu_cli.domain.model import Dataset
from gongfu_cli.store import cache
from gongfu_cli.store.load import load_dataset
from tests.builders import datasets
from tests.conftest import ROOT, SAMPLE, gongfu, load_text, nobody

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
    assert cache.unpack(marshal.loads(marshal.dumps(cache.pack(dataset)))) == dataset


def test_encoding_round_trips_the_follow_up_settings() -> None:
    from gongfu_cli.domain.model import Program, Rule

    for rules in ((), (Rule("red", 2, "约谈"), Rule("missing", 1, "催报"))):
        program = Program("计划", None, None, "monthly", 0.2, 0, "quarterly", 3, rules)
        dataset = load_dataset(SAMPLE)._replace(program=program)
        assert cache.unpack(marshal.loads(marshal.dumps(cache.pack(dataset)))) == dataset


# A cache that can be trusted ------------------------------------------------------------------


def test_a_cache_directory_open_to_others_is_not_used(data: Path, loads: list[Path]) -> None:
    cache.load(data)
    cache.cache_dir().chmod(0o755)
    cache.load(data)
    cache.load(data)
    assert len(loads) == 3  # every load reads the file: the open directory is not trusted
    cache.cache_dir().chmod(0o700)
    cache.load(data)
    assert len(loads) == 3


@pytest.mark.skipif(not ROOT, reason="only root can give a directory away")
def test_a_cache_directory_owned_by_someone_else_is_not_used(data: Path, loads: list[Path]) -> None:
    cache.load(data)
    os.chown(cache.cache_dir(), nobody().pw_uid, nobody().pw_gid)
    cache.load(data)
    assert len(loads) == 2


def test_a_fifo_in_place_of_an_entry_never_hangs(data: Path) -> None:
    cache.load(data)  # makes the directory
    (entry,) = entries()
    entry.unlink()
    os.mkfifo(entry)
    done = subprocess.run(
        [sys.executable, "-c",
         "import sys; from pathlib import Path; from gongfu_cli.store import cache; "
         "cache.MIN_SIZE = 0; print(len(cache.load(Path(sys.argv[1])).buses))", str(data)],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "4"


def test_an_edit_that_keeps_size_and_mtime_is_seen(data: Path) -> None:
    first = cache.load(data)
    st = data.stat()
    text = data.read_bytes().replace(b"value = 60", b"value = 61")
    assert len(text) == st.st_size
    data.write_bytes(text)
    os.utime(data, ns=(st.st_atime_ns, st.st_mtime_ns))  # as `cp -p` or a careful tool does
    assert data.stat().st_mtime_ns == st.st_mtime_ns and data.stat().st_size == st.st_size
    second = cache.load(data)
    assert second != first
    assert second.buses[0].indicators[0].readings[1].value == 61


def test_old_entries_are_pruned(data: Path, tmp_path: Path) -> None:
    cache.load(data)
    directory = cache.cache_dir()
    stale = directory / ("0" * 64 + ".entry")
    stale.write_bytes(b"old")
    month_ago = time.time() - 31 * 86400
    os.utime(stale, (month_ago, month_ago))
    other = tmp_path / "other.toml"
    other.write_bytes(data.read_bytes() + b"\n# another file\n")
    cache.load(other)  # writing an entry prunes
    assert not stale.exists()
    assert len(entries()) == 2


def test_entries_beyond_the_size_limit_go_oldest_first(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache.load(data)
    (first,) = entries()
    os.utime(first, (time.time() - 3600, time.time() - 3600))
    monkeypatch.setattr(cache, "MAX_TOTAL", first.stat().st_size + 10)
    other = tmp_path / "other.toml"
    other.write_bytes(data.read_bytes() + b"\n# another file\n")
    cache.load(other)
    assert not first.exists() and len(entries()) == 1


def test_a_relative_xdg_cache_home_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    path.write_bytes(SAMPLE.read_bytes() + b"#" * cache.MIN_SIZE)
    home = tmp_path / "home"
    home.mkdir()
    done = gongfu("list", "-d", str(path), cwd=tmp_path,
                  env={"XDG_CACHE_HOME": "~/x", "HOME": str(home)})  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "~").exists()
    assert list((home / ".cache" / "gongfu").glob("*.entry"))


def _retyped(entry: Path, change) -> None:
    """Rewrite a real entry with its header intact and one field of its data replaced."""
    raw = entry.read_bytes()
    header = len(cache.MAGIC) + 64
    data = marshal.loads(raw[header:])
    entry.write_bytes(raw[:header] + marshal.dumps(change(data)))


def _reading_value(data: tuple, value: object) -> tuple:
    program, files, buses = data
    bus = list(buses[0])
    indicator = list(bus[9][0])
    reading = list(indicator[8][0])
    reading[1] = value
    indicator[8] = (tuple(reading), *indicator[8][1:])
    bus[9] = (tuple(indicator), *bus[9][1:])
    return (program, files, (tuple(bus), *buses[1:]))


def _bus_field(data: tuple, index: int, value: object) -> tuple:
    program, files, buses = data
    bus = list(buses[0])
    bus[index] = value
    return (program, files, (tuple(bus), *buses[1:]))


@pytest.mark.parametrize(
    "change",
    [
        lambda d: _reading_value(d, "60"),  # a figure as text
        lambda d: _reading_value(d, None),
        lambda d: _bus_field(d, 1, 42),  # a bus name as a number
        lambda d: _bus_field(d, 5, "市建设局"),  # the leads as one string, not a tuple
        lambda d: _bus_field(d, 9, [1, 2]),  # indicators as a list of numbers
        lambda d: (d[0], d[1], (("x",),)),  # a bus of the wrong length
        lambda d: (("a", None, None, None, "0.3"), d[1], d[2]),  # lag tolerance as text
    ],
    ids=["value-text", "value-none", "name-int", "leads-str", "indicators", "short", "lag"],
)
def test_a_wrongly_typed_entry_is_ignored_and_rebuilt(data: Path, change) -> None:
    data.write_bytes(data.read_bytes() + b"#" * cache.MIN_SIZE)  # cached by a real run too
    expected = runner.invoke(app, ["list", "-d", str(data), "-f", "csv"])
    assert expected.exit_code == 0, expected.output
    (entry,) = entries()
    _retyped(entry, change)
    done = gongfu("list", "-d", str(data), "-f", "csv",
                  env={"XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"]})  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    assert b"Traceback" not in done.stderr
    assert done.stdout.decode() == expected.stdout
    assert cache.load(data) == load_dataset(data)  # the entry was written anew, and is right
