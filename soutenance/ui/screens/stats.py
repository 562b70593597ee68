"""Progress on a project: a student's sessions and trends, and every question across students.

The numbers come from ``soutenance.session.stats`` over the store's records; this screen only
lays them out. "l" opens the plan to the defense date for the student shown.
"""

from __future__ import annotations

from collections import defaultdict

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
from soutenance.session.reasons import (
    calibration_text,
    decimal,
    percent,
    percent_label,
    question_row,
)
from soutenance.session.scheduling import AnswerRecord
from soutenance.session.stats import (
    Progress,
    StudentStats,
    bank_coverage,
    hardest,
    question_stats,
    student_stats,
)
from soutenance.ui.translated import Translated

LISTED = 12
"""Never-drawn or removed ids listed by name before "… and N more"."""
SPARK_WIDTH = 48


def id_list(ids: list[str], limit: int = LISTED) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (" " + t("plan.more", count=len(ids) - limit) if len(ids) > limit else "")


class StatsScreen(Translated, Screen[None]):
    """One project: the chosen student's page, and the questions across all students."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "app.back", id="back"),
        Binding("l", "plan", "key.plan", id="plan"),
    ]

    def __init__(self, entry: ProjectEntry, student: str | None = None) -> None:
        super().__init__()
        self.entry = entry
        self.student = student
        self.questions: list[Question] = []
        self.records: list[AnswerRecord] = []
        self.by_student: dict[str, list[AnswerRecord]] = {}
        self.problem = ""

    # -- data -----------------------------------------------------------------------------------

    def _load(self) -> None:
        """The bank and every answer on the project; a failure becomes a message, never a crash."""
        from soutenance.store.records import project_records

        services = self.app.services
        try:
            self.questions = list(services.catalog.load(self.entry).questions)
        except (BankUnavailable, OSError):
            self.problem = t("stats.project_missing", ref=self.entry.ref)
        store = self.app.store
        if store is None:
            self.problem = t("stats.no_store")
            return
        summary = self.entry.summary
        try:
            self.records = project_records(store, summary.path_id, summary.project_id)
        except Exception as error:  # noqa: BLE001 - show what went wrong, keep the app up
            self.problem = t("stats.load_error", error=error)
            self.records = []
        grouped: dict[str, list[AnswerRecord]] = defaultdict(list)
        for record in self.records:
            grouped[record.student].append(record)
        self.by_student = dict(grouped)

    def _students(self) -> list[str]:
        names = sorted(self.by_student, key=str.casefold)
        for extra in (self.student, self.app.services.config.student):
            if extra and extra not in names:
                names.append(extra)
        return names

    # -- layout ---------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self._load()
        students = self._students()
        if self.student not in students:
            configured = self.app.services.config.student
            self.student = configured if configured in self.by_student else next(iter(students), None)
        yield Header()
        with Vertical(id="stats"):
            yield Static(t("stats.title", project=self.entry.summary.title), classes="title", markup=False)
            if self.problem:
                yield Static(self.problem, id="stats-problem", markup=False)
            with Horizontal(id="stats-student-row"):
                yield Label(t("stats.pick_student"))
                yield Select(
                    [(name, name) for name in students],
                    value=self.student if self.student else Select.BLANK,
                    allow_blank=not students,
                    id="stats-student",
                )
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
        sessions = self.query_one("#sessions", DataTable)
        sessions.add_columns(*(t(f"stats.col.{c}") for c in ("date", "asked", "coverage", "overtime", "confidence")))
        self._show_student()
        self._show_questions()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "stats-student" and isinstance(event.value, str):
            self.student = event.value
            self._show_student()

    # -- the student's page ---------------------------------------------------------------------

    def _show_student(self) -> None:
        summary = self.query_one("#student-summary", Static)
        if not self.student:
            summary.update(t("stats.no_student"))
            self._show_trends(Progress(()))
            return
        mine = self.by_student.get(self.student, [])
        project_id = self.entry.summary.project_id
        page = student_stats(mine, self.student, self.questions, project_id=project_id)
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
        calibration.set_class(page.calibration.verdict in ("overconfident", "underconfident"), "-warning")
        self._show_trends(page.progress)
        self.query_one("#bank-coverage", Static).update(self._bank_lines(page))
        table = self.query_one("#sessions", DataTable)
        table.clear()
        for point in reversed(points):
            table.add_row(
                format_date(point.at),
                str(point.asked),
                percent_label(point.mean_coverage),
                percent_label(point.overtime_rate),
                decimal(point.mean_confidence),
            )

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
                text = t("stats.trend.value", last=shown(values[-1]), mean=shown(sum(values) / len(values)))
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
        lines.append(t("stats.never_drawn", count=len(never), ids=id_list(never)) if never else t("stats.all_drawn"))
        if page.no_longer_in_bank:
            gone = list(page.no_longer_in_bank)
            lines.append(t("stats.gone", count=len(gone), ids=id_list(gone)))
        return "\n".join(lines)

    # -- questions across students (the mentor's page) ------------------------------------------

    def _show_questions(self) -> None:
        bank_line = self.query_one("#project-bank", Static)
        questions = self.query_one("#questions", DataTable)
        questions.add_columns(
            *(t(f"stats.col.{c}") for c in ("question", "times", "students", "median_time", "overtime", "median_coverage", "missed"))
        )
        if not self.records:
            bank_line.update(t("stats.questions_none"))
        elif self.questions:
            coverage = bank_coverage(self.questions, self.records, self.entry.summary.project_id)
            bank_line.update(
                t("stats.project_bank", drawn=coverage.drawn, total=coverage.total, percent=percent(coverage.share))
            )
        known = {q.id for q in self.questions}
        for item in hardest(question_stats(self.records).values(), known if self.questions else None):
            questions.add_row(
                *question_row(item, known if self.questions else None),
                key=item.question_id,
            )
        students = self.query_one("#students", DataTable)
        students.add_columns(
            *(t(f"stats.col.{c}") for c in ("student", "answers", "drawn", "coverage", "overtime", "calibration"))
        )
        for name in sorted(self.by_student, key=str.casefold):
            page = student_stats(self.by_student[name], name, self.questions, project_id=self.entry.summary.project_id)
            share = page.drawn / page.bank_size if page.bank_size else None
            students.add_row(
                name,
                str(page.answers),
                percent_label(share),
                percent_label(page.mean_coverage),
                percent_label(page.overtime_rate),
                t(f"stats.verdict.{page.calibration.verdict}"),
                key=name,
            )

    def action_plan(self) -> None:
        from soutenance.ui.screens.plan import PlanScreen

        if self.student:
            self.app.push_screen(PlanScreen(self.entry, self.student))
