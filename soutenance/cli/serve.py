"""`soutenance serve`: the app in a browser, one app process per tab, through textual-serve.

Every tab runs `python -m soutenance` with the same --banks and --lang, in the same environment,
so all tabs share one data dir (SOUTENANCE_HOME passes through): the store is made for several
processes at once. There is no authentication; binding beyond this machine prints a warning.
"""

from __future__ import annotations

from pathlib import Path

import click

from soutenance.cli.common import banks_option
from soutenance.ui.web import (
    app_command,
    is_loopback,
    make_server,
    no_authentication_warning,
    url_host,
)

__all__ = ["app_command", "make_server", "serve_command", "url_host"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


@click.command("serve")
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=DEFAULT_PORT, show_default=True, help="Port to listen on.")
@click.option("--lang", type=click.Choice(["fr", "en"]), help="Language of the interface.")
@click.option("--public-url", help="The address browsers use, when it differs (behind a reverse proxy).")
@banks_option
def serve_command(host: str, port: int, lang: str | None, public_url: str | None, banks: tuple[Path, ...]) -> None:
    """Serve the app to web browsers: each tab runs its own app on this data dir.

    Listens on 127.0.0.1 (this machine only) by default. There is no authentication.
    """
    root = click.get_current_context().find_root().obj or {}
    lang = lang or root.get("lang")
    if not is_loopback(host):
        click.echo(no_authentication_warning(host, port), err=True)
    server = make_server(host=host, port=port, banks=banks, lang=lang, public_url=public_url)
    try:
        server.serve()
    except OSError as error:
        raise click.ClickException(f"cannot listen on {url_host(host)}:{port}: {error.strerror or error}") from None
