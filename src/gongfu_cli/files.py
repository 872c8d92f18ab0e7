"""How files are written without ever leaving half a file behind."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from gongfu_cli.errors import GongfuError


def atomic_write(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write to a temporary file beside `path`, fsync it, then rename it over `path`."""
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise GongfuError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise GongfuError(f"{path}: cannot write: {exc.strerror or exc}") from None
        raise


def create_new(path: Path, data: bytes) -> None:
    """Create `path` with `data`, refusing to replace anything that is already there."""
    if path.exists():
        raise GongfuError(f"{path}: already exists; not overwritten (choose another name)")
    tmp = path.with_name(f".{path.name}.new")
    try:
        tmp.write_bytes(data)
        os.link(tmp, path)  # fails if `path` appeared meanwhile: never replaces a file
    except FileExistsError:
        raise GongfuError(
            f"{path}: already exists; not overwritten (choose another name)"
        ) from None
    except OSError as exc:
        raise GongfuError(f"{path}: cannot create: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
