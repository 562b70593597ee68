"""Sessions that survive anything, driven with Pilot: a resume at every stage and in every phase of
a mock, the confirmations before ending or quitting, a skipped question answered later, a second
window, and deleting a session."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, SelectionList, Static, TextArea

from soutenance.clock import FakeClock
from soutenance.session.model import AnswerStatus, SessionKind, Stage
from soutenance.store import open_store
from soutenance.ui.app import make_app
from soutenance.ui.modals.choice import ChoiceModal
from soutenance.ui.screens.home import HomeScreen
from soutenance.ui.screens.mock import DebriefScreen, PresentationScreen
from soutenance.ui.screens.question import QuestionScreen
from soutenance.ui.screens.sessions import SessionsScreen
from soutenance.ui.screens.summary import SummaryScreen
from soutenance.ui.start import RehearsalRequest, build_screen
from tests.ui.test_rehearsal import bank_dir, text_of
from tests.ui.waiting import settled

SIZE = (100, 40)


def make(tmp_path: Path, clock: FakeClock, lang: str = "fr"):
    store = open_store(tmp_path / "db.sqlite3", clock=clock)
    banks = bank_dir(tmp_path) if not (tmp_path / "banks").exists() else tmp_path / "banks"
    app = make_app(banks=[banks], lang=lang, clock=clock, store=store)
    app.services.config.student = "Camille"
    return app, store


async def start(app, pilot, *, mock: bool = False, count: int = 2):
    entry = app.services.catalog.find("community-manager/essai")[0]
    app.push_screen(
        build_screen(
            app, RehearsalRequest(entry, student="Camille", count=count, seed=3, mock=mock)
        )
    )
    await pilot.pause()
    return app.screen


async def reach(pilot, screen: QuestionScreen, clock: FakeClock, stage: str) -> None:
    """Drive the first question to `stage` with keys, as the student would."""
    clock.advance(25)
    if stage == "answering":
        await pilot.press("e", *"en cours", "escape")
        return
    if stage == "skipped":
        await pilot.press("s", "b")
        return
    await pilot.press("space")
    if stage == "rating":
        return
    await pilot.press("4")
    screen.query_one("#key-points", SelectionList).select(1)
    await pilot.pause()
    if stage == "notes":
        await pilot.press("e", *"je note")
    elif stage == "follow_up":
        await pilot.press("r")
        clock.advance(5)


async def resume_at_home(tmp_path: Path, clock: FakeClock, pilot, app) -> QuestionScreen:
    await pilot.pause()
    assert isinstance(app.screen, HomeScreen)
    await pilot.press("c")
    await pilot.pause()
    return app.screen


@pytest.mark.parametrize(
    "stage", ["answering", "rating", "key_points", "notes", "follow_up", "skipped"]
)
async def test_resume_at_every_stage_shows_the_same_question_and_stage(
    tmp_path: Path, stage: str
) -> None:
    clock = FakeClock()
    app, store = make(tmp_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await start(app, pilot)
        await reach(pilot, screen, clock, stage)
        session_id, question_id = screen.run.session.id, screen.run.question.id
        screen.run.checkpoint()
    # The window is gone (its process died with it): a new one opens on the same data.
    store.db.write(lambda conn: conn.execute("UPDATE leases SET heartbeat_at = 0"))
    app, _ = make(tmp_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await resume_at_home(tmp_path, clock, pilot, app)
        assert isinstance(screen, QuestionScreen)
        assert (screen.run.session.id, screen.run.question.id) == (session_id, question_id)
        assert text_of(screen, "#progress").startswith("Question 1/2")
        expected = Stage(stage if stage != "key_points" else "key_points")
        assert screen.stage is expected
        assert screen.has_class("-confidence") is (stage == "rating")
        assert screen.has_class("-revealed") is (stage in ("key_points", "notes"))
        assert screen.query_one("#key-points").display is (stage in ("key_points", "notes"))
        if stage == "answering":
            assert "en cours" in screen.query_one("#notes", TextArea).text
            assert "En pause" in text_of(screen, "#timer-status")
            assert screen.run.timer.elapsed == 25
            await pilot.press("p")
            clock.advance(10)
            await pilot.press("space")
            assert screen.run.session.answers[0].elapsed == 35 and screen.stage is Stage.RATING
        elif stage == "notes":
            assert isinstance(app.focused, TextArea) and "je note" in app.focused.text
        elif stage == "follow_up":
            assert "Relance" in text_of(screen, "#follow-up-text")
            assert screen.run.timer.elapsed == 5
        elif stage == "skipped":
            assert "Passée plus tôt" in text_of(screen, "#timer-status")
        elif stage == "key_points":
            assert screen.query_one("#key-points", SelectionList).selected == [1]


@pytest.mark.parametrize("phase", ["presentation", "discussion", "debrief"])
async def test_a_mock_defense_resumes_as_a_mock_in_its_phase(tmp_path: Path, phase: str) -> None:
    clock = FakeClock()
    app, store = make(tmp_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await start(app, pilot, mock=True)
        clock.advance(8 * 60)
        if phase != "presentation":
            await pilot.press("space", "tab", "enter")
            await pilot.pause()
            clock.advance(60)
        if phase == "debrief":
            await pilot.press("t", "tab", "enter")
            await pilot.pause()
            await pilot.press(*"Posé")
        app.screen.run.checkpoint()
    store.db.write(lambda conn: conn.execute("UPDATE leases SET heartbeat_at = 0"))
    app, _ = make(tmp_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await resume_at_home(tmp_path, clock, pilot, app)
        assert screen.run.kind is SessionKind.MOCK
        if phase == "presentation":
            assert isinstance(screen, PresentationScreen)
            assert screen.defense.presentation.elapsed == 8 * 60
        elif phase == "discussion":
            assert isinstance(screen, QuestionScreen)
            assert "il reste 3:00" in text_of(screen, "#progress") or "3:00" in text_of(
                screen, "#progress"
            )
            await pilot.press("p")
            clock.advance(30)  # the discussion's countdown moves while the question runs
            screen.query_one("#timer").refresh_reading()
            assert "2:30" in text_of(screen, "#progress")
        else:
            assert isinstance(screen, DebriefScreen)
            assert screen.query_one("#strengths", TextArea).text == "Posé"
            assert app.focused is screen.query_one("#strengths")


async def test_ending_and_quitting_ask_first_and_the_default_goes_on(tmp_path: Path) -> None:
    clock = FakeClock()
    app, store = make(tmp_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await start(app, pilot)
        clock.advance(2)
        await pilot.press("t")
        assert isinstance(app.screen, ChoiceModal)
        assert "2 question(s) sans réponse" in str(
            app.screen.query_one("#choice-message", Static).render()
        )
        await pilot.press("enter")  # the default: go on
        assert app.screen is screen and screen.stage is Stage.ANSWERING
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("escape")
        assert app.screen is screen and app.is_running
        await pilot.press("t", "tab", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        statuses = [a.status for a in store.load_session(screen.run.session.id).answers]
        assert statuses == [AnswerStatus.SKIPPED, AnswerStatus.NOT_REACHED]
        lines = app.screen.summary.lines
        assert [line.status for line in lines] == statuses


async def test_quitting_mid_question_keeps_the_session_for_the_next_start(tmp_path: Path) -> None:
    clock = FakeClock()
    app, store = make(tmp_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await start(app, pilot)
        clock.advance(12)
        await pilot.press("ctrl+q", "tab", "enter")
        await pilot.pause()
    session = store.load_session(screen.run.session.id)
    assert session.ended_at is None and session.answers[0].elapsed == 12
    assert store.lease(session.id) is None  # let go: the next window opens it without asking


async def test_a_skipped_question_is_offered_again_at_the_end(tmp_path: Path) -> None:
    clock = FakeClock()
    app, store = make(tmp_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await start(app, pilot)
        first = screen.run.question.id
        await pilot.press("s")
        assert screen.run.index == 1
        clock.advance(20)
        await pilot.press("space", "3", "n")
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("tab", "enter")  # answer the skipped ones
        await pilot.pause()
        assert (
            app.screen is screen
            and screen.run.question.id == first
            and screen.stage is Stage.SKIPPED
        )
        await pilot.press("space")
        clock.advance(40)
        await pilot.press("space", "4", "n")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        answers = store.load_session(screen.run.session.id).answers
        assert [(a.status, a.elapsed) for a in answers] == [
            (AnswerStatus.ANSWERED, 40),
            (AnswerStatus.ANSWERED, 20),
        ]


async def test_a_session_open_in_another_window_asks_before_taking_it_over(tmp_path: Path) -> None:
    clock = FakeClock()
    app, store = make(tmp_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await start(app, pilot)
        await pilot.press("e", *"fenêtre A")
        screen.flush_notes()
        # Another window (a live process: this one) holds it now; this one types on, unaware.
        store.open_session(screen.run.session.id, "window-b", take_over=True)
        notes = screen.query_one("#notes", TextArea)
        notes.insert(" encore")  # typed just before the next save…
        screen.checkpoint()  # …which is refused: the window turns read-only, once
        await pilot.pause()
        assert screen.run.read_only and screen.has_class("-read-only")
        on_screen = notes.text
        assert notes.read_only and "fenêtre A encore" in on_screen  # what was typed stays, to copy
        assert "fenêtre A encore" not in store.load_session(screen.run.session.id).answers[0].notes
        await pilot.press(*"zz")
        assert notes.text == on_screen  # nothing more goes in
        await pilot.press("escape", "x")  # this window's copy, as a file
        exported = list((tmp_path / "home" / "exports").glob("*.md"))
        assert len(exported) == 1 and "fenêtre A encore" in exported[0].read_text(encoding="utf-8")
    app, _ = make(tmp_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("c")
        assert isinstance(app.screen, ChoiceModal)
        assert "autre fenêtre" in str(app.screen.query_one("#choice-message", Static).render())
        await pilot.press("enter")  # the default leaves it there
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("c", "tab", "enter")
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        assert app.screen.run.holder == store.lease(app.screen.run.session.id).holder


async def test_a_session_is_deleted_from_the_list_after_a_confirmation(tmp_path: Path) -> None:
    clock = FakeClock()
    app, store = make(tmp_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await start(app, pilot)
        clock.advance(10)
        await pilot.press("space", "2", "t", "tab", "enter")
        await pilot.pause()
        await pilot.press("escape", "h")
        await settled(pilot)
        sessions = app.screen
        assert isinstance(sessions, SessionsScreen)
        assert sessions.query_one("#sessions", DataTable).row_count == 1
        await pilot.press("d")
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("enter")  # the default keeps it
        assert len(store.list_sessions()) == 1
        await pilot.press("d", "tab", "enter")
        await settled(pilot)
        assert store.list_sessions() == []
        assert sessions.query_one("#sessions", DataTable).row_count == 0
