"""A real `soutenance serve` process for end-to-end tests, and a browser tab spoken to over its websocket.

Every wait here is bounded, and every process started is stopped with its whole process group.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

# Terminal escape sequences: CSI (colours, cursor moves), OSC, charset selection, and the rest.
ANSI = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][A-Za-z0-9]|\x1b[=>78NOMc]"
)

START_TIMEOUT = 20.0
STOP_TIMEOUT = 10.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def soutenance_command() -> list[str]:
    """The installed `soutenance` script of this interpreter, as a user would type it."""
    script = Path(sys.executable).parent / ("soutenance.exe" if os.name == "nt" else "soutenance")
    return [str(script)] if script.exists() else [sys.executable, "-m", "soutenance"]


def group_members(pgid: int) -> list[int]:
    """Live processes of a process group (Linux /proc); empty elsewhere."""
    members = []
    for entry in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            # The command name is in parentheses and may hold spaces: fields start after it.
            fields = entry.read_text().rsplit(")", 1)[1].split()
            state, group = fields[0], int(fields[2])
            if group == pgid and state != "Z":
                members.append(int(entry.parent.name))
    return members


def stop_process_group(process: subprocess.Popen[Any], timeout: float = STOP_TIMEOUT) -> bool:
    """SIGTERM the process's group, then SIGKILL what is left; True when it ended by itself."""
    graceful = True
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        graceful = False
    deadline = time.monotonic() + timeout
    while group_members(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if group_members(process.pid):
        graceful = False
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout)
    return graceful


@dataclass
class Served:
    """One `soutenance serve` process on a local port."""

    process: subprocess.Popen[Any]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def token(self) -> str:
        """The token the server printed at start, as a user reads it off the terminal."""
        found = re.search(r"/\?token=([A-Za-z0-9_-]+)", self.output())
        assert found, f"the server printed no address with a token:\n{self.output()}"
        return found.group(1)

    @property
    def entry_url(self) -> str:
        """The address the server printed for a browser to open."""
        return f"{self.url}/?token={self.token}"

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def app_processes(self) -> list[int]:
        """The app processes the server started, one per open tab (Linux only)."""
        return [
            pid
            for pid in group_members(self.process.pid)
            if pid != self.process.pid and _is_app(pid)
        ]


def _is_app(pid: int) -> bool:
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    # The shell textual-serve starts (`sh -c "python -m soutenance"`) is not counted, only Python.
    return b"-m" in argv and b"soutenance" in argv and not argv[0].endswith(b"sh")


def start_serve(folder: Path, *args: str, env: dict[str, str] | None = None) -> Served:
    """Start `soutenance serve` on a free port and wait until it answers HTTP."""
    last_error = ""
    for attempt in range(3):
        port = free_port()
        log = folder / f"serve-{port}-{attempt}.log"
        with log.open("wb") as sink:
            process = subprocess.Popen(
                [*soutenance_command(), "serve", "--port", str(port), *args],
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
            )
        served = Served(process, port, log)
        try:
            if _wait_until_serving(served):
                return served
        except BaseException:
            stop_process_group(process)
            raise
        last_error = served.output()
        stop_process_group(process)
        if "cannot listen" not in last_error:
            break  # not a port race: trying again would not help
    raise AssertionError(f"`soutenance serve` did not start:\n{last_error}")


def _wait_until_serving(served: Served) -> bool:
    """Until it answers HTTP and has printed its address (the token is read from there)."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if served.process.poll() is not None:
            return False
        with (
            contextlib.suppress(OSError),
            socket.create_connection(("127.0.0.1", served.port), timeout=1),
        ):
            if "serving on" in served.output():
                return True
        time.sleep(0.1)
    return False


def client_session(total: float = 30) -> aiohttp.ClientSession:
    """A client that keeps cookies as a browser does, also for an IP address such as 127.0.0.1."""
    return aiohttp.ClientSession(
        cookie_jar=aiohttp.CookieJar(unsafe=True), timeout=aiohttp.ClientTimeout(total=total)
    )


async def fetch_page(served: Served, session: aiohttp.ClientSession, url: str | None = None) -> str:
    """The app's page through the printed address: its token becomes the session's cookie."""
    async with session.get(url or served.entry_url) as response:
        assert response.status == 200, await response.text()
        assert response.content_type == "text/html"
        return await response.text()


@dataclass
class Tab:
    """A browser tab as the server sees it: the websocket textual.js opens, with keys sent as stdin."""

    websocket: aiohttp.ClientWebSocketResponse
    screen: str = ""
    """Everything the app wrote, escape sequences removed: enough to wait for a text to appear."""
    messages: list[Any] = field(default_factory=list)
    """The JSON text messages of the server (downloads offered, URLs to open, pongs)."""
    instance: str | None = None
    """The id the server gave this tab for its download links (textual.js keeps it the same way)."""
    closed: bool = False
    _raw: bytes = b""
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    _reader: asyncio.Task[None] | None = None

    def start_reading(self) -> None:
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            async for message in self.websocket:
                if message.type is aiohttp.WSMsgType.BINARY:
                    self._raw += message.data
                    self.screen = ANSI.sub("", self._raw.decode("utf-8", errors="replace"))
                elif message.type is aiohttp.WSMsgType.TEXT:
                    text = json.loads(message.data)
                    self.messages.append(text)
                    if isinstance(text, list) and text[:1] == ["instance_id"]:
                        self.instance = text[1]
                self._changed.set()
        finally:
            self.closed = True
            self._changed.set()

    def mark(self) -> int:
        """A position in the output: wait_for(..., after=mark) only looks at what came later."""
        return len(self.screen)

    async def wait_for(self, text: str, *, after: int = 0, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.screen[after:]:
            left = deadline - time.monotonic()
            if left <= 0 or self.closed:
                tail = self.screen[after:][-1500:]
                raise AssertionError(
                    f"{text!r} never appeared (closed={self.closed}); last output:\n{tail}"
                )
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), left)

    async def wait_for_message(self, kind: str, *, timeout: float = 15.0) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            for message in self.messages:
                if isinstance(message, list) and message and message[0] == kind:
                    return message
            left = deadline - time.monotonic()
            if left <= 0 or self.closed:
                raise AssertionError(f"no {kind!r} message; got {self.messages!r}")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), left)

    async def wait_closed(self, timeout: float = 10.0) -> None:
        if self._reader is not None:
            await asyncio.wait_for(asyncio.shield(self._reader), timeout)

    async def press(self, keys: str) -> None:
        """Keys as a terminal sends them: text as is, "\\r" for Enter, "\\x13" for ctrl+s."""
        await self.websocket.send_json(["stdin", keys])

    async def close(self) -> None:
        await self.websocket.close()
        if self._reader is not None:
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(self._reader, 10)


def page_origin(websocket_url: str) -> str:
    """The Origin a browser sends from the page that names this websocket."""
    return "http" + websocket_url.removeprefix("ws").split("/ws", 1)[0]


@contextlib.asynccontextmanager
async def open_tab(
    session: aiohttp.ClientSession, websocket_url: str, width: int = 110, height: int = 34
):
    """Open the websocket the page names, as textual.js does: its size query, its page's Origin."""
    websocket = await session.ws_connect(
        f"{websocket_url}?width={width}&height={height}", origin=page_origin(websocket_url)
    )
    tab = Tab(websocket)
    tab.start_reading()
    try:
        yield tab
    finally:
        await tab.close()


async def rehearse_to_summary(tab: Tab, name: str | None = "Camille") -> None:
    """A whole (short) rehearsal in the English app, ending on its summary, where exports are.
    ``name`` None: the name the setup proposes (the last student of the shared data dir)."""
    await tab.wait_for("Rehearse")
    await tab.press("r")
    await tab.wait_for("Your first name")
    if name is not None:  # an empty field has the focus
        mark = tab.mark()
        await tab.press(name)
        await tab.wait_for(name, after=mark)
    await tab.press("\x13")  # ctrl+s: start
    await tab.wait_for("Answering")
    await tab.press("t")  # finish now: asked first, the default goes on
    await tab.wait_for("End the session now?")
    await tab.press("\t")
    await tab.press("\r")
    await tab.wait_for("Session summary")


async def export_link(tab: Tab, key: str = "m") -> str:
    """Export from the summary ("m" Markdown, "j" JSON): the link textual.js opens, less its origin."""
    tab.messages.clear()
    await tab.press(key)
    _, delivery_key = await tab.wait_for_message("deliver_file_start")
    assert tab.instance, f"the server gave the tab no instance id before the link: {tab.messages!r}"
    return f"/download/{delivery_key}?instance={tab.instance}"


async def until(condition, *, timeout: float) -> None:
    """Wait until condition() holds, checking every 50 ms; fails after timeout seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.05)


def page_websocket_url(html: str) -> str:
    found = re.search(r'data-session-websocket-url="([^"]+)"', html)
    assert found, "the page names no websocket: not a textual-serve page?"
    return found.group(1)
