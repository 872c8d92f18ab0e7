"""What each command asks of the data, answered in one place: the chosen buses assessed at a
date, the same buses at an earlier date (as published, where it was), and the rows and view
that the emitter shows. A command parses its options, calls one query and hands the answer
to the emitter; the arithmetic stays in the domain, the words in the views.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from gongfu_cli.domain.metrics import BusResult, Status, assess
from gongfu_cli.domain.model import Dataset, Indicator
from gongfu_cli.domain.selection import select
from gongfu_cli.presentation.rows import Row

# The programme assessed at an earlier date: as published for that date, where it was
# (`gongfu publish`), else computed from today's data. The command layer provides it, since it
# says on stderr which it was.
Past = Callable[[date], list[BusResult]]


class Filters(NamedTuple):
    """The buses a command shows: --batch, --field, --status and --lead."""

    batch: int | None = None
    field: str | None = None
    status: Sequence[Status] = ()
    lead: str | None = None

    def chosen(self, results: Sequence[BusResult]) -> list[BusResult]:
        return select(results, self.batch, self.field, self.status, self.lead)


class Shown(NamedTuple):
    """What a table command shows: the flat rows with their machine columns (every rows format
    and workbook) and the view people read (the terminal, pictures), under one title."""

    title: str
    rows: list[Row]
    columns: Sequence[str]
    view: Any  # None: the rows themselves, column for column (`views.RowsView`)
    sheet: str | None = None  # the workbook's sheet name, when not the title


def title(dataset: Dataset, *parts: str) -> str:
    return " · ".join([dataset.program.name or "gongfu", *parts])


def as_of_title(dataset: Dataset, day: date, *parts: str) -> str:
    return title(dataset, *parts, f"截至 {day.isoformat()}")


def bus_list(dataset: Dataset, day: date, filters: Filters) -> Shown:
    """`list`: one row per chosen bus."""
    from gongfu_cli.presentation.rows import BUS_COLUMNS
    from gongfu_cli.presentation.views import list_view

    view = list_view(as_of_title(dataset, day), filters.chosen(assess(dataset, day)))
    return Shown(view.title, view.rows, BUS_COLUMNS, view)


def progress(dataset: Dataset, day: date, bus: str) -> tuple[Shown, BusResult]:
    """`progress`: one bus's indicators; the bus's result too, for its chart."""
    from gongfu_cli.domain.matching import resolve
    from gongfu_cli.presentation.rows import INDICATOR_COLUMNS, indicator_rows
    from gongfu_cli.presentation.views import ProgressView, bus_view

    (result,) = assess(dataset, day, [resolve(dataset.buses, bus)])
    shown_title = f"{result.bus.name} · 截至 {day.isoformat()}"
    view = ProgressView(bus_view(result), day)
    return Shown(shown_title, indicator_rows([result]), INDICATOR_COLUMNS, view), result


class History(NamedTuple):
    shown: Shown
    result: BusResult  # the bus assessed at the date
    chosen: tuple[Indicator, ...]


def history(dataset: Dataset, day: date, bus: str, indicator: str | None) -> History:
    """`history`: every reading of one indicator of a bus, or of all of them."""
    from gongfu_cli.domain.matching import resolve
    from gongfu_cli.errors import GongfuError
    from gongfu_cli.escapes import quote, shown_path
    from gongfu_cli.i18n import T
    from gongfu_cli.presentation.rows import HISTORY_COLUMNS, history_rows
    from gongfu_cli.presentation.views import history_view

    found = resolve(dataset.buses, bus)
    if not found.indicators:
        raise GongfuError(
            T("{path}: bus {bus} has no indicators, so no history; add its "
              "[[buses.indicators]] first", path=shown_path(found.file), bus=quote(found.name))
        )  # fmt: skip
    chosen = found.indicators
    if indicator is not None:
        chosen = (resolve(found.indicators, indicator, kind="indicator"),)
    (assessed,) = assess(dataset, day, [found])
    view = history_view(assessed, chosen, day)
    rows = history_rows(found, chosen, day)
    return History(Shown(f"{found.name} · 历史", rows, HISTORY_COLUMNS, view), assessed, chosen)


def race(
    dataset: Dataset,
    day: date,
    filters: Filters,
    by: str,
    compare: date | None,
    within: bool,
    past: Past,
) -> Shown:
    """`rank`: every bus of the programme races (`within`: the chosen ones only); the filters
    choose the rows shown, with their programme-wide places and their moves since `compare`."""
    from gongfu_cli.presentation.rows import COMPARE_COLUMNS, RANK_COLUMNS
    from gongfu_cli.presentation.views import race_view

    everyone = assess(dataset, day)
    chosen = filters.chosen(everyone)
    shown = {r.bus.id for r in chosen}
    earlier = None
    if compare is not None:
        earlier = [r for r in past(compare) if not within or r.bus.id in shown]
    view = race_view(as_of_title(dataset, day, "赛马"), chosen if within else everyone, by,
                     earlier, compare, shown)  # fmt: skip
    columns = RANK_COLUMNS + (COMPARE_COLUMNS if compare is not None else ())
    return Shown(view.title, view.rows, columns, view)


def changes(dataset: Dataset, day: date, since: date, filters: Filters, past: Past) -> Shown:
    """`changes --since`: what changed since the last meeting, for the chosen buses."""
    from gongfu_cli.presentation.rows import CHANGES_COLUMNS, changes_rows
    from gongfu_cli.presentation.views import changes_view

    now = filters.chosen(assess(dataset, day))
    ids = {r.bus.id for r in now}
    then = [r for r in past(since) if r.bus.id in ids]
    rows = changes_rows(now, then, since, day)
    shown_title = title(dataset, "变化", f"{since.isoformat()} → {day.isoformat()}")
    return Shown(shown_title, rows, CHANGES_COLUMNS, changes_view(shown_title, now, then, rows))


def corrections(dataset: Dataset, data: Path, day: date, filters: Filters) -> Shown:
    """`changes --corrections`: the readings that differ from what was published for `day`."""
    from gongfu_cli.errors import GongfuError
    from gongfu_cli.escapes import shown_path
    from gongfu_cli.i18n import T
    from gongfu_cli.presentation.published import (
        CORRECTIONS_COLUMNS,
        corrections_rows,
        find,
        path_for,
    )
    from gongfu_cli.presentation.views import CORRECTIONS_TABLE, ListingView, corrections_view

    period = find(data, day)
    if period is None:
        raise GongfuError(
            T("{path}: {date} was not published; see gongfu published, or gongfu publish "
              "--as-of {date}", path=shown_path(path_for(data, day)), date=day.isoformat())
        )  # fmt: skip
    kept = {r.bus.id for r in filters.chosen(assess(dataset, day))}
    rows = [r for r in corrections_rows(dataset, period) if r["bus_id"] in kept]
    shown_title = title(dataset, "通报后的更正", day.isoformat())
    against = f"与 {shown_path(period.path)} 相比"
    view = ListingView(shown_title, CORRECTIONS_TABLE, corrections_view(rows),
                       CORRECTIONS_COLUMNS, "（无更正）", against)  # fmt: skip
    return Shown(shown_title, rows, CORRECTIONS_COLUMNS, view)


def published(data: Path) -> Shown:
    """`published`: the periods frozen beside the data."""
    from gongfu_cli.escapes import shown_path
    from gongfu_cli.presentation.published import PUBLISHED_COLUMNS, folder, listed
    from gongfu_cli.presentation.views import PUBLISHED_TABLE, ListingView

    rows = listed(data)
    shown_title = f"已发布 · {shown_path(folder(data))}"
    view = ListingView(shown_title, PUBLISHED_TABLE, rows, PUBLISHED_COLUMNS,
                       "（还没有：gongfu publish --as-of DATE）")  # fmt: skip
    return Shown(shown_title, rows, PUBLISHED_COLUMNS, view)


GROUP_WORDS = {"lead": "牵头单位", "field": "领域", "batch": "批次"}


def summary(dataset: Dataset, day: date, filters: Filters, by: str) -> Shown:
    """`summary`: the chosen buses grouped by lead agency, field or batch."""
    from gongfu_cli.presentation.rows import SUMMARY_COLUMNS
    from gongfu_cli.presentation.views import summary_view

    shown_title = as_of_title(dataset, day, f"按{GROUP_WORDS[by]}")
    view = summary_view(shown_title, filters.chosen(assess(dataset, day)), by)
    return Shown(shown_title, view.rows, SUMMARY_COLUMNS, view)


def followup(dataset: Dataset, day: date, filters: Filters, since: date | None) -> Shown:
    """`followup`: the ladder's items for the chosen buses, by the agency that answers."""
    from gongfu_cli.domain.followup import Ladder, follow_up
    from gongfu_cli.presentation.followup_view import (
        FOLLOWUP_COLUMNS,
        followup_rows,
        followup_view,
    )

    items = follow_up(filters.chosen(assess(dataset, day)), day, Ladder.of(dataset.program), since)
    rows = followup_rows(items)
    back = [f"回头看 {since.isoformat()}"] if since is not None else []
    shown_title = title(dataset, "督办", f"截至 {day.isoformat()}", *back)
    view = followup_view(shown_title, items, rows, since)
    return Shown(shown_title, rows, FOLLOWUP_COLUMNS, view, sheet="督办")


def export(dataset: Dataset, day: date, lead: str | None, level: str) -> Shown:
    """`export --level`: the rows of one level (buses, indicators, readings)."""
    from gongfu_cli.presentation import rows as flat

    results = Filters(lead=lead).chosen(assess(dataset, day))
    columns: Sequence[str]
    if level == "buses":
        rows, columns = flat.bus_rows(results), flat.BUS_COLUMNS
    elif level == "indicators":
        rows, columns = flat.indicator_rows(results), flat.INDICATOR_COLUMNS
    else:
        ids = {r.bus.id for r in results}
        rows = [row for row in flat.reading_rows(dataset, day) if row["bus_id"] in ids]
        columns = flat.READING_COLUMNS
    return Shown("", rows, columns, None, sheet=level)


class Report(NamedTuple):
    view: Any  # views.ReportView
    results: list[BusResult]  # the buses reported on, as of the date


def report(
    dataset: Dataset,
    day: date,
    lead: str | None,
    within: bool,
    compare: date | None,
    since: date | None,
    past: Past,
) -> Report:
    """`report`: the whole programme (or one agency's buses) with the race, the changes since
    the last meeting and the follow-up; earlier dates as published, where they were."""
    from gongfu_cli.domain.followup import Ladder, follow_up
    from gongfu_cli.presentation.followup_view import followup_rows, followup_view
    from gongfu_cli.presentation.views import report_view

    everyone = assess(dataset, day)
    results = Filters(lead=lead).chosen(everyone)
    ids = {r.bus.id for r in results}
    earlier = {when: past(when) for when in {compare, since} if when is not None}

    def at(when: date | None, chosen: bool = True) -> tuple[date, list[BusResult]] | None:
        if when is None:
            return None
        return when, [r for r in earlier[when] if not chosen or r.bus.id in ids]

    items = follow_up(results, day, Ladder.of(dataset.program), since)
    ladder = followup_view("督办", items, followup_rows(items), since)
    racing = results if within else everyone
    view = report_view(dataset, results, day, at(compare, within), at(since), racing, ladder)
    return Report(view, results)


def template_sheets(
    dataset: Dataset,
    day: date,
    filters: Filters,
    bus: str | None,
    when: date | None,
) -> tuple[dict[str, list[Row]], int]:
    """`template`: the fill-in rows grouped by the agency that fills them in (one sheet each;
    with --lead, one named as the data names that agency), and how many buses they cover."""
    from gongfu_cli.domain.matching import resolve, resolve_field
    from gongfu_cli.errors import GongfuError
    from gongfu_cli.i18n import T
    from gongfu_cli.presentation.rows import template_rows
    from gongfu_cli.presentation.vocabulary import UNASSIGNED_LEAD

    assessed = assess(dataset, day)
    results = filters.chosen(assessed)
    if bus is not None:
        wanted = resolve([r.bus for r in results], bus)
        results = [r for r in results if r.bus.id == wanted.id]
    agency = None
    if filters.lead is not None:
        agency = resolve_field((n for r in assessed for n in r.bus.leads), filters.lead, "lead")
    groups: dict[str, list[Row]] = {}
    for result in results:
        name = agency or result.bus.lead or UNASSIGNED_LEAD
        groups.setdefault(name, []).extend(template_rows([result], when))
    if not any(groups.values()):
        raise GongfuError(T("no indicators selected: nothing to fill in"))
    return groups, len(results)
