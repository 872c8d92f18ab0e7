"""Find the line of a table or key in TOML text.

`tomllib` keeps no positions, so problems found after parsing are placed by scanning the text
for table headers and keys. This runs only when there is something to report.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field

from gongfu_cli.errors import Place

# A key of a table header as TOML allows it: bare, "basic" (with escapes) or 'literal', dotted
# with spaces around the dots: [[readings]], [["readings"]], [ program ], [[ "buses" . indicators ]]
_PART = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\\n]|\\.)*"|'[^'\n]*')"""
_HEADER = re.compile(rf"^\s*(\[\[|\[)\s*({_PART}(?:\s*\.\s*{_PART})*)\s*(\]\]|\])\s*(?:#.*)?$")
_PARTS = re.compile(_PART)
_KEY = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)\s*=""")
_TOP_KEYS = {"program": "program", "bus": "buses", "indicator": "buses", "reading": "readings",
             "escalation": "program"}  # fmt: skip
_SECTION_KINDS = {
    "program": "program",
    "program.escalation": "escalation",
    "buses": "bus",
    "buses.indicators": "indicator",
    "readings": "reading",
}


@dataclass
class LineIndex:
    """Line numbers (1-based) of each table and of the keys inside it."""

    tables: dict[tuple[str, tuple[int, ...]], int] = field(default_factory=dict)
    keys: dict[tuple[str, tuple[int, ...], str], int] = field(default_factory=dict)
    headers: list[int] = field(default_factory=list)  # the line of every table header, in order

    def line_of(self, place: Place) -> int | None:
        """The key's line, else its table's, else the line of the top-level key holding it
        (for tables written inline, as `readings = [{…}]`)."""
        if place.line is not None:
            return place.line
        table = place.table or "top"
        if place.key is not None:
            line = self.keys.get((table, place.indices, place.key))
            if line is not None:
                return line
        line = self.tables.get((table, place.indices))
        if line is None and table in _TOP_KEYS:
            line = self.keys.get(("top", (), _TOP_KEYS[table]))
        return line


def index_lines(text: str) -> LineIndex:
    index = LineIndex()
    counts = {"bus": -1, "reading": -1, "escalation": -1}
    indicator_count = -1
    current: tuple[str, tuple[int, ...]] | None = ("top", ())
    in_multiline: str | None = None
    for number, line in enumerate(text.split("\n"), start=1):  # TOML ends lines at \n only
        if in_multiline is not None:
            if line.count(in_multiline) % 2 == 1:
                in_multiline = None
            continue
        header = _HEADER.match(line)
        if header and len(header.group(1)) == len(header.group(3)):
            index.headers.append(number)
            path = header_path(header.group(2))
            index.keys.setdefault(("top", (), path.split(".")[0]), number)
            kind = _SECTION_KINDS.get(path)
            if kind == "bus":
                counts["bus"] += 1
                indicator_count = -1
                current = ("bus", (counts["bus"],))
            elif kind == "indicator":
                indicator_count += 1
                current = ("indicator", (counts["bus"], indicator_count))
            elif kind == "reading":
                counts["reading"] += 1
                current = ("reading", (counts["reading"],))
            elif kind == "escalation":
                counts["escalation"] += 1
                current = ("escalation", (counts["escalation"],))
            elif kind == "program":
                current = ("program", ())
            else:
                current = None
            if current is not None:
                index.tables.setdefault(current, number)
            continue
        key = _KEY.match(line)
        if key and current is not None:
            name = key.group(1).strip("\"'")
            index.keys.setdefault((*current, name), number)
        for quote in ('"""', "'''"):
            if line.count(quote) % 2 == 1:
                in_multiline = quote
                break
    return index


def header_path(key: str) -> str:
    """The dotted key of a table header as plain names: `"buses" . indicators` is
    `buses.indicators`, so a header is known however it is quoted or spaced."""
    parts = []
    for part in _PARTS.findall(key):
        if part.startswith('"'):
            try:
                part = tomllib.loads(f"k = {part}")["k"]
            except tomllib.TOMLDecodeError:
                part = part[1:-1]
        elif part.startswith("'"):
            part = part[1:-1]
        parts.append(part)
    return ".".join(parts)
