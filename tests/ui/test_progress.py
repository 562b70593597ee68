"""Progress on screen: the stats screen, the plan view, and a focused rehearsal saying why."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Select, Sparkline, Static

from soutenance.clock import FakeClock
from soutenance.session.model import Answer, Marks, Session
from soutenance.session.reasons import reason_label
from soutenance.store import open_store
from soutenance.ui.app import make_app
from soutenance.ui.screens.home import HomeScreen
from soutenance.ui.screens.plan import PlanScreen
from soutenance.ui.screens.question import QuestionScreen
from soutenance.ui.screens.rehearsal_setup import RehearsalSetupScreen
from soutenance.ui.screens.stats import StatsScreen
from soutenance.ui.start import RehearsalRequest, StartError, build_screen
from tests.ui.waiting import settled

BANK = """project:
  id: essai
  title: Projet d'essai
  path: Community Manager
  language: fr
  evaluator_role: La directrice marketing
questions:
  - id: q1
    text: Pourquoi ce canal ?
    key_points: [Cible, Budget, Calendrier, Mesure]
    time_limit: 60
  - id: q2
    text: Quels livrables attendez-vous ?
    key_points: [Liste, Formats, Dates]
    time_limit: 90
  - id: q3
    text: Comment mesurez-vous le succès ?
    key_points: [KPI, Sources]
    time_limit: 90
  - id: q4
    text: Quel budget ?
    key_points: [Postes, Réserve]
    time_limit: 90
"""


def bank_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "banks"
    folder.mkdir()
    (folder / "essai.yaml").write_text(BANK, encoding="utf-8")
    return folder


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def record_sessions(store, clock: FakeClock, student: str = "Camille") -> None:
    """Three sessions, two days apart, always sure of oneself: q1 one key point of four and over
    time, q2 two of three in time, and once a question the bank no longer has."""
    for day in range(3):
        at = clock.now() - timedelta(days=6 - 2 * day)
        session = Session(
            student=student,
            path_id="community-manager",
            project_id="essai",
            project_title="Projet d'essai",
            language="fr",
            evaluator_role="DRH",
            started_at=at,
        )
        session.answers = [
            Answer(question_id="q1", question_text="Pourquoi ?", key_points=["Cible", "Budget", "Calendrier", "Mesure"], time_limit=60, position=0,
                   elapsed=75, confidence=5, covered=[0], answered_at=at),
            Answer(question_id="q2", question_text="Livrables ?", key_points=["Liste", "Formats", "Dates"], time_limit=90, position=1,
                   elapsed=40, confidence=5, covered=[0, 1], answered_at=at),
        ]  # fmt: skip
        if day == 0:
            session.answers.append(
                Answer(
                    question_id="renamed",
                    question_text="Ancienne",
                    key_points=["a", "b"],
                    time_limit=60,
                    position=2,
                    elapsed=30,
                    confidence=5,
                    covered=[],
                    answered_at=at,
                )  # fmt: skip
            )
        store.save_session(session)


async def test_stats_screen_shows_trends_calibration_bank_and_questions(tmp_path: Path) -> None:
    clock = FakeClock()
    store = open_store(tmp_path / "db.sqlite3", clock=clock)
    record_sessions(store, clock)
    record_sessions(store, clock, student="Noé")
    app = make_app(banks=[bank_dir(tmp_path)], lang="fr", clock=clock, store=store)
    app.services.config.student = "Camille"
    app.services.config.last_project = "community-manager/essai"
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("s")
        await settled(pilot)
        screen = app.screen
        assert isinstance(screen, StatsScreen)
        assert screen.query_one("#stats-student", Select).value == "Camille"
        assert "3 séance(s) · 7 réponse(s)" in text_of(screen, "#student-summary")
        # the first session also answered a question no longer in the bank, covering nothing
        first, later = (1 / 4 + 2 / 3) / 3, (1 / 4 + 2 / 3) / 2
        assert screen.query_one("#spark-coverage", Sparkline).data == pytest.approx(
            [first, later, later]
        )
        assert len(screen.query_one("#spark-confidence", Sparkline).data) == 3
        assert "dernière séance 46\u00a0% · moyenne 41\u00a0%" in text_of(screen, "#trend-coverage")
        calibration = text_of(screen, "#calibration")
        assert calibration.startswith("Vous vous surestimez régulièrement")
        assert screen.query_one("#calibration").has_class("-warning")
        bank = text_of(screen, "#bank-coverage")
        assert "2 question(s) tirée(s) sur 4 (50\u00a0%)" in bank
        assert "Jamais tirées (2) : q3, q4" in bank
        assert (
            "1 question(s) de l'historique ne sont plus dans la banque" in bank
            and "renamed" in bank
        )
        assert screen.query_one("#sessions", DataTable).row_count == 3

        questions = screen.query_one("#questions", DataTable)
        first = [str(questions.get_row_at(i)[0]) for i in range(questions.row_count)][:1]
        assert first == ["Pourquoi ce canal ?"]  # the question's text, hardest first
        q1 = [str(cell) for cell in questions.get_row("q1")]
        assert q1[1:3] == ["6", "2"]  # asked six times, by two students
        assert q1[4] == "100\u00a0%" and q1[5] == "25\u00a0%"
        assert q1[-1] == "Budget (6/6); Calendrier (6/6); Mesure (6/6)"  # whole
        assert "plus dans la banque" in str(questions.get_row("renamed")[0])
        assert screen.query_one("#students", DataTable).row_count == 2

        screen.query_one("#stats-student", Select).value = "Noé"
        await settled(pilot)
        assert screen.student == "Noé"
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)
        assert app.screen.student == "Noé"
    store.close()


async def test_stats_questions_show_marks_sort_by_a_key_and_filter_by_student(
    tmp_path: Path,
) -> None:
    clock = FakeClock()
    store = open_store(tmp_path / "db.sqlite3", clock=clock)
    record_sessions(store, clock)
    at = clock.now() - timedelta(days=1)  # Lou: q2 four times, marked by the mentor
    session = Session(student="Lou", path_id="community-manager", project_id="essai", project_title="Projet d'essai",
                      language="fr", evaluator_role="DRH", started_at=at)  # fmt: skip
    session.answers = [
        Answer(question_id="q2", question_text="Livrables ?", key_points=["Liste", "Formats", "Dates"], time_limit=90,
               position=n, elapsed=30, covered=[0, 1, 2], answered_at=at, marks=Marks(justification=n + 1, posture=2))
        for n in range(4)
    ]  # fmt: skip
    store.save_session(session)
    app = make_app(banks=[bank_dir(tmp_path)], lang="fr", clock=clock, store=store)
    entry = app.services.catalog.find("community-manager/essai")[0]
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        app.push_screen(StatsScreen(entry, "Camille"))
        await settled(pilot)
        screen = app.screen
        footer = " ".join(
            b.binding.description for b in screen.active_bindings.values() if b.binding.show
        )
        assert "Trier" in footer and "Un étudiant" in footer
        questions = screen.query_one("#questions", DataTable)

        def order() -> list[str]:
            return [str(questions.get_row_at(i)[0]) for i in range(questions.row_count)]

        assert order()[:2] == ["Pourquoi ce canal ?", "Quels livrables attendez-vous ?"]
        q2 = [str(cell) for cell in questions.get_row("q2")]
        assert q2[1:3] == ["7", "2"] and q2[6:9] == ["2,5", "—", "2,0"]  # justification 1..4
        assert "Tri : les plus difficiles d'abord" in text_of(screen, "#project-bank")
        await pilot.press("o")  # the most asked first
        await settled(pilot)
        assert order()[:2] == ["Quels livrables attendez-vous ?", "Pourquoi ce canal ?"]
        assert "Tri : les plus posées" in text_of(screen, "#project-bank")

        await pilot.press("f")  # Camille's answers only
        await settled(pilot)
        assert "Réponses de Camille seulement" in text_of(screen, "#project-bank")
        assert [str(c) for c in questions.get_row("q2")][1:3] == ["3", "1"]
        assert [str(c) for c in questions.get_row("q2")][6:9] == ["—", "—", "—"]
        screen.query_one("#stats-student", Select).value = "Lou"  # the filter follows the pick
        await settled(pilot)
        assert "Réponses de Lou seulement" in text_of(screen, "#project-bank")
        assert order() == ["Quels livrables attendez-vous ?"]
        await pilot.press("f")  # every student again
        await settled(pilot)
        assert "Réponses de tous les étudiants" in text_of(screen, "#project-bank")
        assert len(order()) == 3
    store.close()


async def test_stats_screen_for_a_student_without_history(tmp_path: Path) -> None:
    clock = FakeClock()
    store = open_store(tmp_path / "db.sqlite3", clock=clock)
    app = make_app(banks=[bank_dir(tmp_path)], lang="en", clock=clock, store=store)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        entry = app.services.catalog.find("community-manager/essai")[0]
        app.push_screen(StatsScreen(entry, "Lou"))
        await settled(pilot)
        screen = app.screen
        assert "Lou has no answer on this project yet" in text_of(screen, "#student-summary")
        assert text_of(screen, "#calibration") == ""
        assert screen.query_one("#spark-coverage", Sparkline).data == []
        assert "Never drawn (4): q1, q2, q3, q4" in text_of(screen, "#bank-coverage")
        assert text_of(screen, "#project-bank") == "No answer recorded on this project."
    store.close()


async def test_plan_screen_counts_sessions_and_follows_the_inputs(tmp_path: Path) -> None:
    clock = FakeClock()
    store = open_store(tmp_path / "db.sqlite3", clock=clock)
    record_sessions(store, clock)
    student = store.roster.get_student("Camille")
    student.defense_date = clock.now().date() + timedelta(days=4)
    store.roster.update_student(student)
    app = make_app(banks=[bank_dir(tmp_path)], lang="fr", clock=clock, store=store)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        entry = app.services.catalog.find("community-manager/essai")[0]
        app.push_screen(PlanScreen(entry, "Camille", per_session=1))
        await pilot.pause()
        screen = app.screen
        lines = text_of(screen, "#plan-lines")
        assert "Soutenance le 6 nov. 2026 (dans 4 jours)" in lines
        assert "2 question(s) vue(s) sur 4 (50\u00a0%)" in lines
        assert "2 séance(s) de 1 questions" in lines
        assert "1 question(s) de l'historique ne sont plus dans la banque" in lines
        assert text_of(screen, "#plan-unseen").startswith("Jamais vues (2)")
        assert "q1" in text_of(screen, "#plan-weak")
        screen.query_one("#defense-date", Input).value = "2020-01-01"
        await pilot.pause()
        assert "est passée" in text_of(screen, "#plan-lines")
        screen.query_one("#defense-date", Input).value = "pas une date"
        await pilot.pause()
        assert text_of(screen, "#plan-lines").startswith("Date de soutenance illisible")
    store.close()


async def test_focused_rehearsal_shows_why_each_question_was_drawn(tmp_path: Path) -> None:
    clock = FakeClock()
    store = open_store(tmp_path / "db.sqlite3", clock=clock)
    record_sessions(store, clock)
    app = make_app(banks=[bank_dir(tmp_path)], lang="fr", clock=clock, store=store)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        entry = app.services.catalog.find("community-manager/essai")[0]
        request = RehearsalRequest(entry, student="Camille", count=3, seed=1, focus="weak")
        app.push_screen(build_screen(app, request))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuestionScreen)
        assert [q.id for q in screen.run.session.plan] == ["q1"]  # the only weak one
        progress = text_of(screen, "#progress")
        assert "Pourquoi cette question : dépassement de temps la dernière fois (15 s)" in progress
        assert (
            reason_label(screen.run.answer.reason) == "dépassement de temps la dernière fois (15 s)"
        )

        mixed = build_screen(app, RehearsalRequest(entry, student="Camille", count=4, seed=1))
        reasons = [reason_label(q.reason) for q in mixed.run.session.plan]
        assert reasons[:2] == ["jamais vue", "jamais vue"]
        assert "dépassement de temps la dernière fois (15 s)" in reasons
    store.close()


async def test_focus_with_nothing_to_draw_explains_instead_of_starting(tmp_path: Path) -> None:
    clock = FakeClock()
    store = open_store(tmp_path / "db.sqlite3", clock=clock)
    app = make_app(banks=[bank_dir(tmp_path)], lang="fr", clock=clock, store=store)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        entry = app.services.catalog.find("community-manager/essai")[0]
        request = RehearsalRequest(entry, student="Lou", count=3, seed=1, focus="weak")
        try:
            build_screen(app, request)
        except StartError as error:
            assert "Aucune question faible" in str(error)
        else:  # pragma: no cover - the assertion below explains
            raise AssertionError("a weak-only draw without history must not start")
        assert request.problem.startswith("Aucune question faible")
        app.push_screen(RehearsalSetupScreen(entry, mock=False, request=request))
        await pilot.pause()
        setup = app.screen
        assert text_of(setup, "#setup-error").startswith("Aucune question faible")
        assert setup.query_one("#focus", Select).value == "weak"
    store.close()


async def test_setup_offers_the_focus_and_shows_the_defense_date(tmp_path: Path) -> None:
    clock = FakeClock()
    store = open_store(tmp_path / "db.sqlite3", clock=clock)
    store.roster.add_student("Camille", defense_date=date(2026, 11, 16))
    app = make_app(banks=[bank_dir(tmp_path)], lang="fr", clock=clock, store=store)
    async with app.run_test(size=(100, 50)) as pilot:
        await pilot.pause()
        entry = app.services.catalog.find("community-manager/essai")[0]
        app.push_screen(
            RehearsalSetupScreen(
                entry, mock=False, request=RehearsalRequest(entry, student="Camille")
            )
        )
        await pilot.pause()
        setup = app.screen
        assert text_of(setup, "#defense") == "Soutenance le 16 nov. 2026 (dans 14 jours)"
        setup.query_one("#student", Input).value = "Inconnu"
        await pilot.pause()
        assert text_of(setup, "#defense") == ""
        setup.query_one("#student", Input).value = "Camille"
        setup.query_one("#focus", Select).value = "new"
        await pilot.pause()
        setup.action_start()
        await pilot.pause()
        question = app.screen
        assert isinstance(question, QuestionScreen)
        assert all(reason_label(q.reason) == "jamais vue" for q in question.run.session.plan)
    store.close()


async def test_past_defense_date_is_a_notice_not_a_failure(tmp_path: Path) -> None:
    clock = FakeClock()
    store = open_store(tmp_path / "db.sqlite3", clock=clock)
    app = make_app(banks=[bank_dir(tmp_path)], lang="fr", clock=clock, store=store)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        entry = app.services.catalog.find("community-manager/essai")[0]
        request = RehearsalRequest(
            entry, student="Camille", count=2, seed=1, defense_date=date(2026, 10, 1)
        )
        app.push_screen(build_screen(app, request))
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        messages = [n.message for n in app._notifications]
        assert any("est passée" in m and "comme sans date" in m for m in messages)
    store.close()
