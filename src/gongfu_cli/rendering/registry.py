"""The registry of output formats: each format's name, file suffixes, kind and the options it
accepts, and which formats each kind of output may be written in. Every output — tables, rows,
workbooks, pictures, charts, the report, `check`'s problems, `import`'s result, the template, the
督办单 — is chosen here from `--format` or the output's suffix, so a new format is one entry here
and its renderer where the emitter draws that kind.

Kinds:
- "rows": text from the flat rows (CSV, TSV, JSON, JSON Lines, Markdown, tabulate formats);
- "table": the rich table for a terminal (`table`), or its plain text in a file;
- "picture": a drawing as an SVG picture, an HTML page around it, a PNG, or plain text;
- "workbook": the flat rows as a real spreadsheet (.xlsx), cells typed;
- "document": the report printed (PDF) or the 通报 and 督办单 for Word (.docx);
- "text": `check`'s problems as `FILE:LINE: message` lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from gongfu_cli.i18n import T, joined, series


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
        Format("pdf", "document", (".pdf",), "the report's page printed on A4"),
        Format("docx", "document", (".docx",), "a Word document in the official layout"),
        Format("text", "text", (), "one problem per line: FILE:LINE: message"),
    )
}
# What each output may be written as, in the order help lists them.
TABLE = ("table", "csv", "tsv", "json", "jsonl", "md", "xlsx", "svg", "html", "txt", "png")
CHART = ("svg", "html", "png")
REPORT = ("md", "html", "pdf", "docx")
TEMPLATE = ("xlsx", "csv")
CHECK = ("text", "csv", "tsv", "json", "jsonl", "md", "xlsx")
IMPORT = ("table", "json")
AGENCY_SHEETS = ("xlsx", "csv", "md", "docx")


class FormatError(ValueError):
    """A format or suffix that does not exist, or an option the format does not take."""


def by_suffix(
    path: Path | str,
    default: str | None = None,
    offered: Sequence[str] = TABLE,
    what: str | None = None,
) -> Format:
    """The format a file name asks for, among those `offered`; `default` for a name without a
    suffix. `what` names the output in the message when the suffix is not one of them."""
    suffix = Path(str(path)).suffix.lower()
    if not suffix and default is not None:
        return FORMATS[default]
    for name in offered:
        if suffix in FORMATS[name].suffixes:
            return FORMATS[name]
    known = [s for name in offered for s in FORMATS[name].suffixes]
    if what is not None:
        raise FormatError(
            T("{path}: {what} is written as {known}; end the name in one of them",
              path=repr(str(path)), what=what, known=series(known, "or"))
        )  # fmt: skip
    if suffix:
        raise FormatError(
            T(
                "{path}: gongfu writes no {suffix} files; name the format with --format, or end "
                "the name in {known}",
                path=repr(str(path)),
                suffix=suffix,
                known=series(known, "or"),
            )
        )
    raise FormatError(
        T(
            "{path}: gongfu writes no suffix-less files; name the format with --format, or end "
            "the name in {known}",
            path=repr(str(path)),
            known=series(known, "or"),
        )
    )


def choose(
    name: str | None,
    output: Path | str | None,
    default: str,
    tabulate: bool = True,
    offered: Sequence[str] = TABLE,
    what: str | None = None,
) -> Format:
    """The format `--format` names; else the one `--output`'s suffix names (a name without one
    is an error, unless a device or FIFO); else (standard output) `default`; always one of
    `offered` (tabulate's formats are rows formats too, where `tabulate`)."""
    if name is not None:
        if name in offered:
            return FORMATS[name]
        if tabulate and name in tabulate_names() and name not in FORMATS:
            return Format(name, "rows", (), f"tabulate's {name} format")
        if what is not None:
            raise FormatError(
                T("{what} is written as {names}, not {name}", what=what,
                  names=series(list(offered), "or"), name=name)
            )  # fmt: skip
        raise FormatError(
            T(
                "{name} is not a format; use {names}",
                name=repr(name),
                names=joined(names(tabulate, offered), ", "),
            )
        )
    if not to_stdout(output):
        # a name without a suffix is a usage error (a forgotten suffix or slash), not text;
        # a device or FIFO (`/dev/null`, a named pipe) takes the default, and so does a
        # directory, for the write path to say it is one
        return by_suffix(str(output), default if _special(output) else None, offered, what)
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


def names(tabulate: bool = True, offered: Sequence[str] = TABLE) -> list[str]:
    out = list(offered)
    if tabulate:
        out.append(T("or a tabulate format ({names})", names=", ".join(sorted(tabulate_names()))))
    return out


def tabulate_names() -> list[str]:
    from gongfu_cli.rendering.serializers import tabulate_formats

    return tabulate_formats()
