"""`soutenance serve`: the app in a browser, one app process per tab, through textual-serve.

Every tab runs `python -m soutenance` with the same --banks and --lang, in the same environment,
so all tabs share one data dir (SOUTENANCE_HOME passes through): the store is made for several
processes at once. Only the browser given the address printed at start (with its token) gets in.
"""

from __future__ import annotations

from pathlib import Path

import click

from soutenance.cli.common import banks_option, root_options
from soutenance.ui.web import (
    app_command,
    beyond_this_machine_warning,
    is_loopback,
    make_server,
    new_token,
    no_token_warning,
    url_host,
)

__all__ = ["app_command", "make_server", "serve_command", "url_host"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_MAX_TABS = 8


@click.command("serve")
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="Port to listen on.",
)
@click.option("--lang", type=click.Choice(["fr", "en"]), help="Language of the interface.")
@click.option(
    "--public-url", help="The address browsers use, when it differs (behind a reverse proxy)."
)
@click.option(
    "--max-tabs",
    type=click.IntRange(1, 1000),
    default=DEFAULT_MAX_TABS,
    show_default=True,
    help="Most tabs open at once (each runs an app process of about 60 MB).",
)
@click.option(
    "--no-token",
    is_flag=True,
    help="Let in any browser that reaches the address, without the token (trusted networks only).",
)
@banks_option
def serve_command(
    host: str,
    port: int,
    lang: str | None,
    public_url: str | None,
    max_tabs: int,
    no_token: bool,
    banks: tuple[Path, ...],
) -> None:
    """Serve the app to web browsers: each tab runs its own app on this data dir.

    Listens on 127.0.0.1 (this machine only) by default and prints the address to open, with a
    token that only browsers given it know; the websocket accepts only this server's own page.
    """
    lang = lang or root_options().lang
    if no_token:
        click.echo(no_token_warning(host, port), err=True)
    elif not is_loopback(host):
        click.echo(beyond_this_machine_warning(host, port), err=True)
    server = make_server(
        host=host,
        port=port,
        token=None if no_token else new_token(),
        banks=banks,
        lang=lang,
        public_url=public_url,
        max_tabs=max_tabs,
    )
    try:
        server.serve()
    except OSError as error:
        raise click.ClickException(
            f"cannot listen on {url_host(host)}:{port}: {error.strerror or error}"
        ) from None
