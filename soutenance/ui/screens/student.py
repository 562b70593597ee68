"""One student's page: last session's open objectives first (tick them off), then the sessions.

Sessions include the live challenges and the rehearsals the student sent (imported); opening one
shows its review.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, SelectionList, Static
from textual.widgets.selection_list import Selection

from soutenance.banks.model import format_duration
from soutenance.i18n import format_date, t
from soutenance.session.model import Objective
from soutenance.session.reasons import defense_text
from soutenance.store import SessionSummary, Student
from soutenance.ui.batches import fill_table
from soutenance.ui.screens.project_card import card_summary
from soutenance.ui.services import app_of
from soutenance.ui.translated import Translated
from soutenance.usecases.review import tick_objective

SESSIONS_SHOWN = 50


@dataclass(frozen=True)
class StudentPage:
    """Everything the page shows, read in a few short queries."""

    student: Student
    objectives: list[Objective]
    sessions: list[SessionSummary]


def load_student_page(store: Any, name: str, limit: int = SESSIONS_SHOWN) -> StudentPage | None:
    student = store.roster.get_student(name)
    if student is None:
        return None
    return StudentPage(
        student, store.roster.open_objectives(name), store.list_sessions(name, limit=limit)
    )


def describe_student(student: Student, catalog: Any, today: date) -> Text:
    """Paths, project, language and defense date, as plain text (never markup)."""
    text = Text(student.name, style="bold")
    if student.archived:
        text.append("  " + t("mentor.roster.archived"), style="italic dim")
    text.append("\n")
    project = student.project_ref or "—"
    found = catalog.find(student.project_ref) if student.project_ref and catalog is not None else []
    if len(found) == 1:
        project = f"{found[0].summary.title} ({student.project_ref})"
    text.append(t("mentor.student.project", project=project) + "\n")
    details = [
        t("mentor.student.paths", paths=", ".join(student.paths) or "—"),
        t("mentor.student.language", language=student.language),
    ]
    if student.defense_date:
        details.append(defense_text(student.defense_date, today))
    text.append(" · ".join(details), style="dim")
    return text


class StudentScreen(Translated, Screen[None]):
    # One line per project card, cut rather than wrapped: long values never push the page down.
    DEFAULT_CSS = """
    #student-card { height: auto; max-height: 3; text-wrap: nowrap; text-overflow: ellipsis; }
    """
    BINDINGS = [
        Binding("escape", "app.pop_screen", "app.back", id="back"),
        Binding("l", "live", "mentor.key.live", id="live"),
        Binding("d", "done", "mentor.key.objective_done", id="objective-done"),
        Binding("o", "open", "mentor.key.open_session", id="open-session"),
        Binding("i", "import", "mentor.key.import", id="import"),
        Binding("e", "edit", "mentor.key.edit", id="edit-student"),
        Binding("p", "project_card", "card.key", id="project-card"),
    ]

    def __init__(self, name: str) -> None:
        super().__init__()
        self.student_name = name
        self.page: StudentPage | None = None

    @property
    def store(self) -> Any:
        return app_of(self).store

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="student-page"):
            yield Static(id="student-info")
            yield Static(id="student-card")
            yield Static(t("mentor.student.objectives"), id="objectives-label", classes="label")
            yield SelectionList[str](id="open-objectives")
            yield Static(id="no-objectives", classes="hint")
            yield Static(t("mentor.student.sessions"), classes="label")
            yield DataTable(id="student-sessions", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = t("mentor.student.title")
        table = self.query_one("#student-sessions", DataTable)
        table.add_columns(
            t("mentor.student.col_date"), t("mentor.student.col_kind"), t("mentor.student.col_answers"),
            t("mentor.student.col_time"), t("mentor.student.col_project"),
        )  # fmt: skip

    def on_screen_resume(self) -> None:
        # On the first showing and on every return (from a live session, a review, an import).
        self.reload()

    def reload(self) -> None:
        """Read the page in a worker thread; it shows a loading indicator meanwhile."""
        self.query_one("#student-page").loading = True
        self._read_page(self.student_name)

    @work(thread=True, exclusive=True, group="student-page")
    def _read_page(self, name: str) -> None:
        page = load_student_page(self.store, name)
        self.app.call_from_thread(self._show_page, name, page)

    async def _show_page(self, name: str, page: StudentPage | None) -> None:
        if not self.is_attached or name != self.student_name:
            return  # left, or renamed meanwhile: the edit's callback reloads with the new name
        self.query_one("#student-page").loading = False
        if page is None:
            return
        self.page = page
        services = app_of(self).services
        today = services.clock.now().date()
        self.query_one("#student-info", Static).update(
            describe_student(page.student, services.catalog, today)
        )
        self.query_one("#student-card", Static).update(card_summary(self.store, page.student.name))
        checklist = self.query_one("#open-objectives", SelectionList)
        with checklist.prevent(SelectionList.SelectedChanged):
            checklist.clear_options()
            checklist.add_options(Selection(Text(o.text), o.id, o.done) for o in page.objectives)
        checklist.display = bool(page.objectives)
        hint = self.query_one("#no-objectives", Static)
        hint.update(Text(t("mentor.student.no_objectives")))
        hint.display = not page.objectives
        table = self.query_one("#student-sessions", DataTable)
        rows = (
            ([Text(format_date(summary.started_at)), Text(t(f"mentor.kind.{summary.kind}")),
              Text(str(summary.answered)), Text(format_duration(summary.total_time)),
              Text(summary.project_title)], summary.id)
            for summary in page.sessions
        )  # fmt: skip
        if not await fill_table(table, rows):
            return
        if page.objectives:
            checklist.highlighted = 0
            checklist.focus()
        elif page.sessions:
            table.focus()
        self.refresh_bindings()

    # -- objectives ---------------------------------------------------------------------------

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged) -> None:
        if self.page is None:
            return
        ticked = set(event.selection_list.selected)
        for objective in self.page.objectives:
            done = objective.id in ticked
            if done != objective.done:
                try:
                    clock = app_of(self).services.clock
                    tick_objective(self.store, objective.id, done, by="mentor", clock=clock)
                except Exception as error:  # noqa: BLE001 - say it, keep the page
                    self.notify(
                        t("mentor.save_failed", error=str(error)), severity="error", markup=False
                    )
                    continue
                objective.done = done

    # -- actions ------------------------------------------------------------------------------

    def action_done(self) -> None:
        """Tick (or untick) the highlighted objective, as space or a click does."""
        checklist = self.query_one("#open-objectives", SelectionList)
        if checklist.highlighted is None:
            return
        checklist.toggle(checklist.get_option_at_index(checklist.highlighted).value)
        checklist.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open":
            return bool(self.page and self.page.sessions)
        if action == "done":
            return bool(self.page and self.page.objectives)
        return True

    def selected_session(self) -> str | None:
        table = self.query_one("#student-sessions", DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.open_session(str(event.row_key.value))

    def action_open(self) -> None:
        if (session_id := self.selected_session()) is not None:
            self.open_session(session_id)

    def open_session(self, session_id: str) -> None:
        from soutenance.store.rows import DamagedRow
        from soutenance.ui.screens.review import ReviewScreen

        try:
            self.store.load_session(session_id)  # a damaged stored row is said, not a crash
        except DamagedRow as error:
            self.notify(t("run.cannot_resume", error=str(error)), severity="error", markup=False)
            return
        self.app.push_screen(ReviewScreen(session_id))

    def action_live(self) -> None:
        from soutenance.ui.screens.live import start_live

        if self.page is not None:
            start_live(self, self.page.student)

    def action_import(self) -> None:
        from soutenance.ui.screens.mentor_import import ImportModal

        def imported(outcome: Any) -> None:
            if outcome is None:
                return
            self.notify(outcome.message(), markup=False, timeout=10)
            self.open_session(outcome.result.session_id)

        self.app.push_screen(ImportModal(), imported)

    def action_project_card(self) -> None:
        from soutenance.ui.screens.project_card import ask_project, open_project_card

        if (page := self.page) is not None:
            name = page.student.name
            title = t("card.pick_project", student=name)
            ask_project(
                self, page.student, title, lambda entry: open_project_card(self, name, entry)
            )

    def action_edit(self) -> None:
        from soutenance.ui.screens.student_form import StudentFormScreen

        if self.page is None:
            return

        def edited(student: Student | None) -> None:
            if student is not None:
                self.student_name = student.name
                self.reload()

        self.app.push_screen(StudentFormScreen(self.page.student), edited)
