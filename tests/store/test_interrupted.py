"""A change to several files lands whole, or not at all, whatever stops it: the command is
killed (SIGKILL, SIGTERM, Ctrl-C) at every step of its write, in a real process, and the next
command finds the data entirely old or entirely new, loadable, with nothing left behind. And a
file edited meanwhile, even one the change only read, makes it start over."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from gongfu_cli.store.load import load_dataset
from tests.builders import COVERAGE, GAS_BUS, RIDERS, ROADS_BUS, bus_with
from tests.conftest import as_nobody, gongfu
from tests.processes import wait_stopped as _wait_stopped

GAS = (
    '[program]\nname = "两个文件"\n\n'
    + bus_with(GAS_BUS, COVERAGE)
    + '\n[[readings]]\nbus = "gas"\nindicator = "coverage"\ndate = 2023-12-31\nvalue = 40\n'
)
ROADS = bus_with(ROADS_BUS, RIDERS)
OLD = {("gas", "coverage", "2023-12-31", 40)}
NEW = OLD | {("gas", "coverage", "2024-06-30", 50), ("roads", "riders", "2024-06-30", 9)}
DATA_FILES = ["a.toml", "b.toml"]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    (path / "a.toml").write_text(GAS, encoding="utf-8")
    (path / "b.toml").write_text(ROADS, encoding="utf-8")
    return path


@pytest.fixture
def sheet(tmp_path: Path) -> Path:
    path = tmp_path / "in.csv"
    path.write_text("班车,指标,日期,数值\ngas,coverage,2024-06-30,50\nroads,riders,2024-06-30,9\n",
                    encoding="utf-8")  # fmt: skip
    return path


def readings(folder: Path) -> set[tuple[str, str, str, float]]:
    return {
        (b.id, i.id, str(r.date), r.value)
        for b in load_dataset(folder).buses
        for i in b.indicators
        for r in i.readings
    }


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in DATA_FILES)


def test_the_hook_is_inert_unless_set(folder: Path, sheet: Path) -> None:
    done = gongfu("import", str(sheet), "-d", str(folder))
    assert done.returncode == 0, done.stderr.decode()
    assert readings(folder) == NEW and leftovers(folder) == []


@pytest.mark.parametrize("sig", ["KILL", "TERM", "INT"])
def test_killed_at_every_step_the_data_is_old_or_new_and_loads(
    tmp_path: Path, folder: Path, sheet: Path, sig: str
) -> None:
    pristine = tmp_path / "pristine"
    shutil.copytree(folder, pristine)
    outcomes = []
    for step in range(1, 40):
        shutil.rmtree(folder)
        shutil.copytree(pristine, folder)
        done = gongfu("import", str(sheet), "-d", str(folder),
                      env={"GONGFU_TEST_SIGNAL": f"{step}:{sig}"})  # fmt: skip
        if done.returncode == 0:  # past the last step: the signal was never sent
            assert readings(folder) == NEW
            break
        assert b"Traceback" not in done.stderr, done.stderr.decode()
        if sig == "KILL":
            assert done.returncode == -signal.SIGKILL
        else:  # SIGTERM and Ctrl-C clean up before the process ends
            assert done.returncode in (-signal.SIGTERM, 130), done.stderr.decode()
            assert leftovers(folder) == [], (step, leftovers(folder))
        left = leftovers(folder)
        after = gongfu("list", "-d", str(folder), "-f", "csv")
        told = after.stderr.decode()
        assert after.returncode == 0, told
        assert leftovers(folder) == []  # the journal and anything staged are gone
        state = readings(folder)
        assert state in (OLD, NEW), (step, state)
        if left:
            assert told.count("\n") == 1, told  # one line says what was done
            assert ("finished a change that was interrupted" in told) == (state == NEW), told
            assert ("undid a change" in told) == (state == OLD), told
        else:
            assert told == ""
        outcomes.append((step, state == NEW, bool(left)))
    else:
        pytest.fail("the write never finished")
    steps = len(outcomes)
    assert steps >= 8, outcomes  # journal, two staged files, check, commit, two renames, done
    news = [new for _, new, _ in outcomes]
    assert news == sorted(news)  # old until the commit, new from then on
    assert True in news and False in news
    if sig == "KILL":  # a journal was left behind, both before and after the commit
        assert {(new, left) for _, new, left in outcomes} >= {(False, True), (True, True)}
    else:  # held off during the renames: the change completed before the process ended
        assert all(not left for _, _, left in outcomes)


def _stopped_import(sheet: Path, folder: Path) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "gongfu_cli", "import", str(sheet), "-d", str(folder)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, "GONGFU_TEST_SIGNAL": "check:STOP"},
    )  # fmt: skip
    _wait_stopped(process.pid)
    return process


def test_a_duplicate_added_to_a_file_only_read_makes_the_change_start_over(
    tmp_path: Path, folder: Path
) -> None:
    """The import writes a.toml only; while it is about to rename, someone adds the same
    reading with another value to b.toml. Written anyway, the data would hold two readings
    for one date and load no more; instead the import plans again and refuses."""
    sheet = tmp_path / "gas.csv"
    sheet.write_text("班车,指标,日期,数值\ngas,coverage,2024-06-30,50\n", encoding="utf-8")
    before = (folder / "a.toml").read_bytes()
    process = _stopped_import(sheet, folder)
    with open(folder / "b.toml", "a", encoding="utf-8") as other:
        other.write('\n[[readings]]\nbus = "gas"\nindicator = "coverage"\n'
                    "date = 2024-06-30\nvalue = 55\n")  # fmt: skip
    os.kill(process.pid, signal.SIGCONT)
    out, err = process.communicate(timeout=120)
    said = err.decode()
    assert process.returncode == 1, (out.decode(), said)
    assert "was changed by another program meanwhile; reading it again" in said
    assert "55" in said and "50" in said  # the reading there now, and the figure refused
    assert (folder / "a.toml").read_bytes() == before
    assert ("gas", "coverage", "2024-06-30", 55) in readings(folder)  # loads, edit kept
    assert leftovers(folder) == []


def test_an_edit_to_a_file_being_written_starts_over_and_keeps_both(
    folder: Path, sheet: Path
) -> None:
    process = _stopped_import(sheet, folder)
    with open(folder / "b.toml", "a", encoding="utf-8") as other:
        other.write("# 交通局 checked this file\n")
    os.kill(process.pid, signal.SIGCONT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0, err.decode()
    assert "reading it again" in err.decode()
    assert readings(folder) == NEW
    assert "# 交通局 checked this file" in (folder / "b.toml").read_text(encoding="utf-8")
    assert leftovers(folder) == []


def test_a_directory_change_where_files_have_no_lock_of_their_own(
    folder: Path, sheet: Path
) -> None:
    """As on Windows (no fcntl, no O_NOFOLLOW): the folder's lock file is inside it and
    removed afterwards; the journal path works the same."""
    from tests.processes import windows

    done = windows("import", str(sheet), "-d", str(folder))
    assert done.returncode == 0, done.stderr
    assert readings(folder) == NEW and leftovers(folder) == []


def test_a_planted_journal_moves_nothing_outside_the_folder(tmp_path: Path, folder: Path) -> None:
    """Only files of the data folder, and each one's own staged name, are ever renamed."""
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    (tmp_path / ".victim.txt.gongfu-staged").write_text("evil", encoding="utf-8")
    st = victim.stat()
    old = [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]
    (folder / ".gongfu-journal").write_text(
        f'gongfu-journal 1\n{{"file": "{victim}", "old": {old}}}\ncommit\n', encoding="utf-8"
    )
    done = gongfu("list", "-d", str(folder), "-f", "csv")
    assert done.returncode == 0, done.stderr.decode()
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert "finished a change that was interrupted" in done.stderr.decode()
    assert readings(folder) == OLD and leftovers(folder) == []


@pytest.mark.parametrize("sig", ["TERM", "INT"])
def test_a_single_file_stopped_before_its_rename_keeps_no_temporary_file(
    tmp_path: Path, sig: str
) -> None:
    path = tmp_path / "data.toml"
    path.write_text(GAS, encoding="utf-8")
    before = path.read_bytes()
    done = gongfu("record", "gas", "coverage", "50", "--date", "2024-06-30", "-d", str(path),
                  env={"GONGFU_TEST_SIGNAL": f"staged:{sig}"})  # fmt: skip
    assert done.returncode in (-signal.SIGTERM, 130), done.stderr.decode()
    assert b"Traceback" not in done.stderr
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.toml"]


def test_a_data_file_added_meanwhile_is_read_before_anything_is_written(
    tmp_path: Path, folder: Path
) -> None:
    sheet = tmp_path / "gas.csv"
    sheet.write_text("班车,指标,日期,数值\ngas,coverage,2024-06-30,50\n", encoding="utf-8")
    before = (folder / "a.toml").read_bytes()
    process = _stopped_import(sheet, folder)
    (folder / "c.toml").write_text('[[readings]]\nbus = "gas"\nindicator = "coverage"\n'
                                   "date = 2024-06-30\nvalue = 55\n", encoding="utf-8")  # fmt: skip
    os.kill(process.pid, signal.SIGCONT)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 1, (out.decode(), err.decode())
    assert "c.toml" in err.decode()  # the reading found there is named with its place
    assert (folder / "a.toml").read_bytes() == before
    assert ("gas", "coverage", "2024-06-30", 55) in readings(folder)
    assert sorted(p.name for p in folder.iterdir()) == ["a.toml", "b.toml", "c.toml"]


def test_a_reader_who_may_not_finish_a_change_is_told_so(shared_dir: Path, sheet: Path) -> None:
    folder = shared_dir / "data"
    folder.mkdir(mode=0o755)  # root's: nobody may read it, not write in it
    (folder / "a.toml").write_text(GAS, encoding="utf-8")
    (folder / "b.toml").write_text(ROADS, encoding="utf-8")
    killed = gongfu("import", str(sheet), "-d", str(folder),
                    env={"GONGFU_TEST_SIGNAL": "commit:KILL"})  # fmt: skip
    assert killed.returncode == -signal.SIGKILL
    assert ".gongfu-journal" in leftovers(folder)
    code, out, err = as_nobody("list", "-d", str(folder), "-f", "csv")
    assert code == 1 and out == "", (out, err)
    assert "a change to the data was interrupted and cannot be finished" in err, err
    assert "Traceback" not in err
    done = gongfu("list", "-d", str(folder), "-f", "csv")  # someone who may write it
    assert done.returncode == 0, done.stderr.decode()
    assert "finished a change that was interrupted (wrote a.toml, b.toml)" in done.stderr.decode()
    assert readings(folder) == NEW and leftovers(folder) == []
