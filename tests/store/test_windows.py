"""gongfu without the Unix-only pieces, as on Windows.

CI has no Windows machine, so each test runs the real command in a subprocess where `fcntl`
cannot be imported and the Unix-only `os` functions and flags are gone before `gongfu_cli` is
imported. A replace that fails as Windows fails (PermissionError while another program holds
the file) is simulated the same way.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from gongfu_cli.store.load import load_dataset
from tests.builders import COMMENTED
from tests.conftest import REPO, SAMPLE
from tests.processes import BOOT, windows


def test_the_simulation_really_removes_the_unix_pieces() -> None:
    done = subprocess.run(
        [sys.executable, "-c", BOOT.split("FAILS =")[0]
         + "import importlib\ntry:\n    import fcntl\nexcept ImportError:\n    print('no fcntl')\n"
         + "print(hasattr(os, 'getuid'), hasattr(os, 'O_NOFOLLOW'))"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert done.stdout.split("\n")[:2] == ["no fcntl", "False False"]


@pytest.mark.parametrize(
    "command",
    [("list",), ("progress", "alpha"), ("history", "alpha"), ("rank",), ("export",),
     ("report",), ("check",), ("schema",), ("list", "-f", "json")],
)  # fmt: skip
def test_every_read_command(command: tuple[str, ...]) -> None:
    extra = () if command == ("schema",) else ("-d", str(SAMPLE), "--as-of", "2023-01-01")
    done = windows(*command, *extra)
    assert done.returncode == 0, done.stderr
    assert done.stdout


def test_init_and_record_keep_crlf_and_leave_no_lock_file(tmp_path: Path) -> None:
    done = windows("init", str(tmp_path / "mine.toml"), "--empty")
    assert done.returncode == 0, done.stderr
    path = tmp_path / "crlf.toml"
    path.write_bytes(COMMENTED.replace("\n", "\r\n").encode("utf-8"))
    done = windows("record", "alpha", "coverage", "70", "--date", "2023-02-01", "-d", str(path))
    assert done.returncode == 0, done.stderr
    raw = path.read_bytes()
    assert raw.count(b"\r\n") == raw.count(b"\n")  # every line still ends in CRLF
    assert [r.value for r in load_dataset(path).buses[0].indicators[0].readings] == [40, 70]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["crlf.toml", "mine.toml"]


def test_concurrent_records_all_land_with_the_portable_lock(tmp_path: Path) -> None:
    path = tmp_path / "data.toml"
    path.write_text(COMMENTED, encoding="utf-8")
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", BOOT, "record", "alpha", "coverage", str(50 + k),
             "--date", f"2022-09-{k + 1:02d}", "-d", str(path)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for k in range(8)
    ]  # fmt: skip
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    values = [r.value for r in load_dataset(path).buses[0].indicators[0].readings]
    assert sorted(values) == sorted([40, *range(50, 58)])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.toml"]


def test_the_cache_works_without_user_ids(tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    path.write_bytes(SAMPLE.read_bytes() + b"#" * (600 * 1024))
    cache = tmp_path / "cache"
    first = windows("export", "-d", str(path), env={"XDG_CACHE_HOME": str(cache)})
    assert first.returncode == 0, first.stderr
    (entry,) = (cache / "gongfu").glob("*.entry")
    os.utime(entry, (1_600_000_000, 1_600_000_000))
    second = windows("export", "-d", str(path), env={"XDG_CACHE_HOME": str(cache)})
    assert second.stdout == first.stdout
    assert entry.stat().st_mtime > 1_600_000_000  # read, trusted, and marked as used


def test_a_file_held_open_for_a_moment_is_replaced_after_a_retry(tmp_path: Path) -> None:
    path = tmp_path / "data.toml"
    path.write_text(COMMENTED, encoding="utf-8")
    done = windows("record", "alpha", "coverage", "70", "--date", "2023-02-01", "-d", str(path),
                   env={"REPLACE_FAILS": "3"})  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert [r.value for r in load_dataset(path).buses[0].indicators[0].readings] == [40, 70]


def test_a_file_held_open_for_good_stops_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "data.toml"
    path.write_text(COMMENTED, encoding="utf-8")
    before = path.read_bytes()
    done = windows("record", "alpha", "coverage", "70", "--date", "2023-02-01", "-d", str(path),
                   env={"REPLACE_FAILS": "1000"})  # fmt: skip
    assert done.returncode == 1
    assert "is the file open in another program, such as Excel, WPS" in done.stderr
    assert "the file is unchanged" in done.stderr
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.toml"]  # no temporary left
    out = tmp_path / "out.csv"
    out.write_text("old", encoding="utf-8")
    done = windows("export", "-o", str(out), "-d", str(path), env={"REPLACE_FAILS": "1000"})
    assert done.returncode == 1 and out.read_text(encoding="utf-8") == "old"


def test_paths_are_shown_as_typed(tmp_path: Path) -> None:
    done = windows("list", "-d", r"sub\no such.toml", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.strip() == r"sub\no such.toml: no such file"


def test_a_gbk_console_gets_gbk(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", BOOT, "rank", "-d", str(SAMPLE), "--as-of", "2023-01-01"],
        capture_output=True, check=False, env={**os.environ, "PYTHONIOENCODING": "gbk"},
    )  # fmt: skip
    assert done.returncode == 0
    assert "阿尔法" in done.stdout.decode("gbk")


def test_the_readme_windows_commands_are_real() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```powershell\n(.*?)```", readme, re.S)
    assert block is not None
    lines = [line.split("#")[0].strip() for line in block.group(1).splitlines()]
    assert lines[:4] == ["py -m venv .venv", r".venv\Scripts\Activate.ps1", "py -m pip install .",
                         "gongfu list"]  # fmt: skip
    assert lines[4] == "gongfu --install-completion"  # detects the shell it runs in
    done = subprocess.run(
        ["gongfu", "--show-completion", "powershell"],  # as if run from PowerShell
        capture_output=True, text=True, check=False,
        env={**os.environ, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"},
    )  # fmt: skip
    assert done.returncode == 0 and "Register-ArgumentCompleter" in done.stdout
