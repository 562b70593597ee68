"""The app served to web browsers through textual-serve: one app process per tab, one data dir.

Only the page this server gave out gets in. Every request must name this server in its Host (a
DNS-rebinding page names its own domain) and carry the token printed at start (in the URL once,
then in a cookie); the websocket must also come from this server's own page (its Origin); tabs
are capped; each download link works once, and only for the tab that made it.

What this relies on in textual-serve (1.1), and why it is stable: `Server`'s handlers
(`handle_index`, `handle_websocket`, `handle_download`, `on_startup`, `on_shutdown`) are the
methods its routes are bound to and are documented as overridable; `Server.download_manager` is a
public attribute handed to every `AppService`, which calls `DownloadManager.create_download` and
`cancel_app_downloads` and carries the public `app_service_id` and `remote_write_str`; textual.js
appends the id of an `["instance_id", ID]` message to its download links as `?instance=ID`, the
protocol textual-web speaks too. tests/e2e/test_serve.py checks each of these.
"""

from __future__ import annotations

import asyncio
import hmac
import html
import ipaddress
import json
import logging
import os
import re
import secrets
import shlex
import socket
import subprocess
import sys
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from soutenance import i18n
from soutenance.config import Config

DEFAULT_PORTS = {"http": 80, "https": 443}
TOKEN_QUERY = "token"


def is_loopback(host: str) -> bool:
    """True for names and addresses that only this machine can reach."""
    name = host.strip().strip("[]").lower()
    if name in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def is_wildcard(host: str) -> bool:
    """True for 0.0.0.0 and ::, which listen on every address of this machine."""
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_unspecified
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


def new_token() -> str:
    return secrets.token_urlsafe(32)


def beyond_this_machine_warning(host: str, port: int) -> str:
    return (
        f"soutenance serve: warning: listening on {host}:{port}, which other machines may reach.\n"
        "Only browsers given the address with its token get in, but the traffic (the token, your\n"
        "sessions and notes) is not encrypted. On a network you do not trust, prefer an SSH tunnel\n"
        "(ssh -L 8000:127.0.0.1:8000 HOST) or an HTTPS reverse proxy (with --public-url)."
    )


def no_token_warning(host: str, port: int) -> str:
    # Loopback is no shelter on a shared machine: every account on it can connect.
    who = "any user or program of this machine" if is_loopback(host) else "anyone who can reach it"
    return (
        f"soutenance serve: warning: --no-token: there is NO authentication on {host}:{port}.\n"
        f"{who[0].upper()}{who[1:]} gets the app, with every session, note and bank of this data\n"
        "dir, and can edit them. Use it only on a machine and network you trust."
    )


# -- who may come in ---------------------------------------------------------------------------


def split_authority(value: str | None) -> tuple[str, int | None] | None:
    """(name, port) of a Host header, the name lower-cased without brackets; None when malformed."""
    if not value or not value.isprintable() or any(c in value for c in " /\\?#@"):
        return None
    try:
        parts = urllib.parse.urlsplit(f"//{value}")
        name, port = parts.hostname, parts.port
    except ValueError:
        return None
    return (name.rstrip("."), port) if name else None


def split_origin(value: str | None) -> tuple[str, str, int] | None:
    """(scheme, name, port) of an Origin header or a URL, the port made explicit; None if not http(s)."""
    if not value or not value.isprintable():
        return None
    try:
        parts = urllib.parse.urlsplit(value)
        name, port = parts.hostname, parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not name:
        return None
    return parts.scheme, name.rstrip("."), port or DEFAULT_PORTS[parts.scheme]


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Gate:
    """The rules of admission of one server: names it answers to, its token, its cap on tabs."""

    port: int
    names: frozenset[str]
    """Host names a browser may use besides IP addresses (a page can't rebind those)."""
    public: tuple[str, str, int] | None = None
    """The origin of --public-url: the address browsers use behind a reverse proxy."""
    token: str | None = None
    max_tabs: int = 8

    @property
    def cookie(self) -> str:
        # Cookies ignore ports: one name per port, so two servers on one machine don't mix.
        return f"soutenance-token-{self.port}"

    def host_allowed(self, host: str | None) -> bool:
        """A Host a DNS-rebinding page can't send: an IP address or a name this server has."""
        found = split_authority(host)
        return found is not None and (_is_ip(found[0]) or found[0] in self.names)

    def origin_allowed(self, origin: str | None, host: str | None) -> bool:
        """The websocket comes from this server's page: its Origin is the address it came to."""
        source, reached = split_origin(origin), split_authority(host)
        if source is None or reached is None:
            return False
        if source == self.public:
            return True
        # This server speaks plain HTTP: an https page is another origin (or a proxy: --public-url).
        return source == ("http", reached[0], reached[1] or DEFAULT_PORTS["http"])

    def token_matches(self, given: str | None) -> bool:
        if self.token is None:
            return True
        return given is not None and hmac.compare_digest(given.encode(), self.token.encode())

    def admitted(self, query: Mapping[str, str], cookies: Mapping[str, str]) -> bool:
        given = (query.get(TOKEN_QUERY), cookies.get(self.cookie))
        return self.token is None or any(self.token_matches(token) for token in given)


def make_gate(
    *, host: str, port: int, public_url: str | None, token: str | None, max_tabs: int
) -> Gate:
    names = {"localhost", host.strip().strip("[]").lower().rstrip(".")}
    if is_wildcard(host):
        # Every address of this machine: other machines may use its name.
        machine = socket.gethostname().lower()
        names |= {machine, f"{machine}.local", socket.getfqdn().lower()}
    public = split_origin(public_url)
    if public is not None:
        names.add(public[1])
    return Gate(port=port, names=frozenset(names), public=public, token=token, max_tabs=max_tabs)


TOKEN_IN_TEXT = re.compile(r"(\btoken=)[^&\s\"']+")


def hide_token(record: logging.LogRecord) -> bool:
    """A logging filter: the access log names the page with its token on each first visit."""
    if isinstance(record.msg, str):
        record.msg = TOKEN_IN_TEXT.sub(r"\1…", record.msg)
    return True


def refusal_page(language: str, title_key: str, message_key: str, **values: object) -> str:
    """A whole page in the interface's language, for a browser that is refused."""
    texts = i18n.catalog(language)
    title = html.escape(texts[title_key])
    message = html.escape(texts[message_key].format(**values))
    return (
        f'<!DOCTYPE html>\n<html lang="{language}"><head><meta charset="utf-8">'
        f"<title>{title}</title></head>\n"
        '<body style="font-family: sans-serif; max-width: 40em; margin: 4em auto; line-height: 1.5">'
        f"\n<h1>{title}</h1>\n<p>{message}</p>\n</body></html>\n"
    )


# Pages of this server are never framed (a page with --no-token would be driven by clicks on a
# hidden frame), never cached, and never name their address (with its token) to another site.
PAGE_HEADERS = {
    "Content-Security-Policy": "frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


# -- downloads -----------------------------------------------------------------------------------


@dataclass
class DownloadOwners:
    """Which tab made each download link, until the link is used."""

    tab_secrets: dict[str, str] = field(default_factory=dict)
    """app_service_id → the secret its tab (and only it) adds to its download links."""
    owners: dict[str, str] = field(default_factory=dict)
    """delivery key → the secret of the tab that made it; removed at first use."""

    def secret_of(self, tab: str) -> tuple[str, bool]:
        """The tab's secret, and whether it is new (the tab has not been told yet)."""
        if tab in self.tab_secrets:
            return self.tab_secrets[tab], False
        secret = self.tab_secrets[tab] = secrets.token_urlsafe(24)
        return secret, True

    def claim(self, key: str, instance: str | None) -> str:
        """Whether this tab may use the link: "ok" (once), "unknown" (used, expired), "other_tab"."""
        owner = self.owners.get(key)
        if owner is None:
            return "unknown"
        if not instance or not hmac.compare_digest(owner.encode(), instance.encode()):
            return "other_tab"
        del self.owners[key]
        return "ok"

    def forget_tab(self, tab: str) -> None:
        secret = self.tab_secrets.pop(tab, None)
        self.owners = {key: owner for key, owner in self.owners.items() if owner != secret}


# -- the server ----------------------------------------------------------------------------------


def make_server(
    *,
    host: str,
    port: int,
    token: str | None,
    banks: Sequence[Path] = (),
    lang: str | None = None,
    public_url: str | None = None,
    max_tabs: int = 8,
) -> Any:
    """textual-serve's server for soutenance, admitting only the page it serves (see the top).

    Its refusal pages are in the language the apps use: --lang, else the settings, else the system's.
    """
    import aiohttp_jinja2
    from aiohttp import hdrs, web
    from textual_serve.download_manager import DownloadManager
    from textual_serve.server import Server, to_int

    language = i18n.detect_language(lang, Config.load().language)
    gate = make_gate(host=host, port=port, public_url=public_url, token=token, max_tabs=max_tabs)

    def refused(status: int, title_key: str, message_key: str, **values: object) -> web.Response:
        return web.Response(
            status=status,
            text=refusal_page(language, title_key, message_key, **values),
            content_type="text/html",
            headers=PAGE_HEADERS,
        )

    class TabDownloads(DownloadManager):
        """textual-serve's downloads, each link bound to the tab that made it, usable once."""

        def __init__(self) -> None:
            super().__init__()
            self.owners = DownloadOwners()

        async def create_download(
            self, *, app_service: Any, delivery_key: str, **details: Any
        ) -> None:
            secret, new = self.owners.secret_of(app_service.app_service_id)
            if new:
                # Sent before the link itself, on this tab's websocket only.
                await app_service.remote_write_str(json.dumps(["instance_id", secret]))
            self.owners.owners[delivery_key] = secret
            await super().create_download(
                app_service=app_service, delivery_key=delivery_key, **details
            )

        async def cancel_app_downloads(self, app_service_id: str) -> None:
            self.owners.forget_tab(app_service_id)
            await super().cancel_app_downloads(app_service_id)

    class SoutenanceServer(Server):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.download_manager = TabDownloads()
            self.tabs: set[asyncio.Task[Any]] = set()
            """The websocket handlers, one per open tab, each driving one app process."""

        def initialize_logging(self) -> None:
            super().initialize_logging()
            logging.getLogger("aiohttp.access").addFilter(hide_token)

        def entry_urls(self) -> list[str]:
            """The addresses to open, with the token: the one way in for a browser."""
            query = f"/?{urllib.parse.urlencode({TOKEN_QUERY: gate.token})}" if gate.token else "/"
            if is_wildcard(host) and not public_url:
                local = f"http://127.0.0.1:{port}"
                return [local + query, f"http://{socket.gethostname()}:{port}{query}"]
            return [self.public_url.rstrip("/") + query]

        def refusal(self, request: web.Request) -> web.Response | None:
            """The answer to a request that did not come through this server's address and token."""
            if not gate.host_allowed(request.headers.get(hdrs.HOST)):
                return refused(403, "serve.refused_title", "serve.host_refused")
            if not gate.admitted(request.query, request.cookies):
                return refused(403, "serve.refused_title", "serve.token_missing")
            return None

        def tabs_full(self) -> web.Response | None:
            if len(self.tabs) < gate.max_tabs:
                return None
            return refused(503, "serve.tabs_full_title", "serve.tabs_full", count=gate.max_tabs)

        async def handle_index(self, request: web.Request) -> web.StreamResponse:
            answer = self.refusal(request)
            if answer is not None:
                return answer
            if TOKEN_QUERY in request.query:
                # Keep the token in a cookie for the websocket and downloads, out of the address bar.
                rest = [(key, value) for key, value in request.query.items() if key != TOKEN_QUERY]
                answer = web.HTTPSeeOther(request.rel_url.with_query(rest), headers=PAGE_HEADERS)
                answer.set_cookie(
                    gate.cookie,
                    gate.token or "",
                    httponly=True,
                    samesite="Strict",
                    secure=bool(public_url and public_url.startswith("https:")),
                )
                return answer
            answer = self.tabs_full() or await self.render_index(request)
            answer.headers.update(PAGE_HEADERS)
            return answer

        # textual-serve builds the page's websocket URL from the bind address, which a browser
        # cannot use for 0.0.0.0 or a bare IPv6 address; the Host the browser sent always works.
        @aiohttp_jinja2.template("app_index.html")
        async def render_index(self, request: web.Request) -> dict[str, Any]:
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

        async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
            answer = self.refusal(request)
            if answer is None and not gate.origin_allowed(
                request.headers.get(hdrs.ORIGIN), request.headers.get(hdrs.HOST)
            ):
                answer = refused(403, "serve.refused_title", "serve.origin_refused")
            answer = answer or self.tabs_full()
            if answer is not None:
                return answer
            task = asyncio.current_task()
            assert task is not None
            self.tabs.add(task)  # before any await: the cap holds however many tabs open at once
            try:
                return await super().handle_websocket(request)
            finally:
                self.tabs.discard(task)

        async def handle_download(self, request: web.Request) -> web.StreamResponse:
            answer = self.refusal(request)
            if answer is not None:
                return answer
            claim = self.download_manager.owners.claim(
                request.match_info["key"], request.query.get("instance")
            )
            if claim == "unknown":
                return refused(404, "serve.download_title", "serve.download_used")
            if claim == "other_tab":
                return refused(403, "serve.download_title", "serve.download_other_tab")
            return await super().handle_download(request)

        async def on_startup(self, app: web.Application) -> None:
            # Instead of textual-serve's banner, which shows the full shell command.
            urls = self.entry_urls()
            self.console.print(
                f"soutenance: serving on [bold]{urls[0]}[/]"
                + "".join(f"\n  or, from another machine: [bold]{url}[/]" for url in urls[1:])
                + "\nOpen this address in a web browser; each tab runs its own session"
                f" (at most {gate.max_tabs} at once).\nPress Ctrl+C to stop.",
                highlight=False,
                soft_wrap=True,
            )

        async def on_shutdown(self, app: web.Application) -> None:
            # Stopping the server ends every tab now: each app is told to quit (and saves), instead
            # of aiohttp waiting for open websockets to time out.
            for task in list(self.tabs):
                task.cancel()

    return SoutenanceServer(
        app_command(banks, lang),
        host=host,
        port=port,
        title="soutenance",
        public_url=public_url or f"http://{url_host(host)}:{port}",
    )
