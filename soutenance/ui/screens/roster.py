"""Mentor mode's first screen: the students, with last session, defense date and open objectives."""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from soutenance.i18n import format_date, t
from soutenance.session.reasons import days_text
from soutenance.store import RosterEntry, Student
from soutenance.ui.batches import fill_table
from soutenance.ui.services import app_of
from soutenance.ui.translated import Translated


def roster_row(entry: RosterEntry, today: date) -> list[Text]:
    """One student: name, when the defense is, rehearsals to review, open objectives, last session,
    paths and project."""
    student = entry.student
    name = Text(student.name)
    if student.archived:
        name.append(" " + t("mentor.roster.archived"), style="italic dim")
    if student.defense_date is None:
        defense = Text("—")
    else:
        days = (student.defense_date - today).days
        defense = Text(
            days_text(student.defense_date, today), style="bold red" if 0 <= days <= 14 else ""
        )
    waiting = Text(str(entry.to_review), style="bold yellow") if entry.to_review else Text("—")
    return [
        name, defense, waiting, Text(str(entry.open_objectives) if entry.open_objectives else "—"),
        Text(format_date(entry.last_session_at.date()) if entry.last_session_at else "—"),
        Text(", ".join(student.paths) or "—"), Text(student.project_ref or "—"),
    ]  # fmt: skip


class RosterScreen(Translated, Screen[None]):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "app.back", id="back"),
        Binding("o", "open", "mentor.key.open_student", id="open-student"),
        Binding("l", "live", "mentor.key.live", id="live"),
        Binding("a", "add", "mentor.key.add_student", id="add-student"),
        Binding("i", "import", "mentor.key.import", id="import"),
        Binding("s", "sort", "mentor.key.sort", id="sort"),
        # In the command palette rather than the footer: 80 columns hold the keys above.
        Binding("e", "edit", "mentor.key.edit", id="edit-student", show=False),
        Binding("x", "archive", "mentor.key.archive", id="archive-student", show=False),
        Binding("v", "toggle_archived", "mentor.key.show_archived", id="show-archived", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.show_archived = False
        self.by_defense = False
        """Sorted by defense date (soonest first, no date last) rather than by name."""
        self.entries: list[RosterEntry] = []

    @property
    def store(self) -> Any:
        return app_of(self).store

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="roster-page"):
            yield Static(id="roster-title", classes="title")
            yield DataTable(id="roster", cursor_type="row", zebra_stripes=True)
            yield Static(id="roster-empty", classes="hint")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = t("mentor.roster.subtitle")
        self.query_one("#roster", DataTable).add_columns(
            t("mentor.roster.student"), t("mentor.roster.defense"), t("mentor.roster.to_review"),
            t("mentor.roster.objectives"), t("mentor.roster.last_session"), t("mentor.roster.paths"),
            t("mentor.roster.project"),
        )  # fmt: skip

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self, select: str | None = None) -> None:
        """Read the roster in a worker thread; the table shows a loading indicator meanwhile."""
        table = self.query_one("#roster", DataTable)
        if select is None and table.row_count:
            select = self.selected_name()
        table.loading = True
        self._read_roster(select, self.show_archived)

    @work(thread=True, exclusive=True, group="roster")
    def _read_roster(self, select: str | None, include_archived: bool) -> None:
        entries = self.store.roster.summary(include_archived=include_archived)
        self.app.call_from_thread(self._show_roster, entries, select)

    async def _show_roster(self, entries: list[RosterEntry], select: str | None) -> None:
        if not self.is_attached:
            return
        table = self.query_one("#roster", DataTable)
        table.loading = False
        if self.by_defense:
            entries.sort(key=lambda e: (e.defense_date is None, e.defense_date or date.max))
        self.entries = entries
        today = app_of(self).services.clock.now().date()
        rows = ((roster_row(entry, today), entry.student.name) for entry in entries)
        if not await fill_table(table, rows):
            return
        names = [e.student.name for e in self.entries]
        if select in names:
            table.move_cursor(row=names.index(select), animate=False)
        key = "mentor.roster.title_all" if self.show_archived else "mentor.roster.title"
        self.query_one("#roster-title", Static).update(Text(t(key, count=len(self.entries))))
        empty = self.query_one("#roster-empty", Static)
        empty.update(Text(t("mentor.roster.empty")))
        empty.display = not self.entries
        table.focus()
        self.refresh_bindings()

    def selected_name(self) -> str | None:
        table = self.query_one("#roster", DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def selected(self) -> Student | None:
        name = self.selected_name()
        return next((e.student for e in self.entries if e.student.name == name), None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("open", "live", "edit", "archive"):
            return bool(self.entries)
        return True

    # -- actions ------------------------------------------------------------------------------

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.open_student(str(event.row_key.value))

    def action_open(self) -> None:
        if (name := self.selected_name()) is not None:
            self.open_student(name)

    def open_student(self, name: str) -> None:
        from soutenance.ui.screens.student import StudentScreen

        self.app.push_screen(StudentScreen(name))

    def action_live(self) -> None:
        from soutenance.ui.screens.live import start_live

        if (student := self.selected()) is not None:
            start_live(self, student)

    def action_add(self) -> None:
        from soutenance.ui.screens.student_form import StudentFormScreen

        def added(student: Student | None) -> None:
            if student is not None:
                self.notify(t("mentor.roster.added", name=student.name), markup=False)
                self.reload(select=student.name)

        self.app.push_screen(StudentFormScreen(), added)

    def action_edit(self) -> None:
        from soutenance.ui.screens.student_form import StudentFormScreen

        student = self.selected()
        if student is None:
            return

        def edited(saved: Student | None) -> None:
            if saved is not None:
                self.reload(select=saved.name)

        self.app.push_screen(StudentFormScreen(student), edited)

    def action_archive(self) -> None:
        student = self.selected()
        if student is None:
            return
        archived = not student.archived
        self.store.roster.archive_student(student.name, archived)
        key = "mentor.roster.archived_now" if archived else "mentor.roster.unarchived_now"
        self.notify(t(key, name=student.name), markup=False)
        self.reload()

    def action_sort(self) -> None:
        self.by_defense = not self.by_defense
        self.notify(
            t(
                "mentor.roster.sorted_by_defense"
                if self.by_defense
                else "mentor.roster.sorted_by_name"
            ),
            markup=False,
        )
        self.reload()

    def action_toggle_archived(self) -> None:
        self.show_archived = not self.show_archived
        self.reload()

    def action_import(self) -> None:
        from soutenance.ui.screens.mentor_import import ImportModal
        from soutenance.ui.screens.review import ReviewScreen

        def imported(outcome: Any) -> None:
            if outcome is None:
                return
            self.notify(outcome.message(), markup=False, timeout=10)
            self.reload(select=outcome.result.student)
            self.app.push_screen(ReviewScreen(outcome.result.session_id))

        self.app.push_screen(ImportModal(), imported)
