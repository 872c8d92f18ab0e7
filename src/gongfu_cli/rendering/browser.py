"""A Chromium-family browser, started headless for what needs one: the report as PDF.

PNG pictures need none (resvg draws them, `raster.py`); a PDF of the HTML report is printed by
the browser the machine already has (Chromium, Chrome or Edge; `GONGFU_BROWSER` names
another). The browser gongfu starts is kept harmless: a fresh profile in a private temporary
folder, every connection sent to a proxy that does not exist, a page whose security policy
lets it load nothing (no file beside it, no address), and it is always ended, with every
process it started, on success, on error, on timeout and on Ctrl-C.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gongfu_cli.errors import GongfuError
from gongfu_cli.i18n import T

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome",
         "microsoft-edge", "msedge")  # fmt: skip
WINDOWS_PATHS = (
    r"Microsoft\Edge\Application\msedge.exe",
    r"Google\Chrome\Application\chrome.exe",
)
MAC_PATHS = (
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
)
TIMEOUT = 90  # seconds: a cold start of a browser on a slow machine, then the page
SCALE = 2  # device pixels per CSS pixel for screenshots
NOWHERE = "http://127.0.0.1:9"  # the discard port: a proxy that answers nothing
# What the page may load: its own inline styles and inline (data:) images, nothing else.
POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
    "frame-src 'none'; form-action 'none'; base-uri 'none'"
)


def find_browser() -> str | None:
    """`GONGFU_BROWSER` if set, else the first Chromium-family browser on PATH (or where Edge
    and Chrome install themselves on Windows and macOS)."""
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
    if sys.platform == "darwin":
        return next((p for p in MAC_PATHS if Path(p).is_file()), None)
    return None


def headless(exe: str, profile: Path, *arguments: str) -> list[str]:
    """The command line that runs the browser headless and offline, with a throwaway profile."""
    command = [exe, "--headless", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
               "--no-default-browser-check", "--disable-extensions", "--disable-sync",
               "--disable-background-networking", "--disable-component-update",
               "--disable-default-apps", f"--proxy-server={NOWHERE}",
               "--proxy-bypass-list=<-loopback>", f"--user-data-dir={profile}",
               *arguments]  # fmt: skip
    if getattr(os, "geteuid", lambda: 1)() == 0:
        command.insert(1, "--no-sandbox")  # Chromium refuses to run as root otherwise
    return command


def sealed(html: str) -> str:
    """The page with a security policy that lets it load nothing beyond itself."""
    meta = f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">'
    head = re.search(r"<head[^>]*>", html, flags=re.I)
    if head:
        return html[: head.end()] + meta + html[head.end() :]
    return meta + html


def _browser() -> str:
    exe = find_browser()
    if exe is None:
        raise GongfuError(
            T(
                "a PDF is printed by a Chromium-family browser, and none was found (install "
                "chromium, Chrome or Edge, or name one with GONGFU_BROWSER); or write the report "
                "as .html and print it from any browser"
            )
        )
    return exe


def run(command: list[str], timeout: float = TIMEOUT) -> subprocess.CompletedProcess[bytes]:
    """Run the browser and wait for it; whatever happens (an error, the timeout, Ctrl-C), it
    and every process it started are ended before this returns or raises."""
    options: dict[str, Any] = {}
    if os.name == "posix":
        options["start_new_session"] = True  # its own process group, ended as one
    else:
        options["creationflags"] = getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)
    process: subprocess.Popen[bytes] | None = None
    try:
        with _held(signal.SIGINT):  # a Ctrl-C while it starts lands once it can be ended
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, **options)  # fmt: skip
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        raise GongfuError(
            T(
                "the browser ({browser}) did not finish within {timeout} s and was stopped",
                browser=command[0],
                timeout=format(timeout, "g"),
            )
        ) from None
    finally:
        if process is not None:
            _end(process)
    return subprocess.CompletedProcess(command, process.returncode, out, err)


@contextlib.contextmanager
def _held(signum: int) -> Iterator[None]:
    """Hold a signal back while inside (where the system can), delivering it on leaving."""
    block = getattr(signal, "pthread_sigmask", None)
    if block is None:  # Windows
        yield
        return
    before = block(signal.SIG_BLOCK, {signum})
    try:
        yield
    finally:
        block(signal.SIG_SETMASK, before)


def _end(process: subprocess.Popen[bytes]) -> None:
    """End the browser and its helpers (renderer, GPU and zygote processes)."""
    if os.name == "posix":
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
    elif process.poll() is None:
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(process.pid)],
                       capture_output=True, check=False)  # fmt: skip
    with contextlib.suppress(OSError):
        process.kill()
    process.wait()


def _make(html: str, flag: str, suffix: str, *arguments: str) -> bytes:
    """Load the sealed page from a private folder and return the file the browser writes to
    the path given with `flag` (`--print-to-pdf=`, `--screenshot=`)."""
    exe = _browser()
    with tempfile.TemporaryDirectory(prefix="gongfu-browser-", ignore_cleanup_errors=True) as work:
        page = Path(work, "page.html")
        made = Path(work, "made" + suffix)  # the browser picks the file type by its suffix
        page.write_text(sealed(html), encoding="utf-8")
        command = headless(exe, Path(work, "profile"), *arguments, f"{flag}{made}", page.as_uri())
        try:
            done = run(command)
        except OSError as exc:
            raise GongfuError(
                T(
                    "the browser ({browser}) could not be started: {reason}",
                    browser=exe,
                    reason=str(exc),
                )
            ) from None
        if not made.is_file() or made.stat().st_size == 0:
            detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            raise GongfuError(
                T(
                    "the browser ({browser}) wrote nothing (exit {status}) {detail}",
                    browser=exe,
                    status=done.returncode,
                    detail=detail[0],
                )
            )
        return made.read_bytes()


def pdf(html: str) -> bytes:
    """The page printed as PDF, on the paper and with the page numbers its CSS asks for."""
    return _make(html, "--print-to-pdf=", ".pdf", "--no-pdf-header-footer")


def screenshot(html: str, width: int, height: int) -> bytes:
    """The page drawn at `width` × `height` CSS pixels, as PNG bytes."""
    return _make(html, "--screenshot=", ".png", f"--window-size={width},{height}",
                 f"--force-device-scale-factor={SCALE}")  # fmt: skip
