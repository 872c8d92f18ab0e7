"""The registry of output formats: each format's name, file suffixes, what it is drawn from, and
which options it accepts. `--format`, `--output`'s suffix, `--save` and `check`/`report` all
choose from here, so a new format is one entry (and its renderer).

Kinds:
- "rows": text from the flat rows (CSV, TSV, JSON, JSON Lines, Markdown, tabulate formats);
- "table": the rich table for a terminal (`table`), or its plain text in a file;
- "picture": the drawn table as an SVG picture, an HTML page around it, or plain text;
- "workbook": the flat rows as a real spreadsheet (.xlsx), cells typed.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from gongfu_cli.i18n import T, joined


class Format(NamedTuple):
    name: str
    kind: str  # "rows", "table", "picture" or "workbook"
    suffixes: tuple[str, ...] = ()
    help: str = ""
    spreadsheet: bool = False  # accepts --bom and --excel


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("table", "table", (), "the table, drawn for the terminal"),
        Format("csv", "rows", (".csv",), "comma-separated rows", spreadsheet=True),
        Format("tsv", "rows", (".tsv",), "tab-separated rows", spreadsheet=True),
        Format("json", "rows", (".json",), "a JSON array of objects"),
        Format("jsonl", "rows", (".jsonl",), "JSON Lines: one object per line"),
        Format("md", "rows", (".md",), "a Markdown table, user text escaped"),
        Format("xlsx", "workbook", (".xlsx",), "an Excel workbook with typed cells"),
        Format("svg", "picture", (".svg",), "a picture of the table"),
        Format("html", "picture", (".html", ".htm"), "a web page with the picture"),
        Format("txt", "picture", (".txt",), "the table as plain text"),
        Format("png", "picture", (".png",), "a picture (PNG), for slides and chats"),
    )
}
PICTURES = tuple(f for f in FORMATS.values() if f.kind == "picture")


class FormatError(ValueError):
    """A format or suffix that does not exist, or an option the format does not take."""


def by_suffix(path: Path | str, default: str | None = None) -> Format:
    """The format a file name asks for; `default` for a name without a suffix."""
    suffix = Path(str(path)).suffix.lower()
    if not suffix and default is not None:
        return FORMATS[default]
    for spec in FORMATS.values():
        if suffix in spec.suffixes:
            return spec
    known = ", ".join(s for f in FORMATS.values() for s in f.suffixes)
    if suffix:
        raise FormatError(
            T(
                "{path}: gongfu writes no {suffix} files; name the format with --format, or end "
                "the name in {known}",
                path=repr(str(path)),
                suffix=suffix,
                known=known,
            )
        )
    raise FormatError(
        T(
            "{path}: gongfu writes no suffix-less files; name the format with --format, or end "
            "the name in {known}",
            path=repr(str(path)),
            known=known,
        )
    )


def choose(
    name: str | None,
    output: Path | str | None,
    default: str,
    tabulate: bool = True,
) -> Format:
    """The format `--format` names; else the one `--output`'s suffix names (a name without one
    is an error, unless a device or FIFO); else (standard output) `default`. Tabulate's
    formats are rows formats too."""
    if name is not None:
        if name in FORMATS:
            return FORMATS[name]
        if tabulate and name in tabulate_names():
            return Format(name, "rows", (), f"tabulate's {name} format")
        raise FormatError(
            T(
                "{name} is not a format; use {names}",
                name=repr(name),
                names=joined(names(tabulate), ", "),
            )
        )
    if not to_stdout(output):
        # a name without a suffix is a usage error (a forgotten suffix or slash), not text;
        # a device or FIFO (`/dev/null`, a named pipe) takes the default, and so does a
        # directory, for the write path to say it is one
        return by_suffix(str(output), default if _special(output) else None)
    return FORMATS[default]


def _special(output: Path | str | None) -> bool:
    """An existing device, FIFO, socket or directory: no file a suffix was forgotten on."""
    import os
    import stat

    try:
        mode = os.stat(str(output)).st_mode
    except (OSError, ValueError):
        return False
    return not stat.S_ISREG(mode)


def to_stdout(output: Path | str | None) -> bool:
    """No output named, `-` or /dev/stdout (as `files.is_stdout`, without importing the write
    path where nothing is written)."""
    return output is None or str(output) in ("-", "/dev/stdout")


def check_options(spec: Format, bom: bool, excel: bool, raw: bool = False) -> None:
    if raw and excel:
        raise FormatError(T("--raw and --excel contradict: --excel keeps formulas from running"))
    if (bom or excel or raw) and not spec.spreadsheet:
        option = "--excel" if excel else "--bom" if bom else "--raw"
        raise FormatError(
            T("{option} is for CSV and TSV only, not {format}", option=option, format=spec.name)
        )


def neutral(spec: Format, output: Path | str | None, bom: bool, excel: bool, raw: bool) -> bool:
    """Whether text cells that would start a formula get a leading `'`: in CSV and TSV that a
    spreadsheet may open (written to a file, or with a byte-order mark for Excel), unless
    `--raw` asks for the text as it is. Standard output stays raw for scripts."""
    return spec.spreadsheet and not raw and (not to_stdout(output) or bom or excel)


def names(tabulate: bool = True) -> list[str]:
    out = list(FORMATS)
    if tabulate:
        out.append(T("or a tabulate format ({names})", names=", ".join(sorted(tabulate_names()))))
    return out


def tabulate_names() -> list[str]:
    from gongfu_cli.rendering.serializers import tabulate_formats

    return tabulate_formats()
