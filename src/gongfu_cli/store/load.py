"""Read data files into a validated `Dataset`.

Every problem in a file is collected (not only the first) with its place, so that `check` can
list them all and every other command can refuse a broken file with located messages.
"""

from __future__ import annotations

import unicodedata
from datetime import date
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
    Rule,
)
from gongfu_cli.errors import GongfuError, Place, Problem
from gongfu_cli.escapes import quote, shown_path
from gongfu_cli.i18n import T
from gongfu_cli.store.documents import Document, read_documents
from gongfu_cli.store.load_readings import collect_readings, declared_ids
from gongfu_cli.store.validate import MIN_SPAN, FileChecker

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

    indicator_readings = collect_readings(readings, declared_ids(buses), {b.id for b in pending})
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
