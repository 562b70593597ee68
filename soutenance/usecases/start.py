"""Starting a rehearsal or a mock defense: the draw, the settings, the new session — for the setup
screen and the command line alike."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from soutenance.banks.catalog import BankUnavailable, Catalog, ProjectEntry
from soutenance.banks.model import Bank
from soutenance.clock import Clock
from soutenance.config import Config
from soutenance.i18n import t
from soutenance.session.draw import QuestionFilter, draw_questions
from soutenance.session.mock import mock_state
from soutenance.session.model import QuestionSnapshot, RunSettings, Session, SessionKind
from soutenance.session.plan import snapshot
from soutenance.session.reasons import defense_text
from soutenance.session.run import SessionRun
from soutenance.session.scheduling import AnswerRecord, Focus, MemorySource, plan_draw
from soutenance.store.cards import card_values


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
    """A session that cannot start; str() is a message for the user."""


@dataclass
class Started:
    run: SessionRun
    notices: list[str] = field(default_factory=list)
    """Things to tell the user without stopping (no history available, a past defense date)."""


def start_session(
    request: RehearsalRequest, *, catalog: Catalog, config: Config, clock: Clock, store: Any
) -> Started:
    """Draw the questions, save the new session and return its run; raises StartError."""
    try:
        started = _start(request, catalog, config, clock, store)
    except StartError as error:
        request.problem = str(error)
        raise
    request.problem = ""
    return started


def _start(
    request: RehearsalRequest, catalog: Catalog, config: Config, clock: Clock, store: Any
) -> Started:
    student = request.student.strip()
    if not student:
        raise StartError(t("setup.need_student"))
    try:
        bank = catalog.load(request.entry)
    except BankUnavailable as exc:
        raise StartError(
            t("setup.bank_error", error=exc.diagnostics[0] if exc.diagnostics else "?")
        ) from None
    notices: list[str] = []
    history, defense = student_context(store, student, bank, request.defense_date, clock, notices)
    card = card_values(store, student, f"{bank.project.path_id}/{bank.project.id}")
    plan = draw_plan(request, bank, history, defense, clock, card=card)
    if store is not None:
        with contextlib.suppress(Exception):  # remembering the name is a convenience only
            store.remember_student(student)
    config.student = student
    config.last_project = request.entry.ref
    config.save()
    project = bank.project
    session = Session(
        student=student,
        path_id=project.path_id,
        project_id=project.id,
        project_title=project.title,
        language=project.language,
        evaluator_role=project.evaluator_role,
        started_at=clock.now(),
        kind=SessionKind.MOCK if request.mock else SessionKind.REHEARSAL,
        seed=request.seed,
        settings=RunSettings(
            count=len(plan),
            difficulties=sorted(request.difficulties),
            tags=sorted(request.tags),
            focus=request.focus,
            seed=request.seed,
            amber_at=config.amber_fraction,
            amber_floor=float(config.amber_min_seconds),
            prep_seconds=float(request.prep_seconds),
            defense_date=defense,
        ),
        plan=plan,
        mock=mock_state(project.format) if request.mock else None,
    )
    return Started(SessionRun.start(session, clock, store), notices)


def draw_plan(
    request: RehearsalRequest,
    bank: Bank,
    history: list[AnswerRecord] | MemorySource,
    defense: date | None,
    clock: Clock,
    *,
    card: Mapping[str, str] | None = None,
) -> list[QuestionSnapshot]:
    """The questions of the session, in order, worded with the student's project `card`. A mock
    defense draws every eligible question in a random order and asks them while its discussion
    has time left."""
    chosen = QuestionFilter(difficulties=request.difficulties, tags=request.tags)
    eligible = chosen.apply(bank.questions)
    if not eligible:
        raise StartError(t("setup.no_question"))
    if request.mock:
        drawn = draw_questions(eligible, count=len(eligible), seed=request.seed)
        return [snapshot(question, card=card) for question in drawn]
    picks = plan_draw(
        eligible, history, now=clock.now(), defense_date=defense, count=request.count,
        focus=request.focus, seed=request.seed,
    )  # fmt: skip
    if not picks:
        raise StartError(t(f"focus.empty.{request.focus}"))
    return [snapshot(question, reason, card) for question, reason in picks]


def student_context(
    store: Any, student: str, bank: Bank, asked: date | None, clock: Clock, notices: list[str]
) -> tuple[list[AnswerRecord] | MemorySource, date | None]:
    """The student's memory of this project (as the store keeps it) and the defense date to aim
    at (the one asked for, else the roster's). A store that fails gives no history and a notice,
    never a failed start."""
    defense = asked
    if store is None:
        return [], defense
    try:
        from soutenance.store.derived import student_memory

        history = student_memory(store, student, bank.project.path_id, bank.project.id)
        if defense is None and (known := store.roster.get_student(student)) is not None:
            defense = known.defense_date
    except Exception as error:  # noqa: BLE001 - the draw goes on without history
        notices.append(t("history.unavailable", error=error))
        return [], defense
    today = clock.now().date()
    if defense is not None and defense < today:
        notices.append(defense_text(defense, today) + " " + t("defense.draw_without_date"))
    return history, defense
