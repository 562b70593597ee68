"""`soutenance serve` admits only its own page: Host, Origin, token, tab cap and download links.

Each test runs a real server process and speaks to it as a browser (or a hostile page) would,
with aiohttp's websocket client.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import aiohttp
import pytest

from tests.e2e.serving import (
    Served,
    client_session,
    export_link,
    fetch_page,
    open_tab,
    page_websocket_url,
    rehearse_to_summary,
    until,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.skipif(os.name != "posix", reason="uses process groups"),
]

LINUX = Path("/proc/self/stat").exists()
SIZE = "?width=100&height=30"


async def handshake(session: aiohttp.ClientSession, url: str, **options) -> int:
    """The HTTP status of a websocket opening: 101 when the server accepted it."""
    try:
        async with session.ws_connect(url, **options) as websocket:
            await websocket.close()
            return 101
    except aiohttp.WSServerHandshakeError as refusal:
        return refusal.status


async def status_and_text(session: aiohttp.ClientSession, url: str, **options) -> tuple[int, str]:
    async with session.get(url, allow_redirects=False, **options) as response:
        return response.status, await response.text()


def ws_url(served: Served) -> str:
    return f"ws://127.0.0.1:{served.port}/ws{SIZE}"


def own_origin(served: Served) -> str:
    return f"http://127.0.0.1:{served.port}"


async def test_the_printed_address_lets_a_browser_in_and_leaves_no_token_in_sight(serve) -> None:
    served = serve("--lang", "en")
    assert served.output().count(served.token) == 1  # printed once, in the address
    async with client_session() as session:
        async with session.get(served.entry_url) as response:
            assert response.status == 200
            # The token went into a cookie and out of the address bar (and the history).
            assert [r.status for r in response.history] == [303]
            assert "token" not in str(response.url)
            assert response.headers["Content-Security-Policy"] == "frame-ancestors 'none'"
            assert response.headers["Referrer-Policy"] == "no-referrer"
            websocket_url = page_websocket_url(await response.text())
        cookie = response.history[0].cookies[f"soutenance-token-{served.port}"]
        assert cookie.value == served.token
        assert cookie["httponly"] and cookie["samesite"] == "Strict"
        # The page's own websocket opens with the cookie and the page's Origin.
        async with open_tab(session, websocket_url) as tab:
            await tab.wait_for("Rehearse")
    # A client without cookies may give the token in the websocket's query instead.
    async with client_session() as bare:
        query = f"{ws_url(served)}&token={served.token}"
        assert await handshake(bare, query, origin=own_origin(served)) == 101
    # The access log names the page it served without repeating the token.
    assert served.output().count(served.token) == 1
    assert "token=…" in served.output()


async def test_no_token_or_a_wrong_one_is_refused_for_the_page_and_the_websocket(serve) -> None:
    served = serve("--lang", "en")
    origin = own_origin(served)
    wrong = served.token[:-1] + ("A" if served.token[-1] != "A" else "B")
    cookie = f"soutenance-token-{served.port}"
    async with client_session() as session:
        status, text = await status_and_text(session, served.url + "/")
        assert status == 403
        assert "needs the token" in text and "?token=" in text
        assert (await status_and_text(session, f"{served.url}/?token={wrong}"))[0] == 403
        assert (await status_and_text(session, f"{served.url}/?token="))[0] == 403
        wrong_cookie = {"Cookie": f"{cookie}={wrong}"}
        assert (await status_and_text(session, served.url + "/", headers=wrong_cookie))[0] == 403

        assert await handshake(session, ws_url(served), origin=origin) == 403
        assert await handshake(session, f"{ws_url(served)}&token={wrong}", origin=origin) == 403
        assert await handshake(session, ws_url(served), origin=origin, headers=wrong_cookie) == 403
        # The same requests with the right token pass: the refusals were about the token.
        right_cookie = {"Cookie": f"{cookie}={served.token}"}
        assert (await status_and_text(session, served.url + "/", headers=right_cookie))[0] == 200
        assert await handshake(session, ws_url(served), origin=origin, headers=right_cookie) == 101
    if LINUX:
        await until(lambda: not served.app_processes(), timeout=10)


async def test_a_websocket_from_another_origin_is_refused(serve) -> None:
    served = serve("--lang", "en")
    async with client_session() as session:
        await fetch_page(served, session)  # the session holds the token's cookie
        url = ws_url(served)
        hostile = [
            "http://attacker.example",
            f"http://attacker.example:{served.port}",
            f"http://127.0.0.1:{served.port + 1}",  # another server of this machine
            f"http://localhost:{served.port}",  # another name: another origin for the browser
            f"https://127.0.0.1:{served.port}",
            "null",  # sandboxed frames and local files
        ]
        for origin in hostile:
            assert await handshake(session, url, origin=origin) == 403, origin
        assert await handshake(session, url) == 403  # browsers always send one
        if LINUX:
            assert served.app_processes() == []  # nothing was started for them
        assert await handshake(session, url, origin=own_origin(served)) == 101


async def test_a_request_naming_another_host_is_refused(serve) -> None:
    """DNS rebinding: the page of attacker.example, now resolved to 127.0.0.1, names its own host."""
    served = serve("--lang", "en")
    attacker = f"attacker.example:{served.port}"
    async with client_session() as session:
        await fetch_page(served, session)
        status, text = await status_and_text(session, served.url + "/", headers={"Host": attacker})
        assert status == 403
        assert "does not answer to the address" in text
        entry = await status_and_text(session, served.entry_url, headers={"Host": attacker})
        assert entry[0] == 403  # even with the token
        opening = {"headers": {"Host": attacker}, "origin": f"http://{attacker}"}
        assert await handshake(session, ws_url(served), **opening) == 403
        # The names of this machine are served, each with its own origin.
        for host in (f"localhost:{served.port}", f"[::1]:{served.port}"):
            headers = {"Host": host}
            assert (await status_and_text(session, served.url + "/", headers=headers))[0] == 200
            own = {"headers": headers, "origin": f"http://{host}"}
            assert await handshake(session, ws_url(served), **own) == 101


async def test_downloads_need_the_token_and_the_tab_that_made_them(serve) -> None:
    served = serve("--lang", "en")
    async with client_session() as session, client_session() as stranger:
        websocket_url = page_websocket_url(await fetch_page(served, session))
        async with (
            open_tab(session, websocket_url) as tab,
            open_tab(session, websocket_url) as other,
        ):
            # One after the other: both tabs share the data dir, so a setup opened once the other
            # tab has started proposes its student's name (and focuses Start instead of the name).
            await rehearse_to_summary(tab)
            await rehearse_to_summary(other, name=None)
            link = await export_link(tab)
            await export_link(other)  # the other tab has its own instance id now
            assert other.instance and other.instance != tab.instance
            key = link.split("?")[0]

            # No token, a wrong one, or another name for the server: refused.
            assert (await status_and_text(stranger, served.url + link))[0] == 403
            wrong = served.url + link + "&token=" + served.token[::-1]
            assert (await status_and_text(stranger, wrong))[0] == 403
            attacker = {"Host": f"attacker.example:{served.port}"}
            assert (await status_and_text(session, served.url + link, headers=attacker))[0] == 403
            # From the other tab (its own instance id), or with none: refused.
            status, text = await status_and_text(
                session, f"{served.url}{key}?instance={other.instance}"
            )
            assert status == 403 and "another tab" in text
            assert (await status_and_text(session, served.url + key))[0] == 403

            # From its own tab, with the token: the file.
            status, text = await status_and_text(session, served.url + link)
            assert status == 200, text
            assert "Camille" in text


async def test_a_download_link_works_once(serve) -> None:
    served = serve("--lang", "en")
    async with client_session() as session:
        websocket_url = page_websocket_url(await fetch_page(served, session))
        async with open_tab(session, websocket_url) as tab:
            await rehearse_to_summary(tab)
            link = await export_link(tab, "j")
            first, second = await asyncio.gather(
                status_and_text(session, served.url + link),
                status_and_text(session, served.url + link),
            )
            statuses = sorted([first[0], second[0]])
            assert statuses == [200, 404], (first, second)
            status, text = await status_and_text(session, served.url + link)
            assert status == 404 and "already used" in text
            # A new export is a new link, which works.
            assert (await status_and_text(session, served.url + await export_link(tab, "j")))[
                0
            ] == 200
            unused = await export_link(tab, "m")
        # The tab closed: its links are gone with it.
        if LINUX:
            await until(lambda: not served.app_processes(), timeout=10)
        assert (await status_and_text(session, served.url + unused))[0] == 404


async def test_a_tab_beyond_the_cap_gets_a_clear_page(serve) -> None:
    served = serve("--lang", "fr", "--max-tabs", "2")
    async with client_session() as session:
        websocket_url = page_websocket_url(await fetch_page(served, session))
        async with open_tab(session, websocket_url) as first:
            async with open_tab(session, websocket_url) as second:
                await asyncio.gather(first.wait_for("S'entraîner"), second.wait_for("S'entraîner"))
                status, text = await status_and_text(session, served.url + "/")
                assert status == 503
                assert '<html lang="fr">' in text
                assert "2 onglets sont déjà ouverts" in text
                opening = {"origin": own_origin(served)}
                assert await handshake(session, ws_url(served), **opening) == 503
                if LINUX:
                    assert len(served.app_processes()) == 2
            # One tab closed: there is room again.
            await until_page_status(session, served.url + "/", 200)
            async with open_tab(session, websocket_url) as third:
                await third.wait_for("S'entraîner")


async def test_no_token_admits_any_browser_of_this_origin_only(serve) -> None:
    served = serve("--lang", "en", "--no-token")
    output = served.output()
    assert "NO authentication" in output
    assert f"serving on http://127.0.0.1:{served.port}/\n" in output
    async with client_session() as session:
        websocket_url = page_websocket_url(await fetch_page(served, session, served.url + "/"))
        async with open_tab(session, websocket_url) as tab:
            await tab.wait_for("Rehearse")
        url = ws_url(served)
        assert await handshake(session, url, origin="http://attacker.example") == 403
        attacker = {"Host": f"attacker.example:{served.port}"}
        assert (await status_and_text(session, served.url + "/", headers=attacker))[0] == 403


async def until_page_status(session: aiohttp.ClientSession, url: str, status: int) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10
    while (await status_and_text(session, url))[0] != status:
        assert loop.time() < deadline, f"the page never answered {status}"
        await asyncio.sleep(0.1)
