"""A real app process typing notes into a rehearsal; the parent test kills it with SIGKILL.

Prints "typed N T" after each keystroke (N characters so far, T its monotonic time), flushed.
"""

from __future__ import annotations

import asyncio
import sys
import time

from soutenance.ui.app import make_app
from soutenance.ui.start import RehearsalRequest, build_screen

TEXT = "Je commence par la cible, puis le budget, enfin le calendrier de validation. " * 20


async def main() -> None:
    app = make_app(lang="fr")
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        entry = app.services.catalog.find("community-manager/brief-creatif")[0]
        app.push_screen(build_screen(app, RehearsalRequest(entry, student="Kill", count=1, seed=1)))
        await pilot.pause()
        screen = app.screen
        print("session", screen.run.session.id, flush=True)
        await pilot.press("e")
        notes = screen.query_one("#notes")
        notes.load_text("")
        for count, character in enumerate(TEXT, start=1):
            notes.insert(character)
            await asyncio.sleep(0.01)
            print("typed", count, time.monotonic(), flush=True)
        print("done", flush=True)
        await asyncio.sleep(30)


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
