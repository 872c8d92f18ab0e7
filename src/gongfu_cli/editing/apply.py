"""Write changes to readings (add, replace, delete) into the data files, safely, all or none.

`record`, `delete` and `import` each plan their changes from the dataset; this module does the
rest the same way for all of them:

- Every file of the dataset is locked (symlinks followed), then read as it is now, and the plan
  is made again from that, so what was checked is what is written.
- Each file changes only where it must: new `[[readings]]` tables are appended, a replaced value
  is edited on its line, a deleted table is cut out (`tomledit`); every other byte stays.
- The result is loaded and validated as a whole before anything is written.
- Each file is replaced atomically, and only if nobody changed it since it was read; otherwise
  the whole change starts over from what is there now, so a concurrent editor's save is never
  lost. In a data folder every file read (not only those written) is checked, and the files
  are replaced together through a journal (`journal`), so that a failure, a signal or even a
  killed process leaves the data entirely old or entirely new.
- Locks held by another program are waited for at most `wait` seconds.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from gongfu_cli.domain.model import Bus, Dataset, Day, Indicator, Number, Reading
from gongfu_cli.editing.toml_text import (
    Replacement,
    appended,
    edited,
    has_inline_readings,
    reading_table,
)
from gongfu_cli.errors import GongfuError
from gongfu_cli.escapes import shown_path
from gongfu_cli.i18n import T, os_reason
from gongfu_cli.store import system
from gongfu_cli.store.documents import data_files, decode_text, parse, read_bytes
from gongfu_cli.store.files import (
    FileChanged,
    FileState,
    check_replaceable,
    real_path,
    replace_file,
)
from gongfu_cli.store.journal import Read, Target, recover, replace_together
from gongfu_cli.store.load import build_dataset
from gongfu_cli.store.paths import is_bundled

ATTEMPTS = 5  # times to start over when another program keeps changing a file


class Change(NamedTuple):
    """One reading to add, replace or delete; `same` is a reading already there as given."""

    action: str  # "add", "replace", "delete" or "same"
    bus: Bus
    indicator: Indicator
    date: date
    value: Number | None  # the new value (None for a deletion)
    source: str | None = None
    note: str | None = None
    old: Reading | None = None  # the reading already on that date
    origin: str = ""  # where the figure came from, e.g. "报送表.xlsx:市建设局!J3"
    by: str | None = None  # who reported it (填报人)
    received: Day | None = None  # the day it came in

    @property
    def file(self) -> str:
        """The file this change is written into: the reading's own, or its bus's."""
        return self.old.file if self.old is not None else self.bus.file


Planner = Callable[[Dataset], Sequence[Change]]


class Applied(NamedTuple):
    changes: tuple[Change, ...]
    dataset: Dataset  # as it stands with the changes
    files: tuple[str, ...]  # the files that change (or would)
    written: bool


class _Version(NamedTuple):
    """One data file as read: its identity then, its bytes, its text and its document."""

    name: str
    real: Path
    state: FileState
    raw: bytes
    text: str
    doc: dict[str, Any]


def _lock(
    stack: contextlib.ExitStack, real: Path, on_wait: Callable[[], None] | None, wait: float
) -> None:
    """Hold `real`'s write lock until `stack` closes, or stop with who holds it."""
    try:
        stack.enter_context(system.exclusive_lock(real, on_wait, wait))
    except system.Locked as locked:
        raise _locked(real, locked.holder, wait) from None
    except OSError as exc:
        raise GongfuError(
            T("{name}: cannot lock: {reason}", name=shown_path(real), reason=os_reason(exc))
        ) from None


def apply(
    data: Path,
    planner: Planner,
    dry_run: bool = False,
    on_wait: Callable[[], None] | None = None,
    on_retry: Callable[[], None] | None = None,
    wait: float = system.LOCK_WAIT,
) -> Applied:
    """Plan the changes from the data as it is, check the result, and write it (unless
    `dry_run`, which reads only and never waits for a lock). A lock held by another program
    is waited for at most `wait` seconds."""
    files = data_files(data)
    for file in files:
        if is_bundled(file):
            raise GongfuError(
                T(
                    "{name} is the bundled dataset and is not changed by gongfu. Start your own "
                    "file and point gongfu at it:\n  gongfu init my-buses.toml\n"
                    "  export GONGFU_DATA=my-buses.toml",
                    name=shown_path(file),
                )
            )
    if dry_run:
        versions = [_read(file) for file in files]
        changes, dataset, outputs = _prepare(versions, planner)
        return Applied(changes, dataset, tuple(outputs), False)
    reals = sorted({real_path(f) for f in files})
    folder = data if data.is_dir() else None  # a data directory: several files, one journal
    with contextlib.ExitStack() as stack:
        stack.enter_context(system.terminate_cleanly())  # SIGTERM too removes what is staged
        # the folder's lock is held while its journal may exist (see journal.py)
        for real in [real_path(folder)] if folder is not None else []:
            _lock(stack, real, on_wait, wait)
            recover(real, locked=True)
        for real in reals:
            _lock(stack, real, on_wait, wait)
        for attempt in range(ATTEMPTS):
            if attempt and folder is not None:  # a data file may have come or gone
                files = data_files(data, recover=False)
            versions = [_read(file) for file in files]
            changes, dataset, outputs = _prepare(versions, planner)
            by_name = {v.name: v for v in versions}
            for name in outputs:
                _check_writable(by_name[name].real, shown_path(name))
            try:
                if folder is None:
                    _replace_all([(by_name[name], new) for name, new in outputs.items()])
                elif outputs:
                    replace_together(
                        folder,
                        [Target(by_name[n].real, shown_path(n), new, by_name[n].state,
                                by_name[n].raw) for n, new in outputs.items()],
                        [Read(v.real, shown_path(v.name), v.state) for v in versions],
                        files,
                    )  # fmt: skip
            except FileChanged:  # an editor saved meanwhile: start over from what it saved
                if on_retry is not None:
                    on_retry()
                continue
            return Applied(changes, dataset, tuple(outputs), bool(outputs))
    raise GongfuError(
        T(
            "{name}: the data kept changing while gongfu was writing it (is an editor saving it "
            "over and over?); nothing was written. Try again",
            name=shown_path(data),
        )
    )


def _locked(real: Path, holder: str | None, wait: float) -> GongfuError:
    by = T(" ({holder})", holder=holder) if holder else ""
    values = {"name": shown_path(real), "by": by, "wait": format(wait, "g")}
    if real.is_dir():
        return GongfuError(
            T(
                "{name}: the data folder is locked by another program{by}; gave up after {wait} "
                "s and wrote nothing. Try again once it is done, or wait longer with --wait "
                "SECONDS",
                **values,
            )
        )
    return GongfuError(
        T(
            "{name}: the file is locked by another program{by}; gave up after {wait} s and "
            "wrote nothing. Try again once it is done, or wait longer with --wait SECONDS",
            **values,
        )
    )


def _read(file: Path) -> _Version:
    name = str(file)
    shown = shown_path(file)
    real = real_path(file)
    try:
        before = os.stat(real)
    except OSError as exc:
        raise GongfuError(
            T("{name}: cannot read: {reason}", name=shown, reason=os_reason(exc))
        ) from None
    raw = read_bytes(real)
    after = os.stat(real)
    if FileState.of(after) != FileState.of(before):  # changed while read: read once more
        before, raw = after, read_bytes(real)
    text = decode_text(raw, shown)
    return _Version(name, real, FileState.of(before), raw, text, parse(text, name))


def _prepare(
    versions: list[_Version], planner: Planner
) -> tuple[tuple[Change, ...], Dataset, dict[str, bytes]]:
    """The plan, the dataset it produces (validated) and the new bytes of each changed file."""
    dataset = build_dataset([(v.name, v.text, v.doc) for v in versions])
    changes = tuple(planner(dataset))
    grouped: dict[str, list[Change]] = defaultdict(list)
    for change in changes:
        if change.action != "same":
            grouped[change.file].append(change)
    by_name = {v.name: v for v in versions}
    outputs = {name: _new_bytes(by_name[name], group) for name, group in sorted(grouped.items())}
    new_docs = []
    for v in versions:
        if v.name in outputs:
            text = decode_text(outputs[v.name], shown_path(v.name))
            new_docs.append((v.name, text, parse(text, v.name)))
        else:
            new_docs.append((v.name, v.text, v.doc))
    return changes, build_dataset(new_docs) if outputs else dataset, outputs


def _new_bytes(version: _Version, changes: list[Change]) -> bytes:
    name = shown_path(version.name)
    replace = {
        c.old.position: Replacement(c.value, c.source, c.note, c.by, c.received)  # type: ignore[arg-type]
        for c in changes
        if c.action == "replace" and c.old is not None
    }
    delete = [c.old.position for c in changes if c.action == "delete" and c.old is not None]
    new = edited(version.raw, version.doc, name, replace, delete)
    adds = sorted((c for c in changes if c.action == "add"), key=lambda c: c.date)
    if adds and has_inline_readings(version.text, version.doc):
        raise GongfuError(
            T(
                "{name}: its readings are an inline array (readings = [...]), and TOML allows no "
                "[[readings]] table beside it, which is what new readings are written as. Write "
                "each reading as a [[readings]] table (see docs/data-format.md), then "
                "try again",
                name=name,
            )
        )
    tables = []
    for c in adds:
        assert c.value is not None  # an addition always has a value
        tables.append(
            reading_table(
                c.bus.id, c.indicator.id, c.date, c.value, c.source, c.note, c.by, c.received
            )
        )
    return appended(new, tables)


def _replace_all(outputs: list[tuple[_Version, bytes]]) -> None:
    """Replace each file if it is still the version read; put back the ones already replaced
    when a later one fails, so a change to several files lands whole or not at all."""
    done: list[_Version] = []
    try:
        for version, new in outputs:
            replace_file(version.real, new, shown_path(version.name), expect=version.state)
            done.append(version)
    except GongfuError:
        for version in reversed(done):
            with contextlib.suppress(GongfuError, OSError):
                replace_file(version.real, version.raw, shown_path(version.name))
        raise


def _check_writable(real: Path, name: str) -> None:
    try:
        st = os.stat(real)
    except OSError as exc:
        raise GongfuError(
            T("{name}: cannot write: {reason}", name=name, reason=os_reason(exc))
        ) from None
    if not stat.S_ISREG(st.st_mode):
        raise GongfuError(T("{name}: not a regular file; readings go into a data file", name=name))
    check_replaceable(real, st, name)


def find_reading(indicator: Indicator, day: date) -> Reading | None:
    for reading in indicator.readings:
        if reading.date == day:
            return reading
    return None


def reading_place(reading: Reading) -> str:
    """`FILE:LINE` of a reading's [[readings]] table, read only when a message needs it."""
    from gongfu_cli.store.locate import index_lines

    name = shown_path(reading.file)
    try:
        with open(reading.file, encoding="utf-8-sig") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError):
        return name
    line = index_lines(text).tables.get(("reading", (reading.position,)))
    return f"{name}:{line}" if line else name
