"""The live challenge without its display: the stages, what each allows, and the timing.

The mentor asks one question at a time (drawn or chosen), times the answer and its
follow-ups, ticks the key points heard, and may save a follow-up typed on the spot to the
bank. The screen (soutenance.ui.screens.live) shows this state and turns keys into calls.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from enum import Enum

from soutenance.banks.model import Bank, Question, format_duration
from soutenance.clock import Clock
from soutenance.i18n import t
from soutenance.session.draw import draw_questions
from soutenance.session.model import Answer, FollowUpAnswer, SessionKind
from soutenance.session.rehearsal import RehearsalRun, RunSettings, Sink
from soutenance.session.timer import AnswerTimer, Level, Thresholds, TimerState


class LiveStage(Enum):
    WAITING = "waiting"
    """No question yet: draw or choose one."""
    ANSWERING = "answering"
    FOLLOW_UP = "follow_up"
    DONE = "done"
    """The answer is timed: tick key points, mark, then the next question."""

    @property
    def has_answer(self) -> bool:
        """A question was asked: its key points, notes and marks can be filled in."""
        return self is not LiveStage.WAITING

    @property
    def can_ask(self) -> bool:
        """The next question can be drawn or chosen (none is being timed)."""
        return self in (LiveStage.WAITING, LiveStage.DONE)

    @property
    def timing(self) -> bool:
        """An answer or a follow-up is being timed: stop, pause, add time."""
        return self in (LiveStage.ANSWERING, LiveStage.FOLLOW_UP)

    @property
    def can_follow_up(self) -> bool:
        """A follow-up can be put (not while one is being timed)."""
        return self in (LiveStage.ANSWERING, LiveStage.DONE)


def start_live_run(student: str, bank: Bank, clock: Clock, thresholds: Thresholds) -> RehearsalRun:
    """A live session on `bank`, without questions yet (the mentor asks them one by one)."""
    # Saved from the first question on (or with the objectives): a mode opened by mistake leaves nothing.
    return RehearsalRun.start(
        student=student, bank=bank, questions=[], clock=clock, sink=None,
        kind=SessionKind.LIVE, settings=RunSettings(thresholds=thresholds),
    )  # fmt: skip


class LiveChallenge:
    """One live challenge: its run, stage, running timer, last follow-up and what went to the bank."""

    def __init__(self, run: RehearsalRun, seed: int | None = None) -> None:
        self.run = run
        self.stage = LiveStage.WAITING
        self.timer: AnswerTimer | None = None
        self.follow_up: FollowUpAnswer | None = None
        self.saved_to_bank: set[str] = set()
        """Ids of the typed follow-ups already added to the bank."""
        self.rng = random.Random(seed)

    @property
    def answer(self) -> Answer | None:
        """The current question's answer (None before the first question)."""
        return self.run.answer if self.stage.has_answer else None

    def allows(self, action: str) -> bool:
        """The stage rules: whether the mentor's `action` makes sense now (True for other actions)."""
        stage = self.stage
        allowed = {
            "draw": stage.can_ask,
            "choose": stage.can_ask,
            "stop": stage.timing,
            "pause": stage.timing,
            "add_time": stage.timing,
            "follow_up": stage.can_follow_up and bool(self.run.untaken_follow_ups()),
            "ad_hoc": stage.can_follow_up,
            "save_to_bank": self.unsaved_ad_hoc() is not None,
            "marks": stage.has_answer,
        }
        return allowed.get(action, True)

    # -- questions ----------------------------------------------------------------------------

    def seed(self) -> int:
        """A seed for the next random pick (the same challenge seed gives the same picks)."""
        return self.rng.randrange(2**31)

    def asked_ids(self) -> set[str]:
        return {answer.question_id for answer in self.run.session.answers}

    def draw(self) -> Question | None:
        """A question not asked yet in this challenge, at random (None once all were asked)."""
        drawn = draw_questions(self.run.bank.questions, count=1, exclude_ids=self.asked_ids(), seed=self.seed())
        return drawn[0] if drawn else None

    def ask(self, question: Question, sink: Sink) -> None:
        """Put a question to the student: a new answer, and its timer running.

        The session is saved from the first question on: a challenge opened by mistake leaves nothing.
        """
        run = self.run
        if run.sink is None:
            run.sink = sink
            run.save_session()
        run.add_question(question)
        if len(run.questions) > 1:
            run.go_next()
        run.answer  # noqa: B018 - recorded (and saved) as soon as it is asked
        self.follow_up = None
        self.timer = run.answer_timer()
        self.timer.start()
        self.stage = LiveStage.ANSWERING

    # -- timing -------------------------------------------------------------------------------

    def stop(self) -> bool:
        """Stop the timer and record the time of the answer or follow-up (False if none ran)."""
        if self.timer is None:
            return False
        elapsed = self.timer.stop()
        self.timer = None
        if self.stage is LiveStage.FOLLOW_UP and self.follow_up is not None:
            self.run.record_follow_up(self.follow_up, elapsed, self.follow_up.covered)
        else:
            self.run.record_time(elapsed)
        self.stage = LiveStage.DONE
        return True

    def start_follow_up(self, text: str, key_points: Sequence[str], *, ad_hoc: bool = False) -> None:
        """Put a follow-up (stopping the answer first if it is being timed), and time it."""
        if self.stage is LiveStage.ANSWERING:
            self.stop()
        self.follow_up = self.run.start_follow_up(text, key_points, ad_hoc=ad_hoc)
        self.timer = AnswerTimer(self.run.clock, self.follow_up.time_limit, thresholds=self.run.settings.thresholds)
        self.timer.start()
        self.stage = LiveStage.FOLLOW_UP

    def stopped_reading(self) -> tuple[str, Level]:
        """The timer's figures when nothing is timed: the answer's time, red if it ran over."""
        answer = self.answer
        if answer is None or answer.elapsed is None:
            return "0:00", Level.NEUTRAL
        over = (answer.elapsed or 0.0) - answer.time_limit
        text = f"+{format_duration(over)}" if over > 0 else format_duration(answer.elapsed or 0.0)
        return text, Level.RED if over > 0 else Level.GREEN

    def status(self, paused: bool = False) -> str:
        """The line beside the timer: running or paused (and time added), else the time taken."""
        timer = self.timer
        if timer is not None and timer.state is not TimerState.STOPPED:
            label = t("q.paused") if paused or timer.paused else t("q.running")
            if timer.added_seconds:
                label += " · " + t("mentor.live.added", seconds=int(timer.added_seconds))
            return label
        answer = self.answer
        if answer is not None and answer.elapsed is not None:
            return t("q.stopped", elapsed=format_duration(answer.elapsed or 0), limit=format_duration(answer.time_limit))
        return ""

    # -- key points and follow-ups ------------------------------------------------------------

    def tick(self, selected: Sequence[int], *, follow_up: bool = False) -> None:
        """The key points heard, of the answer or of the follow-up (kept until it is stopped)."""
        if not follow_up:
            self.run.set_covered(selected)
        elif self.follow_up is not None:
            if self.follow_up.elapsed is None:
                self.follow_up.covered = sorted(set(selected))  # recorded when it is stopped
            else:
                self.run.record_follow_up(self.follow_up, self.follow_up.elapsed, selected)

    def unsaved_ad_hoc(self) -> FollowUpAnswer | None:
        """The typed follow-up to save to the bank: the current one, else the last one not saved yet."""
        answer = self.answer
        if answer is None:
            return None
        current, saved = self.follow_up, self.saved_to_bank
        if current is not None and current.ad_hoc and current.id not in saved:
            return current
        typed = [f for f in answer.follow_ups if f.ad_hoc and f.id not in saved]
        return typed[-1] if typed else None
