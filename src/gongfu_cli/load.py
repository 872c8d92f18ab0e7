"""Read data files into a validated `Dataset`.

Every problem in a file is collected (not only the first) with its place, so that `check` can
list them all and every other command can refuse a broken file with located messages.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Iterable
from datetime import date, datetime
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gongfu_cli.errors import GongfuError, Place, Problem
from gongfu_cli.model import Bus, Dataset, Indicator, Program, Reading

if TYPE_CHECKING:  # the line index is only needed, and imported, when there are problems
    from gongfu_cli.locate import LineIndex

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

PROGRAM_KEYS = ("name", "region", "source")
BUS_KEYS = (
    "id",
    "name",
    "batch",
    "launched",
    "due",
    "lead",
    "field",
    "summary",
    "source",
    "indicators",
)
BUS_REQUIRED = ("id", "name", "batch", "launched", "field")
INDICATOR_KEYS = ("id", "name", "unit", "target", "baseline", "start", "due", "weight")
INDICATOR_REQUIRED = ("id", "name")
READING_KEYS = ("bus", "indicator", "date", "value", "source", "note")
READING_REQUIRED = ("bus", "indicator", "date", "value")
TOP_KEYS = ("program", "buses", "readings")


def quote(text: object, limit: int = 60) -> str:
    """Show user text inside a message: quoted, escapes visible, never too long."""
    shown = _quoted(text) if isinstance(text, str) else str(text)
    return shown if len(shown) <= limit else shown[: limit - 2] + '…"'


# JSON's string escapes for quotes, backslashes and control characters (C1 and DEL too, which
# terminals act on); everything else, Chinese included, as is.
_CONTROLS = [*range(0x20), *range(0x7F, 0xA0)]
_ESCAPES = {i: f"\\u{i:04x}" for i in _CONTROLS} | {
    ord('"'): '\\"',
    ord("\\"): "\\\\",
    ord("\n"): "\\n",
    ord("\t"): "\\t",
    ord("\r"): "\\r",
}


def _quoted(text: str) -> str:
    return '"' + text.translate(_ESCAPES) + '"'


def _type_name(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, datetime):
        return "a date-time"
    if isinstance(value, date):
        return "a date"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


class _FileChecker:
    """Collects the problems of one file, each with its place."""

    def __init__(self, file: str, text: str) -> None:
        self.file = file
        self.text = text
        self.problems: list[Problem] = []
        self._index: LineIndex | None = None  # built on the first problem, never for clean files

    @property
    def index(self) -> LineIndex:
        if self._index is None:
            from gongfu_cli.locate import index_lines

            self._index = index_lines(self.text)
        return self._index

    def error(self, message: str, place: Place) -> None:
        self.problems.append(Problem(self.file, message, place))

    def located(self) -> list[Problem]:
        """The problems with their line numbers filled in."""
        if not self.problems:
            return []
        index = self.index
        out = []
        for p in self.problems:
            line = index.line_of(p.place)
            out.append(
                Problem(
                    p.file,
                    p.message,
                    Place(p.place.table, p.place.index, p.place.key, line, p.place.column),
                    p.severity,
                )
            )
        return out

    def keys(
        self,
        table: dict[str, Any],
        allowed: tuple[str, ...],
        required: tuple[str, ...],
        what: str,
        place: Place,
    ) -> None:
        for key in table:
            if key not in allowed:
                hint = _did_you_mean(key, allowed)
                self.error(
                    f"{what}: unknown key {quote(key)}{hint}; allowed keys: {', '.join(allowed)}",
                    Place(place.table, place.index, key),
                )
        for key in required:
            if key not in table:
                self.error(f"{what}: missing key {quote(key)}", place)

    def get(self, table: dict[str, Any], key: str, kind: str, what: str, place: Place) -> Any:
        """The value at `key` if it has the right kind, else None (and a problem)."""
        if key not in table:
            return None
        value = table[key]
        ok = _KIND_CHECKS[kind](value)
        if ok is True:
            return value
        at = Place(place.table, place.index, key)
        got = _type_name(value)
        shown = quote(value) if isinstance(value, str | int | float) else ""
        detail = ok if isinstance(ok, str) else f"expected {_KIND_NAMES[kind]}, got {got}"
        if shown and not isinstance(ok, str):
            detail += f" ({shown})"
        if kind in ("number", "integer") and isinstance(value, str):
            detail += "; write numbers without quotes"
        if kind == "date" and isinstance(value, str):
            detail += "; write dates without quotes, as 2025-12-31"
        self.error(f"{what}: key {quote(key)}: {detail}", at)
        return None


def _did_you_mean(key: str, allowed: Iterable[str]) -> str:
    import difflib

    close = difflib.get_close_matches(key, list(allowed), n=1, cutoff=0.6)
    return f" (did you mean {quote(close[0])}?)" if close else ""


def _check_text(value: object) -> bool | str:
    if not isinstance(value, str):
        return False
    return True if value.strip() else "must not be empty"


def _check_slug(value: object) -> bool | str:
    if not isinstance(value, str):
        return False
    if SLUG.fullmatch(value):
        return True
    return (
        f"{quote(value)} is not a valid id: use lower-case ASCII letters, digits and single "
        'hyphens, e.g. "xiangcun-changxing"'
    )


def _check_number(value: object) -> bool | str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if isinstance(value, float) and not math.isfinite(value):
        return f"must be a finite number, got {value}"
    return True


def _check_integer(value: object) -> bool | str:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_date(value: object) -> bool | str:
    if isinstance(value, datetime):
        return f"must be a date like 2025-12-31, not a date-time ({value.isoformat()})"
    return isinstance(value, date)


def _check_leads(value: object) -> bool | str:
    if isinstance(value, str):
        return _check_text(value)
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(v, str) and v.strip() for v in value)
    )


def _check_tables(value: object) -> bool | str:
    return isinstance(value, list) and all(isinstance(v, dict) for v in value)


_KIND_CHECKS = {
    "text": _check_text,
    "slug": _check_slug,
    "number": _check_number,
    "integer": _check_integer,
    "date": _check_date,
    "leads": _check_leads,
    "tables": _check_tables,
    "table": lambda v: isinstance(v, dict),
}
_KIND_NAMES = {
    "text": "a string",
    "slug": "a string",
    "number": "a number",
    "integer": "a whole number",
    "date": "a date (2025-12-31)",
    "leads": "a string or an array of strings",
    "tables": "an array of tables",
    "table": "a table",
}


# ---------------------------------------------------------------------------------------------
# Reading files


def read_text(path: Path) -> str:
    """The file's text, or a clear error for a file that cannot be a data file."""
    name = str(path)
    if not path.exists():
        raise GongfuError(f"{name}: no such file")
    if path.is_dir():
        raise GongfuError(f"{name}: is a directory, expected a TOML file")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise GongfuError(f"{name}: cannot read: {exc.strerror or exc}") from None
    return decode(raw, name)


def decode(raw: bytes, name: str) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        try:
            raw.decode("gbk")
        except UnicodeDecodeError:
            hint = "save it as UTF-8"
        else:
            hint = (
                f"it looks like GBK (as some Windows editors save); convert it with: "
                f"iconv -f GBK -t UTF-8 {name} > {name}.utf8 && mv {name}.utf8 {name}"
            )
        raise GongfuError(
            "", [Problem(name, f"not UTF-8 text (byte {exc.start + 1}); {hint}", Place(line=line))]
        ) from None
    if not text.strip():
        raise GongfuError(
            "",
            [
                Problem(
                    name,
                    "the file is empty; a data file needs at least "
                    "one [[buses]] table (see `gongfu init`)",
                    Place(line=1),
                )
            ],
        )
    return text


_TOML_POS = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_TOML_END = re.compile(r"\s*\(at end of document\)$")


def parse(text: str, name: str) -> dict[str, Any]:
    """TOML text as a dict, or an error placed at the line and column of the syntax error."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        place = Place()
        if match := _TOML_POS.search(message):
            place = Place(line=int(match.group(1)), column=int(match.group(2)))
            message = message[: match.start()]
        elif match := _TOML_END.search(message):
            last = text.rstrip("\n").rsplit("\n", 1)[-1]
            place = Place(line=text.rstrip("\n").count("\n") + 1, column=len(last) + 1)
            message = message[: match.start()] + " (at the end of the file)"
        raise GongfuError("", [Problem(name, f"TOML syntax error: {message}", place)]) from None
    except RecursionError:
        raise GongfuError("", [Problem(name, "TOML nesting too deep to read")]) from None


def data_files(path: Path) -> list[Path]:
    """The files a data path stands for: itself, or every *.toml in a directory, by name."""
    if path.is_dir():
        files = sorted(p for p in path.glob("*.toml") if p.is_file())
        if not files:
            raise GongfuError(f"{path}: directory holds no *.toml data file")
        return files
    return [path]


Document = tuple[str, str, dict[str, Any]]  # file name, text, parsed TOML


def read_documents(path: Path) -> list[Document]:
    """Read and parse the file, or each *.toml file of a directory; syntax errors stop here."""
    docs = []
    for file in data_files(path):
        text = read_text(file)
        docs.append((str(file), text, parse(text, str(file))))
    return docs


def load_dataset(path: Path) -> Dataset:
    """Load one data file, or every *.toml file of a directory as one dataset."""
    return build_dataset(read_documents(path))


def load_text(text: str, name: str = "<text>") -> Dataset:
    """Load a dataset from TOML text (used to validate a file before it is written)."""
    return build_dataset([(name, text, parse(text, name))])


# ---------------------------------------------------------------------------------------------
# Validation


def build_dataset(docs: list[Document]) -> Dataset:
    """Validate parsed documents and build the model; raise with every problem found."""
    checkers: list[_FileChecker] = []
    program = Program()
    program_file: str | None = None
    buses: list[tuple[dict[str, Any], _FileChecker]] = []
    pending: list[dict[str, Any]] = []  # built bus fields, indicators still open
    bus_ids: dict[str, str] = {}
    bus_names: dict[str, str] = {}
    readings: list[tuple[dict[str, Any], int, _FileChecker]] = []

    for name, text, doc in docs:
        check = _FileChecker(name, text)
        checkers.append(check)
        check.keys(doc, TOP_KEYS, (), "top level", Place())
        if "program" in doc:
            table = check.get(doc, "program", "table", "top level", Place())
            if table is not None:
                if program_file is not None:
                    check.error(
                        f"[program] is given again (first in {program_file}); give it at most once",
                        Place("program", ()),
                    )
                else:
                    program_file = name
                    program = _build_program(table, check)
        for i, table in enumerate(check.get(doc, "buses", "tables", "top level", Place()) or []):
            built = _build_bus(table, i, check, bus_ids, bus_names)
            if built is not None:
                pending.append(built)
            buses.append((table, check))
        for k, table in enumerate(check.get(doc, "readings", "tables", "top level", Place()) or []):
            readings.append((table, k, check))

    indicator_readings = _collect_readings(readings, _declared(buses), {b["id"] for b in pending})
    result = []
    for built in pending:
        indicators = tuple(
            Indicator(
                **fields,
                readings=tuple(indicator_readings.get((built["id"], fields["id"]), ())),
            )
            for fields in built.pop("indicators")
        )
        result.append(Bus(**built, indicators=indicators))

    if not buses and not any(c.problems for c in checkers):
        where = checkers[0] if len(checkers) == 1 else None
        problem = Problem(
            where.file if where else ", ".join(c.file for c in checkers),
            "defines no bus: add at least one [[buses]] table",
            Place(line=1),
        )
        raise GongfuError("", [problem])

    problems = [p for c in checkers for p in c.located()]
    if problems:
        raise GongfuError(f"{len(problems)} problem(s) in the data", problems)
    return Dataset(program, tuple(result), tuple(c.file for c in checkers))


def _reading_date(reading: Reading) -> date:
    return reading.date


def _build_program(table: dict[str, Any], check: _FileChecker) -> Program:
    place = Place("program", ())
    check.keys(table, PROGRAM_KEYS, (), "[program]", place)
    return Program(*(check.get(table, key, "text", "[program]", place) for key in PROGRAM_KEYS))


def _build_bus(
    table: dict[str, Any], i: int, check: _FileChecker, ids: dict[str, str], names: dict[str, str]
) -> dict[str, Any] | None:
    place = Place("bus", (i,))
    raw_id = table.get("id")
    what = f"bus {quote(raw_id)}" if isinstance(raw_id, str) else f"bus #{i + 1}"
    before = len(check.problems)
    check.keys(table, BUS_KEYS, BUS_REQUIRED, what, place)
    bus_id = check.get(table, "id", "slug", what, place)
    name = check.get(table, "name", "text", what, place)
    batch = check.get(table, "batch", "integer", what, place)
    launched = check.get(table, "launched", "date", what, place)
    due = check.get(table, "due", "date", what, place)
    leads = check.get(table, "lead", "leads", what, place)
    field_ = check.get(table, "field", "text", what, place)
    summary = check.get(table, "summary", "text", what, place)
    source = check.get(table, "source", "text", what, place)
    if bus_id is not None:
        if bus_id in ids:
            check.error(
                f"{what}: duplicate bus id (first defined in {ids[bus_id]})",
                Place("bus", (i,), "id"),
            )
        else:
            ids[bus_id] = check.file
    if name is not None:
        if name in names:
            check.error(
                f"{what}: duplicate bus name {quote(name)} (first defined in {names[name]})",
                Place("bus", (i,), "name"),
            )
        else:
            names[name] = check.file
    if launched is not None and due is not None and due < launched:
        check.error(f"{what}: due {due} is before launched {launched}", Place("bus", (i,), "due"))

    indicators = []
    seen: dict[str, int] = {}
    for j, ind in enumerate(check.get(table, "indicators", "tables", what, place) or []):
        fields = _build_indicator(ind, i, j, what, launched, due, check, seen)
        if fields is not None:
            indicators.append(fields)
    if len(check.problems) > before:
        return None
    leads_tuple = (leads,) if isinstance(leads, str) else tuple(leads or ())
    return {
        "id": bus_id,
        "name": name,
        "batch": batch,
        "launched": launched,
        "due": due,
        "leads": leads_tuple,
        "field": field_,
        "summary": summary,
        "source": source,
        "file": check.file,
        "position": i,
        "indicators": indicators,
    }


def _build_indicator(
    table: dict[str, Any],
    i: int,
    j: int,
    bus_what: str,
    launched: date | None,
    bus_due: date | None,
    check: _FileChecker,
    seen: dict[str, int],
) -> dict[str, Any] | None:
    place = Place("indicator", (i, j))
    raw_id = table.get("id")
    what = (
        f"{bus_what}, indicator {quote(raw_id)}"
        if isinstance(raw_id, str)
        else f"{bus_what}, indicator #{j + 1}"
    )
    before = len(check.problems)
    check.keys(table, INDICATOR_KEYS, INDICATOR_REQUIRED, what, place)
    ind_id = check.get(table, "id", "slug", what, place)
    name = check.get(table, "name", "text", what, place)
    unit = check.get(table, "unit", "text", what, place)
    target = check.get(table, "target", "number", what, place)
    baseline = check.get(table, "baseline", "number", what, place)
    start = check.get(table, "start", "date", what, place)
    due = check.get(table, "due", "date", what, place)
    weight = check.get(table, "weight", "number", what, place)
    if ind_id is not None:
        if ind_id in seen:
            check.error(
                f"{what}: duplicate indicator id in this bus (first is indicator "
                f"#{seen[ind_id] + 1})",
                Place("indicator", (i, j), "id"),
            )
        else:
            seen[ind_id] = j
    baseline = 0 if baseline is None else baseline
    if target is not None and baseline is not None and target == baseline:
        check.error(
            f"{what}: target equals baseline ({target}); attainment would divide by zero",
            Place("indicator", (i, j), "target"),
        )
    if weight is not None and weight <= 0:
        check.error(
            f"{what}: weight must be greater than 0, got {weight}",
            Place("indicator", (i, j), "weight"),
        )
    start = launched if start is None else start
    due = bus_due if due is None else due
    if start is not None and due is not None and due < start:
        check.error(f"{what}: due {due} is before start {start}", Place("indicator", (i, j), "due"))
    if len(check.problems) > before:
        return None
    return {
        "id": ind_id,
        "name": name,
        "unit": unit or "",
        "target": target,
        "baseline": baseline,
        "start": start,
        "due": due,
        "weight": 1 if weight is None else weight,
    }


def _declared(buses: list[tuple[dict[str, Any], _FileChecker]]) -> dict[str, set[str]]:
    """The bus and indicator ids a file declares, valid or not, so that a reading of a bus
    with a mistake is not reported a second time as a reading of an unknown bus."""
    declared: dict[str, set[str]] = {}
    for table, _ in buses:
        indicators = table.get("indicators")
        ids = (
            [i.get("id") for i in indicators if isinstance(i, dict)]
            if isinstance(indicators, list)
            else []
        )
        if isinstance(table.get("id"), str):
            declared.setdefault(table["id"], set()).update(i for i in ids if isinstance(i, str))
    return declared


def _plain_reading(table: dict[str, Any], known: dict[str, set[str]]) -> bool:
    """The common case, checked cheaply: a reading with nothing wrong in it.

    Files can hold hundreds of thousands of readings; only the ones that fail this go through
    the thorough checks that build messages.
    """
    bus, indicator = table.get("bus"), table.get("indicator")
    if type(bus) is not str or type(indicator) is not str:
        return False
    value, source, note = table.get("value"), table.get("source"), table.get("note")
    indicators = known.get(bus)
    return (
        indicators is not None
        and indicator in indicators
        and type(table.get("date")) is date
        and (type(value) is int or (type(value) is float and math.isfinite(value)))
        and (source is None or (type(source) is str and source.strip() != ""))
        and (note is None or (type(note) is str and note.strip() != ""))
        # bus, indicator, date and value are there: any other key would make it longer
        and len(table) == 4 + (source is not None) + (note is not None)
    )


def _reading_problems(
    table: dict[str, Any], k: int, check: _FileChecker, known: dict[str, set[str]]
) -> str:
    """Report what is wrong with one reading; return how to name it in further messages."""
    place = Place("reading", (k,))
    what = f"reading #{k + 1}"
    bus = table.get("bus")
    indicator = table.get("indicator")
    if isinstance(bus, str) and isinstance(indicator, str):
        what += f" (bus {quote(bus)}, indicator {quote(indicator)})"
    check.keys(table, READING_KEYS, READING_REQUIRED, what, place)
    bus = check.get(table, "bus", "text", what, place)
    indicator = check.get(table, "indicator", "text", what, place)
    for key, kind in (("date", "date"), ("value", "number"), ("source", "text"), ("note", "text")):
        check.get(table, key, kind, what, place)
    if bus is not None and bus not in known:
        check.error(
            f"{what}: unknown bus {quote(bus)}{_did_you_mean(bus, known)}",
            Place("reading", (k,), "bus"),
        )
    elif bus is not None and indicator is not None and indicator not in known[bus]:
        check.error(
            f"{what}: bus {quote(bus)} has no indicator {quote(indicator)}"
            f"{_did_you_mean(indicator, known[bus])}",
            Place("reading", (k,), "indicator"),
        )
    return what


def _collect_readings(
    readings: list[tuple[dict[str, Any], int, _FileChecker]],
    known: dict[str, set[str]],
    built: set[str],
) -> dict[tuple[str, str], list[Reading]]:
    """Validate readings against the buses and group them, in date order, by (bus id,
    indicator id). Only the buses that were built get their readings."""
    grouped: dict[tuple[str, str], list[Reading]] = {}
    checkers = {check.file: check for _, _, check in readings}
    for table, k, check in readings:
        if not _plain_reading(table, known):
            before = len(check.problems)
            _reading_problems(table, k, check, known)
            if len(check.problems) > before:
                continue
        key = (table["bus"], table["indicator"])
        reading = Reading(
            table["date"], table["value"], table.get("source"), table.get("note"), check.file, k
        )
        group = grouped.get(key)
        if group is None:
            grouped[key] = [reading]
        else:
            group.append(reading)
    result = {}
    for (bus, indicator), group in grouped.items():
        group.sort(key=_reading_date)  # stable: of two on one date, the first stays first
        seconds = [b for a, b in pairwise(group) if a.date == b.date]
        for second in seconds:
            first = next(r for r in group if r.date == second.date)
            _second_reading(bus, indicator, first, second, checkers)
        if bus in built:
            result[(bus, indicator)] = [r for r in group if r not in seconds] if seconds else group
    return result


def _second_reading(
    bus: str, indicator: str, first: Reading, second: Reading, checkers: dict[str, _FileChecker]
) -> None:
    first_line = checkers[first.file].index.line_of(Place("reading", (first.position,)))
    where = f"{first.file}:{first_line}" if first_line else first.file
    checkers[second.file].error(
        f"reading #{second.position + 1} (bus {quote(bus)}, indicator {quote(indicator)}): a "
        f"second reading for {second.date}; the first is reading #{first.position + 1} at "
        f"{where}. Keep one of them: delete the other [[readings]] table, or correct its date",
        Place("reading", (second.position,), "date"),
    )
