"""The app served to web browsers through textual-serve: one app process per tab, one data dir."""

from __future__ import annotations

import asyncio
import ipaddress
import os
import shlex
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def is_loopback(host: str) -> bool:
    """True for names and addresses that only this machine can reach."""
    name = host.strip().strip("[]").lower()
    if name in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def app_command(banks: Sequence[Path] = (), lang: str | None = None) -> str:
    """The shell command textual-serve runs for each browser tab: this Python, this package."""
    argv = [sys.executable, "-m", "soutenance"]
    for folder in banks:
        # Absolute, so a tab finds the same folders whatever the app process's working dir.
        argv += ["--banks", str(Path(folder).expanduser().resolve())]
    if lang:
        argv += ["--lang", lang]
    return subprocess.list2cmdline(argv) if os.name == "nt" else shlex.join(argv)


def url_host(host: str) -> str:
    """A host as it is written in a URL: IPv6 addresses go in brackets."""
    host = host.strip()
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def no_authentication_warning(host: str, port: int) -> str:
    return (
        f"soutenance serve: warning: listening on {host}:{port}, which other machines may reach.\n"
        "There is NO authentication: anyone who can open this address gets the app, with every\n"
        "session, note and bank of this data dir, and can edit them. Use it only on a network you\n"
        "trust, or put a reverse proxy that authenticates in front. The default, 127.0.0.1, is\n"
        "reachable from this machine only."
    )


def make_server(
    *, host: str, port: int, banks: Sequence[Path] = (), lang: str | None = None, public_url: str | None = None
) -> Any:
    """textual-serve's server for soutenance; page links follow the address the browser used."""
    import aiohttp_jinja2
    from aiohttp import web
    from textual_serve.server import Server, to_int

    class SoutenanceServer(Server):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.tabs: set[asyncio.Task[Any]] = set()
            """The websocket handlers, one per open tab, each driving one app process."""

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            task = asyncio.current_task()
            assert task is not None
            self.tabs.add(task)
            try:
                return await super().handle_websocket(request)
            finally:
                self.tabs.discard(task)

        async def on_startup(self, app: web.Application) -> None:
            # Instead of textual-serve's banner, which shows the full shell command.
            self.console.print(
                f"soutenance: starting on [bold]{self.public_url}[/] — open it in a web browser;"
                " each tab runs its own session.\nPress Ctrl+C to stop.",
                highlight=False,
                soft_wrap=True,
            )

        async def on_shutdown(self, app: web.Application) -> None:
            # Stopping the server ends every tab now: each app is told to quit (and saves), instead
            # of aiohttp waiting for open websockets to time out.
            for task in list(self.tabs):
                task.cancel()

        # textual-serve builds the page's websocket URL from the bind address, which a browser
        # cannot use for 0.0.0.0 or a bare IPv6 address; the Host the browser sent always works.
        @aiohttp_jinja2.template("app_index.html")
        async def handle_index(self, request: web.Request) -> dict[str, Any]:
            base = (public_url or str(request.url.origin())).rstrip("/")
            websocket = request.app.router["websocket"].url_for()
            static = request.app.router["static"].url_for(filename="/")
            scheme = "wss" if base.startswith("https:") else "ws"
            return {
                "font_size": to_int(request.query.get("fontsize", "16"), 16),
                "app_websocket_url": f"{scheme}:{base.split(':', 1)[1]}{websocket}",
                "config": {"static": {"url": f"{base}{static}".rstrip("/") + "/"}},
                "application": {"name": self.title},
            }

    return SoutenanceServer(
        app_command(banks, lang),
        host=host,
        port=port,
        title="soutenance",
        public_url=public_url or f"http://{url_host(host)}:{port}",
    )
