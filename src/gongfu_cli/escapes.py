"""User text made safe for each medium it reaches, from one set of dangerous characters.

Text from the data and from agencies' sheets is data, never markup: it must not drive a
terminal, forge a `FILE:LINE:` message, open as a formula in a spreadsheet, become Markdown or
HTML, or break the XML of a workbook or a Word file. Every medium has one escape here, and all
of them start from `CONTROLS`, so a character found dangerous once is handled everywhere.
"""

from __future__ import annotations

import re

# Characters that must never reach a reader as they are: C0 and C1 controls, DEL, and the
# invisible format characters that reorder or hide text (bidi overrides and isolates,
# zero-width marks, line and paragraph separators, the BOM). Lone surrogates (undecodable
# bytes) are escaped by every medium too.
INVISIBLE = (
    *range(0x200B, 0x2010),
    *range(0x2028, 0x202F),
    *range(0x2060, 0x206A),
    0x061C,
    0xFEFF,
)
CONTROLS = (*range(0x20), *range(0x7F, 0xA0), *INVISIBLE)
CONTROL_CHARACTERS = frozenset(chr(i) for i in CONTROLS)


def _ranges(codes: tuple[int, ...]) -> str:
    """A regular expression's character class body for `codes`, consecutive ones as ranges
    (a class of single characters compiles several times slower, at every start)."""
    ordered = sorted(set(codes))
    spans: list[list[int]] = []
    for code in ordered:
        if spans and code == spans[-1][1] + 1:
            spans[-1][1] = code
        else:
            spans.append([code, code])
    return "".join(f"\\u{a:04x}" if a == b else f"\\u{a:04x}-\\u{b:04x}" for a, b in spans)


# Terminal: tabs and line ends are layout, everything else dangerous is shown escaped.
_TERMINAL = re.compile(
    "[" + _ranges(tuple(c for c in CONTROLS if c not in (0x09, 0x0A))) + r"\ud800-\udfff]"
)


def visible(text: str | None) -> str:
    """User text with control characters made visible, so a file cannot drive the terminal."""
    if not text:
        return ""
    return _TERMINAL.sub(
        lambda m: (
            f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}"
        ),
        text,
    )


def terminal_text(text: str) -> str:
    """Output bound for a terminal rather than a pipe or a file: every control character shown
    as `visible` shows it (so data cannot colour, retitle or clear the terminal, hide a link
    behind OSC 8 or reorder text); tabs and line ends stay, and a CRLF line end reads as LF."""
    return visible(text.replace("\r\n", "\n"))


def visible_line(text: str | None) -> str:
    """Like `visible`, with tabs and newlines folded into spaces for one-line cells."""
    return visible(text).replace("\t", " ").replace("\n", " ")


# A path or a quoted value inside a message: one line, unambiguous (`\n` stays `\n`).
_PATH_ESCAPES = {i: f"\\u{i:04x}" for i in CONTROLS} | {
    ord("\n"): "\\n",
    ord("\t"): "\\t",
    ord("\r"): "\\r",
}
_QUOTE_ESCAPES = _PATH_ESCAPES | {ord('"'): '\\"', ord("\\"): "\\\\"}


def shown_path(path: object) -> str:
    """A file name as the user typed it, backslashes included, with every control or invisible
    character escaped, so a name cannot move the cursor, forge a `FILE:LINE:` line or reverse
    the text around it. Undecodable bytes (surrogates) show as `\\udcxx`."""
    text = str(path)
    return text.translate(_PATH_ESCAPES).encode("utf-8", "backslashreplace").decode("utf-8")


def quote(text: object, limit: int = 60) -> str:
    """User text inside a message: in JSON's quotes and escapes, never too long."""
    if isinstance(text, str):
        escaped = text.translate(_QUOTE_ESCAPES).encode("utf-8", "backslashreplace")
        shown = '"' + escaped.decode("utf-8") + '"'
    else:
        shown = str(text)
    return shown if len(shown) <= limit else shown[: limit - 2] + '…"'


# Markdown: every character that could start markup, and a line start that would make a list,
# heading or rule (`- x`, `+ x`, `1. x`, `1) x`, `===`).
_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~&#!{}])")
_MD_BLOCK_START = re.compile(r"^(?:[-+](?=\s|$)|\d{1,9}(?=[.)](?:\s|$))|[-=]+$)")


def markdown_text(text: str | None) -> str:
    """User text as inert Markdown on one line: control characters visible, every character
    that could start markup escaped (HTML, links, emphasis, table pipes, entities such as
    `&amp;`), and a line start that would make a list, heading or rule escaped too."""
    line = _MD_INLINE.sub(r"\\\1", visible_line(text).strip())
    match = _MD_BLOCK_START.match(line)
    if match and line[0].isdigit():
        line = line[: match.end()] + "\\" + line[match.end() :]
    elif match:
        line = "\\" + line
    return line


def html_text(text: str | None) -> str:
    """User text inside an HTML page: one line, controls visible, markup escaped."""
    import html

    return html.escape(visible_line(text))


# Spreadsheets: a cell starting with one of these is run as a formula by Excel, WPS and
# LibreOffice when a CSV or TSV is opened.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert_cell(text: str) -> str:
    """A CSV/TSV text cell a spreadsheet will not run: a leading `'` where it would."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


# XML 1.0 (inside .xlsx and .docx) cannot hold C0 controls but tab, LF and CR.
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Text a workbook or Word file can hold: what XML cannot carry shown as `\\uXXXX`."""
    return XML_ILLEGAL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
