"""`--save`: what a command showed, as an SVG picture, an HTML page or plain text.

The default picture is for documents and slides: light, borderless, each word placed at its
terminal column and drawn at its natural width, so Chinese sits without gaps and columns stay
aligned whatever font the viewer has; the cells of a column of numbers (by the column's kind)
are anchored at their right edge. `--theme terminal` gives Rich's own picture of a dark
terminal window instead. Both are sized to what they show and self-contained (no fonts fetched
from elsewhere).
"""

from __future__ import annotations

import html
import io
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.cells import cell_len
from rich.terminal_theme import DEFAULT_TERMINAL_THEME

from gongfu_cli.escapes import html_text

LIGHT_FONTS = (
    '"DejaVu Sans Mono", Menlo, Consolas, "Microsoft YaHei", "PingFang SC", '
    '"Noto Sans CJK SC", "Source Han Sans SC", monospace'
)
PICTURE_WIDTH = 160  # cells: the most a saved picture is laid out in, never the terminal's
FONT_SIZE = 14  # px
CELL = 8.4  # px: one terminal cell, 0.6 em (a monospace Latin character)
LINE = 20  # px
MARGIN = 16  # px
_RUN = re.compile(r"[^ ]+(?: [^ ]+)*")  # words; two spaces part columns

# Latin text and box/bar characters from a narrow monospace font; Chinese falls through to a
# CJK font, drawn two cells wide.
_FONTS = (
    '"DejaVu Sans Mono", Menlo, Consolas, "Noto Sans Mono CJK SC", "Sarasa Mono SC", '
    '"Source Han Mono SC", monospace'
)
_TITLE_FONTS = (
    '"Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif'
)
_TEXT_SPAN = re.compile(r'(<text [^>]*?textLength=")([0-9.]+)("[^>]*>)([^<]*)(</text>)')


def _svg_format() -> str | None:
    """Rich's SVG template without its web fonts, or None to use Rich's own."""
    try:
        from rich._export_format import CONSOLE_SVG_FORMAT
    except ImportError:  # a future rich without it: its default still works, fonts and all
        return None
    text = re.sub(r"@font-face \{\{.*?\}\}\s*", "", CONSOLE_SVG_FORMAT, flags=re.S)
    text = text.replace("font-family: Fira Code, monospace;", f"font-family: {_FONTS};")
    # the window's title: Arial alone is missing on Linux and has no Chinese anywhere
    return text.replace("font-family: arial;", f"font-family: arial, {_TITLE_FONTS};")


def _cell_lengths(picture: str) -> str:
    """Give each text span the width of its terminal cells.

    Rich sizes a span by its number of characters, which squeezes Chinese (two cells a
    character) into half its room in viewers that honour `textLength`.
    """

    def fix(match: re.Match[str]) -> str:
        content = html.unescape(match.group(4))
        if not content:
            return match.group(0)
        char_width = float(match.group(2)) / len(content)
        width = round(char_width * cell_len(content), 2)
        return f"{match.group(1)}{width:g}{match.group(3)}{match.group(4)}{match.group(5)}"

    return _TEXT_SPAN.sub(fix, picture)


def svg(console: Any, title: str) -> str:
    code_format = _svg_format()
    if code_format is None:
        return _cell_lengths(console.export_svg(title=title))
    return _cell_lengths(console.export_svg(title=title, code_format=code_format))


def saved(console: Any, kind: str, title: str, drawn: Any = None, theme: str = "light") -> str:
    """What a recording console drew, as `svg`, `html` or `txt`; the light pictures are drawn
    anew from `drawn`, the renderable the console printed."""
    if kind == "txt":
        return console.export_text()
    if theme == "terminal" and drawn is not None:
        picture = svg(_fitted(drawn, console.width), title)
    elif drawn is None:
        picture = svg(console, title)
    else:
        picture = light_svg(drawn, console.width, title)
    return wrap_page(picture, title) if kind == "html" else picture


def saved_bytes(
    console: Any, kind: str, title: str, drawn: Any = None, theme: str = "light"
) -> bytes:
    """`saved` as bytes, and `png`: the SVG picture drawn by resvg."""
    if kind == "png":
        from gongfu_cli.rendering.raster import svg_png

        return svg_png(saved(console, "svg", title, drawn, theme))
    return saved(console, kind, title, drawn, theme).encode("utf-8")


def wrap_page(picture: str, title: str) -> str:
    """One HTML file that needs nothing else: the SVG inline, printable."""
    from gongfu_cli.rendering.page import html_page

    style = (
        "body{margin:1.5em;background:#fff} svg{max-width:100%;height:auto}"
        "@media print{body{margin:0}}"
    )
    return html_page(title, style, picture)


def _console(width: int, record: bool = False) -> Any:
    from rich.console import Console

    return Console(
        width=width,
        file=io.StringIO(),
        record=record,
        color_system="truecolor",  # a file, not a terminal: TERM=dumb cannot narrow it
        legacy_windows=False,
        highlight=False,
        emoji=False,
    )


def _lines(drawn: Any, width: int) -> list[list[Any]]:
    """The renderable laid out `width` cells wide, without trailing blank lines or padding."""
    console = _console(width)
    lines = console.render_lines(drawn, console.options, pad=False)
    while lines and not "".join(s.text for s in lines[-1]).strip():
        lines.pop()
    return lines


def _used(lines: list[list[Any]]) -> int:
    """How many cells wide the widest line is."""
    return max((sum(_cells(s.text) for s in line) for line in lines), default=0)


def _fitted(drawn: Any, width: int) -> Any:
    """A recording console as wide as what is drawn, not as the terminal, holding it: the
    terminal picture then frames the table, not the empty columns beside it."""
    console = _console(max(1, _used(_lines(drawn, width))), record=True)
    console.print(drawn)
    return console


_RIGHT = "gongfu-align"  # the style meta that marks text set right-aligned by its kind


def right_aligned() -> Any:
    """The style that marks a number set right-aligned inside a cell (a bar's percentage), so
    a picture anchors it at its right edge like a column of numbers."""
    from rich.style import Style

    return Style(meta={_RIGHT: "right"})


@contextmanager
def _marked_columns(drawn: Any) -> Iterator[None]:
    """While inside, every right-justified table column (numbers, by its kind) styles its
    cells with a mark the picture reads back, so alignment follows the column, not the text."""
    from rich.style import Style
    from rich.table import Table

    tables: list[Any] = []
    stack = [drawn]
    while stack:
        item = stack.pop()
        if isinstance(item, Table):
            tables.append(item)
        stack += list(getattr(item, "renderables", ()))
        inner = getattr(item, "renderable", None)
        if inner is not None:
            stack.append(inner)
    saved = [(c, c.style) for t in tables for c in t.columns if c.justify == "right"]
    mark = right_aligned()
    for column, style in saved:
        column.style = (Style.parse(style) if isinstance(style, str) else style) + mark
    try:
        yield
    finally:
        for column, style in saved:
            column.style = style


def light_svg(drawn: Any, width: int, title: str) -> str:
    """A light, borderless picture of a renderable laid out `width` cells wide."""
    with _marked_columns(drawn):
        lines = _lines(drawn, width)
    used = _used(lines)
    body = [_line(line, MARGIN + (n + 1) * LINE - 5) for n, line in enumerate(lines)]
    w = round(2 * MARGIN + used * CELL)
    h = 2 * MARGIN + len(lines) * LINE
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
        f'viewBox="0 0 {w} {h}" role="img" aria-labelledby="t">\n'
        f'<title id="t">{_escape(title)}</title>\n'
        f'<rect width="100%" height="100%" fill="#ffffff"/>\n'
        f'<g font-family=\'{LIGHT_FONTS}\' font-size="{FONT_SIZE}" fill="#1f2328" '
        'xml:space="preserve">\n' + "".join(body) + "</g>\n</svg>\n"
    )


def _line(segments: list[Any], y: float) -> str:
    """One terminal line as words: each starts at its column (or, in a column of numbers,
    ends at its column) and flows at its natural width, its differently styled parts as
    `<tspan>`s."""
    pieces = [(s.text, s.style) for s in segments if not s.control and s.text]
    text = "".join(t for t, _ in pieces)
    owner = [k for k, (t, _) in enumerate(pieces) for _ in t]  # the piece of each character
    out = []
    for run in _RUN.finditer(text):
        word = run.group()
        start = _cells(text[: run.start()])
        style = pieces[owner[run.start()]][1]
        if style is not None and style.meta.get(_RIGHT) == "right":
            # a column of numbers: right edges line up in any font
            x, anchor = MARGIN + (start + _cells(word)) * CELL, ' text-anchor="end"'
        else:
            x, anchor = MARGIN + start * CELL, ""
        parts: list[tuple[str, Any]] = []
        for offset, char in enumerate(word):
            style = pieces[owner[run.start() + offset]][1]
            if parts and parts[-1][1] == style:
                parts[-1] = (parts[-1][0] + char, style)
            else:
                parts.append((char, style))
        if len(parts) == 1:
            body = f"{_attributes(parts[0][1])}>{_escape(parts[0][0])}"
        else:
            body = ">" + "".join(
                f"<tspan{_attributes(style)}>{_escape(part)}</tspan>" for part, style in parts
            )
        family = _CJK_FAMILY if any(_wide(c) for c in word) else ""
        out.append(f'<text x="{x:.1f}" y="{y}"{anchor}{family}{body}</text>\n')
    return "".join(out)


def _attributes(style: Any) -> str:
    if style is None:
        return ""
    parts = []
    if style.color is not None and not style.color.is_default:
        r, g, b = style.color.get_truecolor(DEFAULT_TERMINAL_THEME)
        parts.append(f' fill="{_readable(r, g, b)}"')
    if style.bold:
        parts.append(' font-weight="bold"')
    if style.italic:
        parts.append(' font-style="italic"')
    if style.dim:
        parts.append(' fill-opacity="0.6"')
    return "".join(parts)


def _readable(r: int, g: int, b: int) -> str:
    """A terminal colour darkened until it reads on white (yellow becomes amber)."""
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    if luminance > 150:
        factor = 150 / luminance
        r, g, b = (round(c * factor) for c in (r, g, b))
    return f"#{r:02x}{g:02x}{b:02x}"


# A word with Chinese in it is set in a Chinese sans font first: renderers that fall back
# glyph by glyph (resvg) would otherwise take any font that has the glyph, often a serif.
_CJK_FAMILY = (
    ' font-family=\'"Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "Source Han Sans SC", '
    '"DejaVu Sans Mono", sans-serif\''
)


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"


def _cells(text: str) -> int:
    return cell_len(text)


def _escape(text: str) -> str:
    return html_text(text)
