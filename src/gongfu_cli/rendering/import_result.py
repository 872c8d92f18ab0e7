"""`import`'s result: for people, what was added or replaced and where each indicator now
stands; for scripts, one JSON document (keys and codes, never translated)."""

from datetime import date
from typing import Any

from gongfu_cli import i18n
from gongfu_cli.escapes import shown_path
from gongfu_cli.i18n import _
from gongfu_cli.rendering.emit import console, say


def as_json(done: Any, dry_run: bool) -> str:
    import json

    from gongfu_cli.editing.importing import (
        CHANGE_COLUMNS,
        SUMMARY_COLUMNS,
        change_rows,
        summary_rows,
        totals,
    )
    from gongfu_cli.presentation.rows import json_objects

    document = {
        "written": done.written,
        "dry_run": dry_run,
        "files": [str(f) for f in done.files],
        "totals": totals(done.changes),
        "buses": json_objects(summary_rows(done.changes), SUMMARY_COLUMNS),
        "changes": json_objects(change_rows(done.changes), CHANGE_COLUMNS),
        "ignored_columns": done.ignored,
        "notes": done.notes,
        "warnings": done.warnings,
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def tell(done: Any, as_of: date) -> None:
    from gongfu_cli.editing.importing import SUMMARY_COLUMNS, summary_rows, totals
    from gongfu_cli.escapes import visible_line

    screen = console()
    if done.ignored:
        names = ", ".join(visible_line(n) for n in done.ignored)
        say(_("ignored columns: {names}").format(names=names))
    for note in done.notes:
        say(_("note: {note}").format(note=visible_line(i18n.said(note))))

    from gongfu_cli.presentation.values import number
    from gongfu_cli.rendering.terminal import rows_table

    for c in done.changes:  # a dry run lists every change; a real one, each replaced value
        if c.action == "same" or (done.written and c.action != "replace"):
            continue
        value = number(c.value, c.indicator.unit)
        if c.old is not None:
            value = f"{number(c.old.value, c.indicator.unit)} → {value}"
        if done.written:
            verb = {"add": _("added"), "replace": _("replaced")}[c.action]
        else:
            verb = {"add": _("would add"), "replace": _("would replace")}[c.action]
        verb += " " * (13 - i18n.columns(verb))  # a column 13 wide, Chinese or English
        say(f"  {verb} {visible_line(c.bus.name)} · {visible_line(c.indicator.name)} · "
            f"{c.date} · {value}  ({c.origin})")  # fmt: skip
    from gongfu_cli.presentation.views import IMPORT_TABLE
    from gongfu_cli.rendering.terminal import fitted

    rows = summary_rows(done.changes)
    table = fitted(IMPORT_TABLE, rows, screen.width)
    screen.print(table if table is not None else rows_table(rows, SUMMARY_COLUMNS, screen.width))
    counts = totals(done.changes)
    line = _("{added} added, {present} already present, {replaced} replaced").format(**counts)
    files = ", ".join(shown_path(f) for f in done.files)
    if done.written:
        say(_("imported: {line}; written to {files}").format(line=line, files=files))
    elif done.files:
        planned = _("{added} to add, {present} already present, {replaced} to replace")
        say(_("dry run: {line}; nothing written (would write {files})").format(
            line=planned.format(**counts), files=files))  # fmt: skip
    else:
        say(_("nothing to write: {line}").format(line=line))
    shown = 10  # a sheet of thousands of figures can warn thousands of times
    _now(done, as_of, shown)
    for warning in done.warnings[:shown]:
        say(_("warning: {warning}").format(warning=visible_line(i18n.said(warning))), err=True)
    if len(done.warnings) > shown:
        more = len(done.warnings) - shown
        say(_("warning: … and {more} more (`gongfu check` lists every one)").format(more=more),
            err=True)  # fmt: skip


def _now(done: Any, as_of: date, shown: int) -> None:
    """Where each indicator given a new or corrected figure stands now (the first `shown`)."""
    from gongfu_cli.domain.matching import resolve
    from gongfu_cli.domain.metrics import assess_one
    from gongfu_cli.editing.record import now_line
    from gongfu_cli.escapes import visible_line

    if done.dataset is None:
        return
    touched = list(dict.fromkeys((c.bus.id, c.indicator.id) for c in done.changes
                                 if c.action in ("add", "replace")))  # fmt: skip
    for bus_id, indicator_id in touched[:shown]:
        bus = resolve(done.dataset.buses, bus_id)
        indicator = resolve(bus.indicators, indicator_id, kind="indicator")
        what = f"{visible_line(bus.name)} · {visible_line(indicator.name)}: "
        say(now_line(assess_one(done.dataset, bus, indicator, as_of), what))
    if len(touched) > shown:
        more = len(touched) - shown
        say(_("now: … and {more} more indicators (`gongfu progress BUS` shows each)").format(
            more=more))  # fmt: skip
