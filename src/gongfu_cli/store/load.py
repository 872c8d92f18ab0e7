"""Read data files into a validated `Dataset`.

Every problem in a file is collected (not only the first) with its place, so that `check` can
list them all and every other command can refuse a broken file with located messages.
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
import unicodedata
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Any

from gongfu_cli.domain import fields as declared
from gongfu_cli.domain.model import (
    Bus,
    Dataset,
    Indicator,
    Milestone,
    Number,
    Program,
    Reading,
    Rule,
)
from gongfu_cli.errors import GongfuError, Place, Problem
from gongfu_cli.escapes import quote, shown_path
from gongfu_cli.i18n import T, os_reason
from gongfu_cli.store.system import O_BINARY, O_NONBLOCK, blocking
from gongfu_cli.store.validate import MIN_SPAN, NUMBER_LIMIT, FileChecker, did_you_mean

# The programme's settings when the data does not give them, read from the one declaration of
# the data format: the loader applies them, and nothing below it has a default of its own.
_PROGRAM_DEFAULTS = {f.key: f.default for f in declared.PROGRAM}
DEFAULT_CADENCE = str(_PROGRAM_DEFAULTS["cadence"])
DEFAULT_LAG_TOLERANCE = float(str(_PROGRAM_DEFAULTS["lag_tolerance"]))
DEFAULT_REPORT_DAYS = int(str(_PROGRAM_DEFAULTS["report_days"]))
DEFAULT_MEETING = str(_PROGRAM_DEFAULTS["meeting"])
DEFAULT_REPLY_DAYS = int(str(_PROGRAM_DEFAULTS["reply_days"]))
DEFAULT_ESCALATION = (  # the ladder the declaration's default for `escalation` describes
    Rule("yellow", 1, "提醒"),
    Rule("red", 1, "督办"),
    Rule("red", 2, "约谈"),
    Rule("missing", 1, "催报"),
)

# ---------------------------------------------------------------------------------------------
# Reading files


MAX_SIZE = 512 * 1024 * 1024  # far beyond any real programme; refused before it fills memory


def read_text(path: Path) -> str:
    """The file's text, or a clear error for a file that cannot be a data file."""
    return decode_text(read_bytes(path), str(path))


def read_bytes(path: Path) -> bytes:
    """The file's bytes, at most MAX_SIZE of them (a FIFO such as `<(…)` works too)."""
    try:
        fd = os.open(path, os.O_RDONLY | O_NONBLOCK | O_BINARY)
    except FileNotFoundError:
        raise _file_error(path, T("no such file")) from None
    except IsADirectoryError:
        raise _file_error(path, T("is a directory, expected a TOML file")) from None
    except OSError as exc:
        raise _file_error(path, T("cannot read: {reason}", reason=_reason(exc))) from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise _file_error(path, T("is a directory, expected a TOML file"))
        if stat.S_ISREG(st.st_mode) and st.st_size > MAX_SIZE:
            raise _file_error(path, _too_large())
        blocking(fd)
        with os.fdopen(os.dup(fd), "rb") as handle:
            # a regular file's size, not MAX_SIZE: reading allocates what it is asked for
            raw = handle.read(st.st_size + 1 if stat.S_ISREG(st.st_mode) else MAX_SIZE + 1)
            if stat.S_ISREG(st.st_mode) and len(raw) > st.st_size:  # it grew meanwhile
                raw += handle.read(MAX_SIZE + 1 - len(raw))
    except OSError as exc:
        raise _file_error(path, T("cannot read: {reason}", reason=_reason(exc))) from None
    finally:
        os.close(fd)
    if len(raw) > MAX_SIZE:
        raise _file_error(path, _too_large())
    return raw


def _file_error(path: Path, message: str) -> GongfuError:
    """A problem with a file as a whole: it cannot be read, or cannot be a data file."""
    return GongfuError(
        T("{path}: {message}", path=shown_path(path), message=message),
        [Problem(str(path), message)],
    )


def _too_large() -> str:
    return T("larger than {size} MB, far beyond any real data file", size=MAX_SIZE // (1024 * 1024))


def _reason(exc: OSError) -> str:
    return os_reason(exc) if exc.strerror else str(exc)


def decode_text(raw: bytes, name: str) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        try:
            raw.decode("gbk")
        except UnicodeDecodeError:
            hint = T("save it as UTF-8")
        else:
            import shlex

            source, converted = (
                shlex.quote(shown_path(name)),
                shlex.quote(shown_path(name) + ".utf8"),
            )
            command = f"iconv -f GBK -t UTF-8 {source} > {converted} && mv {converted} {source}"
            hint = T(
                "it looks like GBK (as some Windows editors save); convert it with: {command}",
                command=command,
            )
        message = T("not UTF-8 text (byte {byte}); {hint}", byte=exc.start + 1, hint=hint)
        raise GongfuError("", [Problem(name, message, Place(line=line))]) from None
    if not text.strip():
        raise GongfuError(
            "",
            [
                Problem(
                    name,
                    T(
                        "the file is empty; a data file needs at least one [[buses]] table (see "
                        "`gongfu init`)"
                    ),
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
            message = T("{message} (at the end of the file)", message=message[: match.start()])
        problem = T("TOML syntax error: {message}", message=message)
        raise GongfuError("", [Problem(name, problem, place)]) from None
    except RecursionError:
        raise GongfuError("", [Problem(name, T("TOML nesting too deep to read"))]) from None
    except ValueError:  # an integer too long for Python to convert (over 4,300 digits)
        match = _LONG_DIGITS.search(text)
        line = text.count("\n", 0, match.start()) + 1 if match else None
        problem = T("a number with thousands of digits; numbers must lie between -1e15 and 1e15")
        raise GongfuError("", [Problem(name, problem, Place(line=line))]) from None


_LONG_DIGITS = re.compile(r"[0-9_]{4000,}")


def data_files(path: Path, recover: bool = True) -> list[Path]:
    """The files a data path stands for: itself, or every *.toml in a directory, by name.

    Opening a directory first finishes (or undoes) a change a killed process left half done;
    `recover=False` is for the writer that holds the directory's lock and has done so."""
    try:
        is_dir = stat.S_ISDIR(os.stat(path).st_mode)
    except FileNotFoundError:
        raise _file_error(path, T("no such file")) from None
    except OSError as exc:
        raise _file_error(path, T("cannot read: {reason}", reason=_reason(exc))) from None
    if is_dir:
        if recover:
            from gongfu_cli.store import journal

            journal.recover(path)
        try:
            files = sorted(path.glob("*.toml"))
        except OSError as exc:
            raise _file_error(path, T("cannot read: {reason}", reason=_reason(exc))) from None
        if not files:
            raise _file_error(path, T("directory holds no *.toml data file"))
        problems = [Problem(str(f), why) for f in files if (why := _not_data(f)) is not None]
        if problems:
            raise GongfuError("", problems)
        return files
    return [path]


def _not_data(path: Path) -> str | None:
    """Why a `*.toml` entry of a data directory cannot be read as a data file, or None.

    Skipping it would silently drop that agency's buses from every figure, so a dangling
    link, a FIFO, a device, a folder or a file nobody lets us read is an error naming it.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        target = _link_target(path)
        if target:
            return T("a symbolic link to {target}, which does not exist", target=target)
        return T("no such file")
    except OSError as exc:
        return T("cannot read: {reason}", reason=_reason(exc))
    mode = st.st_mode
    if stat.S_ISDIR(mode):
        return T("a directory named like a data file; rename it or move it out of the data folder")
    if not stat.S_ISREG(mode):
        kind = (T("a named pipe (FIFO)") if stat.S_ISFIFO(mode) else T("a socket")
                if stat.S_ISSOCK(mode) else T("a device"))  # fmt: skip
        return T("{kind}, not a regular file; a data folder holds only data files", kind=kind)
    if not os.access(path, os.R_OK):
        return T("cannot read: {reason}", reason=T("permission denied"))
    return None


def _link_target(path: Path) -> str | None:
    try:
        return os.readlink(path)
    except OSError:
        return None


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


# ---------------------------------------------------------------------------------------------
# Validation


def build_dataset(docs: list[Document]) -> Dataset:
    """Validate parsed documents and build the model; raise with every problem found."""
    checkers: list[FileChecker] = []
    program = Program(None, None, None, None, DEFAULT_LAG_TOLERANCE, DEFAULT_REPORT_DAYS,
                      DEFAULT_MEETING, DEFAULT_REPLY_DAYS, DEFAULT_ESCALATION)  # fmt: skip
    program_file: str | None = None
    buses: list[tuple[dict[str, Any], FileChecker]] = []
    pending: list[Bus] = []  # built buses whose indicators have no readings yet
    bus_ids: dict[str, str] = {}
    bus_names: dict[str, str] = {}
    readings: list[tuple[dict[str, Any], int, FileChecker]] = []

    for name, text, doc in docs:
        checker = FileChecker(name, text)
        checkers.append(checker)
        checker.keys(doc, declared.TOP_KEYS, (), T("top level"), Place())
        if "program" in doc:
            table = checker.get(doc, "program", "table", T("top level"), Place())
            if table is not None:
                if program_file is not None:
                    checker.error(
                        T(
                            "[program] is given again (first in {file}); give it at most once",
                            file=shown_path(program_file),
                        ),
                        Place("program", ()),
                    )
                else:
                    program_file = name
                    program = _build_program(table, checker)
        for i, table in enumerate(
            checker.get(doc, "buses", "tables", T("top level"), Place()) or []
        ):
            built = _build_bus(table, i, checker, bus_ids, bus_names)
            if built is not None:
                pending.append(built)
            buses.append((table, checker))
        for k, table in enumerate(
            checker.get(doc, "readings", "tables", T("top level"), Place()) or []
        ):
            readings.append((table, k, checker))

    indicator_readings = _collect_readings(readings, _declared(buses), {b.id for b in pending})
    result = [
        bus._replace(
            indicators=tuple(
                ind._replace(
                    readings=tuple(indicator_readings.get((bus.id, ind.id), ())),
                    cadence=ind.cadence or bus.cadence or program.cadence or DEFAULT_CADENCE,
                )
                for ind in bus.indicators
            ),
        )
        for bus in pending
    ]

    if not buses and not any(c.problems for c in checkers):
        where = checkers[0] if len(checkers) == 1 else None
        problem = Problem(
            where.file if where else ", ".join(c.file for c in checkers),
            T("defines no bus: add at least one [[buses]] table"),
            Place(line=1),
        )
        raise GongfuError("", [problem])

    problems = [p for c in checkers for p in c.located()]
    if problems:
        raise GongfuError(T("{count} problem(s) in the data", count=len(problems)), problems)
    return Dataset(program, tuple(result), tuple(c.file for c in checkers))


def _reading_date(reading: Reading) -> date:
    return reading.date


def _build_program(table: dict[str, Any], checker: FileChecker) -> Program:
    values = checker.take(table, declared.PROGRAM, "[program]", Place("program", ()))
    lag = values["lag_tolerance"]
    if lag is not None and not 0 < lag < 1:
        checker.error(
            T("[program]: lag_tolerance must lie strictly between 0 and 1, got {lag}", lag=lag),
            Place("program", (), "lag_tolerance"),
        )
        lag = None
    for key in ("report_days", "reply_days"):
        if values[key] is not None and not 0 <= values[key] <= declared.MAX_DAYS:
            checker.error(
                T(
                    "[program]: {key} must lie between 0 and {days} days, got {value}",
                    key=key,
                    days=declared.MAX_DAYS,
                    value=values[key],
                ),
                Place("program", (), key),
            )
            values[key] = None
    rules = values["escalation"]
    escalation = None if rules is None else _escalation(rules, checker)
    return Program(
        values["name"],
        values["region"],
        values["source"],
        values["cadence"],
        DEFAULT_LAG_TOLERANCE if lag is None else lag,
        DEFAULT_REPORT_DAYS if values["report_days"] is None else values["report_days"],
        values["meeting"] or DEFAULT_MEETING,
        DEFAULT_REPLY_DAYS if values["reply_days"] is None else values["reply_days"],
        DEFAULT_ESCALATION if escalation is None else escalation,
    )


def _escalation(tables: list[dict[str, Any]], checker: FileChecker) -> tuple[Rule, ...]:
    """The follow-up ladder's rules, each checked where it stands; a (light, streak) given
    twice would leave the action to chance, so it is an error."""
    rules: list[Rule] = []
    seen: dict[tuple[str, int], int] = {}
    for k, table in enumerate(tables):
        place = Place("escalation", (k,))
        what = T("[[program.escalation]] #{n}", n=k + 1)
        before = len(checker.problems)
        values = checker.take(table, declared.ESCALATION, what, place)
        streak = values["streak"]
        if streak is not None and streak < 1:
            checker.error(
                T("{what}: streak must be 1 or more, got {streak}", what=what, streak=streak),
                Place("escalation", (k,), "streak"),
            )
        if len(checker.problems) > before:
            continue
        key = (values["light"], streak)
        if key in seen:
            checker.error(
                T(
                    "{what}: a second rule for light {light} and streak {streak} (the first is "
                    "#{first}); keep one of them",
                    what=what,
                    light=quote(key[0]),
                    streak=streak,
                    first=seen[key] + 1,
                ),
                Place("escalation", (k,), "streak"),
            )
            continue
        seen[key] = k
        rules.append(Rule(values["light"], streak, values["action"]))
    return tuple(rules)


def _build_bus(
    table: dict[str, Any], i: int, checker: FileChecker, ids: dict[str, str], names: dict[str, str]
) -> Bus | None:
    place = Place("bus", (i,))
    raw_id = table.get("id")
    what = T("bus {id}", id=quote(raw_id)) if isinstance(raw_id, str) else T("bus #{n}", n=i + 1)
    before = len(checker.problems)
    values = checker.take(table, declared.BUS, what, place)
    bus_id, name, launched, due = values["id"], values["name"], values["launched"], values["due"]
    if bus_id is not None:
        if bus_id in ids:
            checker.error(
                T(
                    "{what}: duplicate bus id (first defined in {file})",
                    what=what,
                    file=ids[bus_id],
                ),
                Place("bus", (i,), "id"),
            )
        else:
            ids[bus_id] = shown_path(checker.file)
    if name is not None:
        key = unicodedata.normalize("NFKC", name)
        if key in names:
            checker.error(
                T(
                    "{what}: duplicate bus name {name} (first defined in {file}; names that "
                    "differ only in full-width or compatibility forms count as the same)",
                    what=what,
                    name=quote(name),
                    file=names[key],
                ),
                Place("bus", (i,), "name"),
            )
        else:
            names[key] = shown_path(checker.file)
    if launched is not None and due is not None and due < launched:
        checker.error(
            T(
                "{what}: due {due} is before launched {launched}",
                what=what,
                due=str(due),
                launched=str(launched),
            ),
            Place("bus", (i,), "due"),
        )

    indicators = []
    seen: dict[str, int] = {}  # indicator ids, and names in their NFKC form, to their position
    for j, ind in enumerate(values["indicators"] or []):
        built = _build_indicator(ind, i, j, what, launched, due, checker, seen)
        if built is not None:
            indicators.append(built)
    if len(checker.problems) > before:
        return None
    leads = values["lead"]
    return Bus(
        id=bus_id,
        name=name,
        batch=values["batch"],
        launched=launched,
        due=due,
        leads=(leads,) if isinstance(leads, str) else tuple(leads or ()),
        field=values["field"],
        summary=values["summary"],
        source=values["source"],
        indicators=tuple(indicators),
        file=checker.file,
        position=i,
        cadence=values["cadence"],
    )


def _build_indicator(
    table: dict[str, Any],
    i: int,
    j: int,
    bus_what: str,
    launched: date | None,
    bus_due: date | None,
    checker: FileChecker,
    seen: dict[str, int],
) -> Indicator | None:
    """The indicator, without its readings (they are attached once all files are read)."""
    place = Place("indicator", (i, j))
    raw_id = table.get("id")
    what = (
        T("{bus}, indicator {id}", bus=bus_what, id=quote(raw_id))
        if isinstance(raw_id, str)
        else T("{bus}, indicator #{n}", bus=bus_what, n=j + 1)
    )
    before = len(checker.problems)
    values = checker.take(table, declared.INDICATOR, what, place)
    ind_id, name, unit, target = values["id"], values["name"], values["unit"], values["target"]
    baseline, start, due, weight = (values[k] for k in ("baseline", "start", "due", "weight"))
    if ind_id is not None:
        if ind_id in seen:
            checker.error(
                T(
                    "{what}: duplicate indicator id in this bus (first is indicator #{n})",
                    what=what,
                    n=seen[ind_id] + 1,
                ),
                Place("indicator", (i, j), "id"),
            )
        else:
            seen[ind_id] = j
    if name is not None:
        key = "name:" + unicodedata.normalize("NFKC", name)
        if key in seen:
            checker.error(
                T(
                    "{what}: duplicate indicator name {name} in this bus (first is indicator #{n})",
                    what=what,
                    name=quote(name),
                    n=seen[key] + 1,
                ),
                Place("indicator", (i, j), "name"),
            )
        else:
            seen[key] = j
    baseline = 0 if baseline is None else baseline
    if target is not None and baseline is not None and abs(target - baseline) < MIN_SPAN:
        checker.error(
            T(
                "{what}: target equals baseline ({target}); attainment would divide by zero",
                what=what,
                target=target,
            )
            if target == baseline
            else T(
                "{what}: target {target} and baseline {baseline} are too close to measure "
                "progress between (they must differ by at least {span})",
                what=what,
                target=target,
                baseline=baseline,
                span=format(MIN_SPAN, "g"),
            ),
            Place("indicator", (i, j), "target"),
        )
    if weight is not None and weight <= 0:
        checker.error(
            T("{what}: weight must be greater than 0, got {weight}", what=what, weight=weight),
            Place("indicator", (i, j), "weight"),
        )
    start = launched if start is None else start
    due = bus_due if due is None else due
    if start is not None and due is not None and due < start:
        checker.error(
            T(
                "{what}: due {due} is before start {start}",
                what=what,
                due=str(due),
                start=str(start),
            ),
            Place("indicator", (i, j), "due"),
        )
    milestones = _milestones(values["milestones"], target, start, due, what, checker,
                             Place("indicator", (i, j), "milestones"))  # fmt: skip
    if len(checker.problems) > before:
        return None
    return Indicator(
        id=ind_id,
        name=name,
        unit=unit or "",
        target=target,
        baseline=baseline,
        start=start,
        due=due,
        weight=1 if weight is None else weight,
        readings=(),
        milestones=milestones,
        cadence=values["cadence"] or "",  # resolved from its bus and the programme later
    )


def _milestones(
    tables: list[dict[str, Any]] | None,
    target: Number | None,
    start: date | None,
    due: date | None,
    what: str,
    checker: FileChecker,
    place: Place,
) -> tuple[Milestone, ...]:
    """The milestones, in order, or an error for each rule they break."""
    if not tables:
        return ()
    milestones = tuple(Milestone(t["date"], t["value"]) for t in tables)
    if target is None or due is None:
        checker.error(
            T("{what}: milestones need a target and a due date (its own or its bus's)", what=what),
            place,
        )
        return ()
    for k, m in enumerate(milestones, start=1):
        if start is not None and m.date <= start:
            checker.error(
                T("{what}: milestone #{k} ({date}) is not after the start {start}", what=what,
                  k=k, date=str(m.date), start=str(start)),
                place,
            )  # fmt: skip
        if m.date >= due:
            checker.error(
                T("{what}: milestone #{k} ({date}) is not before the due date {due}", what=what,
                  k=k, date=str(m.date), due=str(due)),
                place,
            )  # fmt: skip
        if k > 1 and m.date <= milestones[k - 2].date:
            before = milestones[k - 2].date
            checker.error(
                T("{what}: milestone #{k} ({date}) is not after milestone #{previous} ({before}); "
                  "list them in date order", what=what, k=k, date=str(m.date), previous=k - 1,
                  before=str(before)),
                place,
            )  # fmt: skip
    return milestones


def _declared(buses: list[tuple[dict[str, Any], FileChecker]]) -> dict[str, set[str]]:
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
    by, received = table.get("by"), table.get("received")
    indicators = known.get(bus)
    return (
        indicators is not None
        and indicator in indicators
        and type(table.get("date")) is date
        and (type(value) is int or type(value) is float)
        and -NUMBER_LIMIT <= value <= NUMBER_LIMIT  # also false for NaN
        and (source is None or (type(source) is str and source.strip() != ""))
        and (note is None or (type(note) is str and note.strip() != ""))
        and (by is None or (type(by) is str and by.strip() != ""))
        and (received is None or type(received) is date)
        # bus, indicator, date and value are there: any other key would make it longer
        and len(table)
        == 4 + (source is not None) + (note is not None) + (by is not None) + (received is not None)
    )


def _reading_problems(
    table: dict[str, Any],
    k: int,
    checker: FileChecker,
    known: dict[str, set[str]],
    hints: dict[tuple[str, ...], str],
) -> str:
    """Report what is wrong with one reading; return how to name it in further messages."""
    place = Place("reading", (k,))
    bus = table.get("bus")
    indicator = table.get("indicator")
    if isinstance(bus, str) and isinstance(indicator, str):
        what = T(
            "reading #{n} (bus {bus}, indicator {indicator})",
            n=k + 1,
            bus=quote(bus),
            indicator=quote(indicator),
        )
    else:
        what = T("reading #{n}", n=k + 1)
    values = checker.take(table, declared.READING, what, place)
    bus, indicator = values["bus"], values["indicator"]
    if bus is not None and bus not in known:
        hint = hints.get((bus,))
        if hint is None:  # once per distinct name: a mistyped id may repeat 100,000 times
            hint = hints[(bus,)] = did_you_mean(bus, known)
        checker.error(
            T("{what}: unknown bus {bus}{hint}", what=what, bus=quote(bus), hint=hint),
            Place("reading", (k,), "bus"),
        )
    elif bus is not None and indicator is not None and indicator not in known[bus]:
        hint = hints.get((bus, indicator))
        if hint is None:
            hint = hints[(bus, indicator)] = did_you_mean(indicator, known[bus])
        checker.error(
            T(
                "{what}: bus {bus} has no indicator {indicator}{hint}",
                what=what,
                bus=quote(bus),
                indicator=quote(indicator),
                hint=hint,
            ),
            Place("reading", (k,), "indicator"),
        )
    return what


def _collect_readings(
    readings: list[tuple[dict[str, Any], int, FileChecker]],
    known: dict[str, set[str]],
    built: set[str],
) -> dict[tuple[str, str], list[Reading]]:
    """Validate readings against the buses and group them, in date order, by (bus id,
    indicator id). Only the buses that were built get their readings."""
    grouped: dict[tuple[str, str], list[Reading]] = {}
    checkers = {checker.file: checker for _, _, checker in readings}
    hints: dict[tuple[str, ...], str] = {}
    for table, k, checker in readings:
        if not _plain_reading(table, known):
            before = len(checker.problems)
            _reading_problems(table, k, checker, known, hints)
            if len(checker.problems) > before:
                continue
        key = (table["bus"], table["indicator"])
        reading = Reading(
            table["date"],
            table["value"],
            table.get("source"),
            table.get("note"),
            checker.file,
            k,
            table.get("by"),
            table.get("received"),
        )
        group = grouped.get(key)
        if group is None:
            grouped[key] = [reading]
        else:
            group.append(reading)
    result = {}
    for (bus, indicator), group in grouped.items():
        group.sort(key=_reading_date)  # stable: of two on one date, the first stays first
        if any(a.date == b.date for a, b in pairwise(group)):
            group = _drop_seconds(bus, indicator, group, checkers)
        if bus in built:
            result[(bus, indicator)] = group
    return result


def _drop_seconds(
    bus: str, indicator: str, group: list[Reading], checkers: dict[str, FileChecker]
) -> list[Reading]:
    """Report each second reading on a date already taken, and keep the first of each date."""
    kept: list[Reading] = []
    for reading in group:
        if kept and kept[-1].date == reading.date:
            _second_reading(bus, indicator, kept[-1], reading, checkers)
        else:
            kept.append(reading)
    return kept


def _second_reading(
    bus: str, indicator: str, first: Reading, second: Reading, checkers: dict[str, FileChecker]
) -> None:
    first_line = checkers[first.file].index.line_of(Place("reading", (first.position,)))
    where = f"{shown_path(first.file)}:{first_line}" if first_line else shown_path(first.file)
    checkers[second.file].error(
        T(
            "reading #{n} (bus {bus}, indicator {indicator}): a second reading for {date}; the "
            "first is reading #{first} at {where}. Keep one of them: delete the other "
            "[[readings]] table, or correct its date",
            n=second.position + 1,
            bus=quote(bus),
            indicator=quote(indicator),
            date=str(second.date),
            first=first.position + 1,
            where=where,
        ),
        Place("reading", (second.position,), "date"),
    )
