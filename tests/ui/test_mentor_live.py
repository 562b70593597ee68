"""Mentor mode, driven with Pilot at 80x24: roster, student page, the live challenge, objectives."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import yaml
from textual.widgets import DataTable, SelectionList, Static

from soutenance.clock import FakeClock
from soutenance.session.model import Answer, Session, SessionKind
from soutenance.session.model import Stage as LiveStage
from soutenance.store import open_store
from soutenance.ui.app import make_app
from soutenance.ui.modals.choice import ChoiceModal
from soutenance.ui.screens.live import LiveScreen
from soutenance.ui.screens.mentor_follow_up import AdHocFollowUpModal
from soutenance.ui.screens.mentor_marks import MarksModal
from soutenance.ui.screens.objectives import ObjectivesScreen
from soutenance.ui.screens.question_picker import QuestionPickerScreen
from soutenance.ui.screens.roster import RosterScreen
from soutenance.ui.screens.student import StudentScreen
from soutenance.ui.screens.student_form import StudentFormScreen
from tests.ui.waiting import settled

SIZE = (80, 24)

BANK = """project:
  id: essai
  title: Projet d'essai
  path: Community Manager
  language: fr
  evaluator_role: La directrice marketing
questions:
  - id: q1
    text: "Pourquoi [bold]ce[/bold] canal ?"
    key_points: [Cible précise, "[link=https://x.invalid]Budget[/link]", Calendrier]
    follow_ups:
      - {text: "Et si le budget baisse ?", key_points: [Priorités]}
    time_limit: 60
    tags: [canaux]
  - id: q2
    text: Quels livrables attendez-vous ?
    key_points: [Liste, Formats]
    difficulty: 1
    time_limit: 90
    tags: [livrables]
  - id: q3
    text: Comment mesurer le succès ?
    key_points: [Indicateurs]
    difficulty: 3
    tags: [mesure]
"""


def bank_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "banks"
    folder.mkdir(exist_ok=True)
    (folder / "essai.yaml").write_text(BANK, encoding="utf-8")
    return folder


def screen_text(app) -> str:
    """What the terminal shows (an SVG screenshot holds every character drawn)."""
    return app.export_screenshot().replace("&#160;", " ")


def on_screen(app, selector: str) -> bool:
    """The widget is displayed and entirely inside the 80x24 screen."""
    widget = app.screen.query_one(selector)
    region = widget.region
    return widget.display and region.area > 0 and app.screen.region.contains_region(region)


def make(tmp_path: Path, clock: FakeClock, lang: str = "fr", banks: list[Path] | None = None):
    store = open_store(tmp_path / "db.sqlite3", clock=clock)
    app = make_app(
        banks=banks if banks is not None else [bank_dir(tmp_path)],
        lang=lang,
        clock=clock,
        store=store,
    )
    return app, store


async def open_live(app, pilot, student: str = "Camille") -> LiveScreen:
    await pilot.press("t")
    await settled(pilot)
    assert isinstance(app.screen, RosterScreen)
    table = app.screen.query_one("#roster", DataTable)
    names = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
    table.move_cursor(row=names.index(student))
    await pilot.press("o")
    await settled(pilot)
    assert isinstance(app.screen, StudentScreen)
    await pilot.press("l")
    await pilot.pause()
    assert isinstance(app.screen, LiveScreen)
    return app.screen


async def choose(pilot, search: str) -> None:
    """Choose a question from the list; with the panel hidden the list first asks to show it."""
    await pilot.press("c")
    await pilot.pause()
    if isinstance(pilot.app.screen, ChoiceModal):
        await pilot.press("tab", "enter")
    await settled(pilot)
    assert isinstance(pilot.app.screen, QuestionPickerScreen)
    await pilot.press("slash", *search, "enter", "enter")
    await pilot.pause()


async def test_live_challenge_end_to_end(tmp_path: Path) -> None:
    clock = FakeClock()
    app, store = make(tmp_path, clock)
    store.roster.add_student(
        "Camille", paths=["community-manager"], project_ref="community-manager/essai"
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await open_live(app, pilot)

        # The panel is hidden when the mode starts; the list of questions asks to show it first.
        assert not screen.panel_visible and "Écran partageable" in screen_text(app)
        await choose(pilot, "canal")
        assert screen.stage is LiveStage.ANSWERING
        assert screen.run.question.id == "q1"
        assert screen.panel_visible
        assert "ne partagez pas" in str(screen.query_one("#share-mode").render())
        await pilot.press("h")  # hidden again for sharing: nothing of the expected answer shows
        assert not screen.panel_visible and not screen.query_one("#mentor-panel").display
        shown = screen_text(app)
        assert "canal" in shown and "Cible" not in shown and "Priorités" not in shown
        assert on_screen(app, "#live-question") and on_screen(app, "#live-timer")
        assert (
            str(screen.query_one("#live-question", Static).render())
            == "Pourquoi [bold]ce[/bold] canal ?"
        )

        # One key shows it, the same key hides it again.
        await pilot.press("h")
        assert screen.panel_visible and on_screen(app, "#live-key-points")
        assert "Cible" in screen_text(app)
        await pilot.press("h")
        assert not screen.query_one("#mentor-panel").display
        await pilot.press("h")

        # The same timer: pause, +30 s.
        clock.advance(40)
        await pilot.press("plus")
        assert screen.timer is not None and screen.timer.limit == 90
        await pilot.press("p")
        clock.advance(100)
        await pilot.press("p")
        clock.advance(5)

        # Key points heard, and the mentor's own notes (not the student's).
        assert "2. [link=https://x.invalid]Budget[/link]" in str(
            screen.query_one("#live-key-points").render()
        )
        await pilot.press("1", "2", "3", "2")
        assert screen.run.answer.covered == [0, 2]
        await pilot.press("e", *"Hésite sur")
        await pilot.press("f2")  # hides the panel at once, even while typing…
        assert not screen.query_one("#mentor-panel").display
        await pilot.press(*" le budget")  # …and the typing goes on, masked: no key is a shortcut
        assert screen.stage is LiveStage.ANSWERING and "budget" not in screen_text(app)
        await pilot.press("escape")
        assert app.focused is None
        await pilot.press("h")
        await pilot.press("space")
        assert screen.stage is LiveStage.KEY_POINTS
        answer = screen.run.session.answers[0]
        assert answer.elapsed == 45 and answer.covered == [0, 2]

        # Marks: justification / clarity / posture, 1..4.
        await pilot.press("m")
        assert isinstance(app.screen, MarksModal)
        await pilot.press("3", "2", "4", "enter")
        assert answer.marks.given() == {"justification": 3, "clarity": 2, "posture": 4}

        # An ad-hoc follow-up, timed and recorded, then saved to the bank in one key.
        await pilot.press("a")
        assert isinstance(app.screen, AdHocFollowUpModal)
        await pilot.press(*"Et sans budget du tout ?", "tab", *"Arbitrages", "ctrl+s")
        assert screen.stage is LiveStage.FOLLOW_UP
        clock.advance(15)
        await pilot.click(
            "#live-follow-up-points", offset=(4, 0)
        )  # the mouse ticks a key point too
        await pilot.press("space")
        ad_hoc = answer.follow_ups[0]
        assert (ad_hoc.text, ad_hoc.ad_hoc, ad_hoc.elapsed, ad_hoc.key_points, ad_hoc.covered) == (
            "Et sans budget du tout ?",
            True,
            15,
            ["Arbitrages"],
            [0],
        )
        await pilot.press("b")
        await pilot.pause()
        saved_bank = yaml.safe_load((tmp_path / "banks" / "essai.yaml").read_text(encoding="utf-8"))
        q1 = next(q for q in saved_bank["questions"] if q["id"] == "q1")
        follow_ups = [f if isinstance(f, str) else f["text"] for f in q1["follow_ups"]]
        assert follow_ups == ["Et si le budget baisse ?", "Et sans budget du tout ?"]
        assert {"text": "Et sans budget du tout ?", "key_points": ["Arbitrages"]} in q1[
            "follow_ups"
        ]
        assert not screen.check_action("save_to_bank", ())  # saved once: nothing left to save

        # A follow-up from the bank's list, then a drawn question.
        await pilot.press("f")
        assert screen.follow_up is not None and screen.follow_up.text == "Et si le budget baisse ?"
        clock.advance(10)
        await pilot.press("space", "d")
        assert screen.stage is LiveStage.ANSWERING and screen.run.question.id != "q1"
        clock.advance(30)
        await pilot.press("space")

        stored = store.load_session(screen.run.session.id)
        assert stored.kind is SessionKind.LIVE and stored.student == "Camille"
        first = stored.answers[0]
        assert first.marks.given() == {"justification": 3, "clarity": 2, "posture": 4}
        assert first.mentor_notes == "Hésite sur le budget" and first.notes == ""
        assert [f.ad_hoc for f in first.follow_ups] == [True, False]
        assert first.covered == [0, 2] and first.elapsed == 45

        # End of session: objectives for next session, as a checklist.
        await pilot.press("t", "tab", "enter")
        assert isinstance(app.screen, ObjectivesScreen)
        await pilot.press(
            *"Chiffrer le budget", "enter", *"Relire le brief", "enter", *"Oublier", "enter"
        )
        checklist = app.screen.query_one("#objective-list", SelectionList)
        checklist.focus()
        checklist.highlighted = 2
        await pilot.press("delete", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, StudentScreen)
        assert [o.text for o in store.load_session(stored.id).objectives] == [
            "Chiffrer le budget",
            "Relire le brief",
        ]

        # Next time the student is opened: last session's objectives first, tickable.
        await pilot.press("escape")
        await settled(pilot)
        assert isinstance(app.screen, RosterScreen)
        assert "2" in str(app.screen.query_one("#roster", DataTable).get_row_at(0)[3])
        await pilot.press("o")
        await settled(pilot)
        page = app.screen
        assert isinstance(page, StudentScreen)
        objectives = page.query_one("#open-objectives", SelectionList)
        assert on_screen(app, "#open-objectives")
        assert objectives.region.y < page.query_one("#student-sessions").region.y
        assert [str(objectives.get_option_at_index(i).prompt) for i in range(2)] == [
            "Chiffrer le budget",
            "Relire le brief",
        ]
        assert app.focused is objectives
        await pilot.press("space")
        await pilot.pause()
        assert [o.text for o in store.roster.open_objectives("Camille")] == ["Relire le brief"]
        await pilot.press("down", "d")  # "d" ticks the highlighted one too
        await pilot.pause()
        assert store.roster.open_objectives("Camille") == []
        await pilot.press("d")  # and unticks it
        await pilot.pause()
        assert [o.text for o in store.roster.open_objectives("Camille")] == ["Relire le brief"]

        # The next live session starts with the panel hidden again, and carries the open objective over.
        await pilot.press("l")
        await pilot.pause()
        again = app.screen
        assert isinstance(again, LiveScreen) and not again.query_one("#mentor-panel").display
        await pilot.press("t", "tab", "enter")
        assert isinstance(app.screen, ObjectivesScreen)
        assert app.screen.chosen() == ["Relire le brief"]
    store.close()


async def test_saving_a_follow_up_to_a_bundled_bank_copies_it_to_the_user_folder(
    tmp_path: Path, soutenance_home: Path
) -> None:
    clock = FakeClock()
    app, store = make(tmp_path, clock, banks=[])
    store.roster.add_student("Sam", project_ref="community-manager/brief-creatif")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await open_live(app, pilot, "Sam")
        await pilot.press("d")
        question_id = screen.run.question.id
        await pilot.press("h", "a", *"Et pour TikTok ?", "enter")
        assert screen.run.answer.follow_ups[-1].ad_hoc
        await pilot.press("b")
        await pilot.pause()
        await pilot.press("y")  # copy the bundled project to my bank folder first
        await pilot.pause()
        copy = soutenance_home / "banks" / "community-manager" / "brief-creatif.yaml"
        assert copy.exists()
        question = next(
            q
            for q in yaml.safe_load(copy.read_text(encoding="utf-8"))["questions"]
            if q["id"] == question_id
        )
        texts = [f if isinstance(f, str) else f["text"] for f in question["follow_ups"]]
        assert texts[-1] == "Et pour TikTok ?"
        assert screen.bank_file == copy
        found = app.services.catalog.find("community-manager/brief-creatif")
        assert found[0].file.resolve() == copy.resolve()
    store.close()


async def test_question_picker_filters_not_asked_and_weak_last_time(tmp_path: Path) -> None:
    clock = FakeClock()
    app, store = make(tmp_path, clock, lang="en")
    before = Session(
        student="Camille", path_id="community-manager", project_id="essai", project_title="Projet d'essai",
        language="fr", evaluator_role="x", started_at=clock.now() - timedelta(days=7), kind=SessionKind.REHEARSAL,
        answers=[
            Answer(question_id="q1", question_text="Pourquoi ce canal ?", key_points=["a", "b", "c"], time_limit=60, elapsed=90, covered=[0]),  # weak: overtime
            Answer(question_id="q2", question_text="Quels livrables ?", key_points=["a", "b"], time_limit=90, position=1, elapsed=60, covered=[0, 1], confidence=4),
        ],
    )  # fmt: skip
    store.save_session(before)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await open_live(app, pilot)
        await pilot.press("h", "c")
        await settled(pilot)
        picker = app.screen
        assert isinstance(picker, QuestionPickerScreen)
        assert [q.id for q in picker.shown] == ["q1", "q2", "q3"]
        await pilot.press("w")
        assert [q.id for q in picker.shown] == ["q1"]
        await pilot.press("w", "n")
        assert [q.id for q in picker.shown] == ["q3"]
        await pilot.press("n", "1")
        assert [q.id for q in picker.shown] == ["q2"]
        await pilot.press("1")
        await pilot.click("#picker-weak")
        assert [q.id for q in picker.shown] == ["q1"]
        await pilot.click("#picker-weak")
        await pilot.press("slash", *"livrables", "escape")
        assert [q.id for q in picker.shown] == ["q2"]
        assert on_screen(app, "#picker-list")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen and screen.run.question.id == "q2"
    store.close()


async def test_roster_add_edit_archive_from_the_ui(tmp_path: Path) -> None:
    clock = FakeClock()
    app, store = make(tmp_path, clock, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("t")
        await settled(pilot)
        roster = app.screen
        assert isinstance(roster, RosterScreen)
        assert "No student yet" in screen_text(app)
        await pilot.press("a")
        assert isinstance(app.screen, StudentFormScreen)
        await pilot.press(*"Zoé [red]M[/red]")
        app.screen.query_one("#form-project").value = "community-manager/essai"
        app.screen.query_one("#form-defense-date").value = "2026-13-01"
        await pilot.press("ctrl+s")
        assert "YYYY-MM-DD" in str(app.screen.query_one("#form-error", Static).render())
        app.screen.query_one("#form-defense-date").value = "2026-12-01"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is roster
        zoe = store.roster.get_student("Zoé [red]M[/red]")
        assert (
            zoe is not None
            and zoe.project_ref == "community-manager/essai"
            and zoe.paths == ["community-manager"]
        )
        assert str(zoe.defense_date) == "2026-12-01"
        assert "Zoé [red]M[/red]" in str(roster.query_one("#roster", DataTable).get_row_at(0)[0])

        await pilot.press("e")
        form = app.screen
        assert isinstance(form, StudentFormScreen)
        form.query_one("#form-name").value = "Zoé Martin"
        form.query_one("#form-language").value = "en"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert store.roster.get_student("Zoé Martin").language == "en"

        await pilot.press("x")
        assert store.roster.get_student("Zoé Martin").archived
        assert roster.query_one("#roster", DataTable).row_count == 0
        await pilot.press("v")
        assert roster.query_one("#roster", DataTable).row_count == 1
        await pilot.press("x")
        assert not store.roster.get_student("Zoé Martin").archived
    store.close()


async def test_every_mentor_key_is_in_the_footer_and_the_palette(tmp_path: Path) -> None:
    clock = FakeClock()
    app, store = make(tmp_path, clock, lang="en")
    store.roster.add_student("Camille", project_ref="community-manager/essai")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await open_live(app, pilot)
        await pilot.press("d")
        descriptions = {
            b.binding.description for b in screen.active_bindings.values() if b.binding.show
        }
        assert {"Stop", "Pause", "Panel", "Marks", "End"} <= descriptions
        # The rest is one palette search away: the footer keeps what fits 80 columns.
        commands = {c.title for c in app.get_system_commands(screen)}
        assert {"Stop", "+30 s", "Ad hoc", "Panel", "Marks", "End"} <= commands
    store.close()


async def test_a_live_session_without_questions_is_kept_only_for_its_objectives(
    tmp_path: Path,
) -> None:
    clock = FakeClock()
    app, store = make(tmp_path, clock)
    store.roster.add_student("Camille", project_ref="community-manager/essai")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_live(app, pilot)
        await pilot.press("t", "tab", "enter")
        assert isinstance(app.screen, ObjectivesScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, StudentScreen)
        assert store.list_sessions("Camille") == []  # opened by mistake: nothing left behind

        await pilot.press("l", "t", "tab", "enter", *"Finir la maquette", "ctrl+s")
        await settled(pilot)
        assert [s.kind for s in store.list_sessions("Camille")] == [SessionKind.LIVE]
        assert [o.text for o in store.roster.open_objectives("Camille")] == ["Finir la maquette"]
        assert "Finir la maquette" in str(
            app.screen.query_one("#open-objectives", SelectionList).get_option_at_index(0).prompt
        )
    store.close()
