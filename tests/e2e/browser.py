"""Headless Chromium, started by the test with no network features, driven over the DevTools protocol.

No Playwright or Selenium: a websocket to Chromium's DevTools endpoint is all a screenshot needs.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import shutil
import subprocess
import time
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import aiohttp

from tests.e2e.serving import stop_process_group

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")

# As the machine notes advise: no GPU, no QUIC, and none of the background connections that a
# closed network refuses (first run, component updates, sync, safe browsing…).
FLAGS = (
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--mute-audio",
)


def find_chromium() -> str | None:
    """$SOUTENANCE_CHROMIUM, else the first Chromium or Chrome on PATH."""
    chosen = os.environ.get("SOUTENANCE_CHROMIUM")
    if chosen:
        return chosen if Path(chosen).exists() else shutil.which(chosen)
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


class DevTools:
    """One page target: send a command, get its result; events are ignored."""

    def __init__(self, websocket: aiohttp.ClientWebSocketResponse) -> None:
        self.websocket = websocket
        self._next_id = 0

    async def send(self, method: str, timeout: float = 15.0, **params: Any) -> dict[str, Any]:
        self._next_id += 1
        ident = self._next_id
        await self.websocket.send_json({"id": ident, "method": method, "params": params})
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no answer to {method}")
            message = await self.websocket.receive_json(timeout=left)
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    async def evaluate(self, expression: str) -> Any:
        result = await self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    async def screenshot(self) -> bytes:
        result = await self.send("Page.captureScreenshot", format="png")
        return base64.b64decode(result["data"])


@contextlib.asynccontextmanager
async def headless_chromium(
    binary: str, profile: Path, *, width: int, height: int, flags: Sequence[str] = ()
) -> AsyncIterator[DevTools]:
    """Start Chromium on about:blank with a new empty profile; always stopped on the way out."""
    profile.mkdir(parents=True, exist_ok=True)
    argv = [
        binary,
        *FLAGS,
        *flags,
        f"--user-data-dir={profile}",
        f"--window-size={width},{height}",
        "--remote-debugging-address=127.0.0.1",
        "--remote-debugging-port=0",
        "about:blank",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        argv.insert(1, "--no-sandbox")  # Chromium refuses to run its sandbox as root
    log = (profile.parent / "chromium.log").open("wb")
    process = subprocess.Popen(
        argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        port = await _devtools_port(profile, process)
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20)) as session:
            target = await _page_target(session, port)
            async with session.ws_connect(target, max_msg_size=0) as websocket:
                yield DevTools(websocket)
    finally:
        stop_process_group(process, timeout=5)
        log.close()


async def _devtools_port(
    profile: Path, process: subprocess.Popen[Any], timeout: float = 30.0
) -> int:
    """Chromium writes the port it chose into the profile once DevTools listens."""
    marker = profile / "DevToolsActivePort"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (profile.parent / "chromium.log").read_text(errors="replace")
            raise RuntimeError(f"chromium exited with {process.returncode}:\n{log[-3000:]}")
        with contextlib.suppress(OSError, ValueError, IndexError):
            return int(marker.read_text().splitlines()[0])
        await asyncio.sleep(0.1)
    raise TimeoutError("chromium's DevTools never started")


async def _page_target(session: aiohttp.ClientSession, port: int, timeout: float = 15.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(aiohttp.ClientError):
            async with session.get(f"http://127.0.0.1:{port}/json/list") as response:
                for target in await response.json():
                    if target.get("type") == "page" and target.get("webSocketDebuggerUrl"):
                        return target["webSocketDebuggerUrl"]
        await asyncio.sleep(0.1)
    raise TimeoutError("chromium shows no page")
