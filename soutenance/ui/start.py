"""Starting a rehearsal or a mock defense from a request, for the setup screen and the CLI alike."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

from textual.app import App
from textual.screen import Screen

from soutenance.banks.catalog import BankUnavailable, ProjectEntry
from soutenance.i18n import t
from soutenance.session.draw import draw_questions
from soutenance.session.mock import MockDefense
from soutenance.session.model import SessionKind
from soutenance.session.rehearsal import RehearsalRun, RunSettings
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


class StartError(Exception):
    pass


def build_screen(app: App, request: RehearsalRequest) -> Screen:
    """The first screen of the session asked for; raises StartError with a user message."""
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
    questions = draw_questions(
        bank.questions,
        count=count,
        difficulties=request.difficulties or None,
        tags=request.tags or None,
        seed=request.seed,
    )
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
    )
    if request.mock:
        from soutenance.ui.screens.mock import PresentationScreen

        defense = MockDefense(bank.project.format, services.clock, settings.thresholds)
        return PresentationScreen(run, MockFlow(defense, request.seed))
    from soutenance.ui.screens.question import QuestionScreen

    return QuestionScreen(run, RehearsalFlow())
