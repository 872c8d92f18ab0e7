"""Everything `check` accepts displays, and everything else is a located error: numbers at the
edge of the range, dates at the ends of the calendar, unreadable and enormous files, and an
error path that stays linear."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from gongfu_cli.store import documents
from gongfu_cli.store.load import load_dataset
from tests.builders import bus_toml, indicator_toml
from tests.conftest import SAMPLE, as_nobody, gongfu

BUS = (
    bus_toml("alpha", "阿尔法", 1, "2022-01-01", field="交通")
    + "\n"
    + indicator_toml("x", "指标", "个", indent="")
    + "{indicator}\n"
)

EVERY_COMMAND = (
    ("list",),
    ("progress", "alpha"),
    ("history", "alpha"),
    ("rank",),
    ("export",),
    ("export", "--level", "readings"),
    ("export", "-f", "json"),
    ("report",),
    ("check",),
    ("followup", "-f", "csv"),
)


def data_file(tmp_path: Path, indicator: str, readings: list[tuple[str, str]] = ()) -> Path:
    text = BUS.format(indicator=indicator)
    for day, value in readings:
        text += f'\n[[readings]]\nbus = "alpha"\nindicator = "x"\ndate = {day}\nvalue = {value}\n'
    path = tmp_path / "data.toml"
    path.write_text(text, encoding="utf-8")
    return path


def run(*args: str) -> subprocess.CompletedProcess[bytes]:
    done = gongfu(*args)
    assert b"Traceback" not in done.stderr, done.stderr.decode()
    return done


@pytest.mark.parametrize(
    ("indicator", "readings", "message"),
    [
        ("target = 100", [("2023-01-01", "1" * 401)], "must lie between -1e15 and 1e15"),
        ("target = 1e16\nbaseline = 10000000000000001", [], "must lie between -1e15 and 1e15"),
        ("target = 100\nweight = 1e308", [], "must lie between -1e15 and 1e15"),
        ("target = 100", [("2023-01-01", "1e308")], "must lie between -1e15 and 1e15"),
        ("target = 100", [("2023-01-01", "9" * 5000)], "thousands of digits"),
        ("target = 1e-12\nbaseline = 0", [], "too close to measure progress"),
    ],
    ids=["401-digits", "target-minus-baseline", "huge-weight", "1e308", "5000-digits", "span"],
)
def test_numbers_outside_the_range_are_located_errors(
    tmp_path: Path, indicator: str, readings: list[tuple[str, str]], message: str
) -> None:
    path = data_file(tmp_path, indicator, readings)
    for command in (("check",), ("list",), ("record", "alpha", "x", "1", "--date", "2023-02-01")):
        done = run(*command, "-d", str(path))
        assert done.returncode == 1
        assert message in done.stdout.decode() + done.stderr.decode()
        assert f"{path}:" in (done.stdout + done.stderr).decode()


@pytest.mark.parametrize(
    "readings",
    [
        [("2023-01-01", "0"), ("2023-06-01", "5e-324")],
        [("2023-01-01", "1e15"), ("2023-06-01", "-1e15")],
        [("2023-01-01", "-1e15"), ("2023-06-01", "1e15"), ("2023-09-01", "0.1")],
    ],
    ids=["tiny", "extremes", "swing"],
)
def test_values_at_the_edges_display_in_every_command(
    tmp_path: Path, readings: list[tuple[str, str]]
) -> None:
    path = data_file(tmp_path, "target = 1e15\nbaseline = -1e15", readings)
    for command in EVERY_COMMAND:
        done = run(*command, "-d", str(path), "--as-of", "2024-01-01")
        assert done.returncode == 0, (command, done.stderr.decode())
    exported = run("export", "-f", "json", "-d", str(path), "--as-of", "2024-01-01").stdout
    assert b"NaN" not in exported and b"Infinity" not in exported
    json.loads(exported)


@pytest.mark.parametrize("as_of", ["0001-01-01", "0001-01-02", "9999-12-31"])
def test_dates_at_the_ends_of_the_calendar(as_of: str) -> None:
    for command in EVERY_COMMAND:
        done = run(*command, "-d", str(SAMPLE), "--as-of", as_of)
        assert done.returncode == 0, (command, done.stderr.decode())


@pytest.mark.parametrize("value", ["1e-400", str(2**53 + 1), "1e16", "-1e16"])
def test_record_refuses_what_loading_would_refuse(tmp_path: Path, value: str) -> None:
    path = data_file(tmp_path, "target = 100")
    before = path.read_bytes()
    done = run("record", "alpha", "x", "--date", "2023-02-01", "-d", str(path), "--", value)
    assert done.returncode == 2
    assert path.read_bytes() == before


def test_a_record_near_the_limit_is_stored_exactly(tmp_path: Path) -> None:
    path = data_file(tmp_path, "target = 1e15")
    exact = 999_999_999_999_999
    assert (
        run("record", "alpha", "x", str(exact), "--date", "2023-02-01", "-d", str(path)).returncode
        == 0
    )
    assert load_dataset(path).buses[0].indicators[0].readings[0].value == exact


def test_a_file_in_a_folder_nobody_may_enter(shared_dir: Path) -> None:
    folder = shared_dir / "closed"
    folder.mkdir()
    path = folder / "data.toml"
    path.write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    folder.chmod(0o700)
    code, out, err = as_nobody("list", "-d", str(path))
    assert code == 1 and out == ""
    assert err.strip() == f"{path}: cannot read: permission denied"


def test_an_unreadable_file_is_a_located_error_and_json_stays_json(shared_dir: Path) -> None:
    path = shared_dir / "secret.toml"
    path.write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    path.chmod(0o600)
    code, out, err = as_nobody("list", "-d", str(path))
    assert (code, out) == (1, "")
    assert err.strip() == f"{path}: cannot read: permission denied"
    code, out, _ = as_nobody("check", "-f", "json", "-d", str(path))
    assert code == 1
    assert json.loads(out) == [
        {"file": str(path), "line": None, "severity": "error",
         "message": "cannot read: permission denied"}
    ]  # fmt: skip


def test_dev_zero_and_files_beyond_the_size_limit_are_refused(tmp_path: Path) -> None:
    limit_mb = documents.MAX_SIZE // (1024 * 1024)
    done = run("list", "-d", "/dev/zero")
    assert done.returncode == 1
    assert f"/dev/zero: larger than {limit_mb} MB" in done.stderr.decode()
    sparse = tmp_path / "huge.toml"
    with open(sparse, "wb") as handle:
        handle.truncate(documents.MAX_SIZE + 1)  # sparse: costs no disk
    done = run("check", "-d", str(sparse))
    assert done.returncode == 1 and f"larger than {limit_mb} MB" in done.stdout.decode()


def test_a_fifo_as_data_is_read_like_a_file(tmp_path: Path) -> None:
    done = subprocess.run(
        ["bash", "-c", f'exec "$0" -m gongfu_cli list -f csv -d <(cat "{SAMPLE}")',
         os.environ.get("PYTHON", sys.executable)],
        capture_output=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.startswith(b"bus_id,bus,")


def test_suggestions_are_computed_once_per_distinct_unknown_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A mistyped id repeated in thousands of readings costs one suggestion, not thousands."""
    from gongfu_cli.errors import GongfuError
    from gongfu_cli.store import load_readings as load_module

    calls: list[str] = []
    real = load_module.did_you_mean

    def counting(key: str, allowed: object) -> str:
        calls.append(key)
        return real(key, allowed)  # type: ignore[arg-type]

    monkeypatch.setattr(load_module, "did_you_mean", counting)
    text = BUS.format(indicator="target = 100") + "".join(
        f'\n[[readings]]\nbus = "{"alpah" if k % 2 else "alphx"}"\nindicator = "x"\n'
        f"date = {date(2022, 1, 1).fromordinal(738000 + k)}\nvalue = {k}\n"
        for k in range(3000)
    )
    path = tmp_path / "typo.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GongfuError) as raised:
        load_dataset(path)
    assert len(raised.value.problems) == 3000
    assert sorted(calls) == ["alpah", "alphx"]
    assert 'did you mean "alpha"' in str(raised.value.problems[0])
