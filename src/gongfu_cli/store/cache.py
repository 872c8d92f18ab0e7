"""A cache of parsed datasets, so repeated runs on a large unchanged file skip TOML parsing.

The cache is an optimisation and never a source of truth: an entry is used only when the tool
version, the Python version and every data file's path, size, inode, and modification and
change times (in nanoseconds) match what it was made from, and when the cache directory is the
user's own and private (0700) and the entry a regular file of theirs that nobody else may
write, and every field of it of the type the model promises. Anything off, and the files are
read again (and the entry written anew). Entries are written atomically; failing to
write one is harmless. Entries unused for 30 days, and the oldest beyond MAX_TOTAL bytes, are
removed whenever a new entry is written.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from datetime import date
from pathlib import Path

from gongfu_cli import __version__
from gongfu_cli.domain.model import (
    CADENCES,
    Bus,
    Dataset,
    Indicator,
    Milestone,
    Program,
    Reading,
    Rule,
)
from gongfu_cli.store import system
from gongfu_cli.store.documents import data_files
from gongfu_cli.store.load import load_dataset

MIN_SIZE = 512 * 1024  # smaller data parses faster than a cache entry is checked and written
MAGIC = b"gongfu-cache-6\n"
UNUSED_DAYS = 30  # an entry not read for this long is removed
MAX_TOTAL = 256 * 1024 * 1024  # beyond this, the least recently used entries are removed


def cache_dir() -> Path:
    """Where the system keeps a user's caches: XDG on Linux, ~/Library/Caches on macOS,
    %LOCALAPPDATA% on Windows. A relative XDG_CACHE_HOME (an unexpanded `~/x`) is ignored,
    as the XDG specification says."""
    from platformdirs import user_cache_dir

    base = user_cache_dir("gongfu", appauthor=False)
    if not os.path.isabs(base):
        return Path(os.path.expanduser("~"), ".cache", "gongfu")
    return Path(base)


def _private_dir(directory: Path) -> bool:
    """The cache directory is a real directory, the user's own, that nobody else may enter."""
    try:
        st = os.lstat(directory)
    except OSError:
        return False
    if not stat.S_ISDIR(st.st_mode):
        return False
    uid = system.user_id()
    if uid is None:  # Windows: the per-user %LOCALAPPDATA% is private by its ACL
        return True
    return st.st_uid == uid and not st.st_mode & 0o077


def disabled_by_environment() -> bool:
    return os.environ.get("GONGFU_NO_CACHE", "").strip() not in ("", "0")


# The layout of an entry (`pack`); a new one never reads an entry of an older layout.
CACHE_FORMAT = (
    "4: the programme's settings resolved, follow-up settings included; readings with who "
    "reported them and when they came in"
)


def _fingerprint(files: list[Path], stats: list[os.stat_result]) -> str:
    """A key naming exactly these versions of these files, with this tool and Python."""
    import hashlib  # here, not at the top: small data never needs it

    parts = [__version__, CACHE_FORMAT, sys.version]
    for file, st in zip(files, stats, strict=True):
        parts.append(
            f"{file.resolve()}\0{st.st_size}\0{st.st_dev}\0{st.st_ino}\0{st.st_mtime_ns}"
            f"\0{st.st_ctime_ns}"
        )
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


def load_data(path: Path | None, use_cache: bool = True) -> Dataset:
    """The dataset at `path`, or the bundled one: what every command reads."""
    from gongfu_cli.store.paths import bundled_data

    return load(path if path is not None else bundled_data(), use_cache)


def load(path: Path, use_cache: bool = True) -> Dataset:
    """The dataset at `path`, from the cache when a trustworthy entry exists."""
    if not use_cache or disabled_by_environment():
        return load_dataset(path)
    try:
        files = data_files(path)
        stats = [file.stat() for file in files]
    except OSError:
        return load_dataset(path)  # let the loader report the problem properly
    if sum(st.st_size for st in stats) < MIN_SIZE:
        return load_dataset(path)
    key = _fingerprint(files, stats)
    directory = cache_dir()
    entry = directory / f"{key}.entry"
    if _private_dir(directory):
        cached = _read(entry, key)
        if cached is not None:
            return cached
    dataset = load_dataset(path)
    _write(directory, entry, key, dataset)
    return dataset


# The entry is plain data (marshal: fast, and unlike pickle it cannot run code when read), with
# dates as ordinals. pack and unpack mirror the model field by field.


def _day(value: date | None) -> int | None:
    return None if value is None else value.toordinal()


def _date(value: int | None) -> date | None:
    return None if value is None else date.fromordinal(value)


def pack(dataset: Dataset) -> tuple:
    *facts, rules = dataset.program
    program = (*facts, tuple(map(tuple, rules)))
    return (program, dataset.files, tuple(map(_encode_bus, dataset.buses)))


def _encode_bus(b: Bus) -> tuple:
    indicators = tuple(map(_encode_indicator, b.indicators))
    return (b.id, b.name, b.batch, _day(b.launched), _day(b.due), b.leads, b.field, b.summary,
            b.source, indicators, b.file, b.position, b.cadence)  # fmt: skip


def _encode_indicator(i: Indicator) -> tuple:
    readings = tuple((r.date.toordinal(), *r[1:-1], _day(r.received)) for r in i.readings)
    milestones = tuple((m.date.toordinal(), m.value) for m in i.milestones)
    return (i.id, i.name, i.unit, i.target, i.baseline, _day(i.start), _day(i.due), i.weight,
            readings, milestones, i.cadence)  # fmt: skip


class BadEntry(ValueError):
    """A cache entry whose shape or types are not what `pack` writes."""


def _check(ok: bool) -> None:
    if not ok:
        raise BadEntry


_NUMBER = (int, float)  # exact types: marshal keeps them, and True is no figure
_TEXT_OR_NONE = (str, type(None))


def _texts(values: object) -> bool:
    return type(values) is tuple and all(type(v) is str for v in values)


def unpack(data: tuple) -> Dataset:
    """The dataset an entry holds, every field checked for the type the model promises, so
    that an entry made by another version, damaged on disk, or planted is rejected here (and
    the data read again) instead of failing later in a calculation."""
    _check(type(data) is tuple and len(data) == 3)
    program, files, buses = data
    _check(type(program) is tuple and len(program) == 9 and _texts(files) and type(buses) is tuple)
    name, region, source, cadence, lag, report_days, meeting, reply_days, rules = program
    _check(all(type(v) in _TEXT_OR_NONE for v in (name, region, source, cadence)))
    _check(type(lag) in _NUMBER and type(report_days) is int and type(reply_days) is int)
    _check(type(meeting) is str and type(rules) is tuple)
    _check(all(type(r) is tuple and len(r) == 3 and type(r[0]) is str and type(r[1]) is int
               and type(r[2]) is str for r in rules))  # fmt: skip
    escalation = tuple(Rule(*rule) for rule in rules)  # the rules come back as plain tuples
    resolved = Program(name, region, source, cadence, lag, report_days, meeting, reply_days,
                       escalation)  # fmt: skip
    return Dataset(resolved, tuple(map(_decode_bus, buses)), files)


def _decode_bus(b: tuple) -> Bus:
    _check(type(b) is tuple and len(b) == 13)
    bid, name, batch, launched, due, leads, field, summary, source, indicators, file, place, \
        cadence = b  # fmt: skip
    _check(type(bid) is str and type(name) is str and type(batch) is int
           and type(launched) is int and (due is None or type(due) is int) and _texts(leads)
           and type(field) is str and type(summary) in _TEXT_OR_NONE
           and type(source) in _TEXT_OR_NONE and type(indicators) is tuple
           and type(file) is str and type(place) is int
           and (cadence is None or cadence in CADENCES))  # fmt: skip
    return Bus(bid, name, batch, date.fromordinal(launched), _date(due), leads, field, summary,
               source, tuple(map(_decode_indicator, indicators)), file, place, cadence)  # fmt: skip


def _decode_indicator(i: tuple) -> Indicator:
    _check(type(i) is tuple and len(i) == 11)
    iid, name, unit, target, baseline, start, due, weight, readings, milestones, cadence = i
    _check(type(iid) is str and type(name) is str and type(unit) is str
           and (target is None or type(target) in _NUMBER) and type(baseline) in _NUMBER
           and type(start) is int and (due is None or type(due) is int)
           and type(weight) in _NUMBER and type(readings) is tuple
           and type(milestones) is tuple and cadence in CADENCES)  # fmt: skip
    fromordinal = date.fromordinal
    for r in readings:
        _check(type(r) is tuple and len(r) == 8 and type(r[0]) is int and type(r[1]) in _NUMBER
               and type(r[2]) in _TEXT_OR_NONE and type(r[3]) in _TEXT_OR_NONE
               and type(r[4]) is str and type(r[5]) is int and type(r[6]) in _TEXT_OR_NONE
               and (r[7] is None or type(r[7]) is int))  # fmt: skip
    for m in milestones:
        _check(type(m) is tuple and len(m) == 2 and type(m[0]) is int and type(m[1]) in _NUMBER)
    return Indicator(iid, name, unit, target, baseline, fromordinal(start), _date(due), weight,
                     tuple(Reading(fromordinal(r[0]), r[1], r[2], r[3], r[4], r[5], r[6],
                                   _date(r[7])) for r in readings),
                     tuple(Milestone(fromordinal(d), v) for d, v in milestones),
                     cadence)  # fmt: skip


def _read(entry: Path, key: str) -> Dataset | None:
    import marshal

    try:
        fd = os.open(entry, os.O_RDONLY | system.O_NONBLOCK | system.O_NOFOLLOW | system.O_BINARY)
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as handle:
            st = os.fstat(handle.fileno())
            if not stat.S_ISREG(st.st_mode):
                return None  # a FIFO or a device: never read
            uid = system.user_id()
            if uid is not None and (st.st_uid != uid or st.st_mode & 0o022):
                return None  # someone else's, or writable by others: never trusted
            if handle.read(len(MAGIC)) != MAGIC or handle.read(64).decode() != key:
                return None
            dataset = unpack(marshal.load(handle))
        with contextlib.suppress(OSError):
            os.utime(entry)  # marks it used, for pruning
        return dataset
    except Exception:  # a truncated or foreign entry is simply not used
        return None


def _write(directory: Path, entry: Path, key: str, dataset: Dataset) -> None:
    import marshal
    import tempfile

    tmp = None
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not _private_dir(directory):
            return  # someone else's, or open to others: neither read nor write there
        fd, tmp = tempfile.mkstemp(prefix=".entry.", dir=directory)
        with os.fdopen(fd, "wb") as handle:
            handle.write(MAGIC + key.encode())
            marshal.dump(pack(dataset), handle)
        os.replace(tmp, entry)
        tmp = None
        _prune(directory, entry)
    except OSError:
        pass  # a read-only or full cache directory only costs speed
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _prune(directory: Path, new: Path) -> None:
    """Remove entries unused for UNUSED_DAYS, then the least recently used beyond MAX_TOTAL
    (never the `new` one just written)."""
    import time

    now = time.time()
    kept = []
    for entry in directory.glob("*.entry"):
        if entry == new:
            continue
        with contextlib.suppress(OSError):
            st = os.lstat(entry)
            if now - st.st_mtime > UNUSED_DAYS * 86400 or not stat.S_ISREG(st.st_mode):
                entry.unlink()
            else:
                kept.append((st.st_mtime, st.st_size, entry))
    total = sum(size for _, size, _ in kept) + new.stat().st_size
    for _, size, entry in sorted(kept, key=lambda item: item[0]):
        if total <= MAX_TOTAL:
            break
        with contextlib.suppress(OSError):
            entry.unlink()
            total -= size
