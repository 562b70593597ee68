"""Past sessions, newest first: open one (resume it when unfinished), export it, or delete it."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from soutenance.banks.model import format_duration
from soutenance.exports.markdown import session_to_markdown
from soutenance.exports.session_json import session_to_json_text
from soutenance.i18n import current_language, format_date, t
from soutenance.session.model import Session
from soutenance.store import SessionSummary
from soutenance.store.rows import DamagedRow
from soutenance.ui.batches import fill_table
from soutenance.ui.exports import deliver_export
from soutenance.ui.modals.choice import confirm
from soutenance.ui.services import app_of
from soutenance.ui.translated import Translated


class SessionsScreen(Translated, Screen[None]):
    BINDINGS = [
        Binding("enter", "open", "sessions.open", id="open"),
        Binding("m", "export('md')", "key.export_md", id="export-md"),
        Binding("j", "export('json')", "key.export_json", id="export-json"),
        Binding("d", "delete", "sessions.delete", id="delete"),
        Binding("escape", "app.pop_screen", "app.back", id="back"),
    ]

    def __init__(self, student: str | None) -> None:
        super().__init__()
        self.student = student
        self.sessions: list[SessionSummary] = []

    def compose(self) -> ComposeResult:
        yield Header()
        title = (
            t("sessions.title_of", student=self.student) if self.student else t("sessions.title")
        )
        yield Static(title, classes="title", markup=False)
        yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
        yield Static(id="sessions-empty", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#sessions", DataTable)
        table.add_columns(
            t("sessions.when"), t("sessions.project"), t("sessions.kind"), t("sessions.answered"),
            t("sessions.time"), t("sessions.state"),
        )  # fmt: skip
        self.load()

    def on_screen_resume(self) -> None:
        self.load()

    def load(self) -> None:
        """Read the list in a worker thread; the table shows a loading indicator meanwhile."""
        self.query_one("#sessions", DataTable).loading = True
        self._read_sessions()

    @work(thread=True, exclusive=True, group="sessions")
    def _read_sessions(self) -> None:
        try:
            found = app_of(self).store.list_sessions(self.student, limit=500)
        except Exception as error:  # noqa: BLE001 - say it; the screen stays usable
            self.app.call_from_thread(
                self.notify,
                t("run.cannot_resume", error=str(error)),
                severity="error",
                markup=False,
            )
            found = []
        self.app.call_from_thread(self._show_sessions, found)

    async def _show_sessions(self, found: list[SessionSummary]) -> None:
        if not self.is_attached:
            return
        table = self.query_one("#sessions", DataTable)
        table.loading = False
        self.sessions = found
        if not await fill_table(table, (self._row(s) for s in found)):
            return
        self.query_one("#sessions-empty", Static).update(
            "" if self.sessions else t("sessions.none")
        )
        self.refresh_bindings()

    @staticmethod
    def _row(s: SessionSummary) -> tuple[list[Text], str]:
        state = t("sessions.unfinished") if s.ended_at is None else t("sessions.ended")
        return [
            Text(format_date(s.started_at)),
            Text(s.project_title),
            Text(t(f"sessions.kind.{s.kind}")),
            Text(f"{s.answered}/{s.planned}"),
            Text(format_duration(s.total_time)),
            Text(state, style="bold" if s.ended_at is None else "dim"),
        ], s.id

    @property
    def chosen(self) -> SessionSummary | None:
        table = self.query_one("#sessions", DataTable)
        if not self.sessions or table.cursor_row >= len(self.sessions):
            return None
        return self.sessions[table.cursor_row]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("open", "export", "delete"):
            return self.is_mounted and self.chosen is not None
        return True

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        chosen = self.chosen
        if chosen is None:
            return
        if chosen.ended_at is None:
            from soutenance.ui.resume import resume_in_app

            resume_in_app(self, chosen.id)
            return
        from soutenance.ui.screens.summary import SummaryScreen

        if (session := self.load_chosen(chosen)) is not None:
            self.app.push_screen(SummaryScreen(session))

    def load_chosen(self, chosen: SessionSummary) -> Session | None:
        """The whole session, or None after saying it is damaged (a row edited by hand)."""
        try:
            return app_of(self).store.load_session(chosen.id)
        except DamagedRow as error:
            self.notify(t("run.cannot_resume", error=str(error)), severity="error", markup=False)
            return None

    def action_export(self, fmt: str) -> None:
        chosen = self.chosen
        if chosen is None or (session := self.load_chosen(chosen)) is None:
            return
        if fmt == "md":
            deliver_export(
                self, session, session_to_markdown(session, lang=current_language()), ".md"
            )
        else:
            deliver_export(self, session, session_to_json_text(session), ".json")

    def action_delete(self) -> None:
        chosen = self.chosen
        if chosen is None:
            return
        message = t("sessions.confirm_delete", project=chosen.project_title, when=format_date(chosen.started_at),
                    answered=chosen.answered)  # fmt: skip

        def answered(yes: bool | None) -> None:
            if yes:
                app_of(self).store.delete_session(chosen.id)
                self.notify(t("sessions.deleted"), markup=False)
                self.load()

        self.app.push_screen(confirm(message, yes=t("sessions.delete"), no=t("run.keep")), answered)
