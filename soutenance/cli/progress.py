"""`soutenance stats` and `soutenance plan`: progress and the plan to the defense date.

stats: with --student and --project, that student's page on the project; with --student alone,
one page per project rehearsed; with --project alone, every question across students (the
mentor's view: each question's text, times asked, median time, overtime rate, mean marks per
scale and most-missed key points, in the order of --sort; with --student too, the same table of
that student's answers after their page); with neither, the students and their sessions. Text, Markdown or JSON.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from soutenance import i18n
from soutenance.banks.catalog import BankUnavailable, Catalog, ProjectEntry
from soutenance.banks.model import Question
from soutenance.cli.common import (
    banks_option,
    echo_err,
    load_catalog,
    open_store_or_exit,
    resolve_project,
    root_options,
)
from soutenance.clock import SystemClock
from soutenance.config import Config
from soutenance.i18n import format_date, t
from soutenance.session.figures import QUESTION_SORTS
from soutenance.session.reasons import (
    calibration_text,
    decimal,
    percent,
    percent_label,
    plan_lines,
    question_headers,
    question_rows,
)
from soutenance.session.scheduling import CoveragePlan, plan
from soutenance.session.stats import (
    VOICE_TRENDS,
    Progress,
    ProjectView,
    StudentStats,
    VoiceProgress,
    project_view,
    student_stats,
    voice_progress,
)
from soutenance.session.summary import notes_preview
from soutenance.store.records import (
    student_projects,
    student_records,
    student_voice_records,
    students_with_sessions,
)

LISTED = 15
SPARK = "▁▂▃▄▅▆▇█"


# -- shared helpers ---------------------------------------------------------------------------


@dataclass
class Project:
    """A project as named on the command line: from the banks, or only known to the store."""

    path_id: str | None
    project_id: str
    title: str
    questions: list[Question]
    in_banks: bool

    @property
    def ref(self) -> str:
        return f"{self.path_id}/{self.project_id}" if self.path_id else self.project_id


def _setup_language(lang: str | None) -> None:
    config_language = None
    try:
        config_language = Config.load().language
    except Exception:  # noqa: BLE001 - a broken config never stops a report
        config_language = None
    i18n.set_language(i18n.detect_language(lang or root_options().lang, config_language))


def _load_project(catalog: Catalog, entry: ProjectEntry) -> Project:
    summary = entry.summary
    try:
        questions = list(catalog.load(entry).questions)
        in_banks = True
    except (BankUnavailable, OSError):
        questions, in_banks = [], False
        echo_err(t("stats.project_missing", ref=entry.ref))
    return Project(summary.path_id, summary.project_id, summary.title, questions, in_banks)


def _find_project(catalog: Catalog, reference: str) -> Project:
    """The project of --project; a PATH/PROJECT the banks lost is still reported from the store."""
    if catalog.find(reference) or "/" not in reference:
        return _load_project(catalog, resolve_project(catalog, reference))
    path_id, project_id = reference.strip("/").split("/", 1)
    echo_err(t("stats.project_missing", ref=reference))
    return Project(path_id, project_id, reference, [], False)


def _bank_of(catalog: Catalog, path_id: str, project_id: str, title: str) -> Project:
    found = catalog.find(f"{path_id}/{project_id}")
    if found:
        return _load_project(catalog, found[0])
    echo_err(t("stats.project_missing", ref=f"{path_id}/{project_id}"))
    return Project(path_id, project_id, title, [], False)


def spark(values: Sequence[float], low: float = 0.0, high: float = 1.0) -> str:
    """A terminal sparkline: one block per value, from ▁ (``low``) to █ (``high``)."""
    span = (high - low) or 1.0
    steps = len(SPARK) - 1
    return "".join(SPARK[round(min(1.0, max(0.0, (v - low) / span)) * steps)] for v in values)


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], fmt: str) -> list[str]:
    if fmt == "md":
        escaped = [[cell.replace("|", "\\|") for cell in row] for row in rows]
        return [
            "| " + " | ".join(headers) + " |",
            "|" + "|".join("---" for _ in headers) + "|",
            *("| " + " | ".join(row) + " |" for row in escaped),
        ]
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()
    body = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    return [line, *body]


def _heading(text: str, fmt: str, level: int = 1) -> list[str]:
    if fmt == "md":
        return ["#" * level + " " + text, ""]
    return [text, "=" * len(text) if level == 1 else "-" * len(text)]


def _ids(ids: Sequence[str], limit: int = LISTED) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (" " + t("plan.more", count=len(ids) - limit) if len(ids) > limit else "")


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def _emit(lines: list[str]) -> None:
    click.echo("\n".join(lines).rstrip() + "\n", nl=False)


# -- stats --------------------------------------------------------------------------------------


def _student_page(page: StudentStats, project: Project, fmt: str) -> list[str]:
    points = page.progress.points
    lines = _heading(
        t("stats.heading_student", student=page.student, project=project.title), fmt, 2
    )
    if not points:
        return [*lines, t("stats.no_history", student=page.student), ""]
    lines.append(
        t(
            "stats.summary",
            sessions=len(points),
            answers=page.answers,
            last=format_date(points[-1].at),
        )
    )
    lines.append(calibration_text(page.calibration))
    lines.append("")
    lines += _trends(page.progress, fmt)
    lines.append("")
    if project.questions:
        share = page.drawn / page.bank_size if page.bank_size else None
        lines.append(
            t("stats.bank", drawn=page.drawn, total=page.bank_size, percent=percent(share))
        )
        never = [q.id for q in page.never_drawn]
        lines.append(
            t("stats.never_drawn", count=len(never), ids=_ids(never))
            if never
            else t("stats.all_drawn")
        )
        if page.no_longer_in_bank:
            gone = list(page.no_longer_in_bank)
            lines.append(t("stats.gone", count=len(gone), ids=_ids(gone)))
        lines.append("")
    headers = [t(f"stats.col.{c}") for c in ("date", "asked", "coverage", "overtime", "confidence")]
    rows = [
        [
            format_date(p.at),
            str(p.asked),
            percent_label(p.mean_coverage),
            percent_label(p.overtime_rate),
            decimal(p.mean_confidence),
        ]
        for p in points
    ]
    lines += _heading(t("stats.sessions_title"), fmt, 3) + _table(headers, rows, fmt) + [""]
    return lines


def _trends(progress: Progress, fmt: str) -> list[str]:
    series = (
        ("coverage", progress.coverage, 0.0, 1.0, percent_label),
        ("overtime", progress.overtime_rate, 0.0, 1.0, percent_label),
        ("confidence", progress.confidence, 1.0, 5.0, lambda v: f"{decimal(v)}/5"),
    )
    lines = []
    for name, values, low, high, shown in series:
        if not values:
            continue
        value = t(
            "stats.trend.value", last=shown(values[-1]), mean=shown(sum(values) / len(values))
        )
        line = t(
            "stats.trend.line",
            label=t(f"stats.trend.{name}"),
            spark=spark(values, low, high),
            value=value,
        )
        lines.append(f"- {line}" if fmt == "md" else line)
    return lines


def _seconds(value: float) -> str:
    return t("voice.stats.seconds", value=decimal(value))


_VOICE_SHOWN = {
    "thinking_time": _seconds,
    "speaking_time": _seconds,
    "long_pauses": decimal,
    "words_per_minute": lambda value: f"{value:.0f}",
    "fillers_per_minute": decimal,
}


def _voice_lines(progress: VoiceProgress, fmt: str) -> list[str]:
    """How the recorded answers were said, session after session (none recorded: nothing)."""
    if not progress.points:
        return []
    lines = _heading(t("voice.stats.title"), fmt, 3)
    for name in VOICE_TRENDS:
        values = progress.series(name)
        if not values:
            continue
        shown = _VOICE_SHOWN[name]
        value = t(
            "stats.trend.value", last=shown(values[-1]), mean=shown(sum(values) / len(values))
        )
        trend = spark(values, min(values), max(values))
        line = t("stats.trend.line", label=t(f"voice.stats.{name}"), spark=trend, value=value)
        lines.append(f"- {line}" if fmt == "md" else line)
    return [*lines, ""]


def _voice_json(progress: VoiceProgress) -> list[dict]:
    return [
        {"id": p.session_id, "at": p.at.isoformat(), "answers": p.answers}
        | {name: _round(getattr(p, name), 2) for name in VOICE_TRENDS}
        for p in progress.points
    ]


def _student_json(page: StudentStats, project: Project) -> dict:
    calibration = page.calibration
    return {
        "student": page.student,
        "project": project.ref,
        "answers": page.answers,
        "sessions": [
            {
                "id": p.session_id,
                "at": p.at.isoformat(),
                "asked": p.asked,
                "answered": p.answered,
                "mean_coverage": _round(p.mean_coverage),
                "overtime_rate": _round(p.overtime_rate),
                "mean_confidence": _round(p.mean_confidence),
            }
            for p in page.progress.points
        ],
        "calibration": {
            "verdict": calibration.verdict,
            "pairs": calibration.pairs,
            "gap": _round(calibration.gap),
            "mean_confidence": _round(calibration.mean_confidence),
            "mean_coverage": _round(calibration.mean_coverage),
            "text": calibration_text(calibration),
        },
        "bank": {
            "in_banks": project.in_banks,
            "total": page.bank_size,
            "drawn": page.drawn,
            "never_drawn": [q.id for q in page.never_drawn],
            "no_longer_in_bank": list(page.no_longer_in_bank),
        },
        "mean_coverage": _round(page.mean_coverage),
        "overtime_rate": _round(page.overtime_rate),
    }


def _questions_data(project: Project, view: ProjectView) -> list[dict]:
    known = {q.id for q in project.questions} if project.in_banks else None
    texts = {q.id: q.text for q in project.questions}
    return [
        {
            "id": s.question_id,
            "text": texts.get(s.question_id),
            "in_bank": known is None or s.question_id in known,
            "times_asked": s.times_asked,
            "answered": s.answered,
            "skipped": s.skipped,
            "students": s.students,
            "median_time": _round(s.median_time, 1),
            "overtime_rate": _round(s.overtime_rate),
            "median_coverage": _round(s.median_coverage),
            "mean_marks": {scale: _round(mean) for scale, mean in s.figures.mean_marks.items()},
            "most_missed": [
                {"text": m.text, "missed": m.missed, "asked": m.asked} for m in s.most_missed
            ],
        }
        for s in view.questions
    ]


def _questions_table(project: Project, view: ProjectView, fmt: str) -> list[str]:
    known = {q.id for q in project.questions} if project.in_banks else None
    texts = {q.id: q.text for q in project.questions}
    return _table(question_headers(), question_rows(view.questions, known, texts), fmt)


def _project_report(project: Project, view: ProjectView, fmt: str) -> tuple[list[str], dict]:
    pages, coverage = view.students, view.coverage
    data = {
        "project": project.ref,
        "in_banks": project.in_banks,
        "bank": {
            "total": coverage.total,
            "drawn": coverage.drawn,
            "never_drawn": [q.id for q in coverage.never_drawn],
            "no_longer_in_bank": list(coverage.no_longer_in_bank),
        },
        "questions": _questions_data(project, view),
        "students": [
            {
                "student": p.student,
                "answers": p.answers,
                "drawn": p.drawn,
                "mean_coverage": _round(p.mean_coverage),
                "overtime_rate": _round(p.overtime_rate),
                "calibration": p.calibration.verdict,
            }
            for p in pages
        ],
    }
    lines = _heading(t("stats.heading_project", project=project.title), fmt)
    if not view.question_count:
        return [*lines, t("stats.questions_none")], data
    if project.questions:
        lines += [
            t(
                "stats.project_bank",
                drawn=coverage.drawn,
                total=coverage.total,
                percent=percent(coverage.share),
            ),
            "",
        ]
    lines += _questions_table(project, view, fmt) + [""]
    lines += _heading(t("stats.students_title"), fmt, 2)
    headers = [
        t(f"stats.col.{c}")
        for c in ("student", "answers", "drawn", "coverage", "overtime", "calibration")
    ]
    rows = [
        [
            p.student,
            str(p.answers),
            percent_label(p.drawn / p.bank_size if p.bank_size else None),
            percent_label(p.mean_coverage),
            percent_label(p.overtime_rate),
            t(f"stats.verdict.{p.calibration.verdict}"),
        ]
        for p in pages
    ]
    return lines + _table(headers, rows, fmt), data


def _project_view(
    store: Any, project: Project, order: str = QUESTION_SORTS[0], student: str | None = None
) -> ProjectView:
    """Every question and student of the project (of one student's answers when ``student`` is
    given), from the store's summaries."""
    from soutenance.store.derived import project_summary

    questions = project.questions if project.in_banks else None
    if project.path_id is None:  # a project id alone, unknown to the banks: nothing stored is found
        return project_view([], questions, project.project_id)
    return project_summary(store, project.path_id, project.project_id, questions, limit=None,
                           order=order, student=student)  # fmt: skip


def _overview(store: Any, fmt: str) -> tuple[list[str], list[dict]]:
    activity = students_with_sessions(store)
    roster = {s.name: s for s in store.roster.list_students(include_archived=True)}
    data = [
        {
            "student": a.student,
            "sessions": a.sessions,
            "answers": a.answers,
            "last_session_at": a.last_session_at.isoformat() if a.last_session_at else None,
            "defense_date": _defense_of(roster.get(a.student)),
            "projects": [p.ref for p in student_projects(store, a.student)],
        }
        for a in activity
    ]
    lines = _heading(t("stats.overview_title"), fmt)
    if not activity:
        return [*lines, t("stats.no_sessions")], data
    headers = [
        t("stats.col.student"),
        t("stats.sessions_title"),
        t("stats.col.answers"),
        t("stats.last_session"),
        t("stats.defense"),
    ]
    rows = [
        [
            item["student"],
            str(item["sessions"]),
            str(item["answers"]),
            format_date(a.last_session_at),
            format_date(date.fromisoformat(item["defense_date"])) if item["defense_date"] else "—",
        ]
        for item, a in zip(data, activity, strict=True)
    ]
    return lines + _table(headers, rows, fmt), data


def _defense_of(student: Any) -> str | None:
    return (
        student.defense_date.isoformat() if student is not None and student.defense_date else None
    )


@click.command("stats")
@click.option("--student", help="One student's page (all their projects, or --project's).")
@click.option(
    "--project",
    help="PATH_ID/PROJECT_ID or a project id: that project's questions across students.",
)
@click.option("--sort", "order", type=click.Choice(QUESTION_SORTS), default=QUESTION_SORTS[0], show_default=True,
              help="Order of a project's questions.")  # fmt: skip
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "md"]), default="text", show_default=True
)
@click.option("--lang", type=click.Choice(["fr", "en"]), help="Language of the report.")
@banks_option
def stats_command(
    student: str | None,
    project: str | None,
    order: str,
    fmt: str,
    lang: str | None,
    banks: tuple[Path, ...],
) -> None:
    """Progress: a student's sessions, trends and calibration, or each question across students."""
    _setup_language(lang)
    catalog = load_catalog(banks)
    store = open_store_or_exit()
    try:
        if student is None and project is None:
            lines, data = _overview(store, fmt)
        elif student is None:
            chosen = _find_project(catalog, project or "")
            view = _project_view(store, chosen, order)
            lines, data = _project_report(chosen, view, fmt)
        else:
            lines, data = _student_report(store, catalog, student, project, fmt, order)
    finally:
        store.close()
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        _emit(lines)


def _student_report(
    store: Any, catalog: Catalog, student: str, project: str | None, fmt: str, order: str
) -> tuple[list[str], Any]:
    if project is not None:
        chosen = [_find_project(catalog, project)]
    else:
        known = student_projects(store, student)
        if not known:
            raise click.ClickException(t("stats.unknown_student", student=student))
        chosen = [_bank_of(catalog, p.path_id, p.project_id, p.project_title) for p in known]
    lines: list[str] = []
    pages = []
    for item in chosen:
        records = student_records(store, student, path_id=item.path_id, project_id=item.project_id)
        page = student_stats(records, student, item.questions, project_id=item.project_id)
        voiced = student_voice_records(
            store, student, path_id=item.path_id, project_id=item.project_id
        )
        voice = voice_progress(voiced)
        lines += _student_page(page, item, fmt) + _voice_lines(voice, fmt)
        pages.append(_student_json(page, item) | {"voice": _voice_json(voice)})
        if project is not None:  # the project's questions, this student's answers only
            view = _project_view(store, item, order, student=page.student)
            if view.questions:
                lines += _heading(t("stats.questions_of_heading", student=page.student), fmt, 3)
                lines += _questions_table(item, view, fmt) + [""]
            pages[-1]["questions"] = _questions_data(item, view)
    return lines, pages[0] if project is not None else pages


# -- plan ---------------------------------------------------------------------------------------


def _plan_json(result: CoveragePlan, defense: date | None, student: str, project: Project) -> dict:
    return {
        "student": student,
        "project": project.ref,
        "defense_date": defense.isoformat() if defense else None,
        "defense_passed": result.defense_passed,
        "days_left": result.days_left,
        "per_session": result.per_session,
        "total": result.total,
        "seen": result.seen,
        "unseen": list(result.unseen_ids),
        "weak": list(result.weak_ids),
        "due": list(result.due_ids),
        "sessions_needed": result.sessions_needed,
        "sessions_per_day": _round(result.sessions_per_day, 2),
        "on_track": result.on_track,
        "no_longer_in_bank": list(result.unknown_ids),
    }


@click.command("plan")
@click.option("--project", required=True, help="PATH_ID/PROJECT_ID, a project id, or a bank file.")
@click.option("--student", help="Whose plan (default: the profile name remembered).")
@click.option(
    "--defense-date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="YYYY-MM-DD (default: the student's, from the roster).",
)
@click.option(
    "--per-session",
    type=click.IntRange(1, 200),
    default=None,
    help="Questions per session (default: from settings).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "md"]), default="text", show_default=True
)
@click.option("--lang", type=click.Choice(["fr", "en"]), help="Language of the plan.")
@banks_option
def plan_command(
    project: str,
    student: str | None,
    defense_date: datetime | None,
    per_session: int | None,
    fmt: str,
    lang: str | None,
    banks: tuple[Path, ...],
) -> None:
    """How many sessions of N questions are needed to see the project by the defense date."""
    _setup_language(lang)
    config = Config.load()
    student = (student or config.student or "").strip()
    if not student:
        raise click.UsageError("give --student NAME (no profile name is remembered yet)")
    catalog = load_catalog(banks)
    entry = resolve_project(catalog, project)
    chosen = _load_project(catalog, entry)
    store = open_store_or_exit()
    try:
        from soutenance.store.derived import student_memory

        history = student_memory(store, student, chosen.path_id or "", chosen.project_id)
        known = store.roster.get_student(student)
        defense = defense_date.date() if defense_date else (known.defense_date if known else None)
        today = SystemClock().now()
        result = plan(
            chosen.questions, history, today, defense, per_session or config.default_count
        )
    finally:
        store.close()
    if fmt == "json":
        click.echo(
            json.dumps(_plan_json(result, defense, student, chosen), ensure_ascii=False, indent=2)
        )
        return
    lines = _heading(f"{t('plan.title')} — {chosen.title}", fmt)
    lines.append(t("plan.student", student=student))
    if not result.seen and not result.unknown_ids:
        lines.append(t("stats.no_history", student=student))
    lines += [
        "",
        *(f"- {line}" if fmt == "md" else line for line in plan_lines(result, defense, today)),
        "",
    ]
    texts = {q.id: q.text for q in chosen.questions}
    for name, ids in (
        ("unseen", result.unseen_ids),
        ("weak", result.weak_ids),
        ("due", result.due_ids),
    ):
        if not ids:
            continue
        lines += _heading(f"{t(f'plan.{name}_list')} ({len(ids)})", fmt, 2)
        lines += [
            f"- {qid} — {notes_preview(texts.get(qid, ''), 70)}".rstrip(" —")
            for qid in ids[:LISTED]
        ]
        if len(ids) > LISTED:
            lines.append(t("plan.more", count=len(ids) - LISTED))
        lines.append("")
    _emit(lines)
