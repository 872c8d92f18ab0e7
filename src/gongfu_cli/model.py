"""The domain: a programme of bus lines, their indicators and dated readings.

Plain frozen records with no behaviour beyond derived names; loading builds them and metrics
reads them.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

Number = int | float


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


class Milestone(NamedTuple):
    """A level planned for a date on the way to the target (年度目标分解)."""

    date: date
    value: Number


CADENCES = {"monthly": 31, "quarterly": 92, "half-yearly": 183, "yearly": 366}  # days
DEFAULT_CADENCE = "yearly"
DEFAULT_LAG_TOLERANCE = 0.30
DEFAULT_REPORT_DAYS = 10  # a period's figures are due this many days after its last day
DEFAULT_MEETING = "monthly"  # how often the 共富办 meets and assesses
DEFAULT_REPLY_DAYS = 7  # a 督办 notice is answered within this many days


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
    milestones: tuple[Milestone, ...] = ()  # in date order, between start and due
    cadence: str = DEFAULT_CADENCE  # how often it reports: its own, its bus's or the programme's


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


DEFAULT_ESCALATION = (
    Rule("yellow", 1, "提醒"),
    Rule("red", 1, "督办"),
    Rule("red", 2, "约谈"),
    Rule("missing", 1, "催报"),
)


class Program(NamedTuple):
    """The programme's facts and settings as given; the properties resolve the settings."""

    name: str | None = None
    region: str | None = None
    source: str | None = None
    cadence: str | None = None
    lag_tolerance: float | None = None
    report_days_given: int | None = None  # [program] report_days
    meeting_given: str | None = None  # [program] meeting
    reply_days_given: int | None = None  # [program] reply_days
    escalation_given: tuple[Rule, ...] | None = None  # [[program.escalation]]

    @property
    def lag(self) -> float:
        """Behind schedule by at most this much is `lagging`; beyond is `off_track`."""
        return DEFAULT_LAG_TOLERANCE if self.lag_tolerance is None else self.lag_tolerance

    @property
    def report_days(self) -> int:
        """A period's figures are due this many days after its last day."""
        given = self.report_days_given
        return DEFAULT_REPORT_DAYS if given is None else given

    @property
    def meeting(self) -> str:
        """The cadence of the meetings whose last days are the follow-up's assessment points."""
        return self.meeting_given or DEFAULT_MEETING

    @property
    def reply_days(self) -> int:
        """How many days after the meeting a 督办 notice must be answered."""
        given = self.reply_days_given
        return DEFAULT_REPLY_DAYS if given is None else given

    @property
    def escalation(self) -> tuple[Rule, ...]:
        """The follow-up ladder: the programme's rules, or the default ladder without any."""
        given = self.escalation_given
        return DEFAULT_ESCALATION if given is None else given


class Dataset(NamedTuple):
    program: Program
    buses: tuple[Bus, ...]
    files: tuple[str, ...]

    def reading_count(self) -> int:
        return sum(len(i.readings) for b in self.buses for i in b.indicators)

    def indicator_count(self) -> int:
        return sum(len(b.indicators) for b in self.buses)
