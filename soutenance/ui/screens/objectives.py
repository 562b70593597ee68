"""End of a live session: the objectives for next session, as a checklist saved with the session.

Objectives still open from last time are offered first (ticked: carried over); untick one to
drop it. Next time the student is opened, these are shown first and can be ticked off.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, SelectionList, Static
from textual.widgets.selection_list import Selection

from soutenance.i18n import t
from soutenance.session.model import Objective
from soutenance.session.run import SessionRun
from soutenance.ui.translated import Translated


class ObjectivesScreen(Translated, Screen[None]):
    BINDINGS = [
        Binding(
            "ctrl+s", "save", "mentor.key.save_objectives", id="save-objectives", priority=True
        ),
        Binding("delete", "remove", "mentor.key.remove_objective", id="remove-objective"),
        Binding("escape", "skip", "mentor.key.skip_objectives", id="skip-objectives"),
    ]

    def __init__(self, run: SessionRun, carried_over: list[Objective] | None = None) -> None:
        super().__init__()
        self.run = run
        self.session = run.session
        self.texts: list[str] = [o.text for o in carried_over or []]
        self.carried = set(self.texts)

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="objectives"):
            yield Static(
                Text(t("mentor.objectives.title", student=self.session.student)), classes="title"
            )
            yield Input(placeholder=t("mentor.objectives.placeholder"), id="objective-text")
            yield Static(Text(t("mentor.objectives.hint")), classes="hint")
            yield SelectionList[int](id="objective-list")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = t("mentor.objectives.subtitle")
        self._fill(checked=set(range(len(self.texts))))
        self.query_one("#objective-text", Input).focus()

    def _fill(self, checked: set[int]) -> None:
        checklist = self.query_one("#objective-list", SelectionList)
        checklist.clear_options()
        for index, text in enumerate(self.texts):
            label = Text(text)
            if text in self.carried:
                label.append("  " + t("mentor.objectives.carried"), style="dim italic")
            checklist.add_option(Selection(label, index, index in checked))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            return
        checked = set(self.query_one("#objective-list", SelectionList).selected)
        self.texts.append(text)
        self._fill(checked | {len(self.texts) - 1})
        event.input.value = ""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "remove":
            return isinstance(self.focused, SelectionList) and bool(self.texts)
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def action_remove(self) -> None:
        checklist = self.query_one("#objective-list", SelectionList)
        index = checklist.highlighted
        if self.focused is not checklist or index is None:
            return
        checked = set(checklist.selected)
        del self.texts[index]
        self._fill({i if i < index else i - 1 for i in checked if i != index})

    def chosen(self) -> list[str]:
        """The ticked objectives, in their order."""
        checked = set(self.query_one("#objective-list", SelectionList).selected)
        return [text for index, text in enumerate(self.texts) if index in checked]

    def action_save(self) -> None:
        pending = self.query_one("#objective-text", Input).value.strip()
        if pending:  # typed but not added yet: the mentor surely meant it
            self.texts.append(pending)
            checked = set(self.query_one("#objective-list", SelectionList).selected) | {
                len(self.texts) - 1
            }
            self._fill(checked)
            self.query_one("#objective-text", Input).value = ""
        chosen = self.chosen()
        known = {o.text for o in self.session.objectives}
        self.session.objectives.extend(Objective(text=text) for text in chosen if text not in known)
        self.run.finish()
        if self.run.save_error or self.run.read_only:
            error = self.run.save_error or self.run.read_only
            self.notify(t("mentor.save_failed", error=str(error)), severity="error", markup=False)
            return
        if self.run.discarded:
            self.notify(t("run.discarded"), markup=False)
        else:
            key = (
                "mentor.objectives.saved"
                if getattr(self.run.store, "persistent", True)
                else "store.memory_objectives"
            )
            self.notify(t(key, count=len(chosen), student=self.session.student), markup=False)
        self.dismiss(None)

    def action_skip(self) -> None:
        if isinstance(self.focused, Input) and self.focused.value:
            self.focused.value = ""
            return
        self.run.finish()
        if self.run.discarded:
            self.notify(t("run.discarded"), markup=False)
        self.dismiss(None)
