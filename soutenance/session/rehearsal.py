"""A rehearsal in progress: the drawn questions, the current one, and saving as the student goes.

The UI drives it and shows it; saving goes to a sink (the store) after every step. When the sink
fails, the run goes on in memory and says so once, so the student can still export.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from soutenance.banks.model import Bank, Question
from soutenance.clock import Clock
from soutenance.session.model import Answer, FollowUpAnswer, Session, SessionKind
from soutenance.session.timer import AnswerTimer, Thresholds

log = logging.getLogger(__name__)


class Sink(Protocol):
    def save_session(self, session: Session) -> None: ...
    def save_answer(self, session_id: str, answer: Answer) -> None: ...
    def save_notes(self, answer_id: str, text: str) -> Any: ...
    def save_follow_up(self, answer_id: str, follow_up: FollowUpAnswer) -> None: ...
    def end_session(self, session_id: str, ended_at: Any = None) -> Any: ...


@dataclass
class RunSettings:
    thresholds: Thresholds = Thresholds()
    prep_seconds: float = 0
    follow_up_seconds: int = 60


class RehearsalRun:
    def __init__(
        self,
        session: Session,
        bank: Bank,
        questions: Sequence[Question],
        clock: Clock,
        sink: Sink | None = None,
        settings: RunSettings | None = None,
        reasons: dict[str, str] | None = None,
    ) -> None:
        self.session = session
        self.bank = bank
        self.questions = list(questions)
        self.clock = clock
        self.sink = sink
        self.settings = settings or RunSettings()
        self.reasons = reasons or {}
        self.index = 0
        self.save_error: str | None = None
        self._save(lambda s: s.save_session(session))

    @classmethod
    def start(
        cls,
        *,
        student: str,
        bank: Bank,
        questions: Sequence[Question],
        clock: Clock,
        sink: Sink | None = None,
        kind: SessionKind = SessionKind.REHEARSAL,
        seed: int | None = None,
        settings: RunSettings | None = None,
        reasons: dict[str, str] | None = None,
    ) -> RehearsalRun:
        project = bank.project
        session = Session(
            student=student,
            path_id=project.path_id,
            project_id=project.id,
            project_title=project.title,
            language=project.language,
            evaluator_role=project.evaluator_role,
            started_at=clock.now(),
            kind=kind,
            seed=seed,
        )
        return cls(session, bank, questions, clock, sink, settings, reasons)

    @classmethod
    def resume(cls, session: Session, bank: Bank, clock: Clock, sink: Sink | None = None, settings: RunSettings | None = None) -> RehearsalRun:
        """Continue an unfinished session at its first unanswered question.

        Questions no longer in the bank are rebuilt from the text stored with the answer.
        """
        questions = [
            bank.question(a.question_id)
            or Question(id=a.question_id, text=a.question_text, key_points=a.key_points, time_limit=a.time_limit)
            for a in session.answers
        ]
        run = cls(session, bank, questions, clock, sink, settings)
        pending = [i for i, a in enumerate(session.answers) if a.elapsed is None and not a.skipped]
        run.index = pending[0] if pending else max(0, len(questions) - 1)
        return run

    def _new_answer(self, question: Question, position: int) -> Answer:
        return Answer(
            question_id=question.id,
            question_text=question.text,
            key_points=list(question.key_points),
            time_limit=question.time_limit,
            position=position,
            reason=self.reasons.get(question.id, ""),
        )

    # -- where we are -------------------------------------------------------------------------

    @property
    def question(self) -> Question:
        return self.questions[self.index]

    @property
    def answer(self) -> Answer:
        """The current question's answer, recorded as soon as the question is shown."""
        if self.index == len(self.session.answers):
            answer = self._new_answer(self.question, self.index)
            self.session.answers.append(answer)
            self._save(lambda s: s.save_answer(self.session.id, answer))
        return self.session.answers[self.index]

    @property
    def is_last(self) -> bool:
        return self.index >= len(self.questions) - 1

    def answer_timer(self) -> AnswerTimer:
        return AnswerTimer(
            self.clock,
            self.question.time_limit,
            prep_seconds=self.settings.prep_seconds,
            thresholds=self.settings.thresholds,
        )

    def add_question(self, question: Question) -> None:
        """Append one more question (the mock defense draws them as time allows)."""
        self.questions.append(question)

    # -- recording ----------------------------------------------------------------------------

    def record_time(self, elapsed: float) -> None:
        self.answer.elapsed = elapsed
        self.answer.skipped = False
        self.answer.answered_at = self.clock.now()
        self._save_answer()

    def set_confidence(self, confidence: int) -> None:
        if not 1 <= confidence <= 5:
            raise ValueError("confidence is 1 to 5")
        self.answer.confidence = confidence
        self._save_answer()

    def set_covered(self, covered: Sequence[int]) -> None:
        self.answer.covered = sorted(set(covered))
        self._save_answer()

    def set_notes(self, text: str) -> None:
        if text == self.answer.notes:
            return
        self.answer.notes = text
        answer = self.answer
        self._save(lambda s: s.save_notes(answer.id, text))

    def skip(self) -> None:
        self.answer.skipped = True
        self._save_answer()

    def start_follow_up(self, text: str, key_points: Sequence[str] = (), *, ad_hoc: bool = False) -> FollowUpAnswer:
        limit = min(self.settings.follow_up_seconds, self.question.time_limit)
        follow_up = FollowUpAnswer(text=text, key_points=list(key_points), time_limit=limit, ad_hoc=ad_hoc)
        self.answer.follow_ups.append(follow_up)
        self._save_follow_up(follow_up)
        return follow_up

    def record_follow_up(self, follow_up: FollowUpAnswer, elapsed: float, covered: Sequence[int] = ()) -> None:
        follow_up.elapsed = elapsed
        follow_up.covered = sorted(set(covered))
        self._save_follow_up(follow_up)

    def untaken_follow_ups(self) -> list[int]:
        taken = {f.text for f in self.answer.follow_ups}
        return [i for i, f in enumerate(self.question.follow_ups) if f.text not in taken]

    def go_next(self) -> bool:
        if self.is_last:
            return False
        self.index += 1
        return True

    def go_previous(self) -> bool:
        if self.index == 0:
            return False
        self.index -= 1
        return True

    def finish(self) -> Session:
        """End the session; a question shown but never answered counts as skipped."""
        self.session.ended_at = self.clock.now()
        for answer in self.session.answers:
            if answer.elapsed is None:
                answer.skipped = True
        self._save(lambda s: s.save_session(self.session))
        return self.session

    # -- saving -------------------------------------------------------------------------------

    def save_session(self) -> None:
        """Save the session's own fields (debrief notes, presentation time)."""
        self._save(lambda s: s.save_session(self.session))

    def _save_answer(self) -> None:
        answer = self.answer
        self._save(lambda s: s.save_answer(self.session.id, answer))

    def _save_follow_up(self, follow_up: FollowUpAnswer) -> None:
        answer = self.answer
        self._save(lambda s: s.save_follow_up(answer.id, follow_up))

    def _save(self, write: Any) -> None:
        if self.sink is None:
            return
        try:
            write(self.sink)
        except Exception as exc:  # noqa: BLE001 - any storage failure must not stop the rehearsal
            log.warning("saving failed: %s", exc)
            if self.save_error is None:
                self.save_error = str(exc) or type(exc).__name__
