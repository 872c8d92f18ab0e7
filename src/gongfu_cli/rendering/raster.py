"""PNG from SVG, drawn in-process by resvg (a Rust library, through the `resvg-py` wheel).

A browser takes seconds to start for every picture; resvg draws a chart in a fraction of a
second and sets text with the system's fonts (on Linux, the folders fontconfig's configuration
lists). Before anything is written, gongfu checks that those fonts can draw Chinese: without
one every character would come out as a box, or not at all, silently.
"""

from __future__ import annotations

import re
import sys
from functools import cache

from gongfu_cli.errors import GongfuError
from gongfu_cli.i18n import T

SCALE = 2  # device pixels per SVG pixel: sharp on projectors and high-density screens
# Two different characters, each drawn alone: glyphs differ, boxes (or nothing) do not.
_PROBE = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32">'
    '<text x="2" y="26" font-size="28" font-family="{fonts}">{char}</text></svg>'
)
_PROBE_FONTS = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"
_SIZE = re.compile(r'<svg[^>]*?\bwidth="([\d.]+)"[^>]*?\bheight="([\d.]+)"')
_VIEW = re.compile(r'<svg[^>]*?\bviewBox="[-\d.]+ [-\d.]+ ([\d.]+) ([\d.]+)"')


def _draw(svg: str, zoom: float = 1) -> bytes:
    import resvg_py  # ~1 MB of native code: loaded only for a PNG

    try:
        return bytes(resvg_py.svg_to_bytes(svg_string=svg, zoom=zoom, background="#ffffff"))
    except ValueError as exc:  # resvg could not read or draw it
        raise GongfuError(
            T("the picture could not be drawn as PNG: {reason}", reason=str(exc))
        ) from None


@cache
def draws_chinese() -> bool:
    """Whether the fonts resvg finds draw Chinese: two different characters give different
    pixels (with no such font they are the same box, or the same blank)."""
    first, second = (_draw(_PROBE.format(fonts=_PROBE_FONTS, char=c)) for c in "班车")
    return first != second


def font_hint() -> str:
    """What to install for Chinese glyphs on this system."""
    if sys.platform.startswith("linux"):
        return T(
            "install a font with Chinese glyphs: on Debian or Ubuntu `sudo apt-get install "
            "fonts-noto-cjk`, on Fedora `sudo dnf install google-noto-sans-cjk-fonts`"
        )
    return T("install a font with Chinese glyphs, such as Noto Sans CJK SC")


def require_chinese_font(what: str) -> None:
    """Stop (exit 1) before writing a picture or document whose Chinese would be boxes."""
    if not draws_chinese():
        raise GongfuError(
            T(
                "no font with Chinese glyphs was found, so {what} would show boxes instead of "
                "characters; {hint}",
                what=what,
                hint=font_hint(),
            )
        )


def svg_png(svg: str) -> bytes:
    """An SVG picture as PNG, at its own size, twice the pixels for sharpness."""
    require_chinese_font(T("the PNG"))
    return _draw(svg, SCALE)


def svg_size(svg: str) -> tuple[int, int] | None:
    """The width and height an SVG declares (else its view box's), in pixels."""
    match = _SIZE.search(svg) or _VIEW.search(svg)
    return (round(float(match.group(1))), round(float(match.group(2)))) if match else None
