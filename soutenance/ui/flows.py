"""What happens around the question screen: a plain rehearsal, or the mock defense's timeline."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Protocol

from soutenance.banks.model import format_duration
from soutenance.i18n import t
from soutenance.session.draw import draw_questions
from soutenance.session.mock import MockDefense, Phase
from soutenance.session.rehearsal import RehearsalRun

if TYPE_CHECKING:
    from soutenance.ui.screens.question import QuestionScreen


class Flow(Protocol):
    def role_line(self, run: RehearsalRun) -> str: ...
    def progress_line(self, run: RehearsalRun) -> str: ...
    def next_question(self, screen: QuestionScreen) -> bool: ...
    def finish(self, screen: QuestionScreen) -> None: ...


class RehearsalFlow:
    """A fixed draw of questions, then the summary."""

    def role_line(self, run: RehearsalRun) -> str:
        return t("q.role", role=run.bank.project.evaluator_role)

    def progress_line(self, run: RehearsalRun) -> str:
        question = run.question
        line = t(
            "q.progress",
            number=run.index + 1,
            total=len(run.questions),
            difficulty=question.difficulty,
            limit=format_duration(question.time_limit),
        )
        if reason := run.answer.reason:
            line += "\n" + t("q.reason", reason=reason)
        return line

    def next_question(self, screen: QuestionScreen) -> bool:
        return screen.run.go_next()

    def finish(self, screen: QuestionScreen) -> None:
        from soutenance.ui.screens.summary import SummaryScreen

        session = screen.run.finish()
        screen.app.switch_screen(SummaryScreen(session))


class MockFlow(RehearsalFlow):
    """Questions drawn one after the other while the discussion phase has time left."""

    def __init__(self, defense: MockDefense, seed: int | None = None) -> None:
        self.defense = defense
        self.rng = random.Random(seed)

    def progress_line(self, run: RehearsalRun) -> str:
        question = run.question
        left = max(0.0, self.defense.remaining())
        return t(
            "q.progress_mock",
            number=run.index + 1,
            difficulty=question.difficulty,
            limit=format_duration(question.time_limit),
            left=format_duration(left),
        )

    def next_question(self, screen: QuestionScreen) -> bool:
        run = screen.run
        if run.go_next():
            return True
        if not self.defense.next_question_allowed():
            screen.notify(t("q.time_up"))
            return False
        asked = [a.question_id for a in run.session.answers]
        drawn = draw_questions(run.bank.questions, count=1, exclude_ids=asked, seed=self.rng.randrange(2**31))
        if not drawn:
            return False
        run.add_question(drawn[0])
        return run.go_next()

    def finish(self, screen: QuestionScreen) -> None:
        from soutenance.ui.screens.mock import DebriefScreen

        if self.defense.phase is Phase.DISCUSSION:
            self.defense.advance()
        screen.app.switch_screen(DebriefScreen(screen.run, self.defense))
