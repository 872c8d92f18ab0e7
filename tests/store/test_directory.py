"""A data directory: every *.toml file in it, in name order, is one dataset."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gongfu_cli.cli.app import app
from gongfu_cli.errors import GongfuError
from gongfu_cli.store.load import load_dataset
from tests.builders import bus_toml, bus_with, indicator_toml
from tests.conftest import as_nobody, gongfu, nobody

runner = CliRunner()

PROGRAM = '[program]\nname = "分散维护"\n'
JIAOTONG = bus_with(
    bus_toml("xiangcun-changxing", "乡村畅行", due=None, lead="市交通运输局"),
    indicator_toml("scenic-bus-access", "乡村A级以上景点公交通达率", "%", 100),
)
JIANSHE = """\
[[buses]]
id = "songqi-xiaxiang"
name = "送气下乡"
batch = 2
launched = 2022-01-04
due = 2025-12-31
lead = "市建设局"
field = "燃气"

  [[buses.indicators]]
  id = "village-gas-coverage"
  name = "通气行政村覆盖率"
  unit = "%"
  target = 70

# a reading of the other agency's bus may sit here too
[[readings]]
bus = "xiangcun-changxing"
indicator = "scenic-bus-access"
date = 2023-06-30
value = 80
"""


@pytest.fixture
def huzhou(tmp_path: Path) -> Path:
    folder = tmp_path / "huzhou"
    folder.mkdir()
    (folder / "00-program.toml").write_text(PROGRAM, encoding="utf-8")
    (folder / "jiaotong.toml").write_text(JIAOTONG, encoding="utf-8")
    (folder / "jianshe.toml").write_text(JIANSHE, encoding="utf-8")
    (folder / "notes.txt").write_text("not data", encoding="utf-8")
    return folder


def test_files_are_read_in_name_order_as_one_dataset(huzhou: Path) -> None:
    dataset = load_dataset(huzhou)
    assert dataset.program.name == "分散维护"
    assert [b.id for b in dataset.buses] == ["songqi-xiaxiang", "xiangcun-changxing"]
    assert [Path(f).name for f in dataset.files] == [
        "00-program.toml",
        "jianshe.toml",
        "jiaotong.toml",
    ]
    assert dataset.buses[1].indicators[0].readings[0].value == 80


def test_commands_take_a_directory(huzhou: Path) -> None:
    result = runner.invoke(app, ["list", "-d", str(huzhou), "-f", "csv", "--as-of", "2023-06-30"])
    assert result.exit_code == 0, result.output
    assert (
        "xiangcun-changxing,乡村畅行,2,市交通运输局,交通,2022-01-04,,1,0.8,,in_progress"
        in result.stdout
    )
    result = runner.invoke(app, ["list", "-f", "csv"], env={"GONGFU_DATA": str(huzhou)})
    assert result.exit_code == 0 and "送气下乡" in result.stdout


def test_ids_and_names_are_unique_across_files(huzhou: Path) -> None:
    (huzhou / "zz-copy.toml").write_text(JIAOTONG, encoding="utf-8")
    with pytest.raises(GongfuError) as caught:
        load_dataset(huzhou)
    lines = caught.value.lines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{huzhou / 'zz-copy.toml'}:2: ")
    assert f"duplicate bus id (first defined in {huzhou / 'jiaotong.toml'})" in lines[0]
    assert "duplicate bus name" in lines[1]


def test_program_at_most_once(huzhou: Path) -> None:
    (huzhou / "zz-program.toml").write_text(PROGRAM, encoding="utf-8")
    with pytest.raises(GongfuError) as caught:
        load_dataset(huzhou)
    (line,) = caught.value.lines()
    assert line.startswith(f"{huzhou / 'zz-program.toml'}:1: [program] is given again")


def test_errors_name_their_own_file(huzhou: Path) -> None:
    (huzhou / "jianshe.toml").write_text(
        JIANSHE.replace("value = 80", 'value = "80"'), encoding="utf-8"
    )
    result = runner.invoke(app, ["check", "-d", str(huzhou)])
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{huzhou / 'jianshe.toml'}:21: reading #1")


def test_check_checks_every_file(huzhou: Path) -> None:
    result = runner.invoke(app, ["check", "-d", str(huzhou), "--as-of", "2023-07-01"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == (
        f"{huzhou}: 2 buses, 2 indicators, 1 readings; 1 warning(s)"
    )
    assert f"{huzhou / 'jianshe.toml'}:10: warning: " in result.stdout


def test_record_appends_to_the_file_that_defines_the_bus(huzhou: Path) -> None:
    before = {p.name: p.read_bytes() for p in huzhou.iterdir()}
    result = runner.invoke(
        app, ["record", "乡村畅行", "景点", "90", "--date", "2024-06-30", "-d", str(huzhou)]
    )
    assert result.exit_code == 0, result.output
    after = {p.name: p.read_bytes() for p in huzhou.iterdir() if not p.name.startswith(".")}
    changed = [name for name in before if before[name] != after[name]]
    assert changed == ["jiaotong.toml"]
    assert after["jiaotong.toml"].startswith(before["jiaotong.toml"])


# A *.toml entry that is not a readable data file ----------------------------------------------


def _dangling(folder: Path) -> Path:
    link = folder / "moved.toml"
    link.symlink_to(folder / "gone" / "moved.toml")
    return link


def _fifo(folder: Path) -> Path:
    fifo = folder / "pipe.toml"
    os.mkfifo(fifo)
    return fifo


def _device(folder: Path) -> Path:
    link = folder / "null.toml"
    link.symlink_to("/dev/null")
    return link


def _folder(folder: Path) -> Path:
    inner = folder / "archive.toml"
    inner.mkdir()
    (inner / "old.toml").write_text(JIAOTONG, encoding="utf-8")
    return inner


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (_dangling, "a symbolic link to"),
        (_fifo, "a named pipe (FIFO), not a regular file"),
        (_device, "a device, not a regular file"),
        (_folder, "a directory named like a data file"),
    ],
    ids=["dangling-symlink", "fifo", "device", "directory"],
)
def test_an_entry_that_is_no_data_file_is_an_error_naming_it(
    huzhou: Path, make: Callable[[Path], Path], says: str
) -> None:
    entry = make(huzhou)
    for args in (["list"], ["check"], ["record", "乡村畅行", "乡村A级以上景点公交通达率", "90",
                                       "--date", "2023-12-31"]):  # fmt: skip
        done = gongfu(*args, "-d", str(huzhou), timeout=30)
        err = done.stderr.decode()
        said = (done.stdout if args == ["check"] else done.stderr).decode()  # check: stdout
        assert done.returncode == 1, (args, err)
        assert f"{entry}: {says}" in said, (args, said)
        assert "Traceback" not in err
    assert "value = 90" not in (huzhou / "jiaotong.toml").read_text(encoding="utf-8")


def test_an_unreadable_entry_is_an_error_naming_it(shared_dir: Path) -> None:
    for name, text in (("jiaotong.toml", JIAOTONG), ("jianshe.toml", JIANSHE)):
        (shared_dir / name).write_text(text, encoding="utf-8")
        (shared_dir / name).chmod(0o644)
    secret = shared_dir / "jianshe.toml"
    secret.chmod(0o600)  # root's; nobody may not read it
    code, out, err = as_nobody("list", "-d", str(shared_dir), "-f", "csv")
    assert code == 1, out
    assert f"{secret}: cannot read: permission denied" in err, err
    assert out == ""  # not a list with that agency's buses silently missing


def test_a_reader_holding_the_folders_lock_stalls_no_writer_past_wait(shared_dir: Path) -> None:
    from tests.processes import holder as _holder

    for name, text in (("jiaotong.toml", JIAOTONG), ("jianshe.toml", JIANSHE)):
        (shared_dir / name).write_text(text, encoding="utf-8")
    before = {p.name: p.read_bytes() for p in shared_dir.iterdir()}
    holder = _holder(shared_dir, "sh", nobody().pw_uid)  # a folder is locked like a file
    try:
        done = gongfu("record", "乡村畅行", "乡村A级以上景点公交通达率", "90", "--date",
                      "2023-12-31", "--wait", "1", "-d", str(shared_dir), timeout=60)  # fmt: skip
    finally:
        holder.stop()
    err = done.stderr.decode()
    assert done.returncode == 1, err
    assert (
        f"{shared_dir}: the data folder is locked by another program (process {holder.pid}" in err
    )
    assert {p.name: p.read_bytes() for p in shared_dir.iterdir()} == before
