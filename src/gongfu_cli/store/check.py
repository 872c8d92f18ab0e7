"""`gongfu check`: every problem of a dataset, as a result the CLI renders like any table.

Errors come from loading (see `load`); this module finds the warnings in a loaded dataset and
puts both into a `CheckResult`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any, NamedTuple

from gongfu_cli.domain.metrics import assess, attainment, latest_reading
from gongfu_cli.domain.model import Dataset, Indicator, Reading
from gongfu_cli.errors import GongfuError, Place, Problem
from gongfu_cli.escapes import quote, shown_path
from gongfu_cli.i18n import T, Text, _, said
from gongfu_cli.store.locate import index_lines


def find_warnings(dataset: Dataset, as_of: date, today: date) -> list[Problem]:
    """Each reading's warnings (see `reading_warnings`), and stale indicators (`is_stale`):
    those that owe the figures of their due period."""
    found: list[Problem] = []
    report_days = dataset.program.report_days
    for bus, assessed in zip(dataset.buses, assess(dataset, as_of), strict=True):
        for j, (ind, result) in enumerate(zip(bus.indicators, assessed.indicators, strict=True)):
            what = T("bus {bus}, indicator {indicator}", bus=quote(bus.id), indicator=quote(ind.id))
            previous = None
            for reading in ind.readings:
                for key, message in _reading_checks(ind, reading, previous, today):
                    found.append(
                        Problem(
                            reading.file,
                            T("{what}: {message}", what=what, message=message),
                            Place("reading", (reading.position,), key),
                            "warning",
                        )
                    )
                previous = reading
            if result.stale and result.period is not None:
                latest = latest_reading(ind, as_of)
                since = (
                    T("the latest is of {date}", date=str(latest.date)) if latest else T("none yet")
                )
                found.append(
                    Problem(
                        bus.file,
                        T(
                            "{what}: no reading for {period} (it reports {cadence}; due {due}) up "
                            "to {as_of} ({since})",
                            what=what,
                            period=result.period.label,
                            cadence=_cadence(ind.cadence),
                            due=str(result.period.last + timedelta(report_days)),
                            as_of=str(as_of),
                            since=since,
                        ),
                        Place("indicator", (bus.position, j)),
                        "warning",
                    )
                )
    return found


def _cadence(cadence: str) -> str:
    """How often an indicator reports, as a warning says it (the data's own word in English)."""
    words = {
        "monthly": T("monthly"),
        "quarterly": T("quarterly"),
        "half-yearly": T("half-yearly"),
        "yearly": T("yearly"),
    }
    return words.get(cadence, cadence)


def reading_warnings(indicator: Indicator, reading: Reading, today: date) -> list[Text]:
    """What `check` says of one reading of an indicator, for `record` to show at once."""
    index = indicator.readings.index(reading)
    previous = indicator.readings[index - 1] if index else None
    return [message for _, message in _reading_checks(indicator, reading, previous, today)]


def dated_warnings(
    indicator: Indicator, dates: set[date], today: date
) -> Iterator[tuple[date, Text]]:
    """(date, message) for the readings on `dates`, in one pass over the indicator's readings."""
    previous = None
    for reading in indicator.readings:
        if reading.date in dates:
            for _, message in _reading_checks(indicator, reading, previous, today):
                yield reading.date, message
        previous = reading


JUMP = 2.0  # an attainment past 200% is more often a wrong unit than a triumph


def _reading_checks(
    ind: Indicator, reading: Reading, previous: Reading | None, today: date
) -> Iterator[tuple[str, Text]]:
    """(key, message) for each thing worth a second look in one reading."""
    if reading.date < ind.start:
        yield (
            "date",
            T(
                "reading of {date} is dated before the indicator starts ({start})",
                date=str(reading.date),
                start=str(ind.start),
            ),
        )
    if reading.date > today:
        yield (
            "date",
            T(
                "reading of {date} is in the future (today is {today})",
                date=str(reading.date),
                today=str(today),
            ),
        )
    if ind.target is None:
        return
    if previous is not None:
        towards = ind.target - ind.baseline
        moved = reading.value - previous.value
        if moved * towards < 0:
            yield (
                "value",
                T(
                    "value {value} on {date} moved away from the target {target} (it was "
                    "{before} on {before_date})",
                    value=reading.value,
                    date=str(reading.date),
                    target=ind.target,
                    before=previous.value,
                    before_date=str(previous.date),
                ),
            )
    now = attainment(reading.value, ind.baseline, ind.target)
    before = attainment(previous.value, ind.baseline, ind.target) if previous else None
    if now is not None and now > JUMP and (before is None or before <= JUMP):
        yield (
            "value",
            T(
                "value {value} on {date} puts attainment at {attainment}, past {limit}: check "
                "the unit?",
                value=reading.value,
                date=str(reading.date),
                attainment=format(now, ".0%"),
                limit=format(JUMP, ".0%"),
            ),
        )


def place_lines(problems: list[Problem], texts: dict[str, str]) -> list[Problem]:
    """Fill in line numbers from the text of the file each problem belongs to."""
    indexes = {name: index_lines(text) for name, text in texts.items()}
    out = []
    for p in problems:
        index = indexes.get(p.file)
        line = index.line_of(p.place) if index else None
        out.append(p._replace(place=p.place._replace(line=line)))
    return sorted(out, key=lambda p: (p.file, p.place.line or 0))


CHECK_COLUMNS = ("file", "line", "severity", "message")


def _severity(severity: str) -> str:
    return _("warning") if severity == "warning" else _("error")


class CheckResult(NamedTuple):
    path: str
    problems: tuple[Problem, ...]  # errors when the data did not load, else warnings
    dataset: Dataset | None  # None when the data did not load

    def failed(self, strict: bool) -> bool:
        return self.dataset is None or (strict and bool(self.problems))

    def rows(self, human: bool = False) -> list[dict[str, Any]]:
        """One row per problem: English for machine formats, the reader's language in the
        workbook sent back to an agency (`human`)."""
        return [
            {
                "file": p.file,
                "line": p.line,
                "severity": _severity(p.severity) if human else p.severity,
                "message": said(p.message) if human else p.message,
            }
            for p in self.problems
        ]

    def lines(self) -> list[str]:
        """The text report: FILE:LINE: message, then one summary line if the data loaded."""
        out = [str(p) for p in self.problems]
        if self.dataset is not None:
            d, warnings = self.dataset, len(self.problems)
            found = _("no problems") if not warnings else _("{n} warning(s)").format(n=warnings)
            out.append(
                _(
                    "{path}: {buses} buses, {indicators} indicators, {readings} readings; {found}"
                ).format(
                    path=shown_path(self.path),
                    buses=len(d.buses),
                    indicators=d.indicator_count(),
                    readings=d.reading_count(),
                    found=found,
                )
            )
        return out


def run_check(path: Path, as_of: date, today: date, use_cache: bool = True) -> CheckResult:
    """Load the data as every command does (the cache included), then look for warnings."""
    from gongfu_cli.store.cache import load
    from gongfu_cli.store.documents import read_text

    try:
        dataset = load(path, use_cache)
    except GongfuError as error:
        problems = error.problems or (Problem(str(path), error.message),)
        return CheckResult(str(path), tuple(problems), None)
    warnings = find_warnings(dataset, as_of, today)
    texts = {file: read_text(Path(file)) for file in {p.file for p in warnings}}
    return CheckResult(str(path), tuple(place_lines(warnings, texts)), dataset)
