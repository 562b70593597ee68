"""`soutenance serve` as a real process: the page, the websocket session, one app per tab, downloads."""

from __future__ import annotations

import asyncio
import json
import os
import shlex
import socket
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from soutenance.cli import cli
from soutenance.cli import serve as serve_module
from tests.e2e.serving import (
    client_session,
    export_link,
    fetch_page,
    free_port,
    open_tab,
    page_websocket_url,
    rehearse_to_summary,
    soutenance_command,
    stop_process_group,
    until,
)

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(os.name != "posix", reason="uses process groups")]

LINUX = Path("/proc/self/stat").exists()

CUSTOM_BANK = """project:
  id: projet-maison
  title: Projet maison pour le test
  path: Community Manager
  language: fr
  evaluator_role: La cliente
  format: {presentation: 10, discussion: 4, debrief: 2}
questions:
  - id: q1
    text: Pourquoi ce canal ?
    key_points: [Cible, Budget]
    time_limit: 60
"""


@pytest.mark.slow
async def test_the_page_is_textual_serves_page(serve) -> None:
    served = serve("--lang", "en")
    async with client_session(total=10) as session:
        html = await fetch_page(served, session)
        assert 'class="textual-terminal"' in html
        assert "js/textual.js" in html
        assert "<div>soutenance</div>" in html  # the title on the loading screen
        assert page_websocket_url(html) == f"ws://127.0.0.1:{served.port}/ws"
        # The page's own script and stylesheet are served too.
        for asset in ("/static/js/textual.js", "/static/css/xterm.css"):
            async with session.get(served.url + asset) as response:
                assert response.status == 200, asset
        # Links follow the address the browser used, so any name of the machine works.
        async with session.get(
            served.url + "/", headers={"Host": f"localhost:{served.port}"}
        ) as response:
            assert page_websocket_url(await response.text()) == f"ws://localhost:{served.port}/ws"


@pytest.mark.slow
async def test_the_websocket_starts_an_app_session(serve) -> None:
    served = serve("--lang", "en")
    async with client_session() as session:
        websocket_url = page_websocket_url(await fetch_page(served, session))
        async with open_tab(session, websocket_url) as tab:
            # The home screen of the app, in English, on the bundled banks.
            await tab.wait_for("Rehearse")
            await tab.wait_for("Digital Marketer")
            await tab.wait_for("soutenance")
            await tab.websocket.send_json(["ping", "42"])
            assert await tab.wait_for_message("pong") == ["pong", "42"]
            if LINUX:
                assert len(served.app_processes()) == 1
        # Closing the tab ends its app.
        if LINUX:
            await until(lambda: not served.app_processes(), timeout=10)
    assert served.process.poll() is None


@pytest.mark.slow
async def test_each_tab_is_its_own_app_on_the_same_data_dir_and_exports_download(
    serve, soutenance_home: Path
) -> None:
    served = serve("--lang", "en")
    async with client_session() as session:
        websocket_url = page_websocket_url(await fetch_page(served, session))
        async with (
            open_tab(session, websocket_url) as first,
            open_tab(session, websocket_url) as second,
        ):
            await asyncio.gather(first.wait_for("Rehearse"), second.wait_for("Rehearse"))
            if LINUX:
                assert len(served.app_processes()) == 2

            # A whole rehearsal in the first tab, the second one staying open beside it.
            await rehearse_to_summary(first)

            # In a browser, exports are downloads the page fetches from the server.
            async with session.get(served.url + await export_link(first, "m")) as response:
                assert response.status == 200
                assert "attachment" in response.headers["Content-Disposition"]
                assert ".md" in response.headers["Content-Disposition"]
                markdown = await response.text()
            assert "Camille" in markdown
            async with session.get(served.url + await export_link(first, "j")) as response:
                assert response.status == 200
                exported = json.loads(await response.text())
            assert exported["format"] == "soutenance-session"
            assert exported["session"]["student"] == "Camille"
            # Nothing was written as a file: the browser got it.
            assert not (soutenance_home / "exports").exists()

            await second.press("\x11")  # ctrl+q in the second tab ends only that app
            await second.wait_closed()
            if LINUX:
                await until(lambda: len(served.app_processes()) == 1, timeout=10)

    # The session was stored in the data dir every tab shares (SOUTENANCE_HOME passed through).
    history = subprocess.run(
        [*soutenance_command(), "history"], capture_output=True, text=True, timeout=30, check=False
    )
    assert history.returncode == 0, history.stderr
    assert "Camille" in history.stdout


@pytest.mark.slow
async def test_banks_and_language_reach_every_tab(serve, tmp_path: Path) -> None:
    banks = tmp_path / "my banks"  # a space, to check the command is quoted
    (banks / "community-manager").mkdir(parents=True)
    (banks / "community-manager" / "projet-maison.yaml").write_text(CUSTOM_BANK, encoding="utf-8")
    served = serve("--lang", "fr", "--banks", str(banks))
    async with client_session() as session:
        websocket_url = page_websocket_url(await fetch_page(served, session))
        async with open_tab(session, websocket_url) as tab:
            await tab.wait_for("Projet maison pour le test")
            await tab.wait_for("S'entraîner")


@pytest.mark.slow
async def test_stopping_the_server_ends_every_tab(serve) -> None:
    served = serve()
    async with client_session() as session:
        websocket_url = page_websocket_url(await fetch_page(served, session))
        async with open_tab(session, websocket_url) as tab:
            await tab.wait_for("soutenance")
            served.process.terminate()  # the server only, as a service manager would
            await tab.wait_closed(timeout=10)
            await asyncio.wait_for(asyncio.to_thread(served.process.wait, 10), 11)
    assert served.process.returncode == 0
    if LINUX:
        await until(lambda: not served.app_processes(), timeout=10)
    assert stop_process_group(served.process)  # nothing was left to kill


@pytest.mark.slow
def test_a_busy_port_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", free_port()))
        taken.listen()
        port = taken.getsockname()[1]
        process = subprocess.Popen(
            [*soutenance_command(), "serve", "--port", str(port)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            _out, err = process.communicate(timeout=30)
        finally:
            stop_process_group(process)
    assert process.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in err
    assert "Traceback" not in err


# -- the command itself, without a server ----------------------------------------------------


class FakeServer:
    served = False

    def serve(self) -> None:
        FakeServer.served = True


@pytest.fixture
def fake_server(monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    calls: list[dict] = []

    def make_server(**kwargs):
        calls.append(kwargs)
        return FakeServer()

    monkeypatch.setattr(serve_module, "make_server", make_server)
    return calls


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "example.org"])
def test_binding_beyond_this_machine_warns_the_traffic_is_not_encrypted(
    fake_server, host: str
) -> None:
    result = CliRunner().invoke(cli, ["serve", "--host", host])
    assert result.exit_code == 0, result.output
    assert "not encrypted" in result.stderr
    assert "NO authentication" not in result.stderr
    assert fake_server[0]["host"] == host
    assert len(fake_server[0]["token"]) >= 40


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.1.2.3", "0.0.0.0"])
def test_no_token_warns_there_is_no_authentication_even_on_this_machine(
    fake_server, host: str
) -> None:
    result = CliRunner().invoke(cli, ["serve", "--host", host, "--no-token"])
    assert result.exit_code == 0, result.output
    assert "NO authentication" in result.stderr
    assert fake_server[0]["token"] is None


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.1.1"])
def test_local_binding_says_nothing(fake_server, host: str) -> None:
    result = CliRunner().invoke(cli, ["serve", "--host", host, "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert fake_server[0]["port"] == 8123


def test_defaults_and_options_given_before_the_command(fake_server, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--lang", "fr", "--banks", str(tmp_path), "serve"])
    assert result.exit_code == 0, result.output
    call = fake_server[0]
    assert (call["host"], call["port"], call["lang"], call["max_tabs"]) == (
        "127.0.0.1",
        8000,
        "fr",
        8,
    )
    assert list(call["banks"]) == [tmp_path]
    assert CliRunner().invoke(cli, ["serve", "--max-tabs", "3"]).exit_code == 0
    assert fake_server[1]["max_tabs"] == 3
    assert fake_server[1]["token"] != call["token"]  # a new token at each start
    assert CliRunner().invoke(cli, ["serve", "--max-tabs", "0"]).exit_code == 2


def test_each_tab_runs_this_python_with_the_same_banks_and_language(tmp_path: Path) -> None:
    folder = tmp_path / "with space"
    argv = shlex.split(serve_module.app_command([folder], "en"))
    assert argv[1:3] == ["-m", "soutenance"]
    assert Path(argv[0]).name.startswith("python")
    assert argv[3:] == ["--banks", str(folder.resolve()), "--lang", "en"]


def test_page_urls_for_any_bind_address() -> None:
    assert serve_module.url_host("::1") == "[::1]"
    assert serve_module.url_host("127.0.0.1") == "127.0.0.1"
    server = serve_module.make_server(host="::1", port=8001, token="t")
    assert server.public_url == "http://[::1]:8001"
    assert server.title == "soutenance"
