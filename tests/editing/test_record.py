"""`init` and `record`: new readings land safely, the original bytes never change."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gongfu_cli.cli.app import app
from gongfu_cli.editing.record import record
from gongfu_cli.errors import GongfuError
from gongfu_cli.store import files
from gongfu_cli.store.load import load_dataset
from gongfu_cli.store.paths import bundled_data
from tests.builders import COMMENTED
from tests.conftest import SAMPLE

runner = CliRunner()


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    path = tmp_path / "buses.toml"
    path.write_text(COMMENTED, encoding="utf-8")
    return path


def invoke(*args: str) -> object:
    return runner.invoke(app, list(args))


def test_record_appends_and_keeps_the_original_bytes_as_prefix(data_file: Path) -> None:
    before = data_file.read_bytes()
    result = invoke(
        "record",
        "alpha",
        "覆盖",
        "55.5",
        "--date",
        "2023-01-01",
        "--source",
        "半年报",
        "--note",
        'say "hi"',
        "-d",
        str(data_file),
        "--as-of",
        "2023-01-01",
    )
    assert result.exit_code == 0, result.output
    after = data_file.read_bytes()
    assert after.startswith(before)
    assert after[len(before) :].decode("utf-8") == (
        '\n\n[[readings]]\nbus = "alpha"\nindicator = "coverage"\ndate = 2023-01-01\n'
        'value = 55.5\nsource = "半年报"\nnote = "say \\"hi\\""\n'
    )
    values = [r.value for r in load_dataset(data_file).buses[0].indicators[0].readings]
    assert values == [40, 55.5]
    assert "recorded: 阿尔法 · 覆盖率 = 55.5% on 2023-01-01" in result.stdout
    assert "attainment 55.5% · status on_track (正常)" in result.stdout


def test_record_keeps_crlf_line_ends(tmp_path: Path) -> None:
    path = tmp_path / "crlf.toml"
    path.write_bytes(COMMENTED.replace("\n", "\r\n").encode("utf-8") + b"\r\n")
    before = path.read_bytes()
    record(path, "alpha", "coverage", 60, date(2023, 1, 1))
    after = path.read_bytes()
    assert after.startswith(before)
    assert b"\n" not in after[len(before) :].replace(b"\r\n", b"")


def test_several_records_in_a_row_all_load(data_file: Path) -> None:
    before = data_file.read_bytes()
    for day, value in [(date(2022, 8, 1), 41), (date(2022, 9, 1), 42), (date(2022, 10, 1), 43)]:
        record(data_file, "alpha", "coverage", value, day)
    assert data_file.read_bytes().startswith(before)
    readings = load_dataset(data_file).buses[0].indicators[0].readings
    assert [r.value for r in readings] == [40, 41, 42, 43]


def test_dry_run_writes_nothing(data_file: Path) -> None:
    before = data_file.read_bytes()
    result = invoke(
        "record",
        "alpha",
        "coverage",
        "70",
        "--date",
        "2023-01-01",
        "--dry-run",
        "-d",
        str(data_file),
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("would record: 阿尔法 · 覆盖率 = 70% on 2023-01-01")
    assert data_file.read_bytes() == before


def test_second_reading_on_a_date_is_refused_with_its_place(data_file: Path) -> None:
    before = data_file.read_bytes()
    result = invoke(
        "record", "alpha", "coverage", "70", "--date", "2022-07-01", "-d", str(data_file)
    )
    assert result.exit_code == 1
    assert (
        f'bus "alpha", indicator "coverage" already has a reading on 2022-07-01 '
        f"(value 40, at {data_file}:19); to correct it, add --replace"
    ) in result.stderr
    assert data_file.read_bytes() == before


def test_future_date_is_refused(data_file: Path) -> None:
    result = invoke(
        "record", "alpha", "coverage", "70", "--date", "2999-01-01", "-d", str(data_file)
    )
    assert result.exit_code == 1
    assert "is in the future" in result.stderr


@pytest.mark.parametrize("value", ["abc", "nan", "inf", "1,00", "1e16", "1e-400", "85‰"])
def test_value_must_be_a_finite_number(data_file: Path, value: str) -> None:
    result = invoke("record", "alpha", "coverage", value, "-d", str(data_file))
    assert result.exit_code == 2
    assert "Usage:" in result.output


def test_unknown_indicator_lists_the_bus_indicators(data_file: Path) -> None:
    result = invoke("record", "alpha", "收入", "1", "-d", str(data_file))
    assert result.exit_code == 1
    assert 'no indicator matches "收入"; the indicators are:\n  coverage  覆盖率' in result.stderr


def test_bundled_dataset_is_never_written() -> None:
    before = bundled_data().read_bytes()
    result = invoke("record", "乡村畅行", "景点", "50", "--date", "2023-01-01")
    assert result.exit_code == 1
    assert "is the bundled dataset" in result.stderr
    assert "gongfu init my-buses.toml" in result.stderr
    assert bundled_data().read_bytes() == before


def test_permissions_are_kept(data_file: Path) -> None:
    data_file.chmod(0o640)
    record(data_file, "alpha", "coverage", 50, date(2022, 12, 1))
    assert stat.S_IMODE(data_file.stat().st_mode) == 0o640


def test_failure_between_write_and_rename_leaves_the_original(
    data_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = data_file.read_bytes()

    def broken_replace(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", broken_replace)
    with pytest.raises(GongfuError, match=r"(?i)no space left on device"):
        record(data_file, "alpha", "coverage", 50, date(2022, 12, 1))
    assert data_file.read_bytes() == before
    leftovers = [p.name for p in data_file.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_a_result_that_would_not_load_is_not_written(
    data_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gongfu_cli.editing import apply as changes

    before = data_file.read_bytes()
    monkeypatch.setattr(
        changes, "appended", lambda original, tables: original + b"\n[[readings]]\nbus = 1\n"
    )
    with pytest.raises(GongfuError) as caught:
        record(data_file, "alpha", "coverage", 50, date(2022, 12, 1))
    assert any('key "bus": expected a string' in line for line in caught.value.lines())
    assert data_file.read_bytes() == before


def test_concurrent_records_all_land(data_file: Path) -> None:
    env = {**os.environ, "GONGFU_DATA": str(data_file)}
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gongfu_cli",
                "record",
                "alpha",
                "coverage",
                str(day),
                "--date",
                f"2023-01-{day:02d}",
                "--as-typed",  # 1% is meant: not a fraction of 100%
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for day in range(1, 21)
    ]
    errors = [p.communicate()[1] for p in processes]
    assert [p.returncode for p in processes] == [0] * 20, errors
    readings = load_dataset(data_file).buses[0].indicators[0].readings
    assert len(readings) == 21
    assert sorted(r.value for r in readings[1:]) == list(range(1, 21))
    assert data_file.read_text(encoding="utf-8").startswith(COMMENTED)


def test_record_goes_to_the_file_that_defines_the_bus(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(COMMENTED, encoding="utf-8")
    other = COMMENTED.replace('"alpha"', '"beta"').replace("阿尔法", "贝塔")
    other = other.replace('[program]\nname   =   "测试"   # trailing comment\n', "")
    (tmp_path / "b.toml").write_text(other, encoding="utf-8")
    before_a = (tmp_path / "a.toml").read_bytes()
    done = record(tmp_path, "beta", "coverage", 50, date(2022, 12, 1))
    assert done.file == tmp_path / "b.toml"
    assert (tmp_path / "a.toml").read_bytes() == before_a
    assert len(load_dataset(tmp_path).buses[1].indicators[0].readings) == 2


def test_init_copies_the_bundled_dataset_and_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "mine.toml"
    result = invoke("init", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_bytes() == bundled_data().read_bytes()
    assert f"export GONGFU_DATA={target}" in result.stdout
    target.write_text("mine", encoding="utf-8")
    result = invoke("init", str(target))
    assert result.exit_code == 1
    assert "already exists" in result.stderr
    assert target.read_text(encoding="utf-8") == "mine"


def test_init_empty_is_a_valid_commented_template(tmp_path: Path) -> None:
    target = tmp_path / "new.toml"
    assert invoke("init", str(target), "--empty").exit_code == 0
    text = target.read_text(encoding="utf-8")
    assert text.count("#") > 10
    dataset = load_dataset(target)
    assert [b.id for b in dataset.buses] == ["example-bus"]
    result = invoke(
        "record", "example", "coverage", "45", "--date", "2023-06-30", "-d", str(target)
    )
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").startswith(text)


def test_record_into_a_copy_of_the_sample(tmp_path: Path) -> None:
    copy = tmp_path / "sample.toml"
    copy.write_bytes(SAMPLE.read_bytes())
    done = record(copy, "贝塔", "教师", 150, date(2022, 12, 31))
    assert done.indicator.readings[-1].value == 150


def test_a_killed_record_leaves_the_old_file_or_the_new_one(tmp_path: Path) -> None:
    import signal
    import time

    lines = [COMMENTED, "\n"]
    for day in range(3000):  # enough readings that a record takes a noticeable while
        when = date(2000, 1, 1) + timedelta(days=day)
        lines.append(
            f'\n[[readings]]\nbus = "alpha"\nindicator = "coverage"\ndate = {when}\nvalue = {day}\n'
        )
    path = tmp_path / "big.toml"
    path.write_text("".join(lines), encoding="utf-8")
    env = {**os.environ, "GONGFU_DATA": str(path)}
    for attempt in range(8):
        before = path.read_bytes()
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gongfu_cli",
                "record",
                "alpha",
                "coverage",
                "1",
                "--date",
                f"2023-02-{attempt + 1:02d}",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(0.05 + 0.08 * attempt)
        process.send_signal(signal.SIGKILL)
        process.wait()
        after = path.read_bytes()
        assert after == before or (
            after.startswith(before)
            and after.count(b"[[readings]]") == before.count(b"[[readings]]") + 1
        )
        load_dataset(path)  # loads either way
