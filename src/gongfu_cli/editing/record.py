"""`record` and `delete`: one reading added, corrected or removed, by the shared safe write
path of `changes` (lock, re-read, validate, atomic replace, every other byte kept)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import NamedTuple

from gongfu_cli.domain.matching import resolve
from gongfu_cli.domain.metrics import IndicatorResult
from gongfu_cli.domain.model import Bus, Dataset, Indicator, Number, Reading
from gongfu_cli.editing.apply import Applied, Change, apply, find_reading, reading_place
from gongfu_cli.editing.typed import (
    EntryError,
    check_text,
    date_problem,
    fraction_problem,
    parse_number,
    typed_as_percent,
)
from gongfu_cli.errors import GongfuError
from gongfu_cli.escapes import quote, shown_path, visible_line
from gongfu_cli.i18n import T, Text, _
from gongfu_cli.presentation.values import date_text, number, percent
from gongfu_cli.presentation.vocabulary import status_label
from gongfu_cli.store.check import reading_warnings
from gongfu_cli.store.system import LOCK_WAIT


class BadValue(GongfuError):
    """VALUE, --source or --note is not something gongfu can store: a usage mistake."""


class Recorded(NamedTuple):
    dataset: Dataset  # as it stands after the change (or would, after a dry run)
    file: Path
    bus: Bus
    indicator: Indicator  # as it stands after the change
    reading: Reading | None  # the new or corrected reading; None once deleted
    written: bool
    warnings: tuple[Text, ...] = ()  # what `check` would say of this reading
    old: Reading | None = None  # the reading replaced or deleted


def recorded_message(done: Recorded, now: IndicatorResult) -> str:
    """What `record` and `delete` tell the user: the change, then where the indicator stands."""
    unit = done.indicator.unit
    where = _(" in {path}").format(path=shown_path(done.file)) if done.written else ""
    what = f"{visible_line(done.bus.name)} · {visible_line(done.indicator.name)}"
    if done.reading is None and done.old is not None:
        verb = _("deleted") if done.written else _("would delete")
        line = _("{verb}: {what} = {value} on {date}{where}").format(
            verb=verb, what=what, value=number(done.old.value, unit), date=done.old.date,
            where=where,
        )  # fmt: skip
    elif done.old is not None and done.reading is not None:
        verb = _("replaced") if done.written else _("would replace")
        line = _("{verb}: {what} on {date}: {old} → {new}{where}").format(
            verb=verb, what=what, date=done.reading.date, old=number(done.old.value, unit),
            new=number(done.reading.value, unit), where=where,
        )  # fmt: skip
    else:
        assert done.reading is not None
        verb = _("recorded") if done.written else _("would record")
        line = _("{verb}: {what} = {value} on {date}{where}").format(
            verb=verb, what=what, value=number(done.reading.value, unit),
            date=done.reading.date, where=where,
        )  # fmt: skip
    return f"{line}\n{now_line(now)}"


def now_line(now: IndicatorResult, what: str = "") -> str:
    """Where an indicator stands after a change (`what` names it, where several changed), as
    the one assessment sees it."""
    unit = now.indicator.unit
    return _(
        "now: {what}value {value} ({date}) · attainment {attainment} · status {status} ({label})"
    ).format(
        what=what,
        value=number(now.value, unit) or "—",
        date=date_text(now.value_date) or _("no data"),
        attainment=percent(now.attainment) or "—",
        status=now.status.value,
        label=status_label(now.status),
    )


def record(
    data: Path,
    bus_query: str,
    indicator_query: str,
    value: str | Number,
    day: date,
    source: str | None = None,
    note: str | None = None,
    dry_run: bool = False,
    today: date | None = None,
    on_wait: Callable[[], None] | None = None,
    on_retry: Callable[[], None] | None = None,
    replace: bool = False,
    wait: float = LOCK_WAIT,
    by: str | None = None,
    as_typed: bool = False,
) -> Recorded:
    """Add a reading to the file that defines its bus, or (`replace`) correct the one already
    on that date in place. `by` names who reported it (填报人); the reading then also notes
    that it came in `today` (`received`).

    `value` may be text as a person typed it (`８５．５`, `1,200`, `85%` for a % indicator); it
    is read once the indicator, and so its unit, is known.
    """
    today = today or date.today()
    if day > today:
        raise GongfuError(
            T(
                "the date {date} is in the future (today is {today}); a reading records what "
                "has been reached",
                date=str(day),
                today=str(today),
            )
        )
    try:
        source = check_text(source, "--source")
        note = check_text(note, "--note")
        by = check_text(by, "--by")
    except EntryError as exc:
        raise BadValue(exc.args[0]) from None
    received = today if by else None

    def plan(dataset: Dataset) -> list[Change]:
        bus = resolve(dataset.buses, bus_query)
        indicator = resolve(bus.indicators, indicator_query, kind="indicator")
        amount = value
        if not isinstance(amount, int | float):
            try:
                amount = parse_number(amount, indicator.unit)
            except EntryError as exc:
                raise BadValue(exc.args[0]) from None
        problem = date_problem(indicator, day)  # the rules `import` applies, word for word
        percent_typed = isinstance(value, str) and typed_as_percent(value)
        if problem is None and not as_typed and not percent_typed:
            problem = fraction_problem(indicator, day, amount)
        if problem is not None:
            raise GongfuError(
                T(
                    "{bus} · {indicator} on {date}: {problem}",
                    bus=quote(bus.id),
                    indicator=quote(indicator.id),
                    date=str(day),
                    problem=problem,
                )
            )
        old = find_reading(indicator, day)
        if replace:
            if old is None:
                raise GongfuError(
                    T(
                        "bus {bus}, indicator {indicator} has no reading on {date} to "
                        "replace{hint}; record it without --replace",
                        bus=quote(bus.id),
                        indicator=quote(indicator.id),
                        date=str(day),
                        hint=_dates_hint(indicator),
                    )
                )
            return [Change("replace", bus, indicator, day, amount, source, note, old,
                           by=by, received=received)]  # fmt: skip
        if old is not None:
            raise GongfuError(
                T(
                    "bus {bus}, indicator {indicator} already has a reading on {date} (value "
                    "{value}, at {place}); to correct it, add --replace",
                    bus=quote(bus.id),
                    indicator=quote(indicator.id),
                    date=str(day),
                    value=old.value,
                    place=reading_place(old),
                )
            )
        return [Change("add", bus, indicator, day, amount, source, note, by=by,
                       received=received)]  # fmt: skip

    applied = apply(data, plan, dry_run, on_wait, on_retry, wait)
    return _recorded(applied, today)


def delete(
    data: Path,
    bus_query: str,
    indicator_query: str,
    day: date,
    dry_run: bool = False,
    on_wait: Callable[[], None] | None = None,
    on_retry: Callable[[], None] | None = None,
    wait: float = LOCK_WAIT,
) -> Recorded:
    """Remove the one reading of an indicator on a date: its `[[readings]]` table goes, every
    other byte of the file stays."""

    def plan(dataset: Dataset) -> list[Change]:
        bus = resolve(dataset.buses, bus_query)
        indicator = resolve(bus.indicators, indicator_query, kind="indicator")
        old = find_reading(indicator, day)
        if old is None:
            raise GongfuError(
                T(
                    "bus {bus}, indicator {indicator} has no reading on {date}{hint}; nothing "
                    "was deleted",
                    bus=quote(bus.id),
                    indicator=quote(indicator.id),
                    date=str(day),
                    hint=_dates_hint(indicator),
                )
            )
        return [Change("delete", bus, indicator, day, None, old=old)]

    return _recorded(apply(data, plan, dry_run, on_wait, on_retry, wait), date.today())


def _recorded(applied: Applied, today: date) -> Recorded:
    change = applied.changes[0]
    bus = resolve(applied.dataset.buses, change.bus.id)
    indicator = resolve(bus.indicators, change.indicator.id, kind="indicator")
    reading = find_reading(indicator, change.date) if change.action != "delete" else None
    warnings = tuple(reading_warnings(indicator, reading, today)) if reading else ()
    file = Path(change.file)
    return Recorded(
        applied.dataset, file, bus, indicator, reading, applied.written, warnings, change.old
    )


def _dates_hint(indicator: Indicator) -> Text:
    if not indicator.readings:
        return T(" (it has no readings yet)")
    dates = ", ".join(str(r.date) for r in indicator.readings[-5:])
    more = "…, " if len(indicator.readings) > 5 else ""
    return T(" (its readings are dated {dates})", dates=more + dates)
