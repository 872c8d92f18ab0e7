"""The tests run wherever the project is checked out: their modules collect without the Unix-only
pieces (as on Windows), and running gongfu as another user works from a checkout that user
cannot read."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, SAMPLE, needs_root

UNIX_ONLY = ("getuid", "geteuid", "getgid", "getegid", "getgroups", "fchown", "chown",
             "lchown", "fchmod", "O_NOFOLLOW", "mkfifo")  # fmt: skip

COLLECT = f"""
import os, sys
import platformdirs  # its Unix module needs what is removed below; on Windows it has its own
sys.modules["pwd"] = None  # import pwd now fails, as on Windows
sys.modules["grp"] = None
sys.modules["fcntl"] = None
for name in {UNIX_ONLY!r}:
    if hasattr(os, name):
        delattr(os, name)
import pytest
sys.exit(pytest.main(["--collect-only", "-q", "-p", "no:cacheprovider", "tests"]))
"""


def test_every_test_module_collects_without_the_unix_only_pieces() -> None:
    done = subprocess.run(
        [sys.executable, "-c", COLLECT],
        cwd=REPO,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "error" not in done.stdout.lower().splitlines()[-1], done.stdout[-3000:]
    assert " tests collected" in done.stdout.splitlines()[-1] or "collected" in done.stdout


RUN_AS_NOBODY = """
import json, sys
sys.path[:0] = [sys.argv[1], sys.argv[2]]  # the closed copy of the package, then the tests
import gongfu_cli
from tests.conftest import as_nobody
results = [as_nobody(*json.loads(args)) for args in sys.argv[4:]]
print(json.dumps({"package": gongfu_cli.__file__, "results": results}))
"""


@needs_root
def test_as_nobody_works_from_a_checkout_nobody_cannot_read(
    tmp_path: Path, shared_dir: Path
) -> None:
    closed = tmp_path / "checkout"
    closed.mkdir(mode=0o700)
    shutil.copytree(REPO / "src" / "gongfu_cli", closed / "gongfu_cli")
    os.chmod(tmp_path, 0o700)
    data = shared_dir / "data.toml"
    shutil.copyfile(SAMPLE, data)
    data.chmod(0o644)
    commands = [
        ["list", "-d", str(data), "--as-of", "2023-01-01", "-f", "csv"],
        ["report", "-d", str(data), "--as-of", "2023-01-01"],
        ["summary", "-d", str(data), "--as-of", "2023-01-01", "-f", "md"],
        ["progress", "alpha", "-d", str(data), "--as-of", "2023-01-01"],
    ]
    done = subprocess.run(
        [sys.executable, "-c", RUN_AS_NOBODY, str(closed), str(REPO), "--",
         *map(json.dumps, commands)],
        capture_output=True, text=True, encoding="utf-8", timeout=300, check=False,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.splitlines()[-1])
    assert found["package"].startswith(str(closed))  # the closed copy is what ran
    for command, (code, out, err) in zip(commands, found["results"], strict=True):
        assert code == 0, (command, code, err)
        assert ("甲局" if command[0] == "summary" else "阿尔法") in out, (command, out)
