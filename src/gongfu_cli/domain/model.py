"""The domain: a programme of bus lines, their indicators and dated readings.

Plain frozen records with no behaviour beyond derived names; loading builds them and metrics
reads them.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

Number = int | float
Day = date  # for fields declared after one named `date`, which hides the type in the class


class Reading(NamedTuple):
    """The level of one indicator on one date (a level, not an increment).

    A named tuple rather than a dataclass: files hold hundreds of thousands of readings, and
    tuples are the cheapest to build, hold and cache.
    """

    date: date
    value: Number
    source: str | None = None
    note: str | None = None
    file: str = ""  # where it was read from, so later checks can point at it
    position: int = -1  # its place among the [[readings]] of that file (0 is the first)
    by: str | None = None  # who reported it (填报人)
    received: Day | None = None  # the day it came in


class Milestone(NamedTuple):
    """A level planned for a date on the way to the target (年度目标分解)."""

    date: date
    value: Number


CADENCES = {"monthly": 31, "quarterly": 92, "half-yearly": 183, "yearly": 366}  # days


class Indicator(NamedTuple):
    id: str
    name: str
    unit: str
    target: Number | None
    baseline: Number
    start: date
    due: date | None
    weight: Number
    readings: tuple[Reading, ...]  # in date order
    milestones: tuple[Milestone, ...]  # in date order, between start and due
    cadence: str  # how often it reports: its own, its bus's or the programme's (the loader's)


class Bus(NamedTuple):
    id: str
    name: str
    batch: int
    launched: date
    due: date | None
    leads: tuple[str, ...]
    field: str
    summary: str | None
    source: str | None
    indicators: tuple[Indicator, ...]
    file: str  # the data file that defines the bus; new readings go there
    position: int = 0  # its place among the [[buses]] of that file (0 is the first)
    cadence: str | None = None  # as given on the bus (its indicators hold the resolved one)

    @property
    def lead(self) -> str | None:
        """Joint leads joined the way Chinese documents list them; None when none is named."""
        return "、".join(self.leads) or None


class Rule(NamedTuple):
    """A step of the follow-up ladder: an item with this light that has stood for at least
    `streak` meetings (or periods, for `missing`) gets this action."""

    light: str  # red, yellow or missing
    streak: int
    action: str


class Program(NamedTuple):
    """The programme and its settings, as the loader resolved them (defaults included): the
    model and everything below it hold no default of their own, so no command can apply a
    different one."""

    name: str | None
    region: str | None
    source: str | None
    cadence: str | None  # as given (each indicator holds its resolved cadence)
    lag_tolerance: float  # behind schedule by at most this much is `lagging`, beyond `off_track`
    report_days: int  # a period's figures are due this many days after its last day
    meeting: str  # the cadence of the meetings whose last days are the follow-up's points
    reply_days: int  # a 督办 notice is answered within this many days of the meeting
    escalation: tuple[Rule, ...]  # the follow-up ladder: the programme's rules or the default


class Dataset(NamedTuple):
    program: Program
    buses: tuple[Bus, ...]
    files: tuple[str, ...]

    def reading_count(self) -> int:
        return sum(len(i.readings) for b in self.buses for i in b.indicators)

    def indicator_count(self) -> int:
        return sum(len(b.indicators) for b in self.buses)
