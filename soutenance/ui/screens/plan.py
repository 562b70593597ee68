"""The plan to the defense: sessions of N questions needed to see the whole project, what is left.

Both numbers can be changed on the screen (questions per session, defense date) to try a plan.
"""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, Static

from soutenance.banks.catalog import BankUnavailable, ProjectEntry
from soutenance.banks.model import Question
from soutenance.i18n import t
from soutenance.session.reasons import plan_lines
from soutenance.session.scheduling import AnswerRecord, CoveragePlan, plan
from soutenance.session.summary import notes_preview
from soutenance.ui.translated import Translated

LISTED = 15


class PlanScreen(Translated, Screen[None]):
    BINDINGS = [Binding("escape", "app.pop_screen", "app.back", id="back")]

    def __init__(
        self, entry: ProjectEntry, student: str, *, per_session: int | None = None
    ) -> None:
        super().__init__()
        self.entry = entry
        self.student = student
        self.per_session = per_session
        self.questions: list[Question] = []
        self.history: list[AnswerRecord] = []
        self.roster_date: date | None = None
        self.problem = ""
        self.result: CoveragePlan | None = None

    def _load(self) -> None:
        from soutenance.store.records import student_records

        try:
            self.questions = list(self.app.services.catalog.load(self.entry).questions)
        except (BankUnavailable, OSError):
            self.problem = t("stats.project_missing", ref=self.entry.ref)
        store = self.app.store
        if store is None:
            return
        summary = self.entry.summary
        try:
            self.history = student_records(
                store, self.student, path_id=summary.path_id, project_id=summary.project_id
            )
            known = store.roster.get_student(self.student)
            self.roster_date = known.defense_date if known is not None else None
        except Exception as error:  # noqa: BLE001 - the plan still shows the bank
            self.problem = t("stats.load_error", error=error)

    def compose(self) -> ComposeResult:
        self._load()
        per_session = self.per_session or self.app.services.config.default_count
        yield Header()
        with VerticalScroll(id="plan"):
            yield Static(t("plan.title"), classes="title")
            yield Static(
                t("plan.student", student=self.student) + " · " + self.entry.summary.title,
                markup=False,
            )
            if self.problem:
                yield Static(self.problem, id="plan-problem", markup=False)
            with Horizontal(id="plan-inputs"):
                with Vertical():
                    yield Label(t("plan.per_session"))
                    yield Input(str(per_session), type="integer", id="per-session")
                with Vertical():
                    yield Label(t("plan.defense_date"))
                    yield Input(
                        self.roster_date.isoformat() if self.roster_date else "",
                        placeholder="2026-12-15",
                        id="defense-date",
                    )
            yield Static(id="plan-lines", markup=False)
            for name in ("unseen", "weak", "due"):
                yield Static(id=f"plan-{name}", classes="plan-list", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_plan()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.refresh_plan()

    def _inputs(self) -> tuple[int, date | None, bool]:
        """(questions per session, defense date, whether the date typed is unreadable)."""
        raw_count = self.query_one("#per-session", Input).value.strip()
        per_session = (
            int(raw_count)
            if raw_count.isdigit() and int(raw_count) > 0
            else self.app.services.config.default_count
        )
        raw_date = self.query_one("#defense-date", Input).value.strip()
        if not raw_date:
            return per_session, None, False
        try:
            return per_session, date.fromisoformat(raw_date), False
        except ValueError:
            return per_session, self.roster_date, True

    def refresh_plan(self) -> None:
        per_session, defense, invalid = self._inputs()
        today = self.app.services.clock.now()
        result = self.result = plan(self.questions, self.history, today, defense, per_session)
        lines = plan_lines(result, defense, today)
        if invalid:
            lines.insert(0, t("defense.invalid"))
        self.query_one("#plan-lines", Static).update("\n".join(lines))
        lists = {"unseen": result.unseen_ids, "weak": result.weak_ids, "due": result.due_ids}
        texts = {q.id: q.text for q in self.questions}
        for name, ids in lists.items():
            shown = [f"• {qid} — {notes_preview(texts.get(qid, ''), 70)}" for qid in ids[:LISTED]]
            if len(ids) > LISTED:
                shown.append(t("plan.more", count=len(ids) - LISTED))
            text = t(f"plan.{name}_list") + f" ({len(ids)})\n" + "\n".join(shown) if ids else ""
            self.query_one(f"#plan-{name}", Static).update(text)
