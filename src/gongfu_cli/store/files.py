"""Every write gongfu makes goes through here, so the hard cases are handled once.

- A symlink is followed: the real file is written and the link stays a link.
- A device, FIFO or socket is written to directly, never replaced by a regular file;
  `-` and `/dev/stdout` mean standard output.
- A regular file is replaced atomically (temporary file, fsync, rename) keeping its mode, and
  its owner and group where the process may set them; a new file gets 0666 less the umask.
- A file with several hard links, or one nobody may write, is refused rather than split or
  silently rewritten; so is any file of the dataset (loaded or not) when writing an output.
- `replace_file(..., expect=...)` refuses to rename over a file that changed since it was read,
  so a concurrent editor's save is never lost.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from gongfu_cli.errors import GongfuError
from gongfu_cli.escapes import shown_path
from gongfu_cli.i18n import T
from gongfu_cli.store import system

STDOUT_NAMES = ("-", "/dev/stdout")


class FileState(NamedTuple):
    """What identifies one version of a file: if any of it changed, someone wrote it."""

    device: int
    inode: int
    size: int
    mtime_ns: int
    ctime_ns: int

    @classmethod
    def of(cls, st: os.stat_result) -> FileState:
        return cls(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


class FileChanged(GongfuError):
    """The file was changed by someone else between reading it and replacing it."""


def is_stdout(path: Path | str) -> bool:
    return str(path) in STDOUT_NAMES


def real_path(path: Path | str) -> Path:
    """The file a name stands for once every symlink is followed (it need not exist yet)."""
    return Path(os.path.realpath(path))


def write_output(path: Path | str, data: bytes, protect: Iterable[str] = ()) -> bool:
    """Write an output (export, report, picture) to `path`; False when it went to stdout.

    `protect` names the data path and the files of the dataset: an output never lands on one
    of them.
    """
    if is_stdout(path):
        if sys.stdout.isatty():
            data = _for_terminal(data, shown_path(path))
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return False
    name = shown_path(path)
    real = real_path(path)
    _refuse_dataset(real, name, protect)
    try:
        st = os.stat(real)
    except FileNotFoundError:
        _create(real, data, name, replace=True)
        return True
    except OSError as exc:
        raise GongfuError(
            T("{name}: cannot write: {reason}", name=name, reason=_reason(exc))
        ) from None
    if stat.S_ISREG(st.st_mode):
        check_replaceable(real, st, name)
        replace_file(real, data, name)
    else:
        _write_special(real, st, data, name)
    return True


def check_replaceable(real: Path, st: os.stat_result, name: str) -> None:
    """Refuse to replace a file that renaming would split or that nobody may write."""
    if st.st_nlink > 1:
        raise GongfuError(
            T(
                "{name}: the file has {links} hard links; replacing it would leave the other "
                "names with the old content. Remove the other links (or copy the file) first",
                name=name,
                links=st.st_nlink,
            )
        )
    if not (st.st_mode & 0o222) or not os.access(real, os.W_OK):
        raise GongfuError(
            T("{name}: cannot write: the file is read-only (permission denied)", name=name)
        )


def replace_file(
    real: Path, data: bytes, name: str | None = None, expect: FileState | None = None
) -> None:
    """Replace the regular file `real` atomically, keeping its mode, owner and group.

    With `expect`, stop with `FileChanged` (and write nothing) if the file is no longer that
    version just before the rename.
    """
    name = name or shown_path(real)
    st = os.stat(real)
    try:
        owner = (st.st_uid, st.st_gid)
        with _staged(real, name, data, stat.S_IMODE(st.st_mode), owner) as tmp:
            system.checkpoint("staged")
            if expect is not None and FileState.of(os.stat(real)) != expect:
                raise FileChanged(
                    T(
                        "{name}: the file was changed by another program while gongfu was "
                        "writing it",
                        name=name,
                    )
                )
            system.replace(tmp, str(real))
    except PermissionError as exc:
        raise GongfuError(
            T(
                "{name}: cannot replace the file: {reason}{why}; the file is unchanged",
                name=name,
                reason=_reason(exc),
                why=_why(real, st),
            )
        ) from None
    except OSError as exc:
        raise GongfuError(
            T("{name}: cannot write: {reason}", name=name, reason=_reason(exc))
        ) from None


def create_new(path: Path, data: bytes) -> None:
    """Create `path` with `data`, refusing to replace anything already there (a dangling
    symlink included)."""
    name = shown_path(path)
    if os.path.lexists(path):
        raise GongfuError(
            T("{name}: already exists; not overwritten (choose another name)", name=name)
        )
    _create(Path(path), data, name, replace=False)


def make_folder(path: Path) -> None:
    """A folder for gongfu's own files (such as `published/`), made with the usual mode if it
    is not there; a file or anything else under that name is refused."""
    name = shown_path(path)
    try:
        os.mkdir(path, 0o777)  # less the umask, as any new folder
    except FileExistsError:
        if not os.path.isdir(path):
            raise GongfuError(f"{name}: exists and is not a folder") from None
    except OSError as exc:
        raise GongfuError(f"{name}: cannot make the folder: {_reason(exc)}") from None


def _create(path: Path, data: bytes, name: str, replace: bool) -> None:
    """A new file with the default mode, complete or not at all.

    The content goes into an unpredictable temporary name (created with O_EXCL, so never
    through a planted link) and is then renamed (`replace`) or hard-linked into place (which,
    unlike a rename, fails when the name has appeared meanwhile).
    """
    try:
        with _staged(path, name, data, system.new_file_mode()) as tmp:
            if replace:
                system.replace(tmp, str(path))
            else:
                _link_new(tmp, path, name)
    except FileExistsError:
        raise GongfuError(
            T("{name}: already exists; not overwritten (choose another name)", name=name)
        ) from None
    except OSError as exc:
        raise GongfuError(
            T("{name}: cannot write: {reason}", name=name, reason=_reason(exc))
        ) from None


def _link_new(tmp: str, path: Path, name: str) -> None:
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: create exclusively and copy
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | system.O_NOFOLLOW | system.O_BINARY
        fd = os.open(path, flags, system.new_file_mode())
        with os.fdopen(fd, "wb") as out, open(tmp, "rb") as source:
            out.write(source.read())


@contextlib.contextmanager
def _staged(
    beside: Path, name: str, data: bytes, mode: int, owner: tuple[int, int] | None = None
) -> Iterator[str]:
    """`data` in a new temporary file beside `beside`, with `mode` (and `owner`), flushed to
    disk and closed (Windows renames no open file): yields its path. Afterwards the temporary
    name is removed (a no-op once it was renamed into place; a hard link keeps the content)."""
    with system.terminate_cleanly():  # a SIGTERM also removes the temporary file
        tmp = _temporary(beside, name)
        try:
            with open(tmp, "r+b") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
                system.copy_mode(out.fileno(), tmp, mode)
                if owner is not None:
                    system.copy_owner(out.fileno(), *owner)
            yield tmp
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _temporary(beside: Path, name: str) -> str:
    directory = beside.parent if str(beside.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{beside.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise GongfuError(
            T("{name}: cannot write: {reason}", name=name, reason=_reason(exc))
        ) from None
    os.close(fd)
    return tmp


def _write_special(real: Path, st: os.stat_result, data: bytes, name: str) -> None:
    mode = st.st_mode
    if stat.S_ISDIR(mode):
        raise GongfuError(T("{name}: is a directory; give a file name", name=name))
    if stat.S_ISBLK(mode):
        raise GongfuError(T("{name}: is a block device; gongfu does not write to disks", name=name))
    try:
        if stat.S_ISSOCK(mode):
            import socket

            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.connect(str(real))
                sock.sendall(data)
            return
        with open(real, "wb", buffering=0) as out:  # a device or FIFO: written, not replaced
            if os.isatty(out.fileno()):
                data = _for_terminal(data, name)
            view = memoryview(data)
            while view:
                view = view[out.write(view) or 0 :]
    except OSError as exc:
        raise GongfuError(
            T("{name}: cannot write: {reason}", name=name, reason=_reason(exc))
        ) from None


def refuse_input(path: Path | str, protect: Iterable[str]) -> None:
    """Refuse, before anything is computed, an output named onto a file of the dataset (see
    `_refuse_dataset`); standard output is never one."""
    if not is_stdout(path):
        _refuse_dataset(real_path(path), shown_path(path), protect)


def _for_terminal(data: bytes, name: str) -> bytes:
    """An output that reaches a terminal shows control characters escaped (see
    `display.terminal_text`); a binary file is refused there rather than garbled."""
    from gongfu_cli.escapes import terminal_text

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise GongfuError(
            T(
                "{name}: is a terminal; this output is a binary file: write it with -o FILE",
                name=name,
            )
        ) from None
    return terminal_text(text).encode("utf-8")


def _refuse_dataset(real: Path, name: str, protect: Iterable[str]) -> None:
    """`protect` holds the data path and its files: an output is never one of them (by name,
    symlink or hard link), nor a new `*.toml` file in a data directory, which the next command
    would read as part of the dataset."""
    try:
        target: os.stat_result | None = os.stat(real)
    except OSError:
        target = None
    folders = []
    for file in protect:
        try:
            st = os.stat(file)
        except OSError:
            continue
        if stat.S_ISDIR(st.st_mode):
            folders.append((file, st))
        elif target is not None and os.path.samestat(target, st):
            raise GongfuError(
                T(
                    "{name}: is a file of the dataset ({file}); an output never overwrites the "
                    "data. Choose another name",
                    name=name,
                    file=shown_path(file),
                )
            )
    if not real.name.lower().endswith(".toml"):
        return
    for folder, st in folders:
        with contextlib.suppress(OSError):
            if os.path.samestat(os.stat(real.parent), st):
                raise GongfuError(
                    T(
                        "{name}: is in the data directory {folder}, where a .toml file is a "
                        "file of the dataset; an output never goes there. Choose another name "
                        "or folder",
                        name=name,
                        folder=shown_path(folder),
                    )
                )


def _why(real: Path, st: os.stat_result) -> str:
    """The likely cause of a refused replace, in the user's terms."""
    uid = system.user_id()
    with contextlib.suppress(OSError):
        folder = os.stat(real.parent)
        if uid is not None and folder.st_mode & stat.S_ISVTX and uid not in (0, st.st_uid):
            return T(
                " (the folder is sticky, as /tmp is: only the file's owner may replace it; "
                "ask them, or keep shared data in a group-writable folder)"
            )
        if not os.access(real.parent, os.W_OK):
            return T(" (you may not write in its folder)")
    return T(
        " (is the file open in another program, such as Excel, WPS or an editor? "
        "close it and try again)"
    )


def _reason(exc: OSError) -> str:
    from gongfu_cli.i18n import os_reason

    return os_reason(exc)
