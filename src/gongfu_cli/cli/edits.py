"""Commands that change the data: init, record, delete, import."""

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import typer
import typer.core

from gongfu_cli import i18n
from gongfu_cli.cli.common import (
    app,
    as_of_day,
    reports_errors,
)
from gongfu_cli.cli.edit_options import (
    AsTypedOption,
    ByOption,
    DeleteDateOption,
    DeleteDryRunOption,
    EmptyOption,
    ImportByOption,
    ImportDateOption,
    ImportDryRunOption,
    ImportFormatOption,
    ImportReplaceOption,
    ImportSourceOption,
    IncludeHiddenOption,
    NewDataArgument,
    NoteOption,
    RecordDateOption,
    RecordDryRunOption,
    RecordReplaceOption,
    SheetOption,
    SheetsArgument,
    SourceOption,
    ValueArgument,
    ValueCommand,
    WaitOption,
)
from gongfu_cli.cli.options import AsOfOption, BusArgument, DataOption, IndicatorArgument
from gongfu_cli.escapes import shown_path
from gongfu_cli.i18n import _
from gongfu_cli.rendering import emit, registry
from gongfu_cli.rendering.emit import say
from gongfu_cli.store.system import LOCK_WAIT


@app.command(
    help=_(
        "Start your own data file: a copy of the bundled dataset, or an empty template.\n"
        "\n"
        "Example: gongfu init my-buses.toml && export GONGFU_DATA=my-buses.toml"
    ),
)
@reports_errors
def init(
    path: NewDataArgument,
    empty: EmptyOption = False,
) -> None:
    import shlex

    from gongfu_cli.store.files import create_new
    from gongfu_cli.store.paths import bundled_data

    content = _empty_template().encode("utf-8") if empty else bundled_data().read_bytes()
    create_new(path, content)
    shown = shown_path(path)
    if empty:
        say(_("created {path} (template)").format(path=shown))
    else:
        say(_("created {path} (a copy of the bundled data)").format(path=shown))
    say(_("next: point gongfu at it, then record readings:"))
    say(f"  export GONGFU_DATA={shlex.quote(shown)}")
    say("  gongfu record BUS INDICATOR VALUE --date YYYY-MM-DD --source TEXT")


def _empty_template() -> str:
    from gongfu_cli.store.starter import EMPTY_TEMPLATE

    return EMPTY_TEMPLATE


@app.command(
    cls=ValueCommand,
    help=_(
        "Append a dated reading to your data file, keeping every existing byte.\n"
        "\n"
        "Example: gongfu record 送气下乡 通气行政村覆盖率 45 --date 2023-06-30 --source 半年报"
    ),
)
@reports_errors
def record(
    bus: BusArgument,
    indicator: IndicatorArgument,
    value: ValueArgument,
    when: RecordDateOption = None,
    source: SourceOption = None,
    note: NoteOption = None,
    by: ByOption = None,
    replace: RecordReplaceOption = False,
    dry_run: RecordDryRunOption = False,
    as_typed: AsTypedOption = False,
    data: DataOption = None,
    as_of: AsOfOption = None,
    wait: WaitOption = LOCK_WAIT,
) -> None:
    from gongfu_cli.editing.record import BadValue
    from gongfu_cli.editing.record import record as record_reading

    today = date.today()
    path = data or _bundled()
    try:
        done = record_reading(
            path,
            bus,
            indicator,
            value,
            when or today,
            source,
            note,
            dry_run=dry_run,
            today=today,
            on_wait=_waiting(path),
            on_retry=_again(path),
            replace=replace,
            wait=wait,
            by=by,
            as_typed=as_typed,
        )
    except BadValue as exc:
        raise typer.BadParameter(i18n.said(exc.message)) from None
    _tell(done, as_of)


@app.command(
    help=_(
        "Remove one reading (a wrong entry) from your data file, keeping every other "
        "byte.\n"
        "\n"
        "Example: gongfu delete 送气下乡 通气行政村覆盖率 --date 2023-06-30"
    ),
)
@reports_errors
def delete(
    bus: BusArgument,
    indicator: IndicatorArgument,
    when: DeleteDateOption,
    dry_run: DeleteDryRunOption = False,
    data: DataOption = None,
    as_of: AsOfOption = None,
    wait: WaitOption = LOCK_WAIT,
) -> None:
    from gongfu_cli.editing.record import delete as delete_reading

    path = data or _bundled()
    done = delete_reading(path, bus, indicator, when, dry_run, _waiting(path), _again(path), wait)
    _tell(done, as_of)


@app.command(
    "import",
    help=_(
        "Import the figures of filled-in sheets: all of them, or none if any is wrong.\n"
        "\n"
        "Example: gongfu import 报送表.xlsx --dry-run"
    ),
)
@reports_errors
def import_figures(
    files: SheetsArgument,
    sheet: SheetOption = None,
    when: ImportDateOption = None,
    source: ImportSourceOption = None,
    by: ImportByOption = None,
    replace: ImportReplaceOption = False,
    dry_run: ImportDryRunOption = False,
    fmt: ImportFormatOption = "table",
    include_hidden: IncludeHiddenOption = False,
    as_typed: AsTypedOption = False,
    data: DataOption = None,
    as_of: AsOfOption = None,
    wait: WaitOption = LOCK_WAIT,
) -> None:
    from gongfu_cli.editing.importing import import_sheets
    from gongfu_cli.editing.typed import EntryError

    spec = emit.choose_format(fmt, None, "table", tabulate=False, offered=registry.IMPORT,
                              what=i18n.T("import's result"))  # fmt: skip
    path = data or _bundled()
    try:
        done = import_sheets(path, files, sheet, when, source, replace, dry_run,
                             on_wait=_waiting(path), on_retry=_again(path), wait=wait,
                             include_hidden=include_hidden, by=by,
                             as_typed=as_typed)  # fmt: skip
    except EntryError as exc:  # --source or --by is not text gongfu can keep
        raise typer.BadParameter(str(exc)) from None
    from gongfu_cli.rendering import import_result

    if spec.name == "json":
        emit.stdout_text(import_result.as_json(done, dry_run))
    else:
        import_result.tell(done, as_of_day(as_of))


def _bundled() -> Path:
    from gongfu_cli.store.paths import bundled_data

    return bundled_data()


def _waiting(path: Path) -> Callable[[], None]:
    def waiting() -> None:
        say(_("waiting for another gongfu command writing {path}…").format(
            path=shown_path(path)), err=True)  # fmt: skip

    return waiting


def _again(path: Path) -> Callable[[], None]:
    def again() -> None:
        say(
            _("{path} was changed by another program meanwhile; reading it again…").format(
                path=shown_path(path)
            ),
            err=True,
        )

    return again


def _tell(done: Any, as_of: date | None) -> None:
    """The change made, where the indicator stands now, and what `check` would say of it."""
    from gongfu_cli.domain.metrics import assess_one
    from gongfu_cli.editing.record import recorded_message

    now = assess_one(done.dataset, done.bus, done.indicator, as_of_day(as_of))
    say(recorded_message(done, now))
    for warning in done.warnings:
        say(_("warning: {warning}").format(warning=i18n.said(warning)), err=True)
