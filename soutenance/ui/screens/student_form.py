"""Adding or editing a student of the roster: name, paths, project, language, defense date."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from soutenance.i18n import t
from soutenance.store import Student, StudentExists
from soutenance.ui.services import app_of
from soutenance.ui.translated import Translated


def parse_paths(text: str) -> list[str]:
    return list(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))


def parse_day(text: str) -> date | None:
    """A YYYY-MM-DD date, None when empty; raises ValueError otherwise."""
    text = text.strip()
    return date.fromisoformat(text) if text else None


class StudentFormScreen(Translated, ModalScreen[Student | None]):
    """Dismisses with the saved student (added or edited), or None when cancelled."""

    BINDINGS = [
        Binding("ctrl+s", "save", "be.save", id="save", priority=True),
        Binding("escape", "cancel", "be.cancel", id="cancel"),
    ]

    def __init__(self, student: Student | None = None) -> None:
        super().__init__()
        self.student = student

    def compose(self) -> ComposeResult:
        student = self.student
        projects = app_of(self).services.catalog.projects
        options = [
            (Text(f"{e.summary.title} ({e.ref})"), e.ref)
            for e in sorted(projects, key=lambda e: e.ref)
        ]
        current = student.project_ref if student else None
        if current and current not in {ref for _, ref in options}:
            options.insert(0, (Text(t("mentor.form.unknown_project", ref=current)), current))
        title = t("mentor.form.edit", name=student.name) if student else t("mentor.form.add")
        with VerticalScroll(id="student-form", classes="modal"):
            yield Static(Text(title), classes="title")
            with Grid(id="student-fields"):
                yield Label(t("mentor.form.name"))
                yield Input(student.name if student else "", id="form-name", compact=True)
                yield Label(t("mentor.form.project"))
                yield Select(
                    options,
                    value=current or Select.NULL,
                    id="form-project",
                    compact=True,
                    prompt=t("mentor.form.no_project"),
                )
                yield Label(t("mentor.form.paths"))
                yield Input(
                    ", ".join(student.paths) if student else "",
                    id="form-paths",
                    compact=True,
                    placeholder=t("mentor.form.paths_hint"),
                )
                yield Label(t("mentor.form.language"))
                language = student.language if student else app_of(self).services.language
                yield Select(
                    [("français", "fr"), ("English", "en")],
                    value=language,
                    allow_blank=False,
                    id="form-language",
                    compact=True,
                )
                yield Label(t("mentor.form.defense_date"))
                day = student.defense_date.isoformat() if student and student.defense_date else ""
                hint = t("mentor.form.date_placeholder")
                yield Input(day, id="form-defense-date", compact=True, placeholder=hint)
            yield Static(id="form-error", classes="field-error")
            with Horizontal(classes="confirm-buttons"):
                yield Button(t("be.save"), id="form-save", variant="primary", compact=True)
                yield Button(t("be.cancel"), id="form-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#form-name", Input).focus()

    def on_input_submitted(self) -> None:
        self.action_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "form-save":
            self.action_save()
        else:
            self.action_cancel()

    def _error(self, message: str) -> None:
        self.query_one("#form-error", Static).update(Text(message))

    def action_save(self) -> None:
        name = self.query_one("#form-name", Input).value.strip()
        if not name:
            self._error(t("mentor.form.need_name"))
            return
        try:
            defense_date = parse_day(self.query_one("#form-defense-date", Input).value)
        except ValueError:
            self._error(t("mentor.form.bad_date"))
            return
        project = self.query_one("#form-project", Select).value
        project_ref = project if isinstance(project, str) else None
        paths = parse_paths(self.query_one("#form-paths", Input).value)
        if project_ref and "/" in project_ref and project_ref.split("/")[0] not in paths:
            paths.insert(0, project_ref.split("/")[0])
        language = str(self.query_one("#form-language", Select).value)
        roster = app_of(self).store.roster
        try:
            if self.student is None:
                saved = roster.add_student(
                    name,
                    paths=paths,
                    project_ref=project_ref,
                    language=language,
                    defense_date=defense_date,
                )
            else:
                saved = replace(
                    self.student, name=name, paths=paths, project_ref=project_ref,
                    language=language, defense_date=defense_date,
                )  # fmt: skip
                roster.update_student(saved)
        except StudentExists:
            self._error(t("mentor.form.exists", name=name))
            return
        except ValueError as error:
            self._error(str(error))
            return
        self.dismiss(saved)

    def action_cancel(self) -> None:
        self.dismiss(None)
