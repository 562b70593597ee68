"""Screens that read the store do it in a worker thread: while a read is held up, the screen shows
a loading indicator and the app keeps answering keys; once it is done, the rows appear."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import DataTable, OptionList

from soutenance.clock import FakeClock
from soutenance.ui.screens.question_picker import QuestionHistory, QuestionPickerScreen
from soutenance.ui.screens.review import ReviewScreen
from soutenance.ui.screens.roster import RosterScreen
from soutenance.ui.screens.sessions import SessionsScreen
from soutenance.ui.screens.stats import StatsScreen
from soutenance.ui.screens.student import StudentScreen
from tests.samples import sample_session
from tests.ui.test_mentor_live import SIZE, make
from tests.ui.waiting import settled


class Gate:
    """Holds every call of a function until ``open()``: a slow disk, made to order."""

    def __init__(self, function: Callable) -> None:
        self.function = function
        self.event = threading.Event()
        self.waiting = threading.Event()

    def __call__(self, *args, **kwargs):
        self.waiting.set()
        assert self.event.wait(10), "the test never opened the gate"
        return self.function(*args, **kwargs)

    def open(self) -> None:
        self.event.set()


async def held_then_shown(pilot, gate: Gate, screen, loading_selector: str) -> None:
    """While the read is held: the indicator is up and keys still work; then it goes away."""
    app = pilot.app
    await pilot.pause()
    assert gate.waiting.wait(5)
    assert app.screen is screen
    assert screen.query_one(loading_selector).loading
    app.notify("still answering")  # the event loop runs while the worker waits
    await pilot.pause()
    assert any(n.message == "still answering" for n in app._notifications)
    gate.open()
    await settled(pilot)
    assert not screen.is_attached or not screen.query_one(loading_selector).loading


@pytest.fixture
def filled(tmp_path: Path):
    clock = FakeClock()
    app, store = make(tmp_path, clock)
    store.roster.add_student("Alice Martin")
    for seed in range(3):
        store.save_session(sample_session("Alice Martin", seed=seed))
    yield app, store
    store.close()


async def test_roster_and_student_page_load_in_a_worker(
    filled, monkeypatch: pytest.MonkeyPatch
) -> None:
    import soutenance.ui.screens.student as student_module
    from soutenance.store.roster import Roster

    app, store = filled
    gate = Gate(Roster.summary)
    monkeypatch.setattr(Roster, "summary", lambda self, **kw: gate(self, **kw))
    async with app.run_test(size=SIZE) as pilot:
        screen = RosterScreen()
        app.push_screen(screen)
        await held_then_shown(pilot, gate, screen, "#roster")
        assert screen.query_one("#roster", DataTable).row_count == 1

        page_gate = Gate(student_module.load_student_page)
        monkeypatch.setattr(student_module, "load_student_page", page_gate)
        page = StudentScreen("Alice Martin")
        app.push_screen(page)
        await held_then_shown(pilot, page_gate, page, "#student-page")
        assert page.query_one("#student-sessions", DataTable).row_count == 3


async def test_sessions_review_and_stats_load_in_a_worker(
    filled, monkeypatch: pytest.MonkeyPatch
) -> None:
    import soutenance.store.derived as derived
    from soutenance.store.sessions import Store

    app, store = filled
    app.services.config.student = "Alice Martin"
    listing = Gate(Store.list_sessions)
    monkeypatch.setattr(Store, "list_sessions", lambda self, *a, **kw: listing(self, *a, **kw))
    async with app.run_test(size=(100, 40)) as pilot:
        sessions = SessionsScreen("Alice Martin")
        app.push_screen(sessions)
        await held_then_shown(pilot, listing, sessions, "#sessions")
        assert sessions.query_one("#sessions", DataTable).row_count == 3

        loading = Gate(Store.load_session)
        monkeypatch.setattr(Store, "load_session", lambda self, *a: loading(self, *a))
        review = ReviewScreen(sessions.sessions[0].id)
        app.push_screen(review)
        await held_then_shown(pilot, loading, review, "#review")
        assert review.session is not None and review.answer is not None

        summary = Gate(derived.project_summary)
        monkeypatch.setattr(derived, "project_summary", summary)
        entry = app.services.catalog.find("digital-marketer/seo-audit")
        if (
            not entry
        ):  # the sample sessions' project is not a bundled bank here: any project will do
            entry = app.services.catalog.find("community-manager/essai")
        stats = StatsScreen(entry[0], "Alice Martin")
        app.push_screen(stats)
        await held_then_shown(pilot, summary, stats, "#stats-tabs")


async def test_the_question_picker_reads_its_history_in_a_worker(filled) -> None:
    app, store = filled
    questions = list(
        app.services.catalog.load(app.services.catalog.find("community-manager/essai")[0]).questions
    )
    gate = Gate(lambda: QuestionHistory(asked=frozenset({"q1"}), weak=frozenset({"q1"})))
    async with app.run_test(size=SIZE) as pilot:
        picker = QuestionPickerScreen(questions, gate)
        app.push_screen(picker)
        await held_then_shown(pilot, gate, picker, "#picker-list")
        assert picker.history.weak == {"q1"}
        assert app.focused is picker.query_one("#picker-list", OptionList)


async def test_an_import_runs_in_a_worker(
    filled, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import soutenance.ui.screens.mentor_import as mentor_import
    from soutenance.exports.session_json import session_to_json_text

    app, store = filled
    path = tmp_path / "export.json"
    path.write_text(session_to_json_text(sample_session("Noé", seed=9)), encoding="utf-8")
    gate = Gate(mentor_import.import_file)
    monkeypatch.setattr(mentor_import, "import_file", gate)
    outcomes = []
    async with app.run_test(size=SIZE) as pilot:
        modal = mentor_import.ImportModal()
        app.push_screen(modal, outcomes.append)
        await pilot.pause()
        modal.query_one("#import-path").value = str(path)
        await pilot.press("enter")
        await held_then_shown(pilot, gate, modal, "#import-modal")
        assert outcomes and outcomes[0].result.student == "Noé"
    assert store.roster.get_student("Noé") is not None
