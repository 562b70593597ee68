"""Before a rehearsal: who is rehearsing, how many questions, which ones."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Footer, Header, Input, Label, Select, Static

from soutenance.banks.catalog import ProjectEntry
from soutenance.i18n import t
from soutenance.session.reasons import defense_text
from soutenance.ui.start import RehearsalRequest, StartError, build_screen
from soutenance.ui.translated import Translated
from soutenance.voice.problems import browser_recording_problem
from soutenance.voice.settings import remember_recording

FOCUSES = ("mix", "weak", "new", "due", "all")


class RehearsalSetupScreen(Translated, Screen[None]):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "app.back", id="back"),
        Binding("ctrl+s", "start", "setup.start", id="start", priority=True),
        Binding("ctrl+f", "project_card", "card.key", id="project-card", priority=True),
    ]

    def __init__(
        self, entry: ProjectEntry, *, mock: bool, request: RehearsalRequest | None = None
    ) -> None:
        super().__init__()
        self.entry = entry
        self.mock = mock
        self.request = request or RehearsalRequest(entry, mock=mock)

    def compose(self) -> ComposeResult:
        request = self.request
        services = self.app.services
        student = request.student or services.config.student or self._last_student()
        yield Header()
        with VerticalScroll(id="setup"):
            yield Static(t("setup.title_mock" if self.mock else "setup.title"), classes="title")
            yield Static(self.entry.summary.title, id="setup-project", markup=False)
            yield Label(t("setup.student"))
            yield Input(student, placeholder=t("setup.student_placeholder"), id="student")
            yield Static(id="card-hint", markup=False)
            if not self.mock:
                yield Label(t("setup.count"))
                yield Input(
                    str(request.count or services.config.default_count), type="integer", id="count"
                )
                yield Label(t("setup.difficulty"))
                with Horizontal(id="difficulties"):
                    for level in (1, 2, 3):
                        yield Checkbox(
                            str(level),
                            not request.difficulties or level in request.difficulties,
                            id=f"difficulty-{level}",
                        )
                yield Label(t("setup.tags"))
                yield Input(", ".join(sorted(request.tags)), id="tags")
                yield Label(t("focus.label"))
                yield Select(
                    [(t(f"focus.{focus}"), focus) for focus in FOCUSES],
                    value=request.focus if request.focus in FOCUSES else "mix",
                    allow_blank=False,
                    id="focus",
                )
                yield Static(id="defense", markup=False)
            yield Label(t("setup.seed"))
            yield Input(
                "" if request.seed is None else str(request.seed), type="integer", id="seed"
            )
            yield Label(t("setup.prep"))
            yield Input(
                str(request.prep_seconds or services.config.prep_seconds), type="integer", id="prep"
            )
            yield from self._recording_choice()
            yield Static(id="setup-error", markup=False)
            yield Button(t("setup.start"), id="start", variant="primary")
        yield Footer()

    def _recording_choice(self) -> ComposeResult:
        """Record my answers: remembered; out of reach in the browser, which says why."""
        web = self.app.is_web
        record = self.app.services.config.voice.record and not web
        yield Checkbox(t("voice.setup.record"), record, id="record", disabled=web)
        if web:
            yield Static(browser_recording_problem().message(), id="record-browser", markup=False)

    def _last_student(self) -> str:
        store = self.app.store
        try:
            return (store.last_student() if store is not None else None) or ""
        except Exception:  # noqa: BLE001 - a convenience only
            return ""

    def on_mount(self) -> None:
        student = self.query_one("#student", Input)
        self._show_defense(student.value)
        self._show_card_hint()
        if self.request.problem:  # a start from the command line that could not go ahead
            self.query_one("#setup-error", Static).update(self.request.problem)
        if student.value:
            self.query_one("#start", Button).focus()
        else:
            student.focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "start":
            self.action_start()

    def on_input_submitted(self) -> None:
        self.action_start()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "student":
            self._show_defense(event.value)
            self._show_card_hint()

    def _show_card_hint(self, _card: object = None) -> None:
        from soutenance.ui.screens.project_card import card_hint

        student = self.query_one("#student", Input).value
        self.query_one("#card-hint", Static).update(card_hint(self.app.store, student, self.entry))

    def action_project_card(self) -> None:
        from soutenance.ui.screens.project_card import open_project_card

        student = self.query_one("#student", Input).value
        open_project_card(self, student, self.entry, self._show_card_hint)

    def _show_defense(self, student: str) -> None:
        """The student's defense date from the roster (or the one asked for), when known."""
        shown = self.query("#defense")
        if not shown:
            return
        defense = self.request.defense_date
        store = self.app.store
        if defense is None and student.strip() and store is not None:
            try:
                known = store.roster.get_student(student.strip())
            except Exception:  # noqa: BLE001 - a convenience only
                known = None
            defense = known.defense_date if known is not None else None
        today = self.app.services.clock.now().date()
        shown.first(Static).update(defense_text(defense, today) if defense else "")

    def _number(self, widget_id: str, default: int | None) -> int | None:
        widgets = self.query(f"#{widget_id}")
        if not widgets:
            return default
        value = widgets.first(Input).value.strip()
        return int(value) if value.lstrip("-").isdigit() else default

    def action_start(self) -> None:
        request = self.request
        request.student = self.query_one("#student", Input).value.strip()
        request.count = max(1, self._number("count", request.count) or 1)
        request.seed = self._number("seed", None)
        request.prep_seconds = max(0, self._number("prep", 0) or 0)
        if not self.mock:
            request.difficulties = {
                level
                for level in (1, 2, 3)
                if self.query_one(f"#difficulty-{level}", Checkbox).value
            }
            tags = self.query_one("#tags", Input).value
            request.tags = {tag.strip() for tag in tags.split(",") if tag.strip()}
            focus = self.query_one("#focus", Select).value
            request.focus = focus if focus in FOCUSES else "mix"
        if not self.app.is_web:
            remember_recording(self.app.services.config, self.query_one("#record", Checkbox).value)
        try:
            screen = build_screen(self.app, request)
        except StartError as error:
            self.query_one("#setup-error", Static).update(str(error))
            return
        self.app.switch_screen(screen)
