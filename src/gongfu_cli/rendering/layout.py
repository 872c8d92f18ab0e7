"""Fitting text and tables into a terminal width without losing a character.

Rich wraps text at spaces and cuts cells that do not fit (`严重滞后` becomes `严重…`). Chinese
has no spaces, and a progress table must never show half a number, so gongfu breaks lines
itself, by the rules of Chinese typesetting:

- a line may break between any two Chinese characters, and at spaces;
- a run of Latin letters, digits and their punctuation (`2022-01-05`, `1,200.5`, `A级` → `A`)
  is never split unless it is wider than the whole line;
- no line starts with closing punctuation (`、，。）」` …) and none ends with an opening one.

Tables are then given column widths that fit: text columns wrap, number columns keep their
natural width, and when even that is too wide the caller drops bars or stacks each row as a
short paragraph. Only commands that draw tables import this module (it needs rich).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from rich import box
from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

# Characters that may not begin a line (they close something or follow a word) and that may
# not end one (they open something).
NO_START = frozenset("、，。．,.;；:：!！?？)）]］}｝」』》〉】〕〗”’…‥%％·・～〜")
NO_END = frozenset("(（[［{｛「『《〈【〔〖“‘")
# A run that stays whole: Latin words, numbers, dates, times, percentages, ids.
_WORD = re.compile(r"[A-Za-z0-9_@#&+\-./:%',’°]+|\s+|.", re.S)


def _tokens(line: str) -> list[str]:
    """The line as unbreakable pieces, with closing punctuation glued to what precedes it and
    opening punctuation to what follows."""
    tokens: list[str] = []
    opening = ""
    for piece in _WORD.findall(line):
        if piece.isspace():
            if opening:
                tokens.append(opening)
                opening = ""
            tokens.append(piece)
            continue
        piece = opening + piece
        opening = ""
        if piece in NO_END:
            opening = piece
        elif tokens and not tokens[-1].isspace() and piece[0] in NO_START:
            tokens[-1] += piece
        elif len(tokens) > 1 and piece[0] in NO_START:  # `word ·`: the space cannot break
            space = tokens.pop()
            tokens[-1] += space + piece
        else:
            tokens.append(piece)
    if opening:
        tokens.append(opening)
    return tokens


def break_points(line: str, width: int) -> list[int]:
    """Offsets in `line` where a new line starts, so that no line is wider than `width`."""
    width = max(width, 2)
    starts: list[int] = []
    used = 0
    offset = 0
    for token in _tokens(line):
        size = cell_len(token)
        if token.isspace():
            if used and used + size <= width:
                used += size
            elif used:
                starts.append(offset + len(token))  # the space ends the line
                used = 0
            offset += len(token)
            continue
        if used and used + size > width:
            starts.append(offset)
            used = 0
        if size > width:  # wider than a whole line: the only case a run is split
            for index, char in enumerate(token):
                char_size = cell_len(char)
                if used and used + char_size > width:
                    starts.append(offset + index)
                    used = 0
                used += char_size
        else:
            used += size
        offset += len(token)
    return [s for s in starts if 0 < s < len(line)]


def wrap(text: Text | str, width: int) -> Text:
    """The text with line breaks where Chinese typesetting allows, each line within `width`
    cells; styles are kept."""
    text = Text(text) if isinstance(text, str) else text
    lines: list[Text] = []
    for line in text.split("\n", allow_blank=True):
        offsets = break_points(line.plain, width)
        parts = line.divide(offsets) if offsets else [line]
        for part in parts:
            part.rstrip()
            if lines or part.plain or len(parts) == 1:
                lines.append(part)
    return Text("\n").join(lines)


def min_width(text: Text | str) -> int:
    """The narrowest a cell can be without splitting a word or number."""
    plain = text.plain if isinstance(text, Text) else text
    return max((cell_len(t) for t in _tokens(plain) if not t.isspace()), default=0)


def width_of(text: Text | str) -> int:
    plain = text.plain if isinstance(text, Text) else text
    return max((cell_len(line) for line in plain.split("\n")), default=0)


class Column(NamedTuple):
    header: str
    wraps: bool = False  # text that may wrap (names, leads, sources); others keep their width
    justify: str = "left"


def _overhead(columns: int) -> int:
    """Cells a house-style table adds around its columns (padding and edges)."""
    return 3 * columns - 1


WRAP_MIN = 4  # a text column narrower than this (two Chinese characters) reads badly


def fit_table(
    columns: Sequence[Column], rows: Sequence[Sequence[Text]], width: int, wrap_text: bool = True
) -> Table | None:
    """A table of these columns within `width` cells, or None when it cannot fit without
    splitting a number or a word. Text columns (and their headers) wrap; the others keep
    their natural width."""
    natural, least = [], []
    for k, column in enumerate(columns):
        cells = [row[k] for row in rows]
        widest = max([cell_len(column.header), *map(width_of, cells)])
        natural.append(widest)
        if column.wraps and wrap_text:  # its header may wrap too: 牵头单位 over two lines
            header = min_width(column.header)
            least.append(min(widest, max(header, WRAP_MIN, *map(min_width, cells))))
        else:
            least.append(widest)
    room = width - _overhead(len(columns))
    if sum(least) > room:
        return None
    widths = _share(natural, least, room)
    table = house_table()
    for column, size in zip(columns, widths, strict=True):
        table.add_column(
            wrap(Text(column.header), size),
            justify=column.justify,  # type: ignore[arg-type]
            width=size,
            no_wrap=True,
        )
    for row in rows:
        table.add_row(
            *(
                wrap(cell, size) if column.wraps else cell
                for column, cell, size in zip(columns, row, widths, strict=True)
            )
        )
    return table


def _share(natural: list[int], least: list[int], room: int) -> list[int]:
    """Column widths within `room`: every column its natural width if they all fit; else the
    columns that need least get whole first, and the rest share what is left evenly (never
    below their least)."""
    if sum(natural) <= room:
        return list(natural)
    widths = list(least)
    spare = room - sum(least)
    growing = sorted((k for k in range(len(natural)) if natural[k] > least[k]),
                     key=lambda k: natural[k] - least[k])  # fmt: skip
    for position, k in enumerate(growing):
        share = spare // (len(growing) - position)
        grow = min(natural[k] - least[k], share)
        widths[k] += grow
        spare -= grow
    return widths


def house_table() -> Table:
    return Table(box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False)


def cards(titles: Sequence[Text], facts: Sequence[Sequence[Text]], width: int) -> Group:
    """Rows as short paragraphs, for terminals too narrow for a table: a title line, then the
    facts joined by ` · `, a fact moving whole to the next line where it can. Continuation
    lines are indented under the title."""
    out: list[RenderableType] = []
    room = max(width - 2, 2)
    for title, row_facts in zip(titles, facts, strict=True):
        lines = [_hanging("• ", title, room)]
        line = Text()
        for fact in row_facts:
            if not fact.plain:
                continue
            candidate = line.copy()
            if candidate.plain:
                candidate.append(" · ")
            candidate.append_text(fact)
            if width_of(candidate) <= room or not line.plain:
                line = candidate
            else:
                lines.append(_hanging("  ", line, room))
                line = fact.copy()
        if line.plain:
            lines.append(_hanging("  ", line, room))
        out.append(Text("\n").join(lines))
    return Group(*out)


def _hanging(prefix: str, body: Text, room: int) -> Text:
    """`prefix` then the body wrapped within `room`, every further line indented as far."""
    indent = " " * cell_len(prefix)
    parts = wrap(body, room).split("\n")
    return Text("\n").join(
        Text(prefix if k == 0 else indent).append_text(part) for k, part in enumerate(parts)
    )
