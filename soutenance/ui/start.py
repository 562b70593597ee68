"""Starting a rehearsal or a mock defense from a request, for the setup screen and the CLI alike."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from textual.app import App
from textual.screen import Screen

from soutenance.banks.catalog import BankUnavailable, ProjectEntry
from soutenance.banks.model import Bank
from soutenance.i18n import t
from soutenance.session.draw import QuestionFilter, draw_questions
from soutenance.session.mock import MockDefense
from soutenance.session.model import SessionKind
from soutenance.session.reasons import defense_text, reason_text
from soutenance.session.rehearsal import RehearsalRun, RunSettings
from soutenance.session.scheduling import AnswerRecord, Focus, plan_draw
from soutenance.session.timer import Thresholds
from soutenance.ui.flows import MockFlow, RehearsalFlow


@dataclass
class RehearsalRequest:
    entry: ProjectEntry
    student: str = ""
    count: int = 5
    difficulties: set[int] = field(default_factory=set)
    tags: set[str] = field(default_factory=set)
    seed: int | None = None
    prep_seconds: int = 0
    mock: bool = False
    focus: Focus = "mix"
    """Which questions the draw favours: "mix" (balanced), "weak", "new", "due" or "all"."""
    defense_date: date | None = None
    """None: the roster's date for the student, if any."""
    problem: str = ""
    """Why the last start failed, for the setup screen to show when it opens on this request."""


class StartError(Exception):
    pass


def build_screen(app: App, request: RehearsalRequest) -> Screen:
    """The first screen of the session asked for; raises StartError with a user message."""
    try:
        screen = _build_screen(app, request)
    except StartError as error:
        request.problem = str(error)
        raise
    request.problem = ""
    return screen


def _build_screen(app: App, request: RehearsalRequest) -> Screen:
    services = app.services  # type: ignore[attr-defined]
    if not request.student.strip():
        raise StartError(t("setup.need_student"))
    try:
        bank = services.catalog.load(request.entry)
    except BankUnavailable as exc:
        raise StartError(t("setup.bank_error", error=exc.diagnostics[0] if exc.diagnostics else "?")) from None
    config = services.config
    settings = RunSettings(
        thresholds=Thresholds(amber_at=config.amber_fraction, amber_floor=config.amber_min_seconds),
        prep_seconds=request.prep_seconds,
    )
    count = 1 if request.mock else request.count
    reasons: dict[str, str] = {}
    if request.mock:
        questions = draw_questions(
            bank.questions,
            count=count,
            difficulties=request.difficulties or None,
            tags=request.tags or None,
            seed=request.seed,
        )
    else:
        chosen = QuestionFilter(difficulties=request.difficulties, tags=request.tags)
        eligible = chosen.apply(bank.questions)
        if not eligible:
            raise StartError(t("setup.no_question"))
        history, defense = student_context(app, request, bank)
        picks = plan_draw(
            eligible,
            history,
            now=services.clock.now(),
            defense_date=defense,
            count=count,
            focus=request.focus,
            seed=request.seed,
        )
        if not picks:
            raise StartError(t(f"focus.empty.{request.focus}"))
        questions = [question for question, _ in picks]
        reasons = {question.id: reason_text(reason) for question, reason in picks}
    if not questions:
        raise StartError(t("setup.no_question"))
    store = app.store  # type: ignore[attr-defined]
    if store is not None:
        with contextlib.suppress(Exception):  # remembering the name is a convenience only
            store.remember_student(request.student.strip())
    config.student = request.student.strip()
    config.extra["last_project"] = request.entry.ref
    config.save()
    run = RehearsalRun.start(
        student=request.student.strip(),
        bank=bank,
        questions=questions,
        clock=services.clock,
        sink=store,
        kind=SessionKind.MOCK if request.mock else SessionKind.REHEARSAL,
        seed=request.seed,
        settings=settings,
        reasons=reasons,
    )
    if request.mock:
        from soutenance.ui.screens.mock import PresentationScreen

        defense = MockDefense(bank.project.format, services.clock, settings.thresholds)
        return PresentationScreen(run, MockFlow(defense, request.seed))
    from soutenance.ui.screens.question import QuestionScreen

    return QuestionScreen(run, RehearsalFlow())


def student_context(app: App, request: RehearsalRequest, bank: Bank) -> tuple[list[AnswerRecord], date | None]:
    """The student's answers on this project and the defense date to aim at (the request's, else
    the roster's). A store that fails gives no history and a notice, never a failed start."""
    from soutenance.store.records import student_records

    student = request.student.strip()
    store: Any = app.store  # type: ignore[attr-defined]
    history: list[AnswerRecord] = []
    defense = request.defense_date
    if store is None:
        return history, defense
    try:
        history = student_records(store, student, path_id=bank.project.path_id, project_id=bank.project.id)
        if defense is None and (known := store.roster.get_student(student)) is not None:
            defense = known.defense_date
    except Exception as error:  # noqa: BLE001 - the draw goes on without history
        app.notify(t("history.unavailable", error=error), severity="warning", markup=False)
        return [], defense
    today = app.services.clock.now().date()  # type: ignore[attr-defined]
    if defense is not None and defense < today:
        notice = defense_text(defense, today) + " " + t("defense.draw_without_date")
        app.notify(notice, severity="warning", markup=False)
    return history, defense
