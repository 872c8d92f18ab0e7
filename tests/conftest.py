"""Shared fixtures: fixed paths, a deterministic environment for every test."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

try:  # the tests run gongfu; a Python without its dependencies gets one line, not 50 tracebacks
    import typer  # noqa: F401
except ModuleNotFoundError as missing:
    pytest.exit(
        f"{missing.name} is not installed in {sys.executable}: install gongfu with its test "
        "extra first, as the README's test command does (pip install -e '.[test]')",
        returncode=4,
    )

# Every test reads gongfu in English, as a user with LANG=C does, whatever this machine's locale;
# the tests of the Chinese interface choose it themselves (tests/test_i18n.py). Set before gongfu
# is imported: the language is chosen once, when it is.
os.environ["GONGFU_LANG"] = "en"

from gongfu_cli.domain.model import Dataset
from gongfu_cli.store.documents import parse
from gongfu_cli.store.load import build_dataset

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "sample.toml"
SAMPLE_AS_OF = date(2023, 1, 1)
REPO = Path(__file__).parents[1]


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the user's data path, colours, terminal width or cache."""
    for name in (
        "GONGFU_DATA",
        "NO_COLOR",
        "FORCE_COLOR",
        "CLICOLOR",
        "CLICOLOR_FORCE",
        "GONGFU_NO_CACHE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.fixture
def sample() -> Path:
    return SAMPLE


@pytest.fixture
def write_toml(tmp_path: Path):
    """Write TOML text to a fresh file and return its path."""

    def write(text: str, name: str = "data.toml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


def gongfu(
    *args: str,
    env: dict[str, str] | None = None,
    timeout: float = 120,
    cwd: Path | None = None,
    input: bytes | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """The real command in a real subprocess, with the real environment (plus `env`)."""
    return subprocess.run(
        [sys.executable, "-m", "gongfu_cli", *args],
        capture_output=True,
        env={**os.environ, **(env or {})},
        timeout=timeout,
        cwd=cwd,
        input=input,
        check=False,
    )


# Tests that act as another user need root; on Windows there are no such users at all. Nothing
# here looks a user up at import time, so every test module collects everywhere.
ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
needs_root = pytest.mark.skipif(not ROOT, reason="only root can act as another user")


def nobody() -> Any:
    """The unprivileged user `nobody` (a `pwd.struct_passwd`), looked up when a test needs it."""
    import pwd  # Unix only

    return pwd.getpwnam("nobody")


def import_everything() -> None:
    """Import every module of gongfu, and every module it imports lazily (rich, tabulate,
    openpyxl, …), so that a process which then gives up root needs to read no more code: the
    checkout may be one that only root can read."""
    import ast
    import importlib

    import gongfu_cli

    package = Path(gongfu_cli.__file__).parent
    wanted: set[str] = set()
    for path in sorted(package.rglob("*.py")):
        dotted = ".".join(("gongfu_cli", *path.relative_to(package).with_suffix("").parts))
        if path.stem != "__main__":
            wanted.add(dotted.removesuffix(".__init__"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                wanted.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                wanted.add(node.module)
                wanted.update(f"{node.module}.{alias.name}" for alias in node.names)
    wanted.discard("gongfu_cli.__init__")
    for name in sorted(wanted):
        # a name that is not a module, or another platform's module (msvcrt, winreg)
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    # What libraries load on first use rather than at import: rich's table of character
    # widths for this Unicode version, and the codecs of the encodings gongfu reads.
    from rich.cells import cell_len

    cell_len("中文 text")
    for encoding in ("gb18030", "gbk", "utf-16", "utf-8-sig", "cp1252", "latin-1"):
        "中".encode(encoding, "replace").decode(encoding, "replace")


def as_nobody(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Run gongfu as the unprivileged user `nobody`: a forked child imports all the code
    gongfu may run while still root (so the checkout may be one `nobody` cannot read), then
    gives up root for good before the command runs. Returns (exit status, stdout, stderr).
    Skips the test when not root: only root can become another user."""
    if not ROOT:
        pytest.skip("only root can run a command as another user")
    user = nobody()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        pid = os.fork()
        if pid == 0:  # the child: never returns into pytest
            code = 70
            try:
                import_everything()
                import gongfu_cli.cli.app

                os.dup2(out.fileno(), 1)
                os.dup2(err.fileno(), 2)
                sys.stdout = io.TextIOWrapper(
                    os.fdopen(1, "wb", closefd=False), encoding="utf-8", write_through=True
                )
                sys.stderr = io.TextIOWrapper(
                    os.fdopen(2, "wb", closefd=False), encoding="utf-8", write_through=True
                )
                os.environ.update(env or {})
                os.setgroups([])
                os.setgid(user.pw_gid)
                os.setuid(user.pw_uid)
                try:
                    gongfu_cli.cli.app.app([*args], prog_name="gongfu")
                    code = 0
                except SystemExit as exit:
                    code = exit.code if isinstance(exit.code, int) else 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        out.seek(0)
        err.seek(0)
        return (
            os.waitstatus_to_exitcode(status),
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
        )


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A directory every user may write in (like a shared team folder), outside pytest's
    private temporary directory."""
    path = Path(tempfile.mkdtemp(prefix="gongfu-shared-"))
    path.chmod(0o777)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def load_text(text: str, name: str = "<text>") -> Dataset:
    """A dataset from TOML text, for tests that build their data in memory."""
    return build_dataset([(name, text, parse(text, name))])
