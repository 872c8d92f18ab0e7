"""Append a reading to a data file without touching a byte of what is already there.

The new file is the old bytes plus one `[[readings]]` table. It is validated as a whole before
it replaces the old one, written to a temporary file that is renamed over the original, and all
of it happens under a lock, so concurrent `record`s all land and a crash leaves either the old
file or the new one.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from gongfu_cli.display import day, number, percent, status_label, visible_line
from gongfu_cli.errors import GongfuError
from gongfu_cli.files import atomic_write
from gongfu_cli.load import build_dataset, decode, parse, read_documents
from gongfu_cli.locate import index_lines
from gongfu_cli.metrics import IndicatorResult
from gongfu_cli.model import Bus, Dataset, Indicator, Number, Reading
from gongfu_cli.paths import is_bundled
from gongfu_cli.resolve import resolve
from gongfu_cli.validate import quote


@dataclass(frozen=True, slots=True)
class Recorded:
    file: Path
    bus: Bus
    indicator: Indicator  # as it stands with the new reading
    reading: Reading
    written: bool


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
    where = f" in {done.file}" if done.written else ""
    return (
        f"{verb}: {visible_line(done.bus.name)} · {visible_line(done.indicator.name)} = "
        f"{number(done.reading.value, unit)} on {done.reading.date}{where}\n"
        f"now: value {number(now.value, unit) or '—'} ({day(now.value_date) or 'no data'})"
        f" · attainment {percent(now.attainment) or '—'}"
        f" · status {now.status.value} ({status_label(now.status.value)})"
    )


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """An exclusive lock on a lock file beside `path` (the data file itself gets replaced)."""
    lock_path = path.with_name(f".{path.name}.lock")
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise GongfuError(f"{lock_path}: cannot lock: {exc.strerror or exc}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def record(
    data: Path,
    bus_query: str,
    indicator_query: str,
    value: Number,
    day: date,
    source: str | None = None,
    note: str | None = None,
    dry_run: bool = False,
    today: date | None = None,
) -> Recorded:
    """Validate a new reading and append it to the file that defines its bus."""
    today = today or date.today()
    if day > today:
        raise GongfuError(
            f"the date {day} is in the future (today is {today}); a reading "
            "records what has been reached"
        )
    docs = read_documents(data)
    dataset = build_dataset(docs)
    bus = resolve(dataset.buses, bus_query)
    indicator = resolve(bus.indicators, indicator_query, kind="indicator")
    target = Path(bus.file)
    if is_bundled(target):
        raise GongfuError(
            f"{target} is the bundled dataset and is not changed by `record`. Start your own "
            "file and point gongfu at it:\n  gongfu init my-buses.toml\n"
            "  export GONGFU_DATA=my-buses.toml"
        )
    table = reading_table(bus.id, indicator.id, day, value, source, note)
    with locked(target):
        # Re-read under the lock: another `record` may have appended since the first read.
        original = target.read_bytes()
        text = decode(original, str(target))
        _refuse_inline_readings(text, parse(text, str(target)), target)
        _refuse_duplicate(
            build_dataset(_replace(docs, str(target), text, parse(text, str(target)))),
            bus.id,
            indicator.id,
            day,
            str(target),
            text,
        )
        new_bytes = appended(original, table)
        new_text = decode(new_bytes, str(target))
        new = build_dataset(_replace(docs, str(target), new_text, parse(new_text, str(target))))
        if not dry_run:
            mode = stat.S_IMODE(os.stat(target).st_mode)
            atomic_write(target, new_bytes, mode=mode)
    new_bus = resolve(new.buses, bus.id)
    new_indicator = resolve(new_bus.indicators, indicator.id, kind="indicator")
    reading = next(r for r in new_indicator.readings if r.date == day)
    return Recorded(target, new_bus, new_indicator, reading, written=not dry_run)


_READINGS_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*readings[ \t]*\]\]", re.MULTILINE)


def _refuse_inline_readings(text: str, doc: dict, target: Path) -> None:
    """`[[readings]]` cannot follow `readings = [...]` in TOML: say so before anything else."""
    if "readings" in doc and not _READINGS_HEADER.search(text):
        raise GongfuError(
            f"{target}: its readings are an inline array (readings = [...]), and TOML allows no "
            "[[readings]] table beside it, which is what `record` appends. Write each reading "
            "as a [[readings]] table (see the data format in the README), then record again"
        )


def _replace(docs: list, name: str, text: str, doc: dict) -> list:
    return [(name, text, doc) if n == name else (n, t, d) for n, t, d in docs]


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
