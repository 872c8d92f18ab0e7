"""The follow-up ladder (督办): which indicators each agency must answer for after a meeting.

An indicator whose light is red or yellow gets an item of that light; one that owes its
figures (stale) gets a `missing` item (催报). How long the light has stood (the streak, counted
over the meeting dates going back) picks the action from the programme's escalation rules:
a reminder, a 督办 notice, an interview (约谈). With the date of the last meeting, what was
flagged then and is no longer is struck off (销号).

Pure functions of assessed results, a date and the programme's settings, passed in by the
caller (`Ladder`): nothing here has a default for them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import NamedTuple

from gongfu_cli.domain.metrics import BusResult, IndicatorResult, Status, is_stale, status_at
from gongfu_cli.domain.model import Bus, Indicator, Program, Rule
from gongfu_cli.domain.periods import missing_streak, period_of, previous

MAX_POINTS = 24  # assessment points looked at for a streak: two years of monthly meetings
ITEM_ORDER = ("red", "missing", "yellow", "cleared")  # within an agency, in this order
CLEARED_ACTION = "销号"

_LIGHTS = {
    Status.OFF_TRACK: "red",
    Status.OVERDUE: "red",
    Status.LAGGING: "yellow",
    Status.ON_TRACK: "green",
    Status.ACHIEVED: "green",
}


class Ladder(NamedTuple):
    """The programme's settings the follow-up needs, resolved by the loader's `Program`."""

    lag: float
    report_days: int
    meeting: str
    reply_days: int
    rules: tuple[Rule, ...]

    @classmethod
    def of(cls, program: Program) -> Ladder:
        return cls(program.lag_tolerance, program.report_days, program.meeting, program.reply_days,
                   program.escalation)  # fmt: skip


class Item(NamedTuple):
    """One row of the follow-up: an indicator, what is wrong with it and what is done."""

    bus: Bus
    result: IndicatorResult  # the indicator assessed at the meeting date
    item: str  # red, yellow, missing or cleared
    streak: int | None  # meetings (periods, for missing) in a row; None when cleared
    action: str | None  # from the escalation rules; None when no rule applies
    reply_by: date | None  # None when cleared
    struck: tuple[str, ...] = ()  # when cleared, the items struck off: red, yellow, missing

    @property
    def answering(self) -> str | None:
        """The agency that answers: the bus's first lead."""
        return self.bus.leads[0] if self.bus.leads else None


def light(state: Status) -> str | None:
    """`red` for off_track or overdue, `yellow` for lagging, `green` for on_track or
    achieved; None otherwise (no data, in progress, monitored)."""
    return _LIGHTS.get(state)


def meeting_points(as_of: date, meeting: str) -> list[date]:
    """The assessment points: `as_of`, then the last day of each earlier meeting period, going
    back; MAX_POINTS in all (fewer at the start of the calendar)."""
    points = [as_of]
    period = previous(period_of(as_of, meeting), meeting)
    while period is not None and len(points) < MAX_POINTS:
        points.append(period.last)
        period = previous(period, meeting)
    return points


def light_streak(
    indicator: Indicator, points: Sequence[date], lag: float, first: Status | None = None
) -> int:
    """How many consecutive points, from the first back, had the first point's light
    (`first`: the status at the first point, when the caller has it already)."""
    shown = light(first if first is not None else status_at(indicator, points[0], lag))
    count = 1
    for day in points[1:]:
        if light(status_at(indicator, day, lag)) != shown:
            break
        count += 1
    return count


def action(rules: Sequence[Rule], item: str, streak: int) -> str | None:
    """The action of the rule with the item's light and the largest streak not above the
    item's; None when no rule reaches that far down."""
    best: Rule | None = None
    for rule in rules:
        fits = rule.light == item and rule.streak <= streak
        if fits and (best is None or rule.streak > best.streak):
            best = rule
    return best.action if best is not None else None


def reply_date(as_of: date, reply_days: int) -> date:
    """The reply deadline: `reply_days` after the meeting (the calendar's last day at most)."""
    return as_of + timedelta(days=min(reply_days, (date.max - as_of).days))


def _flags(indicator: Indicator, as_of: date, ladder: Ladder) -> tuple[str | None, bool]:
    """(its red or yellow item, None without one; has a missing item) at a date."""
    state = status_at(indicator, as_of, ladder.lag)
    shown = light(state)
    coloured = shown if shown in ("red", "yellow") else None
    return coloured, is_stale(indicator, as_of, state, ladder.report_days)


def follow_up(
    results: Sequence[BusResult], as_of: date, ladder: Ladder, since: date | None
) -> list[Item]:
    """The items at `as_of`, grouped by the answering agency (in the order agencies first
    appear), within an agency red, missing, yellow, then cleared, each in the data's order.
    With `since` (the last meeting), an indicator flagged then and not now is struck off."""
    points = meeting_points(as_of, ladder.meeting)
    reply_by = reply_date(as_of, ladder.reply_days)
    found: list[Item] = []
    for bus_result in results:
        for r in bus_result.indicators:
            ind = r.indicator
            shown = light(r.status)
            coloured = shown in ("red", "yellow")
            if coloured:
                assert shown is not None
                streak = light_streak(ind, points, ladder.lag, r.status)
                found.append(Item(bus_result.bus, r, shown, streak,
                                  action(ladder.rules, shown, streak), reply_by))  # fmt: skip
            if r.stale:
                streak = missing_streak(ind, as_of, ladder.report_days)
                found.append(Item(bus_result.bus, r, "missing", streak,
                                  action(ladder.rules, "missing", streak), reply_by))  # fmt: skip
            if since is not None:
                was_light, was_missing = _flags(ind, since, ladder)
                struck = ((was_light,) if was_light and not coloured else ()) + (
                    ("missing",) if was_missing and not r.stale else ()
                )
                if struck:
                    found.append(Item(bus_result.bus, r, "cleared", None, CLEARED_ACTION, None,
                                      struck))  # fmt: skip
    return ordered(found)


def ordered(items: Sequence[Item]) -> list[Item]:
    """Agencies in the order they first appear; within one, by item kind, then data order."""
    agencies: dict[str | None, list[Item]] = {}
    for item in items:
        agencies.setdefault(item.answering, []).append(item)
    rank = {kind: k for k, kind in enumerate(ITEM_ORDER)}
    return [
        item
        for group in agencies.values()
        for item in sorted(group, key=lambda i: rank[i.item])  # stable: data order kept
    ]
