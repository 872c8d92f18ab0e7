"""Every write lands where the user meant: through symlinks, onto devices and FIFOs, never over
the data, with the right modes and owners, never losing a concurrent editor's change, under a
lock that leaves nothing behind. Real files, links, permissions and processes throughout."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from gongfu_cli.store.files import FileChanged, FileState, replace_file
from gongfu_cli.store.load import load_dataset
from tests.builders import COMMENTED
from tests.conftest import ROOT, as_nobody, gongfu, nobody
from tests.processes import holder as _holder

RECORD = ("record", "alpha", "coverage", "70", "--date", "2023-02-01")


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "real" / "buses.toml"
    path.parent.mkdir()
    path.write_text(COMMENTED, encoding="utf-8")
    return path


def values(path: Path) -> list[float]:
    (bus,) = load_dataset(path).buses
    return [r.value for r in bus.indicators[0].readings]


def ok(done: subprocess.CompletedProcess[bytes]) -> str:
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout.decode()


def fails(done: subprocess.CompletedProcess[bytes], code: int = 1) -> str:
    assert done.returncode == code, (done.stdout.decode(), done.stderr.decode())
    assert b"Traceback" not in done.stderr
    return done.stderr.decode()


# ---------------------------------------------------------------------------------------------
# Symlinks, hard links, special files, standard output


def test_record_through_a_symlink_writes_the_real_file_and_keeps_the_link(
    data: Path, tmp_path: Path
) -> None:
    link = tmp_path / "cur.toml"
    link.symlink_to(data)
    ok(gongfu(*RECORD, "-d", str(link)))
    assert link.is_symlink() and link.resolve() == data
    assert values(data) == [40, 70]
    assert not [p for p in data.parent.iterdir() if p.name != "buses.toml"]  # no lock, no temp


def test_outputs_through_a_symlink_write_the_target(data: Path, tmp_path: Path) -> None:
    for option, name in (("-o", "out.csv"), ("--save", "out.svg")):
        target = tmp_path / f"target-{name}"
        target.write_text("old", encoding="utf-8")
        link = tmp_path / name
        link.symlink_to(target)
        command = ("export", "-o") if option == "-o" else ("list", "--save")
        ok(gongfu(*command, str(link), "-d", str(data)))
        assert link.is_symlink()
        assert target.read_text(encoding="utf-8") != "old"
    report = tmp_path / "report.md"
    report.symlink_to(tmp_path / "report-target.md")  # a dangling link: the target is created
    ok(gongfu("report", "-o", str(report), "-d", str(data)))
    assert report.is_symlink() and (tmp_path / "report-target.md").read_text().startswith("# ")


def test_a_file_with_several_hard_links_is_refused_not_split(data: Path, tmp_path: Path) -> None:
    other = tmp_path / "other-name.toml"
    os.link(data, other)
    before = data.read_bytes()
    err = fails(gongfu(*RECORD, "-d", str(data)))
    assert "2 hard links" in err
    assert data.read_bytes() == before and os.path.samefile(data, other)
    out = tmp_path / "out.csv"
    out.write_text("x")
    os.link(out, tmp_path / "out-link.csv")
    assert "hard links" in fails(gongfu("export", "-o", str(out), "-d", str(data)))


def test_export_to_dev_null_leaves_the_device_a_device(data: Path) -> None:
    ok(gongfu("export", "-o", "/dev/null", "-d", str(data)))
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_fifo_is_written_into_not_replaced(data: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    ok(gongfu("export", "--level", "buses", "-o", str(fifo), "-d", str(data)))
    reader.join(10)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert received[0].startswith(b"bus_id,bus,")


@pytest.mark.parametrize("name", ["-", "/dev/stdout"])
def test_dash_and_dev_stdout_mean_standard_output(data: Path, tmp_path: Path, name: str) -> None:
    out = ok(gongfu("export", "--level", "buses", "-o", name, "-d", str(data), cwd=tmp_path))
    assert out.startswith("bus_id,bus,")
    assert not (tmp_path / "-").exists()
    report = ok(gongfu("report", "-o", name, "-d", str(data), cwd=tmp_path))
    assert report.startswith("# 测试 进度报告")


def test_outputs_never_overwrite_the_loaded_data(data: Path, tmp_path: Path) -> None:
    before = data.read_bytes()
    link = tmp_path / "alias.toml"
    link.symlink_to(data)
    for target in (data, link):
        err = fails(gongfu("export", "-f", "csv", "-o", str(target), "-d", str(data)))
        assert "is a file of the dataset" in err
        assert "writes no .toml files" in fails(gongfu("export", "-o", str(target)), 2)
    md_link = tmp_path / "data.md"
    md_link.symlink_to(data)
    assert "of the dataset" in fails(gongfu("report", "-o", str(md_link), "-d", str(data)))
    svg_link = tmp_path / "data.svg"
    svg_link.symlink_to(data)
    assert "of the dataset" in fails(gongfu("list", "--save", str(svg_link), "-d", str(data)))
    assert data.read_bytes() == before


# ---------------------------------------------------------------------------------------------
# Modes and owners


def test_new_outputs_get_0666_less_the_umask(data: Path, tmp_path: Path) -> None:
    for umask, mode in ((0o022, 0o644), (0o027, 0o640), (0o002, 0o664)):
        out = tmp_path / f"out-{umask:o}.csv"
        done = subprocess.run(
            ["sh", "-c", f'umask {umask:o} && exec "$0" -m gongfu_cli "$@"', sys.executable,
             "export", "-o", str(out), "-d", str(data)],
            capture_output=True, check=False,
        )  # fmt: skip
        ok(done)
        assert stat.S_IMODE(out.stat().st_mode) == mode


def test_init_gives_the_new_file_the_default_mode(tmp_path: Path) -> None:
    done = subprocess.run(
        ["sh", "-c", 'umask 027 && exec "$0" -m gongfu_cli init "$1"', sys.executable,
         str(tmp_path / "mine.toml")],
        capture_output=True, check=False,
    )  # fmt: skip
    ok(done)
    assert stat.S_IMODE((tmp_path / "mine.toml").stat().st_mode) == 0o640


def test_a_replaced_file_keeps_its_mode(data: Path, tmp_path: Path) -> None:
    data.chmod(0o640)
    ok(gongfu(*RECORD, "-d", str(data)))
    assert stat.S_IMODE(data.stat().st_mode) == 0o640
    out = tmp_path / "out.csv"
    out.write_text("x")
    out.chmod(0o604)
    ok(gongfu("export", "-o", str(out), "-d", str(data)))
    assert stat.S_IMODE(out.stat().st_mode) == 0o604


@pytest.mark.skipif(not ROOT, reason="only root can give a file to another user")
def test_root_recording_into_a_users_file_keeps_the_users_owner(data: Path) -> None:
    os.chown(data, nobody().pw_uid, nobody().pw_gid)
    ok(gongfu(*RECORD, "-d", str(data)))
    st = data.stat()
    assert (st.st_uid, st.st_gid) == (nobody().pw_uid, nobody().pw_gid)
    assert values(data) == [40, 70]


def test_a_read_only_data_file_is_refused_not_rewritten(data: Path) -> None:
    data.chmod(0o444)
    before = data.read_bytes()
    assert "read-only" in fails(gongfu(*RECORD, "-d", str(data)))
    assert data.read_bytes() == before and stat.S_IMODE(data.stat().st_mode) == 0o444


def test_a_read_only_data_file_is_refused_for_an_ordinary_user_too(shared_dir: Path) -> None:
    path = shared_dir / "buses.toml"
    path.write_text(COMMENTED, encoding="utf-8")
    path.chmod(0o644)  # root's, readable by all
    code, _, err = as_nobody(*RECORD, "-d", str(path))
    assert code == 1 and "permission denied" in err
    assert values(path) == [40]


# ---------------------------------------------------------------------------------------------
# The lock


def test_users_who_may_all_write_the_file_can_all_record(shared_dir: Path) -> None:
    path = shared_dir / "buses.toml"
    path.write_text(COMMENTED, encoding="utf-8")
    path.chmod(0o666)
    ok(gongfu("record", "alpha", "coverage", "50", "--date", "2022-09-01", "-d", str(path)))
    code, out, err = as_nobody(*RECORD, "-d", str(path))
    assert code == 0, err
    assert "recorded" in out
    assert values(path) == [40, 50, 70]
    assert sorted(p.name for p in shared_dir.iterdir()) == ["buses.toml"]


def test_a_sticky_folder_says_why_another_users_file_cannot_be_replaced(
    shared_dir: Path,
) -> None:
    shared_dir.chmod(0o1777)
    path = shared_dir / "buses.toml"
    path.write_text(COMMENTED, encoding="utf-8")
    path.chmod(0o666)
    code, _, err = as_nobody(*RECORD, "-d", str(path))
    assert code == 1 and "only the file's owner may replace it" in err
    assert "the file is unchanged" in err and values(path) == [40]


def test_a_planted_lock_link_creates_nothing(data: Path, tmp_path: Path) -> None:
    victim = tmp_path / "nologin"
    (data.parent / ".buses.toml.lock").symlink_to(victim)
    ok(gongfu(*RECORD, "-d", str(data)))
    assert not victim.exists()


def test_records_through_two_links_lock_the_same_file(data: Path, tmp_path: Path) -> None:
    links = [tmp_path / "a.toml", tmp_path / "b.toml"]
    for link in links:
        link.symlink_to(data)
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gongfu_cli",
                "record",
                "alpha",
                "coverage",
                str(50 + k),
                "--date",
                f"2022-08-{k + 1:02d}",
                "-d",
                str(links[k % 2]),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for k in range(12)
    ]
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err.decode()
    assert sorted(values(data)) == sorted([40, *range(50, 62)])


def test_waiting_for_another_writer_is_announced_and_dry_run_never_waits(data: Path) -> None:
    fcntl = pytest.importorskip("fcntl", reason="holds the lock as gongfu takes it on Unix")
    with open(data, "rb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        dry = gongfu(*RECORD, "--dry-run", "-d", str(data), timeout=10)
        assert "would record" in ok(dry)
        process = subprocess.Popen(
            [sys.executable, "-m", "gongfu_cli", *RECORD, "-d", str(data)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        time.sleep(2.5)
        assert process.poll() is None  # still waiting
        fcntl.flock(held.fileno(), fcntl.LOCK_UN)
    out, err = process.communicate(timeout=60)
    assert f"waiting for another gongfu command writing {data}…" in err.decode()
    assert process.returncode == 0 and b"recorded" in out
    assert values(data) == [40, 70]


@pytest.mark.parametrize("mode", ["ex", "sh"])
def test_a_reader_holding_the_lock_stalls_no_writer_past_wait(shared_dir: Path, mode: str) -> None:
    """A user who may only read the data file locks it and never lets go: every writing
    command gives up after --wait seconds, names the process, and writes nothing."""
    path = shared_dir / "buses.toml"
    path.write_text(COMMENTED, encoding="utf-8")
    path.chmod(0o644)  # root's; nobody may read it only
    before = path.read_bytes()
    holder = _holder(path, mode, nobody().pw_uid)
    try:
        for args in (RECORD, ("delete", "alpha", "coverage", "--date", "2022-06-30")):
            started = time.monotonic()
            err = fails(gongfu(*args, "--wait", "1.5", "-d", str(path), timeout=60))
            took = time.monotonic() - started
            assert f"{path}: the file is locked by another program (process {holder.pid} " in err
            assert "gave up after 1.5 s and wrote nothing" in err
            assert 1.5 <= took < 15, took
            assert path.read_bytes() == before
        err = fails(gongfu(*RECORD, "--wait", "0", "-d", str(path), timeout=60))
        assert "the file is locked by another program" in err
    finally:
        holder.stop()
    ok(gongfu(*RECORD, "--wait", "0", "-d", str(path)))  # once it is gone, no wait at all
    assert values(path) == [40, 70]


def test_wait_takes_seconds_only(data: Path) -> None:
    for bad in ("-1", "soon", "nan"):
        err = fails(gongfu(*RECORD, "--wait", bad, "-d", str(data)), code=2)
        assert "--wait" in err or "seconds" in err, err
    assert values(data) == [40]


# ---------------------------------------------------------------------------------------------
# Concurrent editors


def test_replace_refuses_a_file_changed_since_it_was_read(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    path.write_text("one")
    seen = FileState.of(path.stat())
    path.write_text("two")  # an editor saves
    with pytest.raises(FileChanged):
        replace_file(path, b"three", expect=seen)
    assert path.read_text() == "two"


def test_an_editor_save_during_record_is_kept_and_the_reading_lands(tmp_path: Path) -> None:
    """gongfu has read the file and staged its new version; an editor saves a change before
    the rename (by renaming its own temporary file into place, as editors do). gongfu is
    stopped at that very step, so the save falls between its read and its rename every time."""
    from tests.processes import wait_stopped as _wait_stopped

    path = tmp_path / "data.toml"
    path.write_text(COMMENTED, encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "gongfu_cli", *RECORD, "-d", str(path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, "GONGFU_TEST_SIGNAL": "staged:STOP"},
    )  # fmt: skip
    _wait_stopped(process.pid)
    saved = tmp_path / ".editor-save"
    saved.write_text(path.read_text(encoding="utf-8") + "# the editor's change\n", "utf-8")
    os.replace(saved, path)
    os.kill(process.pid, signal.SIGCONT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0, err.decode()
    assert "reading it again" in err.decode()
    text = path.read_text(encoding="utf-8")
    assert "# the editor's change\n" in text
    assert values(path) == [40, 70]


# ---------------------------------------------------------------------------------------------
# init and directory datasets


def test_init_never_follows_a_planted_link(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    for name in (".mine.toml.new", ".mine.toml.tmp"):
        (tmp_path / name).symlink_to(victim)
    ok(gongfu("init", str(tmp_path / "mine.toml")))
    assert victim.read_text() == "keep me"
    assert load_dataset(tmp_path / "mine.toml").buses
    dangling = tmp_path / "dangling.toml"
    dangling.symlink_to(tmp_path / "nowhere.toml")
    assert "already exists" in fails(gongfu("init", str(dangling)))
    assert not (tmp_path / "nowhere.toml").exists()


def test_directory_record_checks_the_other_files_as_they_are_under_the_lock(
    tmp_path: Path,
) -> None:
    """While `record` waits for the lock, another file gains a reading for the same date; the
    record must see it (and refuse), not write a duplicate that breaks the whole dataset."""
    fcntl = pytest.importorskip("fcntl", reason="holds the lock as gongfu takes it on Unix")
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "a.toml").write_text(COMMENTED, encoding="utf-8")
    other = folder / "b.toml"
    other.write_text('[[buses]]\nid = "beta"\nname = "贝塔"\nbatch = 1\n'
                     'launched = 2022-01-01\nfield = "教育"\n', encoding="utf-8")  # fmt: skip
    with open(folder / "a.toml", "rb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        process = subprocess.Popen(
            [sys.executable, "-m", "gongfu_cli", *RECORD, "-d", str(folder)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        time.sleep(2.0)
        with open(other, "a", encoding="utf-8") as edit:
            edit.write('\n[[readings]]\nbus = "alpha"\nindicator = "coverage"\n'
                       "date = 2023-02-01\nvalue = 69\n")  # fmt: skip
    out, err = process.communicate(timeout=60)
    assert process.returncode == 1, out.decode()
    assert "already has a reading on 2023-02-01" in err.decode()
    assert load_dataset(folder).reading_count() == 2  # still loads: no duplicate written
