"""`--save`: what a command showed, as an SVG picture, an HTML page or plain text.

Rich records the console; we only choose the format and make the picture self-contained (no
fonts fetched from elsewhere). Each character cell is positioned explicitly in the SVG, so
Chinese text stays aligned whatever font the viewer has.
"""

from __future__ import annotations

import html
import re
from typing import Any

# Latin text and box/bar characters from a narrow monospace font; Chinese falls through to a
# CJK font, drawn two cells wide.
_FONTS = (
    '"DejaVu Sans Mono", Menlo, Consolas, "Noto Sans Mono CJK SC", "Sarasa Mono SC", '
    '"Source Han Mono SC", monospace'
)
_TEXT_SPAN = re.compile(r'(<text [^>]*?textLength=")([0-9.]+)("[^>]*>)([^<]*)(</text>)')


def _svg_format() -> str | None:
    """Rich's SVG template without its web fonts, or None to use Rich's own."""
    try:
        from rich._export_format import CONSOLE_SVG_FORMAT
    except ImportError:  # a future rich without it: its default still works, fonts and all
        return None
    text = re.sub(r"@font-face \{\{.*?\}\}\s*", "", CONSOLE_SVG_FORMAT, flags=re.S)
    return text.replace("font-family: Fira Code, monospace;", f"font-family: {_FONTS};")


def _cell_lengths(picture: str) -> str:
    """Give each text span the width of its terminal cells.

    Rich sizes a span by its number of characters, which squeezes Chinese (two cells a
    character) into half its room in viewers that honour `textLength`.
    """
    from rich.cells import cell_len

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


def page(console: Any, title: str) -> str:
    """One HTML file that needs nothing else: the SVG inline, printable."""
    picture = svg(console, title)
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>"
        "<style>body{margin:1.5em;background:#fff} svg{max-width:100%;height:auto}"
        "@media print{body{margin:0}}</style></head><body>\n"
        f"{picture}\n</body></html>\n"
    )


def saved(console: Any, kind: str, title: str) -> str:
    """What a recording console drew, as `svg`, `html` or `txt`."""
    if kind == "svg":
        return svg(console, title)
    if kind == "html":
        return page(console, title)
    return console.export_text()
