"""Importing a session export from the UI: a file path, then a clear message whatever happens.

The store imports in one transaction: a bad file leaves nothing behind, and the same file
imported twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from soutenance.banks.catalog import Catalog
from soutenance.exports.importing import ImportResult, import_session
from soutenance.exports.reading import InvalidExport
from soutenance.exports.report import import_report
from soutenance.i18n import current_language, t
from soutenance.session.model import Session
from soutenance.store import StoreError
from soutenance.ui.services import app_of
from soutenance.ui.translated import Translated

# InvalidExport.reason -> the message shown; unknown reasons get the import's own message.
ERROR_KEYS = {
    "unreadable": "mentor.import.unreadable",
    "not_json": "mentor.import.not_json",
    "truncated": "mentor.import.truncated",
    "wrong_format": "mentor.import.wrong_format",
    "unknown_version": "mentor.import.unknown_version",
    "missing_field": "mentor.import.damaged",
    "bad_field": "mentor.import.damaged",
    "too_large": "mentor.import.damaged",
    "duplicate_id": "mentor.import.damaged",
}


def import_error_message(error: InvalidExport) -> str:
    """One line saying what is wrong and that nothing was imported."""
    key, detail = ERROR_KEYS.get(error.reason), error.message(current_language())
    text = t(key, detail=detail) if key else detail
    return f"{text} {t('mentor.import.nothing')}"


def missing_questions(catalog: Catalog | None, session: Session) -> set[str]:
    """Question ids of the session that its project's bank no longer has (all, without the bank)."""
    asked = {answer.question_id for answer in session.answers}
    return (
        asked
        if catalog is None
        else catalog.missing_questions(session.path_id, session.project_id, asked)
    )


@dataclass(frozen=True)
class ImportOutcome:
    result: ImportResult
    missing: int
    """Answers whose question is no longer in the banks (shown with the text stored)."""
    session: Session
    persistent: bool = True
    """False when the store is in memory only: nothing imported outlives the app."""

    def message(self) -> str:
        """What the merge did, one line each, as `soutenance import` prints it."""
        language = current_language()
        report = import_report(
            self.result, self.session, language, missing=self.missing, persistent=self.persistent
        )
        return "\n".join(report)


def import_file(
    store: Any, catalog: Catalog | None, path: Path, max_megabytes: int = 20
) -> ImportOutcome:
    """Import one file; raises InvalidExport (nothing imported) or StoreError."""
    result = import_session(store, path, max_bytes=max_megabytes * 1024 * 1024)
    session = store.load_session(result.session_id)
    missing = missing_questions(catalog, session)
    count = sum(1 for answer in session.answers if answer.question_id in missing)
    return ImportOutcome(result, count, session, getattr(store, "persistent", True))


class ImportModal(Translated, ModalScreen[ImportOutcome | None]):
    """Asks for the path of a session export; stays open with the reason when it cannot import."""

    BINDINGS = [
        Binding("ctrl+s", "import_file", "mentor.key.import", id="import", priority=True),
        Binding("escape", "cancel", "be.cancel", id="cancel"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="import-modal", classes="modal"):
            yield Static(Text(t("mentor.import.title")), classes="title")
            yield Static(Text(t("mentor.import.help")), classes="hint")
            yield Label(t("mentor.import.path"))
            yield Input(placeholder=t("mentor.import.placeholder"), id="import-path")
            yield Static(id="import-error", classes="field-error")
            with Horizontal(classes="confirm-buttons"):
                yield Button(t("mentor.import.do"), id="import-do", variant="primary")
                yield Button(t("be.cancel"), id="import-cancel")

    def on_mount(self) -> None:
        self.query_one("#import-path", Input).focus()

    def on_input_submitted(self) -> None:
        self.action_import_file()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "import-do":
            self.action_import_file()
        else:
            self.action_cancel()

    def show_error(self, message: str) -> None:
        self.query_one("#import-error", Static).update(Text(message))

    def action_import_file(self) -> None:
        if self.query_one("#import-modal").loading:
            return  # one import at a time
        raw = self.query_one("#import-path", Input).value.strip().strip("'\"")
        if not raw:
            self.show_error(t("mentor.import.need_path"))
            return
        path = Path(raw).expanduser()
        if path.is_dir():
            self.show_error(t("mentor.import.folder", path=str(path)))
            return
        if not path.exists():
            self.show_error(t("mentor.import.no_file", path=str(path)))
            return
        self.query_one("#import-modal").loading = True
        self._import(path)

    @work(thread=True, exclusive=True, group="import")
    def _import(self, path: Path) -> None:
        """Read, check and merge the file in a worker thread (it may hold thousands of answers)."""
        services = app_of(self).services
        outcome: ImportOutcome | str
        try:
            outcome = import_file(
                app_of(self).store, services.catalog, path, services.config.import_max_megabytes
            )
        except InvalidExport as error:
            outcome = import_error_message(error)
        except StoreError as error:
            outcome = t("mentor.import.store_error", error=str(error))
        self.app.call_from_thread(self._imported, outcome)

    def _imported(self, outcome: ImportOutcome | str) -> None:
        if not self.is_attached:
            return
        self.query_one("#import-modal").loading = False
        if isinstance(outcome, str):
            self.show_error(outcome)
            self.query_one("#import-path", Input).focus()
        else:
            self.dismiss(outcome)

    def action_cancel(self) -> None:
        self.dismiss(None)
