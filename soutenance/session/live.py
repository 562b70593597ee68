"""What a live challenge adds to a session run: the mentor draws or chooses each question from the
bank, and may save a follow-up typed on the spot to it. The stages, timing and saving are the
run's (soutenance.session.run), shared with rehearsals."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from soutenance.banks.model import Bank, Question, format_duration
from soutenance.i18n import t
from soutenance.session.draw import draw_questions
from soutenance.session.model import FollowUpAnswer, RunSettings, Session, SessionKind
from soutenance.session.plan import snapshot
from soutenance.session.run import SessionRun
from soutenance.session.timer import Level, Thresholds, TimerState


def live_session(student: str, bank: Bank, now: datetime, thresholds: Thresholds) -> Session:
    """A live challenge on `bank`, without questions yet (the mentor asks them one by one)."""
    project = bank.project
    return Session(
        student=student, path_id=project.path_id, project_id=project.id,
        project_title=project.title, language=project.language,
        evaluator_role=project.evaluator_role, started_at=now, kind=SessionKind.LIVE,
        settings=RunSettings(count=0, amber_at=thresholds.amber_at, amber_floor=thresholds.amber_floor),
    )  # fmt: skip


@dataclass(frozen=True)
class QuestionHistory:
    """What the student did before with this project's questions."""

    asked: frozenset[str] = frozenset()
    weak: frozenset[str] = frozenset()
    this_session: frozenset[str] = frozenset()


PREFERENCE = (("never_seen", "never"), ("weak_last", "weak"), ("asked_before", "any"))
"""The live draw's order: never asked to this student, then weak last time, then the rest."""


class LiveChallenge:
    """The live side of a run: its bank, the random picks, and what went to the bank."""

    def __init__(
        self,
        run: SessionRun,
        bank: Bank | None,
        seed: int | None = None,
        card: Mapping[str, str] | None = None,
    ) -> None:
        self.run = run
        self.bank = bank
        self.card = dict(card or {})
        """The student's project card: questions are asked with their own figures."""
        self.saved_to_bank: set[str] = set()
        """Ids of the typed follow-ups already added to the bank."""
        self.rng = random.Random(seed)

    def seed(self) -> int:
        """A seed for the next random pick (the same challenge seed gives the same picks)."""
        return self.rng.randrange(2**31)

    def draw(
        self, history: QuestionHistory | None = None
    ) -> tuple[Question, tuple[str, dict]] | None:
        """A question not asked yet in this challenge, preferring one never asked to the student,
        then one weak last time (None once all were asked); with why it was drawn."""
        if self.bank is None:
            return None
        history = history or QuestionHistory()
        groups = {
            "never": lambda q: q.id not in history.asked,
            "weak": lambda q: q.id in history.weak,
            "any": lambda q: True,
        }
        pool = [q for q in self.bank.questions if q.id not in self.run.asked_ids()]
        for code, group in PREFERENCE:
            drawn = draw_questions([q for q in pool if groups[group](q)], count=1, seed=self.seed())
            if drawn:
                return drawn[0], (code, {})
        return None

    def ask(self, question: Question, reason: tuple[str, dict] | None = None) -> None:
        self.run.ask(snapshot(question, reason, self.card))

    def stopped_reading(self) -> tuple[str, Level]:
        """The timer's figures when nothing is timed: the answer's time, red if it ran over."""
        answer = self.run.answer
        if answer is None or not answer.answered or answer.elapsed is None:
            return "0:00", Level.NEUTRAL
        over = answer.elapsed - answer.limit
        text = f"+{format_duration(over)}" if over > 0 else format_duration(answer.elapsed)
        return text, Level.RED if over > 0 else Level.GREEN

    def status(self, paused: bool = False) -> str:
        """The line beside the timer: running or paused (and time added), else the time taken."""
        timer = self.run.timer
        if timer is not None and timer.state is not TimerState.STOPPED:
            label = t("q.paused") if paused or self.run.paused else t("q.running")
            if timer.added_seconds:
                label += " · " + t("mentor.live.added", seconds=int(timer.added_seconds))
            return label
        answer = self.run.answer
        if answer is not None and answer.answered and answer.elapsed is not None:
            return t(
                "q.stopped",
                elapsed=format_duration(answer.elapsed),
                limit=format_duration(answer.limit),
            )
        return ""

    def unsaved_ad_hoc(self) -> FollowUpAnswer | None:
        """The typed follow-up to save to the bank: the current one, else the last one not saved yet."""
        answer = self.run.answer
        if answer is None:
            return None
        current, saved = self.run.follow_up, self.saved_to_bank
        if current is not None and current.ad_hoc and current.id not in saved:
            return current
        typed = [f for f in answer.follow_ups if f.ad_hoc and f.id not in saved]
        return typed[-1] if typed else None
