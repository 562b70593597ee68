"""The project card: the student's own figures for a project, one field per fact its bank declares.

Filled once by the student (from the rehearsal setup) or by the mentor (from the student's page);
the questions drawn afterwards carry these figures instead of their generic wording.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, Static

from soutenance.banks.catalog import BankUnavailable, ProjectEntry
from soutenance.i18n import t
from soutenance.store import Student
from soutenance.store.cards import (
    MAX_VALUE_LENGTH,
    CardError,
    ProjectCard,
    cards_for_student,
    get_card,
    update_card,
)
from soutenance.ui.modals.choice import confirm
from soutenance.ui.services import app_of
from soutenance.ui.translated import Translated

if TYPE_CHECKING:
    from soutenance.banks.model import Project


class ProjectCardScreen(Translated, Screen[ProjectCard | None]):
    """Dismisses with the saved card, or None when cancelled."""

    DEFAULT_CSS = """
    #card-form { padding: 0 2; }
    #card-form Input { width: 100%; max-width: 76; }
    #card-form .card-label { margin-top: 1; width: 1fr; }
    #card-error { color: $error; }
    #card-buttons { height: auto; margin-top: 1; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "card.save", id="save", priority=True),
        Binding("escape", "cancel", "card.cancel", id="cancel"),
    ]

    def __init__(self, student: str, project: Project, ref: str) -> None:
        super().__init__()
        self.student, self.project, self.ref = student, project, ref
        self.card = ProjectCard(student, ref)

    @property
    def store(self) -> Any:
        return app_of(self).store

    def compose(self) -> ComposeResult:
        try:
            self.card = get_card(self.store, self.student, self.ref)
        except Exception as error:  # noqa: BLE001 - an empty form, and why
            self.notify(t("card.save_failed", error=str(error)), severity="error", markup=False)
        yield Header()
        with VerticalScroll(id="card-form"):
            yield Static(Text(t("card.title", project=self.project.title)), classes="title")
            facts = self.project.facts
            yield Static(
                Text(t("card.intro" if facts else "card.no_facts", student=self.card.student))
            )
            for name, label in facts.items():
                yield Label(Text(label), classes="card-label")
                yield Input(
                    self.card.facts.get(name, ""), id=f"fact-{name}", max_length=MAX_VALUE_LENGTH,
                    placeholder=t("card.placeholder"), compact=True,
                )  # fmt: skip
            yield Static(id="card-error")
            with Horizontal(id="card-buttons"):
                yield Button(t("card.save"), id="card-save", variant="primary", compact=True)
                yield Button(t("card.cancel"), id="card-cancel", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.card.student
        inputs = self.query(Input)
        if inputs:
            inputs.first().focus()

    def values(self) -> dict[str, str]:
        return {
            name: self.query_one(f"#fact-{name}", Input).value.strip()
            for name in self.project.facts
        }

    def changes(self) -> dict[str, str | None]:
        """The facts whose field differs from the card: a value, or None to clear it."""
        return {
            name: value or None
            for name, value in self.values().items()
            if value != self.card.facts.get(name, "")
        }

    def on_input_submitted(self) -> None:
        self.action_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "card-save":
            self.action_save()
        else:
            self.action_cancel()

    def action_save(self) -> None:
        changes = self.changes()
        if not changes:
            self.dismiss(self.card)
            return
        try:
            saved = update_card(self.store, self.student, self.ref, changes)
        except CardError as error:
            self.query_one("#card-error", Static).update(Text(str(error)))
            return
        except Exception as error:  # noqa: BLE001 - the fields stay as typed
            self.query_one("#card-error", Static).update(
                Text(t("card.save_failed", error=str(error)))
            )
            return
        self.notify(t("card.saved"), markup=False)
        self.dismiss(saved)

    def action_cancel(self) -> None:
        if not self.changes():
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(
            confirm(t("card.discard"), yes=t("card.discard_yes"), no=t("card.keep")), answered
        )


def open_project_card(
    screen: Screen,
    student: str,
    entry: ProjectEntry,
    then: Callable[[ProjectCard | None], None] | None = None,
) -> None:
    """Push the card form for the student on `entry`'s project (a bank that no longer loads is
    said, not opened)."""
    if not student.strip():
        screen.notify(t("card.need_student"), severity="warning", markup=False)
        return
    try:
        bank = app_of(screen).services.catalog.load(entry)
    except BankUnavailable as error:
        first = error.diagnostics[0] if error.diagnostics else "?"
        screen.notify(t("setup.bank_error", error=str(first)), severity="error", markup=False)
        return
    screen.app.push_screen(ProjectCardScreen(student.strip(), bank.project, entry.ref), then)


def ask_project(
    screen: Screen, student: Student, title: str, then: Callable[[ProjectEntry], None]
) -> None:
    """Call `then` with the student's project: theirs in the roster when it is known, else the
    one the user picks (the projects of the student's paths first)."""
    from soutenance.ui.screens.bank_browser import ProjectPicker

    catalog = app_of(screen).services.catalog
    found = catalog.find(student.project_ref) if student.project_ref else []
    if len(found) == 1:
        then(found[0])
        return
    if not catalog.projects:
        screen.notify(t("mentor.live.no_project"), severity="error", markup=False)
        return
    own = [e for e in catalog.projects if e.summary.path_id in student.paths]
    entries = own + [e for e in catalog.projects if e not in own]

    def picked(ref: str | None) -> None:
        chosen = next((e for e in entries if e.ref == ref), None)
        if chosen is not None:
            then(chosen)

    screen.app.push_screen(ProjectPicker(title, entries), picked)


@lru_cache(maxsize=8)
def _declared_facts(file: str, _mtime_ns: int) -> tuple[str, ...]:
    """The facts a bank file declares, read again only when the file changes."""
    from soutenance.banks.loader import read_bank  # the app starts without the loader

    result = read_bank(Path(file))
    return tuple(result.bank.project.facts) if result.bank is not None else ()


def card_hint(store: Any, student: str, entry: ProjectEntry) -> str:
    """What the setup screen says of the card: nothing when the project has no facts or the card
    is full, else how to fill it."""
    if store is None or not student.strip():
        return ""
    try:
        facts = _declared_facts(str(entry.file), os.stat(entry.file).st_mtime_ns)
        filled = get_card(store, student, entry.ref).filled(list(facts)) if facts else []
    except Exception:  # noqa: BLE001 - a hint only
        return ""
    if not facts:
        return ""
    if not filled:
        return t("card.empty_hint")
    if len(filled) < len(facts):
        return t("card.partial_hint", filled=len(filled), total=len(facts))
    return ""


def card_summary(store: Any, student: str) -> Text:
    """The student's cards for their page, one line each (values as data, never markup)."""
    try:
        cards = cards_for_student(store, student)
    except Exception:  # noqa: BLE001 - the page shows without it
        return Text()
    if not cards:
        return Text(t("card.page_empty"), style="dim")
    text = Text()
    for card in cards:
        text.append("\n" if text else "")
        text.append(t("card.page_line", ref=card.project_ref.rpartition("/")[2]), style="dim")
        text.append(" · ".join(f"{fact}: {value}" for fact, value in card.facts.items()))
    return text
