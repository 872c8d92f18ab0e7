"""Helpers shared by several test modules."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.conftest import ROOT, nobody


def wait_stopped(pid: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            if handle.read().rsplit(")", 1)[1].split()[0] == "T":
                return
        time.sleep(0.05)
    raise AssertionError("the command never reached the step")


class Holder(NamedTuple):
    pid: int

    def stop(self) -> None:
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)


def holder(path: Path, mode: str, user: int) -> Holder:
    """Another process, of `user`, holding a lock on `path` (opened for reading: that is all
    it takes) until it is stopped. Forked, so that it needs no Python it may run."""
    if not ROOT:
        pytest.skip("only root can hold a lock as another user")
    fcntl = pytest.importorskip("fcntl", reason="holds the lock as gongfu takes it on Unix")
    gid = nobody().pw_gid
    ready, tell = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            os.close(ready)
            os.setgroups([])
            os.setgid(gid)
            os.setuid(user)
            fd = os.open(path, os.O_RDONLY)
            fcntl.flock(fd, fcntl.LOCK_EX if mode == "ex" else fcntl.LOCK_SH)
            os.write(tell, b"held")
            time.sleep(600)
        finally:
            os._exit(0)
    os.close(tell)
    assert os.read(ready, 4) == b"held"
    os.close(ready)
    return Holder(pid)


UNIX_ONLY = (
    "getuid", "geteuid", "getgid", "getegid", "getgroups", "fchown", "chown", "lchown",
    "fchmod", "set_blocking", "O_NOFOLLOW", "O_NONBLOCK", "O_CLOEXEC", "mkfifo", "getpwnam",
)  # fmt: skip


BOOT = f"""
import os, sys
import platformdirs  # its Unix module needs what is removed below; on Windows it has its own
platformdirs.user_cache_dir("gongfu")
sys.modules["fcntl"] = None  # import fcntl now fails, as on Windows
for name in {UNIX_ONLY!r}:
    if hasattr(os, name):
        delattr(os, name)
FAILS = int(os.environ.get("REPLACE_FAILS", "0"))
if FAILS:
    real_replace = os.replace
    calls = []

    def replace(source, destination):
        calls.append(destination)
        if len(calls) <= FAILS:
            raise PermissionError(13, "The process cannot access the file because it is being "
                                      "used by another process")
        return real_replace(source, destination)

    os.replace = replace
from gongfu_cli.cli.app import main
sys.argv = ["gongfu", *sys.argv[1:]]
main()
"""


def windows(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None
            ) -> subprocess.CompletedProcess[str]:  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-c", BOOT, *args],
        capture_output=True, text=True, encoding="utf-8", check=False, timeout=120,
        env={**os.environ, "COLUMNS": "100", **(env or {})}, cwd=cwd,
    )  # fmt: skip
    assert "Traceback" not in done.stderr, done.stderr
    return done
