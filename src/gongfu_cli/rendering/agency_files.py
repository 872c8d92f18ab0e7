"""`followup -o DIR/`: the 督办单 each agency receives, one file per agency, written through the
one write path in a format of the registry (xlsx, csv, md or docx)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from gongfu_cli.errors import GongfuError
from gongfu_cli.escapes import markdown_text, shown_path
from gongfu_cli.i18n import T, os_reason
from gongfu_cli.presentation.followup_view import FOLLOWUP_COLUMNS, FOLLOWUP_TABLE, FollowupView
from gongfu_cli.rendering.registry import FORMATS


def write_agency_sheets(
    folder: Path,
    view: FollowupView,
    as_of: date,
    fmt: str,
    protect: Sequence[str],
    programme: str | None = None,
) -> None:
    """One file per agency in `folder` (made when missing), each written by the emitter and
    confirmed as any output is; never onto `protect`."""
    from gongfu_cli.rendering.emit import write

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GongfuError(
            T("{name}: cannot create the folder: {reason}", name=shown_path(folder),
              reason=os_reason(exc))
        ) from None  # fmt: skip
    for name, content in agency_sheets(view, as_of, fmt, programme):
        write(folder / name, content, protect, "")


def agency_sheets(
    view: FollowupView, as_of: date, fmt: str, programme: str | None = None
) -> list[tuple[str, bytes]]:
    """The 督办单 each agency receives, as (file name, content): its items with their period,
    action and reply deadline, in `fmt`. File names are the agencies' names made safe for any
    file system, distinct from each other."""
    from gongfu_cli.spreadsheets.write import sheet_names

    names = sheet_names([a.agency for a in view.agencies])
    out = []
    for agency, name in zip(view.agencies, names, strict=True):
        rows = [{k: row[k] for k in FOLLOWUP_COLUMNS} for row in agency.rows]
        if fmt == "xlsx":
            from gongfu_cli.spreadsheets.write import SheetRows, rows_workbook

            content = rows_workbook([SheetRows(agency.agency, rows, FOLLOWUP_COLUMNS)])
        elif fmt == "docx":  # in the layout of the 通报 (python-docx, loaded only here)
            from gongfu_cli.rendering.bulletin import docx_followup

            content = docx_followup(agency, as_of, programme)
        elif fmt == "csv":
            from gongfu_cli.rendering.serializers import delimited

            text = delimited(rows, FOLLOWUP_COLUMNS, crlf=True, neutral=True)
            content = ("\ufeff" + text).encode("utf-8")
        else:
            from gongfu_cli.presentation.columns import cell_text
            from gongfu_cli.rendering.serializers import pipe_table

            title = f"# 督办单 · {markdown_text(agency.heading)}\n\n截至 {as_of.isoformat()}\n\n"
            body = [[cell_text(c, row) for c in FOLLOWUP_TABLE] for row in agency.rows]
            table = pipe_table([c.header for c in FOLLOWUP_TABLE], body)
            content = (title + table).encode("utf-8")
        out.append((name + FORMATS[fmt].suffixes[0], content))
    return out
