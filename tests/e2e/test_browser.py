"""The app in a real browser: headless Chromium loads `soutenance serve`'s page; the home screen is drawn.

Skipped, with the reason, only when no Chromium binary is installed (.ci/run installs Debian's).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import shutil
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from tests.e2e.browser import DevTools, find_chromium, headless_chromium
from tests.e2e.serving import free_port

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.skipif(os.name != "posix", reason="uses process groups"),
]

WIDTH, HEIGHT = 1280, 800

# Wraps the page's WebSocket before textual.js runs, to know when the app's first screen arrived.
RECORD_TERMINAL_OUTPUT = """
(() => {
  const Native = window.WebSocket;
  const decoder = new TextDecoder();
  window.__terminalOutput = "";
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => {
        if (typeof event.data !== "string") {
          window.__terminalOutput += decoder.decode(new Uint8Array(event.data), {stream: true});
        }
      });
    }
  };
})();
"""


def blank_reasons(png: bytes) -> list[str]:
    """Why a screenshot looks blank; empty when it shows a drawn screen."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    reasons = []
    if image.size != (WIDTH, HEIGHT):
        reasons.append(f"size {image.size}")
    colours = image.getcolors(maxcolors=WIDTH * HEIGHT) or []
    if len(colours) < 24:
        reasons.append(f"only {len(colours)} colours")
    dominant = max(colours)[0] if colours else WIDTH * HEIGHT
    if dominant > 0.9 * WIDTH * HEIGHT:
        reasons.append(f"one colour covers {dominant / (WIDTH * HEIGHT):.0%} of the page")
    # Text on many rows, not one line: most horizontal bands hold pixels unlike their own background.
    bands = 16
    inked = 0
    for index in range(bands):
        band = image.crop((0, index * HEIGHT // bands, WIDTH, (index + 1) * HEIGHT // bands))
        band_colours = band.getcolors(maxcolors=band.width * band.height) or []
        band_dominant = max(band_colours)[0] if band_colours else 0
        if band.width * band.height - band_dominant > 0.01 * band.width * band.height:
            inked += 1
    if inked < bands // 2:
        reasons.append(f"only {inked} of {bands} bands hold anything")
    return reasons


async def wait_for(devtools: DevTools, expression: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not await devtools.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {expression}")
        await asyncio.sleep(0.1)


async def test_a_headless_browser_draws_the_home_screen(serve, tmp_path: Path) -> None:
    chromium = find_chromium()
    if chromium is None:
        pytest.skip(
            "no chromium binary found (Debian: apt-get install chromium; or set SOUTENANCE_CHROMIUM)"
        )
    served = serve("--lang", "en")

    async with headless_chromium(
        chromium, tmp_path / "profile", width=WIDTH, height=HEIGHT
    ) as devtools:
        await devtools.send("Page.enable")
        await devtools.send(
            "Emulation.setDeviceMetricsOverride",
            width=WIDTH,
            height=HEIGHT,
            deviceScaleFactor=1,
            mobile=False,
        )
        await devtools.send("Page.addScriptToEvaluateOnNewDocument", source=RECORD_TERMINAL_OUTPUT)
        await devtools.send("Page.navigate", url=served.entry_url)
        # textual.js marks the body on the first bytes from the app; the footer is drawn last.
        await wait_for(devtools, "document.body.classList.contains('-first-byte')", timeout=30)
        await wait_for(devtools, "(window.__terminalOutput || '').includes('Rehearse')", timeout=30)
        title = await devtools.evaluate(
            "document.querySelector('.intro div:last-of-type')?.textContent"
        )
        assert "soutenance" in (title or "")

        # xterm.js draws asynchronously: take screenshots until one shows the screen (bounded).
        deadline = time.monotonic() + 15
        while True:
            png = await devtools.screenshot()
            reasons = blank_reasons(png)
            if not reasons or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.25)

    shot = tmp_path / "home.png"
    shot.write_bytes(png)
    keep = os.environ.get("SOUTENANCE_SCREENSHOT_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / "browser-home.png")
    assert not reasons, f"the screenshot looks blank ({'; '.join(reasons)}): {shot}"


# A page of another site: it opens the app's websocket and says what happened.
HOSTILE_PAGE = """<!DOCTYPE html><html><body><script>
window.__result = "pending";
const socket = new WebSocket("ws://127.0.0.1:PORT/ws?width=80&height=24");
socket.onopen = () => { window.__result = "open"; };
socket.onerror = () => { window.__result = "refused"; };
</script></body></html>"""


@contextlib.asynccontextmanager
async def hostile_site(page: str) -> AsyncIterator[int]:
    """A web server on this machine (another port: the same site for cookies) serving one page."""

    async def index(_request: web.Request) -> web.Response:
        return web.Response(text=page, content_type="text/html")

    app = web.Application()
    app.router.add_get("/", index)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield port
    finally:
        await runner.cleanup()


async def test_another_sites_page_and_a_rebound_name_are_refused(serve, tmp_path: Path) -> None:
    chromium = find_chromium()
    if chromium is None:
        pytest.skip("no chromium binary found (Debian: apt-get install chromium)")
    served = serve("--lang", "en")
    # attacker.example resolves to this machine, as after a DNS rebinding.
    rebinding = ["--host-resolver-rules=MAP attacker.example 127.0.0.1"]
    hostile = HOSTILE_PAGE.replace("PORT", str(served.port))
    async with (
        hostile_site(hostile) as hostile_port,
        headless_chromium(
            chromium, tmp_path / "profile", width=800, height=600, flags=rebinding
        ) as devtools,
    ):
        await devtools.send("Page.enable")
        # The user opened the app: the browser holds the token's cookie.
        await devtools.send("Page.navigate", url=served.entry_url)
        await wait_for(devtools, "document.body.classList.contains('-first-byte')", timeout=30)

        # A page on another port of this machine is the same site: the browser sends the cookie
        # with its websocket; the Origin is what refuses it.
        await devtools.send("Page.navigate", url=f"http://127.0.0.1:{hostile_port}/")
        await wait_for(devtools, "window.__result && window.__result !== 'pending'", timeout=15)
        assert await devtools.evaluate("window.__result") == "refused"

        # DNS rebinding: the page of attacker.example, now this machine, asks for the app.
        rebound = f"http://attacker.example:{served.port}/?token={served.token}"
        await devtools.send("Page.navigate", url=rebound)
        await wait_for(devtools, "document.readyState === 'complete'", timeout=15)
        assert "does not answer to the address" in await devtools.evaluate(
            "document.body.innerText"
        )


def test_the_blank_check_sees_a_blank_page_and_a_single_line() -> None:
    from PIL import Image, ImageDraw

    def png(image) -> bytes:
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        return buffer.getvalue()

    blank = Image.new("RGB", (WIDTH, HEIGHT), "#0c181f")
    assert blank_reasons(png(blank))
    one_line = blank.copy()
    ImageDraw.Draw(one_line).text((20, 20), "soutenance " * 10, fill="white")
    assert blank_reasons(png(one_line))
