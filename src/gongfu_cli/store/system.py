"""The one seam between gongfu and the operating system's Unix-only or Windows-only calls.

Everything that differs between Linux, macOS and Windows (file locks, owners, `O_NOFOLLOW`,
the umask, replacing a file another program holds open) is decided here, from what the running
Python actually has, so the rest of the code never imports `fcntl` or calls `os.getuid`.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows (or a Python built without it)
    fcntl = None  # type: ignore[assignment]

O_NOFOLLOW: int = getattr(os, "O_NOFOLLOW", 0)
O_NONBLOCK: int = getattr(os, "O_NONBLOCK", 0)
O_CLOEXEC: int = getattr(os, "O_CLOEXEC", 0)
O_BINARY: int = getattr(os, "O_BINARY", 0)  # Windows: no newline translation

WAIT_NOTICE_AFTER = 1.0  # seconds of waiting for a lock before saying so
LOCK_WAIT = 60.0  # seconds a writer waits for a lock at most, unless told otherwise (--wait)
LOCK_POLL = 0.05  # seconds between tries while waiting
REPLACE_TRIES = 6  # Windows: another program may hold the file open for a moment
REPLACE_PAUSE = 0.05  # seconds, doubled between tries: about 1.5 s in all


def user_id() -> int | None:
    """The effective user id, or None where the system has no such thing (Windows)."""
    getter = getattr(os, "geteuid", None)
    return getter() if getter is not None else None


def new_file_mode() -> int:
    """The mode a program's new file gets by default: 0666 less the umask."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def blocking(fd: int) -> None:
    """Make reads of `fd` wait for data again (it was opened non-blocking only so that opening
    a FIFO cannot hang). Windows opens nothing non-blocking."""
    if O_NONBLOCK:
        os.set_blocking(fd, True)


def copy_mode(fd: int, path: str, mode: int) -> None:
    """Give an open file a mode; where `fchmod` is missing (Windows), by its name."""
    fchmod = getattr(os, "fchmod", None)
    if fchmod is not None:
        fchmod(fd, mode)
    else:
        os.chmod(path, mode)  # Windows keeps only the read-only bit


def copy_owner(fd: int, uid: int, gid: int) -> None:
    """Give an open file the owner and group of the file it replaces, where that is allowed.

    Root recording into a user's file must not hand it to root; an ordinary user cannot give
    a file away, and then the file simply stays theirs.
    """
    fchown = getattr(os, "fchown", None)
    if fchown is None:
        return
    with contextlib.suppress(OSError):
        fchown(fd, uid, -1)
    with contextlib.suppress(OSError):
        fchown(fd, -1, gid)


def replace(source: str, destination: str) -> None:
    """`os.replace`, retried briefly when another program holds the destination open.

    On Windows a file open in Excel, WPS, an editor or a virus scanner cannot be replaced;
    the holder often lets go within a second. (Elsewhere a refusal is usually final, and the
    retries only cost a moment before the error is reported.)
    """
    pause = REPLACE_PAUSE
    for attempt in range(REPLACE_TRIES):
        try:
            os.replace(source, destination)
            return
        except PermissionError:
            if attempt == REPLACE_TRIES - 1:
                raise
            time.sleep(pause)
            pause *= 2


class Terminated(BaseException):
    """SIGTERM, raised where the program was so that `finally` blocks run (temporary files
    are removed) before the process ends as SIGTERM would have ended it."""


@contextlib.contextmanager
def terminate_cleanly() -> Iterator[None]:
    """Within this block SIGTERM unwinds the stack (as Ctrl-C does) instead of ending the
    process on the spot; afterwards the process ends by SIGTERM all the same. A no-op where a
    handler is already set (an outer block, or a program that embeds gongfu)."""
    import signal
    import threading

    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
    ):
        yield
        return

    def terminated(signum: int, frame: object) -> None:
        raise Terminated(signum)

    signal.signal(signal.SIGTERM, terminated)
    try:
        yield
    except Terminated:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)
        raise SystemExit(128 + signal.SIGTERM) from None  # if the signal is not immediate
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM wait until the block is done (then they act as they would have), so
    that the renames of a change to several files are never cut short by Ctrl-C or `kill`."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []
    held = (signal.SIGINT, signal.SIGTERM)
    previous = {number: signal.getsignal(number) for number in held}
    for number in held:
        signal.signal(number, lambda signum, frame: pending.append(signum))
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler if handler is not None else signal.SIG_DFL)
        for signum in dict.fromkeys(pending):
            signal.raise_signal(signum)


_checkpoints = 0


def checkpoint(step: str) -> None:
    """A place in the write path where the tests of gongfu stop or kill the process, to prove
    that every step leaves the data whole. GONGFU_TEST_SIGNAL=`AT:SIGNAL` sends SIGNAL (KILL,
    TERM, INT, STOP) to this process at the AT-th checkpoint reached, or at the first one
    named AT; once. Unset, as it always is in use, this costs one dictionary look-up."""
    spec = os.environ.get("GONGFU_TEST_SIGNAL")
    if not spec:
        return
    import signal

    global _checkpoints
    _checkpoints += 1
    at, _, name = spec.partition(":")
    if at in (step, str(_checkpoints)):
        del os.environ["GONGFU_TEST_SIGNAL"]
        os.kill(os.getpid(), getattr(signal, f"SIG{name}"))


class Locked(Exception):
    """The lock was not won within the time allowed: another program holds it."""

    def __init__(self, holder: str | None) -> None:
        super().__init__(holder)
        self.holder = holder  # "process 1234 (python3)", where the platform can tell


@contextlib.contextmanager
def exclusive_lock(
    real: Path, on_wait: Callable[[], None] | None = None, wait: float = LOCK_WAIT
) -> Iterator[None]:
    """Hold an exclusive lock on the data file `real` (symlinks already followed), waiting for
    it at most `wait` seconds, then raising `Locked`.

    Unix: `flock` on the data file itself, so no lock file is ever created, it works between
    users who may all write the file, and it never follows a planted link. Since writers
    replace the file, a lock won on a file that has meanwhile been replaced is let go and
    taken again on the new one. Anyone who may read the file may also lock it, so the wait
    is bounded: a reader holding a lock cannot stall every writer forever. Elsewhere: a lock
    file beside the data file, through `filelock`, removed when the lock is released.
    """
    deadline = time.monotonic() + max(wait, 0.0)
    if fcntl is None:
        with _lock_file(real, on_wait, deadline):
            yield
        return
    told = False
    while True:
        fd = os.open(real, os.O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        try:
            told = _flock(fd, on_wait if not told else None, deadline) or told
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(real))
            except FileNotFoundError:
                same = False
            if same:
                yield
                return
        finally:
            os.close(fd)  # closing releases the lock


def _flock(fd: int, on_wait: Callable[[], None] | None, deadline: float) -> bool:
    """Lock `fd`, polling until `deadline`; True when `on_wait` was called."""
    assert fcntl is not None
    notice = time.monotonic() + WAIT_NOTICE_AFTER
    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return told
        except BlockingIOError:
            now = time.monotonic()
            if now >= deadline:
                raise Locked(lock_holder(fd)) from None
            if not told and now >= notice and on_wait is not None:
                on_wait()
                told = True
            time.sleep(min(LOCK_POLL, max(deadline - now, 0.0)))


def lock_holder(fd: int) -> str | None:
    """Which process holds a lock on the open file `fd`: Linux lists every lock, with the
    device and inode of its file, in /proc/locks. None where the system does not tell."""
    try:
        st = os.fstat(fd)
        with open("/proc/locks", encoding="ascii", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return None
    where = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    for line in lines:
        fields = line.split()
        if "->" in fields or len(fields) < 6:
            continue  # a process waiting for the lock, not holding it
        pid, file = fields[4], fields[5]
        if file == where and pid.isdigit():
            return _process(int(pid))
    return None


def _process(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/comm", encoding="utf-8", errors="replace") as handle:
            name = handle.read().strip()
    except OSError:
        from gongfu_cli.i18n import T

        return T("process {pid}", pid=pid)
    from gongfu_cli.i18n import T

    return T("process {pid} ({name})", pid=pid, name=name) if name else T("process {pid}", pid=pid)


@contextlib.contextmanager
def _lock_file(real: Path, on_wait: Callable[[], None] | None, deadline: float) -> Iterator[None]:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # filelock warns when only its soft lock is available
        from filelock import FileLock, Timeout

        beside = (
            real / ".gongfu-lock" if real.is_dir() else real.with_name(f".{real.name}.gongfu-lock")
        )
        lock = FileLock(str(beside))  # a data folder's lock file is inside it
        try:
            lock.acquire(timeout=min(WAIT_NOTICE_AFTER, max(deadline - time.monotonic(), 0)))
        except Timeout:
            if on_wait is not None:
                on_wait()
            try:
                lock.acquire(timeout=max(deadline - time.monotonic(), 0))
            except Timeout:
                raise Locked(None) from None
        try:
            yield
        finally:
            lock.release()
