"""The browser gongfu starts (for a PDF) stays harmless: a private profile that is removed,
no network, and it is ended with every process it started, on timeout and on Ctrl-C.

These use a stand-in browser (a script named by GONGFU_BROWSER) that records what it was given
and, where asked, starts a helper process and waits, as a hung browser would."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gongfu_cli.errors import GongfuError
from gongfu_cli.rendering import browser
from tests.builders import CHART_DATA as DATA
from tests.conftest import gongfu

pytestmark = pytest.mark.skipif(os.name != "posix", reason="stand-in browser is a POSIX script")

RECORDER = """#!{python}
import json, os, sys
profile = next(a.split("=", 1)[1] for a in sys.argv if a.startswith("--user-data-dir="))
pdf = next(a.split("=", 1)[1] for a in sys.argv if a.startswith("--print-to-pdf="))
folder = os.path.dirname(profile)
json.dump({{"argv": sys.argv, "folder": folder, "mode": os.stat(folder).st_mode & 0o777,
           "beside": sorted(os.listdir(folder))}}, open({record!r}, "w"))
open(pdf, "wb").write(b"%PDF-1.4 stand-in")
"""
HUNG = """#!/bin/sh
sleep 300 &
echo $! >> {pids}
echo $$ >> {pids}
wait
"""


def script(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    path.chmod(0o755)
    return path


def alive(pid: int) -> bool:
    """Running (a zombie waiting for its parent to notice counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def gone(*pids: int, within: float = 10) -> bool:
    """Every one of `pids` has ended (signals are delivered, not awaited, by the sender)."""
    deadline = time.monotonic() + within
    while any(alive(pid) for pid in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def end_all(path: Path) -> None:
    """Whatever the stand-in started, ended even when a check failed."""
    for pid in [int(p) for p in path.read_text().split()] if path.exists() else []:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


def wait_for_pids(path: Path, count: int) -> list[int]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if path.exists():
            pids = [int(p) for p in path.read_text().split()]
            if len(pids) >= count:
                return pids
        time.sleep(0.05)
    raise AssertionError("the stand-in browser never started")


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "d.toml"
    path.write_text(DATA, encoding="utf-8")
    return path


def test_the_browser_gets_a_private_profile_that_is_removed_and_no_network(
    data: Path, tmp_path: Path
) -> None:
    record = tmp_path / "record.json"
    fake = script(tmp_path / "chromium", RECORDER.format(python=sys.executable, record=str(record)))
    out = tmp_path / "r.pdf"
    run = gongfu("report", "-o", str(out), "-d", str(data), env={"GONGFU_BROWSER": str(fake)})
    assert run.returncode == 0, run.stderr.decode()
    assert out.read_bytes() == b"%PDF-1.4 stand-in"
    seen = json.loads(record.read_text())
    assert seen["mode"] == 0o700  # nobody else can read the profile or the page
    assert seen["beside"] == ["page.html"]  # a fresh folder: the page alone
    assert not Path(seen["folder"]).exists()  # removed afterwards
    assert any(a.startswith("--proxy-server=") for a in seen["argv"])
    assert "--proxy-bypass-list=<-loopback>" in seen["argv"]  # loopback too goes nowhere


def test_a_browser_that_hangs_is_ended_with_its_helpers_at_the_timeout(tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    hung = script(tmp_path / "hung", HUNG.format(pids=pids))
    start = time.monotonic()
    try:
        with pytest.raises(GongfuError, match="did not finish within 1 s"):
            browser.run([str(hung)], timeout=1)
        assert time.monotonic() - start < 30
        helper, main = wait_for_pids(pids, 2)
        # SIGKILL is sent to the whole group before run() returns; a busy machine may take a
        # moment to schedule the helper's exit.
        assert gone(main, helper)
    finally:
        end_all(pids)


def test_ctrl_c_ends_the_browser_and_writes_nothing(data: Path, tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    hung = script(tmp_path / "hung", HUNG.format(pids=pids))
    out = tmp_path / "r.pdf"
    command = [sys.executable, "-m", "gongfu_cli", "report", "-o", str(out), "-d", str(data)]
    process = subprocess.Popen(command, env={**os.environ, "GONGFU_BROWSER": str(hung)},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    try:
        helper, main = wait_for_pids(pids, 2)
        assert alive(main) and alive(helper)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
        assert process.returncode != 0
        assert b"Traceback" not in err
        assert gone(main, helper)
        assert not out.exists()
    finally:
        process.kill()
        end_all(pids)
