"""`gongfu check`: the problems that do not stop a file from loading, but should be looked at.

Errors come from loading (see `load`); this module finds the warnings in a loaded dataset.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from gongfu_cli.errors import Place, Problem
from gongfu_cli.locate import index_lines
from gongfu_cli.model import Dataset
from gongfu_cli.validate import quote

STALE_AFTER = timedelta(days=365)


def find_warnings(dataset: Dataset, as_of: date, today: date) -> list[Problem]:
    """Readings before the start or in the future, values moving away from the target, and
    targets with a due date that nobody has reported on for a year."""
    found: list[Problem] = []
    for bus in dataset.buses:
        for j, ind in enumerate(bus.indicators):
            what = f"bus {quote(bus.id)}, indicator {quote(ind.id)}"
            previous = None
            for reading in ind.readings:
                at = Place("reading", (reading.position,), "date")
                if reading.date < ind.start:
                    found.append(
                        Problem(
                            reading.file,
                            f"{what}: reading of {reading.date} is "
                            f"dated before the indicator starts ({ind.start})",
                            at,
                            "warning",
                        )
                    )
                if reading.date > today:
                    found.append(
                        Problem(
                            reading.file,
                            f"{what}: reading of {reading.date} is "
                            f"in the future (today is {today})",
                            at,
                            "warning",
                        )
                    )
                if previous is not None and ind.target is not None:
                    towards = ind.target - ind.baseline
                    moved = reading.value - previous.value
                    if moved * towards < 0:
                        found.append(
                            Problem(
                                reading.file,
                                f"{what}: value {reading.value} on {reading.date} moved away from "
                                f"the target {ind.target} (it was {previous.value} on "
                                f"{previous.date})",
                                Place("reading", (reading.position,), "value"),
                                "warning",
                            )
                        )
                previous = reading
            if ind.target is not None and ind.due is not None:
                recent = [r for r in ind.readings if as_of - STALE_AFTER < r.date <= as_of]
                if not recent:
                    earlier = [r.date for r in ind.readings if r.date <= as_of]
                    latest = f"the latest is of {max(earlier)}" if earlier else "none yet"
                    found.append(
                        Problem(
                            bus.file,
                            f"{what}: no reading in the 365 days up to {as_of} ({latest})",
                            Place("indicator", (bus.position, j)),
                            "warning",
                        )
                    )
    return found


def place_lines(problems: list[Problem], texts: dict[str, str]) -> list[Problem]:
    """Fill in line numbers from the text of the file each problem belongs to."""
    indexes = {name: index_lines(text) for name, text in texts.items()}
    out = []
    for p in problems:
        index = indexes.get(p.file)
        line = index.line_of(p.place) if index else None
        out.append(replace(p, place=replace(p.place, line=line)))
    return sorted(out, key=lambda p: (p.file, p.place.line or 0))
