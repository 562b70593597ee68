"""Progress on a project: a student's sessions and trends, and every question across students.

The student's numbers come from ``soutenance.session.stats`` over their records, the mentor's
from the store's summaries (``soutenance.store.derived.project_summary``); both are read in a
worker thread while the page shows a loading indicator, and this screen only lays them out.
"l" opens the plan to the defense date for the student shown; "o" changes the order of the
questions, "f" shows only the answers of the student picked (again: every student's).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import (
    DataTable,
    Footer,
    Header,
    Label,
    Select,
    Sparkline,
    Static,
    TabbedContent,
    TabPane,
)

from soutenance.banks.catalog import BankUnavailable, ProjectEntry
from soutenance.banks.model import Question
from soutenance.i18n import format_date, t
from soutenance.session.figures import QUESTION_SORTS
from soutenance.session.reasons import (
    calibration_text,
    decimal,
    percent,
    percent_label,
    question_headers,
    question_row,
)
from soutenance.session.stats import (
    Progress,
    ProjectView,
    StudentRow,
    StudentStats,
    project_view,
    student_stats,
)
from soutenance.ui.batches import fill_table
from soutenance.ui.translated import Translated

LISTED = 12
"""Never-drawn or removed ids listed by name before "… and N more"."""
SPARK_WIDTH = 48
QUESTIONS_SHOWN = 200
"""Questions listed, hardest first; `soutenance stats --project` lists them all."""
SESSIONS_SHOWN = 100
"""The student's latest sessions listed (the trends show them all)."""


def id_list(ids: list[str], limit: int = LISTED) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (" " + t("plan.more", count=len(ids) - limit) if len(ids) > limit else "")


@dataclass(frozen=True)
class _Loaded:
    """What the worker read: the bank, the mentor's view and the student's page."""

    questions: list[Question]
    view: ProjectView
    problem: str


class StatsScreen(Translated, Screen[None]):
    """One project: the chosen student's page, and the questions across all students."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "app.back", id="back"),
        Binding("l", "plan", "key.plan", id="plan"),
        Binding("o", "sort", "stats.key.sort", id="sort"),
        Binding("f", "filter", "stats.key.filter", id="filter"),
    ]

    def __init__(self, entry: ProjectEntry, student: str | None = None) -> None:
        super().__init__()
        self.entry = entry
        self.student = student
        self.questions: list[Question] = []
        self.view: ProjectView | None = None
        self.names: list[str] = []
        """Every student with answers on the project (the view may be one student's)."""
        self.order = QUESTION_SORTS[0]
        self.questions_of: str | None = None
        """The student whose answers the questions show; None: every student's."""
        self.page: StudentStats | None = None
        self.problem = ""

    # -- data, read in worker threads -----------------------------------------------------------

    def _read_project(self) -> _Loaded:
        """The bank and the mentor's view; a failure becomes a message, never a crash."""
        problem = ""
        questions: list[Question] | None = None
        try:
            questions = list(self.app.services.catalog.load(self.entry).questions)
        except (BankUnavailable, OSError):
            problem = t("stats.project_missing", ref=self.entry.ref)
        store = self.app.store
        summary = self.entry.summary
        view = project_view([], questions, summary.project_id)
        if store is None:
            problem = t("stats.no_store")
        else:
            try:
                from soutenance.store.derived import project_summary

                view = project_summary(
                    store, summary.path_id, summary.project_id, questions,
                    limit=QUESTIONS_SHOWN, order=self.order, student=self.questions_of,
                )  # fmt: skip
            except Exception as error:  # noqa: BLE001 - show what went wrong, keep the app up
                problem = t("stats.load_error", error=error)
        return _Loaded(questions or [], view, problem)

    def _read_student(self, student: str | None) -> StudentStats | None:
        store = self.app.store
        if not student or store is None:
            return None
        from soutenance.store.records import student_records

        summary = self.entry.summary
        try:
            mine = student_records(
                store, student, path_id=summary.path_id, project_id=summary.project_id
            )
        except Exception:  # noqa: BLE001 - the project's problem line says the store failed
            mine = []
        return student_stats(mine, student, self.questions, project_id=summary.project_id)

    @work(thread=True, exclusive=True, group="stats-project")
    def load(self) -> None:
        loaded = self._read_project()
        self.app.call_from_thread(self._project_loaded, loaded)

    @work(thread=True, exclusive=True, group="stats-student")
    def load_student(self, student: str | None) -> None:
        page = self._read_student(student)
        self.app.call_from_thread(self._student_loaded, student, page)

    @work(thread=True, exclusive=True, group="stats-project")
    def load_questions(self) -> None:
        loaded = self._read_project()
        self.app.call_from_thread(self._questions_loaded, loaded)

    def _students(self) -> list[str]:
        names = list(self.names)
        for extra in (self.student, self.app.services.config.student):
            if extra and extra not in names:
                names.append(extra)
        return names

    # -- layout ---------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="stats"):
            yield Static(
                t("stats.title", project=self.entry.summary.title), classes="title", markup=False
            )
            yield Static(id="stats-problem", markup=False)
            with Horizontal(id="stats-student-row"):
                yield Label(t("stats.pick_student"))
                yield Select([], id="stats-student")
            with TabbedContent(id="stats-tabs"):
                with TabPane(t("stats.tab_student"), id="tab-student"), VerticalScroll():
                    yield Static(id="student-summary", markup=False)
                    yield Static(id="calibration", markup=False)
                    for name in ("coverage", "overtime", "confidence"):
                        with Horizontal(classes="trend"):
                            yield Label(t(f"stats.trend.{name}"), classes="trend-label")
                            yield Static(id=f"trend-{name}", classes="trend-value", markup=False)
                            yield Sparkline([], id=f"spark-{name}", classes=f"trend-spark -{name}")
                    yield Static(id="bank-coverage", markup=False)
                    yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
                with TabPane(t("stats.tab_questions"), id="tab-questions"), VerticalScroll():
                    yield Static(id="project-bank", markup=False)
                    yield DataTable(id="questions", cursor_type="row", zebra_stripes=True)
                    yield Static(t("stats.students_title"), classes="title")
                    yield DataTable(id="students", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#stats-problem").display = False
        sessions = self.query_one("#sessions", DataTable)
        sessions.add_columns(
            *(t(f"stats.col.{c}") for c in ("date", "asked", "coverage", "overtime", "confidence"))
        )
        self.query_one("#questions", DataTable).add_columns(*question_headers())
        self.query_one("#students", DataTable).add_columns(
            *(
                t(f"stats.col.{c}")
                for c in ("student", "answers", "drawn", "coverage", "overtime", "calibration")
            )
        )
        self.query_one("#stats-tabs").loading = True
        self.load()

    async def _project_loaded(self, loaded: _Loaded) -> None:
        if not self.is_attached:
            return
        self._take(loaded)
        self.names = [row.student for row in loaded.view.students]
        students = self._students()
        if self.student not in students:
            configured = self.app.services.config.student
            names = [row.student for row in loaded.view.students]
            self.student = configured if configured in names else next(iter(students), None)
        select = self.query_one("#stats-student", Select)
        with select.prevent(Select.Changed):
            select.set_options([(name, name) for name in students])
            if self.student:
                select.value = self.student
        self.load_student(self.student)
        await self._show_questions()

    def _take(self, loaded: _Loaded) -> None:
        self.questions, self.view, self.problem = loaded.questions, loaded.view, loaded.problem
        problem = self.query_one("#stats-problem", Static)
        problem.update(self.problem)
        problem.display = bool(self.problem)

    async def _questions_loaded(self, loaded: _Loaded) -> None:
        if not self.is_attached:
            return
        self._take(loaded)
        self.query_one("#questions").loading = False
        await self._show_questions()

    async def _student_loaded(self, student: str | None, page: StudentStats | None) -> None:
        if student != self.student or not self.is_attached:
            return  # another student was picked meanwhile (their page is on its way), or closed
        self.page = page
        self.query_one("#stats-tabs").loading = False
        await self._show_student()

    def on_select_changed(self, event: Select.Changed) -> None:
        if (
            event.select.id == "stats-student"
            and isinstance(event.value, str)
            and event.value != self.student
        ):
            self.student = event.value
            self.query_one("#stats-tabs").loading = True
            self.load_student(self.student)
            if self.questions_of is not None:
                self._reload_questions(self.student)

    # -- the student's page ---------------------------------------------------------------------

    async def _show_student(self) -> None:
        summary = self.query_one("#student-summary", Static)
        page = self.page
        if not self.student or page is None:
            summary.update(t("stats.no_student"))
            self._show_trends(Progress(()))
            return
        points = page.progress.points
        if not points:
            summary.update(t("stats.no_history", student=self.student))
        else:
            summary.update(
                t(
                    "stats.summary",
                    sessions=len(points),
                    answers=page.answers,
                    last=format_date(points[-1].at),
                )
            )
        calibration = self.query_one("#calibration", Static)
        calibration.update(calibration_text(page.calibration) if points else "")
        calibration.set_class(
            page.calibration.verdict in ("overconfident", "underconfident"), "-warning"
        )
        self._show_trends(page.progress)
        self.query_one("#bank-coverage", Static).update(self._bank_lines(page))
        table = self.query_one("#sessions", DataTable)
        rows = (
            ([format_date(point.at), str(point.asked), percent_label(point.mean_coverage),
              percent_label(point.overtime_rate), decimal(point.mean_confidence)], None)
            for point in reversed(points[-SESSIONS_SHOWN:])
        )  # fmt: skip
        await fill_table(table, rows)

    def _show_trends(self, progress: Progress) -> None:
        """One sparkline per measure, two columns per session (sessions are bucketed past
        SPARK_WIDTH); the scale is the student's own range, the numbers beside give the level."""
        series = {
            "coverage": (progress.coverage, percent_label),
            "overtime": (progress.overtime_rate, percent_label),
            "confidence": (progress.confidence, lambda v: f"{decimal(v)}/5"),
        }
        for name, (values, shown) in series.items():
            spark = self.query_one(f"#spark-{name}", Sparkline)
            spark.data = list(values)
            spark.styles.width = max(2, min(SPARK_WIDTH, 2 * len(values)))
            text = ""
            if values:
                text = t(
                    "stats.trend.value",
                    last=shown(values[-1]),
                    mean=shown(sum(values) / len(values)),
                )
            self.query_one(f"#trend-{name}", Static).update(text)

    def _bank_lines(self, page: StudentStats) -> str:
        if not self.questions:
            return ""
        lines = [
            t(
                "stats.bank",
                drawn=page.drawn,
                total=page.bank_size,
                percent=percent(page.drawn / page.bank_size if page.bank_size else None),
            )
        ]
        never = [q.id for q in page.never_drawn]
        lines.append(
            t("stats.never_drawn", count=len(never), ids=id_list(never))
            if never
            else t("stats.all_drawn")
        )
        if page.no_longer_in_bank:
            gone = list(page.no_longer_in_bank)
            lines.append(t("stats.gone", count=len(gone), ids=id_list(gone)))
        return "\n".join(lines)

    # -- questions across students (the mentor's page) ------------------------------------------

    async def _show_questions(self) -> None:
        view = self.view
        assert view is not None
        bank_line = self.query_one("#project-bank", Static)
        questions = self.query_one("#questions", DataTable)
        lines = []
        if not view.question_count:
            lines.append(t("stats.questions_none"))
        elif self.questions:
            coverage = view.coverage
            lines.append(
                t(
                    "stats.project_bank",
                    drawn=coverage.drawn,
                    total=coverage.total,
                    percent=percent(coverage.share),
                )
            )
        if view.question_count > len(view.questions):
            lines.append(t("plan.more", count=view.question_count - len(view.questions)))
        whose = self.questions_of
        if view.question_count or whose:
            lines.append(
                (t("stats.questions_of", student=whose) if whose else t("stats.questions_of_all"))
                + " · " + t("stats.sorted_by", order=t(f"stats.order.{self.order}"))
            )  # fmt: skip
        bank_line.update("\n".join(lines))
        known = {q.id for q in self.questions} if self.questions else None
        texts = {q.id: q.text for q in self.questions}
        rows = ((question_row(item, known, texts), item.question_id) for item in view.questions)
        if await fill_table(questions, rows):
            await fill_table(
                self.query_one("#students", DataTable),
                (self._student_row(r) for r in view.students),
            )

    @staticmethod
    def _student_row(row: StudentRow) -> tuple[list[str], str]:
        share = row.drawn / row.bank_size if row.bank_size else None
        return [
            row.student,
            str(row.answers),
            percent_label(share),
            percent_label(row.mean_coverage),
            percent_label(row.overtime_rate),
            t(f"stats.verdict.{row.calibration.verdict}"),
        ], row.student

    def _reload_questions(self, whose: str | None) -> None:
        self.questions_of = whose
        self.query_one("#questions").loading = True
        self.load_questions()

    def action_sort(self) -> None:
        """The next order of the questions (hardest first, most asked, longest time, ...)."""
        self.order = QUESTION_SORTS[(QUESTION_SORTS.index(self.order) + 1) % len(QUESTION_SORTS)]
        self.notify(t("stats.sorted_by", order=t(f"stats.order.{self.order}")), markup=False)
        self._reload_questions(self.questions_of)

    def action_filter(self) -> None:
        """The answers of the student picked above only, or again every student's."""
        whose = self.student if self.questions_of is None else None
        if whose is None and self.questions_of is None:
            return  # no student to show alone
        self._reload_questions(whose)
        self.query_one("#stats-tabs", TabbedContent).active = "tab-questions"

    def action_plan(self) -> None:
        from soutenance.ui.screens.plan import PlanScreen

        if self.student:
            self.app.push_screen(PlanScreen(self.entry, self.student))
