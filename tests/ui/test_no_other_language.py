"""Every screen of the app, in French and in English, shows no word of the other language.

The walk goes through each screen with Pilot (French banks in French, English banks in English)
and reads what the terminal shows, with the keys panel and the command palette over each. A word of 4+ letters found in the other language's UI catalogs
and in none of this language's fails the test, naming the screen. Bank text, names and notes are
data: their words never count.
"""

from __future__ import annotations

import html
import re
import shutil
from datetime import date
from functools import cache
from pathlib import Path

import pytest
import yaml

from soutenance import i18n
from soutenance.clock import FakeClock
from soutenance.store import open_store
from soutenance.ui.app import make_app
from soutenance.ui.start import RehearsalRequest, build_screen

SIZE = (120, 40)
REPO = Path(__file__).resolve().parents[2]
BANKS = {
    "fr": ("community-manager", "responsable-marketing-et-communication"),
    "en": ("digital-marketer",),
}
PROJECT = {"fr": "community-manager/brief-creatif", "en": "digital-marketer/seo-audit"}
WORD = re.compile(r"[^\W\d_]{4,}")
NAMES = {"camille", "dominique", "soutenance", "markdown", "json", "anki", "yaml", "ctrl"}
"""Proper names and technical words that are the same in both languages."""
NOTES = {"fr": "Réponse claire et appuyée", "en": "Clear answer with figures"}


def words(texts: list[str]) -> set[str]:
    found: set[str] = set()
    for text in texts:
        text = re.sub(r"\{[^}]*\}", " ", text)  # placeholders are not words of the language
        found |= {w.lower() for w in WORD.findall(text)}
    return found


@cache
def distinctive(language: str) -> frozenset[str]:
    """Words of this language's catalogs that the other language's catalogs never use."""
    other = "en" if language == "fr" else "fr"
    return frozenset(
        words(list(i18n.catalog(language).values()))
        - words(list(i18n.catalog(other).values()))
        - NAMES
    )


def bank_words(folder: Path) -> set[str]:
    """Every word of the banks' texts (values, not keys): data, in whatever language."""
    texts: list[str] = []

    def collect(value: object) -> None:
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    for file in folder.rglob("*.yaml"):
        collect(yaml.safe_load(file.read_text(encoding="utf-8")))
    return words(texts)


SPAN = re.compile(r'<text [^>]*x="([\d.]+)" y="([\d.]+)" textLength="([\d.]+)"[^>]*>(.*?)</text>')


def shown(app) -> str:
    """The text drawn on the terminal, line by line (an SVG screenshot holds every character
    drawn, in spans placed by their x); the keys the footer leaves out are in the keys panel."""
    spans = [(float(x), float(y), float(n), html.unescape(text).replace("\xa0", " "))
             for x, y, n, text in SPAN.findall(app.export_screenshot())]  # fmt: skip
    cell = min((n / len(text) for _, _, n, text in spans if text), default=1.0)
    rows: dict[float, list[tuple[float, str]]] = {}
    for x, y, _, text in spans:
        rows.setdefault(y, []).append((x, text))
    lines = []
    for _, spans in sorted(rows.items()):
        line = ""
        for x, text in sorted(spans):
            line = line.ljust(round(x / cell)) + text
        lines.append(line)
    return re.sub(r"\S*/\S*", " ", "\n".join(lines))  # file paths are data


def in_context(text: str, word: str) -> str:
    """The word with what surrounds it on screen, to find where it comes from."""
    found = re.search(rf"(?<!\w){word}(?!\w)", text, re.IGNORECASE)
    at = found.start() if found else 0
    return f"{word} («{' '.join(text[max(0, at - 30) : at + len(word) + 30].split())}»)"


class Walk:
    def __init__(self, app, pilot, language: str, data: set[str]) -> None:
        self.app, self.pilot, self.language, self.data = app, pilot, language, data
        self.leaks: dict[str, list[str]] = {}
        self.seen: list[str] = []

    def is_data(self, word: str) -> bool:
        """A word of the data, or a piece of one cut at the edge of a column or a modal."""
        return any(word == w or w.startswith(word) or w.endswith(word) for w in self.data)

    async def settle(self) -> None:
        await self.pilot.pause()
        await self.app.workers.wait_for_complete()
        await self.pilot.pause()

    async def look(self, where: str) -> None:
        await self.settle()
        other = "en" if self.language == "fr" else "fr"
        text = shown(self.app)
        leaked = sorted(w for w in words([text]) & distinctive(other) if not self.is_data(w))
        self.seen.append(where)
        if leaked:
            self.leaks[where] = [in_context(text, word) for word in leaked]

    async def press(self, *keys: str) -> None:
        await self.pilot.press(*keys)
        await self.settle()

    async def through(self, *steps: tuple[tuple[str, ...], float, str]) -> None:
        """For each step: press its keys, let its seconds pass, look at where it leads."""
        for keys, seconds, where in steps:
            await self.press(*keys)
            self.app.services.clock.advance(seconds)
            await self.look(where)

    async def visit(self, where: str, screen) -> None:
        self.app.push_screen(screen)
        await self.look(where)
        await self.around(where)
        self.app.pop_screen()
        await self.settle()

    async def around(self, where: str) -> None:
        """The keys panel and the command palette over the current screen."""
        self.app.action_show_keys()
        await self.look(f"{where} + keys")
        self.app.pop_screen()
        await self.press("ctrl+p")
        await self.look(f"{where} + palette")
        await self.press("escape")


def is_on(app, name: str) -> bool:
    return type(app.screen).__name__ == name


async def walk_every_screen(walk: Walk, language: str, clock: FakeClock, store) -> None:
    from soutenance.ui.screens.bank_browser import BankBrowserScreen
    from soutenance.ui.screens.mentor_import import ImportModal
    from soutenance.ui.screens.plan import PlanScreen
    from soutenance.ui.screens.problems import ProblemsScreen
    from soutenance.ui.screens.question_form import QuestionFormScreen
    from soutenance.ui.screens.rehearsal_setup import RehearsalSetupScreen
    from soutenance.ui.screens.review import ReviewScreen
    from soutenance.ui.screens.roster import RosterScreen
    from soutenance.ui.screens.sessions import SessionsScreen
    from soutenance.ui.screens.stats import StatsScreen
    from soutenance.ui.screens.student import StudentScreen
    from soutenance.ui.screens.student_form import StudentFormScreen

    app = walk.app
    entry = app.services.catalog.find(PROJECT[language])[0]
    await walk.look("home")
    await walk.around("home")
    await walk.visit("problems", ProblemsScreen())
    await walk.visit("sessions (none)", SessionsScreen(None))
    await walk.visit("setup", RehearsalSetupScreen(entry, mock=False))
    await walk.visit("setup (mock)", RehearsalSetupScreen(entry, mock=True))
    await walk.visit("plan", PlanScreen(entry, "Camille"))

    # A rehearsal, stage by stage.
    request = RehearsalRequest(entry, student="Camille", count=3, seed=3)
    app.push_screen(build_screen(app, request))
    await walk.look("question")
    clock.advance(20)
    await walk.look("question (answering)")
    await walk.around("question")
    first_word = NOTES[language].split()[0]
    await walk.through(
        (("p",), 0, "question (paused)"),
        (("p", "e", *first_word, "escape"), 0, "question (notes)"),
        ((), 400, "question (over time)"),
        (("space",), 0, "question (key points)"),
        (("3",), 0, "question (rated)"),
        (("n",), 0, "question 2"),
        (("s",), 0, "question 3 (after a skip)"),
        (("t",), 0, "question (finish?)"),
        (("tab", "enter"), 0, "summary"),
    )
    assert is_on(app, "SummaryScreen")
    await walk.around("summary")

    # A mock defense: presentation, questions, debrief.
    request = RehearsalRequest(entry, student="Camille", count=1, seed=3, mock=True)
    app.switch_screen(build_screen(app, request))
    await walk.look("presentation")
    await walk.around("presentation")
    clock.advance(60)
    await walk.press("space")
    await walk.look("presentation (too short?)")
    await walk.press("enter")
    clock.advance(600)
    await walk.press("space", "tab", "enter")
    assert is_on(app, "QuestionScreen")
    await walk.look("mock question")
    clock.advance(50)
    await walk.through(
        (("space", "3", "n"), 0, "mock question 2"),
        (("t",), 0, "mock question (finish?)"),
        (("tab", "enter"), 0, "debrief"),
    )
    assert is_on(app, "DebriefScreen")
    await walk.around("debrief")
    await walk.press("ctrl+s")
    assert is_on(app, "SummaryScreen")
    await walk.look("mock summary")
    app.pop_screen()
    await walk.settle()

    session_id = store.list_sessions(limit=1)[0].id
    await walk.visit("sessions", SessionsScreen(None))
    await walk.visit("stats", StatsScreen(entry, "Camille"))
    await walk.visit("bank browser", BankBrowserScreen(entry.ref))
    question = app.services.catalog.load(entry).questions[0].id
    await walk.visit("bank editor", QuestionFormScreen(entry.file, question))
    await walk.visit("bank editor (new question)", QuestionFormScreen(entry.file))

    # The mentor: roster, a student's page, the import, a review, the live challenge.
    store.roster.add_student("Dominique", paths=[entry.summary.path_id],
                             defense_date=date(2026, 11, 12))  # fmt: skip
    await walk.visit("roster", RosterScreen())
    await walk.visit("student", StudentScreen("Camille"))
    await walk.visit("student form", StudentFormScreen())
    await walk.visit("import", ImportModal())
    await walk.visit("review", ReviewScreen(session_id))
    app.push_screen(StudentScreen("Dominique"))
    await walk.settle()
    await walk.press("l")
    await walk.look("live (which project?)")
    await walk.press("enter")
    assert is_on(app, "LiveScreen")
    await walk.look("live")
    clock.advance(12)
    assert not app.screen.panel_visible
    await walk.look("live (panel hidden)")
    await walk.press("h")
    assert app.screen.panel_visible
    await walk.look("live (panel shown)")
    await walk.around("live")


@pytest.fixture(params=["fr", "en"])
def language(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def bundled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, language: str) -> Path:
    """The bundled banks of this language only: French paths in French, English in English."""
    folder = tmp_path / f"bundled-{language}"
    for path in BANKS[language]:
        shutil.copytree(REPO / "question_banks" / path, folder / path)
    monkeypatch.setattr("soutenance.paths.bundled_banks_dir", lambda: folder)
    return folder


async def test_every_screen_speaks_one_language(
    tmp_path: Path, bundled: Path, language: str
) -> None:
    data = bank_words(bundled) | words([NOTES[language]])
    clock = FakeClock()
    store = open_store(tmp_path / "db.sqlite3", clock=clock)
    app = make_app(lang=language, clock=clock, store=store, seed=7)
    try:
        async with app.run_test(size=SIZE) as pilot:
            walk = Walk(app, pilot, language, data)
            await walk.settle()
            await walk_every_screen(walk, language, clock, store)
            assert len(walk.seen) > 40, walk.seen  # the walk went where it says
    finally:
        store.close()
    report = "\n".join(f"{where}: {', '.join(found)}" for where, found in walk.leaks.items())
    assert not walk.leaks, f"words of the other language ({language} interface):\n{report}"
