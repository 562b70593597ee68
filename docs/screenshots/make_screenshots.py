"""Regenerate the README's screenshots, made by the app itself with Textual's screenshot support.

    python docs/screenshots/make_screenshots.py [OUT_DIR]

Builds the app through `make_app` on the bundled banks, with a FakeClock and a fixed seed, drives a
short rehearsal with Pilot, and writes `question.svg` (a question, its timer in the amber stretch)
and `summary.svg` (the end of the session) next to this script, or into OUT_DIR. Nothing is read
from or written to your own data dir: the script runs on a throwaway SOUTENANCE_HOME.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SIZE = (120, 34)
PROJECT = "digital-marketer/seo-audit"
SEED = 7
STUDENT = "Camille"

# What happens to each drawn question: seconds past the limit (negative: under it), confidence,
# key points ticked, and the reasoning note.
ANSWERS = [
    (-20, 4, [0, 1, 2], "Crawl first, then content: the 404s and redirect chains cost the most."),
    (12, 2, [0], "Ran long on the budget; forgot to tie the plan to the KPIs."),
    (-35, 3, [0, 1], "Cited the Search Console figures; unsure about the tooling cost."),
]


async def make_screenshots(out: Path) -> list[Path]:
    from textual.widgets import SelectionList, TextArea

    from soutenance.clock import FakeClock
    from soutenance.config import Config
    from soutenance.store import open_store
    from soutenance.ui.app import make_app
    from soutenance.ui.start import RehearsalRequest, build_screen

    out.mkdir(parents=True, exist_ok=True)
    clock = FakeClock()
    # A new store each time: the draw looks at past answers, so an old one would change it.
    scratch = tempfile.TemporaryDirectory(prefix="soutenance-screenshots-store-")
    store = open_store(Path(scratch.name) / "sessions.sqlite3", clock=clock)
    app = make_app(lang="en", clock=clock, store=store, config=Config(language="en"))
    written: list[Path] = []

    def save(name: str) -> None:
        svg = app.export_screenshot(title="soutenance")
        # Rich names the SVG's styles after a hash that varies from run to run: a fixed name
        # keeps regenerated files identical when the screen is.
        svg = re.sub(r"\bterminal-\d+", f"soutenance-{Path(name).stem}", svg)
        target = out / name
        target.write_text(svg, encoding="utf-8")
        written.append(target)

    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            entry = app.services.catalog.find(PROJECT)[0]
            request = RehearsalRequest(entry, student=STUDENT, count=len(ANSWERS), seed=SEED)
            app.push_screen(build_screen(app, request))
            await pilot.pause()
            screen = app.screen

            for number, (past_limit, confidence, covered, note) in enumerate(ANSWERS):
                limit = screen.run.question.time_limit
                if number == 0:
                    # The first question mid-answer: the timer is amber, a note is being written.
                    clock.advance(limit - 8)
                    screen.query_one("#timer").refresh_reading()
                    await pilot.press("e")
                    screen.query_one("#notes", TextArea).insert(note)
                    await pilot.press("escape")
                    await pilot.pause()
                    save("question.svg")
                    clock.advance(past_limit + 8)
                else:
                    await pilot.press("e")
                    screen.query_one("#notes", TextArea).insert(note)
                    await pilot.press("escape")
                    clock.advance(limit + past_limit)
                await pilot.press("space", str(confidence))
                await pilot.pause()
                points = screen.query_one("#key-points", SelectionList)
                for index in covered:
                    if index < len(screen.run.question.key_points):
                        points.select(index)
                await pilot.pause()
                await pilot.press("n")
                await pilot.pause()
            await pilot.pause()
            save("summary.svg")
    finally:
        store.close()
        scratch.cleanup()
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else HERE
    with tempfile.TemporaryDirectory(prefix="soutenance-screenshots-") as home:
        os.environ["SOUTENANCE_HOME"] = home
        os.environ.pop("SOUTENANCE_BANKS", None)
        for path in asyncio.run(make_screenshots(out)):
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
