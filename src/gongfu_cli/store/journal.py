"""A change to several files of a data directory lands whole, even when the process is killed.

Renaming is atomic for one file only. So before the first rename gongfu writes a small journal
in the data directory (`.gongfu-journal`): which files change and where each new version is
staged (`.NAME.gongfu-staged`, beside the file it replaces). Then:

1. every new version is staged and flushed to disk;
2. every file that was read (not only those written) is checked unchanged; if one changed,
   everything staged is removed and the change starts over;
3. `commit` is appended to the journal: from here the change is finished whatever happens;
4. the staged files are renamed over the data files, SIGINT and SIGTERM held off meanwhile;
5. the journal is removed.

The next gongfu command that opens the directory and finds a journal (only possible when a
process died, e.g. by SIGKILL or a power cut) takes the lock, then finishes a committed change
or undoes one that was not (removing what was staged), and says so in one line on stderr.
The journal names only files of the directory and their own staged names, so a planted journal
cannot move anything else.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from gongfu_cli.errors import GongfuError
from gongfu_cli.escapes import shown_path
from gongfu_cli.i18n import T, said
from gongfu_cli.store import system
from gongfu_cli.store.files import FileChanged, FileState, real_path

JOURNAL = ".gongfu-journal"
HEADER = "gongfu-journal 1"
COMMIT = "commit"


class Target(NamedTuple):
    """One file to replace: its new bytes, and the version (state and bytes) it replaces."""

    real: Path
    name: str  # as the user wrote it, for messages
    new: bytes
    state: FileState
    old: bytes


class Read(NamedTuple):
    """One file the change was planned from, as it was read."""

    real: Path
    name: str
    state: FileState


def staged_name(real: Path) -> Path:
    return real.with_name(f".{real.name}.gongfu-staged")


def journal_path(directory: Path) -> Path:
    return real_path(directory) / JOURNAL


def replace_together(
    directory: Path, targets: Sequence[Target], read: Sequence[Read], listed: Sequence[Path]
) -> None:
    """Replace every target file, all or none, through the journal of `directory` (whose
    lock, and every file's, the caller holds). `FileChanged` when a file read has changed
    since, or the folder no longer holds exactly the `listed` data files: nothing was
    written, and the caller starts over."""
    journal = journal_path(directory)
    begun = committed = False
    done: list[Target] = []
    try:
        _write_journal(journal, targets)
        begun = True
        system.checkpoint("journal")
        for target in targets:
            _stage(target)
            system.checkpoint("staged")
        system.checkpoint("check")
        for file in read:  # just before the first rename: is every file as it was read?
            if _state(file.real) != file.state:
                raise FileChanged(
                    T(
                        "{name}: the file was changed by another program while gongfu was "
                        "writing the data",
                        name=file.name,
                    )
                )
        if sorted(directory.glob("*.toml")) != sorted(listed):  # a data file came or went
            raise FileChanged(
                T("{name}: its data files changed meanwhile", name=shown_path(directory))
            )
        with system.signals_held():
            _append(journal, COMMIT)
            committed = True
            system.checkpoint("commit")
            for target in targets:
                system.checkpoint("rename")
                if _state(target.real) != target.state:
                    raise FileChanged(
                        T(
                            "{name}: the file was changed by another program while gongfu was "
                            "writing it",
                            name=target.name,
                        )
                    )
                system.replace(str(staged_name(target.real)), str(target.real))
                done.append(target)
            _sync_folders(targets)
            system.checkpoint("renamed")
            os.unlink(journal)
            _sync(journal.parent)
            system.checkpoint("done")
    except BaseException as error:
        if committed and done and len(done) < len(targets):  # put back what was replaced
            for target in reversed(done):
                with contextlib.suppress(GongfuError, OSError):
                    from gongfu_cli.store.files import replace_file

                    replace_file(target.real, target.old, target.name)
        if begun and (not committed or len(done) < len(targets)):
            _discard(journal, [t.real for t in targets])
        if isinstance(error, PermissionError):
            raise GongfuError(
                T(
                    "{name}: cannot write the data: {reason}; nothing was written",
                    name=shown_path(directory),
                    reason=_reason(error),
                )
            ) from None
        if isinstance(error, OSError):
            raise GongfuError(
                T(
                    "{name}: cannot write: {reason}",
                    name=shown_path(directory),
                    reason=_reason(error),
                )
            ) from None
        raise


def recover(directory: Path, wait: float = system.LOCK_WAIT, locked: bool = False) -> None:
    """Finish or undo a change to `directory` that a killed process left half done. Costs
    one `lstat` when there is none (always, unless a process died while writing)."""
    journal = journal_path(directory)
    if not os.path.lexists(journal):
        return
    if locked:
        _recover(directory, journal)
        return
    try:
        with system.exclusive_lock(real_path(directory), wait=wait):
            _recover(directory, journal)
    except system.Locked:
        raise GongfuError(
            T(
                "{name}: another program is writing the data (the folder is locked); try again "
                "once it is done",
                name=shown_path(directory),
            )
        ) from None
    except OSError as exc:
        raise GongfuError(
            T("{name}: cannot lock: {reason}", name=shown_path(directory), reason=_reason(exc))
        ) from None


def _recover(directory: Path, journal: Path) -> None:
    if not os.path.lexists(journal):
        return  # the writer we waited for finished its change
    entries, committed = _read_journal(journal, directory)
    where = shown_path(directory)
    try:
        if not committed:
            _discard(journal, [real for real, _ in entries])
            _tell(
                T(
                    "{name}: undid a change that was interrupted before any file was written",
                    name=where,
                )
            )
            return
        finished, kept = [], []
        for real, old in entries:
            staged = staged_name(real)
            if not _regular(staged):
                continue  # renamed into place before the process died
            if _state(real) == old:
                system.replace(str(staged), str(real))
                finished.append(real.name)
            else:  # changed by hand since: that edit wins, the staged version goes
                os.unlink(staged)
                kept.append(real.name)
        _sync(journal.parent)
        os.unlink(journal)
        _sync(journal.parent)
    except OSError as exc:
        raise GongfuError(
            T(
                "{name}: a change to the data was interrupted and cannot be finished: {reason}. "
                "Run any gongfu command on it as a user who may write the data folder (and its "
                "files) to finish it",
                name=where,
                reason=_reason(exc),
            )
        ) from None
    line = said(T("{name}: finished a change that was interrupted", name=where))
    if finished:
        line += said(T(" (wrote {files})", files=", ".join(finished)))
    if kept:
        line += said(
            T("; {files} changed since and kept as it is: check it", files=", ".join(kept))
        )
    _tell(line)


def _tell(line: str) -> None:
    """The one line any command may print before its own output: which command finds a
    journal is a matter of chance, so each says the same."""
    sys.stderr.write(said(line) + "\n")
    sys.stderr.flush()


def _write_journal(journal: Path, targets: Sequence[Target]) -> None:
    lines = [HEADER]
    for t in targets:
        lines.append(json.dumps({"file": str(t.real), "old": list(t.state)}, ensure_ascii=False))
    _create(journal, ("\n".join(lines) + "\n").encode("utf-8"), 0o644)
    _sync(journal.parent)


def _append(journal: Path, line: str) -> None:
    fd = os.open(journal, os.O_WRONLY | os.O_APPEND | system.O_NOFOLLOW | system.O_BINARY)
    try:
        os.write(fd, (line + "\n").encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)


def _read_journal(journal: Path, directory: Path) -> tuple[list[tuple[Path, FileState]], bool]:
    """The files a journal names (only files of this directory count) and whether it was
    committed. A journal cut short by a crash is an uncommitted one."""
    try:
        fd = os.open(journal, os.O_RDONLY | system.O_NOFOLLOW | system.O_NONBLOCK)
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return [], False
            text = handle.read(1024 * 1024).decode("utf-8", "replace")
    except OSError:
        return [], False
    lines = text.split("\n")
    if not lines or lines[0] != HEADER:
        return [], False
    ours = {real_path(p) for p in real_path(directory).glob("*.toml")}
    entries: list[tuple[Path, FileState]] = []
    committed = False
    for line in lines[1:]:
        if line == COMMIT:
            committed = True
            break
        try:
            entry = json.loads(line)
            real = Path(entry["file"])
            old = FileState(*(int(v) for v in entry["old"]))
        except (ValueError, TypeError, KeyError):
            break  # cut short while being written
        if real in ours:
            entries.append((real, old))
    return entries, committed


def _stage(target: Target) -> None:
    """The new version beside the file, complete and on disk, with the file's mode and
    owner. Created exclusively (never through a planted link); a stale one is removed."""
    path = staged_name(target.real)
    st = os.stat(target.real)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)  # left by a process that died (the journal's recovery removes it too)
    fd = _create(path, target.new, stat.S_IMODE(st.st_mode), close=False)
    try:
        system.copy_owner(fd, st.st_uid, st.st_gid)
    finally:
        os.close(fd)


def _create(path: Path, data: bytes, mode: int, close: bool = True) -> int:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | system.O_NOFOLLOW | system.O_BINARY
    fd = os.open(path, flags | system.O_CLOEXEC, 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
        system.copy_mode(fd, str(path), mode)
    except BaseException:
        os.close(fd)
        raise
    if close:
        os.close(fd)
    return fd


def _discard(journal: Path, files: Sequence[Path]) -> None:
    """Remove what a change staged, then its journal: the data stays as it was."""
    for real in files:
        with contextlib.suppress(OSError):
            if _regular(staged_name(real)):
                os.unlink(staged_name(real))
    with contextlib.suppress(OSError):
        os.unlink(journal)


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _state(real: Path) -> FileState | None:
    try:
        return FileState.of(os.stat(real))
    except OSError:
        return None


def _sync_folders(targets: Sequence[Target]) -> None:
    for folder in {t.real.parent for t in targets}:
        _sync(folder)


def _sync(folder: Path) -> None:
    """Make renames and removals in `folder` durable (where the system can: not Windows)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _reason(exc: OSError) -> str:
    from gongfu_cli.i18n import os_reason

    return os_reason(exc)
