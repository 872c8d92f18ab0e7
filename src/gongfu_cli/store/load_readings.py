"""The readings of a dataset, from every file: the common case checked cheaply (a file may hold
hundreds of thousands), the rest checked thoroughly with located messages, and two readings of
one indicator on one date refused."""

from __future__ import annotations

from datetime import date
from itertools import pairwise
from typing import Any

from gongfu_cli.domain import fields as declared
from gongfu_cli.domain.model import (
    Reading,
)
from gongfu_cli.errors import Place
from gongfu_cli.escapes import quote, shown_path
from gongfu_cli.i18n import T
from gongfu_cli.store.validate import NUMBER_LIMIT, FileChecker, did_you_mean


def declared_ids(buses: list[tuple[dict[str, Any], FileChecker]]) -> dict[str, set[str]]:
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


def collect_readings(
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
        group.sort(
            key=lambda reading: reading.date
        )  # stable: of two on one date, the first stays first
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
