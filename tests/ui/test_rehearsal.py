"""Whole rehearsal flows driven with Pilot and a fake clock."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import SelectionList, Static, TextArea

from soutenance.clock import FakeClock
from soutenance.exports.markdown import session_to_markdown
from soutenance.exports.session_json import session_to_json
from soutenance.session.model import Stage
from soutenance.session.timer import Level
from soutenance.store import open_store
from soutenance.ui.app import make_app
from soutenance.ui.screens.mock import DebriefScreen, PresentationScreen
from soutenance.ui.screens.question import QuestionScreen
from soutenance.ui.screens.summary import SummaryScreen
from soutenance.ui.start import RehearsalRequest, build_screen
from soutenance.ui.widgets.timer_display import TimerDisplay

BANK = """project:
  id: essai
  title: Projet d'essai
  path: Community Manager
  language: fr
  evaluator_role: "La directrice [bold]marketing[/bold]"
  format: {presentation: 10, discussion: 4, debrief: 2}
questions:
  - id: q1
    text: "Pourquoi [bold]ce[/bold] canal ? [@click=app.quit]clic[/]"
    key_points: [Cible, "[link=https://x.invalid]Budget[/link]", Calendrier, Mesure]
    follow_ups:
      - {text: "Et si le budget baisse ?", key_points: [Priorités]}
    time_limit: 60
  - id: q2
    text: Quels livrables attendez-vous ?
    key_points: [Liste, Formats, Dates]
    follow_ups: [Et en cas de retard ?]
    time_limit: 90
"""


def bank_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "banks"
    folder.mkdir()
    (folder / "essai.yaml").write_text(BANK, encoding="utf-8")
    return folder


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def start(app, pilot, *, mock: bool = False, count: int = 2, seed: int = 3):
    entry = app.services.catalog.find("community-manager/essai")[0]
    request = RehearsalRequest(entry, student="Camille", count=count, seed=seed, mock=mock)
    app.push_screen(build_screen(app, request))
    await pilot.pause()
    return app.screen


async def test_full_rehearsal_flow(tmp_path: Path) -> None:
    clock = FakeClock()
    store = open_store(tmp_path / "db.sqlite3", clock=clock)
    app = make_app(banks=[bank_dir(tmp_path)], lang="fr", clock=clock, store=store)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        screen = await start(app, pilot)
        assert isinstance(screen, QuestionScreen)
        first = screen.run.question
        timer = screen.query_one("#timer", TimerDisplay)
        assert text_of(screen, "#role").startswith("Vous parlez à : La directrice")
        clock.advance(10)
        timer.refresh_reading()
        assert timer.level is Level.GREEN
        clock.advance(first.time_limit - 10 - 5)
        timer.refresh_reading()
        assert timer.level is Level.AMBER
        clock.advance(17)
        timer.refresh_reading()
        assert timer.level is Level.RED
        assert timer.value == "+0:12"
        await pilot.press("space")
        assert screen.stage is Stage.RATING
        assert not screen.query_one("#key-points").display
        await pilot.press("4")
        assert screen.stage is Stage.KEY_POINTS
        assert screen.query_one("#key-points").display
        points = screen.query_one("#key-points", SelectionList)
        points.select(0)
        points.select(2)
        await pilot.pause()
        await pilot.press("e")
        await pilot.press(*"Parce que")
        await pilot.press("escape")
        await pilot.pause()
        answer = screen.run.session.answers[0]
        assert answer.elapsed == first.time_limit + 12
        assert answer.confidence == 4
        assert answer.covered == ([0, 2] if first.key_points else [])
        assert "Parce que" in answer.notes
        saved = store.load_session(screen.run.session.id)
        assert "Parce que" in saved.answers[0].notes
        assert saved.answers[0].elapsed == first.time_limit + 12
        await pilot.press("r")
        assert screen.stage is Stage.FOLLOW_UP
        assert screen.follow_up is not None
        clock.advance(20)
        await pilot.press("space")
        assert answer.follow_ups[0].elapsed == 20
        await pilot.press("n")
        assert screen.run.index == 1
        assert screen.stage is Stage.ANSWERING
        await pilot.press("b")
        assert screen.run.index == 0
        assert screen.stage is Stage.KEY_POINTS
        await pilot.press("n")
        clock.advance(30)
        await pilot.press("space", "2", "n")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        summary = app.screen
        assert summary.summary.totals.answered == 2
        assert "2 répondue(s)" in text_of(summary, "#totals")
        await pilot.press("m")
        exports = list((tmp_path / "home" / "exports").glob("*.md"))
        assert len(exports) == 1
        markdown = exports[0].read_text(encoding="utf-8")
        assert "Parce que" in markdown
    store.close()


async def test_bank_markup_is_shown_literally_and_triggers_nothing(tmp_path: Path) -> None:
    clock = FakeClock()
    app = make_app(banks=[bank_dir(tmp_path)], lang="fr", clock=clock)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        screen = await start(app, pilot, count=2, seed=0)
        while screen.run.question.id != "q1":
            await pilot.press("s")
        assert (
            text_of(screen, "#question-text")
            == "Pourquoi [bold]ce[/bold] canal ? [@click=app.quit]clic[/]"
        )
        assert "[bold]marketing[/bold]" in text_of(screen, "#role")
        await pilot.click("#question-text")
        assert app.is_running
        await pilot.press("space", "3")
        points = screen.query_one("#key-points", SelectionList)
        prompts = [str(points.get_option_at_index(i).prompt) for i in range(points.option_count)]
        assert "[link=https://x.invalid]Budget[/link]" in prompts


async def test_notes_can_be_written_during_the_answer(tmp_path: Path) -> None:
    clock = FakeClock()
    app = make_app(banks=[bank_dir(tmp_path)], lang="en", clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = await start(app, pilot)
        await pilot.press("e", *"draft", "escape")
        assert screen.stage is Stage.ANSWERING
        assert screen.query_one("#notes", TextArea).text.startswith("What I answered:\ndraft\n")
        assert screen.run.answer.notes.startswith("What I answered:\ndraft\n")


async def test_mock_defense_timeline(tmp_path: Path) -> None:
    clock = FakeClock()
    store = open_store(tmp_path / "db.sqlite3", clock=clock)
    app = make_app(banks=[bank_dir(tmp_path)], lang="fr", clock=clock, store=store)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        screen = await start(app, pilot, mock=True)
        assert isinstance(screen, PresentationScreen)
        timer = screen.query_one("#timer", TimerDisplay)
        clock.advance(60)
        timer.refresh_reading()
        assert timer.level is Level.NEUTRAL
        assert "trop court" in text_of(screen, "#presentation-status").lower()
        clock.advance(9 * 60)
        timer.refresh_reading()
        assert timer.level in (Level.GREEN, Level.AMBER)
        await pilot.press("space")  # asks first: Enter goes on presenting
        await pilot.pause()
        assert "10:00" in str(app.screen.query_one("#choice-message", Static).render())
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PresentationScreen)
        await pilot.press("space", "tab", "enter")
        await pilot.pause()
        question = app.screen
        assert isinstance(question, QuestionScreen)
        assert text_of(question, "#role").startswith("Vous parlez à")
        clock.advance(50)
        await pilot.press("space", "3", "n")
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        clock.advance(4 * 60)
        await pilot.press("space", "3", "n")
        await pilot.pause()
        debrief = app.screen
        assert isinstance(debrief, DebriefScreen)
        assert not debrief.query("#role")
        assert "hors rôle" in text_of(debrief, "#debrief-title")
        debrief.query_one("#strengths", TextArea).load_text("Bonne structure")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        session = app.screen.session
        assert session.presentation_seconds == 600
        assert session.debrief_strengths == "Bonne structure"
        assert len(session.answers) == 2
        stored = store.load_session(session.id)
        assert stored.debrief_strengths == "Bonne structure"
        exported = session_to_json(stored)
        assert json.loads(json.dumps(exported))["session"]["kind"] == "mock"
        assert "Bonne structure" in session_to_markdown(stored, lang="fr")
    store.close()


async def test_unfinished_session_resumes_at_next_start(tmp_path: Path) -> None:
    clock = FakeClock()
    banks = bank_dir(tmp_path)
    store = open_store(tmp_path / "db.sqlite3", clock=clock)
    app = make_app(banks=[banks], lang="fr", clock=clock, store=store)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        screen = await start(app, pilot)
        await pilot.press("e", *"avant le crash")
        screen.flush_notes()
        session_id = screen.run.session.id
        first_question = screen.run.question.id
    app = make_app(banks=[banks], lang="fr", clock=clock, store=store)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuestionScreen)
        assert screen.run.session.id == session_id
        assert screen.run.question.id == first_question
        assert "avant le crash" in screen.query_one("#notes", TextArea).text
    store.close()


def test_both_catalogs_have_the_same_keys() -> None:
    from soutenance.i18n import catalog

    def keys(language: str) -> set[str]:
        # The CLI's English help is its docstrings; tests/unit/test_cli_language.py checks the French.
        help_text = (".help", ".opt.", ".arg.")
        return {
            k
            for k in catalog(language)
            if not (k.startswith("cli.") and any(h in k or k.endswith(h) for h in help_text))
        }

    assert keys("fr") == keys("en")


async def test_screen_keys_are_palette_commands(tmp_path: Path) -> None:
    clock = FakeClock()
    app = make_app(banks=[bank_dir(tmp_path)], lang="en", clock=clock)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        screen = await start(app, pilot)
        titles = [command.title for command in app.get_system_commands(screen)]
        assert "I'm done" in titles and "Pause" in titles
        done = next(c for c in app.get_system_commands(screen) if c.title == "I'm done")
        clock.advance(5)
        await done.callback()
        await pilot.pause()
        assert screen.stage is Stage.RATING


async def test_unwritable_data_dir_keeps_the_session_in_memory_and_exports_elsewhere(
    tmp_path: Path, monkeypatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data dir should be", encoding="utf-8")
    monkeypatch.setenv("SOUTENANCE_HOME", str(blocker / "home"))
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(out)
    clock = FakeClock()
    app = make_app(banks=[bank_dir(tmp_path)], lang="en", clock=clock)
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        await pilot.pause()
        screen = await start(app, pilot)
        assert app.store.persistent is False
        messages = [n.message for n in app._notifications]
        assert any("cannot be written" in m and "Export them" in m for m in messages)
        await pilot.press("e", *"kept", "escape")
        clock.advance(10)
        await pilot.press("space", "3", "t", "tab", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        await pilot.press("m")
        exported = list(out.glob("*.md"))
        assert len(exported) == 1
        assert "kept" in exported[0].read_text(encoding="utf-8")
        assert "kept" in screen.run.session.answers[0].notes


async def test_a_session_started_from_the_command_line_is_not_offered_for_resuming(
    tmp_path: Path,
) -> None:
    clock = FakeClock()
    banks = bank_dir(tmp_path)
    store = open_store(tmp_path / "db.sqlite3", clock=clock)
    app = make_app(banks=[banks], lang="en", clock=clock, store=store)
    app.services.config.student = "Camille"
    entry = app.services.catalog.find("community-manager/essai")[0]
    app.first_request = RehearsalRequest(entry, student="Camille", count=1, seed=1)
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        assert not any("unfinished" in n.message for n in app._notifications)
    store.close()
