"""Append a reading to a data file without touching a byte of what is already there.

The new file is the old bytes plus one `[[readings]]` table. Under an exclusive lock on the
real data file (symlinks followed), every file of the dataset is read as it is now, the result
is validated as a whole, and it replaces the old file only if nobody changed the file since it
was read; otherwise it starts over from the new content, so a concurrent editor's save is never
lost. A crash leaves either the old file or the new one.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import NamedTuple

from gongfu_cli import system
from gongfu_cli.check import reading_warnings
from gongfu_cli.display import date_text, number, percent, status_label, visible_line
from gongfu_cli.entry import EntryError, check_text, parse_number
from gongfu_cli.errors import GongfuError, shown_path
from gongfu_cli.files import FileChanged, FileState, check_replaceable, real_path, replace_file
from gongfu_cli.load import build_dataset, decode_text, parse, read_bytes, read_documents
from gongfu_cli.locate import index_lines
from gongfu_cli.metrics import IndicatorResult
from gongfu_cli.model import Bus, Dataset, Indicator, Number, Reading
from gongfu_cli.paths import is_bundled
from gongfu_cli.resolve import resolve
from gongfu_cli.validate import quote

ATTEMPTS = 5  # times to start over when another program keeps changing the file


class BadValue(GongfuError):
    """VALUE, --source or --note is not something gongfu can store: a usage mistake."""


class Recorded(NamedTuple):
    file: Path
    bus: Bus
    indicator: Indicator  # as it stands with the new reading
    reading: Reading
    written: bool
    warnings: tuple[str, ...] = ()  # what `check` would say of this reading


def reading_table(
    bus: str, indicator: str, day: date, value: Number, source: str | None, note: str | None
) -> str:
    """One `[[readings]]` table: our header, tomli-w's keys and values.

    tomli-w alone may write a short array of tables inline (`readings = [{…}]`), which at the
    end of a file would land inside the previous table; the explicit header never does.
    """
    import tomli_w

    table: dict[str, object] = {"bus": bus, "indicator": indicator, "date": day, "value": value}
    if source:
        table["source"] = source
    if note:
        table["note"] = note
    return "[[readings]]\n" + tomli_w.dumps(table)


def appended(original: bytes, table: str) -> bytes:
    """The original bytes, a blank line, then the table, in the file's own line endings."""
    newline = b"\r\n" if b"\r\n" in original else b"\n"
    body = table.encode("utf-8").replace(b"\n", newline)
    if original and not original.endswith(b"\n"):
        original += newline
    separator = newline if original.strip() else b""
    return original + separator + body


def recorded_message(done: Recorded, now: IndicatorResult) -> str:
    """What `record` tells the user: the reading, then where the indicator stands."""
    unit = done.indicator.unit
    verb = "recorded" if done.written else "would record"
    where = f" in {shown_path(done.file)}" if done.written else ""
    return (
        f"{verb}: {visible_line(done.bus.name)} · {visible_line(done.indicator.name)} = "
        f"{number(done.reading.value, unit)} on {done.reading.date}{where}\n"
        f"now: value {number(now.value, unit) or '—'} ({date_text(now.value_date) or 'no data'})"
        f" · attainment {percent(now.attainment) or '—'}"
        f" · status {now.status.value} ({status_label(now.status)})"
    )


def record(
    data: Path,
    bus_query: str,
    indicator_query: str,
    value: str | Number,
    day: date,
    source: str | None = None,
    note: str | None = None,
    dry_run: bool = False,
    today: date | None = None,
    on_wait: Callable[[], None] | None = None,
    on_retry: Callable[[], None] | None = None,
) -> Recorded:
    """Validate a new reading and append it to the file that defines its bus.

    `value` may be text as a person typed it (`８５．５`, `1,200`, `85%` for a % indicator); it
    is read once the indicator, and so its unit, is known.
    """
    today = today or date.today()
    if day > today:
        raise GongfuError(
            f"the date {day} is in the future (today is {today}); a reading "
            "records what has been reached"
        )
    try:
        source = check_text(source, "--source")
        note = check_text(note, "--note")
    except EntryError as exc:
        raise BadValue(str(exc)) from None
    dataset = build_dataset(read_documents(data))
    bus = resolve(dataset.buses, bus_query)
    indicator = resolve(bus.indicators, indicator_query, kind="indicator")
    if not isinstance(value, int | float):
        try:
            value = parse_number(value, indicator.unit)
        except EntryError as exc:
            raise BadValue(str(exc)) from None
    target = Path(bus.file)
    name = shown_path(target)
    if is_bundled(target):
        raise GongfuError(
            f"{name} is the bundled dataset and is not changed by `record`. Start your own "
            "file and point gongfu at it:\n  gongfu init my-buses.toml\n"
            "  export GONGFU_DATA=my-buses.toml"
        )
    table = reading_table(bus.id, indicator.id, day, value, source, note)
    real = real_path(target)
    if dry_run:  # reads only: never waits for a lock
        new = _with_reading(data, target, real, table, bus.id, indicator.id, day)[1]
    else:
        new = _write_locked(
            data, target, real, table, (bus.id, indicator.id, day), on_wait, on_retry
        )
    new_bus = resolve(new.buses, bus.id)
    new_indicator = resolve(new_bus.indicators, indicator.id, kind="indicator")
    reading = next(r for r in new_indicator.readings if r.date == day)
    warnings = tuple(reading_warnings(new_indicator, reading, today))
    return Recorded(target, new_bus, new_indicator, reading, not dry_run, warnings)


def _write_locked(
    data: Path,
    target: Path,
    real: Path,
    table: str,
    key: tuple[str, str, date],
    on_wait: Callable[[], None] | None,
    on_retry: Callable[[], None] | None,
) -> Dataset:
    name = shown_path(target)
    _check_writable(real, name)
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(system.exclusive_lock(real, on_wait))
        except OSError as exc:
            raise GongfuError(
                f"{name}: cannot lock: {(exc.strerror or str(exc)).lower()}"
            ) from None
        for _ in range(ATTEMPTS):
            _check_writable(real, name)
            state, dataset, new_bytes = _with_reading(data, target, real, table, *key)
            try:
                replace_file(real, new_bytes, name, expect=state)
            except FileChanged:  # an editor saved meanwhile: start over from what it saved
                if on_retry is not None:
                    on_retry()
                continue
            return dataset
    raise GongfuError(
        f"{name}: the file kept changing while gongfu was writing it (is an editor saving "
        "it over and over?); nothing was recorded. Try again"
    )


def _check_writable(real: Path, name: str) -> None:
    try:
        st = os.stat(real)
    except OSError as exc:
        raise GongfuError(f"{name}: cannot write: {(exc.strerror or str(exc)).lower()}") from None
    if not stat.S_ISREG(st.st_mode):
        raise GongfuError(f"{name}: not a regular file; readings go into a data file")
    check_replaceable(real, st, name)


def _with_reading(
    data: Path, target: Path, real: Path, table: str, bus_id: str, indicator_id: str, day: date
) -> tuple[FileState, Dataset, bytes]:
    """The target file's version as read, and the dataset and bytes with the new reading.

    Every file of the dataset is read afresh here (under the lock, when writing), so the
    check for duplicates sees what the other files hold now, not an earlier copy.
    """
    name = shown_path(target)
    before = os.stat(real)
    original = read_bytes(real)
    if FileState.of(os.stat(real)) != FileState.of(before):
        before = os.stat(real)  # changed while read: read once more
        original = read_bytes(real)
    text = decode_text(original, name)
    docs = [(n, text, parse(text, name)) if n == str(target) else (n, t, d)
            for n, t, d in read_documents(data)]  # fmt: skip
    doc = next(d for n, _, d in docs if n == str(target))
    _refuse_inline_readings(text, doc, name)
    _refuse_duplicate(build_dataset(docs), bus_id, indicator_id, day, name, text)
    new_bytes = appended(original, table)
    new_text = decode_text(new_bytes, name)
    new_docs = [(n, new_text, parse(new_text, name)) if n == str(target) else (n, t, d)
                for n, t, d in docs]  # fmt: skip
    return FileState.of(before), build_dataset(new_docs), new_bytes


_READINGS_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*readings[ \t]*\]\]", re.MULTILINE)


def _refuse_inline_readings(text: str, doc: dict, name: str) -> None:
    """`[[readings]]` cannot follow `readings = [...]` in TOML: say so before anything else."""
    if "readings" in doc and not _READINGS_HEADER.search(text):
        raise GongfuError(
            f"{name}: its readings are an inline array (readings = [...]), and TOML allows no "
            "[[readings]] table beside it, which is what `record` appends. Write each reading "
            "as a [[readings]] table (see the data format in the README), then record again"
        )


def _refuse_duplicate(
    dataset: Dataset, bus_id: str, indicator_id: str, day: date, file: str, text: str
) -> None:
    bus = resolve(dataset.buses, bus_id)
    indicator = resolve(bus.indicators, indicator_id, kind="indicator")
    for reading in indicator.readings:
        if reading.date == day:
            line = _reading_line(text, bus_id, indicator_id, day)
            where = f"{file}:{line}" if line else file
            raise GongfuError(
                f"bus {quote(bus_id)}, indicator {quote(indicator_id)} already has a reading on "
                f"{day} (value {reading.value}, at {where}); to correct it, edit that "
                "[[readings]] table"
            )


def _reading_line(text: str, bus_id: str, indicator_id: str, day: date) -> int | None:
    """The line of the [[readings]] table for this bus, indicator and date, if it can be found."""
    import tomllib

    readings = tomllib.loads(text).get("readings", [])
    index = index_lines(text)
    for k, table in enumerate(readings):
        if (table.get("bus"), table.get("indicator"), table.get("date")) == (
            bus_id,
            indicator_id,
            day,
        ):
            return index.tables.get(("reading", (k,)))
    return None
