"""A small Chrome DevTools Protocol client: headless Chromium driven over its debugging socket.

Enough for a browser test: open a page, wait for a condition, run JavaScript, read the page's
text and take a screenshot. Chromium runs with a throw-away profile and is killed afterwards.
"""

from __future__ import annotations

import base64
import itertools
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import requests
from websockets.sync.client import connect

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
         "--disable-background-networking", "--disable-component-update", "--hide-scrollbars",
         "--remote-debugging-port=0", "--window-size=1400,900"]


def chromium_binary() -> str:
    """Return the Chromium executable (Debian's package installs `chromium`)."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    raise RuntimeError("Chromium is not installed: apt-get install -y chromium (.ci/run does it)")


class Browser:
    """One headless Chromium with one page (tab)."""

    def __init__(self) -> None:
        self.profile = tempfile.mkdtemp(prefix="koppeling-chromium-")
        self.proc = subprocess.Popen([chromium_binary(), *FLAGS, f"--user-data-dir={self.profile}",
                                      "about:blank"], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        port = self._port()
        targets = requests.get(f"http://127.0.0.1:{port}/json/list", timeout=5).json()
        page = next(t for t in targets if t["type"] == "page")
        self.ws = connect(page["webSocketDebuggerUrl"], max_size=50_000_000)
        self.ids = itertools.count(1)
        self.call("Page.enable")

    def _port(self, timeout: float = 30) -> int:
        marker = Path(self.profile) / "DevToolsActivePort"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if marker.exists() and marker.read_text().strip():
                return int(marker.read_text().split()[0])
            if self.proc.poll() is not None:
                raise RuntimeError(f"Chromium exited with {self.proc.returncode}")
            time.sleep(0.1)
        raise RuntimeError("Chromium did not open its debugging port")

    def call(self, method: str, **params) -> dict:
        """Send one CDP command and return its result (events in between are skipped)."""
        ident = next(self.ids)
        self.ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv(timeout=60))
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def js(self, expression: str):
        """Evaluate `expression` in the page and return its value."""
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True,
                           awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression[:80]}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def open(self, url: str) -> None:
        """Navigate to `url`."""
        self.call("Page.navigate", url=url)

    def wait_for(self, expression: str, timeout: float = 60) -> None:
        """Wait until the JavaScript `expression` is truthy in the page."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.js(f"!!({expression})"):
                    return
            except RuntimeError:
                pass  # the page is between documents
            time.sleep(0.25)
        raise AssertionError(f"timed out waiting for {expression!r} at {self.url()}")

    def url(self) -> str:
        return self.js("location.href")

    def text(self) -> str:
        """Return the visible text of the page."""
        return self.js("document.body ? document.body.innerText : ''")

    def screenshot(self, path: Path) -> Path:
        """Save a PNG of the viewport to `path`."""
        data = self.call("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        try:
            self.ws.close()
        finally:
            self.proc.kill()
            self.proc.wait(timeout=10)
            shutil.rmtree(self.profile, ignore_errors=True)
