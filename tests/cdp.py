"""A small driver for a real Chromium through its DevTools protocol, over a pipe (no network,
no extra package): load a page at a size, on screen or as printed, and evaluate JavaScript in it
to read the layout the browser computed."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from gongfu_cli.rendering.browser import headless


def _high(fd: int) -> int:
    high = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
    os.close(fd)
    return high


class Browser:
    """One headless Chromium with a private profile, ended on `close` (or leaving a `with`)."""

    def __init__(self, exe: str, timeout: float = 60) -> None:
        self.timeout = timeout
        self.work = tempfile.TemporaryDirectory(prefix="gongfu-cdp-", ignore_cleanup_errors=True)
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        # above 4, so that placing them at 3 and 4 in the child cannot overwrite one another
        to_browser_r, from_browser_w = (_high(to_browser_r), _high(from_browser_w))
        command = headless(exe, Path(self.work.name, "profile"), "--remote-debugging-pipe")
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(3, 4),
            preexec_fn=lambda: (os.dup2(to_browser_r, 3), os.dup2(from_browser_w, 4)),
            start_new_session=True,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._id = 0
        self._events: list[dict[str, Any]] = []

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # the browser and all its helpers
        self.process.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)
        self.work.cleanup()

    def _read(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise RuntimeError("the browser closed its pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        self._id += 1
        message: dict[str, Any] = {"id": self._id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            reply = self._read()
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self._events.append(reply)
        raise TimeoutError(method)

    def wait_for(self, event: str) -> None:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            while self._events:
                if self._events.pop(0).get("method") == event:
                    return
            self._events.append(self._read())
        raise TimeoutError(event)

    def layout(self, url: str, width: int, script: str, print_media: bool = False) -> Any:
        """Load `url` in a fresh tab `width` CSS px wide (as printed, with `print_media`) and
        return what `script`, a JavaScript expression, evaluates to."""
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.send("Page.enable", session)
        self.send("Emulation.setDeviceMetricsOverride", session, width=width, height=1200,
                  deviceScaleFactor=1, mobile=False)  # fmt: skip
        if print_media:
            self.send("Emulation.setEmulatedMedia", session, media="print")
        self._events.clear()
        self.send("Page.navigate", session, url=url)
        self.wait_for("Page.loadEventFired")
        result = self.send("Runtime.evaluate", session, expression=script, returnByValue=True)
        self.send("Target.closeTarget", targetId=target)
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"])
        return result["result"].get("value")
