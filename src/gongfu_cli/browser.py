"""PNG pictures, rendered by a Chromium-family browser where one is installed.

SVG and HTML need nothing beyond Python; a PNG (for slides and chat groups that take no SVG)
is the SVG drawn by a real browser in headless mode, which also sets the Chinese text with the
system's fonts. Where no browser is found, the message says what to install or use instead.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from gongfu_cli.errors import GongfuError

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome",
         "microsoft-edge", "msedge")  # fmt: skip
WINDOWS_PATHS = (
    r"Microsoft\Edge\Application\msedge.exe",
    r"Google\Chrome\Application\chrome.exe",
)
TIMEOUT = 90  # seconds: a cold start of a browser on a slow machine
SCALE = 2  # device pixels per CSS pixel: sharp on projectors and high-density screens


def find_browser() -> str | None:
    """`GONGFU_BROWSER` if set, else the first Chromium-family browser on PATH (or, on
    Windows, where Edge and Chrome install themselves)."""
    chosen = os.environ.get("GONGFU_BROWSER")
    if chosen:
        return shutil.which(chosen) or (chosen if Path(chosen).is_file() else None)
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    for root in (os.environ.get("PROGRAMFILES(X86)"), os.environ.get("PROGRAMFILES")):
        for tail in WINDOWS_PATHS:
            if root and Path(root, tail).is_file():
                return str(Path(root, tail))
    return None


def headless(exe: str, profile: Path, *arguments: str) -> list[str]:
    """The command line that runs the browser headless, with a throwaway profile."""
    command = [exe, "--headless", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
               "--disable-extensions", f"--user-data-dir={profile}", *arguments]  # fmt: skip
    if getattr(os, "geteuid", lambda: 1)() == 0:
        command.insert(1, "--no-sandbox")  # Chromium refuses to run as root otherwise
    return command


def screenshot(html: str, width: int, height: int) -> bytes:
    """The page drawn at `width` × `height` CSS pixels, as PNG bytes."""
    exe = find_browser()
    if exe is None:
        raise GongfuError(
            "a .png is drawn by a Chromium-family browser, and none was found (install "
            "chromium, Chrome or Edge, or name one with GONGFU_BROWSER); or write .svg or "
            ".html, which need nothing"
        )
    with tempfile.TemporaryDirectory(prefix="gongfu-png-") as work:
        page = Path(work, "page.html")
        shot = Path(work, "shot.png")
        page.write_text(html, encoding="utf-8")
        command = headless(
            exe,
            Path(work, "profile"),
            f"--window-size={width},{height}",
            f"--force-device-scale-factor={SCALE}",
            f"--screenshot={shot}",
            page.as_uri(),
        )
        try:
            done = subprocess.run(command, capture_output=True, timeout=TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise GongfuError(f"the browser ({exe}) could not draw the picture: {exc}") from None
        if not shot.is_file() or shot.stat().st_size == 0:
            detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            raise GongfuError(
                f"the browser ({exe}) drew no picture (exit {done.returncode}) {detail[0]}"
            )
        return shot.read_bytes()


_SIZE = re.compile(r'<svg[^>]*?\bwidth="([\d.]+)"[^>]*?\bheight="([\d.]+)"')


def svg_png(svg: str) -> bytes:
    """An SVG picture as PNG, at its own size (twice the pixels, for sharpness)."""
    match = _SIZE.search(svg)
    width, height = (round(float(v)) for v in match.groups()) if match else (1000, 800)
    html = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><style>html,body{margin:0;'
        "background:#fff}svg{display:block}</style></head><body>" + svg + "</body></html>"
    )
    return screenshot(html, width, height)
