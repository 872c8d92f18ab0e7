"""How values read to people: percentages, thousands separators, status labels, safe text.

Pure string functions shared by the rich tables and the tabulate formats.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from gongfu_cli.escapes import visible_line
from gongfu_cli.presentation.vocabulary import status_label


def number(value: float | int | None, unit: str = "") -> str:
    """A number with thousands separators and at most the digits it was given, then its unit."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        text = f"{int(value):,}"
    elif isinstance(value, float):
        whole, _, frac = plain_number(value).partition(".")
        text = f"{int(whole):,}" + (f".{frac}" if frac else "")
        if whole.startswith("-0"):
            text = "-" + text
    else:
        text = f"{value:,}"
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {visible_line(unit)}"


def plain_number(value: float | int) -> str:
    """The shortest exact decimal, never in exponent notation (for CSV and tables)."""
    if isinstance(value, int):
        return str(value)
    text = repr(value)
    if "e" in text or "E" in text:
        from decimal import Decimal

        text = format(Decimal(text), "f")
    if text.endswith(".0"):
        text = text[:-2]
    return text


def percent(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{value * 100:.{digits}f}%"


def filled(ratio: float, width: int) -> int:
    """How many of `width` bar cells a ratio fills; overshoot fills the bar, nothing stays empty."""
    return round(min(1.0, max(0.0, ratio)) * width)


def points(gap: float | None) -> str:
    """A gap between two ratios in percentage points, signed: +1.7, -13.8."""
    return "" if gap is None else f"{gap * 100:+.1f}"


def date_text(value: date | None) -> str:
    return "" if value is None else value.isoformat()


SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[float | int]) -> str:
    """Values as a row of eighth blocks, lowest to highest."""
    if not values:
        return ""
    low, high = min(values), max(values)
    span = float(high) - float(low)
    if not span or not math.isfinite(span):
        return SPARKS[len(SPARKS) // 2] * len(values)
    top = len(SPARKS) - 1
    return "".join(SPARKS[round((float(v) - low) / span * top)] for v in values)


# Stand-ins for the drawing characters when the output cannot encode them (a GBK console has
# `█` but not `░`; ASCII has neither). Each stand-in takes the same one cell.
FALLBACKS = {
    "█": "#",
    "░": "-",
    "▁": "_",
    "▂": ".",
    "▃": ":",
    "▄": "-",
    "▅": "=",
    "▆": "+",
    "▇": "*",
    "─": "-",
    "━": "-",
    "…": "~",
    "—": "-",
    "–": "-",
    "·": ".",
    "↑": "^",
    "↓": "v",
    "•": "*",
    "→": ">",
}


def _fallback(error: UnicodeError) -> tuple[str, int]:
    """A codec error handler: drawing characters as their stand-ins, anything else as `?`
    (`??` for a wide character, so that columns stay aligned)."""
    import unicodedata

    if not isinstance(error, UnicodeEncodeError):
        raise error
    text = error.object[error.start : error.end]
    return "".join(
        FALLBACKS.get(c) or ("??" if unicodedata.east_asian_width(c) in "WF" else "?") for c in text
    ), error.end


def fall_back_on_narrow_encodings() -> None:
    """Let standard output and error write in any encoding (GBK, ASCII, Latin-1) without
    failing: what the stream cannot encode becomes a stand-in. Files gongfu writes itself are
    always UTF-8 and do not pass through here."""
    import codecs
    import sys

    codecs.register_error("gongfu-fallback", _fallback)
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", "") or "").lower().replace("-", "").replace("_", "")
        if encoding not in ("utf8", "utf8sig") and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="gongfu-fallback")


def shown(kind: str, value: Any, unit: str = "") -> str:
    """A value as people read it, by the kind of what it holds: the one formatter behind every
    table, report, document and picture (and the rows formats made for people: Markdown and
    tabulate's). Kinds: ratio (a percentage), points (percentage points, signed, never "%"),
    number (in `unit`), change (a signed number), date, status (its Chinese label), count,
    move (places up or down in the race), text (user text on one line, controls visible)."""
    if value is None:
        return ""
    if isinstance(value, str) and kind not in ("status", "text"):
        return visible_line(value)  # a word where a number may stand (a change's kind)
    if kind == "ratio":
        return percent(value)
    if kind == "points":
        return points(value)
    if kind == "number":
        return number(value, unit)
    if kind == "change":
        return ("+" if value > 0 else "") + number(value)
    if kind == "date":
        return date_text(value)
    if kind == "status":
        return status_label(value)
    if kind == "count":
        return str(value)
    if kind == "move":
        return "–" if value == 0 else f"↑{value}" if value > 0 else f"↓{-value}"
    return visible_line(str(value))
